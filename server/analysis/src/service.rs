//! The analysis service: finds the cameras to analyse, taps their frames (never delaying the
//! relay: a tap only samples and queues), runs the pipeline on a bounded pool of worker
//! threads, and stores what it finds.

use super::detect::{read_labels, DetectError, Detector, DetectorSpec, Format};
use super::health::HealthConfig;
use super::pipeline::{Job, Outcome, Pipeline};
use super::queue::JobQueue;
use super::rules::{default_rules, Rule, RuleEngine, RuleError};
use super::sampler::Sampler;
use crate::store::AnalysisStore;
use chrono::{TimeDelta, Utc};
use mingchu_domain::vocab::CameraId;
use mingchu_media::camera::{CameraHub, CameraState, Cameras, Lease, MediaEvent};
use mingchu_media::supervise::{guarded, Restarts};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc};

/// Which cameras are analysed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AnalyseMode {
    /// Every RTSP camera all the time (kept connected for it), and demo cameras while they run.
    All,
    /// Only cameras running anyway (watched, always-on, being checked).
    Running,
    Off,
}

impl AnalyseMode {
    pub const CODES: [&'static str; 3] = ["all", "running", "off"];

    pub fn from_code(code: &str) -> Option<AnalyseMode> {
        match code {
            "all" => Some(AnalyseMode::All),
            "running" => Some(AnalyseMode::Running),
            "off" => Some(AnalyseMode::Off),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct AnalysisConfig {
    pub mode: AnalyseMode,
    /// One sample per camera this often.
    pub interval: Duration,
    pub workers: usize,
    /// Which detector runs; `None` turns it off (health checks only).
    pub detector: Option<DetectorChoice>,
    /// Rules as JSON (a list of rules); the shipped defaults when `None`.
    pub rules_file: Option<PathBuf>,
}

/// The shipped NanoDet-g from a models folder, or any supported detector described by a file.
#[derive(Debug, Clone)]
pub enum DetectorChoice {
    Shipped { models_dir: PathBuf },
    File(PathBuf),
}

/// A detector described in JSON (`--detector FILE`); paths are relative to the file.
#[derive(Debug, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct DetectorFile {
    model: PathBuf,
    format: Format,
    labels_file: PathBuf,
    score_threshold: f32,
    nms_iou: f32,
    #[serde(default)]
    input_size: Option<(usize, usize)>,
}

impl DetectorChoice {
    fn load(&self) -> Result<Detector, AnalysisError> {
        match self {
            DetectorChoice::Shipped { models_dir } => Ok(Detector::nanodet_default(models_dir)?),
            DetectorChoice::File(path) => {
                let failed = |reason: String| AnalysisError::DetectorFile { path: path.display().to_string(), reason };
                let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
                let file: DetectorFile = serde_json::from_str(&text).map_err(|e| failed(e.to_string()))?;
                let dir = path.parent().unwrap_or(Path::new("."));
                Ok(Detector::load(DetectorSpec {
                    path: dir.join(file.model),
                    format: file.format,
                    labels: read_labels(&dir.join(file.labels_file))?,
                    score_threshold: file.score_threshold,
                    nms_iou: file.nms_iou,
                    input_size: file.input_size,
                })?)
            }
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AnalysisError {
    #[error("cannot read the detector file {path}: {reason}")]
    DetectorFile { path: String, reason: String },
    #[error("detector: {0}")]
    Detector(#[from] DetectError),
    #[error("cannot read the rules file {path}: {reason}")]
    RulesFile { path: String, reason: String },
    #[error("rules: {0}")]
    Rules(#[from] RuleError),
    #[error("cannot start an analysis worker: {0}")]
    Worker(std::io::Error),
}

/// A handle for the metrics endpoint.
#[derive(Clone)]
pub struct Analysis {
    pipeline: Arc<Pipeline>,
    queue: Arc<JobQueue<Job>>,
    /// Jobs whose analysis failed (a panic) and whose worker carried on with a fresh state.
    pub restarts: Restarts,
}

/// Figures of the moment, for `/metrics`.
pub struct AnalysisFigures {
    pub queue_depth: usize,
    pub dropped: u64,
    pub samples: u64,
    pub decode_errors: u64,
    pub captures: u64,
}

impl Analysis {
    pub fn figures(&self) -> AnalysisFigures {
        let stats = &self.pipeline.stats;
        AnalysisFigures {
            queue_depth: self.queue.depth(),
            dropped: self.queue.dropped(),
            samples: stats.samples.load(Ordering::Relaxed),
            decode_errors: stats.decode_errors.load(Ordering::Relaxed),
            captures: stats.captures.load(Ordering::Relaxed),
        }
    }

    /// Loads the detector and rules, starts the workers and the camera taps. `None` when the
    /// mode is off.
    pub fn start(
        cameras: Cameras,
        store: Arc<dyn AnalysisStore>,
        config: AnalysisConfig,
    ) -> Result<Option<Analysis>, AnalysisError> {
        if config.mode == AnalyseMode::Off {
            return Ok(None);
        }
        let detector = config.detector.as_ref().map(DetectorChoice::load).transpose()?;
        let rules = match &config.rules_file {
            Some(path) => read_rules(path)?,
            None => default_rules(),
        };
        let health = HealthConfig {
            // Several missed samples, and never under a minute.
            offline_after: TimeDelta::from_std(config.interval * 3)
                .unwrap_or(TimeDelta::MAX)
                .max(TimeDelta::seconds(60)),
            ..HealthConfig::default()
        };
        let pipeline = Arc::new(Pipeline::new(health, RuleEngine::new(rules)?, detector));
        let queue = Arc::new(JobQueue::default());
        let (results, outcomes) = mpsc::unbounded_channel();
        let restarts = Restarts::default();
        for n in 0..config.workers.max(1) {
            let (pipeline, queue, results, restarts) =
                (pipeline.clone(), queue.clone(), results.clone(), restarts.clone());
            std::thread::Builder::new()
                .name(format!("analysis-{n}"))
                .spawn(move || {
                    work(
                        &queue,
                        &results,
                        &restarts,
                        |camera, job| pipeline.process(camera, job),
                        |camera| pipeline.forget(camera),
                    )
                })
                .map_err(AnalysisError::Worker)?;
        }
        tokio::spawn(keep(store.clone(), outcomes));
        let analysis = Analysis { pipeline, queue, restarts };
        tokio::spawn(manage(cameras, store, config, analysis.clone(), results));
        tracing::info!("frame analysis started");
        Ok(Some(analysis))
    }
}

#[cfg(test)]
mod supervision_tests {
    use super::*;

    #[test]
    fn a_job_that_panics_is_counted_and_the_worker_goes_on() {
        let queue = Arc::new(JobQueue::<u32>::default());
        let (results, _outcomes) = mpsc::unbounded_channel();
        let restarts = Restarts::default();
        let forgotten = std::sync::Mutex::new(Vec::new());
        let processed = std::sync::Mutex::new(Vec::new());
        queue.push(CameraId(1), 1);
        queue.push(CameraId(2), 2);
        queue.push(CameraId(3), 3);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                work(
                    &queue,
                    &results,
                    &restarts,
                    |camera, job| {
                        if job == 2 {
                            panic!("a broken invariant in camera {camera}'s analysis");
                        }
                        processed.lock().unwrap().push(job);
                        Vec::new()
                    },
                    |camera| forgotten.lock().unwrap().push(camera),
                )
            });
            let start = Instant::now();
            while processed.lock().unwrap().len() < 2 && start.elapsed() < Duration::from_secs(10) {
                std::thread::sleep(Duration::from_millis(5));
            }
            queue.close();
        });
        assert_eq!(*processed.lock().unwrap(), [1, 3], "the worker went on after the failure");
        assert_eq!(*forgotten.lock().unwrap(), [CameraId(2)]);
        assert_eq!(restarts.count(), 1);
    }
}

fn read_rules(path: &Path) -> Result<Vec<Rule>, AnalysisError> {
    let failed = |reason: String| AnalysisError::RulesFile { path: path.display().to_string(), reason };
    let text = std::fs::read_to_string(path).map_err(|e| failed(e.to_string()))?;
    let rules: Vec<Rule> = serde_json::from_str(&text).map_err(|e| failed(e.to_string()))?;
    for rule in &rules {
        rule.validate()?;
    }
    Ok(rules)
}

/// A worker: takes jobs until the queue closes. A job whose analysis panics is counted, its
/// camera's state is forgotten (it may be half-updated) and the worker goes on with the next.
fn work<J>(
    queue: &JobQueue<J>,
    results: &mpsc::UnboundedSender<Outcome>,
    restarts: &Restarts,
    process: impl Fn(CameraId, J) -> Vec<Outcome>,
    forget: impl Fn(CameraId),
) {
    while let Some((camera, job)) = queue.pop() {
        match guarded("analysis", restarts, || process(camera, job)) {
            Some(outcomes) => {
                for outcome in outcomes {
                    let _ = results.send(outcome);
                }
            }
            None => forget(camera),
        }
        queue.done(camera);
    }
}

/// Stores health changes and capture events as they come.
async fn keep(store: Arc<dyn AnalysisStore>, mut outcomes: mpsc::UnboundedReceiver<Outcome>) {
    while let Some(outcome) = outcomes.recv().await {
        match outcome {
            Outcome::Health { camera, transition } => {
                tracing::info!(camera = %camera, from = transition.from.code(), to = transition.to.code(),
                    detail = %transition.detail, "camera health changed");
                if let Err(e) = store.record_health(camera, &transition).await {
                    tracing::error!(camera = %camera, error = %e, "cannot store a health change");
                }
            }
            Outcome::Capture { camera, capture, jpeg } => match store.add_capture(camera, &capture, &jpeg).await {
                Ok(id) => tracing::info!(camera = %camera, event = id, category = %capture.category,
                        confidence = capture.confidence, "capture event"),
                Err(e) => tracing::error!(camera = %camera, error = %e, "cannot store a capture event"),
            },
        }
    }
}

/// A camera being tapped; `lease` keeps an on-demand camera connected for analysis.
struct Tap {
    hub: Arc<CameraHub>,
    lease: Option<Lease>,
}

/// Every few seconds: taps new cameras and moves the offline clocks.
async fn manage(
    cameras: Cameras,
    store: Arc<dyn AnalysisStore>,
    config: AnalysisConfig,
    analysis: Analysis,
    results: mpsc::UnboundedSender<Outcome>,
) {
    let taps: Arc<Mutex<Vec<Tap>>> = Arc::default();
    let mut tapped: HashSet<CameraId> = HashSet::new();
    let mut every = tokio::time::interval(Duration::from_secs(5));
    loop {
        every.tick().await;
        // A camera that moved to another media node is analysed there (its tap has ended).
        taps.lock().expect("taps lock").retain(|tap| {
            let moved = tap.hub.is_retired();
            if moved {
                tapped.remove(&tap.hub.id);
            }
            !moved
        });
        if config.mode == AnalyseMode::All {
            match store.cameras_to_analyse().await {
                Ok(ids) => {
                    for id in ids {
                        if tapped.contains(&id) {
                            continue;
                        }
                        if let Ok(Some(hub)) = cameras.get(id).await {
                            tapped.insert(id);
                            let lease = hub.lease();
                            spawn_tap(&hub, config.interval, analysis.queue.clone());
                            taps.lock().expect("taps lock").push(Tap { hub, lease: Some(lease) });
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "cannot list the cameras to analyse"),
            }
        }
        for hub in cameras.hubs() {
            if !tapped.contains(&hub.id) && hub.state() == CameraState::Online {
                tapped.insert(hub.id);
                spawn_tap(&hub, config.interval, analysis.queue.clone());
                taps.lock().expect("taps lock").push(Tap { hub, lease: None });
            }
        }
        // Only a camera that should be sending frames can be offline: a held one, or one
        // whose ingest failed. An on-demand camera nobody watches is idle, not offline.
        let now = Utc::now();
        for tap in taps.lock().expect("taps lock").iter() {
            let expected = tap.lease.is_some() || matches!(tap.hub.state(), CameraState::Offline(_));
            if expected {
                if let Some(outcome) = analysis.pipeline.tick(tap.hub.id, now) {
                    let _ = results.send(outcome);
                }
            }
        }
    }
}

/// Samples a camera's frames into the queue; costs the relay nothing but a broadcast receiver.
fn spawn_tap(hub: &Arc<CameraHub>, interval: Duration, queue: Arc<JobQueue<Job>>) {
    let camera = hub.id;
    let mut events = hub.watch();
    tokio::spawn(async move {
        let mut sampler = Sampler::new(interval);
        loop {
            match events.recv().await {
                Ok(MediaEvent::Frame(frame)) => {
                    if let Some(run) = sampler.frame(frame.clone(), frame.keyframe, Instant::now()) {
                        let units = run.iter().map(|f| f.annexb.clone()).collect();
                        queue.push(camera, Job { units, at: Utc::now() });
                    }
                }
                Ok(MediaEvent::Restarted) | Err(broadcast::error::RecvError::Lagged(_)) => sampler.restart(),
                Err(broadcast::error::RecvError::Closed) => break,
            }
        }
        tracing::debug!(camera = %camera, "analysis tap ended");
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    const MODELS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../models");

    fn detector_file(json: &str) -> Result<Detector, AnalysisError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("detector.json");
        std::fs::write(&path, json).unwrap();
        DetectorChoice::File(path).load()
    }

    #[test]
    fn a_detector_file_loads_a_model_with_its_labels() {
        let json = format!(
            r#"{{"model": "{MODELS}/nanodet-g.onnx", "format": "nanodet", "labels_file": "{MODELS}/labels-coco.txt",
                "score_threshold": 0.5, "nms_iou": 0.5}}"#
        );
        let detector = detector_file(&json).unwrap();
        assert_eq!(detector.labels().len(), 80);
    }

    #[test]
    fn bad_detector_files_say_what_is_wrong() {
        let err = detector_file(r#"{"model": "x.onnx", "format": "ssd"}"#).unwrap_err().to_string();
        assert!(err.contains("unknown variant `ssd`"), "{err}");
        let err = detector_file(
            r#"{"model": "x.onnx", "format": "yolo", "labels_file": "l.txt",
            "score_threshold": 0.5, "nms_iou": 0.5, "colour": "red"}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `colour`"), "{err}");
        let err = detector_file(&format!(
            r#"{{"model": "missing.onnx", "format": "yolo", "labels_file": "{MODELS}/labels-coco.txt",
                "score_threshold": 0.5, "nms_iou": 0.5}}"#
        ))
        .unwrap_err()
        .to_string();
        assert!(err.contains("missing.onnx") && err.contains("does not exist"), "{err}");
    }

    #[test]
    fn rule_files_are_validated() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("rules.json");
        std::fs::write(
            &path,
            r#"[{"category": "rodent", "labels": [], "min_confidence": 0.5, "min_persistence": 1,
            "cooldown_s": 60, "condition": "present"}]"#,
        )
        .unwrap();
        let err = read_rules(&path).unwrap_err().to_string();
        assert!(err.contains("rodent"), "{err}");
        std::fs::write(&path, "not json").unwrap();
        assert!(matches!(read_rules(&path), Err(AnalysisError::RulesFile { .. })));
    }
}
