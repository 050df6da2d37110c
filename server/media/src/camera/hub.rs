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
    feed: Mutex<Feed>,
    /// Set once when this server stops running the camera for good (it moved to another media
    /// node): the ingest stops and every consumer's events end.
    retired: watch::Sender<bool>,
}

/// The cached group of pictures and the live events, under one lock so that a subscriber
/// misses no frame and sees none twice; `events` is `None` once the hub is retired.
struct Feed {
    gop: Gop,
    events: Option<broadcast::Sender<MediaEvent>>,
}

impl Feed {
    fn subscribe(&self) -> broadcast::Receiver<MediaEvent> {
        match &self.events {
            Some(events) => events.subscribe(),
            // A channel whose sender is gone: the receiver reports Closed at once.
            None => broadcast::channel(1).1,
        }
    }
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
            feed: Mutex::new(Feed {
                gop: Gop::default(),
                // About 4 s of video at 30 fps: a consumer further behind gets `Lagged` and resyncs.
                events: Some(broadcast::Sender::new(128)),
            }),
            retired: watch::Sender::new(false),
        })
    }

    pub fn lease(self: &Arc<Self>) -> Lease {
        self.leases.send_modify(|n| *n += 1);
        Lease { hub: self.clone() }
    }

    pub fn subscribe(self: &Arc<Self>) -> Subscription {
        let lease = self.lease();
        // Under the cache lock, so no frame is missed or seen twice between the two.
        let feed = self.feed.lock().expect("feed lock");
        Subscription { lease, cached: feed.gop.frames().to_vec(), events: feed.subscribe() }
    }

    /// The live events without a lease: for a consumer (analysis) that looks at a camera while
    /// it runs but must not keep it running.
    pub fn watch(&self) -> broadcast::Receiver<MediaEvent> {
        self.feed.lock().expect("feed lock").subscribe()
    }

    pub fn publish(&self, frame: Arc<Frame>) {
        let mut feed = self.feed.lock().expect("feed lock");
        let Some(events) = feed.events.clone() else { return };
        feed.gop.push(frame.clone());
        let _ = events.send(MediaEvent::Frame(frame));
    }

    pub fn restarted(&self) {
        let mut feed = self.feed.lock().expect("feed lock");
        feed.gop.clear();
        if let Some(events) = &feed.events {
            let _ = events.send(MediaEvent::Restarted);
        }
    }

    /// The newest keyframe, if the current stream has sent one.
    pub fn keyframe(&self) -> Option<Arc<Frame>> {
        self.feed.lock().expect("feed lock").gop.keyframe().cloned()
    }

    /// Stops the camera here for good: the ingest ends (its connection closes), every
    /// consumer's events end (the SFU lets the camera's viewers go, and they reconnect to the
    /// camera's new node), and the cache empties. The state becomes idle without a record: the
    /// camera's records are now the new holder's to write.
    pub fn retire(&self) {
        {
            let mut feed = self.feed.lock().expect("feed lock");
            feed.gop.clear();
            feed.events = None;
        }
        self.state.send_replace(CameraState::Idle);
        self.retired.send_replace(true);
    }

    pub fn is_retired(&self) -> bool {
        *self.retired.borrow()
    }

    /// Resolves once the hub is retired.
    pub async fn until_retired(&self) {
        let mut rx = self.retired.subscribe();
        let _ = rx.wait_for(|r| *r).await;
    }

    pub fn state(&self) -> CameraState {
        self.state.borrow().clone()
    }

    pub fn set_state(&self, state: CameraState) -> bool {
        if self.is_retired() {
            return false;
        }
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
