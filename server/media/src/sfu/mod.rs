//! The selective forwarding unit, sans-IO in str0m's style: it owns one `Rtc` per viewer and a
//! cache of the current group of pictures per camera, and is driven only by what it is fed:
//! time, packets, camera frames and viewer commands. `driver` runs it on a UDP socket and an
//! ICE-TCP listener (RFC 6544 passive candidates, RFC 4571 framing).

pub mod driver;
mod index;
mod negotiate;
mod rewrite;
mod tcp;
mod viewer;

use super::frame::{Frame, Gop};
use super::h264::ProfileLevel;
use mingchu_domain::vocab::CameraId;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::change::SdpOffer;
use str0m::net::{Protocol, Receive, TcpType, Transmit};
use str0m::{Candidate, Input};
use viewer::Viewer;

pub use viewer::ViewerId;

/// A viewer that has not completed ICE and DTLS by then is dropped.
pub(crate) const JOIN_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SfuError {
    #[error("the SDP offer could not be read: {0}")]
    BadOffer(String),
    #[error("the offer has no video that can receive H.264 (packetization-mode=1)")]
    NoH264,
    #[error("the camera has not sent a picture yet")]
    NoPicture,
    #[error("no such viewer session")]
    UnknownViewer,
    #[error("bad ICE candidate: {0}")]
    BadCandidate(String),
    #[error("the media service has stopped")]
    Stopped,
    #[error("{0}")]
    TooManyViewers(Limit),
    #[error("at most {MAX_REMOTE_CANDIDATES} ICE candidates per session")]
    TooManyCandidates,
}

/// Which viewer limit a join would pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    Total,
    Camera,
    Address,
}

impl std::fmt::Display for Limit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Limit::Total => "live video has as many viewers as it can take; try again shortly",
            Limit::Camera => "this camera has as many viewers as it can take; try again shortly",
            Limit::Address => "too many live-video sessions from your network; close some and try again",
        })
    }
}

/// How many viewers the SFU takes, counting sessions still connecting: a flood of offers
/// (each one an `Rtc` with DTLS keys) cannot crowd out real viewers or exhaust memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ViewerLimits {
    pub total: usize,
    pub per_camera: usize,
    /// Per client address (IPv6: per /64); a display screen or a school's NAT holds several.
    pub per_address: usize,
}

impl Default for ViewerLimits {
    fn default() -> Self {
        ViewerLimits { total: 2000, per_camera: 500, per_address: 40 }
    }
}

/// Trickled candidates accepted per session (browsers send a handful).
pub const MAX_REMOTE_CANDIDATES: usize = 32;

/// Why a viewer left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GoneReason {
    /// The viewer asked (WHEP DELETE).
    Closed,
    /// ICE consent or DTLS lapsed: the viewer vanished.
    TimedOut,
    /// ICE and DTLS never completed.
    NeverConnected,
    /// The camera stopped running on this server (it moved to another media node).
    CameraEnded,
}

#[derive(Debug)]
pub enum SfuOutput {
    Transmit(Transmit),
    /// The viewer is gone and its memory released; the caller drops its camera subscription.
    ViewerGone {
        viewer: ViewerId,
        camera: CameraId,
        reason: GoneReason,
    },
}

/// Where viewers reach the SFU: its UDP addresses and, for networks that block UDP, the
/// addresses of its ICE-TCP listener. Each is one host candidate in every answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Transports {
    pub udp: Vec<SocketAddr>,
    pub tcp: Vec<SocketAddr>,
}

impl Transports {
    pub fn udp(addresses: &[SocketAddr]) -> Transports {
        Transports { udp: addresses.to_vec(), tcp: Vec::new() }
    }

    /// UDP host candidates, then passive TCP ones (RFC 6544: we accept, the browser connects).
    /// ICE's priorities put TCP below UDP, so a browser that can use UDP does.
    fn candidates(&self) -> Vec<Candidate> {
        let udp = self.udp.iter().filter_map(|addr| Candidate::host(*addr, "udp").ok());
        let tcp = self
            .tcp
            .iter()
            .filter_map(|addr| Candidate::builder().tcp().host(*addr).tcptype(TcpType::Passive).build().ok());
        udp.chain(tcp).collect()
    }
}

/// What the SFU keeps per camera it relays.
#[derive(Debug, Default)]
struct Feed {
    gop: Gop,
    profile: Option<ProfileLevel>,
}

pub struct Sfu {
    candidates: Vec<Candidate>,
    limits: ViewerLimits,
    viewers: HashMap<ViewerId, Viewer>,
    index: index::Index,
    feeds: HashMap<CameraId, Feed>,
    outputs: VecDeque<SfuOutput>,
    /// Sessions the peer ended itself (closed its connection, vanished): a WHEP DELETE that
    /// races with that still succeeds, once.
    ended: VecDeque<ViewerId>,
}

/// How many peer-ended sessions are remembered for a late DELETE.
const ENDED_MEMORY: usize = 4096;

impl Sfu {
    /// `local` are the addresses viewers can reach the UDP socket at (one host candidate each).
    pub fn new(local: &[SocketAddr]) -> Sfu {
        Sfu::with_limits(&Transports::udp(local), ViewerLimits::default())
    }

    pub fn with_limits(local: &Transports, limits: ViewerLimits) -> Sfu {
        Sfu {
            candidates: local.candidates(),
            limits,
            viewers: HashMap::new(),
            index: index::Index::default(),
            feeds: HashMap::new(),
            outputs: VecDeque::new(),
            ended: VecDeque::new(),
        }
    }

    pub fn viewer_count(&self) -> usize {
        self.viewers.len()
    }

    pub fn viewers_of(&self, camera: CameraId) -> usize {
        self.index.count_of(camera)
    }

    /// Answers the SDP offer of a viewer at client address `from`. The camera must have sent
    /// a keyframe already (its profile decides the payload type).
    pub fn add_viewer(
        &mut self,
        id: ViewerId,
        camera: CameraId,
        offer: &str,
        now: Instant,
        from: Option<IpAddr>,
    ) -> Result<String, SfuError> {
        if self.viewers.len() >= self.limits.total {
            return Err(SfuError::TooManyViewers(Limit::Total));
        }
        if self.index.count_of(camera) >= self.limits.per_camera {
            return Err(SfuError::TooManyViewers(Limit::Camera));
        }
        if from.is_some_and(|a| self.index.count_from(a) >= self.limits.per_address) {
            return Err(SfuError::TooManyViewers(Limit::Address));
        }
        let profile = self.feeds.get(&camera).and_then(|f| f.profile).ok_or(SfuError::NoPicture)?;
        let mid = Viewer::video_mid(offer);
        let offer = SdpOffer::from_sdp_string(offer).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        let (viewer, answer) = Viewer::answer(id, camera, offer, mid, &self.candidates, profile, now)?;
        self.viewers.insert(id, viewer);
        self.index.insert(id, camera, from, &answer);
        self.drive(id, now);
        Ok(answer)
    }

    /// Trickled candidates (WHEP PATCH, `application/trickle-ice-sdpfrag`).
    pub fn add_remote_candidates(&mut self, id: ViewerId, sdpfrag: &str, now: Instant) -> Result<(), SfuError> {
        let viewer = self.viewers.get_mut(&id).ok_or(SfuError::UnknownViewer)?;
        let count = sdpfrag.lines().filter(|l| l.trim().starts_with("a=candidate:")).count();
        if !self.index.add_candidates(id, count, MAX_REMOTE_CANDIDATES) {
            return Err(SfuError::TooManyCandidates);
        }
        for line in sdpfrag.lines().map(str::trim) {
            if let Some(candidate) = line.strip_prefix("a=") {
                if candidate.starts_with("candidate:") {
                    let c = Candidate::from_sdp_string(candidate).map_err(|e| SfuError::BadCandidate(e.to_string()))?;
                    viewer.rtc.add_remote_candidate(c);
                }
            }
        }
        self.drive(id, now);
        Ok(())
    }

    pub fn remove_viewer(&mut self, id: ViewerId) -> Result<(), SfuError> {
        let Some(mut viewer) = self.viewers.remove(&id) else {
            let position = self.ended.iter().position(|e| *e == id).ok_or(SfuError::UnknownViewer)?;
            self.ended.remove(position);
            return Ok(());
        };
        viewer.rtc.disconnect();
        self.gone(viewer, GoneReason::Closed);
        Ok(())
    }

    /// A packet arrived at `destination` (one of our addresses) from `source`: a UDP datagram,
    /// or one RFC 4571 frame of an ICE-TCP connection (`proto` Tcp, `source` its peer).
    pub fn receive(&mut self, now: Instant, proto: Protocol, source: SocketAddr, destination: SocketAddr, data: &[u8]) {
        let Ok(contents) = data.try_into() else { return };
        let input = Input::Receive(now, Receive { proto, source, destination, contents });
        // A packet nobody routes to is dropped without looking at any viewer.
        let Some(id) = self.index.route((proto, source), data) else { return };
        let Some(viewer) = self.viewers.get_mut(&id) else { return };
        if !viewer.rtc.accepts(&input) {
            viewer.hold(proto, source, destination, data);
            return;
        }
        viewer.handle(input);
        self.index.learned(id, (proto, source));
        self.drive(id, now);
        self.offer_held(id, now);
    }

    /// Offers a joining viewer's held datagrams again, now that its `Rtc` may accept them.
    fn offer_held(&mut self, id: ViewerId, now: Instant) {
        let Some(viewer) = self.viewers.get_mut(&id) else { return };
        let held = viewer.take_held();
        if held.is_empty() {
            return;
        }
        let mut handled = false;
        for h in held {
            let Ok(contents) = h.data.as_slice().try_into() else { continue };
            let input =
                Input::Receive(now, Receive { proto: h.proto, source: h.source, destination: h.destination, contents });
            if viewer.rtc.accepts(&input) {
                viewer.handle(input);
                handled = true;
            } else {
                viewer.hold(h.proto, h.source, h.destination, &h.data);
            }
        }
        if handled {
            self.drive(id, now);
        }
    }

    /// Advances every viewer whose timer is due and reaps the dead.
    pub fn handle_timeout(&mut self, now: Instant) {
        let due: Vec<ViewerId> = self.viewers.iter().filter(|(_, v)| v.deadline() <= now).map(|(id, _)| *id).collect();
        for id in due {
            if let Some(viewer) = self.viewers.get_mut(&id) {
                viewer.handle(Input::Timeout(now));
            }
            self.drive(id, now);
        }
    }

    /// The earliest instant `handle_timeout` has work.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.viewers.values().map(|v| v.deadline()).min()
    }

    pub fn poll_output(&mut self) -> Option<SfuOutput> {
        self.outputs.pop_front()
    }

    /// A camera frame: cached and forwarded, packets as they are, to the camera's viewers.
    pub fn push_frame(&mut self, camera: CameraId, frame: Arc<Frame>, now: Instant) {
        let feed = self.feeds.entry(camera).or_default();
        if let Some(profile) = frame.profile {
            feed.profile = Some(profile);
        }
        feed.gop.push(frame.clone());
        let ids: Vec<ViewerId> = self.index.viewers_of(camera).collect();
        for id in ids {
            if let Some(viewer) = self.viewers.get_mut(&id) {
                viewer.forward(&frame, now);
            }
            self.drive(id, now);
        }
    }

    /// The camera's stream restarted: the cache is stale and viewers wait for a new keyframe.
    pub fn camera_restarted(&mut self, camera: CameraId) {
        if let Some(feed) = self.feeds.get_mut(&camera) {
            feed.gop.clear();
        }
        for id in self.index.viewers_of(camera) {
            if let Some(viewer) = self.viewers.get_mut(&id) {
                viewer.await_keyframe();
            }
        }
    }

    /// The camera's stream ended for good here: its viewers are let go (they reconnect, and
    /// are sent to the camera's new node).
    pub fn end_camera(&mut self, camera: CameraId) {
        let ids: Vec<ViewerId> = self.index.viewers_of(camera).collect();
        for id in ids {
            if let Some(mut viewer) = self.viewers.remove(&id) {
                viewer.rtc.disconnect();
                self.gone(viewer, GoneReason::CameraEnded);
            }
        }
    }

    /// Forgets a camera nobody watches any more.
    pub fn drop_camera(&mut self, camera: CameraId) {
        if self.viewers_of(camera) == 0 {
            self.feeds.remove(&camera);
        }
    }

    /// Runs one viewer's `Rtc` until it wants time to pass, collecting what it sends and
    /// acting on its events; reaps it when it died.
    fn drive(&mut self, id: ViewerId, now: Instant) {
        let Some(viewer) = self.viewers.get_mut(&id) else { return };
        let gop = self.feeds.get(&viewer.camera).map(|f| f.gop.frames()).unwrap_or(&[]);
        viewer.poll(gop, now, |t| self.outputs.push_back(SfuOutput::Transmit(t)));
        let reason = if !viewer.rtc.is_alive() {
            Some(GoneReason::TimedOut)
        } else if !viewer.connected && now.saturating_duration_since(viewer.created) > JOIN_TIMEOUT {
            Some(GoneReason::NeverConnected)
        } else {
            None
        };
        if let Some(reason) = reason {
            if let Some(mut viewer) = self.viewers.remove(&id) {
                viewer.rtc.disconnect();
                self.gone(viewer, reason);
            }
        }
    }

    fn gone(&mut self, viewer: Viewer, reason: GoneReason) {
        self.index.remove(viewer.id);
        if reason != GoneReason::Closed {
            if self.ended.len() >= ENDED_MEMORY {
                self.ended.pop_front();
            }
            self.ended.push_back(viewer.id);
        }
        tracing::info!(peer = %viewer.id, camera = %viewer.camera, ?reason, "viewer left");
        self.outputs.push_back(SfuOutput::ViewerGone { viewer: viewer.id, camera: viewer.camera, reason });
    }
}

#[cfg(test)]
mod bench;
#[cfg(test)]
mod tests;
