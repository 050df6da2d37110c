//! Ultralytics YOLO ONNX exports. The first output holds, for every anchor, a box `cx, cy, w, h`
//! in input pixels and the class scores: YOLOv8 and later as `[1, 4 + classes, anchors]`,
//! YOLOv5 as `[1, anchors, 5 + classes]` with an objectness score before the class scores.
//! Either orientation is accepted for both. Other outputs (such as segmentation masks) are ignored.

use super::input::{Layout, Pixels};
use super::nms::Candidate;
use super::output_slice;
use crate::detection::BBox;
use tract_onnx::prelude::{TValue, TractResult};

/// RGB scaled to 0..1, grey padding, as Ultralytics' letterbox.
pub(crate) const PIXELS: Pixels =
    Pixels { layout: Layout::Nchw, bgr: false, mean: [0.0; 3], std: [255.0; 3], pad: 114 };

/// The layout of the first output, checked against the model when it is loaded.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Head {
    anchors: usize,
    /// Values per anchor: 4 box values, objectness if any, then the class scores.
    values: usize,
    objectness: bool,
    /// Whether an anchor's values are contiguous (`[1, anchors, values]`).
    anchor_major: bool,
}

impl Head {
    /// Recognises the first output for a label map of `classes` names.
    pub(crate) fn new(shapes: &[Vec<usize>], classes: usize) -> Result<Self, String> {
        let Some(&[1, a, b]) = shapes.first().map(Vec::as_slice) else {
            return Err(format!(
                "expected a first output of [1, values, anchors] or [1, anchors, values], found {:?}",
                shapes.first()
            ));
        };
        // There are always more anchors than values per anchor.
        let (anchors, values, anchor_major) = if a > b { (a, b, true) } else { (b, a, false) };
        let objectness = match values.checked_sub(classes) {
            Some(4) => false,
            Some(5) => true,
            _ => {
                return Err(format!(
                    "{values} values per anchor fit neither YOLOv8 (4 + {classes} classes) nor YOLOv5 (5 + {classes} classes); \
                     check the label map"
                ))
            }
        };
        Ok(Head { anchors, values, objectness, anchor_major })
    }

    /// Appends each anchor's best class when its score (times objectness, for YOLOv5) is at
    /// least `threshold`, boxes in input pixels.
    pub(crate) fn decode(&self, outputs: &[TValue], threshold: f32, out: &mut Vec<Candidate>) -> TractResult<()> {
        let data = output_slice(outputs, 0, self.anchors * self.values)?;
        let at = |anchor: usize, value: usize| {
            if self.anchor_major {
                data[anchor * self.values + value]
            } else {
                data[value * self.anchors + anchor]
            }
        };
        let first_class = if self.objectness { 5 } else { 4 };
        for anchor in 0..self.anchors {
            let objectness = if self.objectness { at(anchor, 4) } else { 1.0 };
            if objectness < threshold {
                continue;
            }
            let (class, best) = (first_class..self.values)
                .map(|v| (v - first_class, at(anchor, v)))
                .fold((0, f32::NEG_INFINITY), |best, c| if c.1 > best.1 { c } else { best });
            let score = objectness * best;
            if score < threshold {
                continue;
            }
            let (cx, cy, half_w, half_h) = (at(anchor, 0), at(anchor, 1), at(anchor, 2) / 2.0, at(anchor, 3) / 2.0);
            let bbox = BBox { x0: cx - half_w, y0: cy - half_h, x1: cx + half_w, y1: cy + half_h };
            out.push(Candidate { class, score, bbox });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::nms::suppress;
    use tract_onnx::prelude::{IntoTValue, Tensor};

    /// Anchors as `[cx, cy, w, h, (objectness,) scores...]`, laid out as `head` expects.
    fn output(head: &Head, anchors: &[Vec<f32>]) -> TValue {
        let (n, v) = (head.anchors, head.values);
        let mut data = vec![0.0f32; n * v];
        for (a, values) in anchors.iter().enumerate() {
            for (i, &x) in values.iter().enumerate() {
                data[if head.anchor_major { a * v + i } else { i * n + a }] = x;
            }
        }
        let shape = if head.anchor_major { [1, n, v] } else { [1, v, n] };
        Tensor::from_shape(&shape, &data).unwrap().into_tvalue()
    }

    #[test]
    fn recognises_v8_and_v5_layouts() {
        let v8 = Head::new(&[vec![1, 84, 8400]], 80).unwrap();
        assert_eq!(v8, Head { anchors: 8400, values: 84, objectness: false, anchor_major: false });
        let v5 = Head::new(&[vec![1, 25200, 85], vec![1, 3, 80, 80, 85]], 80).unwrap();
        assert_eq!(v5, Head { anchors: 25200, values: 85, objectness: true, anchor_major: true });
        assert!(Head::new(&[vec![1, 84, 8400]], 3).unwrap_err().contains("label map"));
        assert!(Head::new(&[vec![1, 300, 6]], 80).is_err());
        assert!(Head::new(&[], 80).is_err());
    }

    #[test]
    fn decodes_v8_output() {
        // 2 classes, 8 anchors: values [cx, cy, w, h, class 0, class 1].
        let head = Head::new(&[vec![1, 6, 8]], 2).unwrap();
        assert!(!head.objectness && !head.anchor_major);
        let mut anchors = vec![vec![0.0; 6]; 8];
        anchors[0] = vec![100.0, 100.0, 40.0, 80.0, 0.9, 0.1]; // class 0
        anchors[1] = vec![102.0, 101.0, 40.0, 80.0, 0.8, 0.2]; // same object, weaker: suppressed
        anchors[2] = vec![100.0, 100.0, 40.0, 80.0, 0.1, 0.7]; // class 1 at the same place: kept
        anchors[3] = vec![300.0, 200.0, 20.0, 20.0, 0.3, 0.2]; // below the threshold
        let mut found = vec![];
        head.decode(&[output(&head, &anchors)], 0.5, &mut found).unwrap();
        assert_eq!(found.len(), 3);
        suppress(&mut found, 0.45);
        let kept: Vec<(usize, f32)> = found.iter().map(|c| (c.class, c.score)).collect();
        assert_eq!(kept, [(0, 0.9), (1, 0.7)]);
        assert_eq!(found[0].bbox, BBox { x0: 80.0, y0: 60.0, x1: 120.0, y1: 140.0 });
    }

    #[test]
    fn decodes_v5_output_with_objectness() {
        // 1 class, 8 anchors: values [cx, cy, w, h, objectness, class 0].
        let head = Head::new(&[vec![1, 8, 6]], 1).unwrap();
        assert!(head.objectness && head.anchor_major);
        let mut anchors = vec![vec![0.0; 6]; 8];
        anchors[2] = vec![50.0, 60.0, 10.0, 20.0, 0.8, 0.9]; // 0.72
        anchors[5] = vec![10.0, 10.0, 4.0, 4.0, 0.4, 1.0]; // objectness too low
        anchors[6] = vec![10.0, 10.0, 4.0, 4.0, 0.9, 0.5]; // 0.45, too low
        let mut found = vec![];
        head.decode(&[output(&head, &anchors)], 0.5, &mut found).unwrap();
        assert_eq!(found.len(), 1);
        assert!((found[0].score - 0.72).abs() < 1e-6);
        assert_eq!(found[0].bbox, BBox { x0: 45.0, y0: 50.0, x1: 55.0, y1: 70.0 });
    }
}
