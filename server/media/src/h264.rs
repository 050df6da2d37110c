//! Just enough H.264 (ITU-T H.264 / RFC 6184) to relay a camera: Annex B NAL splitting, the
//! profile and level from the SPS, slice types (to refuse B-frames), and RTP packetization.

/// NAL unit types we look at (H.264 table 7-1).
pub mod nal {
    pub const SLICE: u8 = 1;
    pub const IDR: u8 = 5;
    pub const SEI: u8 = 6;
    pub const SPS: u8 = 7;
    pub const PPS: u8 = 8;
    pub const AUD: u8 = 9;
    pub const STAP_A: u8 = 24;
    pub const FU_A: u8 = 28;
}

/// The NAL units of an Annex B byte stream (start codes `00 00 01` or `00 00 00 01`), without
/// their start codes. Empty units are skipped.
pub fn nal_units(annexb: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut starts = Vec::new();
    let mut i = 0;
    while i + 3 <= annexb.len() {
        if annexb[i] == 0 && annexb[i + 1] == 0 && annexb[i + 2] == 1 {
            starts.push(i + 3);
            i += 3;
        } else {
            i += 1;
        }
    }
    let mut units = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let mut end = starts.get(k + 1).map_or(annexb.len(), |next| next - 3);
        // A four-byte start code leaves one zero at the end of the previous unit.
        while end > start && annexb[end - 1] == 0 && k + 1 < starts.len() {
            end -= 1;
        }
        if end > start {
            units.push(&annexb[start..end]);
        }
    }
    units.into_iter()
}

pub fn nal_type(unit: &[u8]) -> u8 {
    unit.first().map_or(0, |b| b & 0x1f)
}

/// Profile and level of a stream, as in SDP's `profile-level-id` (RFC 6184 §8.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileLevel {
    pub profile_idc: u8,
    pub constraints: u8,
    pub level_idc: u8,
}

impl ProfileLevel {
    /// Reads the three bytes after the SPS's NAL header.
    pub fn from_sps(sps: &[u8]) -> Option<ProfileLevel> {
        (sps.len() >= 4 && nal_type(sps) == nal::SPS).then(|| ProfileLevel {
            profile_idc: sps[1],
            constraints: sps[2],
            level_idc: sps[3],
        })
    }

    /// `profile-level-id` as a 24-bit number (`0x42e01f`).
    pub fn id(self) -> u32 {
        (self.profile_idc as u32) << 16 | (self.constraints as u32) << 8 | self.level_idc as u32
    }

    /// Baseline-family streams never carry B slices; Main and above may.
    pub fn may_have_b_frames(self) -> bool {
        self.profile_idc != 66
    }
}

impl std::fmt::Display for ProfileLevel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:06x}", self.id())
    }
}

/// The slice type of a coded slice NAL (types 1 and 5): `first_mb_in_slice` then `slice_type`,
/// both Exp-Golomb coded. Returns `None` for other units or truncated data.
pub fn slice_type(unit: &[u8]) -> Option<SliceType> {
    if !matches!(nal_type(unit), nal::SLICE | nal::IDR) {
        return None;
    }
    let mut bits = BitReader::new(&unit[1..]);
    bits.exp_golomb()?;
    Some(match bits.exp_golomb()? % 5 {
        0 => SliceType::P,
        1 => SliceType::B,
        2 => SliceType::I,
        3 => SliceType::Sp,
        _ => SliceType::Si,
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SliceType {
    P,
    B,
    I,
    Sp,
    Si,
}

/// Reads bits MSB first, skipping emulation-prevention bytes (`00 00 03`).
struct BitReader<'a> {
    data: &'a [u8],
    byte: usize,
    bit: u8,
    zeros: u8,
}

impl<'a> BitReader<'a> {
    fn new(data: &'a [u8]) -> Self {
        BitReader { data, byte: 0, bit: 0, zeros: 0 }
    }

    fn read_bit(&mut self) -> Option<u32> {
        if self.bit == 0 {
            // Entering a new byte: drop an emulation-prevention byte.
            if self.zeros >= 2 && self.data.get(self.byte) == Some(&3) {
                self.byte += 1;
                self.zeros = 0;
            }
            let b = *self.data.get(self.byte)?;
            self.zeros = if b == 0 { self.zeros + 1 } else { 0 };
        }
        let b = *self.data.get(self.byte)?;
        let value = (b >> (7 - self.bit)) & 1;
        self.bit += 1;
        if self.bit == 8 {
            self.bit = 0;
            self.byte += 1;
        }
        Some(value as u32)
    }

    fn exp_golomb(&mut self) -> Option<u32> {
        let mut zeros = 0;
        while self.read_bit()? == 0 {
            zeros += 1;
            if zeros > 31 {
                return None;
            }
        }
        let mut value = 1u32;
        for _ in 0..zeros {
            value = value << 1 | self.read_bit()?;
        }
        Some(value - 1)
    }

    fn bits(&mut self, n: u32) -> Option<u32> {
        (0..n).try_fold(0u32, |v, _| Some(v << 1 | self.read_bit()?))
    }

    fn signed_exp_golomb(&mut self) -> Option<i32> {
        let k = self.exp_golomb()? as i64;
        Some(if k % 2 == 1 { (k + 1) / 2 } else { -(k / 2) } as i32)
    }
}

/// What a recording needs from the SPS besides profile and level: the picture size and the
/// chroma format (ISO/IEC 14496-15 writes the latter into `avcC` for the High profiles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpsInfo {
    pub profile: ProfileLevel,
    pub width: u32,
    pub height: u32,
    pub chroma_format_idc: u32,
    pub bit_depth_luma: u32,
    pub bit_depth_chroma: u32,
}

/// Profiles whose SPS carries chroma format, bit depths and scaling matrices (H.264 7.3.2.1.1).
pub(crate) const HIGH_PROFILES: [u8; 13] = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135];

impl SpsInfo {
    /// Parses an SPS NAL unit (with its header byte); `None` for anything else or truncated data.
    pub fn parse(sps: &[u8]) -> Option<SpsInfo> {
        let profile = ProfileLevel::from_sps(sps)?;
        let mut r = BitReader::new(&sps[4..]);
        r.exp_golomb()?; // seq_parameter_set_id
        let (mut chroma_format_idc, mut bit_depth_luma, mut bit_depth_chroma) = (1, 8, 8);
        if HIGH_PROFILES.contains(&profile.profile_idc) {
            chroma_format_idc = r.exp_golomb()?;
            if chroma_format_idc == 3 {
                r.bits(1)?; // separate_colour_plane_flag
            }
            bit_depth_luma = 8 + r.exp_golomb()?;
            bit_depth_chroma = 8 + r.exp_golomb()?;
            r.bits(1)?; // qpprime_y_zero_transform_bypass_flag
            if r.bits(1)? == 1 {
                let lists = if chroma_format_idc == 3 { 12 } else { 8 };
                for i in 0..lists {
                    if r.bits(1)? == 1 {
                        skip_scaling_list(&mut r, if i < 6 { 16 } else { 64 })?;
                    }
                }
            }
        }
        r.exp_golomb()?; // log2_max_frame_num_minus4
        match r.exp_golomb()? {
            0 => {
                r.exp_golomb()?;
            }
            1 => {
                r.bits(1)?;
                r.signed_exp_golomb()?;
                r.signed_exp_golomb()?;
                for _ in 0..r.exp_golomb()? {
                    r.signed_exp_golomb()?;
                }
            }
            _ => {}
        }
        r.exp_golomb()?; // max_num_ref_frames
        r.bits(1)?; // gaps_in_frame_num_value_allowed_flag
        let width_mbs = r.exp_golomb()? + 1;
        let height_units = r.exp_golomb()? + 1;
        let frame_mbs_only = r.bits(1)?;
        if frame_mbs_only == 0 {
            r.bits(1)?; // mb_adaptive_frame_field_flag
        }
        r.bits(1)?; // direct_8x8_inference_flag
        let (mut left, mut right, mut top, mut bottom) = (0, 0, 0, 0);
        if r.bits(1)? == 1 {
            (left, right, top, bottom) = (r.exp_golomb()?, r.exp_golomb()?, r.exp_golomb()?, r.exp_golomb()?);
        }
        let (unit_x, unit_y) = match chroma_format_idc {
            1 => (2, 2),
            2 => (2, 1),
            _ => (1, 1),
        };
        let unit_y = unit_y * (2 - frame_mbs_only);
        let width = (width_mbs * 16).checked_sub(unit_x * (left + right))?;
        let height = ((2 - frame_mbs_only) * height_units * 16).checked_sub(unit_y * (top + bottom))?;
        Some(SpsInfo { profile, width, height, chroma_format_idc, bit_depth_luma, bit_depth_chroma })
    }
}

fn skip_scaling_list(r: &mut BitReader, size: usize) -> Option<()> {
    let (mut last, mut next) = (8i32, 8i32);
    for _ in 0..size {
        if next != 0 {
            next = (last + r.signed_exp_golomb()? + 256) % 256;
        }
        if next != 0 {
            last = next;
        }
    }
    Some(())
}

/// Splits one access unit into RTP payloads of at most `mtu` bytes (RFC 6184, packetization
/// mode 1): SPS and PPS are aggregated into one STAP-A, units that fit go as single NAL unit
/// packets, larger ones as FU-A fragments. AUDs and SEIs are dropped (Safari stalls on some
/// SEIs and they carry nothing a viewer needs). The last payload gets the RTP marker bit.
pub fn packetize(annexb: &[u8], mtu: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut params: Vec<&[u8]> = Vec::new();
    for unit in nal_units(annexb) {
        match nal_type(unit) {
            nal::AUD | nal::SEI => {}
            nal::SPS | nal::PPS => params.push(unit),
            _ => {
                flush_params(&mut params, mtu, &mut out);
                push_unit(unit, mtu, &mut out);
            }
        }
    }
    flush_params(&mut params, mtu, &mut out);
    out
}

fn flush_params(params: &mut Vec<&[u8]>, mtu: usize, out: &mut Vec<Vec<u8>>) {
    if params.is_empty() {
        return;
    }
    let size = 1 + params.iter().map(|u| 2 + u.len()).sum::<usize>();
    if params.len() > 1 && size <= mtu {
        let nri = params.iter().map(|u| u[0] & 0x60).max().unwrap_or(0);
        let mut stap = Vec::with_capacity(size);
        stap.push(nri | nal::STAP_A);
        for unit in params.iter() {
            stap.extend_from_slice(&(unit.len() as u16).to_be_bytes());
            stap.extend_from_slice(unit);
        }
        out.push(stap);
    } else {
        for unit in params.iter() {
            push_unit(unit, mtu, out);
        }
    }
    params.clear();
}

fn push_unit(unit: &[u8], mtu: usize, out: &mut Vec<Vec<u8>>) {
    if unit.len() <= mtu {
        out.push(unit.to_vec());
        return;
    }
    let header = unit[0];
    let indicator = (header & 0xe0) | nal::FU_A;
    let body = &unit[1..];
    let chunk = mtu - 2;
    let count = body.len().div_ceil(chunk);
    for (i, piece) in body.chunks(chunk).enumerate() {
        let mut fu = Vec::with_capacity(2 + piece.len());
        fu.push(indicator);
        let start = if i == 0 { 0x80 } else { 0 };
        let end = if i + 1 == count { 0x40 } else { 0 };
        fu.push(start | end | (header & 0x1f));
        fu.extend_from_slice(piece);
        out.push(fu);
    }
}

/// Rebuilds Annex B from RTP payloads of one access unit (the inverse of [`packetize`]); used
/// for snapshots of what viewers receive and by tests.
pub fn depacketize(payloads: &[impl AsRef<[u8]>]) -> Vec<u8> {
    const START: [u8; 4] = [0, 0, 0, 1];
    let mut out = Vec::new();
    for payload in payloads {
        let p = payload.as_ref();
        match p.first().map(|b| b & 0x1f) {
            Some(nal::STAP_A) => {
                let mut rest = &p[1..];
                while rest.len() >= 2 {
                    let len = u16::from_be_bytes([rest[0], rest[1]]) as usize;
                    let Some(unit) = rest.get(2..2 + len) else { break };
                    out.extend_from_slice(&START);
                    out.extend_from_slice(unit);
                    rest = &rest[2 + len..];
                }
            }
            Some(nal::FU_A) if p.len() >= 2 => {
                if p[1] & 0x80 != 0 {
                    out.extend_from_slice(&START);
                    out.push((p[0] & 0xe0) | (p[1] & 0x1f));
                }
                out.extend_from_slice(&p[2..]);
            }
            Some(_) => {
                out.extend_from_slice(&START);
                out.extend_from_slice(p);
            }
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(units: &[&[u8]]) -> Vec<u8> {
        units.iter().flat_map(|u| [&[0u8, 0, 0, 1][..], u].concat()).collect()
    }

    #[test]
    fn splits_three_and_four_byte_start_codes() {
        let data = [0, 0, 0, 1, 0x67, 1, 2, 0, 0, 1, 0x68, 3, 0, 0, 0, 1, 0x65, 4, 5];
        let units: Vec<_> = nal_units(&data).collect();
        assert_eq!(units, vec![&[0x67, 1, 2][..], &[0x68, 3], &[0x65, 4, 5]]);
    }

    #[test]
    fn reads_profile_from_sps() {
        let pl = ProfileLevel::from_sps(&[0x67, 0x64, 0x00, 0x1f, 0xac]).unwrap();
        assert_eq!(pl.id(), 0x64001f);
        assert_eq!(pl.to_string(), "64001f");
        assert!(pl.may_have_b_frames());
        assert!(ProfileLevel::from_sps(&[0x68, 0x42]).is_none());
    }

    #[test]
    fn finds_b_slices() {
        // first_mb_in_slice = 0 ("1"), slice_type = 1 ("010") → B; = 0 ("1") → P; 7 ("0001000") → I.
        assert_eq!(slice_type(&[0x01, 0b1010_0000]), Some(SliceType::B));
        assert_eq!(slice_type(&[0x41, 0b1100_0000]), Some(SliceType::P));
        assert_eq!(slice_type(&[0x65, 0b1000_1000]), Some(SliceType::I));
        assert_eq!(slice_type(&[0x67, 0xff]), None);
    }

    #[test]
    fn packetizes_and_restores_an_access_unit() {
        let big: Vec<u8> = std::iter::once(0x65).chain((0..3000).map(|i| (i % 251) as u8 + 1)).collect();
        let au = stream(&[&[0x09, 0xf0], &[0x67, 0x42, 0xe0, 0x1f], &[0x68, 0xce], &big]);
        let payloads = packetize(&au, 1200);
        assert_eq!(payloads[0][0] & 0x1f, nal::STAP_A, "SPS and PPS travel together");
        assert!(payloads.iter().all(|p| p.len() <= 1200));
        assert_eq!(payloads.len(), 1 + 3);
        assert_eq!(payloads[1][1] & 0x80, 0x80, "first fragment has the start bit");
        assert_eq!(payloads[3][1] & 0x40, 0x40, "last fragment has the end bit");
        // The AUD is dropped; everything else comes back byte for byte.
        assert_eq!(depacketize(&payloads), stream(&[&[0x67, 0x42, 0xe0, 0x1f], &[0x68, 0xce], &big]));
    }
}
