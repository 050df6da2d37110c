//! Frame-analysis costs on this machine, one thread: H.264 decode (all frames and keyframes
//! only, 720p and 1080p), the health checks per sample, the detector per inference, and from
//! them how many cameras one core can analyse at one sample every 10 s.
//! Run with `scripts/bench-analysis.sh` (or `cargo bench -p server --bench analysis`).
//!
//! The video is the demo's kitchen scene with sensor-like noise added, encoded by OpenH264 at
//! camera-like bitrates with a keyframe a second.

use chrono::Utc;
use mingchu_analysis::decode::{decode_last, Picture};
use mingchu_analysis::detect::Detector;
use mingchu_analysis::health::{HealthConfig, HealthTracker};
use mingchu_media::source::scene::Scene;
use openh264::encoder::{BitRate, Encoder, EncoderConfig, FrameRate, IntraFramePeriod};
use openh264::formats::YUVSlices;
use openh264::OpenH264API;
use std::path::Path;
use std::time::{Duration, Instant};

const FPS: u32 = 25;
const SECONDS: u32 = 4;
const SAMPLE_INTERVAL_S: f64 = 10.0;
const RUNS: usize = 5;

struct Clip {
    units: Vec<Vec<u8>>,
    keyframes: Vec<usize>,
}

/// `SECONDS` of the scene at `w`×`h`, with ±3 levels of noise on the luma.
fn encode(w: usize, h: usize, bitrate: u32) -> Clip {
    let config = EncoderConfig::new()
        .bitrate(BitRate::from_bps(bitrate))
        .max_frame_rate(FrameRate::from_hz(FPS as f32))
        .intra_frame_period(IntraFramePeriod::from_num_frames(FPS));
    let mut encoder = Encoder::with_api_config(OpenH264API::from_source(), config).unwrap();
    let mut scene = Scene::new(7, w, h);
    let mut yuv = vec![0u8; w * h * 3 / 2];
    let mut seed = 0x2545_f491_u32;
    let mut clip = Clip { units: Vec::new(), keyframes: Vec::new() };
    for n in 0..FPS * SECONDS {
        scene.render(n as f64 / FPS as f64, Utc::now(), &mut yuv);
        for px in &mut yuv[..w * h] {
            seed ^= seed << 13;
            seed ^= seed >> 17;
            seed ^= seed << 5;
            *px = px.saturating_add((seed % 7) as u8).saturating_sub(3);
        }
        let (y, rest) = yuv.split_at(w * h);
        let (u, v) = rest.split_at(w * h / 4);
        let slices = YUVSlices::new((y, u, v), (w, h), (w, w / 2, w / 2));
        let stream = encoder.encode(&slices).unwrap();
        if n % FPS == 0 {
            clip.keyframes.push(clip.units.len());
        }
        clip.units.push(stream.to_vec());
    }
    clip
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// Median over `RUNS` of `f`'s time.
fn time(mut f: impl FnMut()) -> Duration {
    median(
        (0..RUNS)
            .map(|_| {
                let start = Instant::now();
                f();
                start.elapsed()
            })
            .collect(),
    )
}

fn main() {
    let models = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models");
    let detector = Detector::nanodet_default(&models).expect("models/ with nanodet-g.onnx");
    println!(
        "machine: {} cores available; one thread used",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    println!("| resolution | decode, all frames (frames/s) | decode, keyframes only (frames/s) | sample for health: decode + grey (ms) | sample for the detector: decode + grey + RGB (ms) | health checks (µs) | detector (ms) | cameras per core, health only | cameras per core, with detector |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (name, w, h, bitrate) in [("720p", 1280, 720, 2_000_000), ("1080p", 1920, 1080, 4_000_000)] {
        let clip = encode(w, h, bitrate);
        // Every frame through one decoder, as a full decode would.
        let all = time(|| {
            let mut decoder = openh264::decoder::Decoder::new().unwrap();
            for unit in &clip.units {
                let _ = decoder.decode(unit).unwrap();
            }
        });
        let all_fps = clip.units.len() as f64 / all.as_secs_f64();
        // Keyframes alone, each with a fresh decoder (what sampling costs in decoding).
        let keyframes_only = time(|| {
            for &k in &clip.keyframes {
                let mut decoder = openh264::decoder::Decoder::new().unwrap();
                assert!(
                    decoder.decode(&clip.units[k]).unwrap().is_some() || !decoder.flush_remaining().unwrap().is_empty()
                );
            }
        });
        let keyframe_fps = clip.keyframes.len() as f64 / keyframes_only.as_secs_f64();
        // A sample as the pipeline takes it: decode, the grey frame, and the RGB frame if a
        // detector runs.
        let per_keyframe = clip.keyframes.len() as u32;
        let grey_sample = time(|| {
            for &k in &clip.keyframes {
                decode_last(&clip.units[k..=k], false).unwrap();
            }
        }) / per_keyframe;
        let mut pictures: Vec<Picture> = Vec::new();
        let rgb_sample = time(|| {
            pictures = clip.keyframes.iter().map(|&k| decode_last(&clip.units[k..=k], true).unwrap()).collect();
        }) / per_keyframe;
        let health = time(|| {
            let mut tracker = HealthTracker::new(HealthConfig::default());
            let t0 = Utc::now();
            for round in 0..20 {
                for (i, p) in pictures.iter().enumerate() {
                    let at = t0 + chrono::TimeDelta::seconds((round * pictures.len() + i) as i64 * 10);
                    let _ = tracker.observe(at, Some(p.luma.clone()));
                }
            }
        }) / (20 * pictures.len() as u32);
        let p = &pictures[0];
        let detect = time(|| {
            detector.detect(&p.rgb, p.rgb_width, p.rgb_height).unwrap();
        });
        let health_only = grey_sample + health;
        let with_detector = rgb_sample + health + detect;
        println!(
            "| {name} | {all_fps:.0} | {keyframe_fps:.0} | {:.2} | {:.2} | {:.0} | {:.1} | {:.0} | {:.0} |",
            grey_sample.as_secs_f64() * 1e3,
            rgb_sample.as_secs_f64() * 1e3,
            health.as_secs_f64() * 1e6,
            detect.as_secs_f64() * 1e3,
            SAMPLE_INTERVAL_S / health_only.as_secs_f64(),
            SAMPLE_INTERVAL_S / with_detector.as_secs_f64(),
        );
        println!(
            "  ({name}: {} access units, keyframes {:.0} kB on average)",
            clip.units.len(),
            clip.keyframes.iter().map(|&k| clip.units[k].len()).sum::<usize>() as f64
                / clip.keyframes.len() as f64
                / 1e3,
        );
    }
}
