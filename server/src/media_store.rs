//! The database as live media's camera store ([`mingchu_media::store::CameraStore`]): camera
//! settings in, state changes and periodic checks out.

use crate::db::{CameraRecord, Db, DbError};
use chrono::{DateTime, Utc};
use mingchu_domain::picture::HealthState;
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::CameraState;
use mingchu_media::source::{RtspTransport, SourceSpec};
use mingchu_media::store::{CameraConfig, CameraStore, StoreError};

impl CameraRecord {
    /// How live media reaches this camera.
    pub fn config(&self) -> CameraConfig {
        let spec = match &self.source_url {
            None => SourceSpec::Synthetic { camera: self.id },
            Some(url) => SourceSpec::Rtsp {
                url: url.clone(),
                transport: RtspTransport::from_code(&self.rtsp_transport).unwrap_or(RtspTransport::Tcp),
            },
        };
        CameraConfig { id: self.id, spec, always_on: self.always_on }
    }
}

fn store_error(e: DbError) -> StoreError {
    StoreError(Box::new(e))
}

#[async_trait::async_trait]
impl CameraStore for Db {
    async fn camera(&self, id: CameraId) -> Result<Option<CameraConfig>, StoreError> {
        Ok(Db::camera(self, id).await.map_err(store_error)?.map(|record| record.config()))
    }

    async fn always_on_cameras(&self) -> Result<Vec<CameraId>, StoreError> {
        Db::always_on_cameras(self).await.map_err(store_error)
    }

    async fn mark_cameras_unmonitored(&self) -> Result<u64, StoreError> {
        Db::mark_cameras_unmonitored(self).await.map_err(store_error)
    }

    async fn record_camera_state(&self, camera: CameraId, state: &CameraState) -> Result<(), StoreError> {
        Db::record_camera_state(self, camera, state.code(), state.detail()).await.map_err(store_error)
    }

    async fn cameras_to_check(&self) -> Result<Vec<CameraId>, StoreError> {
        Db::cameras_to_check(self).await.map_err(store_error)
    }

    async fn camera_picture(&self, camera: CameraId) -> Result<Option<HealthState>, StoreError> {
        Db::camera_picture(self, camera).await.map_err(store_error)
    }

    async fn record_check(&self, camera: CameraId, online: bool, at: DateTime<Utc>) -> Result<(), StoreError> {
        Db::record_check(self, camera, online, at).await.map_err(store_error)
    }
}

#[async_trait::async_trait]
impl mingchu_media::record::RecordingStore for Db {
    async fn recorded_cameras(
        &self,
    ) -> Result<Vec<(CameraId, mingchu_domain::recording::RecordingPolicy)>, StoreError> {
        Db::recorded_cameras(self).await.map_err(store_error)
    }

    async fn add_segment(
        &self,
        camera: CameraId,
        path: &str,
        segment: &mingchu_media::record::segmenter::SegmentSummary,
        recovered: bool,
    ) -> Result<(), StoreError> {
        Db::add_segment(self, camera, path, segment, recovered).await.map_err(store_error)
    }

    async fn indexed_paths(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        self.indexed_recording_paths().await.map_err(store_error)
    }

    async fn forget_segments(&self, paths: &[String]) -> Result<(), StoreError> {
        Db::forget_segments(self, paths).await.map_err(store_error)
    }

    async fn note(
        &self,
        camera: Option<CameraId>,
        at: DateTime<Utc>,
        kind: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.add_recording_note(camera, at, kind, detail).await.map_err(store_error)
    }
}
