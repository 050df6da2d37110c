//! Real H.264 for unit tests: the synthetic kitchen encoded by OpenH264 at a chosen size.

use crate::source::scene::Scene;
use openh264::encoder::{Encoder, EncoderConfig, FrameRate, FrameType, IntraFramePeriod, Profile};
use openh264::formats::YUVSlices;
use openh264::OpenH264API;

/// One encoded access unit.
pub struct Encoded {
    pub annexb: Vec<u8>,
    pub keyframe: bool,
    /// 90 kHz.
    pub rtp_time: u32,
}

/// `count` frames at `fps` with a keyframe every `gop` frames, the clock starting at `rtp_start`.
pub fn encode(width: usize, height: usize, fps: u32, gop: u32, count: usize, rtp_start: u32) -> Vec<Encoded> {
    let config = EncoderConfig::new()
        .max_frame_rate(FrameRate::from_hz(fps as f32))
        .intra_frame_period(IntraFramePeriod::from_num_frames(gop))
        .profile(Profile::Baseline)
        .skip_frames(false)
        .num_threads(1);
    let mut encoder = Encoder::with_api_config(OpenH264API::from_source(), config).expect("encoder");
    let mut scene = Scene::new(7, width, height);
    let mut yuv = vec![0u8; width * height * 3 / 2];
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        scene.render(n as f64 / fps as f64, chrono::Utc::now(), &mut yuv);
        let (y, chroma) = yuv.split_at(width * height);
        let (u, v) = chroma.split_at(width * height / 4);
        let picture = YUVSlices::new((y, u, v), (width, height), (width, width / 2, width / 2));
        let bits = encoder.encode(&picture).expect("encode");
        let keyframe = matches!(bits.frame_type(), FrameType::IDR);
        let rtp_time = rtp_start.wrapping_add((n as u64 * 90_000 / fps as u64) as u32);
        out.push(Encoded { annexb: bits.to_vec(), keyframe, rtp_time });
    }
    out
}
