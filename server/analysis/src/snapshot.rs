//! An event's picture: the sampled frame with the matched boxes drawn, as JPEG.

use super::detection::BBox;

/// Outline colour and thickness (pixels) of the drawn boxes.
const COLOUR: [u8; 3] = [255, 48, 48];
const THICKNESS: usize = 3;
const QUALITY: u8 = 80;

/// Draws the boxes (normalized coordinates) on `rgb` in place.
pub fn draw_boxes(rgb: &mut [u8], width: usize, height: usize, boxes: &[BBox]) {
    if width == 0 || height == 0 || rgb.len() < width * height * 3 {
        return;
    }
    let to_px = |v: f32, size: usize| ((v.clamp(0.0, 1.0) * size as f32) as usize).min(size - 1);
    for b in boxes {
        let (x0, x1) = (to_px(b.x0, width), to_px(b.x1, width));
        let (y0, y1) = (to_px(b.y0, height), to_px(b.y1, height));
        let mut paint = |x: usize, y: usize| rgb[(y * width + x) * 3..][..3].copy_from_slice(&COLOUR);
        for t in 0..THICKNESS {
            for x in x0..=x1 {
                paint(x, (y0 + t).min(y1));
                paint(x, y1.saturating_sub(t).max(y0));
            }
            for y in y0..=y1 {
                paint((x0 + t).min(x1), y);
                paint(x1.saturating_sub(t).max(x0), y);
            }
        }
    }
}

/// JPEG of an RGB picture.
pub fn jpeg(rgb: &[u8], width: usize, height: usize) -> Result<Vec<u8>, String> {
    let (w, h) = (u16::try_from(width).map_err(|e| e.to_string())?, u16::try_from(height).map_err(|e| e.to_string())?);
    let mut out = Vec::with_capacity(rgb.len() / 10);
    jpeg_encoder::Encoder::new(&mut out, QUALITY)
        .encode(rgb, w, h, jpeg_encoder::ColorType::Rgb)
        .map_err(|e| e.to_string())?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boxes_are_outlined_and_the_inside_is_untouched() {
        let (w, h) = (100, 50);
        let mut rgb = vec![0u8; w * h * 3];
        draw_boxes(&mut rgb, w, h, &[BBox { x0: 0.2, y0: 0.2, x1: 0.6, y1: 0.8 }]);
        let px = |rgb: &[u8], x: usize, y: usize| rgb[(y * w + x) * 3..][..3].to_vec();
        assert_eq!(px(&rgb, 20, 10), COLOUR, "top-left corner");
        assert_eq!(px(&rgb, 60, 40), COLOUR, "bottom-right corner");
        assert_eq!(px(&rgb, 40, 25), [0, 0, 0], "inside");
        assert_eq!(px(&rgb, 80, 25), [0, 0, 0], "outside");
        // Boxes reaching past the frame are clipped, not a panic.
        draw_boxes(&mut rgb, w, h, &[BBox { x0: -1.0, y0: 0.5, x1: 2.0, y1: 3.0 }]);
        assert_eq!(px(&rgb, 99, 49), COLOUR);
    }

    #[test]
    fn encodes_a_jpeg() {
        let data = jpeg(&vec![128u8; 64 * 32 * 3], 64, 32).unwrap();
        assert_eq!(&data[..2], &[0xFF, 0xD8]);
    }
}
