//! The domain: the vocabulary shared by the server and the browser (IDs and the closed sets of
//! values, in [`vocab`]), and the business rules that do not belong to any one part of the
//! server: pure functions and types, the current moment passed in, unit-tested on simulated
//! time. The database layer persists what these decide; handlers and workers call them.
//!
//! No I/O, no clock, no framework: this crate depends on serde, chrono, thiserror and pure
//! hashing crates only, and compiles to WebAssembly for the browser.

pub mod access;
pub mod account;
pub mod audit;
pub mod calendar;
pub mod china_time;
pub mod complaint;
pub mod contract;
pub mod dispute;
pub mod feedback_request;
pub mod kpi;
pub mod licence;
pub mod patrol;
pub mod picture;
pub mod placement;
pub mod programme;
pub mod push;
pub mod recording;
pub mod rectification;
pub mod report;
pub mod review;
pub mod risk;
pub mod satisfaction;
pub mod subscriber;
pub mod text;
pub mod timeline;
pub mod venue;
pub mod vocab;
