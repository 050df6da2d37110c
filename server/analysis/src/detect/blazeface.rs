//! MediaPipe BlazeFace: per stride (16, then 32) one output of score logits `[1, anchors, 1]`
//! and one of regressions `[1, anchors, 4 + 2 * keypoints]`. Anchors sit at cell centres, several
//! per cell, cells row-major; a regression is the box centre offset and size in input pixels.

use super::input::{Layout, Pixels};
use super::nms::Candidate;
use super::output_slice;
use crate::detection::BBox;
use tract_onnx::prelude::{TValue, TractResult};

/// RGB scaled to -1..1, black padding.
pub(crate) const PIXELS: Pixels =
    Pixels { layout: Layout::Nhwc, bgr: false, mean: [127.5; 3], std: [127.5; 3], pad: 0 };

/// Strides of the output pairs, in output order.
const STRIDES: [usize; 2] = [16, 32];

#[derive(Debug, Clone, PartialEq)]
struct Level {
    stride: usize,
    columns: usize,
    per_cell: usize,
    anchors: usize,
}

/// The output layout, checked against the model when it is loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heads {
    levels: Vec<Level>,
    /// Values per anchor in the regression outputs.
    regression: usize,
}

impl Heads {
    /// Recognises the outputs: for strides 16 and 32, `[1, anchors, 1]` and `[1, anchors, r]`.
    pub(crate) fn new(shapes: &[Vec<usize>], width: usize, height: usize) -> Result<Self, String> {
        if shapes.len() != 2 * STRIDES.len() {
            return Err(format!("expected 4 outputs (scores and boxes at strides 16 and 32), found {}", shapes.len()));
        }
        let mut levels = vec![];
        let mut regression = None;
        for (pair, stride) in shapes.chunks_exact(2).zip(STRIDES) {
            let (scores, boxes) = (&pair[0], &pair[1]);
            let (&[1, anchors, 1], &[1, box_anchors, r]) = (scores.as_slice(), boxes.as_slice()) else {
                return Err(format!(
                    "expected [1, anchors, 1] and [1, anchors, values], found {scores:?} and {boxes:?}"
                ));
            };
            let (columns, rows) = (width.div_ceil(stride), height.div_ceil(stride));
            if box_anchors != anchors
                || r < 4
                || regression.is_some_and(|v| v != r)
                || !anchors.is_multiple_of(columns * rows)
            {
                return Err(format!(
                    "outputs {scores:?} and {boxes:?} do not fit a {columns}x{rows} grid at stride {stride}"
                ));
            }
            regression = Some(r);
            levels.push(Level { stride, columns, per_cell: anchors / (columns * rows), anchors });
        }
        Ok(Heads { levels, regression: regression.unwrap_or_default() })
    }

    /// Appends every anchor whose face probability is at least `threshold`, boxes in input pixels.
    pub(crate) fn decode(&self, outputs: &[TValue], threshold: f32, out: &mut Vec<Candidate>) -> TractResult<()> {
        for (i, level) in self.levels.iter().enumerate() {
            let logits = output_slice(outputs, 2 * i, level.anchors)?;
            let boxes = output_slice(outputs, 2 * i + 1, level.anchors * self.regression)?;
            let stride = level.stride as f32;
            for (anchor, (&logit, r)) in logits.iter().zip(boxes.chunks_exact(self.regression)).enumerate() {
                let score = sigmoid(logit);
                if score < threshold {
                    continue;
                }
                let cell = anchor / level.per_cell;
                let cx = ((cell % level.columns) as f32 + 0.5) * stride + r[0];
                let cy = ((cell / level.columns) as f32 + 0.5) * stride + r[1];
                let (half_w, half_h) = (r[2] / 2.0, r[3] / 2.0);
                let bbox = BBox { x0: cx - half_w, y0: cy - half_h, x1: cx + half_w, y1: cy + half_h };
                out.push(Candidate { class: 0, score, bbox });
            }
        }
        Ok(())
    }
}

/// The logistic function; the logits can be hundreds below zero.
fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-80.0, 80.0)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::test_images::{detect_in, models};
    use crate::detect::Detector;
    use tract_onnx::prelude::{IntoTValue, Tensor};

    #[test]
    fn recognises_the_committed_layout() {
        let shapes = [vec![1, 512, 1], vec![1, 512, 16], vec![1, 384, 1], vec![1, 384, 16]];
        let heads = Heads::new(&shapes, 256, 256).unwrap();
        let levels: Vec<(usize, usize, usize)> =
            heads.levels.iter().map(|l| (l.stride, l.columns, l.per_cell)).collect();
        assert_eq!(levels, [(16, 16, 2), (32, 8, 6)]);
        assert!(Heads::new(&shapes[..2], 256, 256).is_err());
        assert!(Heads::new(&shapes, 416, 416).is_err());
    }

    #[test]
    fn decodes_a_hand_built_output() {
        // A 64x64 input: stride 16 is a 4x4 grid with one anchor a cell, stride 32 a 2x2 grid.
        let heads = Heads::new(&[vec![1, 16, 1], vec![1, 16, 4], vec![1, 4, 1], vec![1, 4, 4]], 64, 64).unwrap();
        let mut logits = vec![-300.0f32; 16];
        logits[6] = 3.0; // column 2, row 1: anchor centre (40, 24)
        let mut boxes = vec![0.0f32; 64];
        boxes[6 * 4..][..4].copy_from_slice(&[2.0, -4.0, 10.0, 20.0]);
        let outputs = [
            Tensor::from_shape(&[1, 16, 1], &logits).unwrap().into_tvalue(),
            Tensor::from_shape(&[1, 16, 4], &boxes).unwrap().into_tvalue(),
            Tensor::from_shape(&[1, 4, 1], &[-1e6f32; 4]).unwrap().into_tvalue(),
            Tensor::from_shape(&[1, 4, 4], &[0.0f32; 16]).unwrap().into_tvalue(),
        ];
        let mut found = vec![];
        heads.decode(&outputs, 0.5, &mut found).unwrap();
        assert_eq!(found.len(), 1);
        assert!((found[0].score - 0.952_574).abs() < 1e-5);
        assert_eq!(found[0].bbox, BBox { x0: 37.0, y0: 10.0, x1: 47.0, y1: 30.0 });
    }

    #[test]
    fn finds_one_face_in_astronaut() {
        let detector = Detector::blazeface_default(&models()).unwrap();
        let found = detect_in(&detector, "astronaut.jpg");
        assert_eq!(found.len(), 1, "{found:?}");
        let face = &found[0];
        assert_eq!(face.label, "face");
        assert!(face.score > 0.8, "{face:?}");
        // About [171, 74, 278, 180] in the 512x512 picture.
        let b = &face.bbox;
        let centre = ((b.x0 + b.x1) / 2.0 * 512.0, (b.y0 + b.y1) / 2.0 * 512.0);
        assert!((centre.0 - 224.0).abs() < 15.0 && (centre.1 - 127.0).abs() < 15.0, "{b:?}");
        assert!((80.0..130.0).contains(&((b.x1 - b.x0) * 512.0)), "{b:?}");
    }
}
