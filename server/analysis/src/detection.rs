//! What a detector reports: labelled, scored boxes in normalized image coordinates.

use serde::{Deserialize, Serialize};

/// One object found in a frame.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Detection {
    /// Class name from the model's label map, e.g. `person` or `cat`.
    pub label: String,
    /// Confidence in 0..1.
    pub score: f32,
    pub bbox: BBox,
}

/// An axis-aligned box. In a [`Detection`] the coordinates are fractions of the frame's width
/// and height (0..1, origin top left); the helpers work in any unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BBox {
    pub x0: f32,
    pub y0: f32,
    pub x1: f32,
    pub y1: f32,
}

impl BBox {
    /// Area, zero for an empty or inverted box.
    pub fn area(&self) -> f32 {
        (self.x1 - self.x0).max(0.0) * (self.y1 - self.y0).max(0.0)
    }

    /// Area of the overlap with `other`, zero when they are disjoint.
    pub fn intersection_area(&self, other: &BBox) -> f32 {
        let w = self.x1.min(other.x1) - self.x0.max(other.x0);
        let h = self.y1.min(other.y1) - self.y0.max(other.y0);
        w.max(0.0) * h.max(0.0)
    }

    /// The middle of the bottom edge: where a person or animal stands, or an object rests.
    pub fn bottom_centre(&self) -> [f32; 2] {
        [(self.x0 + self.x1) / 2.0, self.y1]
    }

    /// Intersection over union, in 0..1; zero when both boxes are empty.
    pub fn iou(&self, other: &BBox) -> f32 {
        let inter = self.intersection_area(other);
        let union = self.area() + other.area() - inter;
        if union > 0.0 {
            inter / union
        } else {
            0.0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::BBox;

    #[test]
    fn area_intersection_and_iou() {
        let a = BBox { x0: 0.0, y0: 0.0, x1: 2.0, y1: 2.0 };
        let b = BBox { x0: 1.0, y0: 1.0, x1: 3.0, y1: 3.0 };
        assert_eq!(a.area(), 4.0);
        assert_eq!(a.intersection_area(&b), 1.0);
        assert!((a.iou(&b) - 1.0 / 7.0).abs() < 1e-6);
        assert_eq!(a.iou(&a), 1.0);
        let far = BBox { x0: 5.0, y0: 5.0, x1: 6.0, y1: 6.0 };
        assert_eq!(a.iou(&far), 0.0);
        let inverted = BBox { x0: 1.0, y0: 1.0, x1: 0.0, y1: 0.0 };
        assert_eq!(inverted.area(), 0.0);
        assert_eq!(inverted.iou(&inverted), 0.0);
    }
}
