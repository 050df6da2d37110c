//! `GET /live/{camera}/stream.mp4`: a public camera's live picture as one fragmented MP4
//! stream over plain HTTP, for viewers WebRTC cannot reach (UDP blocked, no
//! `RTCPeerConnection`). It starts with the cached group of pictures (the current picture at
//! once), then a fragment per picture as the camera sends it; the player appends them to Media
//! Source Extensions and keeps to the live edge. Same camera connection as everyone else's.

use super::error::Text;
use super::media_error::MediaError;
use super::placement::{locate, Served};
use crate::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::{CameraState, MediaEvent};
use mingchu_media::live_mp4::LiveMuxer;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;

const START_WAIT: Duration = Duration::from_secs(5);

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/live/{camera}/stream.mp4", get(stream))
        // Readable from pages of any media node (a redirect to the camera's node crosses origins).
        .layer(tower_http::set_header::SetResponseHeaderLayer::if_not_present(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ))
}

async fn stream(State(state): State<AppState>, Path(raw): Path<String>, uri: Uri) -> Result<Response, Text> {
    let camera: CameraId = raw.parse().map(CameraId).map_err(|_| MediaError::UnknownCamera(raw.clone()))?;
    let record = match state.db.camera(camera).await? {
        Some(record) if record.public => record,
        _ => return Err(MediaError::UnknownCamera(raw).into()),
    };
    if let Served::Elsewhere(redirect) = locate(&state, camera, &uri).await? {
        return Ok(redirect);
    }
    // As many plain-HTTP viewers as WebRTC ones may watch (--max-viewers).
    let permit = state.live_http.clone().try_acquire_owned().map_err(|_| MediaError::Unavailable)?;
    let hub = state.media.cameras.hub(record.config());
    let lease = hub.lease();
    match hub.ready(START_WAIT).await {
        CameraState::Online => {}
        CameraState::Unplayable(what) => return Err(MediaError::Unplayable(what).into()),
        CameraState::Offline(_) => return Err(MediaError::Offline.into()),
        CameraState::Idle | CameraState::Connecting => return Err(MediaError::Connecting.into()),
    }
    // Now that the camera has a picture: the cached group of pictures, then live frames.
    let subscription = hub.subscribe();
    drop(lease);
    let codec = subscription
        .cached
        .first()
        .and_then(|f| mingchu_media::mp4::VideoTrack::from_access_unit(&f.annexb))
        .map(|t| t.codec())
        .unwrap_or_default();
    tracing::info!(camera = %camera, venue = %record.venue_id, "plain-HTTP viewer joined");
    let body = futures::stream::unfold(
        (subscription, LiveMuxer::new(), 0usize, permit),
        |(mut sub, mut muxer, mut cached, permit)| async move {
            loop {
                let frame = if cached < sub.cached.len() {
                    cached += 1;
                    sub.cached[cached - 1].clone()
                } else {
                    match sub.events.recv().await {
                        Ok(MediaEvent::Frame(frame)) => frame,
                        // A restart or a viewer too far behind: end; the player starts again.
                        Ok(MediaEvent::Restarted) | Err(RecvError::Lagged(_)) | Err(RecvError::Closed) => return None,
                    }
                };
                match muxer.push(&frame) {
                    Ok(chunks) if chunks.is_empty() => continue,
                    Ok(chunks) => {
                        let bytes = Bytes::from(chunks.concat());
                        return Some((Ok::<_, std::io::Error>(bytes), (sub, muxer, cached, permit)));
                    }
                    Err(_) => return None,
                }
            }
        },
    );
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("video/mp4")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            // What MSE's addSourceBuffer needs: video/mp4; codecs="…".
            (
                header::HeaderName::from_static("x-video-codec"),
                HeaderValue::from_str(&codec).unwrap_or(HeaderValue::from_static("")),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
