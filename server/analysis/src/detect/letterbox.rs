//! Letterboxing: fit a frame into the model input keeping its aspect ratio, centred on a padded
//! canvas, and map boxes found in the input back to the frame.

use crate::detection::BBox;

/// Where a `src_w` x `src_h` frame lands inside a `dst_w` x `dst_h` model input.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Letterbox {
    src_w: usize,
    src_h: usize,
    /// Size of the scaled frame inside the input.
    fit_w: usize,
    fit_h: usize,
    /// Offset of the scaled frame: half the padding, rounded down.
    pad_x: usize,
    pad_y: usize,
}

impl Letterbox {
    /// Scales by `min(dst_w / src_w, dst_h / src_h)`, rounds the scaled size and centres it.
    pub(crate) fn new(src_w: usize, src_h: usize, dst_w: usize, dst_h: usize) -> Self {
        let scale = (dst_w as f64 / src_w as f64).min(dst_h as f64 / src_h as f64);
        let fit_w = ((src_w as f64 * scale).round() as usize).clamp(1, dst_w);
        let fit_h = ((src_h as f64 * scale).round() as usize).clamp(1, dst_h);
        Letterbox { src_w, src_h, fit_w, fit_h, pad_x: (dst_w - fit_w) / 2, pad_y: (dst_h - fit_h) / 2 }
    }

    /// Maps a box in input pixels to fractions of the frame, clamped to the frame.
    pub(crate) fn normalize(&self, b: &BBox) -> BBox {
        let x = |v: f32| ((v - self.pad_x as f32) / self.fit_w as f32).clamp(0.0, 1.0);
        let y = |v: f32| ((v - self.pad_y as f32) / self.fit_h as f32).clamp(0.0, 1.0);
        BBox { x0: x(b.x0), y0: y(b.y0), x1: x(b.x1), y1: y(b.y1) }
    }

    /// Resamples the RGB frame (3 bytes a pixel, rows packed) to the fitted size with a
    /// triangle filter that widens when shrinking (bilinear with antialiasing, as Pillow's
    /// `BILINEAR`), and calls `put(x, y, [r, g, b])` with input coordinates and values in
    /// 0..255 for every pixel of the fitted area. The padding is left to the caller.
    pub(crate) fn resample(&self, rgb: &[u8], mut put: impl FnMut(usize, usize, [f32; 3])) {
        let rows = Taps::new(self.src_h, self.fit_h);
        let cols = Taps::new(self.src_w, self.fit_w);
        let stride = self.src_w * 3;
        let mut line = vec![0f32; stride];
        for y in 0..self.fit_h {
            // Vertical pass into one full-width line, then the horizontal pass from it.
            line.fill(0.0);
            for (src_y, w) in rows.of(y) {
                let src = &rgb[src_y * stride..][..stride];
                for (acc, &v) in line.iter_mut().zip(src) {
                    *acc += w * f32::from(v);
                }
            }
            for x in 0..self.fit_w {
                let mut px = [0f32; 3];
                for (src_x, w) in cols.of(x) {
                    let s = &line[src_x * 3..][..3];
                    for c in 0..3 {
                        px[c] += w * s[c];
                    }
                }
                put(self.pad_x + x, self.pad_y + y, px);
            }
        }
    }
}

/// Filter taps along one axis: output `i` reads `len[i]` source samples from `start[i]`,
/// weighted by `weights[i * width..]`.
struct Taps {
    start: Vec<usize>,
    len: Vec<usize>,
    weights: Vec<f32>,
    width: usize,
}

impl Taps {
    fn new(src: usize, dst: usize) -> Self {
        let scale = src as f32 / dst as f32;
        // The triangle's half-width in source samples: one when enlarging, the scale when shrinking.
        let support = scale.max(1.0);
        let width = 2 * support.ceil() as usize + 1;
        let mut taps = Taps {
            start: Vec::with_capacity(dst),
            len: Vec::with_capacity(dst),
            weights: vec![0.0; dst * width],
            width,
        };
        for i in 0..dst {
            let centre = (i as f32 + 0.5) * scale;
            let lo = (centre - support).floor().max(0.0) as usize;
            let hi = ((centre + support).ceil() as usize).min(src).min(lo + width);
            let weights = &mut taps.weights[i * width..][..hi - lo];
            for (k, w) in weights.iter_mut().enumerate() {
                *w = (1.0 - ((lo + k) as f32 + 0.5 - centre).abs() / support).max(0.0);
            }
            let sum: f32 = weights.iter().sum();
            weights.iter_mut().for_each(|w| *w /= sum);
            taps.start.push(lo);
            taps.len.push(hi - lo);
        }
        taps
    }

    /// Source indices and weights of output `i`.
    fn of(&self, i: usize) -> impl Iterator<Item = (usize, f32)> + '_ {
        let weights = &self.weights[i * self.width..][..self.len[i]];
        weights.iter().enumerate().map(move |(k, &w)| (self.start[i] + k, w))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_frame_is_centred_vertically() {
        let lb = Letterbox::new(1920, 1080, 416, 416);
        assert_eq!((lb.fit_w, lb.fit_h, lb.pad_x, lb.pad_y), (416, 234, 0, 91));
        // The fitted area maps to the whole frame; the padding clamps to its edges.
        let whole = lb.normalize(&BBox { x0: 0.0, y0: 91.0, x1: 416.0, y1: 325.0 });
        assert_eq!(whole, BBox { x0: 0.0, y0: 0.0, x1: 1.0, y1: 1.0 });
        let clamped = lb.normalize(&BBox { x0: -10.0, y0: 0.0, x1: 500.0, y1: 416.0 });
        assert_eq!(clamped, BBox { x0: 0.0, y0: 0.0, x1: 1.0, y1: 1.0 });
        let quarter = lb.normalize(&BBox { x0: 104.0, y0: 91.0 + 58.5, x1: 208.0, y1: 208.0 });
        assert_eq!(quarter, BBox { x0: 0.25, y0: 0.25, x1: 0.5, y1: 0.5 });
    }

    #[test]
    fn tall_frame_is_centred_horizontally() {
        let lb = Letterbox::new(300, 451, 416, 416);
        assert_eq!((lb.fit_w, lb.fit_h, lb.pad_x, lb.pad_y), (277, 416, 69, 0));
        let b = lb.normalize(&BBox { x0: 69.0, y0: 104.0, x1: 69.0 + 277.0, y1: 312.0 });
        assert_eq!(b, BBox { x0: 0.0, y0: 0.25, x1: 1.0, y1: 0.75 });
    }

    #[test]
    fn resample_covers_exactly_the_fitted_area() {
        for (w, h) in [(1920, 1080), (451, 300), (100, 300), (416, 416), (7, 5)] {
            let lb = Letterbox::new(w, h, 416, 416);
            let rgb: Vec<u8> = (0..w * h).flat_map(|_| [10, 128, 250]).collect();
            let mut seen = vec![false; 416 * 416];
            lb.resample(&rgb, |x, y, px| {
                assert!(!seen[y * 416 + x], "pixel ({x}, {y}) written twice");
                seen[y * 416 + x] = true;
                for (v, want) in px.iter().zip([10.0, 128.0, 250.0]) {
                    assert!((v - want).abs() < 1e-3, "uniform colour changed: {px:?}");
                }
            });
            let written = seen.iter().filter(|s| **s).count();
            assert_eq!(written, lb.fit_w * lb.fit_h);
            assert!(seen[lb.pad_y * 416 + lb.pad_x]);
        }
    }

    #[test]
    fn resample_averages_when_shrinking() {
        // A 4x1 frame of alternating black and white columns, halved: every output is grey.
        let lb = Letterbox::new(4, 2, 2, 1);
        let rgb = [0u8, 0, 0, 255, 255, 255, 0, 0, 0, 255, 255, 255].repeat(2);
        let mut out = vec![];
        lb.resample(&rgb, |_, _, px| out.push(px[0]));
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|v| (v - 127.5).abs() < 40.0), "{out:?}");
    }
}
