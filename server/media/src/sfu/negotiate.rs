//! How a viewer's `Rtc` is configured and which payload type carries a camera's H.264.

use crate::h264::ProfileLevel;
use std::time::{Duration, Instant};
use str0m::format::{Codec, PayloadParams};
use str0m::media::Pt;
use str0m::Rtc;

/// Payload types for Constrained High, which Safari offers and str0m's defaults lack.
const CONSTRAINED_HIGH: (u8, u8) = (39, 40);

/// A send-only H.264 peer in RTP mode: packets are written as the camera's ingest made them.
pub fn build_rtc(now: Instant) -> Rtc {
    let mut config = Rtc::builder().set_rtp_mode(true).clear_codecs().enable_h264(true);
    config.codec_config().add_h264(CONSTRAINED_HIGH.0.into(), Some(CONSTRAINED_HIGH.1.into()), true, 0x640c1f);
    // Give up on a silent peer after about 8 s instead of str0m's default of about 20 s.
    config.set_max_stun_rto(Duration::from_millis(1_500));
    config.set_max_stun_retransmits(5);
    config.build(now)
}

/// Picks, among the payload types both sides agreed on, the one for this camera's profile:
/// the same profile and constraints first, then the same profile, then any H.264 in
/// packetization mode 1 (browsers decode other profiles of H.264 too, in practice).
pub fn choose_pt(params: &[PayloadParams], remote: &[Pt], camera: ProfileLevel) -> Option<Pt> {
    let candidates: Vec<&PayloadParams> = params
        .iter()
        .filter(|p| remote.contains(&p.pt()))
        .filter(|p| p.spec().codec == Codec::H264 && p.spec().format.packetization_mode == Some(1))
        .collect();
    let profile = |p: &PayloadParams| p.spec().format.profile_level_id.map(|id| (id >> 8) as u16);
    let wanted = (camera.id() >> 8) as u16;
    candidates
        .iter()
        .find(|p| profile(p) == Some(wanted))
        .or_else(|| candidates.iter().find(|p| profile(p).map(|x| (x >> 8) as u8) == Some(camera.profile_idc)))
        .or_else(|| candidates.first())
        .map(|p| p.pt())
}
