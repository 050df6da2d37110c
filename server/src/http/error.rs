//! The one HTTP error boundary. Every refusal the server makes is an [`HttpError`]: a kind
//! (whose status and code come from [`ErrorKind`]'s single table), a sentence a person
//! understands, optionally the parameters at fault and when to come back. It is rendered in
//! the format of the endpoint that refuses: a JSON problem body, plain text, or Open311's
//! JSON or XML error list. HTML pages take their status from the same kinds.
//!
//! Internal failures never reach a client: [`HttpError::internal`] logs the detail and answers
//! a generic "unavailable".

use super::open311::xml;
use crate::db::DbError;
use app::error::ErrorKind;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use serde_json::json;

/// One parameter at fault, for the client to point at.
#[derive(Clone, Debug, Serialize)]
pub struct ParamProblem {
    pub param: String,
    pub message: String,
}

#[derive(Debug)]
pub struct HttpError {
    kind: ErrorKind,
    message: String,
    problems: Vec<ParamProblem>,
    retry_after: Option<u32>,
}

/// How a refusal is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// `{"error": {"code", "message", "problems"?}}` (the JSON APIs).
    Json,
    /// One line of text (WHEP, snapshots, photos, feeds).
    Text,
    /// GeoReport v2's `[{"code", "description"}]`.
    Open311Json,
    /// GeoReport v2's `<errors><error>…`.
    Open311Xml,
}

impl HttpError {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> HttpError {
        HttpError { kind, message: message.into(), problems: Vec::new(), retry_after: None }
    }

    pub fn not_found(message: impl Into<String>) -> HttpError {
        HttpError::new(ErrorKind::NotFound, message)
    }

    pub fn bad_request(message: impl Into<String>) -> HttpError {
        HttpError::new(ErrorKind::BadRequest, message)
    }

    pub fn invalid_body(message: impl Into<String>) -> HttpError {
        HttpError::new(ErrorKind::InvalidBody, message)
    }

    /// Parameters at fault; the message lists them all.
    pub fn invalid_parameters(problems: Vec<ParamProblem>) -> HttpError {
        let message = problems.iter().map(|p| format!("{}: {}", p.param, p.message)).collect::<Vec<_>>().join("; ");
        HttpError { problems, ..HttpError::new(ErrorKind::InvalidParameter, message) }
    }

    /// The service cannot answer now; nothing about why.
    pub fn unavailable() -> HttpError {
        HttpError::new(ErrorKind::Unavailable, "the service is unavailable, try again later").retry_after(10)
    }

    /// An internal failure: logged here with its detail (and what was being done), answered
    /// as [`HttpError::unavailable`].
    pub fn internal(doing: &str, error: &dyn std::fmt::Display) -> HttpError {
        tracing::error!(error = %error, "{doing}");
        HttpError::unavailable()
    }

    pub fn retry_after(mut self, seconds: u32) -> HttpError {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_problems(mut self, problems: Vec<ParamProblem>) -> HttpError {
        self.problems = problems;
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn status(&self) -> StatusCode {
        status(self.kind)
    }

    pub fn render(self, format: Format) -> Response {
        let status = self.status();
        let mut response = match format {
            Format::Json => {
                #[derive(Serialize)]
                struct Body<'a> {
                    error: Detail<'a>,
                }
                #[derive(Serialize)]
                struct Detail<'a> {
                    code: &'static str,
                    message: &'a str,
                    #[serde(skip_serializing_if = "<[_]>::is_empty")]
                    problems: &'a [ParamProblem],
                }
                let body =
                    Body { error: Detail { code: self.kind.code(), message: &self.message, problems: &self.problems } };
                (status, Json(body)).into_response()
            }
            Format::Text => {
                (status, [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{}\n", self.message))
                    .into_response()
            }
            Format::Open311Json | Format::Open311Xml => {
                let code = status.as_u16();
                let items: Vec<_> = if self.problems.is_empty() {
                    vec![json!({ "code": code, "description": self.message })]
                } else {
                    self.problems
                        .iter()
                        .map(|p| json!({ "code": code, "description": format!("{}: {}", p.param, p.message) }))
                        .collect()
                };
                let body = serde_json::Value::Array(items);
                if format == Format::Open311Json {
                    (status, [(header::CONTENT_TYPE, "application/json; charset=utf-8")], body.to_string())
                        .into_response()
                } else {
                    (status, [(header::CONTENT_TYPE, "text/xml; charset=utf-8")], xml::document("errors", &body))
                        .into_response()
                }
            }
        };
        let headers = response.headers_mut();
        if let Some(seconds) = self.retry_after {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if self.kind == ErrorKind::Unauthorized {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

/// The status of a kind (the table is [`ErrorKind::status`]).
pub fn status(kind: ErrorKind) -> StatusCode {
    // Every kind's status is a valid one (tested in `app::error`).
    StatusCode::from_u16(kind.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl IntoResponse for HttpError {
    fn into_response(self) -> Response {
        self.render(Format::Json)
    }
}

impl From<DbError> for HttpError {
    fn from(err: DbError) -> Self {
        HttpError::internal("database error", &err)
    }
}

/// An [`HttpError`] answered as plain text: the error type of text endpoints, so `?` works on
/// anything that becomes an `HttpError`.
#[derive(Debug)]
pub struct Text(pub HttpError);

impl<E: Into<HttpError>> From<E> for Text {
    fn from(err: E) -> Self {
        Text(err.into())
    }
}

impl IntoResponse for Text {
    fn into_response(self) -> Response {
        self.0.render(Format::Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn body(response: Response) -> String {
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 16).await.unwrap();
        String::from_utf8(bytes.to_vec()).unwrap()
    }

    #[tokio::test]
    async fn internal_errors_answer_without_their_detail() {
        let e = HttpError::internal("test", &"no such table: venues at /srv/data/mingchu.db");
        let response = e.render(Format::Text);
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], "10");
        let text = body(response).await;
        assert!(!text.contains("table") && !text.contains("/srv"), "{text}");
    }

    #[tokio::test]
    async fn each_format_carries_the_kind() {
        let problems = vec![ParamProblem { param: "page".into(), message: "a whole number".into() }];
        let json = body(HttpError::invalid_parameters(problems.clone()).render(Format::Json)).await;
        let json: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(json["error"]["code"], "invalid_parameter");
        assert_eq!(json["error"]["problems"][0]["param"], "page");
        let open311 = body(HttpError::invalid_parameters(problems).render(Format::Open311Json)).await;
        assert_eq!(open311, r#"[{"code":400,"description":"page: a whole number"}]"#);
        let xml = body(HttpError::not_found("no service request \"x\"").render(Format::Open311Xml)).await;
        assert!(xml.contains("<errors><error><code>404</code>"), "{xml}");
        let unauthorized = HttpError::new(ErrorKind::Unauthorized, "send a token").render(Format::Json);
        assert_eq!(unauthorized.headers()[header::WWW_AUTHENTICATE], "Bearer");
    }
}
