//! Camera endpoints for the player: live state and still pictures.

use super::error::Text;
use super::media_error::MediaError;
use super::placement::{locate, Served};
use crate::state::AppState;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::{CameraHub, CameraState};
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tower_http::set_header::SetResponseHeaderLayer;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/cameras/{id}/status", get(status))
        .route("/api/cameras/{id}/snapshot.jpg", get(snapshot))
        // Readable from pages of any media node (a redirect to the camera's node crosses origins).
        .layer(SetResponseHeaderLayer::if_not_present(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
}

/// A public camera's hub on this node, or the redirect to the media node holding it.
async fn public_hub(state: &AppState, raw: &str, uri: &Uri) -> Result<Result<Arc<CameraHub>, Response>, Text> {
    let id: CameraId = raw.parse().map(CameraId).map_err(|_| MediaError::UnknownCamera(raw.to_string()))?;
    let record = match state.db.camera(id).await? {
        Some(record) if record.public => record,
        _ => return Err(MediaError::UnknownCamera(raw.to_string()).into()),
    };
    match locate(state, id, uri).await? {
        Served::Here => Ok(Ok(state.media.cameras.hub(record.config()))),
        Served::Elsewhere(redirect) => Ok(Err(redirect)),
    }
}

#[derive(Serialize)]
struct Status {
    state: &'static str,
    /// Only what the public may know: why a camera cannot be played; not why it is offline.
    detail: Option<String>,
}

async fn status(State(state): State<AppState>, Path(id): Path<String>, uri: Uri) -> Result<Response, Text> {
    let hub = match public_hub(&state, &id, &uri).await? {
        Ok(hub) => hub,
        Err(redirect) => return Ok(redirect),
    };
    let current = hub.state();
    let detail = match &current {
        CameraState::Unplayable(what) => Some(what.clone()),
        _ => None,
    };
    Ok(Json(Status { state: current.code(), detail }).into_response())
}

#[derive(Deserialize)]
struct SnapshotParams {
    /// `fresh=1`: a picture from now or an error, never an older one (display screens must not
    /// show a stale picture as if the camera were live).
    #[serde(default)]
    fresh: Option<u8>,
}

/// The latest keyframe as JPEG. Starts an on-demand camera briefly if needed; falls back to
/// the last picture made when the camera cannot give a new one, unless `fresh=1`.
async fn snapshot(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<SnapshotParams>, QueryRejection>,
    uri: Uri,
) -> Result<Response, Text> {
    let Query(params) = params
        .map_err(|_| MediaError::BadRequest("the only parameter is fresh=1 (a picture from now or none)".into()))?;
    let stale_ok = params.fresh != Some(1);
    let hub = match public_hub(&state, &id, &uri).await? {
        Ok(hub) => hub,
        Err(redirect) => return Ok(redirect),
    };
    let _lease = hub.lease();
    let ready = hub.ready(Duration::from_secs(5)).await;
    let jpeg = match (ready, hub.keyframe()) {
        (CameraState::Online, Some(keyframe)) => match state.media.snapshots.jpeg(hub.id, keyframe).await {
            Ok(jpeg) => jpeg,
            Err(e) => {
                tracing::warn!(camera = %hub.id, error = %e, "snapshot failed");
                state.media.snapshots.last(hub.id).filter(|_| stale_ok).ok_or(MediaError::Unavailable)?
            }
        },
        (CameraState::Unplayable(what), _) => return Err(MediaError::Unplayable(what).into()),
        _ => state.media.snapshots.last(hub.id).filter(|_| stale_ok).ok_or(MediaError::Offline)?,
    };
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        jpeg,
    )
        .into_response())
}
