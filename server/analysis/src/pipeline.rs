//! What a worker does with one sample: decode, health checks, detector, rules, snapshot. The
//! results go to the async side to be stored; nothing here waits on I/O.

use super::decode::{decode_last, Picture};
use super::detect::Detector;
use super::health::{HealthConfig, HealthState, HealthTracker, Transition};
use super::rules::{Capture, RuleEngine};
use super::snapshot;
use bytes::Bytes;
use chrono::{DateTime, Utc};
use mingchu_domain::vocab::CameraId;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Instant;

/// One sample of a camera: access units to decode (the picture is the last one's).
pub struct Job {
    pub units: Vec<Bytes>,
    pub at: DateTime<Utc>,
}

/// What the pipeline found, to be stored.
#[derive(Debug)]
pub enum Outcome {
    Health { camera: CameraId, transition: Transition },
    Capture { camera: CameraId, capture: Capture, jpeg: Vec<u8> },
}

/// Running totals for the metrics endpoint and the benchmarks.
#[derive(Debug, Default)]
pub struct Stats {
    pub samples: AtomicU64,
    pub decode_errors: AtomicU64,
    pub detections: AtomicU64,
    pub captures: AtomicU64,
    /// Time spent in the detector, in microseconds.
    pub detector_us: AtomicU64,
}

pub struct Pipeline {
    health_config: HealthConfig,
    trackers: Mutex<HashMap<CameraId, HealthTracker>>,
    rules: Mutex<RuleEngine>,
    detector: Option<Detector>,
    pub stats: Stats,
}

impl Pipeline {
    pub fn new(health_config: HealthConfig, rules: RuleEngine, detector: Option<Detector>) -> Pipeline {
        Pipeline {
            health_config,
            trackers: Mutex::default(),
            rules: Mutex::new(rules),
            detector,
            stats: Stats::default(),
        }
    }

    /// Analyses one sample; returns what changed.
    /// Forgets a camera's health history (after its analysis failed half-way): the next
    /// sample starts it afresh.
    pub fn forget(&self, camera: CameraId) {
        self.trackers.lock().unwrap_or_else(std::sync::PoisonError::into_inner).remove(&camera);
    }

    pub fn process(&self, camera: CameraId, job: Job) -> Vec<Outcome> {
        self.stats.samples.fetch_add(1, Ordering::Relaxed);
        let picture = match decode_last(&job.units, self.detector.is_some()) {
            Ok(picture) => picture,
            Err(e) => {
                self.stats.decode_errors.fetch_add(1, Ordering::Relaxed);
                tracing::debug!(camera = %camera, error = %e, "sample not decoded");
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let state = {
            let mut trackers = self.trackers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            let tracker = trackers.entry(camera).or_insert_with(|| HealthTracker::new(self.health_config.clone()));
            if let Some(transition) = tracker.observe(job.at, Some(picture.luma.clone())) {
                out.push(Outcome::Health { camera, transition });
            }
            tracker.state()
        };
        // A dark or covered picture has nothing to detect.
        if !matches!(state, HealthState::Dark | HealthState::Covered) {
            out.extend(self.detect(camera, job.at, picture));
        }
        out
    }

    fn detect(&self, camera: CameraId, at: DateTime<Utc>, picture: Picture) -> Vec<Outcome> {
        let Some(detector) = &self.detector else { return Vec::new() };
        let started = Instant::now();
        let detections = match detector.detect(&picture.rgb, picture.rgb_width, picture.rgb_height) {
            Ok(d) => d,
            Err(e) => {
                tracing::warn!(camera = %camera, error = %e, "detector failed");
                return Vec::new();
            }
        };
        self.stats.detector_us.fetch_add(started.elapsed().as_micros() as u64, Ordering::Relaxed);
        self.stats.detections.fetch_add(detections.len() as u64, Ordering::Relaxed);
        let captures =
            self.rules.lock().unwrap_or_else(std::sync::PoisonError::into_inner).feed(camera.0, at, &detections);
        let mut out = Vec::new();
        for capture in captures {
            let boxes: Vec<_> = capture.boxes.iter().map(|(_, _, b)| *b).collect();
            let mut rgb = picture.rgb.clone();
            snapshot::draw_boxes(&mut rgb, picture.rgb_width, picture.rgb_height, &boxes);
            match snapshot::jpeg(&rgb, picture.rgb_width, picture.rgb_height) {
                Ok(jpeg) => {
                    self.stats.captures.fetch_add(1, Ordering::Relaxed);
                    out.push(Outcome::Capture { camera, capture, jpeg });
                }
                Err(e) => tracing::warn!(camera = %camera, error = %e, "event snapshot not encoded"),
            }
        }
        out
    }

    /// Moves the offline clock of a camera that should be sending frames.
    pub fn tick(&self, camera: CameraId, now: DateTime<Utc>) -> Option<Outcome> {
        let mut trackers = self.trackers.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let tracker = trackers.get_mut(&camera)?;
        tracker.tick(now).map(|transition| Outcome::Health { camera, transition })
    }
}
