//! Cameras at run time: one hub and one supervised ingest per camera, created the first time
//! anything asks for the camera (so cameras added while the server runs work at once). A
//! camera set to run always is held by a lease of the registry's own, taken and dropped as
//! the setting changes, so the change applies at once.

mod backoff;
mod hub;
mod probe;
mod state_log;
mod supervisor;

pub use hub::{CameraHub, CameraState, Lease, MediaEvent, Subscription};
pub use probe::Prober;

use crate::store::{CameraConfig, CameraStore, StoreError};
use mingchu_domain::vocab::CameraId;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

#[derive(Clone)]
pub struct Cameras {
    store: Arc<dyn CameraStore>,
    hubs: Arc<Mutex<HashMap<CameraId, Arc<CameraHub>>>>,
    /// The leases that keep always-on cameras running.
    pins: Arc<Mutex<HashMap<CameraId, Lease>>>,
}

impl Cameras {
    pub fn new(store: Arc<dyn CameraStore>) -> Cameras {
        Cameras { store, hubs: Arc::default(), pins: Arc::default() }
    }

    /// The camera's hub, starting its supervisor on first use; `None` if no such camera.
    pub async fn get(&self, id: CameraId) -> Result<Option<Arc<CameraHub>>, StoreError> {
        Ok(self.store.camera(id).await?.map(|config| self.hub(config)))
    }

    /// The hub of a camera whose settings the caller has read, starting its supervisor on
    /// first use.
    pub fn hub(&self, config: CameraConfig) -> Arc<CameraHub> {
        let (hub, new) = {
            let mut hubs = self.hubs.lock().expect("hubs lock");
            match hubs.get(&config.id) {
                Some(hub) => (hub.clone(), false),
                None => {
                    let hub = CameraHub::new(config.id, config.spec);
                    supervisor::spawn(hub.clone(), self.store.clone());
                    hubs.insert(config.id, hub.clone());
                    (hub, true)
                }
            }
        };
        if new && config.always_on {
            self.pin(&hub);
        }
        hub
    }

    fn pin(&self, hub: &Arc<CameraHub>) {
        self.pins.lock().expect("pins lock").entry(hub.id).or_insert_with(|| hub.lease());
    }

    /// Applies a camera's always-on setting as changed in the store: started and kept running,
    /// or left to run only while something holds it.
    pub async fn set_always_on(&self, id: CameraId, on: bool) -> Result<(), StoreError> {
        if on {
            if let Some(hub) = self.get(id).await? {
                self.pin(&hub);
            }
        } else {
            self.pins.lock().expect("pins lock").remove(&id);
        }
        Ok(())
    }

    /// Stops running the camera here (it moved to another media node): see
    /// [`CameraHub::retire`]. A later [`Cameras::get`] starts it afresh.
    pub fn retire(&self, id: CameraId) {
        self.pins.lock().expect("pins lock").remove(&id);
        if let Some(hub) = self.hubs.lock().expect("hubs lock").remove(&id) {
            hub.retire();
        }
    }

    /// Whether the registry keeps the camera running (always-on).
    pub fn is_pinned(&self, id: CameraId) -> bool {
        self.pins.lock().expect("pins lock").contains_key(&id)
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
    pub async fn start_always_on(&self) -> Result<usize, StoreError> {
        let ids = self.store.always_on_cameras().await?;
        for id in &ids {
            self.get(*id).await?;
        }
        Ok(ids.len())
    }
}
