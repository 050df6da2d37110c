//! The error type of every server function. Messages are safe to show to anyone: the server
//! logs the details and sends only the kind.

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("invalid request: {0}")]
    BadRequest(String),
    #[error("service unavailable")]
    Unavailable,
    #[error("request failed: {0}")]
    Transport(String),
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(msg)
            | ServerFnErrorErr::MissingArg(msg)
            | ServerFnErrorErr::Deserialization(msg) => AppError::BadRequest(msg),
            other => AppError::Transport(other.to_string()),
        }
    }
}
