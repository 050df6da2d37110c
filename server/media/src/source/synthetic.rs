//! The demo's camera: a kitchen scene with a running clock, encoded to H.264 in-process
//! (OpenH264, Constrained Baseline, 720p, one keyframe a second) on a thread of its own.

use super::scene::Scene;
use super::{Source, SourceError, SourceFrame};
use bytes::Bytes;
use mingchu_domain::vocab::CameraId;
use openh264::encoder::{
    BitRate, Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod, Profile, RateControlMode, UsageType,
};
use openh264::formats::YUVSlices;
use openh264::OpenH264API;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub const WIDTH: usize = 1280;
pub const HEIGHT: usize = 720;
pub const FPS: u32 = 15;

pub struct Synthetic {
    frames: mpsc::Receiver<Result<SourceFrame, SourceError>>,
}

impl Synthetic {
    /// Starts the encoder thread; it stops when this source is dropped.
    pub fn start(camera: CameraId) -> Result<Synthetic, SourceError> {
        let config = EncoderConfig::new()
            .bitrate(BitRate::from_bps(1_500_000))
            .max_frame_rate(FrameRate::from_hz(FPS as f32))
            .intra_frame_period(IntraFramePeriod::from_num_frames(FPS))
            .usage_type(UsageType::CameraVideoRealTime)
            .profile(Profile::Baseline)
            .skip_frames(false)
            // Every frame is kept (no skipping), so the rate is held by adjusting quality to the
            // buffer; the other modes need skipping and warn once per encoder that they cannot.
            .rate_control_mode(RateControlMode::Bufferbased)
            .num_threads(1);
        let encoder = Encoder::with_api_config(OpenH264API::from_source(), config)
            .map_err(|e| SourceError::Connect(format!("H.264 encoder: {e}")))?;
        let (tx, frames) = mpsc::channel(4);
        std::thread::Builder::new()
            .name(format!("synthetic-{camera}"))
            .spawn(move || run(camera, encoder, tx))
            .map_err(|e| SourceError::Connect(e.to_string()))?;
        Ok(Synthetic { frames })
    }
}

#[async_trait::async_trait]
impl Source for Synthetic {
    async fn next_frame(&mut self) -> Result<SourceFrame, SourceError> {
        self.frames.recv().await.unwrap_or(Err(SourceError::Ended))
    }
}

fn run(camera: CameraId, mut encoder: Encoder, tx: mpsc::Sender<Result<SourceFrame, SourceError>>) {
    let mut scene = Scene::new(camera.0 as u64, WIDTH, HEIGHT);
    let mut yuv = vec![0u8; WIDTH * HEIGHT * 3 / 2];
    let start = Instant::now();
    let period = Duration::from_secs(1) / FPS;
    for n in 0u64.. {
        let due = start + period * n as u32;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let elapsed = n as f64 / FPS as f64;
        scene.render(elapsed, chrono::Utc::now(), &mut yuv);
        let (y, chroma) = yuv.split_at(WIDTH * HEIGHT);
        let (u, v) = chroma.split_at(WIDTH * HEIGHT / 4);
        let picture = YUVSlices::new((y, u, v), (WIDTH, HEIGHT), (WIDTH, WIDTH / 2, WIDTH / 2));
        let result = match encoder.encode(&picture) {
            Ok(bits) => {
                let keyframe = matches!(bits.frame_type(), FrameType::IDR);
                let annexb = bits.to_vec();
                let rtp_time = (n * 90_000 / FPS as u64) as u32;
                (!annexb.is_empty())
                    .then(|| Ok(SourceFrame { annexb: Bytes::from(annexb), keyframe, rtp_time, camera_time: None }))
            }
            Err(e) => Some(Err(SourceError::Stream(format!("H.264 encoder: {e}")))),
        };
        if let Some(result) = result {
            if tx.blocking_send(result).is_err() {
                return; // The source was dropped: nobody watches.
            }
        }
    }
}
