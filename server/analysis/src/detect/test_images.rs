//! Test support: the committed models and photographs.

use super::Detector;
use crate::detection::Detection;
use std::path::PathBuf;

/// The repository's `models/` directory.
pub(crate) fn models() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../models"))
}

/// Decodes `models/testdata/{name}` and runs the detector on it.
pub(crate) fn detect_in(detector: &Detector, name: &str) -> Vec<Detection> {
    let jpeg = std::fs::read(models().join("testdata").join(name)).unwrap();
    let mut decoder = zune_jpeg::JpegDecoder::new(std::io::Cursor::new(jpeg));
    let rgb = decoder.decode().unwrap();
    let (width, height) = decoder.dimensions().unwrap();
    detector.detect(&rgb, width, height).unwrap()
}
