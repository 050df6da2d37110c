//! Leptos answers every failed server function with 500. This middleware gives those
//! responses the status their [`AppError`] means (bad JSON from a client is a 400, a missing
//! venue a 404), using the app's single mapping.

use app::api::ssr::status_for;
use app::error::AppError;
use axum::body::{to_bytes, Body};
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;

/// Error bodies are a few hundred bytes; anything larger is passed through untouched.
const MAX_ERROR_BODY: usize = 64 * 1024;

pub async fn fix_status(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR || !response.headers().contains_key("serverfnerror") {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ERROR_BODY).await else {
        return Response::from_parts(parts, Body::empty());
    };
    if let Ok(err) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_for(&err);
    }
    Response::from_parts(parts, Body::from(bytes))
}
