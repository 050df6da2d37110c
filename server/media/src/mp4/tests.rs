use super::*;
use crate::test_stream::{encode, Encoded};

fn track(frames: &[Encoded]) -> VideoTrack {
    VideoTrack::from_access_unit(&frames[0].annexb).expect("SPS and PPS in the first keyframe")
}

/// One file: init, then a fragment per group of pictures, at 15 fps.
fn file(frames: &[Encoded]) -> Vec<u8> {
    let mut out = track(frames).init_segment();
    let mut decode_time = 0;
    for (i, gop) in frames.chunk_by(|_, b| !b.keyframe).enumerate() {
        let samples: Vec<Sample> =
            gop.iter().map(|f| Sample { annexb: &f.annexb, duration: 6000, keyframe: f.keyframe }).collect();
        out.extend(fragment(i as u32 + 1, decode_time, &samples));
        decode_time += 6000 * gop.len() as u64;
    }
    out
}

#[test]
fn the_sps_gives_the_picture_size_with_its_cropping() {
    let frames = encode(640, 360, 15, 15, 1, 0);
    let t = track(&frames);
    // 360 is not a multiple of 16: coded as 368 rows, cropped by 8.
    assert_eq!((t.info.width, t.info.height), (640, 360));
    assert_eq!(t.info.chroma_format_idc, 1);
    assert!(t.codec().starts_with("avc1.42"), "{}", t.codec());
}

#[test]
fn a_written_file_reads_back_fragment_by_fragment() {
    let frames = encode(320, 240, 15, 15, 45, 1234);
    let data = file(&frames);
    let scanned = scan(&data).expect("readable");
    assert_eq!(scanned.track, track(&frames));
    assert_eq!(scanned.valid_len, data.len());
    let got: Vec<(u32, u64, u64, u32, bool)> =
        scanned.fragments.iter().map(|f| (f.sequence, f.decode_time, f.duration, f.samples, f.keyframe)).collect();
    assert_eq!(got, vec![(1, 0, 90_000, 15, true), (2, 90_000, 90_000, 15, true), (3, 180_000, 90_000, 15, true)]);
    assert_eq!(scanned.fragments[0].offset, scanned.init_len);
}

#[test]
fn a_torn_tail_is_cut_at_the_last_whole_fragment() {
    let frames = encode(320, 240, 15, 15, 30, 0);
    let data = file(&frames);
    let whole = scan(&data).unwrap();
    let first_end = whole.fragments[0].offset + whole.fragments[0].len;
    for cut in [first_end + 1, first_end + 20, data.len() - 1, data.len() - 300] {
        let scanned = scan(&data[..cut]).unwrap();
        assert_eq!(scanned.fragments.len(), 1, "cut at {cut} of {}: {:?}", data.len(), whole.fragments);
        assert_eq!(scanned.valid_len, first_end);
    }
    // What a power loss can leave: the file's length grew, its last blocks never written.
    // (Zeros inside a sample's bytes cannot be told from a picture; the file system's ordered
    // writes keep those, see docs/design/recording.md.)
    let mut zeroed = data.clone();
    zeroed[first_end..].fill(0);
    assert_eq!(scan(&zeroed).unwrap().fragments.len(), 1);
    zeroed.extend(std::iter::repeat_n(0, 4096));
    assert_eq!(scan(&zeroed).unwrap().valid_len, first_end);
    assert!(matches!(scan(&data[..20]), Err(scan::ScanError::NoInit)));
}

#[test]
fn a_clip_starts_at_the_keyframe_before_the_range_and_spans_files() {
    let frames = encode(320, 240, 15, 15, 60, 0);
    let a = file(&frames[..30]);
    let b = file(&frames[30..]);
    // File b starts 2.5 s after a (a half-second gap); want 1.5 s .. 3.2 s on that line.
    let parts = [
        ClipPart { file: &a, start: 0, from: 135_000, to: 288_000 },
        ClipPart { file: &b, start: 225_000, from: 135_000, to: 288_000 },
    ];
    let clip = cut(&parts).expect("recorded");
    assert_eq!(clip.first, 90_000, "the keyframe at 1 s, before 1.5 s");
    assert_eq!(clip.fragments, 2);
    assert!(!clip.cut_short);
    let scanned = scan(&clip.bytes).unwrap();
    let got: Vec<(u32, u64, bool)> =
        scanned.fragments.iter().map(|f| (f.sequence, f.decode_time, f.keyframe)).collect();
    // Second fragment: b's first, at 2.5 s on the line, 1.5 s into the clip.
    assert_eq!(got, vec![(1, 0, true), (2, 135_000, true)]);
    assert_eq!(clip.duration, 135_000 + 90_000);
    assert!(matches!(
        cut(&[ClipPart { file: &a, start: 0, from: 900_000, to: 990_000 }]),
        Err(ClipError::NothingRecorded)
    ));
}

#[test]
fn a_clip_stops_where_the_stream_changes_size() {
    let small = encode(320, 240, 15, 15, 15, 0);
    let big = encode(640, 360, 15, 15, 15, 0);
    let (a, b) = (file(&small), file(&big));
    let parts = [
        ClipPart { file: &a, start: 0, from: 0, to: 180_000 },
        ClipPart { file: &b, start: 90_000, from: 0, to: 180_000 },
    ];
    let clip = cut(&parts).unwrap();
    assert!(clip.cut_short);
    assert_eq!((clip.fragments, clip.track.info.width), (1, 320));
}
