//! Reading a recorded file back: its init segment and each whole fragment, so a file cut off
//! by a crash can be kept up to its last complete fragment and indexed from its own contents.

use super::boxes::{self, be_u32, be_u64, BoxRef};
use super::VideoTrack;
use crate::h264::SpsInfo;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScannedFile {
    pub track: VideoTrack,
    /// Bytes of `ftyp` + `moov`.
    pub init_len: usize,
    pub fragments: Vec<ScannedFragment>,
    /// Where the last whole fragment ends: the file's bytes past it are a torn write.
    pub valid_len: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScannedFragment {
    pub offset: usize,
    pub len: usize,
    pub sequence: u32,
    /// 90 kHz, from `tfdt`.
    pub decode_time: u64,
    /// 90 kHz, the sum of the samples' durations.
    pub duration: u64,
    pub samples: u32,
    /// The first sample is a keyframe: playback may start here.
    pub keyframe: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ScanError {
    #[error("not a recording: no ftyp and moov at the start")]
    NoInit,
    #[error("the moov box holds no H.264 track this server can read")]
    NoTrack,
}

pub fn scan(data: &[u8]) -> Result<ScannedFile, ScanError> {
    let ftyp = boxes::read_box(data, 0).filter(|b| &b.kind == b"ftyp").ok_or(ScanError::NoInit)?;
    let moov = boxes::read_box(data, ftyp.end).filter(|b| &b.kind == b"moov").ok_or(ScanError::NoInit)?;
    let track = read_track(data, moov).ok_or(ScanError::NoTrack)?;
    let mut fragments = Vec::new();
    let mut at = moov.end;
    while let Some(fragment) = read_fragment(data, at) {
        at = fragment.offset + fragment.len;
        fragments.push(fragment);
    }
    Ok(ScannedFile { track, init_len: moov.end, fragments, valid_len: at })
}

/// A `moof` at `at` followed by its whole `mdat`, the sample sizes adding up to the `mdat`.
fn read_fragment(data: &[u8], at: usize) -> Option<ScannedFragment> {
    let moof = boxes::read_box(data, at).filter(|b| &b.kind == b"moof")?;
    let mdat = boxes::read_box(data, moof.end).filter(|b| &b.kind == b"mdat")?;
    let sequence = be_u32(data, boxes::child(data, moof, b"mfhd")?.body + 4)?;
    let traf = boxes::child(data, moof, b"traf")?;
    let tfdt = boxes::child(data, traf, b"tfdt")?;
    let decode_time = match data[tfdt.body] {
        1 => be_u64(data, tfdt.body + 4)?,
        _ => be_u32(data, tfdt.body + 4)? as u64,
    };
    let trun = boxes::child(data, traf, b"trun")?;
    let flags = be_u32(data, trun.body)? & 0x00ff_ffff;
    // What this writer produces: data offset, then duration, size and flags per sample.
    if flags != 0x0701 {
        return None;
    }
    let samples = be_u32(data, trun.body + 4)?;
    let mut duration = 0u64;
    let mut bytes = 0u64;
    let mut keyframe = false;
    for i in 0..samples as usize {
        let entry = trun.body + 12 + i * 12;
        if entry + 12 > trun.end {
            return None;
        }
        duration += be_u32(data, entry)? as u64;
        bytes += be_u32(data, entry + 4)? as u64;
        if i == 0 {
            keyframe = be_u32(data, entry + 8)? & 0x0001_0000 == 0;
        }
    }
    if bytes != (mdat.end - mdat.body) as u64 || !whole_units(&data[mdat.body..mdat.end]) {
        return None;
    }
    Some(ScannedFragment { offset: at, len: mdat.end - at, sequence, decode_time, duration, samples, keyframe })
}

/// Length-prefixed NAL units that tile the payload exactly (a torn or zeroed tail does not).
fn whole_units(mut payload: &[u8]) -> bool {
    while !payload.is_empty() {
        let Some(len) = be_u32(payload, 0) else { return false };
        let len = len as usize;
        if len == 0 || payload.len() < 4 + len {
            return false;
        }
        payload = &payload[4 + len..];
    }
    true
}

fn read_track(data: &[u8], moov: BoxRef) -> Option<VideoTrack> {
    let mut b = boxes::child(data, moov, b"trak")?;
    for kind in [b"mdia", b"minf", b"stbl", b"stsd"] {
        b = boxes::child(data, b, kind)?;
    }
    // stsd: version, flags and the entry count before the sample entries.
    let avc1 = boxes::read_box(data, b.body + 8).filter(|e| &e.kind == b"avc1" && e.end <= b.end)?;
    let avcc = boxes::children(data, avc1.body + 78, avc1.end).into_iter().find(|c| &c.kind == b"avcC")?;
    let c = &data[avcc.body..avcc.end];
    if c.first() != Some(&1) || c.get(5)? & 0x1f != 1 {
        return None;
    }
    let sps_len = u16::from_be_bytes([*c.get(6)?, *c.get(7)?]) as usize;
    let sps = c.get(8..8 + sps_len)?.to_vec();
    let rest = c.get(8 + sps_len..)?;
    if rest.first()? < &1 {
        return None;
    }
    let pps_len = u16::from_be_bytes([*rest.get(1)?, *rest.get(2)?]) as usize;
    let pps = rest.get(3..3 + pps_len)?.to_vec();
    let info = SpsInfo::parse(&sps)?;
    Some(VideoTrack { sps, pps, info })
}
