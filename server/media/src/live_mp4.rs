//! Live video without WebRTC: a camera's frames as one fragmented MP4 stream, a fragment per
//! picture, for viewers whose network blocks UDP or whose browser has no `RTCPeerConnection`
//! (a messaging app's built-in browser). Sans-IO: frames in, bytes out; the HTTP side streams
//! them, the browser appends them to Media Source Extensions. The same packets as the SFU's,
//! boxed instead of packetized; nothing is transcoded.

use crate::frame::Frame;
use crate::mp4::{self, Sample, VideoTrack};

#[derive(Default)]
pub struct LiveMuxer {
    track: Option<VideoTrack>,
    /// The first picture's extended 90 kHz time: decode times count from it.
    base: i64,
    last: Option<(u32, i64)>,
    /// The step between the last two pictures, the duration given to the newest.
    step: u32,
    sequence: u32,
}

/// A picture's duration before two were seen: 25 fps.
const FIRST_STEP: u32 = 3600;

impl LiveMuxer {
    pub fn new() -> LiveMuxer {
        LiveMuxer::default()
    }

    /// The codec string once the stream started (for MSE's `addSourceBuffer`).
    pub fn codec(&self) -> Option<String> {
        self.track.as_ref().map(VideoTrack::codec)
    }

    /// The bytes to send for this frame: nothing before the first keyframe (with its SPS and
    /// PPS), then the init segment once, then a fragment per picture. `Err` when the stream's
    /// parameters changed (a new size): the viewer must start a new stream.
    pub fn push(&mut self, frame: &Frame) -> Result<Vec<Vec<u8>>, Changed> {
        let mut out = Vec::new();
        if self.track.is_none() {
            if !frame.keyframe {
                return Ok(out);
            }
            let Some(track) = VideoTrack::from_access_unit(&frame.annexb) else { return Ok(out) };
            out.push(track.init_segment());
            self.track = Some(track);
            self.base = frame.rtp_time as i64;
            self.last = Some((frame.rtp_time, frame.rtp_time as i64));
            self.step = FIRST_STEP;
        } else if frame.keyframe {
            if let Some(track) = VideoTrack::from_access_unit(&frame.annexb) {
                if Some(&track) != self.track.as_ref() {
                    return Err(Changed);
                }
            }
        }
        let (prev, prev_ext) = self.last.expect("set with the track");
        let ext = prev_ext + frame.rtp_time.wrapping_sub(prev) as i32 as i64;
        if ext > prev_ext {
            self.step = (ext - prev_ext).min(90_000) as u32;
        }
        self.last = Some((frame.rtp_time, ext.max(prev_ext)));
        self.sequence += 1;
        let decode_time = (ext.max(prev_ext) - self.base).max(0) as u64;
        let sample = Sample { annexb: &frame.annexb, duration: self.step, keyframe: frame.keyframe };
        out.push(mp4::fragment(self.sequence, decode_time, &[sample]));
        Ok(out)
    }
}

/// The camera's stream changed its parameters mid-way.
#[derive(Debug, PartialEq, Eq)]
pub struct Changed;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_stream::encode;
    use std::sync::Arc;

    #[test]
    fn a_stream_starts_at_a_keyframe_with_its_init_then_one_fragment_per_picture() {
        let frames = encode(320, 240, 15, 15, 40, u32::MAX - 30_000);
        let mut m = LiveMuxer::new();
        let mut bytes = Vec::new();
        // Joined mid-way: pictures before the first keyframe are skipped.
        for f in frames.iter().skip(10) {
            let frame =
                Arc::new(Frame::new(f.annexb.clone().into(), f.keyframe, f.rtp_time, std::time::Instant::now()));
            for chunk in m.push(&frame).unwrap() {
                bytes.extend(chunk);
            }
        }
        assert!(m.codec().unwrap().starts_with("avc1.42"));
        let scanned = mp4::scan(&bytes).expect("a readable fMP4 stream");
        assert_eq!(scanned.valid_len, bytes.len());
        assert_eq!(scanned.fragments.len(), 25, "from the keyframe at frame 15 on");
        assert!(scanned.fragments[0].keyframe);
        // Across the RTP clock's wrap the decode times go on at 1/15 s a picture.
        for (i, f) in scanned.fragments.iter().enumerate() {
            assert_eq!((f.decode_time, f.samples), (i as u64 * 6000, 1));
        }
    }

    #[test]
    fn a_new_picture_size_ends_the_stream() {
        let small = encode(320, 240, 15, 15, 1, 0);
        let big = encode(640, 360, 15, 15, 1, 6000);
        let mut m = LiveMuxer::new();
        let f = |e: &crate::test_stream::Encoded| {
            Frame::new(e.annexb.clone().into(), e.keyframe, e.rtp_time, std::time::Instant::now())
        };
        assert_eq!(m.push(&f(&small[0])).unwrap().len(), 2, "init and the first fragment");
        assert_eq!(m.push(&f(&big[0])), Err(Changed));
    }
}
