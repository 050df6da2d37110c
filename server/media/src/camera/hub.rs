//! One camera's meeting point: its ingest publishes frames here once, and every consumer (the
//! SFU, snapshots, frame analysis) subscribes. Consumers hold leases (analysis may watch without
//! one); an on-demand camera runs only while someone holds one.

use crate::frame::{Frame, Gop};
use crate::source::SourceSpec;
use mingchu_domain::vocab::CameraId;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{broadcast, watch};

/// What consumers receive.
#[derive(Debug, Clone)]
pub enum MediaEvent {
    Frame(Arc<Frame>),
    /// The stream restarted (reconnect): the next frames start from a new keyframe and a new
    /// clock.
    Restarted,
}

/// The live state of a camera's ingest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CameraState {
    /// On-demand camera that nobody watches: not connected, by design.
    Idle,
    Connecting,
    Online,
    /// Could not connect or the stream stopped; the text says why (never with credentials).
    Offline(String),
    /// Connected, but browsers cannot play what it sends (H.265, B-frames).
    Unplayable(String),
}

impl CameraState {
    pub fn code(&self) -> &'static str {
        match self {
            CameraState::Idle => "idle",
            CameraState::Connecting => "connecting",
            CameraState::Online => "online",
            CameraState::Offline(_) => "offline",
            CameraState::Unplayable(_) => "unplayable",
        }
    }

    pub fn detail(&self) -> Option<&str> {
        match self {
            CameraState::Offline(d) | CameraState::Unplayable(d) => Some(d),
            _ => None,
        }
    }
}

pub struct CameraHub {
    pub id: CameraId,
    pub spec: SourceSpec,
    state: watch::Sender<CameraState>,
    leases: watch::Sender<usize>,
    events: broadcast::Sender<MediaEvent>,
    gop: Mutex<Gop>,
}

/// Keeps a camera running while held: a viewer's, the analysis's, or the registry's own for a
/// camera set to run always.
pub struct Lease {
    hub: Arc<CameraHub>,
}

impl Lease {
    pub fn camera(&self) -> CameraId {
        self.hub.id
    }

    pub fn hub(&self) -> &Arc<CameraHub> {
        &self.hub
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.hub.leases.send_modify(|n| *n = n.saturating_sub(1));
    }
}

/// A lease plus the frames: first the cached group of pictures, then live events.
pub struct Subscription {
    pub lease: Lease,
    pub cached: Vec<Arc<Frame>>,
    pub events: broadcast::Receiver<MediaEvent>,
}

impl CameraHub {
    pub fn new(id: CameraId, spec: SourceSpec) -> Arc<CameraHub> {
        Arc::new(CameraHub {
            id,
            spec,
            state: watch::Sender::new(CameraState::Idle),
            leases: watch::Sender::new(0),
            // About 4 s of video at 30 fps: a consumer further behind gets `Lagged` and resyncs.
            events: broadcast::Sender::new(128),
            gop: Mutex::new(Gop::default()),
        })
    }

    pub fn lease(self: &Arc<Self>) -> Lease {
        self.leases.send_modify(|n| *n += 1);
        Lease { hub: self.clone() }
    }

    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        let lease = self.lease();
        // Under the cache lock, so no frame is missed or seen twice between the two.
        let gop = self.gop.lock().expect("gop lock");
        let events = self.events.subscribe();
        Subscription { lease, cached: gop.frames().to_vec(), events }
    }

    /// The live events without a lease: for a consumer (analysis) that looks at a camera while
    /// it runs but must not keep it running.
    pub fn watch(&self) -> broadcast::Receiver<MediaEvent> {
        self.events.subscribe()
    }

    pub fn publish(&self, frame: Arc<Frame>) {
        let mut gop = self.gop.lock().expect("gop lock");
        gop.push(frame.clone());
        let _ = self.events.send(MediaEvent::Frame(frame));
    }

    pub fn restarted(&self) {
        let mut gop = self.gop.lock().expect("gop lock");
        gop.clear();
        let _ = self.events.send(MediaEvent::Restarted);
    }

    /// The newest keyframe, if the current stream has sent one.
    pub fn keyframe(&self) -> Option<Arc<Frame>> {
        self.gop.lock().expect("gop lock").keyframe().cloned()
    }

    pub fn state(&self) -> CameraState {
        self.state.borrow().clone()
    }

    pub fn set_state(&self, state: CameraState) -> bool {
        self.state.send_if_modified(|s| {
            let changed = *s != state;
            *s = state;
            changed
        })
    }

    pub fn leases(&self) -> watch::Receiver<usize> {
        self.leases.subscribe()
    }

    /// Waits until the camera has a picture to show, or has plainly failed, or `limit` passed;
    /// returns the state then.
    pub async fn ready(&self, limit: Duration) -> CameraState {
        let mut rx = self.state.subscribe();
        let wait = async {
            loop {
                let state = rx.borrow_and_update().clone();
                match state {
                    CameraState::Online if self.keyframe().is_some() => return state,
                    CameraState::Offline(_) | CameraState::Unplayable(_) => return state,
                    _ => {}
                }
                // Online without a keyframe yet: poll briefly; otherwise wait for a change.
                if state == CameraState::Online {
                    tokio::time::sleep(Duration::from_millis(20)).await;
                } else if rx.changed().await.is_err() {
                    return self.state();
                }
            }
        };
        tokio::time::timeout(limit, wait).await.unwrap_or_else(|_| self.state())
    }
}
