//! Greedy non-maximum suppression, class by class.

use crate::detection::BBox;

/// A box before suppression, in model input pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Candidate {
    /// Index into the label map.
    pub class: usize,
    pub score: f32,
    pub bbox: BBox,
}

/// Sorts by descending score and drops every candidate that overlaps a better one of the same
/// class with an IoU above `max_iou`. Candidates of different classes never suppress each other.
pub(crate) fn suppress(candidates: &mut Vec<Candidate>, max_iou: f32) {
    candidates.sort_unstable_by(|a, b| b.score.total_cmp(&a.score));
    let mut kept = 0;
    for i in 0..candidates.len() {
        let c = candidates[i];
        if candidates[..kept].iter().all(|k| k.class != c.class || k.bbox.iou(&c.bbox) <= max_iou) {
            candidates[kept] = c;
            kept += 1;
        }
    }
    candidates.truncate(kept);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(class: usize, score: f32, x0: f32) -> Candidate {
        Candidate { class, score, bbox: BBox { x0, y0: 0.0, x1: x0 + 10.0, y1: 10.0 } }
    }

    #[test]
    fn keeps_the_best_of_each_overlapping_group_per_class() {
        let mut c = vec![
            cand(0, 0.5, 1.0),  // overlaps the 0.9 person (IoU 0.82): dropped
            cand(0, 0.9, 0.0),  // best person
            cand(1, 0.7, 0.0),  // same place, other class: kept
            cand(0, 0.6, 20.0), // person elsewhere: kept
            cand(0, 0.8, 5.0),  // IoU 0.33 with the best person: kept at 0.6, dropped at 0.3
        ];
        let mut strict = c.clone();
        suppress(&mut c, 0.6);
        let kept: Vec<(usize, f32)> = c.iter().map(|c| (c.class, c.score)).collect();
        assert_eq!(kept, [(0, 0.9), (0, 0.8), (1, 0.7), (0, 0.6)]);
        suppress(&mut strict, 0.3);
        let kept: Vec<(usize, f32)> = strict.iter().map(|c| (c.class, c.score)).collect();
        assert_eq!(kept, [(0, 0.9), (1, 0.7), (0, 0.6)]);
    }

    #[test]
    fn empty_input() {
        let mut c = vec![];
        suppress(&mut c, 0.5);
        assert!(c.is_empty());
    }
}
