//! Security headers on every response. Pages set their own Content-Security-Policy with the
//! response's script nonce (`app::content_security_policy`); everything else (JSON, images,
//! feeds, errors) gets one that allows nothing to run. HSTS is sent only when the portal's
//! public address is https, so a plain-http install on a LAN is not locked out.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

/// What responses that are not pages may do: nothing, and never be framed.
const LOCKED_DOWN: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
const HSTS: &str = "max-age=31536000";

#[derive(Clone, Copy)]
pub struct Https(pub bool);

pub async fn headers(State(Https(https)): State<Https>, req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.entry(header::CONTENT_SECURITY_POLICY).or_insert(HeaderValue::from_static(LOCKED_DOWN));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("strict-origin-when-cross-origin"));
    // For browsers older than frame-ancestors.
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        h.insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    // Pages differ by the reader's language cookie and carry a per-response CSP nonce: a
    // shared cache must never hand one reader's page to another; browsers revalidate.
    let html = h.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if html {
        h.entry(header::CACHE_CONTROL).or_insert(HeaderValue::from_static("private, no-cache"));
    }
    response
}
