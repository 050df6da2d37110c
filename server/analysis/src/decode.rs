//! From H.264 to what the checks and the detector read: the last picture of a run of access
//! units, as a small grey frame (health checks) and a reduced RGB frame (detector, snapshot).

use super::luma::{Luma, LumaError};
use openh264::decoder::{DecodedYUV, Decoder};
use openh264::formats::YUVSource;

/// Width of the grey frame the health checks measure.
pub const LUMA_WIDTH: u32 = 160;
/// Longest side of the RGB frame given to the detector and kept as the event's snapshot (the
/// detector letterboxes to its own input, 416 for NanoDet-g, anyway).
pub const RGB_MAX_SIDE: usize = 960;

#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("H.264 decoder: {0}")]
    Decoder(String),
    #[error("the access units held no picture")]
    NoPicture,
    #[error("picture: {0}")]
    Picture(#[from] LumaError),
}

/// The analysed picture.
pub struct Picture {
    pub luma: Luma,
    /// Empty unless asked for.
    pub rgb: Vec<u8>,
    pub rgb_width: usize,
    pub rgb_height: usize,
    /// The decoded size.
    pub width: usize,
    pub height: usize,
}

/// Decodes `units` (Annex B access units, the first a keyframe with its SPS and PPS) and
/// returns the last picture; its RGB frame only when `rgb` is asked for (the detector's).
pub fn decode_last<U: AsRef<[u8]>>(units: &[U], rgb: bool) -> Result<Picture, DecodeError> {
    let mut decoder = Decoder::new().map_err(|e| DecodeError::Decoder(e.to_string()))?;
    let last = units.len().saturating_sub(1);
    for unit in &units[..last] {
        // Earlier pictures only serve as references; a damaged one is not fatal.
        let _ = decoder.decode(unit.as_ref());
    }
    let unit = units.get(last).ok_or(DecodeError::NoPicture)?;
    if let Some(picture) = decoder.decode(unit.as_ref()).map_err(|e| DecodeError::Decoder(e.to_string()))? {
        return picture_of(&picture, rgb);
    }
    let rest = decoder.flush_remaining().map_err(|e| DecodeError::Decoder(e.to_string()))?;
    picture_of(rest.last().ok_or(DecodeError::NoPicture)?, rgb)
}

fn picture_of(yuv: &DecodedYUV<'_>, with_rgb: bool) -> Result<Picture, DecodeError> {
    let (width, height) = yuv.dimensions();
    let (y_stride, _, _) = yuv.strides();
    let luma = Luma::from_yuv_y(yuv.y(), y_stride, width as u32, height as u32, LUMA_WIDTH)?;
    let (rgb, rgb_width, rgb_height) = if with_rgb { reduced_rgb(yuv, RGB_MAX_SIDE) } else { (Vec::new(), 0, 0) };
    Ok(Picture { luma, rgb, rgb_width, rgb_height, width, height })
}

/// The picture in RGB, shrunk (nearest sample) so its longer side is at most `max_side`.
/// BT.601 limited range, as cameras send.
pub fn reduced_rgb(yuv: &impl YUVSource, max_side: usize) -> (Vec<u8>, usize, usize) {
    let (w, h) = yuv.dimensions();
    let scale = (w.max(h) as f64 / max_side as f64).max(1.0);
    let (ow, oh) = (((w as f64 / scale) as usize).max(1), ((h as f64 / scale) as usize).max(1));
    let (ys, us, vs) = yuv.strides();
    let (y, u, v) = (yuv.y(), yuv.u(), yuv.v());
    let mut rgb = vec![0u8; ow * oh * 3];
    for oy in 0..oh {
        let sy = oy * h / oh;
        for ox in 0..ow {
            let sx = ox * w / ow;
            let luma = f32::from(y[sy * ys + sx]) - 16.0;
            let cb = f32::from(u[(sy / 2) * us + sx / 2]) - 128.0;
            let cr = f32::from(v[(sy / 2) * vs + sx / 2]) - 128.0;
            let l = 1.164 * luma;
            let px = &mut rgb[(oy * ow + ox) * 3..][..3];
            px[0] = (l + 1.596 * cr).clamp(0.0, 255.0) as u8;
            px[1] = (l - 0.392 * cb - 0.813 * cr).clamp(0.0, 255.0) as u8;
            px[2] = (l + 2.017 * cb).clamp(0.0, 255.0) as u8;
        }
    }
    (rgb, ow, oh)
}

#[cfg(test)]
mod tests {
    use super::*;
    use openh264::encoder::{Encoder, EncoderConfig};
    use openh264::formats::YUVBuffer;

    /// A 320x180 picture: left half black, right half white (as YUV 4:2:0).
    fn halves() -> YUVBuffer {
        let (w, h) = (320, 180);
        let mut rgb = vec![0u8; w * h * 3];
        for y in 0..h {
            for x in w / 2..w {
                rgb[(y * w + x) * 3..][..3].copy_from_slice(&[255, 255, 255]);
            }
        }
        YUVBuffer::from_rgb8_source(openh264::formats::RgbSliceU8::new(&rgb, (w, h)))
    }

    fn encode(frames: usize) -> Vec<Vec<u8>> {
        let mut encoder = Encoder::with_api_config(openh264::OpenH264API::from_source(), EncoderConfig::new()).unwrap();
        let picture = halves();
        (0..frames).map(|_| encoder.encode(&picture).unwrap().to_vec()).collect()
    }

    #[test]
    fn decodes_the_last_picture_of_a_run() {
        let units = encode(3);
        let picture = decode_last(&units, true).unwrap();
        assert!(decode_last(&units, false).unwrap().rgb.is_empty());
        assert_eq!((picture.width, picture.height), (320, 180));
        assert_eq!((picture.rgb_width, picture.rgb_height), (320, 180));
        assert_eq!(picture.luma.width, LUMA_WIDTH);
        let left = picture.rgb[(90 * 320 + 40) * 3];
        let right = picture.rgb[(90 * 320 + 280) * 3];
        assert!(left < 30 && right > 225, "left {left}, right {right}");
        assert!((picture.luma.mean() - 125.0).abs() < 15.0, "{}", picture.luma.mean());
    }

    #[test]
    fn large_pictures_are_reduced_for_the_detector() {
        let buffer = YUVBuffer::new(1920, 1080);
        let (rgb, w, h) = reduced_rgb(&buffer, RGB_MAX_SIDE);
        assert_eq!((w, h), (960, 540));
        assert_eq!(rgb.len(), 960 * 540 * 3);
    }

    #[test]
    fn nothing_to_decode_is_an_error() {
        assert!(matches!(decode_last::<Vec<u8>>(&[], true), Err(DecodeError::NoPicture)));
        assert!(decode_last(&[vec![0u8, 0, 0, 1, 0x65, 1, 2, 3]], true).is_err());
    }
}
