//! One viewer: its `Rtc`, the video m-line it receives on, and its own RTP numbering.

use super::negotiate::{build_rtc, choose_pt};
use super::rewrite::Rewriter;
use super::SfuError;
use crate::frame::Frame;
use crate::h264::ProfileLevel;
use mingchu_domain::vocab::CameraId;
use std::sync::Arc;
use std::time::{Duration, Instant};
use str0m::change::SdpOffer;
use str0m::media::{Direction, MediaKind, Mid, Pt};
use str0m::net::Transmit;
use str0m::rtp::RtpWrite;
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

/// Identifies a viewer session (the last segment of its WHEP resource URL).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ViewerId(pub u64);

impl std::fmt::Display for ViewerId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for ViewerId {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(s, 16).map(ViewerId)
    }
}

/// A keyframe request is answered from the cache at most this often.
const REPLAY_INTERVAL: Duration = Duration::from_millis(500);
/// Early DTLS datagrams kept per joining viewer (a first flight is one to three).
const HELD_DATAGRAMS: usize = 4;

/// A datagram from a viewer's address that its `Rtc` did not accept yet (see [`Viewer::hold`]).
pub struct Held {
    pub proto: str0m::net::Protocol,
    pub source: std::net::SocketAddr,
    pub destination: std::net::SocketAddr,
    pub data: Vec<u8>,
}

/// Whether a datagram is a DTLS record (RFC 7983: first byte 20 to 63).
pub fn is_dtls(data: &[u8]) -> bool {
    matches!(data.first(), Some(20..=63))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flow {
    /// ICE/DTLS not done: nothing is sent yet.
    Joining,
    /// Receiving every frame.
    Live,
    /// The camera restarted (or we fell behind): waiting for its next keyframe.
    AwaitingKeyframe,
}

pub struct Viewer {
    pub id: ViewerId,
    pub camera: CameraId,
    pub rtc: Rtc,
    pub created: Instant,
    pub connected: bool,
    pub next_timeout: Instant,
    mid: Mid,
    pt: Pt,
    flow: Flow,
    rewriter: Rewriter,
    replay_wanted: bool,
    last_replay: Option<Instant>,
    held: Vec<Held>,
}

impl Viewer {
    /// Accepts the offer; fails when it has no video m-line that can receive this camera.
    pub fn answer(
        id: ViewerId,
        camera: CameraId,
        offer: SdpOffer,
        mid: Option<Mid>,
        candidates: &[Candidate],
        profile: ProfileLevel,
        now: Instant,
    ) -> Result<(Viewer, String), SfuError> {
        let mut rtc = build_rtc(now);
        for c in candidates {
            rtc.add_local_candidate(c.clone());
        }
        let answer = rtc.sdp_api().accept_offer(offer).map_err(|e| SfuError::BadOffer(e.to_string()))?;
        // The answer is made; the first video m-line is the one we send on.
        let next_timeout;
        loop {
            match rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    next_timeout = t;
                    break;
                }
                Ok(_) => {}
                Err(e) => return Err(SfuError::BadOffer(e.to_string())),
            }
        }
        let mid = mid.ok_or(SfuError::NoH264)?;
        if rtc.media(mid).is_none_or(|m| m.kind() != MediaKind::Video || m.direction() != Direction::SendOnly) {
            return Err(SfuError::NoH264);
        }
        let remote = rtc.media(mid).map(|m| m.remote_pts().to_vec()).unwrap_or_default();
        let pt = choose_pt(rtc.codec_config().params(), &remote, profile).ok_or(SfuError::NoH264)?;
        let seed: u64 = rand::random();
        let viewer = Viewer {
            id,
            camera,
            rtc,
            created: now,
            connected: false,
            next_timeout,
            mid,
            pt,
            flow: Flow::Joining,
            rewriter: Rewriter::new((seed as u16) & 0x7fff, (seed >> 32) as u32),
            replay_wanted: false,
            last_replay: None,
            held: Vec::new(),
        };
        Ok((viewer, answer.to_sdp_string()))
    }

    /// The `a=mid` of the offer's first video m-line.
    pub fn video_mid(offer: &str) -> Option<Mid> {
        let mut in_video = false;
        for line in offer.lines().map(str::trim) {
            if let Some(media) = line.strip_prefix("m=") {
                in_video = media.starts_with("video ");
            } else if let Some(mid) = line.strip_prefix("a=mid:").filter(|_| in_video) {
                return Some(Mid::from(mid));
            }
        }
        None
    }

    /// When this viewer next needs `handle_timeout`: its `Rtc`'s timer, or the end of the
    /// time it has to connect.
    pub fn deadline(&self) -> Instant {
        if self.connected {
            self.next_timeout
        } else {
            self.next_timeout.min(self.created + super::JOIN_TIMEOUT)
        }
    }

    /// Keeps a DTLS datagram the `Rtc` refused while joining. A browser sends its first DTLS
    /// flight as soon as its own connectivity check is answered, which can be just before ours
    /// is: str0m accepts DTLS only from a pair it has validated, so the flight would be lost
    /// and resent by the browser after 600 ms or more. It is offered again once the pair is
    /// valid ([`Viewer::take_held`]); nothing is accepted that the `Rtc` would not accept.
    pub fn hold(
        &mut self,
        proto: str0m::net::Protocol,
        source: std::net::SocketAddr,
        destination: std::net::SocketAddr,
        data: &[u8],
    ) {
        if !self.connected && is_dtls(data) && self.held.len() < HELD_DATAGRAMS {
            self.held.push(Held { proto, source, destination, data: data.to_vec() });
        }
    }

    /// The held datagrams, to be offered again (and held again if still refused).
    pub fn take_held(&mut self) -> Vec<Held> {
        if self.connected {
            self.held.clear();
        }
        std::mem::take(&mut self.held)
    }

    pub fn handle(&mut self, input: Input) {
        if let Err(e) = self.rtc.handle_input(input) {
            tracing::debug!(peer = %self.id, error = %e, "input rejected");
        }
    }

    /// Sends a live frame, or starts from it if it is the keyframe this viewer waits for.
    pub fn forward(&mut self, frame: &Frame, now: Instant) {
        match self.flow {
            Flow::Joining => {}
            Flow::Live => {
                let time = self.rewriter.map(frame.rtp_time);
                self.write(frame, time, now);
            }
            Flow::AwaitingKeyframe if frame.keyframe => {
                self.rewriter.resync(frame.rtp_time);
                let time = self.rewriter.map(frame.rtp_time);
                self.write(frame, time, now);
                self.flow = Flow::Live;
            }
            Flow::AwaitingKeyframe => {}
        }
    }

    pub fn await_keyframe(&mut self) {
        if self.flow == Flow::Live {
            self.flow = Flow::AwaitingKeyframe;
        }
    }

    /// Drains the `Rtc`: transmits go to `send`; events are acted on. `gop` is the camera's
    /// cached group of pictures, replayed on connect and on keyframe requests.
    pub fn poll(&mut self, gop: &[Arc<Frame>], now: Instant, mut send: impl FnMut(Transmit)) {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(t)) => {
                    self.next_timeout = t;
                    if self.replay_wanted {
                        self.replay_wanted = false;
                        self.replay(gop, now);
                        continue;
                    }
                    break;
                }
                Ok(Output::Transmit(t)) => send(t),
                Ok(Output::Event(event)) => self.on_event(event, now),
                Err(e) => {
                    tracing::debug!(peer = %self.id, error = %e, "viewer failed");
                    self.rtc.disconnect();
                    break;
                }
            }
        }
    }

    fn on_event(&mut self, event: Event, now: Instant) {
        match event {
            Event::Connected => {
                tracing::info!(peer = %self.id, camera = %self.camera, "viewer connected");
                self.connected = true;
                self.replay_wanted = true;
            }
            // Served from the cache (at most every REPLAY_INTERVAL); cameras never see them.
            Event::KeyframeRequest(_)
                if self.flow != Flow::Joining
                    && self.last_replay.is_none_or(|t| now.saturating_duration_since(t) >= REPLAY_INTERVAL) =>
            {
                self.replay_wanted = true;
            }
            Event::IceConnectionStateChange(IceConnectionState::Disconnected) => self.rtc.disconnect(),
            _ => {}
        }
    }

    /// Sends the cached group of pictures as a quick burst, then continues live from it.
    fn replay(&mut self, gop: &[Arc<Frame>], now: Instant) {
        self.last_replay = Some(now);
        let Some(last) = gop.last() else {
            self.flow = Flow::AwaitingKeyframe;
            return;
        };
        for frame in gop {
            let time = self.rewriter.replay_time();
            self.write(frame, time, now);
        }
        self.rewriter.anchor(last.rtp_time);
        self.flow = Flow::Live;
    }

    fn write(&mut self, frame: &Frame, time: u32, now: Instant) {
        let mut api = self.rtc.direct_api();
        let Some(tx) = api.stream_tx_by_mid(self.mid, None) else { return };
        let count = frame.payloads.len();
        for (i, payload) in frame.payloads.iter().enumerate() {
            let seq = self.rewriter.next_seq();
            tx.write_rtp(
                RtpWrite::new(self.pt, seq.into(), time, now, payload.clone()).marker(i + 1 == count).nackable(true),
            );
        }
        // Queued packets leave on the next timeout: give it now rather than a loop turn later.
        self.handle(Input::Timeout(now));
    }
}
