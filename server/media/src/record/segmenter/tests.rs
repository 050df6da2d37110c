use super::*;
use crate::test_stream::{encode, Encoded};
use bytes::Bytes;

fn t0() -> DateTime<Utc> {
    "2026-12-02T08:00:00Z".parse().unwrap()
}

/// Frames at 15 fps, their receive times 1/15 s apart from `t0`.
fn feed(seg: &mut Segmenter, frames: &[Encoded], from: usize) -> Vec<Output> {
    let mut out = Vec::new();
    for (i, f) in frames.iter().enumerate() {
        let frame =
            Arc::new(Frame::new(Bytes::from(f.annexb.clone()), f.keyframe, f.rtp_time, std::time::Instant::now()));
        let wall = t0() + chrono::Duration::microseconds(((from + i) as i64) * 1_000_000 / 15);
        out.extend(seg.push(frame, wall));
    }
    out
}

/// The files the outputs describe, as bytes, with their summaries.
fn files(outputs: Vec<Output>) -> Vec<(Vec<u8>, SegmentSummary)> {
    let mut files = Vec::new();
    let mut current: Option<Vec<u8>> = None;
    for o in outputs {
        match o {
            Output::Open { init, .. } => {
                assert!(current.is_none(), "opened twice");
                current = Some(init);
            }
            Output::Append { bytes, fragment } => {
                let file = current.as_mut().expect("append to an open file");
                assert_eq!(fragment.offset, file.len() as u64);
                file.extend(bytes);
            }
            Output::Close(summary) => files.push((current.take().expect("close an open file"), summary)),
        }
    }
    assert!(current.is_none(), "a file left open");
    files
}

fn config(segment_s: u64, preroll_s: u64) -> SegmenterConfig {
    SegmenterConfig {
        segment: Duration::from_secs(segment_s),
        fragment_max: Duration::from_secs(2),
        preroll: Duration::from_secs(preroll_s),
    }
}

#[test]
fn continuous_recording_cuts_a_file_per_segment_at_keyframes_and_the_index_matches_the_file() {
    let frames = encode(320, 240, 15, 15, 15 * 7, 4_000_000_000); // the clock wraps on the way
    let mut seg = Segmenter::new(config(3, 0));
    seg.set_recording(true);
    let mut out = feed(&mut seg, &frames, 0);
    out.extend(seg.restarted());
    let files = files(out);
    // 7 s in 3 s files: 3 + 3 + 1.
    let lengths: Vec<usize> = files.iter().map(|(_, s)| s.fragments.len()).collect();
    assert_eq!(lengths, vec![3, 3, 1]);
    for (k, (bytes, summary)) in files.iter().enumerate() {
        assert_eq!(summary.start, t0() + chrono::Duration::seconds(3 * k as i64));
        assert_eq!(summary.bytes, bytes.len() as u64);
        assert_eq!((summary.width, summary.height), (320, 240));
        // What recovery reads from the file alone is exactly what the index was told.
        let recovered = crate::record::recover::summarize(bytes, summary.start).expect("a readable file");
        assert_eq!(&recovered, summary);
        assert!(summary.fragments.iter().all(|f| f.keyframe && f.duration_ms == 1000));
    }
    assert_eq!(files[2].1.end, t0() + chrono::Duration::seconds(7));
}

#[test]
fn nothing_is_written_while_off_and_a_stream_joined_mid_gop_starts_at_its_next_keyframe() {
    let frames = encode(320, 240, 15, 15, 45, 0);
    let mut off = Segmenter::new(config(60, 0));
    let mut out = feed(&mut off, &frames, 0);
    out.extend(off.restarted());
    assert!(out.is_empty());
    let mut seg = Segmenter::new(config(60, 0));
    seg.set_recording(true);
    let mut out = feed(&mut seg, &frames[20..], 20);
    out.extend(seg.restarted());
    let files = files(out);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1.start, t0() + chrono::Duration::seconds(2), "from the keyframe at 2 s");
    assert_eq!(files[0].1.fragments.len(), 1);
}

#[test]
fn on_events_the_file_starts_with_the_seconds_before() {
    let frames = encode(320, 240, 15, 15, 15 * 20 + 1, 0);
    let mut seg = Segmenter::new(config(60, 10));
    // 15 s pass unrecorded, then an event: recording from the buffer on, for 5 s.
    let mut out = feed(&mut seg, &frames[..15 * 15], 0);
    assert!(out.is_empty());
    seg.set_recording(true);
    out.extend(feed(&mut seg, &frames[15 * 15..15 * 20], 15 * 15));
    seg.set_recording(false);
    out.extend(feed(&mut seg, &frames[15 * 20..], 15 * 20)); // the keyframe at 20 s
    out.extend(seg.restarted());
    let files = files(out);
    assert_eq!(files.len(), 1);
    let s = &files[0].1;
    // At least 10 s before the event at 15 s; at most one group of pictures more.
    let before = t0() + chrono::Duration::seconds(15) - s.start;
    assert!((10..=11).contains(&before.num_seconds()), "{before}");
    assert_eq!(s.end, t0() + chrono::Duration::seconds(20));
}

#[test]
fn a_jump_in_the_camera_clock_starts_a_new_file() {
    let a = encode(320, 240, 15, 15, 30, 0);
    let b = encode(320, 240, 15, 15, 30, 90_000 * 100);
    let mut seg = Segmenter::new(config(60, 0));
    seg.set_recording(true);
    let mut out = feed(&mut seg, &a, 0);
    out.extend(feed(&mut seg, &b, 30));
    out.extend(seg.restarted());
    let files = files(out);
    assert_eq!(files.len(), 2);
    assert_eq!(files[0].1.end, t0() + chrono::Duration::seconds(2), "the last picture keeps the step before it");
}

#[test]
fn abandoning_closes_the_file_with_what_was_written() {
    let frames = encode(320, 240, 15, 15, 45, 0);
    let mut seg = Segmenter::new(config(60, 0));
    seg.set_recording(true);
    let mut out = feed(&mut seg, &frames[..31], 0);
    out.extend(seg.abandon());
    assert!(!seg.is_recording());
    out.extend(feed(&mut seg, &frames[31..], 31));
    let files = files(out);
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].1.fragments.len(), 2);
}
