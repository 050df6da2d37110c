//! What a media node starts and stops as it takes and lets go of cameras: always-on ingest
//! and recording. Checks and analysis need nothing here: they ask the store, which lists held
//! cameras only, on their next round.

use crate::db::Db;
use mingchu_domain::recording::RecordingPolicy;
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::Cameras;
use mingchu_media::record::Recordings;
use std::collections::{HashMap, HashSet};

pub struct MediaWorkloads {
    pub db: Db,
    pub cameras: Cameras,
    pub recordings: Recordings,
}

#[async_trait::async_trait]
impl super::Workloads for MediaWorkloads {
    async fn apply(&self, cameras: &[CameraId]) {
        let always: HashSet<CameraId> = match self.db.always_on_cameras().await {
            Ok(always) => always.into_iter().collect(),
            Err(e) => return tracing::warn!(error = %e, "could not list the always-on cameras"),
        };
        let recorded: HashMap<CameraId, RecordingPolicy> = match self.db.recorded_cameras().await {
            Ok(recorded) => recorded.into_iter().collect(),
            Err(e) => return tracing::warn!(error = %e, "could not list the recorded cameras"),
        };
        for camera in cameras {
            if let Err(e) = self.cameras.set_always_on(*camera, always.contains(camera)).await {
                tracing::warn!(camera = %camera, error = %e, "could not apply the always-on setting");
            }
            let policy = recorded.get(camera).copied().unwrap_or(RecordingPolicy::Off);
            if let Err(e) = self.recordings.set_policy(*camera, policy).await {
                tracing::warn!(camera = %camera, error = %e, "could not apply the recording setting");
            }
        }
    }

    async fn stop(&self, cameras: &[CameraId]) {
        for camera in cameras {
            if let Err(e) = self.recordings.set_policy(*camera, RecordingPolicy::Off).await {
                tracing::warn!(camera = %camera, error = %e, "could not stop recording a camera");
            }
            self.cameras.retire(*camera);
        }
    }
}
