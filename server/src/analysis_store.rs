//! The database as frame analysis's store ([`mingchu_analysis::store::AnalysisStore`]).

use crate::db::{Db, DbError, NewCapture};
use mingchu_analysis::health::Transition;
use mingchu_analysis::rules::Capture;
use mingchu_analysis::store::{AnalysisStore, StoreError};
use mingchu_domain::vocab::CameraId;

fn store_error(e: DbError) -> StoreError {
    StoreError(Box::new(e))
}

#[async_trait::async_trait]
impl AnalysisStore for Db {
    async fn cameras_to_analyse(&self) -> Result<Vec<CameraId>, StoreError> {
        Db::cameras_to_analyse(self).await.map_err(store_error)
    }

    async fn record_health(&self, camera: CameraId, transition: &Transition) -> Result<(), StoreError> {
        Db::record_health(self, camera, transition.to.code(), transition.at, &transition.detail)
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
        Db::add_capture(self, &new).await.map_err(store_error)
    }
}
