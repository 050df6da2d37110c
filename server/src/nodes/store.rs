//! The database as live media, recording and frame analysis see it on this node
//! ([`mingchu_media::store::CameraStore`], [`mingchu_media::record::RecordingStore`],
//! [`mingchu_analysis::store::AnalysisStore`] are implemented on it in `media_store.rs` and
//! `analysis_store.rs`). On a single server it is the database as it is. On a media node
//! (`serve --node`) it shows only the cameras held here (so nothing starts, checks, records
//! or analyses a camera another node holds) and fences every write for a camera.

use super::Nodes;
use crate::db::nodes::Fence;
use crate::db::{Db, DbError};
use mingchu_domain::vocab::CameraId;

#[derive(Clone)]
pub struct NodeStore {
    pub db: Db,
    pub nodes: Option<Nodes>,
}

/// Whether this process may act on a camera, and with which proof.
pub enum Allowed {
    /// A single server: everything, unfenced.
    Alone,
    Held(Fence),
    /// Another node holds it (or nobody yet).
    No,
}

impl NodeStore {
    pub fn single(db: Db) -> NodeStore {
        NodeStore { db, nodes: None }
    }

    pub fn allowed(&self, camera: CameraId) -> Allowed {
        match &self.nodes {
            None => Allowed::Alone,
            Some(nodes) => nodes.fence(camera).map_or(Allowed::No, Allowed::Held),
        }
    }

    /// This node's name; `None` on a single server.
    pub fn node(&self) -> Option<&str> {
        self.nodes.as_ref().map(|n| n.me().0.as_str())
    }

    /// Keeps the cameras held here (all of them on a single server).
    pub fn held(&self, cameras: Vec<CameraId>) -> Vec<CameraId> {
        match &self.nodes {
            None => cameras,
            Some(nodes) => cameras.into_iter().filter(|c| nodes.holds(*c)).collect(),
        }
    }

    /// Runs a write for `camera` under its fence: refused without a lease here, and when the
    /// database says the lease has moved on, the camera is stopped here.
    pub async fn write<T, F>(&self, camera: CameraId, write: impl FnOnce(Option<Fence>) -> F) -> Result<T, DbError>
    where
        F: std::future::Future<Output = Result<T, DbError>>,
    {
        let fence = match self.allowed(camera) {
            Allowed::Alone => None,
            Allowed::Held(fence) => Some(fence),
            Allowed::No => return Err(DbError::NotHeld(camera)),
        };
        let result = write(fence).await;
        if let (Err(DbError::Fenced { .. }), Some(nodes)) = (&result, &self.nodes) {
            nodes.lost(camera).await;
        }
        result
    }
}
