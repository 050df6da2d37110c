//! The worker behind each camera: connects when someone watches (or always, if so configured),
//! publishes frames, notices silence, reconnects with backoff, and records every change of
//! state with its time (the online-rate KPI is computed from those records).

use super::backoff::Backoff;
use super::hub::{CameraHub, CameraState};
use super::state_log::{Line, StateLog};
use crate::db::Db;
use crate::media::frame::Frame;
use crate::media::h264::{self, SliceType};
use crate::media::source::{self, SourceError};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::watch;
use tracing::Instrument;

/// No frame for this long and the connection is considered dead.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(5);
/// How long before a camera found unplayable is tried again.
const UNPLAYABLE_RETRY: Duration = Duration::from_secs(60);
/// Frames after the first keyframe checked for B slices before a Main/High camera is online.
pub(super) const B_FRAME_CHECK: usize = 4;
/// An on-demand camera keeps running this long after its last consumer left.
pub const LINGER: Duration = Duration::from_secs(10);

pub fn spawn(hub: Arc<CameraHub>, db: Db) {
    let span = tracing::info_span!("ingest", camera = %hub.id);
    tokio::spawn(run(hub, db).instrument(span));
}

async fn run(hub: Arc<CameraHub>, db: Db) {
    let mut leases = hub.leases();
    let mut backoff = Backoff::default();
    let mut log = StateLog::default();
    let log = &mut log;
    loop {
        if !hub.always_on {
            // Unplayable is a fact about the camera, kept while nobody watches; the rest idles.
            if !matches!(hub.state(), CameraState::Unplayable(_)) {
                set_state(&hub, &db, log, CameraState::Idle).await;
            }
            // Wait for a consumer. The hub lives as long as the registry: the sender never drops.
            if leases.wait_for(|n| *n > 0).await.is_err() {
                return;
            }
        }
        // While retrying, an offline camera keeps showing why it is offline.
        if hub.state() == CameraState::Idle {
            set_state(&hub, &db, log, CameraState::Connecting).await;
        }
        let outcome = match source::open(&hub.spec).await {
            Ok(mut src) => stream(&hub, &db, log, src.as_mut(), &mut leases, &mut backoff).await,
            Err(e) => Ended::Failed(e),
        };
        let delay = match outcome {
            Ended::Unwatched => continue,
            Ended::Failed(SourceError::Unplayable(what)) => {
                set_state(&hub, &db, log, CameraState::Unplayable(what)).await;
                hub.restarted();
                // Its settings will not change within seconds: look again in a minute at most
                // once, however many viewers try meanwhile.
                tokio::time::sleep(UNPLAYABLE_RETRY).await;
                continue;
            }
            Ended::Failed(e) => {
                set_state(&hub, &db, log, CameraState::Offline(e.to_string())).await;
                backoff.next(rand::random())
            }
        };
        hub.restarted();
        // Sleep before retrying, unless every consumer leaves meanwhile (then go idle).
        let idle = async {
            if hub.always_on {
                std::future::pending::<()>().await
            }
            let _ = leases.wait_for(|n| *n == 0).await;
        };
        tokio::select! {
            _ = tokio::time::sleep(delay) => {}
            _ = idle => {}
        }
    }
}

enum Ended {
    /// Nobody watched for [`LINGER`]: stopped on purpose.
    Unwatched,
    Failed(SourceError),
}

async fn stream(
    hub: &CameraHub,
    db: &Db,
    log: &mut StateLog,
    src: &mut dyn source::Source,
    leases: &mut watch::Receiver<usize>,
    backoff: &mut Backoff,
) -> Ended {
    let mut unwatched_since: Option<Instant> = None;
    // Frames checked since the first keyframe: Main/High streams may carry B-frames, which show
    // only after a reference P frame, so they count as playable once a few frames have passed.
    let mut checked: Option<(bool, usize)> = None;
    loop {
        let next = tokio::time::timeout(FRAME_TIMEOUT, src.next_frame());
        let frame = tokio::select! {
            r = next => r,
            _ = tokio::time::sleep(Duration::from_secs(1)), if !hub.always_on => {
                // Checked once a second while frames flow too (below).
                if *leases.borrow() == 0 && unwatched_since.is_some_and(|t| t.elapsed() >= LINGER) {
                    return Ended::Unwatched;
                }
                continue;
            }
        };
        let frame = match frame {
            Ok(Ok(f)) => f,
            Ok(Err(e)) => return Ended::Failed(e),
            Err(_) => return Ended::Failed(SourceError::Stream("no picture for 5 s".into())),
        };
        if let Some(kind) = unplayable(&frame.annexb) {
            return Ended::Failed(SourceError::Unplayable(kind.into()));
        }
        let frame = Frame::new(frame.annexb, frame.keyframe, frame.rtp_time, Instant::now());
        checked = match checked {
            None if frame.keyframe => Some((frame.profile.is_some_and(|p| p.may_have_b_frames()), 0)),
            None => None,
            Some((may_b, n)) => Some((may_b, n + 1)),
        };
        let playable = checked.is_some_and(|(may_b, n)| !may_b || n >= B_FRAME_CHECK);
        if hub.state() != CameraState::Online && playable {
            backoff.reset();
            set_state(hub, db, log, CameraState::Online).await;
        }
        hub.publish(Arc::new(frame));
        if hub.always_on || *leases.borrow() > 0 {
            unwatched_since = None;
        } else {
            let since = *unwatched_since.get_or_insert_with(Instant::now);
            if since.elapsed() >= LINGER {
                return Ended::Unwatched;
            }
        }
    }
}

/// Browsers' WebRTC H.264 decoders do not take B-frames (they would play out of order).
pub(super) fn unplayable(annexb: &[u8]) -> Option<&'static str> {
    h264::nal_units(annexb).find_map(|unit| (h264::slice_type(unit) == Some(SliceType::B)).then_some("B-frames"))
}

async fn set_state(hub: &CameraHub, db: &Db, log: &mut StateLog, state: CameraState) {
    // A failure repeated from Offline is not a change of the hub's state, but the log counts it.
    let changed = hub.set_state(state.clone());
    if changed || matches!(state, CameraState::Offline(_)) {
        match log.observe(&state) {
            Line::Info(line) => tracing::info!("{line}"),
            Line::Warn(line) => tracing::warn!("{line}"),
            Line::Debug(line) => tracing::debug!("{line}"),
        }
    }
    if changed {
        if state == CameraState::Connecting {
            return; // A passing state: the records hold only where the camera settled.
        }
        if let Err(e) = db.record_camera_state(hub.id, state.code(), state.detail()).await {
            tracing::error!(error = %e, "cannot record the camera state");
        }
    }
}
