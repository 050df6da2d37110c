//! Frame analysis: camera health (dark, covered, frozen, looped, blurred, moved, offline) and
//! AI capture (a detector's boxes turned into events by rules) on sampled frames of every
//! camera. The checks, the sampler, the queue and the rules are sans-IO and tested on
//! synthetic data; `service` is the thin driver.

pub mod decode;
pub mod detect;
pub mod detection;
pub mod health;
pub mod luma;
pub mod pipeline;
pub mod queue;
pub mod rules;
pub mod sampler;
mod service;
pub mod snapshot;
pub mod store;

pub use service::{AnalyseMode, Analysis, AnalysisConfig, AnalysisError, AnalysisFigures, DetectorChoice};
