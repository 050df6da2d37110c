//! How a display screen arranges its cameras: an even grid sized by their count, or one
//! camera large (promoted in turn) beside a column of the others.

/// The grid for a number of cameras.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridLayout {
    Empty,
    /// `cols` × `rows` equal cells.
    Even {
        cols: usize,
        rows: usize,
    },
    /// One large camera and a column of `others`.
    Feature {
        others: usize,
    },
}

impl GridLayout {
    /// With promotion on and at least three cameras, one is shown large; two fit side by side
    /// and one fills the screen anyway.
    pub fn for_cameras(count: usize, promote_seconds: u32) -> GridLayout {
        match count {
            0 => GridLayout::Empty,
            n if n >= 3 && promote_seconds > 0 => GridLayout::Feature { others: n - 1 },
            n => {
                // Columns first (screens are landscape): 1, 2×1, 2×2, 3×2, 3×3, 4×3, …
                let cols = (1..).find(|c| c * c >= n).unwrap_or(1);
                let rows = n.div_ceil(cols);
                GridLayout::Even { cols, rows }
            }
        }
    }

    pub fn promotes(self) -> bool {
        matches!(self, GridLayout::Feature { .. })
    }

    pub fn is_empty(self) -> bool {
        self == GridLayout::Empty
    }

    pub fn class(self) -> &'static str {
        match self {
            GridLayout::Feature { .. } => "display-grid display-feature",
            _ => "display-grid",
        }
    }

    /// Custom properties the stylesheet sizes the grid with.
    pub fn style(self) -> String {
        match self {
            GridLayout::Empty => String::new(),
            GridLayout::Even { cols, rows } => format!("--cols: {cols}; --rows: {rows}"),
            GridLayout::Feature { others } => format!("--others: {others}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::GridLayout::*;
    use super::*;

    #[test]
    fn even_grids_grow_columns_first() {
        let shapes: Vec<GridLayout> = (1..=10).map(|n| GridLayout::for_cameras(n, 0)).collect();
        assert_eq!(
            shapes,
            [
                Even { cols: 1, rows: 1 },
                Even { cols: 2, rows: 1 },
                Even { cols: 2, rows: 2 },
                Even { cols: 2, rows: 2 },
                Even { cols: 3, rows: 2 },
                Even { cols: 3, rows: 2 },
                Even { cols: 3, rows: 3 },
                Even { cols: 3, rows: 3 },
                Even { cols: 3, rows: 3 },
                Even { cols: 4, rows: 3 },
            ]
        );
    }

    #[test]
    fn promotion_needs_three_cameras_and_a_period() {
        assert_eq!(GridLayout::for_cameras(0, 20), Empty);
        assert_eq!(GridLayout::for_cameras(2, 20), Even { cols: 2, rows: 1 });
        assert_eq!(GridLayout::for_cameras(5, 20), Feature { others: 4 });
        assert_eq!(GridLayout::for_cameras(5, 0), Even { cols: 3, rows: 2 });
        assert!(GridLayout::for_cameras(3, 1).promotes());
        assert_eq!(Feature { others: 4 }.style(), "--others: 4");
    }
}
