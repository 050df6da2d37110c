//! Small greyscale frames for frame analysis.
//!
//! Decoded pictures are box-downscaled to about 160 pixels wide before any check runs: every
//! measurement then costs microseconds, and the averaging also damps sensor noise.

use thiserror::Error;

/// An 8-bit greyscale picture, row-major, `width * height` bytes.
///
/// The fields are public; a frame whose `pixels` are shorter than `width * height` is measured
/// on the complete rows it has, never read out of bounds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Luma {
    pub width: u32,
    pub height: u32,
    pub pixels: Vec<u8>,
}

/// Why a plane could not be turned into a [`Luma`].
#[derive(Debug, Error, PartialEq, Eq)]
pub enum LumaError {
    #[error("cannot downscale a {width}x{height} picture to {target_width} pixels wide: nothing to sample")]
    Empty { width: u32, height: u32, target_width: u32 },
    #[error("row stride {stride} is shorter than the row ({row} bytes)")]
    Stride { stride: usize, row: usize },
    #[error("{len} bytes cannot hold a {width}x{height} picture with a row stride of {stride} bytes")]
    Short { len: usize, width: u32, height: u32, stride: usize },
}

impl Luma {
    /// Box-downscales the Y plane of a decoded picture (I420, NV12 and the like) to
    /// `target_width` pixels wide, keeping the aspect ratio; never upscales.
    pub fn from_yuv_y(
        y_plane: &[u8],
        stride: usize,
        width: u32,
        height: u32,
        target_width: u32,
    ) -> Result<Luma, LumaError> {
        check_plane(y_plane.len(), stride, width as usize, width, height, target_width)?;
        let (w, h) = (width as usize, height as usize);
        let (ow, oh) = output_size(w, h, target_width as usize);
        Ok(Luma { width: ow as u32, height: oh as u32, pixels: box_resample(y_plane, stride, w, h, ow, oh) })
    }

    /// Converts packed 8-bit RGB (3 bytes a pixel, rows without padding) to luma (BT.601
    /// weights, full range) and box-downscales it like [`Luma::from_yuv_y`].
    pub fn from_rgb(rgb: &[u8], width: u32, height: u32, target_width: u32) -> Result<Luma, LumaError> {
        let row = (width as usize).saturating_mul(3);
        check_plane(rgb.len(), row, row, width, height, target_width)?;
        let grey: Vec<u8> = rgb
            .chunks_exact(3)
            .take(width as usize * height as usize)
            .map(|p| ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8)
            .collect();
        Luma::from_yuv_y(&grey, width as usize, width, height, target_width)
    }

    /// Mean luma, 0 for an empty frame.
    pub fn mean(&self) -> f64 {
        self.mean_and_std_dev().0
    }

    /// Population standard deviation of the luma, 0 for an empty frame.
    pub fn std_dev(&self) -> f64 {
        self.mean_and_std_dev().1
    }

    /// Mean and standard deviation in one pass.
    pub fn mean_and_std_dev(&self) -> (f64, f64) {
        let pixels = self.valid_pixels();
        if pixels.is_empty() {
            return (0.0, 0.0);
        }
        let (sum, squares) =
            pixels.iter().fold((0u64, 0u64), |(s, q), &p| (s + u64::from(p), q + u64::from(p) * u64::from(p)));
        let n = pixels.len() as f64;
        let mean = sum as f64 / n;
        (mean, (squares as f64 / n - mean * mean).max(0.0).sqrt())
    }

    /// Variance of the 4-neighbour Laplacian over the interior pixels: high for sharp edges and
    /// fine texture, low for a blurred picture. 0 for frames smaller than 3x3.
    pub fn laplacian_variance(&self) -> f64 {
        let (w, h) = self.grid();
        if w < 3 || h < 3 {
            return 0.0;
        }
        let p = |x: usize, y: usize| i64::from(self.pixels[y * w + x]);
        let (mut sum, mut squares) = (0i64, 0i64);
        for y in 1..h - 1 {
            for x in 1..w - 1 {
                let l = p(x - 1, y) + p(x + 1, y) + p(x, y - 1) + p(x, y + 1) - 4 * p(x, y);
                sum += l;
                squares += l * l;
            }
        }
        let n = ((w - 2) * (h - 2)) as f64;
        let mean = sum as f64 / n;
        (squares as f64 / n - mean * mean).max(0.0)
    }

    /// 64-bit difference hash: the frame box-resampled to 9x8, one bit a pixel pair, set where
    /// the right pixel is brighter than its left neighbour by at least [`DHASH_MARGIN`].
    /// Similar pictures have hashes a few bits apart ([`hamming`]); brightness and contrast
    /// changes barely move it. 0 when empty.
    pub fn dhash(&self) -> u64 {
        let (w, h) = self.grid();
        if w == 0 || h == 0 {
            return 0;
        }
        let small = box_resample(&self.pixels, w, w, h, 9, 8);
        small
            .chunks_exact(9)
            .flat_map(|row| row.windows(2).map(|pair| pair[1].saturating_sub(pair[0]) >= DHASH_MARGIN))
            .fold(0u64, |hash, bit| (hash << 1) | u64::from(bit))
    }

    /// Mean absolute difference per pixel between two frames of the same size; `None` when
    /// the sizes differ or the frames are empty.
    pub fn mean_abs_diff(&self, other: &Luma) -> Option<f64> {
        let (a, b) = (self.valid_pixels(), other.valid_pixels());
        if self.width != other.width || self.height != other.height || a.len() != b.len() || a.is_empty() {
            return None;
        }
        let total: u64 = a.iter().zip(b).map(|(&x, &y)| u64::from(x.abs_diff(y))).sum();
        Some(total as f64 / a.len() as f64)
    }

    /// Width and the number of complete rows present.
    fn grid(&self) -> (usize, usize) {
        let w = self.width as usize;
        if w == 0 {
            return (0, 0);
        }
        (w, (self.height as usize).min(self.pixels.len() / w))
    }

    fn valid_pixels(&self) -> &[u8] {
        let (w, h) = self.grid();
        &self.pixels[..w * h]
    }
}

/// Luma levels by which a [`Luma::dhash`] cell must be brighter than its left neighbour to
/// set its bit. Plain dHash compares with `<`, which lets sensor noise flip the bits of flat
/// areas (walls, steel) from sample to sample; this small dead zone keeps them 0.
pub const DHASH_MARGIN: u8 = 2;

/// Number of bits in which two hashes differ.
pub fn hamming(a: u64, b: u64) -> u32 {
    (a ^ b).count_ones()
}

/// Checks that `len` bytes hold `height` rows of `row` bytes spaced `stride` apart.
fn check_plane(
    len: usize,
    stride: usize,
    row: usize,
    width: u32,
    height: u32,
    target_width: u32,
) -> Result<(), LumaError> {
    if width == 0 || height == 0 || target_width == 0 {
        return Err(LumaError::Empty { width, height, target_width });
    }
    if stride < row {
        return Err(LumaError::Stride { stride, row });
    }
    let needed = stride.checked_mul(height as usize - 1).and_then(|n| n.checked_add(row));
    match needed {
        Some(needed) if needed <= len => Ok(()),
        _ => Err(LumaError::Short { len, width, height, stride }),
    }
}

/// The downscaled size: `target_width` wide at most, aspect kept, at least 1x1.
fn output_size(w: usize, h: usize, target_width: usize) -> (usize, usize) {
    let ow = target_width.min(w).max(1);
    (ow, ((h * ow + w / 2) / w).max(1))
}

/// Averages the `w`x`h` plane (rows `stride` apart) into `ow`x`oh` boxes. Each output pixel
/// covers at least one source pixel, so it also upscales (by repetition). The caller has
/// checked that the plane holds the rows.
fn box_resample(plane: &[u8], stride: usize, w: usize, h: usize, ow: usize, oh: usize) -> Vec<u8> {
    let span = |i: usize, n: usize, out: usize| {
        let start = i * n / out;
        (start, ((i + 1) * n / out).max(start + 1))
    };
    let columns: Vec<(usize, usize)> = (0..ow).map(|ox| span(ox, w, ow)).collect();
    let mut out = Vec::with_capacity(ow * oh);
    let mut sums = vec![0u64; ow];
    for oy in 0..oh {
        let (y0, y1) = span(oy, h, oh);
        sums.fill(0);
        for y in y0..y1 {
            let row = &plane[y * stride..y * stride + w];
            for (sum, &(x0, x1)) in sums.iter_mut().zip(&columns) {
                *sum += row[x0..x1].iter().map(|&p| u64::from(p)).sum::<u64>();
            }
        }
        for (&sum, &(x0, x1)) in sums.iter().zip(&columns) {
            let n = ((x1 - x0) * (y1 - y0)) as u64;
            out.push(((sum + n / 2) / n) as u8);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Synthetic pictures for the analysis tests (here and in the sibling modules).
    impl Luma {
        pub(crate) fn from_fn(width: u32, height: u32, f: impl Fn(u32, u32) -> u8) -> Luma {
            let pixels = (0..height).flat_map(|y| (0..width).map(move |x| (x, y))).map(|(x, y)| f(x, y)).collect();
            Luma { width, height, pixels }
        }

        pub(crate) fn uniform(width: u32, height: u32, value: u8) -> Luma {
            Luma::from_fn(width, height, |_, _| value)
        }

        /// Diagonal ramp from 20 to about 230.
        pub(crate) fn gradient(width: u32, height: u32) -> Luma {
            Luma::from_fn(width, height, |x, y| (20 + 210 * (x + y) / (width + height)) as u8)
        }

        pub(crate) fn checkerboard(width: u32, height: u32, cell: u32, dark: u8, light: u8) -> Luma {
            Luma::from_fn(width, height, |x, y| if (x / cell + y / cell).is_multiple_of(2) { dark } else { light })
        }

        /// The same picture with uniform noise in `-amplitude..=amplitude` from a seeded LCG.
        pub(crate) fn with_noise(&self, seed: u64, amplitude: i32) -> Luma {
            let mut state = seed;
            let pixels = self
                .pixels
                .iter()
                .map(|&p| {
                    state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let noise = (state >> 33) as i32 % (2 * amplitude + 1) - amplitude;
                    (i32::from(p) + noise).clamp(0, 255) as u8
                })
                .collect();
            Luma { pixels, ..*self }
        }

        /// A filled rectangle of `value` over `x0..x1`, `y0..y1`.
        pub(crate) fn with_rect(&self, (x0, y0, x1, y1): (u32, u32, u32, u32), value: u8) -> Luma {
            let src = self.clone();
            Luma::from_fn(self.width, self.height, |x, y| {
                if (x0..x1).contains(&x) && (y0..y1).contains(&y) {
                    value
                } else {
                    src.pixels[(y * src.width + x) as usize]
                }
            })
        }

        /// One pass of a 3x3 box blur (edges clamped).
        pub(crate) fn box_blurred(&self) -> Luma {
            let (w, h) = (self.width as i64, self.height as i64);
            let at = |x: i64, y: i64| u32::from(self.pixels[(y.clamp(0, h - 1) * w + x.clamp(0, w - 1)) as usize]);
            Luma::from_fn(self.width, self.height, |x, y| {
                let (x, y) = (i64::from(x), i64::from(y));
                let sum: u32 =
                    (-1..=1).flat_map(|dy| (-1..=1).map(move |dx| (dx, dy))).map(|(dx, dy)| at(x + dx, y + dy)).sum();
                ((sum + 4) / 9) as u8
            })
        }
    }

    #[test]
    fn yuv_downscale_keeps_aspect_and_averages_boxes() {
        // 8x4 plane with stride 10 (2 bytes of padding a row): left half 0, right half 200.
        let mut plane = vec![99u8; 10 * 4];
        for y in 0..4 {
            for x in 0..8 {
                plane[y * 10 + x] = if x < 4 { 0 } else { 200 };
            }
        }
        let small = Luma::from_yuv_y(&plane, 10, 8, 4, 4).unwrap();
        assert_eq!((small.width, small.height), (4, 2));
        assert_eq!(small.pixels, vec![0, 0, 200, 200, 0, 0, 200, 200]);

        // Uneven ratio: 1920x1080 to 160 wide keeps 16:9 and the mean.
        let big = Luma::gradient(1920, 1080);
        let small = Luma::from_yuv_y(&big.pixels, 1920, 1920, 1080, 160).unwrap();
        assert_eq!((small.width, small.height), (160, 90));
        assert!((small.mean() - big.mean()).abs() < 0.5);
    }

    #[test]
    fn yuv_never_upscales_and_averages_odd_boxes() {
        let plane = [10u8, 20, 30, 40, 50, 60];
        let same = Luma::from_yuv_y(&plane, 3, 3, 2, 160).unwrap();
        assert_eq!((same.width, same.height, same.pixels.as_slice()), (3, 2, &plane[..]));
        // 3x2 to 1 wide: one box of all six pixels, height rounds to 1.
        let one = Luma::from_yuv_y(&plane, 3, 3, 2, 1).unwrap();
        assert_eq!((one.width, one.height, one.pixels), (1, 1, vec![35]));
    }

    #[test]
    fn bad_planes_are_errors_not_panics() {
        assert_eq!(
            Luma::from_yuv_y(&[0; 16], 4, 0, 4, 160),
            Err(LumaError::Empty { width: 0, height: 4, target_width: 160 })
        );
        assert_eq!(
            Luma::from_yuv_y(&[0; 16], 4, 4, 4, 0),
            Err(LumaError::Empty { width: 4, height: 4, target_width: 0 })
        );
        assert_eq!(Luma::from_yuv_y(&[0; 16], 3, 4, 4, 160), Err(LumaError::Stride { stride: 3, row: 4 }));
        assert_eq!(
            Luma::from_yuv_y(&[0; 15], 4, 4, 4, 160),
            Err(LumaError::Short { len: 15, width: 4, height: 4, stride: 4 })
        );
        // The last row needs only `width` bytes, not a whole stride.
        assert!(Luma::from_yuv_y(&[0; 14], 5, 4, 3, 160).is_ok());
        assert!(matches!(Luma::from_yuv_y(&[0; 16], usize::MAX, 4, 4, 160), Err(LumaError::Short { .. })));
        assert!(matches!(Luma::from_rgb(&[0; 11], 2, 2, 160), Err(LumaError::Short { .. })));
        assert!(matches!(Luma::from_rgb(&[], u32::MAX, u32::MAX, 160), Err(LumaError::Short { .. })));
    }

    #[test]
    fn rgb_uses_bt601_weights() {
        // White, black, pure red, pure green.
        let rgb = [255, 255, 255, 0, 0, 0, 255, 0, 0, 0, 255, 0];
        let grey = Luma::from_rgb(&rgb, 4, 1, 160).unwrap();
        assert_eq!(grey.pixels, vec![255, 0, 77, 149]);
        let small = Luma::from_rgb(&rgb, 4, 1, 2).unwrap();
        assert_eq!((small.width, small.height, small.pixels), (2, 1, vec![128, 113]));
    }

    #[test]
    fn mean_and_std_dev() {
        let flat = Luma::uniform(16, 8, 100);
        assert_eq!((flat.mean(), flat.std_dev()), (100.0, 0.0));
        let board = Luma::checkerboard(16, 8, 1, 0, 200);
        assert_eq!((board.mean(), board.std_dev()), (100.0, 100.0));
        let empty = Luma { width: 0, height: 0, pixels: vec![] };
        assert_eq!((empty.mean(), empty.std_dev()), (0.0, 0.0));
    }

    #[test]
    fn laplacian_variance_falls_with_blur() {
        assert_eq!(Luma::uniform(32, 32, 90).laplacian_variance(), 0.0);
        assert_eq!(Luma::from_fn(32, 32, |x, y| (3 * x + 2 * y) as u8).laplacian_variance(), 0.0);
        let sharp = Luma::checkerboard(160, 90, 4, 40, 210);
        let mut blurred = sharp.clone();
        for _ in 0..3 {
            blurred = blurred.box_blurred();
        }
        assert!(sharp.laplacian_variance() > 10.0 * blurred.laplacian_variance());
        assert_eq!(Luma::uniform(2, 2, 0).laplacian_variance(), 0.0);
    }

    #[test]
    fn dhash_is_stable_under_noise_and_brightness_but_not_content() {
        let scene = Luma::checkerboard(160, 90, 20, 40, 200).with_rect((30, 20, 90, 70), 120);
        let hash = scene.dhash();
        assert!(hamming(hash, scene.with_noise(7, 3).dhash()) <= 4);
        let brighter = Luma { pixels: scene.pixels.iter().map(|&p| p / 2 + 60).collect(), ..scene.clone() };
        assert!(hamming(hash, brighter.dhash()) <= 4);
        let other = Luma::checkerboard(160, 90, 13, 40, 200);
        assert!(hamming(hash, other.dhash()) > 16);
        assert_eq!(Luma { width: 0, height: 0, pixels: vec![] }.dhash(), 0);
        // Tiny frames are upsampled to 9x8 rather than rejected.
        let _ = Luma::gradient(3, 2).dhash();
    }

    #[test]
    fn hamming_counts_bits() {
        assert_eq!(hamming(0, 0), 0);
        assert_eq!(hamming(0b1011, 0b0001), 2);
        assert_eq!(hamming(0, u64::MAX), 64);
    }

    #[test]
    fn mean_abs_diff_needs_equal_sizes() {
        let a = Luma::uniform(8, 8, 100);
        let b = Luma::uniform(8, 8, 103);
        assert_eq!(a.mean_abs_diff(&b), Some(3.0));
        assert_eq!(a.mean_abs_diff(&a), Some(0.0));
        assert_eq!(a.mean_abs_diff(&Luma::uniform(8, 4, 100)), None);
    }

    #[test]
    fn short_pixel_buffers_are_measured_on_complete_rows() {
        let broken = Luma { width: 4, height: 4, pixels: vec![50; 9] };
        assert_eq!(broken.mean(), 50.0);
        assert_eq!(broken.laplacian_variance(), 0.0);
        let _ = broken.dhash();
        assert_eq!(broken.mean_abs_diff(&broken), Some(0.0));
    }
}
