//! Evidence clips: the fragments of one or more recorded files that cover a range, copied into
//! one MP4 without re-encoding. The clip starts at the keyframe at or before the range's start
//! (a player needs one) and ends with the fragment that covers the range's end.

use super::boxes::{self, BoxRef};
use super::scan::{scan, ScanError};
use super::VideoTrack;

/// One recorded file and the part of it the clip wants.
#[derive(Debug, Clone, Copy)]
pub struct ClipPart<'a> {
    pub file: &'a [u8],
    /// Where this file's decode time 0 lies on the clip's own line (90 kHz): from the server's
    /// receive times, so a gap between files stays a gap.
    pub start: u64,
    /// The wanted range on the clip's line (90 kHz).
    pub from: u64,
    pub to: u64,
}

#[derive(Debug)]
pub struct Clip {
    pub bytes: Vec<u8>,
    pub track: VideoTrack,
    /// Where the clip's first picture lies on the line of [`ClipPart::start`] (90 kHz).
    pub first: u64,
    /// 90 kHz, first picture to the end of the last.
    pub duration: u64,
    pub fragments: usize,
    /// The camera's stream changed (a new resolution) inside the range; the clip stops there.
    pub cut_short: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ClipError {
    #[error(transparent)]
    Unreadable(#[from] ScanError),
    #[error("no recorded picture covers that time")]
    NothingRecorded,
}

pub fn cut(parts: &[ClipPart]) -> Result<Clip, ClipError> {
    let mut picked: Vec<(&[u8], u64, usize, usize)> = Vec::new(); // file, clip time, offset, len
    let mut track: Option<VideoTrack> = None;
    let mut cut_short = false;
    'files: for part in parts {
        let scanned = scan(part.file)?;
        if let Some(t) = &track {
            if *t != scanned.track {
                cut_short = true;
                break;
            }
        }
        for f in &scanned.fragments {
            let at = part.start + f.decode_time;
            let end = at + f.duration;
            if end <= part.from || at >= part.to {
                continue;
            }
            if picked.is_empty() && !f.keyframe {
                continue;
            }
            if track.is_none() {
                track = Some(scanned.track.clone());
            }
            picked.push((part.file, at, f.offset, f.len));
            if end >= part.to {
                break 'files;
            }
        }
        // A range that starts inside a fragment without a keyframe: go back to the last one.
        let file_end = scanned.fragments.last().map_or(0, |f| part.start + f.decode_time + f.duration);
        if picked.is_empty() && part.from < file_end {
            if let Some(f) =
                scanned.fragments.iter().rev().find(|f| f.keyframe && part.start + f.decode_time <= part.from)
            {
                let first_index = scanned.fragments.iter().position(|g| g == f).expect("from the list");
                track = Some(scanned.track.clone());
                for g in &scanned.fragments[first_index..] {
                    let at = part.start + g.decode_time;
                    if at >= part.to {
                        break 'files;
                    }
                    picked.push((part.file, at, g.offset, g.len));
                }
            }
        }
    }
    let track = track.ok_or(ClipError::NothingRecorded)?;
    let first = picked[0].1;
    let mut bytes = track.init_segment();
    let mut next_free = 0u64;
    let mut duration = 0u64;
    for (sequence, (file, at, offset, len)) in picked.iter().enumerate() {
        let start = bytes.len();
        bytes.extend_from_slice(&file[*offset..offset + len]);
        let decode_time = (at - first).max(next_free);
        let length = rewrite(&mut bytes[start..], sequence as u32 + 1, decode_time);
        next_free = decode_time + length;
        duration = next_free;
    }
    Ok(Clip { bytes, track, first, duration, fragments: picked.len(), cut_short })
}

/// Sets a copied fragment's sequence number and decode time; returns its duration.
fn rewrite(fragment: &mut [u8], sequence: u32, decode_time: u64) -> u64 {
    let moof = boxes::read_box(fragment, 0).expect("scanned fragment");
    let mfhd = boxes::child(fragment, moof, b"mfhd").expect("scanned fragment");
    fragment[mfhd.body + 4..mfhd.body + 8].copy_from_slice(&sequence.to_be_bytes());
    let traf = boxes::child(fragment, moof, b"traf").expect("scanned fragment");
    let tfdt = boxes::child(fragment, traf, b"tfdt").expect("scanned fragment");
    write_decode_time(fragment, tfdt, decode_time);
    let trun = boxes::child(fragment, traf, b"trun").expect("scanned fragment");
    let samples = boxes::be_u32(fragment, trun.body + 4).unwrap_or(0) as usize;
    (0..samples).map(|i| boxes::be_u32(fragment, trun.body + 12 + i * 12).unwrap_or(0) as u64).sum()
}

/// Moves one fragment (`moof` + `mdat`, as recorded) later on the timeline by `shift` (90 kHz),
/// so fragments of files recorded one after another play on one line. `None` if the bytes are
/// not a fragment this module wrote.
pub fn shift_fragment(fragment: &mut [u8], shift: u64) -> Option<()> {
    let moof = boxes::read_box(fragment, 0).filter(|b| &b.kind == b"moof")?;
    let traf = boxes::child(fragment, moof, b"traf")?;
    let tfdt = boxes::child(fragment, traf, b"tfdt")?;
    if fragment[tfdt.body] != 1 {
        return None;
    }
    let time = boxes::be_u64(fragment, tfdt.body + 4)?;
    write_decode_time(fragment, tfdt, time + shift);
    Some(())
}

fn write_decode_time(fragment: &mut [u8], tfdt: BoxRef, decode_time: u64) {
    // Written as version 1 (64 bits) by this module.
    fragment[tfdt.body + 4..tfdt.body + 12].copy_from_slice(&decode_time.to_be_bytes());
}
