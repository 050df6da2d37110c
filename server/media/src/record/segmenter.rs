//! The recording core, sans-IO: fed a camera's frames with the server's receive time, it says
//! what to write: a new file (its init segment), a fragment to append, a file to close. One
//! fragment per group of pictures (cut at most every `fragment_max` for cameras with long
//! ones), one file per `segment` of video, each file starting with a keyframe.
//!
//! While not recording it can keep the last `preroll` of fragments in memory, so recording
//! "on events" starts with the seconds before the event.

use crate::frame::Frame;
use crate::mp4::{self, Sample, VideoTrack};
use chrono::{DateTime, Utc};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy)]
pub struct SegmenterConfig {
    pub segment: Duration,
    pub fragment_max: Duration,
    pub preroll: Duration,
}

impl Default for SegmenterConfig {
    fn default() -> Self {
        SegmenterConfig {
            segment: Duration::from_secs(60),
            fragment_max: Duration::from_secs(2),
            preroll: Duration::ZERO,
        }
    }
}

/// One fragment's place in its file, as the index keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FragmentIndex {
    pub offset: u64,
    pub len: u64,
    /// From the file's start, milliseconds.
    pub start_ms: u64,
    pub duration_ms: u64,
    pub keyframe: bool,
}

/// A finished file, as the index keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentSummary {
    /// The server's receive time of the first picture.
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
    /// The camera's own clock minus the server's at the first picture, when the camera said.
    pub camera_offset_ms: Option<i64>,
    pub bytes: u64,
    pub init_len: u64,
    pub codec: String,
    pub width: u32,
    pub height: u32,
    pub fragments: Vec<FragmentIndex>,
}

#[derive(Debug)]
pub enum Output {
    /// Create the file for the segment starting at `start` and write `init` to it.
    Open { start: DateTime<Utc>, init: Vec<u8> },
    /// Append to the open file.
    Append { bytes: Vec<u8>, fragment: FragmentIndex },
    /// The open file is complete.
    Close(SegmentSummary),
}

/// A frame waiting for its fragment, with its extended 90 kHz time.
#[derive(Clone)]
struct Pending {
    frame: Arc<Frame>,
    wall: DateTime<Utc>,
    time: i64,
}

/// A gathered fragment: its frames and each one's duration.
struct Gathered {
    frames: Vec<Pending>,
    durations: Vec<u32>,
}

impl Gathered {
    fn keyframe(&self) -> bool {
        self.frames[0].frame.keyframe
    }

    fn end(&self) -> i64 {
        self.frames[0].time + self.durations.iter().map(|d| *d as i64).sum::<i64>()
    }
}

struct Open {
    start: DateTime<Utc>,
    base: i64,
    track: VideoTrack,
    camera_offset_ms: Option<i64>,
    sequence: u32,
    bytes: u64,
    init_len: u64,
    fragments: Vec<FragmentIndex>,
    end: i64,
}

pub struct Segmenter {
    config: SegmenterConfig,
    recording: bool,
    open: Option<Open>,
    pending: Vec<Pending>,
    /// Recording was on when the pending fragment's first frame came: it is written.
    pending_wanted: bool,
    /// The last fragment was cut for length, not at a keyframe: the next may start without one.
    continuing: bool,
    preroll: VecDeque<Gathered>,
    last: Option<(u32, i64)>,
}

/// A jump in the camera's clock larger than this (or backwards) is a new stream.
const MAX_STEP: i64 = 10 * 90_000;
/// The duration given to a fragment's last picture when no next one came.
const DEFAULT_STEP: u32 = 90_000 / 15;

impl Segmenter {
    pub fn new(config: SegmenterConfig) -> Segmenter {
        Segmenter {
            config,
            recording: false,
            open: None,
            pending: Vec::new(),
            pending_wanted: false,
            continuing: false,
            preroll: VecDeque::new(),
            last: None,
        }
    }

    pub fn is_recording(&self) -> bool {
        self.recording
    }

    /// Whether a file is open (being written).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    /// Starts or stops writing. A fragment is written when recording was on at its first
    /// picture; stopping closes the file after that one.
    pub fn set_recording(&mut self, on: bool) {
        self.recording = on;
    }

    pub fn push(&mut self, frame: Arc<Frame>, wall: DateTime<Utc>) -> Vec<Output> {
        let mut out = Vec::new();
        let time = self.extend(frame.rtp_time);
        if let Some(first) = self.pending.first() {
            let step = time - self.pending.last().expect("not empty").time;
            if step <= 0 || step > MAX_STEP {
                self.restarted_into(&mut out);
                return self.push_fresh(frame, wall, out);
            }
            let long = (time - first.time) as u128 >= self.config.fragment_max.as_millis() * 90;
            if frame.keyframe || long {
                let gathered = self.gather(Some(time));
                self.continuing = !frame.keyframe;
                self.route(gathered, &mut out);
            }
        }
        self.push_fresh(frame, wall, out)
    }

    fn push_fresh(&mut self, frame: Arc<Frame>, wall: DateTime<Utc>, out: Vec<Output>) -> Vec<Output> {
        let time = self.last.expect("extended").1;
        if self.pending.is_empty() && !frame.keyframe && !self.continuing {
            return out; // Nothing decodes before the first keyframe.
        }
        if self.pending.is_empty() {
            self.pending_wanted = self.recording;
        }
        self.pending.push(Pending { frame, wall, time });
        out
    }

    /// The camera's stream restarted: close what is open; the next file starts at the new
    /// stream's first keyframe.
    pub fn restarted(&mut self) -> Vec<Output> {
        let mut out = Vec::new();
        self.restarted_into(&mut out);
        self.last = None;
        out
    }

    fn restarted_into(&mut self, out: &mut Vec<Output>) {
        if !self.pending.is_empty() {
            let gathered = self.gather(None);
            self.route(gathered, out);
        }
        self.continuing = false;
        self.preroll.clear();
        self.close_into(out);
    }

    /// Writing failed (the disk is full): the file ends with what was written before; nothing
    /// is written until recording is set on again.
    pub fn abandon(&mut self) -> Vec<Output> {
        self.recording = false;
        let mut out = Vec::new();
        self.close_into(&mut out);
        out
    }

    fn close_into(&mut self, out: &mut Vec<Output>) {
        if let Some(open) = self.open.take() {
            if open.fragments.is_empty() {
                return;
            }
            let end = open.start + chrono::Duration::milliseconds((open.end - open.base) / 90);
            out.push(Output::Close(SegmentSummary {
                start: open.start,
                end,
                camera_offset_ms: open.camera_offset_ms,
                bytes: open.bytes,
                init_len: open.init_len,
                codec: open.track.codec(),
                width: open.track.info.width,
                height: open.track.info.height,
                fragments: open.fragments,
            }));
        }
    }

    fn extend(&mut self, rtp: u32) -> i64 {
        let time = match self.last {
            Some((prev, ext)) => ext + rtp.wrapping_sub(prev) as i32 as i64,
            None => rtp as i64,
        };
        self.last = Some((rtp, time));
        time
    }

    fn gather(&mut self, next: Option<i64>) -> Gathered {
        let frames = std::mem::take(&mut self.pending);
        let mut durations: Vec<u32> = frames.windows(2).map(|w| (w[1].time - w[0].time) as u32).collect();
        let last = match next {
            Some(next) => (next - frames.last().expect("not empty").time) as u32,
            None => durations.last().copied().unwrap_or(DEFAULT_STEP),
        };
        durations.push(last);
        Gathered { frames, durations }
    }

    fn route(&mut self, gathered: Gathered, out: &mut Vec<Output>) {
        if !self.recording && !self.pending_wanted {
            self.close_into(out);
            self.keep_preroll(gathered);
            return;
        }
        let kept: Vec<Gathered> = self.preroll.drain(..).collect();
        for g in kept.into_iter().chain(std::iter::once(gathered)) {
            self.write(g, out);
        }
    }

    fn keep_preroll(&mut self, gathered: Gathered) {
        if self.config.preroll.is_zero() {
            return;
        }
        if self.preroll.is_empty() && !gathered.keyframe() {
            return;
        }
        let end = gathered.end();
        self.preroll.push_back(gathered);
        let want = (self.config.preroll.as_millis() * 90) as i64;
        // Drop from the front while what remains from the next keyframe on still covers it.
        while let Some(next_key) = self.preroll.iter().skip(1).position(|g| g.keyframe()) {
            if end - self.preroll[next_key + 1].frames[0].time < want {
                break;
            }
            self.preroll.drain(..=next_key);
        }
    }

    fn write(&mut self, g: Gathered, out: &mut Vec<Output>) {
        let first = &g.frames[0];
        if first.frame.keyframe {
            let track = mp4::VideoTrack::from_access_unit(&first.frame.annexb);
            let roll = match (&self.open, &track) {
                (Some(open), Some(track)) => {
                    let age = ((first.time - open.base) * 1000 / 90) as u128;
                    age >= self.config.segment.as_millis() * 1000 || *track != open.track
                }
                _ => false,
            };
            if roll {
                self.close_into(out);
            }
            if self.open.is_none() {
                let Some(track) = track else { return };
                let init = track.init_segment();
                let camera_offset_ms = first.frame.camera_time.map(|t| (t - first.wall).num_milliseconds());
                self.open = Some(Open {
                    start: first.wall,
                    base: first.time,
                    track,
                    camera_offset_ms,
                    sequence: 0,
                    bytes: init.len() as u64,
                    init_len: init.len() as u64,
                    fragments: Vec::new(),
                    end: first.time,
                });
                out.push(Output::Open { start: first.wall, init });
            }
        }
        let Some(open) = self.open.as_mut() else { return };
        open.sequence += 1;
        let samples: Vec<Sample> = g
            .frames
            .iter()
            .zip(&g.durations)
            .map(|(p, d)| Sample { annexb: &p.frame.annexb, duration: *d, keyframe: p.frame.keyframe })
            .collect();
        let decode_time = (first.time - open.base) as u64;
        let bytes = mp4::fragment(open.sequence, decode_time, &samples);
        let duration: u64 = g.durations.iter().map(|d| *d as u64).sum();
        let fragment = FragmentIndex {
            offset: open.bytes,
            len: bytes.len() as u64,
            start_ms: decode_time / 90,
            duration_ms: duration / 90,
            keyframe: first.frame.keyframe,
        };
        open.bytes += bytes.len() as u64;
        open.end = first.time + duration as i64;
        open.fragments.push(fragment);
        out.push(Output::Append { bytes, fragment });
    }
}

#[cfg(test)]
mod tests;
