//! Recording cost (run with `scripts/bench-recording.sh`; figures in docs/benchmarks.md): what
//! one core spends to record cameras at about 2 Mbit/s, without transcoding: the segmenter cuts
//! fragments and files, the fMP4 writer boxes them, and the files are written (page cache) and
//! fsynced at each close, as the recorder does. The pictures are a real 720p SPS/PPS from
//! OpenH264 with slices of the sizes a 2 Mbit/s, 25 fps camera sends (40 kB keyframes once a
//! second, 8 kB otherwise): the recorder never decodes, so only sizes matter. Then the disk bytes
//! per camera-hour, and the time to export a 30 s evidence clip from the recorded files.

use chrono::{DateTime, Duration, Utc};
use mingchu_domain::vocab::CameraId;
use mingchu_media::frame::Frame;
use mingchu_media::mp4;
use mingchu_media::record::files::{self, OpenFile};
use mingchu_media::record::segmenter::{Output, Segmenter, SegmenterConfig};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Instant;

const FPS: u32 = 25;
const KEY: usize = 40_000;
const P: usize = 8_000;

/// SPS and PPS of a real 1280x720 Constrained Baseline stream.
fn parameter_sets() -> Vec<u8> {
    use openh264::encoder::{Encoder, EncoderConfig};
    use openh264::formats::YUVSlices;
    let mut encoder = Encoder::with_api_config(openh264::OpenH264API::from_source(), EncoderConfig::new()).unwrap();
    let (w, h) = (1280, 720);
    let yuv = vec![128u8; w * h * 3 / 2];
    let (y, c) = yuv.split_at(w * h);
    let (u, v) = c.split_at(w * h / 4);
    let bits = encoder.encode(&YUVSlices::new((y, u, v), (w, h), (w, w / 2, w / 2))).unwrap().to_vec();
    let mut out = Vec::new();
    for unit in mingchu_media::h264::nal_units(&bits).filter(|u| matches!(mingchu_media::h264::nal_type(u), 7 | 8)) {
        out.extend_from_slice(&[0, 0, 0, 1]);
        out.extend_from_slice(unit);
    }
    out
}

fn frames(seconds: u32, params: &[u8]) -> Vec<Arc<Frame>> {
    let now = Instant::now();
    (0..seconds * FPS)
        .map(|n| {
            let key = n % FPS == 0;
            let mut data = if key { params.to_vec() } else { Vec::new() };
            data.extend_from_slice(&[0, 0, 0, 1, if key { 0x65 } else { 0x41 }]);
            data.extend((0..if key { KEY } else { P }).map(|i| (i % 251) as u8 + 1));
            Arc::new(Frame::new(data.into(), key, n * (90_000 / FPS), now))
        })
        .collect()
}

/// Records `cameras` cameras for `seconds` each through the segmenter and real files; returns
/// the bytes written and the files.
fn record(
    root: &std::path::Path,
    cameras: i64,
    video: &[Arc<Frame>],
    t0: DateTime<Utc>,
) -> (u64, Vec<(String, DateTime<Utc>)>) {
    let mut bytes = 0;
    let mut written = Vec::new();
    let config = SegmenterConfig { segment: std::time::Duration::from_secs(60), ..SegmenterConfig::default() };
    let mut cams: Vec<(Segmenter, Option<OpenFile>)> = (0..cameras)
        .map(|_| {
            let mut s = Segmenter::new(config);
            s.set_recording(true);
            (s, None)
        })
        .collect();
    // Interleaved as the cameras' frames arrive.
    for (n, frame) in video.iter().enumerate() {
        let wall = t0 + Duration::microseconds(n as i64 * 1_000_000 / FPS as i64);
        for (c, (seg, open)) in cams.iter_mut().enumerate() {
            let outputs = seg.push(frame.clone(), wall);
            apply(root, CameraId(c as i64 + 1), outputs, open, &mut bytes, &mut written);
        }
    }
    for (c, (seg, open)) in cams.iter_mut().enumerate() {
        let outputs = seg.restarted();
        apply(root, CameraId(c as i64 + 1), outputs, open, &mut bytes, &mut written);
    }
    (bytes, written)
}

fn apply(
    root: &std::path::Path,
    camera: CameraId,
    outputs: Vec<Output>,
    open: &mut Option<OpenFile>,
    bytes: &mut u64,
    written: &mut Vec<(String, DateTime<Utc>)>,
) {
    for o in outputs {
        match o {
            Output::Open { start, init } => {
                *open = Some(OpenFile::create(root, files::relative_path(camera, start), &init).unwrap());
            }
            Output::Append { bytes: b, fragment } => open.as_mut().unwrap().append(&b, fragment).unwrap(),
            Output::Close(summary) => {
                let start = summary.start;
                if let Some((path, s)) = open.take().unwrap().finish(summary).unwrap() {
                    *bytes += s.bytes;
                    written.push((path, start));
                }
            }
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[v.len() / 2]
}

fn main() {
    let params = parameter_sets();
    let seconds = 120;
    let video = frames(seconds, &params);
    let payload: u64 = video.iter().map(|f| f.annexb.len() as u64).sum();
    let rate = payload as f64 * 8.0 / seconds as f64 / 1e6;
    println!("camera stream: {rate:.2} Mbit/s, {FPS} fps, keyframe every second");
    let t0: DateTime<Utc> = "2026-12-02T08:00:00Z".parse().unwrap();
    let cameras = 20;
    let mut per_core = Vec::new();
    let mut overhead = Vec::new();
    let mut last_dir = None;
    for _ in 0..5 {
        let dir = tempfile::tempdir().unwrap();
        let start = Instant::now();
        let (bytes, _) = record(dir.path(), cameras, &video, t0);
        let spent = start.elapsed().as_secs_f64();
        per_core.push((cameras as f64 * seconds as f64) / spent);
        overhead.push(bytes as f64 / (payload as f64 * cameras as f64));
        last_dir = Some(dir);
    }
    let per_core = median(per_core);
    let overhead = median(overhead);
    println!("cameras recorded per core (median of 5, {cameras} cameras x {seconds} s, files fsynced at close): {per_core:.0}");
    println!(
        "disk per camera-hour at {rate:.2} Mbit/s: {:.2} GB ({:.2}% over the camera's own bytes)",
        payload as f64 / seconds as f64 * 3600.0 * overhead / 1e9,
        (overhead - 1.0) * 100.0
    );

    // A 30 s clip from the middle of camera 1's recording (two 60-s files).
    let dir = last_dir.unwrap();
    let root = dir.path();
    let (_, files) = record(root, 1, &video, t0);
    let datas: Vec<(Vec<u8>, DateTime<Utc>)> =
        files.iter().map(|(p, start)| (std::fs::read(root.join(p)).unwrap(), *start)).collect();
    let mut times = Vec::new();
    let mut size = 0;
    for _ in 0..11 {
        let start = Instant::now();
        let datas: Vec<(Vec<u8>, DateTime<Utc>)> =
            files.iter().map(|(p, start)| (std::fs::read(root.join(p)).unwrap(), *start)).collect();
        let from = t0 + Duration::seconds(45);
        let to = from + Duration::seconds(30);
        let ticks = |t: DateTime<Utc>| (t - t0).num_milliseconds() as u64 * 90;
        let parts: Vec<mp4::ClipPart> = datas
            .iter()
            .map(|(d, s)| mp4::ClipPart { file: d, start: ticks(*s), from: ticks(from), to: ticks(to) })
            .collect();
        let clip = mp4::cut(&parts).unwrap();
        let digest = Sha256::digest(&clip.bytes);
        std::hint::black_box(digest);
        times.push(start.elapsed().as_secs_f64() * 1000.0);
        size = clip.bytes.len();
    }
    drop(datas);
    println!(
        "30 s clip export (read two files, cut, SHA-256; median of 11): {:.1} ms, {:.1} MB",
        median(times),
        size as f64 / 1e6
    );
}
