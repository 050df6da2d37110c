//! Fragmented MP4 (ISO/IEC 14496-12, H.264 in the 14496-15 `avc1` form) for recordings,
//! playback and evidence clips: an init segment (`ftyp` + `moov`) and fragments (`moof` +
//! `mdat`), written from access units without transcoding, and read back by [`scan`] for crash
//! recovery and clip cutting. Sans-IO: bytes in, bytes out. See docs/design/recording.md.

pub mod boxes;
mod clip;
mod scan;

pub use clip::{cut, shift_fragment, ClipError, ClipPart};
pub use scan::{scan, ScannedFile, ScannedFragment};

use crate::h264::{self, nal, SpsInfo};
use boxes::Writer;

/// The media timescale of the video track: RTP's 90 kHz, so camera times go in unchanged.
pub const TIMESCALE: u32 = 90_000;

/// The decoder configuration of a stream: what the init segment describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VideoTrack {
    pub sps: Vec<u8>,
    pub pps: Vec<u8>,
    pub info: SpsInfo,
}

impl VideoTrack {
    /// From an access unit that carries SPS and PPS (a camera's keyframe).
    pub fn from_access_unit(annexb: &[u8]) -> Option<VideoTrack> {
        let mut sps = None;
        let mut pps = None;
        for unit in h264::nal_units(annexb) {
            match h264::nal_type(unit) {
                nal::SPS if sps.is_none() => sps = Some(unit.to_vec()),
                nal::PPS if pps.is_none() => pps = Some(unit.to_vec()),
                _ => {}
            }
        }
        let sps = sps?;
        let info = SpsInfo::parse(&sps)?;
        Some(VideoTrack { sps, pps: pps?, info })
    }

    /// The RFC 6381 codec string, as HLS's `CODECS` and MSE's `addSourceBuffer` want it.
    pub fn codec(&self) -> String {
        format!("avc1.{}", self.info.profile)
    }

    /// `ftyp` + `moov`: one video track on a 90 kHz timescale, samples in the fragments.
    pub fn init_segment(&self) -> Vec<u8> {
        let mut w = Writer::new();
        w.begin(b"ftyp");
        w.bytes(b"isom");
        w.u32(0x200);
        for brand in [b"isom", b"iso5", b"iso6", b"avc1", b"mp41"] {
            w.bytes(brand);
        }
        w.end();
        w.begin(b"moov");
        w.begin_full(b"mvhd", 0, 0);
        w.u32(0); // creation
        w.u32(0); // modification
        w.u32(1000);
        w.u32(0); // duration: in the fragments
        w.u32(0x0001_0000); // rate 1.0
        w.u16(0x0100); // volume 1.0
        w.zeros(10);
        matrix(&mut w);
        w.zeros(24);
        w.u32(2); // next track
        w.end();
        w.begin(b"trak");
        w.begin_full(b"tkhd", 0, 3); // enabled, in movie
        w.u32(0);
        w.u32(0);
        w.u32(1); // track id
        w.u32(0);
        w.u32(0); // duration
        w.zeros(8);
        w.u16(0); // layer
        w.u16(0); // alternate group
        w.u16(0); // volume: video
        w.u16(0);
        matrix(&mut w);
        w.u32(self.info.width << 16);
        w.u32(self.info.height << 16);
        w.end();
        w.begin(b"mdia");
        w.begin_full(b"mdhd", 0, 0);
        w.u32(0);
        w.u32(0);
        w.u32(TIMESCALE);
        w.u32(0);
        w.u16(0x55c4); // "und"
        w.u16(0);
        w.end();
        w.begin_full(b"hdlr", 0, 0);
        w.u32(0);
        w.bytes(b"vide");
        w.zeros(12);
        w.bytes(b"Mingchu kitchen camera\0");
        w.end();
        w.begin(b"minf");
        w.begin_full(b"vmhd", 0, 1);
        w.zeros(8);
        w.end();
        w.begin(b"dinf");
        w.begin_full(b"dref", 0, 0);
        w.u32(1);
        w.begin_full(b"url ", 0, 1); // media in this file
        w.end();
        w.end();
        w.end();
        w.begin(b"stbl");
        w.begin_full(b"stsd", 0, 0);
        w.u32(1);
        self.avc1(&mut w);
        w.end();
        for empty in [b"stts", b"stsc", b"stco"] {
            w.begin_full(empty, 0, 0);
            w.u32(0);
            w.end();
        }
        w.begin_full(b"stsz", 0, 0);
        w.u32(0);
        w.u32(0);
        w.end();
        w.end(); // stbl
        w.end(); // minf
        w.end(); // mdia
        w.end(); // trak
        w.begin(b"mvex");
        w.begin_full(b"trex", 0, 0);
        w.u32(1); // track
        w.u32(1); // sample description
        w.u32(0);
        w.u32(0);
        w.u32(0);
        w.end();
        w.end();
        w.end(); // moov
        w.finish()
    }

    fn avc1(&self, w: &mut Writer) {
        w.begin(b"avc1");
        w.zeros(6);
        w.u16(1); // data reference
        w.zeros(16);
        w.u16(self.info.width as u16);
        w.u16(self.info.height as u16);
        w.u32(0x0048_0000); // 72 dpi
        w.u32(0x0048_0000);
        w.u32(0);
        w.u16(1); // frames per sample
        w.zeros(32); // compressor name
        w.u16(0x0018);
        w.u16(0xffff);
        w.begin(b"avcC");
        let p = self.info.profile;
        w.u8(1);
        w.u8(p.profile_idc);
        w.u8(p.constraints);
        w.u8(p.level_idc);
        w.u8(0xff); // 4-byte NAL lengths
        w.u8(0xe1); // one SPS
        w.u16(self.sps.len() as u16);
        w.bytes(&self.sps);
        w.u8(1);
        w.u16(self.pps.len() as u16);
        w.bytes(&self.pps);
        if h264::HIGH_PROFILES.contains(&p.profile_idc) {
            w.u8(0xfc | self.info.chroma_format_idc as u8);
            w.u8(0xf8 | (self.info.bit_depth_luma - 8) as u8);
            w.u8(0xf8 | (self.info.bit_depth_chroma - 8) as u8);
            w.u8(0);
        }
        w.end();
        w.end();
    }
}

fn matrix(w: &mut Writer) {
    for v in [0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000] {
        w.u32(v);
    }
}

/// One picture of a fragment.
#[derive(Debug, Clone, Copy)]
pub struct Sample<'a> {
    pub annexb: &'a [u8],
    /// On the 90 kHz clock.
    pub duration: u32,
    pub keyframe: bool,
}

/// `moof` + `mdat` carrying `samples`, decoded from `decode_time` (90 kHz) on. The access
/// units go in as length-prefixed NAL units; access unit delimiters are left out.
pub fn fragment(sequence: u32, decode_time: u64, samples: &[Sample]) -> Vec<u8> {
    let payloads: Vec<Vec<u8>> = samples.iter().map(|s| avcc(s.annexb)).collect();
    let mut w = Writer::new();
    w.begin(b"moof");
    w.begin_full(b"mfhd", 0, 0);
    w.u32(sequence);
    w.end();
    w.begin(b"traf");
    w.begin_full(b"tfhd", 0, 0x02_0000); // default-base-is-moof
    w.u32(1);
    w.end();
    w.begin_full(b"tfdt", 1, 0);
    w.u64(decode_time);
    w.end();
    // data offset, then per sample: duration, size, flags.
    w.begin_full(b"trun", 0, 0x0001 | 0x0100 | 0x0200 | 0x0400);
    w.u32(samples.len() as u32);
    let data_offset_at = w.buf.len();
    w.u32(0);
    for (s, payload) in samples.iter().zip(&payloads) {
        w.u32(s.duration);
        w.u32(payload.len() as u32);
        w.u32(if s.keyframe { 0x0200_0000 } else { 0x0101_0000 });
    }
    w.end();
    w.end(); // traf
    w.end(); // moof
    let data_offset = (w.buf.len() + 8) as u32;
    w.buf[data_offset_at..data_offset_at + 4].copy_from_slice(&data_offset.to_be_bytes());
    w.begin(b"mdat");
    for payload in &payloads {
        w.bytes(payload);
    }
    w.end();
    w.finish()
}

/// Annex B to 4-byte length prefixes, without access unit delimiters.
fn avcc(annexb: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(annexb.len() + 16);
    for unit in h264::nal_units(annexb).filter(|u| h264::nal_type(u) != nal::AUD) {
        out.extend_from_slice(&(unit.len() as u32).to_be_bytes());
        out.extend_from_slice(unit);
    }
    out
}

#[cfg(test)]
mod tests;
