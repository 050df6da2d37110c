//! WHEP (draft-ietf-wish-whep): `POST /whep/{camera}` with an SDP offer answers `201 Created`,
//! the SDP answer and the session's `Location`; `PATCH` there trickles ICE candidates,
//! `DELETE` ends it. Any standard WHEP player can watch a public Mingchu camera.

use super::error::Text;
use super::media_error::MediaError;
use super::placement::{locate, Served};
use crate::state::AppState;
use axum::extract::{FromRequest, Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::{CameraHub, CameraState, Subscription};
use mingchu_media::sfu::ViewerId;
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

/// How long a POST may wait for an on-demand camera's first picture.
const START_WAIT: Duration = Duration::from_secs(5);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/whep/{camera}", post(offer).options(options_endpoint))
        .route("/whep/{camera}/sessions/{session}", axum::routing::delete(end).patch(trickle).options(options_session))
        // Players on other origins must be able to read the answer's Location.
        .layer(SetResponseHeaderLayer::overriding(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*")))
        .layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_EXPOSE_HEADERS,
            HeaderValue::from_static("Location, ETag, Link, Retry-After"),
        ))
}

fn camera_id(raw: &str) -> Result<CameraId, Text> {
    raw.parse().map(CameraId).map_err(|_| MediaError::UnknownCamera(raw.to_string()).into())
}

fn require_content_type(headers: &HeaderMap, wanted: &'static str) -> Result<(), Text> {
    let given = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = given.split(';').next().unwrap_or("").trim();
    if essence.eq_ignore_ascii_case(wanted) {
        Ok(())
    } else {
        Err(MediaError::ContentType(wanted).into())
    }
}

async fn offer(State(state): State<AppState>, Path(camera): Path<String>, request: Request) -> Result<Response, Text> {
    let headers = request.headers().clone();
    let uri = request.uri().clone();
    let from = state.client_addr.of(&headers, request.extensions());
    let body = String::from_request(request, &state)
        .await
        .map_err(|_| MediaError::BadRequest("the offer must be UTF-8 text of at most 2 MB".into()))?;
    let camera = camera_id(&camera)?;
    require_content_type(&headers, "application/sdp")?;
    if !body.trim_start().starts_with("v=0") {
        return Err(MediaError::BadRequest("the body must be an SDP offer (it starts with \"v=0\")".into()).into());
    }
    let record = match state.db.camera(camera).await? {
        Some(record) if record.public => record,
        _ => return Err(MediaError::UnknownCamera(camera.to_string()).into()),
    };
    if let Served::Elsewhere(redirect) = locate(&state, camera, &uri).await? {
        return Ok(redirect);
    }
    let hub = state.media.cameras.hub(record.config());
    let subscription = hub.subscribe();
    match hub.ready(START_WAIT).await {
        CameraState::Online => {}
        CameraState::Unplayable(what) => return Err(MediaError::Unplayable(what).into()),
        CameraState::Offline(_) => return Err(MediaError::Offline.into()),
        CameraState::Idle | CameraState::Connecting => return Err(MediaError::Connecting.into()),
    }
    let viewer = ViewerId(rand::random());
    let subscription = with_keyframe(subscription, &hub);
    let answer = state.media.sfu.join(viewer, body, from, subscription).await?;
    tracing::info!(camera = %camera, peer = %viewer, venue = %record.venue_id, "viewer joined");
    let location = format!("/whep/{camera}/sessions/{viewer}");
    Ok((
        StatusCode::CREATED,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("application/sdp")),
            (header::LOCATION, HeaderValue::from_str(&location).expect("ASCII path")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        answer,
    )
        .into_response())
}

/// The subscription taken before waiting may predate the first keyframe; take a fresh one now
/// that the camera has a picture, so the SFU starts with the cached group of pictures.
fn with_keyframe(early: Subscription, hub: &Arc<CameraHub>) -> Subscription {
    if early.cached.first().is_some_and(|f| f.keyframe) {
        return early;
    }
    let fresh = hub.subscribe();
    drop(early);
    fresh
}

async fn trickle(
    State(state): State<AppState>,
    Path((_camera, session)): Path<(String, String)>,
    headers: HeaderMap,
    body: String,
) -> Result<StatusCode, Text> {
    let viewer: ViewerId = session.parse().map_err(|_| MediaError::UnknownSession)?;
    require_content_type(&headers, "application/trickle-ice-sdpfrag")?;
    state.media.sfu.trickle(viewer, body).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn end(
    State(state): State<AppState>,
    Path((_camera, session)): Path<(String, String)>,
) -> Result<StatusCode, Text> {
    let viewer: ViewerId = session.parse().map_err(|_| MediaError::UnknownSession)?;
    state.media.sfu.leave(viewer).await?;
    Ok(StatusCode::NO_CONTENT)
}

async fn options_endpoint() -> Response {
    preflight("POST, OPTIONS", true)
}

async fn options_session() -> Response {
    preflight("PATCH, DELETE, OPTIONS", false)
}

fn preflight(methods: &'static str, accept_post: bool) -> Response {
    let mut response = StatusCode::NO_CONTENT.into_response();
    let h = response.headers_mut();
    h.insert(header::ALLOW, HeaderValue::from_static(methods));
    h.insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(methods));
    h.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static("Content-Type, Authorization, If-Match"));
    h.insert(header::ACCESS_CONTROL_MAX_AGE, HeaderValue::from_static("86400"));
    if accept_post {
        h.insert(HeaderName::from_static("accept-post"), HeaderValue::from_static("application/sdp"));
    }
    response
}
