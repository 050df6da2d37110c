//! Extractors whose refusals go through the one error boundary: a query string or a path that
//! cannot be read is answered as an [`HttpError`] in JSON with a sentence saying what was not
//! understood, never axum's plain-text default.

use super::error::HttpError;
use axum::extract::{FromRequestParts, Path, Query};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// The query string as `T`, or a 400 saying what in it was not understood.
pub struct Understood<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Understood<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(q)) => Ok(Understood(q)),
            Err(e) => Err(HttpError::bad_request(format!("bad query: {}", e.body_text()))),
        }
    }
}

/// The path's parameters as `T`, or a 404 (a path that does not parse names nothing here).
pub struct Named<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for Named<T> {
    type Rejection = HttpError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, HttpError> {
        match Path::<T>::from_request_parts(parts, state).await {
            Ok(Path(p)) => Ok(Named(p)),
            Err(e) => Err(HttpError::not_found(format!("nothing is at this address: {}", e.body_text()))),
        }
    }
}
