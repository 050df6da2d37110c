//! What frame analysis needs from the rest of the server: which cameras to analyse, and where
//! to keep picture-health changes and capture events. The server implements it on its
//! database.

use crate::health::Transition;
use crate::rules::Capture;
use mingchu_domain::vocab::CameraId;
pub use mingchu_media::store::StoreError;

#[async_trait::async_trait]
pub trait AnalysisStore: Send + Sync + 'static {
    /// The cameras analysed all the time (mode `all`).
    async fn cameras_to_analyse(&self) -> Result<Vec<CameraId>, StoreError>;
    /// Records a change of a camera's picture health.
    async fn record_health(&self, camera: CameraId, transition: &Transition) -> Result<(), StoreError>;
    /// Keeps a capture event with its boxed snapshot; returns the event's id.
    async fn add_capture(&self, camera: CameraId, capture: &Capture, jpeg: &[u8]) -> Result<i64, StoreError>;
}
