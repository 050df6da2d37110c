//! Live video: camera ingest (RTSP or synthetic), the frames it produces, and the WebRTC SFU
//! that relays them to viewers. See docs/design/media.md.

pub mod camera;
pub mod frame;
pub mod h264;
pub mod sfu;
pub mod snapshot;
pub mod source;

use camera::Cameras;
use sfu::driver::{DriverError, SfuHandle};
use snapshot::Snapshots;
use std::net::{IpAddr, SocketAddr};

/// The media services the HTTP side uses. Cheap to clone.
#[derive(Clone)]
pub struct Media {
    pub cameras: Cameras,
    pub sfu: SfuHandle,
    pub snapshots: Snapshots,
}

impl Media {
    pub async fn start(
        db: crate::db::Db,
        webrtc_bind: SocketAddr,
        advertise: &[IpAddr],
        limits: sfu::ViewerLimits,
    ) -> Result<Media, DriverError> {
        match db.mark_cameras_unmonitored().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cameras = n, "cameras marked unmonitored until watched again"),
            Err(e) => tracing::error!(error = %e, "cannot record the cameras' state at start"),
        }
        let cameras = Cameras::new(db);
        match cameras.start_always_on().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cameras = n, "started always-on cameras"),
            Err(e) => tracing::error!(error = %e, "cannot list always-on cameras"),
        }
        Ok(Media { cameras, sfu: SfuHandle::start(webrtc_bind, advertise, limits)?, snapshots: Snapshots::default() })
    }
}
