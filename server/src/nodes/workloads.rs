//! What a media node starts and stops as it takes and lets go of cameras: always-on ingest
//! and recording. Checks and analysis need nothing here: they ask the store, which lists held
//! cameras only, on their next round.

use crate::db::Db;
use mingchu_domain::recording::RecordingPolicy;
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::Cameras;
use mingchu_media::record::Recordings;
use std::collections::HashSet;

pub struct MediaWorkloads {
    pub db: Db,
    pub cameras: Cameras,
    pub recordings: Recordings,
}

#[async_trait::async_trait]
impl super::Workloads for MediaWorkloads {
    async fn start(&self, cameras: &[CameraId]) {
        let wanted: HashSet<CameraId> = cameras.iter().copied().collect();
        match self.db.always_on_cameras().await {
            Ok(always) => {
                for camera in always.into_iter().filter(|c| wanted.contains(c)) {
                    if let Err(e) = self.cameras.set_always_on(camera, true).await {
                        tracing::warn!(camera = %camera, error = %e, "could not start an always-on camera");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not list the always-on cameras"),
        }
        match self.db.recorded_cameras().await {
            Ok(recorded) => {
                for (camera, policy) in recorded.into_iter().filter(|(c, _)| wanted.contains(c)) {
                    if let Err(e) = self.recordings.set_policy(camera, policy).await {
                        tracing::warn!(camera = %camera, error = %e, "could not start recording a camera");
                    }
                }
            }
            Err(e) => tracing::warn!(error = %e, "could not list the recorded cameras"),
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
