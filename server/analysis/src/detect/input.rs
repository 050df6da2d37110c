//! Turning an RGB frame into a model's input tensor.

use super::letterbox::Letterbox;
use tract_onnx::prelude::{Tensor, TractResult};

/// Memory order of a 4-D image input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Layout {
    /// `[1, channels, height, width]`
    Nchw,
    /// `[1, height, width, channels]`
    Nhwc,
}

/// How a model wants its pixels: layout, channel order, `(v - mean) / std` per channel (in
/// the model's channel order, `v` in 0..255), and the grey level of the letterbox padding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pixels {
    pub layout: Layout,
    pub bgr: bool,
    pub mean: [f32; 3],
    pub std: [f32; 3],
    pub pad: u8,
}

impl Pixels {
    /// The input shape for a `width` x `height` image.
    pub(crate) fn shape(&self, width: usize, height: usize) -> [usize; 4] {
        match self.layout {
            Layout::Nchw => [1, 3, height, width],
            Layout::Nhwc => [1, height, width, 3],
        }
    }

    /// Letterboxes the frame into a new `width` x `height` input tensor.
    pub(crate) fn tensor(&self, rgb: &[u8], lb: &Letterbox, width: usize, height: usize) -> TractResult<Tensor> {
        let mut tensor = Tensor::zero::<f32>(&self.shape(width, height))?;
        let mut view = tensor.try_as_plain_ram_mut()?;
        self.fill(view.as_slice_mut::<f32>()?, rgb, lb, width, height);
        Ok(tensor)
    }

    /// Writes the padding and the resampled frame into `data`, laid out as [`Pixels::shape`].
    fn fill(&self, data: &mut [f32], rgb: &[u8], lb: &Letterbox, width: usize, height: usize) {
        let scale = self.std.map(|s| 1.0 / s);
        let norm = |c: usize, v: f32| (v - self.mean[c]) * scale[c];
        let pad = [0, 1, 2].map(|c| norm(c, f32::from(self.pad)));
        let plane = width * height;
        match self.layout {
            Layout::Nchw => data.chunks_exact_mut(plane).zip(pad).for_each(|(p, v)| p.fill(v)),
            Layout::Nhwc => data.chunks_exact_mut(3).for_each(|p| p.copy_from_slice(&pad)),
        }
        // Model channel c reads frame channel order[c].
        let order = if self.bgr { [2, 1, 0] } else { [0, 1, 2] };
        lb.resample(rgb, |x, y, px| {
            for (c, &src) in order.iter().enumerate() {
                let at = match self.layout {
                    Layout::Nchw => c * plane + y * width + x,
                    Layout::Nhwc => (y * width + x) * 3 + c,
                };
                data[at] = norm(c, px[src]);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nchw_bgr_with_padding() {
        let pixels = Pixels { layout: Layout::Nchw, bgr: true, mean: [1.0, 2.0, 3.0], std: [2.0, 2.0, 2.0], pad: 0 };
        // A 2x2 red frame in a 2x4 input: rows 1 and 2 are the frame, rows 0 and 3 padding.
        let lb = Letterbox::new(2, 2, 2, 4);
        let t = pixels.tensor(&[255, 0, 0].repeat(4), &lb, 2, 4).unwrap();
        assert_eq!(t.shape(), &[1, 3, 4, 2]);
        let v = t.to_plain_array_view::<f32>().unwrap();
        // Channel 0 is blue, 2 is red.
        assert_eq!(v[[0, 0, 0, 0]], -0.5);
        assert_eq!(v[[0, 2, 0, 1]], -1.5);
        assert_eq!(v[[0, 0, 1, 0]], -0.5);
        assert_eq!(v[[0, 2, 1, 0]], 126.0);
        assert_eq!(v[[0, 2, 2, 1]], 126.0);
        assert_eq!(v[[0, 2, 3, 1]], -1.5);
    }

    #[test]
    fn nhwc_rgb_with_grey_padding() {
        let pixels = Pixels { layout: Layout::Nhwc, bgr: false, mean: [0.0; 3], std: [255.0; 3], pad: 51 };
        // A 2x2 red frame in a 4x2 input: columns 1 and 2 are the frame.
        let lb = Letterbox::new(2, 2, 4, 2);
        let t = pixels.tensor(&[255, 0, 0].repeat(4), &lb, 4, 2).unwrap();
        assert_eq!(t.shape(), &[1, 2, 4, 3]);
        let v = t.to_plain_array_view::<f32>().unwrap();
        assert!((v[[0, 0, 0, 0]] - 0.2).abs() < 1e-6);
        assert_eq!(v[[0, 0, 1, 0]], 1.0);
        assert_eq!(v[[0, 1, 2, 1]], 0.0);
        assert!((v[[0, 1, 3, 2]] - 0.2).abs() < 1e-6);
    }
}
