//! The one place where media failures become HTTP answers: a status and a sentence a person
//! understands, never internal detail (camera addresses, credentials, library errors).

use crate::db::DbError;
use crate::media::sfu::SfuError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    #[error("no public camera with id {0}")]
    UnknownCamera(String),
    #[error("no such viewing session (it ended or never existed)")]
    UnknownSession,
    #[error("send the offer with Content-Type: {0}")]
    ContentType(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("the offer must receive video as H.264 (packetization-mode=1)")]
    NoH264,
    #[error("this camera's codec is not playable in browsers ({0})")]
    Unplayable(String),
    #[error("the camera is offline; try again shortly")]
    Offline,
    #[error("the camera is connecting; try again in a moment")]
    Connecting,
    #[error("live video is unavailable right now")]
    Unavailable,
    #[error(transparent)]
    Db(#[from] DbError),
}

impl MediaError {
    fn status(&self) -> StatusCode {
        match self {
            MediaError::UnknownCamera(_) | MediaError::UnknownSession => StatusCode::NOT_FOUND,
            MediaError::ContentType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            MediaError::BadRequest(_) => StatusCode::BAD_REQUEST,
            MediaError::NoH264 => StatusCode::NOT_ACCEPTABLE,
            MediaError::Unplayable(_) => StatusCode::CONFLICT,
            MediaError::Offline | MediaError::Connecting | MediaError::Unavailable | MediaError::Db(_) => {
                StatusCode::SERVICE_UNAVAILABLE
            }
        }
    }

    /// Seconds a client should wait before trying again, for 503s.
    fn retry_after(&self) -> Option<u32> {
        match self {
            MediaError::Offline => Some(5),
            MediaError::Connecting => Some(1),
            MediaError::Unavailable | MediaError::Db(_) => Some(10),
            _ => None,
        }
    }
}

impl From<SfuError> for MediaError {
    fn from(e: SfuError) -> Self {
        match e {
            SfuError::BadOffer(reason) => MediaError::BadRequest(format!("the SDP offer could not be read: {reason}")),
            SfuError::BadCandidate(reason) => MediaError::BadRequest(format!("bad ICE candidate: {reason}")),
            SfuError::NoH264 => MediaError::NoH264,
            SfuError::NoPicture => MediaError::Connecting,
            SfuError::UnknownViewer => MediaError::UnknownSession,
            SfuError::Stopped => MediaError::Unavailable,
        }
    }
}

impl IntoResponse for MediaError {
    fn into_response(self) -> Response {
        if let MediaError::Db(e) = &self {
            tracing::error!(error = %e, "database error");
        }
        let mut response =
            (self.status(), [(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{self}\n")).into_response();
        if let Some(seconds) = self.retry_after() {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response
    }
}
