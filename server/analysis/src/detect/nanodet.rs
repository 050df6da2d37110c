//! NanoDet (legacy GFL head, as in the committed `nanodet-g.onnx`): per stride one output of
//! class scores `[1, cells, classes]` (sigmoid applied) and one of box distributions
//! `[1, cells, 4 * bins]` (left, top, right, bottom; a softmax over `bins` distances each).

use super::input::{Layout, Pixels};
use super::nms::Candidate;
use super::output_slice;
use crate::detection::BBox;
use tract_onnx::prelude::{TValue, TractResult};

/// BGR, `(v - mean) / std`, black padding: NanoDet's training preprocessing.
pub(crate) const PIXELS: Pixels =
    Pixels { layout: Layout::Nchw, bgr: true, mean: [103.53, 116.28, 123.675], std: [57.375, 57.12, 58.395], pad: 0 };

/// Strides NanoDet variants use; each output pair's stride is recognised by its cell count.
const STRIDES: [usize; 5] = [8, 16, 32, 64, 128];

/// One detection level: a square-celled grid at one stride.
#[derive(Debug, Clone, PartialEq)]
struct Level {
    stride: usize,
    /// Cells per row.
    columns: usize,
    cells: usize,
}

/// The output layout, checked against the model when it is loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Heads {
    levels: Vec<Level>,
    classes: usize,
    /// Distance bins per side (`reg_max + 1`).
    bins: usize,
}

impl Heads {
    /// Recognises the outputs: pairs of `[1, cells, classes]` and `[1, cells, 4 * bins]`.
    pub(crate) fn new(shapes: &[Vec<usize>], width: usize, height: usize, classes: usize) -> Result<Self, String> {
        if shapes.is_empty() || !shapes.len().is_multiple_of(2) {
            return Err(format!("expected pairs of class and box outputs, found {} outputs", shapes.len()));
        }
        let mut levels = vec![];
        let mut bins = None;
        for pair in shapes.chunks_exact(2) {
            let (cls, reg) = (&pair[0], &pair[1]);
            let (&[1, cells, c], &[1, reg_cells, sides]) = (cls.as_slice(), reg.as_slice()) else {
                return Err(format!(
                    "expected [1, cells, classes] and [1, cells, 4 * bins], found {cls:?} and {reg:?}"
                ));
            };
            if c != classes {
                return Err(format!("the label map has {classes} names but the model scores {c} classes"));
            }
            if reg_cells != cells || sides % 4 != 0 || sides < 8 || bins.is_some_and(|b| b != sides / 4) {
                return Err(format!("box output {reg:?} does not match class output {cls:?}"));
            }
            bins = Some(sides / 4);
            let stride = STRIDES
                .into_iter()
                .find(|s| width.div_ceil(*s) * height.div_ceil(*s) == cells)
                .ok_or_else(|| format!("{cells} cells match no stride of a {width}x{height} input"))?;
            levels.push(Level { stride, columns: width.div_ceil(stride), cells });
        }
        Ok(Heads { levels, classes, bins: bins.unwrap_or_default() })
    }

    /// Appends every (cell, class) scoring at least `threshold`, boxes in input pixels.
    pub(crate) fn decode(&self, outputs: &[TValue], threshold: f32, out: &mut Vec<Candidate>) -> TractResult<()> {
        let per_cell = 4 * self.bins;
        for (i, level) in self.levels.iter().enumerate() {
            let cls = output_slice(outputs, 2 * i, level.cells * self.classes)?;
            let reg = output_slice(outputs, 2 * i + 1, level.cells * per_cell)?;
            let stride = level.stride as f32;
            for (cell, scores) in cls.chunks_exact(self.classes).enumerate() {
                let mut bbox = None;
                for (class, &score) in scores.iter().enumerate() {
                    if score < threshold {
                        continue;
                    }
                    let bbox = *bbox.get_or_insert_with(|| {
                        let cx = ((cell % level.columns) as f32 + 0.5) * stride;
                        let cy = ((cell / level.columns) as f32 + 0.5) * stride;
                        let d = self.distances(&reg[cell * per_cell..][..per_cell], stride);
                        BBox { x0: cx - d[0], y0: cy - d[1], x1: cx + d[2], y1: cy + d[3] }
                    });
                    out.push(Candidate { class, score, bbox });
                }
            }
        }
        Ok(())
    }

    /// Left, top, right and bottom distances: each side's expected bin under a softmax of its
    /// logits, times the stride.
    fn distances(&self, logits: &[f32], stride: f32) -> [f32; 4] {
        let mut d = [0.0; 4];
        for (side, logits) in d.iter_mut().zip(logits.chunks_exact(self.bins)) {
            let max = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let (mut sum, mut weighted) = (0.0, 0.0);
            for (k, &l) in logits.iter().enumerate() {
                let e = (l - max).exp();
                sum += e;
                weighted += k as f32 * e;
            }
            *side = weighted / sum * stride;
        }
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::test_images::{detect_in, models};
    use crate::detect::Detector;
    use tract_onnx::prelude::{IntoTValue, Tensor};

    #[test]
    fn recognises_the_committed_layout() {
        let shapes: Vec<Vec<usize>> = [2704, 676, 169].iter().flat_map(|&n| [vec![1, n, 80], vec![1, n, 44]]).collect();
        let heads = Heads::new(&shapes, 416, 416, 80).unwrap();
        let strides: Vec<(usize, usize)> = heads.levels.iter().map(|l| (l.stride, l.columns)).collect();
        assert_eq!(strides, [(8, 52), (16, 26), (32, 13)]);
        assert_eq!(heads.bins, 11);
        assert!(Heads::new(&shapes, 416, 416, 3).unwrap_err().contains("label map has 3 names"));
        assert!(Heads::new(&shapes[..3], 416, 416, 80).is_err());
        assert!(Heads::new(&shapes, 320, 320, 80).unwrap_err().contains("no stride"));
    }

    #[test]
    fn decodes_a_hand_built_output() {
        // One 16x16 input at stride 8: a 2x2 grid, 2 classes, 3 bins per side.
        let heads = Heads::new(&[vec![1, 4, 2], vec![1, 4, 12]], 16, 16, 2).unwrap();
        let mut cls = vec![0.0f32; 8];
        cls[3 * 2 + 1] = 0.9; // cell 3 (column 1, row 1, centre 12,12), class 1
        let mut reg = vec![0.0f32; 4 * 12];
        // Cell 3: left certain at bin 1 (8 px), top certain at bin 2 (16 px), right and bottom
        // even over 3 bins (expected bin 1, 8 px).
        let cell = &mut reg[3 * 12..][..12];
        cell[1] = 50.0;
        cell[3 + 2] = 50.0;
        let outputs = [
            Tensor::from_shape(&[1, 4, 2], &cls).unwrap().into_tvalue(),
            Tensor::from_shape(&[1, 4, 12], &reg).unwrap().into_tvalue(),
        ];
        let mut found = vec![];
        heads.decode(&outputs, 0.5, &mut found).unwrap();
        assert_eq!(found.len(), 1);
        let c = found[0];
        assert_eq!((c.class, c.score), (1, 0.9));
        let want = BBox { x0: 4.0, y0: -4.0, x1: 20.0, y1: 20.0 };
        for (got, want) in [c.bbox.x0, c.bbox.y0, c.bbox.x1, c.bbox.y1].iter().zip([want.x0, want.y0, want.x1, want.y1])
        {
            assert!((got - want).abs() < 1e-3, "{:?}", c.bbox);
        }
    }

    #[test]
    fn finds_the_astronaut_and_not_a_cat() {
        let detector = Detector::nanodet_default(&models()).unwrap();
        let found = detect_in(&detector, "astronaut.jpg");
        let people: Vec<_> = found.iter().filter(|d| d.label == "person").collect();
        assert_eq!(people.len(), 1, "{found:?}");
        let p = people[0];
        assert!(p.score >= 0.5, "{p:?}");
        // The astronaut fills the left two thirds of the picture, from the top to the bottom edge.
        let b = &p.bbox;
        assert!(b.x0 < 0.1 && b.y0 < 0.1 && (0.6..0.8).contains(&b.x1) && b.y1 > 0.9, "{b:?}");
        assert!(!found.iter().any(|d| d.label == "cat"), "{found:?}");
    }

    #[test]
    fn finds_chelsea_the_cat() {
        let detector = Detector::nanodet_default(&models()).unwrap();
        let found = detect_in(&detector, "chelsea.jpg");
        let cats: Vec<_> = found.iter().filter(|d| d.label == "cat").collect();
        assert_eq!(cats.len(), 1, "{found:?}");
        assert!(cats[0].score >= 0.5 && cats[0].bbox.area() > 0.8, "{:?}", cats[0]);
        assert!(!found.iter().any(|d| d.label == "person"), "{found:?}");
    }
}
