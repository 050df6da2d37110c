//! What display screens call besides their page: the heartbeat, and the QR code that links a
//! venue's public page (also printable for the door).

use super::error::HttpError;
use crate::state::AppState;
use app::api::{HeartbeatReply, ScreenReport};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::Utc;
use mingchu_domain::vocab::VenueId;
use mingchu_media::camera::CameraState;

/// More tiles than any venue has cameras: a report beyond it is not from our page.
const MAX_TILES: u32 = 64;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/display/{token}/heartbeat", post(heartbeat))
        .route("/api/venues/{id}/qr.svg", get(venue_qr))
}

async fn heartbeat(
    State(state): State<AppState>,
    Path(token): Path<String>,
    report: Result<Json<ScreenReport>, JsonRejection>,
) -> Result<Json<HeartbeatReply>, HttpError> {
    let Json(report) =
        report.map_err(|e| HttpError::invalid_body(format!("the heartbeat could not be read: {}", e.body_text())))?;
    if report.tiles > MAX_TILES || report.live > report.tiles {
        return Err(HttpError::invalid_body(format!(
            "a heartbeat reports at most {MAX_TILES} tiles, and no more live tiles than tiles"
        )));
    }
    let screen = state.db.screen_heartbeat(&token, &report, Utc::now()).await?.ok_or(HttpError::no_screen())?;
    let mut cameras_online = Vec::new();
    for camera in state.db.venue_public_cameras(screen.venue).await? {
        if let Ok(Some(hub)) = state.media.cameras.get(camera).await {
            if hub.state() == CameraState::Online {
                cameras_online.push(camera);
            }
        }
    }
    tracing::debug!(
        screen = screen.id.0,
        venue = screen.venue.0,
        live = report.live,
        tiles = report.tiles,
        "heartbeat"
    );
    Ok(Json(HeartbeatReply { build: state.build.to_string(), cameras_online }))
}

/// A QR code (SVG) of the venue's public page.
async fn venue_qr(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, HttpError> {
    let venue = id.parse::<i64>().map(VenueId).map_err(|_| HttpError::no_venue(&id))?;
    if !state.db.venue_exists(venue).await? {
        return Err(HttpError::no_venue(&id));
    }
    let origin = origin(state.public_url.as_ref(), &headers)
        .ok_or_else(|| HttpError::bad_request("the request has no usable Host header"))?;
    let target = format!("{origin}/venues/{}", venue.0);
    let code = qrcode::QrCode::with_error_correction_level(target.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| HttpError::bad_request(format!("the address is too long for a QR code: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/svg+xml")),
            (header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=3600")),
        ],
        svg,
    )
        .into_response())
}

/// The portal's public origin: the configured address, else the request's (see
/// [`request_origin`]).
pub(crate) fn origin(public_url: Option<&url::Url>, headers: &HeaderMap) -> Option<String> {
    match public_url {
        Some(url) => Some(url.as_str().trim_end_matches('/').to_string()),
        None => request_origin(headers),
    }
}

/// `http://host[:port]` from the Host header (`https` behind a proxy that says so); `None`
/// when the header is missing or holds anything but a host name or address and port.
fn request_origin(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let valid = !host.is_empty()
        && host.len() <= 255
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    if !valid {
        return None;
    }
    let https = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
    Some(format!("{}://{host}", if https { "https" } else { "http" }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    #[test]
    fn origin_comes_from_a_plain_host_header() {
        assert_eq!(request_origin(&headers(&[("host", "127.0.0.1:3000")])).as_deref(), Some("http://127.0.0.1:3000"));
        assert_eq!(
            request_origin(&headers(&[("host", "mingchu.example.cn"), ("x-forwarded-proto", "https")])).as_deref(),
            Some("https://mingchu.example.cn")
        );
        assert_eq!(request_origin(&headers(&[("host", "[::1]:3000")])).as_deref(), Some("http://[::1]:3000"));
    }

    #[test]
    fn odd_host_headers_are_refused() {
        assert_eq!(request_origin(&headers(&[])), None);
        for bad in ["evil.example/phish?x=", "a b", "host@other", ""] {
            assert_eq!(request_origin(&headers(&[("host", bad)])), None, "{bad:?}");
        }
    }
}
