//! A camera's current picture kept as evidence (a remote patrol, an order verified through the
//! cameras): a fresh keyframe or none, re-encoded like every stored photo.

use crate::complaints::photo::CleanPhoto;
use crate::db::CameraRecord;
use crate::state::AppState;
use mingchu_media::camera::CameraState;
use std::time::Duration;

/// The camera's picture as it is now; `None` when it gives none within a few seconds (an
/// evidence picture is never an old one).
pub async fn current_frame(state: &AppState, camera: &CameraRecord) -> Option<CleanPhoto> {
    let hub = state.media.cameras.hub(camera.config());
    let _lease = hub.lease();
    let jpeg = match (hub.ready(Duration::from_secs(5)).await, hub.keyframe()) {
        (CameraState::Online, Some(keyframe)) => state.media.snapshots.jpeg(hub.id, keyframe).await.ok()?,
        _ => return None,
    };
    crate::complaints::photo::clean(&jpeg).ok()
}
