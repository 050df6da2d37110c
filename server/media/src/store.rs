//! What live media needs from the rest of the server, as traits: the camera's settings, and
//! where to record its states and checks (the online-rate KPI is computed from those records).
//! The server implements them on its database; tests implement them in memory.

use crate::camera::CameraState;
use crate::source::SourceSpec;
use chrono::{DateTime, Utc};
use mingchu_domain::picture::HealthState;
use mingchu_domain::vocab::CameraId;

/// A camera as live media sees it: how to reach it and whether it runs without viewers.
#[derive(Clone, Debug)]
pub struct CameraConfig {
    pub id: CameraId,
    pub spec: SourceSpec,
    pub always_on: bool,
}

/// A store could not answer. Logged by the caller; never shown to clients.
#[derive(Debug, thiserror::Error)]
#[error(transparent)]
pub struct StoreError(pub Box<dyn std::error::Error + Send + Sync>);

/// The cameras' settings and their records.
#[async_trait::async_trait]
pub trait CameraStore: Send + Sync + 'static {
    /// The camera's settings; `None` if no such camera.
    async fn camera(&self, id: CameraId) -> Result<Option<CameraConfig>, StoreError>;
    /// The cameras configured to run whether or not anyone watches.
    async fn always_on_cameras(&self) -> Result<Vec<CameraId>, StoreError>;
    /// At start: every camera's last state is no longer known (nobody watched it meanwhile).
    /// Returns how many cameras were marked.
    async fn mark_cameras_unmonitored(&self) -> Result<u64, StoreError>;
    /// Keeps the record of where a camera settled.
    async fn record_camera_state(&self, camera: CameraId, state: &CameraState) -> Result<(), StoreError>;
    /// The cameras whose venues the periodic check covers.
    async fn cameras_to_check(&self) -> Result<Vec<CameraId>, StoreError>;
    /// The camera's picture health as frame analysis last judged it.
    async fn camera_picture(&self, camera: CameraId) -> Result<Option<HealthState>, StoreError>;
    /// Records a batch of periodic checks made at `at` (online or not); a camera this process
    /// may no longer write for is left out.
    async fn record_checks(&self, checks: &[(CameraId, bool)], at: DateTime<Utc>) -> Result<(), StoreError>;
}
