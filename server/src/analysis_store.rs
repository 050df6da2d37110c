//! The database as frame analysis's store ([`mingchu_analysis::store::AnalysisStore`]), through
//! [`NodeStore`] (only the cameras held here on a media node; writes fenced).

use crate::db::{DbError, NewCapture};
use crate::nodes::store::NodeStore;
use mingchu_analysis::health::Transition;
use mingchu_analysis::rules::Capture;
use mingchu_analysis::store::{AnalysisStore, StoreError};
use mingchu_domain::vocab::CameraId;

fn store_error(e: DbError) -> StoreError {
    StoreError(Box::new(e))
}

#[async_trait::async_trait]
impl AnalysisStore for NodeStore {
    async fn cameras_to_analyse(&self) -> Result<Vec<CameraId>, StoreError> {
        Ok(self.held(self.db.cameras_to_analyse().await.map_err(store_error)?))
    }

    async fn record_health(&self, camera: CameraId, transition: &Transition) -> Result<(), StoreError> {
        self.write(camera, |fence| async move {
            self.db.record_health(camera, transition.to.code(), transition.at, &transition.detail, fence.as_ref()).await
        })
        .await
        .map_err(store_error)
    }

    async fn add_capture(&self, camera: CameraId, capture: &Capture, jpeg: &[u8]) -> Result<i64, StoreError> {
        let boxes = serde_json::json!(capture
            .boxes
            .iter()
            .map(|(label, score, bbox)| serde_json::json!({"label": label, "score": score, "bbox": bbox}))
            .collect::<Vec<_>>());
        let new = NewCapture {
            camera,
            at: capture.at,
            category: &capture.category,
            confidence: capture.confidence,
            boxes: &boxes,
            snapshot: jpeg,
        };
        self.write(camera, |fence| async move { self.db.add_capture(&new, fence.as_ref()).await })
            .await
            .map_err(store_error)
    }
}

/// The store analysis is given when recordings run: a capture also tells the camera's recorder
/// (a camera recording "on events" keeps the seconds around it) and holds those seconds as the
/// capture's evidence, kept while it waits for review or is confirmed.
pub struct RecordingCaptures {
    pub store: NodeStore,
    pub recordings: mingchu_media::record::Recordings,
}

#[async_trait::async_trait]
impl AnalysisStore for RecordingCaptures {
    async fn cameras_to_analyse(&self) -> Result<Vec<CameraId>, StoreError> {
        AnalysisStore::cameras_to_analyse(&self.store).await
    }

    async fn record_health(&self, camera: CameraId, transition: &Transition) -> Result<(), StoreError> {
        AnalysisStore::record_health(&self.store, camera, transition).await
    }

    async fn add_capture(&self, camera: CameraId, capture: &Capture, jpeg: &[u8]) -> Result<i64, StoreError> {
        let id = AnalysisStore::add_capture(&self.store, camera, capture, jpeg).await?;
        self.recordings.mark_event(camera, capture.at);
        if self.recordings.state(camera) != mingchu_media::record::RecorderState::Off {
            use mingchu_domain::recording::{EvidenceCase, AFTER_EVENT, BEFORE_EVENT};
            let hold = crate::db::recordings::Hold {
                camera,
                from: capture.at - BEFORE_EVENT,
                to: capture.at + AFTER_EVENT,
                case: EvidenceCase::Capture(id),
            };
            let who = mingchu_domain::audit::Who { actor: "analysis".into(), role: None, address: None };
            self.store.db.add_hold(&hold, None, &who, capture.at).await.map_err(store_error)?;
        }
        Ok(id)
    }
}
