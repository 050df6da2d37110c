//! The database as live media's camera store ([`mingchu_media::store::CameraStore`]) and the
//! recorder's ([`mingchu_media::record::RecordingStore`]): camera settings in, state changes,
//! periodic checks and recorded segments out, through [`NodeStore`] (only the cameras held
//! here when several media nodes share the database; writes fenced).

use crate::db::{CameraRecord, DbError};
use crate::nodes::store::NodeStore;
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
impl CameraStore for NodeStore {
    async fn camera(&self, id: CameraId) -> Result<Option<CameraConfig>, StoreError> {
        if matches!(self.allowed(id), crate::nodes::store::Allowed::No) {
            return Ok(None);
        }
        Ok(self.db.camera(id).await.map_err(store_error)?.map(|record| record.config()))
    }

    async fn always_on_cameras(&self) -> Result<Vec<CameraId>, StoreError> {
        Ok(self.held(self.db.always_on_cameras().await.map_err(store_error)?))
    }

    async fn mark_cameras_unmonitored(&self) -> Result<u64, StoreError> {
        match self.nodes {
            // A media node starts holding nothing; taking a camera marks it (db::nodes).
            Some(_) => Ok(0),
            None => self.db.mark_cameras_unmonitored().await.map_err(store_error),
        }
    }

    async fn record_camera_state(&self, camera: CameraId, state: &CameraState) -> Result<(), StoreError> {
        self.write(camera, |fence| async move {
            self.db.record_camera_state(camera, state.code(), state.detail(), fence.as_ref()).await
        })
        .await
        .map_err(store_error)
    }

    async fn cameras_to_check(&self) -> Result<Vec<CameraId>, StoreError> {
        Ok(self.held(self.db.cameras_to_check().await.map_err(store_error)?))
    }

    async fn camera_picture(&self, camera: CameraId) -> Result<Option<HealthState>, StoreError> {
        self.db.camera_picture(camera).await.map_err(store_error)
    }

    async fn record_checks(&self, checks: &[(CameraId, bool)], at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut batch = Vec::with_capacity(checks.len());
        for &(camera, online) in checks {
            let fence = match self.allowed(camera) {
                crate::nodes::store::Allowed::Alone => None,
                crate::nodes::store::Allowed::Held(fence) => Some(fence),
                crate::nodes::store::Allowed::No => {
                    tracing::debug!(camera = %camera, "check not recorded: the camera moved to another media node");
                    continue;
                }
            };
            batch.push(crate::db::Check { camera, online, fence });
        }
        for (camera, refused) in self.db.record_checks(&batch, at).await.map_err(store_error)? {
            tracing::warn!(camera = %camera, error = %refused, "check not recorded");
            if let (DbError::Fenced { .. }, Some(nodes)) = (&refused, &self.nodes) {
                nodes.lost(camera).await;
            }
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl mingchu_media::record::RecordingStore for NodeStore {
    async fn recorded_cameras(
        &self,
    ) -> Result<Vec<(CameraId, mingchu_domain::recording::RecordingPolicy)>, StoreError> {
        let all = self.db.recorded_cameras().await.map_err(store_error)?;
        Ok(match &self.nodes {
            None => all,
            Some(nodes) => all.into_iter().filter(|(c, _)| nodes.holds(*c)).collect(),
        })
    }

    async fn add_segment(
        &self,
        camera: CameraId,
        path: &str,
        segment: &mingchu_media::record::segmenter::SegmentSummary,
        recovered: bool,
    ) -> Result<(), StoreError> {
        if recovered {
            // A file found on this node's disk at start: footage as it was, whoever holds the
            // camera now.
            return self.db.add_segment(camera, path, segment, true, None, self.node()).await.map_err(store_error);
        }
        self.write(camera, |fence| async move {
            self.db.add_segment(camera, path, segment, false, fence.as_ref(), self.node()).await
        })
        .await
        .map_err(store_error)
    }

    async fn indexed_paths(&self) -> Result<std::collections::HashSet<String>, StoreError> {
        self.db.indexed_recording_paths(self.node()).await.map_err(store_error)
    }

    async fn forget_segments(&self, paths: &[String]) -> Result<(), StoreError> {
        self.db.forget_segments(self.node(), paths).await.map_err(store_error)
    }

    async fn note(
        &self,
        camera: Option<CameraId>,
        at: DateTime<Utc>,
        kind: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.db.add_recording_note(camera, at, kind, detail).await.map_err(store_error)
    }
}
