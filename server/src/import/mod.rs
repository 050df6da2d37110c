//! `mingchu import`: venues, licences and inspections from CSV files, as regulators keep them.
//!
//! Every row is checked before anything is written, and every problem is reported with its row
//! number (the header is row 1, as in a spreadsheet). Then all rows are written in one
//! transaction, or none. Records are matched on their natural keys (credit code, licence
//! number, inspection reference), so importing the same file again changes nothing.

mod parse;

pub use parse::{parse, FindingRecord, InspectionRecord, LicenceRecord, Records, VenueRecord};

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ImportKind {
    Venues,
    Licences,
    Inspections,
}

/// One problem in one row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowError {
    /// Spreadsheet row number (the header is row 1).
    pub row: usize,
    pub column: Option<&'static str>,
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.column {
            Some(c) => write!(f, "row {}, {c}: {}", self.row, self.message),
            None => write!(f, "row {}: {}", self.row, self.message),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("cannot read {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("the file is not valid CSV: {0}")]
    Csv(#[from] csv::Error),
    #[error("missing columns: {}; the header must name {}", .missing.join(", "), .expected.join(", "))]
    MissingColumns { missing: Vec<&'static str>, expected: Vec<&'static str> },
    #[error("{} problem(s); nothing was imported:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Invalid(Vec<RowError>),
}

/// What an import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} added, {} updated, {} unchanged", self.added, self.updated, self.unchanged)
    }
}
