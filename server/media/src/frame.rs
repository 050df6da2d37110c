//! What a camera ingest hands to its consumers: one access unit, packetized for RTP once.

use super::h264::{self, ProfileLevel};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Instant;

/// RTP payload budget per packet: leaves room for the RTP header, extensions and SRTP tag
/// within a 1200-byte datagram, which crosses every network WebRTC cares about.
pub const RTP_PAYLOAD_MTU: usize = 1100;

/// One H.264 access unit (a picture) from a camera.
#[derive(Debug)]
pub struct Frame {
    /// An IDR picture: decoding may start here.
    pub keyframe: bool,
    /// Presentation time on the camera's 90 kHz clock.
    pub rtp_time: u32,
    /// When the ingest received it.
    pub received: Instant,
    /// The access unit in Annex B form (for snapshots and analysis).
    pub annexb: Bytes,
    /// The same unit as RTP payloads, made once and shared by every viewer.
    pub payloads: Vec<Arc<[u8]>>,
    /// Profile and level from the SPS, when this unit carries one.
    pub profile: Option<ProfileLevel>,
    /// The camera's own clock at this picture, when it tells (RTCP sender reports). Camera
    /// clocks are often wrong: recordings are indexed by `received`, this is kept beside it.
    pub camera_time: Option<chrono::DateTime<chrono::Utc>>,
}

impl Frame {
    pub fn new(annexb: Bytes, keyframe: bool, rtp_time: u32, received: Instant) -> Frame {
        let payloads = h264::packetize(&annexb, RTP_PAYLOAD_MTU).into_iter().map(Arc::from).collect();
        let profile = h264::nal_units(&annexb).find_map(ProfileLevel::from_sps);
        Frame { keyframe, rtp_time, received, annexb, payloads, profile, camera_time: None }
    }

    /// Bytes on the wire (payloads only), for rate accounting.
    pub fn payload_bytes(&self) -> usize {
        self.payloads.iter().map(|p| p.len()).sum()
    }
}

/// The frames since the last keyframe: what a new viewer needs to decode the current picture.
#[derive(Debug, Default)]
pub struct Gop {
    frames: Vec<Arc<Frame>>,
}

impl Gop {
    /// Frames beyond this are dropped (a camera whose keyframes stopped should not grow
    /// without bound); a viewer joining such a stream waits for the next keyframe instead.
    const MAX_FRAMES: usize = 300;

    pub fn push(&mut self, frame: Arc<Frame>) {
        if frame.keyframe {
            self.frames.clear();
        } else if self.frames.is_empty() || self.frames.len() >= Self::MAX_FRAMES {
            self.frames.clear();
            return;
        }
        self.frames.push(frame);
    }

    pub fn clear(&mut self) {
        self.frames.clear();
    }

    pub fn frames(&self) -> &[Arc<Frame>] {
        &self.frames
    }

    pub fn keyframe(&self) -> Option<&Arc<Frame>> {
        self.frames.first()
    }
}
