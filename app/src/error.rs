//! Errors as clients see them. [`ErrorKind`] is the one table from a kind of refusal to its
//! HTTP status and its stable code; the server's error boundary (`server/src/http/error.rs`)
//! and the server functions' status both read it. Messages are safe to show to anyone: the
//! server logs the details and sends only the kind.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

/// Every kind of refusal the portal makes, across every format it answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The request cannot be read at all (framing, encoding, an odd header).
    BadRequest,
    /// A query or path parameter is wrong; the problems name it.
    InvalidParameter,
    /// The body is wrong (bad JSON, a field out of range).
    InvalidBody,
    /// Credentials are missing or wrong.
    Unauthorized,
    /// Credentials are fine (or not needed) but this is not allowed.
    Forbidden,
    NotFound,
    /// The request contradicts the current state (a transition not allowed now).
    Conflict,
    /// The body is of a type this endpoint does not take.
    UnsupportedMediaType,
    /// What the client asks to receive cannot be produced (a WHEP offer without H.264).
    NotAcceptable,
    PayloadTooLarge,
    /// The request is well-formed but its content is refused (a form's fields).
    Unprocessable,
    /// Too many requests from this client; `Retry-After` says when to come back.
    RateLimited,
    /// A dependency (the database, a camera) cannot answer now; try again later.
    Unavailable,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 13] = [
        ErrorKind::BadRequest,
        ErrorKind::InvalidParameter,
        ErrorKind::InvalidBody,
        ErrorKind::Unauthorized,
        ErrorKind::Forbidden,
        ErrorKind::NotFound,
        ErrorKind::Conflict,
        ErrorKind::UnsupportedMediaType,
        ErrorKind::NotAcceptable,
        ErrorKind::PayloadTooLarge,
        ErrorKind::Unprocessable,
        ErrorKind::RateLimited,
        ErrorKind::Unavailable,
    ];

    /// The HTTP status of this kind.
    pub fn status(self) -> u16 {
        match self {
            ErrorKind::BadRequest | ErrorKind::InvalidParameter | ErrorKind::InvalidBody => 400,
            ErrorKind::Unauthorized => 401,
            ErrorKind::Forbidden => 403,
            ErrorKind::NotFound => 404,
            ErrorKind::NotAcceptable => 406,
            ErrorKind::Conflict => 409,
            ErrorKind::PayloadTooLarge => 413,
            ErrorKind::UnsupportedMediaType => 415,
            ErrorKind::Unprocessable => 422,
            ErrorKind::RateLimited => 429,
            ErrorKind::Unavailable => 503,
        }
    }

    /// The stable code of JSON error bodies (`error.code`), listed in the OpenAPI document.
    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::BadRequest => "bad_request",
            ErrorKind::InvalidParameter => "invalid_parameter",
            ErrorKind::InvalidBody => "invalid_body",
            ErrorKind::Unauthorized => "unauthorized",
            ErrorKind::Forbidden => "forbidden",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::UnsupportedMediaType => "unsupported_media_type",
            ErrorKind::NotAcceptable => "not_acceptable",
            ErrorKind::PayloadTooLarge => "payload_too_large",
            ErrorKind::Unprocessable => "unprocessable",
            ErrorKind::RateLimited => "rate_limited",
            ErrorKind::Unavailable => "unavailable",
        }
    }
}

/// The error type of every server function.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("invalid request: {0}")]
    BadRequest(String),
    /// The policy's refusal, in words for the person.
    #[error("not allowed: {0}")]
    Forbidden(String),
    #[error("service unavailable")]
    Unavailable,
    #[error("too many requests; try again in {minutes} minutes")]
    RateLimited { minutes: u64 },
    #[error("request failed: {0}")]
    Transport(String),
}

impl AppError {
    pub fn kind(&self) -> ErrorKind {
        match self {
            AppError::NotFound => ErrorKind::NotFound,
            AppError::BadRequest(_) | AppError::Transport(_) => ErrorKind::BadRequest,
            AppError::Forbidden(_) => ErrorKind::Forbidden,
            AppError::Unavailable => ErrorKind::Unavailable,
            AppError::RateLimited { .. } => ErrorKind::RateLimited,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// The framework's own failures. Their text comes from decoders and names the program's
    /// types (`expected struct VenueQuery`), so it is not passed on: the kind says enough.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::BadRequest("the request's arguments could not be read".into())
            }
            _ => AppError::Transport("the request could not be completed".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_statuses_are_client_or_server_errors() {
        let mut codes: Vec<_> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), ErrorKind::ALL.len());
        assert!(ErrorKind::ALL.iter().all(|k| (400..600).contains(&k.status())));
    }
}
