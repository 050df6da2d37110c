//! Recording: each recorded camera's frames cut into fragmented MP4 files on disk and indexed
//! in the store. One recorder task per recorded camera holds a lease on the camera (so it runs
//! without viewers) and subscribes to its hub like any viewer. See docs/design/recording.md.

pub mod files;
mod recorder;
pub mod recover;
pub mod segmenter;

use crate::camera::Cameras;
use crate::store::StoreError;
use chrono::{DateTime, Utc};
use mingchu_domain::recording::RecordingPolicy;
use mingchu_domain::vocab::CameraId;
use recorder::{Command, Recorder};
use segmenter::SegmentSummary;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{mpsc, watch};

/// Where recordings are indexed and their repairs noted. The server implements it on its
/// database.
#[async_trait::async_trait]
pub trait RecordingStore: Send + Sync + 'static {
    /// The cameras whose policy is not `off`.
    async fn recorded_cameras(&self) -> Result<Vec<(CameraId, RecordingPolicy)>, StoreError>;
    /// Indexes a file that is whole on disk; `recovered` when recovery found it.
    async fn add_segment(
        &self,
        camera: CameraId,
        path: &str,
        segment: &SegmentSummary,
        recovered: bool,
    ) -> Result<(), StoreError>;
    /// The paths of every indexed file.
    async fn indexed_paths(&self) -> Result<HashSet<String>, StoreError>;
    /// Removes the rows of files that are gone.
    async fn forget_segments(&self, paths: &[String]) -> Result<(), StoreError>;
    /// Keeps a note of what happened to the recordings (a repair, a full disk).
    async fn note(
        &self,
        camera: Option<CameraId>,
        at: DateTime<Utc>,
        kind: &str,
        detail: &str,
    ) -> Result<(), StoreError>;
}

/// What a camera's recorder is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecorderState {
    Off,
    /// On events: watching, keeping the seconds before, writing nothing.
    Standby,
    Recording,
    /// Writing failed for lack of space; live viewing goes on; tried again shortly.
    DiskFull,
}

impl RecorderState {
    pub fn code(self) -> &'static str {
        match self {
            RecorderState::Off => "off",
            RecorderState::Standby => "standby",
            RecorderState::Recording => "recording",
            RecorderState::DiskFull => "disk_full",
        }
    }
}

#[derive(Debug, Clone)]
pub struct RecordingsConfig {
    pub root: PathBuf,
    /// Video per file.
    pub segment: Duration,
    /// After a full disk, how soon to try writing again.
    pub retry: Duration,
}

struct Handle {
    commands: mpsc::Sender<Command>,
    state: watch::Receiver<RecorderState>,
}

/// The recorders. Cheap to clone.
#[derive(Clone)]
pub struct Recordings {
    config: Arc<RecordingsConfig>,
    store: Arc<dyn RecordingStore>,
    cameras: Cameras,
    recorders: Arc<Mutex<HashMap<CameraId, Handle>>>,
}

impl Recordings {
    /// Repairs the folder against the index, then starts a recorder for every recorded camera.
    pub async fn start(
        config: RecordingsConfig,
        store: Arc<dyn RecordingStore>,
        cameras: Cameras,
    ) -> Result<Recordings, StoreError> {
        std::fs::create_dir_all(&config.root).map_err(|e| StoreError(Box::new(e)))?;
        let recovered = recover::recover(&config.root, store.as_ref()).await?;
        if recovered != recover::Recovered::default() {
            tracing::warn!(?recovered, "recordings repaired after an unclean stop");
        }
        let recordings =
            Recordings { config: Arc::new(config), store: store.clone(), cameras, recorders: Arc::default() };
        for (camera, policy) in store.recorded_cameras().await? {
            recordings.set_policy(camera, policy).await?;
        }
        Ok(recordings)
    }

    pub fn root(&self) -> &std::path::Path {
        &self.config.root
    }

    /// Applies a camera's policy as changed in the store.
    pub async fn set_policy(&self, camera: CameraId, policy: RecordingPolicy) -> Result<(), StoreError> {
        {
            let mut recorders = self.recorders.lock().expect("recorders lock");
            recorders.retain(|_, h| !h.commands.is_closed());
            if let Some(handle) = recorders.get(&camera) {
                let _ = handle.commands.try_send(Command::Policy(policy));
                if policy == RecordingPolicy::Off {
                    recorders.remove(&camera);
                }
                return Ok(());
            }
        }
        if policy == RecordingPolicy::Off {
            return Ok(());
        }
        let Some(hub) = self.cameras.get(camera).await? else { return Ok(()) };
        let (commands, rx) = mpsc::channel(16);
        let (state, state_rx) = watch::channel(RecorderState::Standby);
        let recorder = Recorder {
            _lease: hub.lease(),
            hub,
            store: self.store.clone(),
            root: self.config.root.clone(),
            policy,
            segment: self.config.segment,
            retry: self.config.retry,
            state,
        };
        tokio::spawn(recorder.run(rx));
        self.recorders.lock().expect("recorders lock").insert(camera, Handle { commands, state: state_rx });
        Ok(())
    }

    /// Something worth keeping happened at `at` on this camera (a capture, a patrol snapshot, a
    /// complaint): a camera recording "on events" keeps the seconds around it.
    pub fn mark_event(&self, camera: CameraId, at: DateTime<Utc>) {
        if let Some(handle) = self.recorders.lock().expect("recorders lock").get(&camera) {
            let _ = handle.commands.try_send(Command::Event(at));
        }
    }

    pub fn state(&self, camera: CameraId) -> RecorderState {
        self.recorders.lock().expect("recorders lock").get(&camera).map_or(RecorderState::Off, |h| *h.state.borrow())
    }

    /// Every recorder's state, for the metrics.
    pub fn states(&self) -> Vec<RecorderState> {
        self.recorders.lock().expect("recorders lock").values().map(|h| *h.state.borrow()).collect()
    }
}
