//! Several media nodes sharing the cameras through one database (`serve --node NAME`;
//! docs/design/scale.md). Each node beats in `nodes`; each camera is held by one live node
//! through its row in `camera_leases`, taken with a fencing epoch. This module is the driver:
//! the rules are `mingchu_domain::placement`, the rows `db::nodes`.
//!
//! - [`Nodes::spawn`] beats and, when the set of live nodes changes (and every
//!   [`FULL_PASS_EVERY`] beats), reconciles: lets go of cameras another live node now wins,
//!   stops those it lost, takes the free or orphaned ones it wins, and starts what they need
//!   here (always-on ingest, recording; checks and analysis follow from [`store::NodeStore`]).
//! - [`Nodes::route`] says where a camera's live media is served: here, at another node's URL
//!   (the HTTP side answers `307`), or nowhere yet (`503`, try again).
//! - [`Nodes::fence`] is the proof carried by every write for a held camera.

pub mod events;
mod membership;
pub mod store;
pub mod workloads;

use crate::db::nodes::Fence;
use crate::db::{Db, DbError};
use mingchu_domain::placement::{self, Liveness, NodeName};
use mingchu_domain::vocab::CameraId;
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// A full reconciliation at least this often (in beats) even when no node came or went: it
/// picks up cameras added since, and repairs anything a failed round left behind.
pub const FULL_PASS_EVERY: u32 = 15;

/// What a node runs for the cameras it holds, beyond what follows on its own from holding
/// them (checks and analysis ask the store, which answers with held cameras only).
#[async_trait::async_trait]
pub trait Workloads: Send + Sync + 'static {
    /// The cameras are held here (just taken, or their settings changed): make what runs
    /// without viewers (always-on ingest, recording) match their settings.
    async fn apply(&self, cameras: &[CameraId]);
    /// The cameras are no longer held here: stop everything for them at once.
    async fn stop(&self, cameras: &[CameraId]);
}

/// Where a camera's live media is served.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    Here,
    /// Another live node's base URL (no trailing slash).
    There(String),
    /// No live node holds it and this one does not win it: moments after a node died or
    /// joined, before the next round.
    Nowhere,
}

#[derive(Clone)]
pub struct Nodes {
    inner: Arc<Inner>,
}

struct Inner {
    me: NodeName,
    url: String,
    incarnation: String,
    liveness: Liveness,
    db: Db,
    /// The cameras held here, with the epoch each was taken under.
    held: Mutex<HashMap<CameraId, i64>>,
    /// The live nodes as of the last beat.
    live: Mutex<BTreeSet<NodeName>>,
    workloads: OnceLock<Arc<dyn Workloads>>,
    /// The database's URL, for the events connection.
    database_url: String,
    /// Set by [`Nodes::leave`]: from then on the node beats no more and takes nothing.
    leaving: std::sync::atomic::AtomicBool,
}

impl Nodes {
    /// Joins the cluster: the first heartbeat, refused when another process beats under the
    /// same name. `url` is where other nodes send viewers for this node's cameras.
    pub async fn join(
        db: Db,
        database_url: &str,
        me: NodeName,
        url: &str,
        liveness: Liveness,
    ) -> Result<Nodes, NodesError> {
        let incarnation = format!("{:032x}", rand::random::<u128>());
        let now = chrono::Utc::now();
        db.heartbeat(&me, url, &incarnation, now, liveness.cutoff(now)).await??;
        let live = db.live_nodes(liveness.cutoff(now)).await?;
        tracing::info!(node = %me, url, live = live.len(), "joined the media nodes");
        Ok(Nodes {
            inner: Arc::new(Inner {
                me,
                url: url.trim_end_matches('/').to_string(),
                incarnation,
                liveness,
                db,
                held: Mutex::default(),
                live: Mutex::new(live),
                workloads: OnceLock::new(),
                database_url: database_url.to_string(),
                leaving: Default::default(),
            }),
        })
    }

    pub fn me(&self) -> &NodeName {
        &self.inner.me
    }

    /// Starts beating, reconciling and listening to the other nodes; `workloads` start and
    /// stop what held cameras need.
    pub fn spawn(&self, workloads: Arc<dyn Workloads>) {
        let _ = self.inner.workloads.set(workloads);
        tokio::spawn(membership::run(self.clone()));
        tokio::spawn(events::listen(self.clone(), self.inner.database_url.clone()));
    }

    pub fn holds(&self, camera: CameraId) -> bool {
        self.inner.held.lock().expect("held lock").contains_key(&camera)
    }

    /// The proof for a write about `camera`; `None` when it is not held here.
    pub fn fence(&self, camera: CameraId) -> Option<Fence> {
        let epoch = *self.inner.held.lock().expect("held lock").get(&camera)?;
        Some(Fence { camera, node: self.inner.me.clone(), epoch })
    }

    /// How many cameras are held here.
    pub fn held_count(&self) -> usize {
        self.inner.held.lock().expect("held lock").len()
    }

    pub fn held_cameras(&self) -> Vec<CameraId> {
        self.inner.held.lock().expect("held lock").keys().copied().collect()
    }

    /// Where `camera`'s live media is served. A camera no live node holds is taken here when
    /// this node wins it (a camera added since the last round, or one whose node just died).
    pub async fn route(&self, camera: CameraId) -> Result<Route, DbError> {
        if self.holds(camera) {
            return Ok(Route::Here);
        }
        if self.is_leaving() {
            return Ok(Route::Nowhere);
        }
        let now = chrono::Utc::now();
        let cutoff = self.inner.liveness.cutoff(now);
        let held_by_name = match self.inner.db.camera_holder(camera, cutoff).await? {
            Some(holder) if holder.node != self.inner.me => {
                return Ok(Route::There(holder.url.trim_end_matches('/').to_string()));
            }
            // Held under this name by a previous run (this one has not reconciled yet): the
            // other nodes send its viewers here, so it is taken here, under a new epoch.
            Some(_) => true,
            None => false,
        };
        let winner = {
            let live = self.inner.live.lock().expect("live lock");
            placement::desired_owner(&live, camera).cloned()
        };
        match winner {
            _ if held_by_name => self.take_here(camera, cutoff, now).await,
            Some(node) if node == self.inner.me => self.take_here(camera, cutoff, now).await,
            Some(node) => Ok(self
                .inner
                .db
                .node_url(&node, cutoff)
                .await?
                .map_or(Route::Nowhere, |url| Route::There(url.trim_end_matches('/').to_string()))),
            None => Ok(Route::Nowhere),
        }
    }

    async fn take_here(
        &self,
        camera: CameraId,
        cutoff: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<Route, DbError> {
        let taken = self.inner.db.take_leases(&self.inner.me, &[camera], cutoff, now).await?;
        if taken.is_empty() {
            return Ok(Route::Nowhere);
        }
        self.adopt(&taken).await;
        Ok(Route::Here)
    }

    /// Leaves the cluster at a planned stop: the cameras held here are stopped and let go, and
    /// the node's row is removed, so the others take the cameras at their next beat instead of
    /// waiting for three missed ones.
    pub async fn leave(&self) {
        self.inner.leaving.store(true, std::sync::atomic::Ordering::SeqCst);
        let held: Vec<CameraId> = self.inner.held.lock().expect("held lock").drain().map(|(c, _)| c).collect();
        self.stop(&held).await;
        let released = self.inner.db.release_leases(&self.inner.me, &held).await;
        let gone = self.inner.db.remove_node(&self.inner.me, &self.inner.incarnation).await;
        match (released, gone) {
            (Ok(n), Ok(())) => tracing::info!(cameras = n, node = %self.inner.me, "left the media nodes"),
            (Err(e), _) | (_, Err(e)) => {
                tracing::warn!(error = %e, "could not leave cleanly; the others wait out the heartbeats")
            }
        }
    }

    /// A live node's base URL.
    pub async fn url_of(&self, node: &NodeName) -> Result<Option<String>, DbError> {
        self.inner.db.node_url(node, self.inner.liveness.cutoff(chrono::Utc::now())).await
    }

    /// A write for `camera` was refused by its fence: another node holds it now.
    pub async fn lost(&self, camera: CameraId) {
        if self.inner.held.lock().expect("held lock").remove(&camera).is_some() {
            tracing::warn!(camera = %camera, node = %self.inner.me, "another node holds the camera now: stopped here");
            self.stop(&[camera]).await;
        }
    }

    fn is_leaving(&self) -> bool {
        self.inner.leaving.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Records cameras just taken and starts their workloads.
    async fn adopt(&self, taken: &[(CameraId, i64)]) {
        // A take that finished after `leave` started: its rows name a node that is gone, so
        // the others take the cameras as they would a dead node's.
        if taken.is_empty() || self.is_leaving() {
            return;
        }
        {
            let mut held = self.inner.held.lock().expect("held lock");
            for (camera, epoch) in taken {
                // Two requests may take the same camera at once: the later epoch is the lease.
                let known = held.entry(*camera).or_insert(*epoch);
                *known = (*known).max(*epoch);
            }
        }
        let ids: Vec<CameraId> = taken.iter().map(|(c, _)| *c).collect();
        self.refresh(&ids).await;
    }

    /// Applies the cameras' settings to what runs here.
    async fn refresh(&self, cameras: &[CameraId]) {
        if let (Some(workloads), false) = (self.inner.workloads.get(), cameras.is_empty()) {
            workloads.apply(cameras).await;
        }
    }

    async fn stop(&self, cameras: &[CameraId]) {
        if cameras.is_empty() {
            return;
        }
        if let Some(workloads) = self.inner.workloads.get() {
            workloads.stop(cameras).await;
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum NodesError {
    #[error(transparent)]
    NameTaken(#[from] crate::db::nodes::NameTaken),
    #[error(transparent)]
    Db(#[from] DbError),
}
