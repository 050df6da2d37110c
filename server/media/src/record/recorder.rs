//! One recorded camera's driver: subscribes to the camera's hub, feeds the segmenter with the
//! server's receive times, and does the file I/O the segmenter asks for, off the async threads.
//! A full disk stops writing (state `disk_full`, live viewing unaffected) and is tried again
//! every `retry`.

use super::files::{self, OpenFile};
use super::segmenter::{Output, Segmenter, SegmenterConfig};
use super::{RecorderState, RecordingStore};
use crate::camera::{CameraHub, MediaEvent};
use chrono::{DateTime, Utc};
use mingchu_domain::recording::{self, RecordingPolicy};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, mpsc, watch};

pub enum Command {
    Policy(RecordingPolicy),
    /// Something happened at this time: "on events" records around it.
    Event(DateTime<Utc>),
}

pub struct Recorder {
    /// Keeps the camera running while it is recorded.
    pub _lease: crate::camera::Lease,
    pub hub: Arc<CameraHub>,
    pub store: Arc<dyn RecordingStore>,
    pub root: PathBuf,
    pub policy: RecordingPolicy,
    pub segment: Duration,
    pub retry: Duration,
    pub state: watch::Sender<RecorderState>,
}

/// No frame for this long closes the open file, so what was recorded is indexed.
const SILENCE: Duration = Duration::from_secs(5);

impl Recorder {
    pub async fn run(mut self, mut commands: mpsc::Receiver<Command>) {
        let camera = self.hub.id;
        let span = tracing::info_span!("recorder", camera = %camera);
        let _enter = span.enter();
        let mut events = self.hub.watch();
        let mut seg = self.segmenter();
        let mut open: Option<OpenFile> = None;
        let mut until: Option<DateTime<Utc>> = None;
        let mut full_since: Option<Instant> = None;
        let mut last_frame = Instant::now();
        let mut tick = tokio::time::interval(Duration::from_secs(1));
        self.set_state(full_since, &seg);
        loop {
            let outputs = tokio::select! {
                event = events.recv() => match event {
                    Ok(MediaEvent::Frame(frame)) => {
                        last_frame = Instant::now();
                        let wall = Utc::now() - chrono::Duration::from_std(frame.received.elapsed()).unwrap_or_default();
                        let want = full_since.is_none() && recording::records_now(self.policy, until, wall);
                        seg.set_recording(want);
                        seg.push(frame, wall)
                    }
                    Ok(MediaEvent::Restarted) => seg.restarted(),
                    Err(broadcast::error::RecvError::Lagged(n)) => {
                        tracing::warn!(frames = n, "recorder fell behind; the file ends here");
                        seg.restarted()
                    }
                    Err(broadcast::error::RecvError::Closed) => break,
                },
                command = commands.recv() => match command {
                    Some(Command::Policy(policy)) => {
                        let out = seg.restarted();
                        self.policy = policy;
                        let out = self.apply(out, &mut open, &mut full_since, &mut seg).await;
                        debug_assert!(out.is_empty());
                        seg = self.segmenter();
                        if policy == RecordingPolicy::Off {
                            break;
                        }
                        Vec::new()
                    }
                    Some(Command::Event(at)) => {
                        let end = at + recording::AFTER_EVENT;
                        until = Some(until.map_or(end, |u| u.max(end)));
                        Vec::new()
                    }
                    None => break,
                },
                _ = tick.tick() => {
                    if full_since.is_some_and(|t| t.elapsed() >= self.retry) {
                        tracing::info!("trying to record again after the disk was full");
                        full_since = None;
                    }
                    if seg.is_open() && last_frame.elapsed() >= SILENCE {
                        seg.restarted()
                    } else {
                        Vec::new()
                    }
                }
            };
            let more = self.apply(outputs, &mut open, &mut full_since, &mut seg).await;
            if !more.is_empty() {
                self.apply(more, &mut open, &mut full_since, &mut seg).await;
            }
            self.set_state(full_since, &seg);
        }
        let out = seg.restarted();
        self.apply(out, &mut open, &mut full_since, &mut seg).await;
        let _ = self.state.send(RecorderState::Off);
    }

    fn segmenter(&self) -> Segmenter {
        let preroll = match self.policy {
            RecordingPolicy::Events => recording::BEFORE_EVENT.to_std().expect("positive"),
            _ => Duration::ZERO,
        };
        Segmenter::new(SegmenterConfig { segment: self.segment, preroll, ..SegmenterConfig::default() })
    }

    fn set_state(&self, full_since: Option<Instant>, seg: &Segmenter) {
        let state = match (full_since, self.policy) {
            (Some(_), _) => RecorderState::DiskFull,
            (None, RecordingPolicy::Off) => RecorderState::Off,
            _ if seg.is_open() => RecorderState::Recording,
            _ => RecorderState::Standby,
        };
        self.state.send_if_modified(|s| {
            let changed = *s != state;
            *s = state;
            changed
        });
    }

    /// Does the segmenter's writes; returns what the segmenter said after a failure (the close
    /// of the abandoned file), for the caller to apply too.
    async fn apply(
        &self,
        outputs: Vec<Output>,
        open: &mut Option<OpenFile>,
        full_since: &mut Option<Instant>,
        seg: &mut Segmenter,
    ) -> Vec<Output> {
        for output in outputs {
            let result = match output {
                Output::Open { start, init } => {
                    let root = self.root.clone();
                    let relative = files::relative_path(self.hub.id, start);
                    match blocking(move || OpenFile::create(&root, relative, &init)).await {
                        Ok(file) => {
                            *open = Some(file);
                            Ok(())
                        }
                        Err(e) => Err(e),
                    }
                }
                Output::Append { bytes, fragment } => match open.take() {
                    Some(mut file) => {
                        let (file, result) = blocking(move || {
                            let r = file.append(&bytes, fragment);
                            Ok((file, r))
                        })
                        .await
                        .expect("infallible");
                        *open = Some(file);
                        result
                    }
                    None => Ok(()),
                },
                Output::Close(summary) => {
                    if let Some(file) = open.take() {
                        self.finish(file, summary).await;
                    }
                    Ok(())
                }
            };
            if let Err(e) = result {
                if files::is_disk_full(&e) {
                    tracing::warn!("the recordings disk is full: recording stops, live viewing goes on");
                    self.note("disk_full", "the disk was full; recording stopped until space returns").await;
                } else {
                    tracing::error!(error = %e, "cannot write the recording");
                    self.note("write_failed", &format!("cannot write: {e}")).await;
                }
                *full_since = Some(Instant::now());
                return seg.abandon();
            }
        }
        Vec::new()
    }

    async fn finish(&self, file: OpenFile, summary: super::segmenter::SegmentSummary) {
        match blocking(move || file.finish(summary)).await {
            Ok(Some((path, summary))) => {
                if let Err(e) = self.store.add_segment(self.hub.id, &path, &summary, false).await {
                    // The file is whole on disk; recovery indexes it at the next start.
                    tracing::error!(error = %e, path, "cannot index a recorded file");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::error!(error = %e, "cannot finish a recorded file"),
        }
    }

    async fn note(&self, kind: &str, detail: &str) {
        if let Err(e) = self.store.note(Some(self.hub.id), Utc::now(), kind, detail).await {
            tracing::error!(error = %e, "cannot keep a recording note");
        }
    }
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> std::io::Result<T> + Send + 'static) -> std::io::Result<T> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| Err(std::io::Error::other(e.to_string())))
}
