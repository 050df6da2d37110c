//! Cameras at run time: one hub and one supervised ingest per camera, created the first time
//! anything asks for the camera (so cameras added while the server runs work at once).

mod backoff;
mod hub;
mod probe;
mod state_log;
mod supervisor;

pub use hub::{CameraHub, CameraState, Lease, MediaEvent, Subscription};
pub use probe::Prober;

use crate::db::{CameraRecord, Db, DbError};
use crate::media::source::{RtspTransport, SourceSpec};
use app::domain::CameraId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Cameras {
    db: Db,
    hubs: Arc<Mutex<HashMap<CameraId, Arc<CameraHub>>>>,
}

impl Cameras {
    pub fn new(db: Db) -> Cameras {
        Cameras { db, hubs: Arc::default() }
    }

    /// The camera's hub, starting its supervisor on first use; `None` if no such camera.
    pub async fn get(&self, id: CameraId) -> Result<Option<(Arc<CameraHub>, CameraRecord)>, DbError> {
        let Some(record) = self.db.camera(id).await? else { return Ok(None) };
        let mut hubs = self.hubs.lock().expect("hubs lock");
        let hub = hubs
            .entry(id)
            .or_insert_with(|| {
                let hub = CameraHub::new(id, spec_for(&record), record.always_on);
                supervisor::spawn(hub.clone(), self.db.clone());
                hub
            })
            .clone();
        Ok(Some((hub, record)))
    }

    /// The hub if the camera has been used since start (cheap; no database access).
    pub fn running(&self, id: CameraId) -> Option<Arc<CameraHub>> {
        self.hubs.lock().expect("hubs lock").get(&id).cloned()
    }

    /// Every camera used since start.
    pub fn hubs(&self) -> Vec<Arc<CameraHub>> {
        self.hubs.lock().expect("hubs lock").values().cloned().collect()
    }

    /// The state of every camera used since start.
    pub fn states(&self) -> Vec<&'static str> {
        self.hubs.lock().expect("hubs lock").values().map(|hub| hub.state().code()).collect()
    }

    /// Starts the supervisors of the cameras configured to run always.
    pub async fn start_always_on(&self) -> Result<usize, DbError> {
        let ids = self.db.always_on_cameras().await?;
        for id in &ids {
            self.get(*id).await?;
        }
        Ok(ids.len())
    }
}

/// How to reach a camera.
pub fn spec_for(record: &CameraRecord) -> SourceSpec {
    match &record.source_url {
        None => SourceSpec::Synthetic { camera: record.id },
        Some(url) => SourceSpec::Rtsp {
            url: url.clone(),
            transport: RtspTransport::from_code(&record.rtsp_transport).unwrap_or(RtspTransport::Tcp),
        },
    }
}
