//! Live video: camera ingest (RTSP or synthetic), the frames it produces, and the WebRTC SFU
//! that relays them to viewers. See docs/design/media.md.
//!
//! No HTTP and no database here: the camera settings and the records of their states come in
//! through [`store::CameraStore`], and the HTTP side maps [`sfu::SfuError`] to its answers.

pub mod camera;
pub mod frame;
pub mod h264;
pub mod hls;
pub mod live_mp4;
pub mod mp4;
pub mod record;
pub mod sfu;
pub mod snapshot;
pub mod source;
pub mod store;
pub mod supervise;
#[cfg(test)]
mod test_stream;

use camera::Cameras;
use sfu::driver::{DriverError, SfuHandle};
use snapshot::Snapshots;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use store::CameraStore;

/// The media services the HTTP side uses. Cheap to clone.
#[derive(Clone)]
pub struct Media {
    pub cameras: Cameras,
    pub sfu: SfuHandle,
    pub snapshots: Snapshots,
}

impl Media {
    pub async fn start(
        store: Arc<dyn CameraStore>,
        webrtc_bind: SocketAddr,
        advertise: &[IpAddr],
        limits: sfu::ViewerLimits,
        offer: sfu::driver::Offer,
    ) -> Result<Media, DriverError> {
        match store.mark_cameras_unmonitored().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cameras = n, "cameras marked unmonitored until watched again"),
            Err(e) => tracing::error!(error = %e, "cannot record the cameras' state at start"),
        }
        let cameras = Cameras::new(store);
        match cameras.start_always_on().await {
            Ok(0) => {}
            Ok(n) => tracing::info!(cameras = n, "started always-on cameras"),
            Err(e) => tracing::error!(error = %e, "cannot list always-on cameras"),
        }
        Ok(Media {
            cameras,
            sfu: SfuHandle::start(webrtc_bind, advertise, limits, offer)?,
            snapshots: Snapshots::default(),
        })
    }
}
