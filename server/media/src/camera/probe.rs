//! Checks every camera of a connected venue at a fixed interval, whether or not anyone watches:
//! the online rate the programme is judged on (daily, target ≥ 95 %) must not depend on
//! viewers. A check counts as online only when the camera delivered a picture a browser can
//! play (a keyframe, and no B-frames in the frames after it).
//!
//! A camera already streaming (someone watches, or it is always on) is read from its hub; one
//! that is connecting is waited for (up to the check's limit: a camera still dialling then has
//! shown no picture, and counts as offline; skipping it would let a camera that is always
//! reconnecting never count against the online rate); any other is opened directly and closed
//! again, so a check never keeps an on-demand camera running.

use super::supervisor::{unplayable, B_FRAME_CHECK, FRAME_TIMEOUT};
use super::{CameraState, Cameras};
use crate::frame::Frame;
use crate::source::{self, SourceError};
use crate::store::{CameraStore, StoreError};
use futures::{FutureExt, StreamExt};
use mingchu_domain::vocab::CameraId;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;

/// Cameras checked at the same time (a check mostly waits on the network).
const CONCURRENCY: usize = 16;
/// Checks recorded in one write transaction, at most: as many as have arrived since the last
/// write (a round writes as it goes, so "online now" follows the round).
const WRITE_BATCH: usize = 200;
/// The longest a check waits for a playable picture (one long keyframe interval plus setup).
const CHECK_LIMIT: Duration = Duration::from_secs(15);

#[derive(Clone)]
pub struct Prober {
    cameras: Cameras,
    store: Arc<dyn CameraStore>,
}

impl Prober {
    pub fn new(cameras: Cameras, store: Arc<dyn CameraStore>) -> Prober {
        Prober { cameras, store }
    }

    /// Checks every camera now, then every `interval`, until the task is dropped.
    pub fn spawn(self, interval: Duration) {
        tokio::spawn(async move {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                ticker.tick().await;
                let started = Instant::now();
                match self.check_all().await {
                    Ok((checked, online)) => {
                        tracing::info!(checked, online, ms = started.elapsed().as_millis() as u64, "camera checks done")
                    }
                    Err(e) => tracing::error!(error = %e, "cannot list the cameras to check"),
                }
            }
        });
    }

    /// One round: returns how many cameras were checked and how many were online.
    pub async fn check_all(&self) -> Result<(usize, usize), StoreError> {
        let ids = self.store.cameras_to_check().await?;
        // Checks run 16 at a time while the results are written in batches beside them: the
        // writer takes whatever has arrived since its last write.
        let (results, mut arrived) = tokio::sync::mpsc::channel::<(CameraId, bool)>(WRITE_BATCH * 4);
        let checking = futures::stream::iter(ids)
            .map(|id| {
                let span = tracing::info_span!("check", camera = %id);
                self.check(id).map(move |online| online.map(|online| (id, online))).instrument(span)
            })
            .buffer_unordered(CONCURRENCY)
            .for_each(move |result| {
                let results = results.clone();
                async move {
                    if let Some(result) = result {
                        let _ = results.send(result).await;
                    }
                }
            });
        let writing = async {
            let (mut checked, mut online) = (0, 0);
            let mut batch = Vec::with_capacity(WRITE_BATCH);
            while arrived.recv_many(&mut batch, WRITE_BATCH).await > 0 {
                checked += batch.len();
                online += batch.iter().filter(|(_, ok)| *ok).count();
                if let Err(e) = self.store.record_checks(&batch, chrono::Utc::now()).await {
                    tracing::error!(error = %e, cameras = batch.len(), "cannot record the camera checks");
                }
                batch.clear();
            }
            (checked, online)
        };
        let ((), (checked, online)) = tokio::join!(checking, writing);
        Ok((checked, online))
    }

    /// The state of the camera's running hub, if it runs, once it is no longer connecting (or
    /// [`CHECK_LIMIT`] has passed).
    async fn settled_state(&self, id: CameraId) -> Option<CameraState> {
        let deadline = Instant::now() + CHECK_LIMIT;
        loop {
            let state = self.cameras.running(id).map(|hub| hub.state());
            if !matches!(state, Some(CameraState::Connecting)) || Instant::now() >= deadline {
                return state;
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }

    /// Checks one camera (the round records the results in batches); `None` when it was
    /// skipped.
    async fn check(&self, id: CameraId) -> Option<bool> {
        let online = match self.settled_state(id).await {
            Some(CameraState::Online) => true,
            Some(CameraState::Connecting) => false,
            // Unplayable is a fact about the camera; the supervisor retries it once a minute.
            Some(CameraState::Unplayable(_)) => false,
            Some(CameraState::Idle | CameraState::Offline(_)) | None => {
                let config = match self.store.camera(id).await {
                    Ok(Some(r)) => r,
                    Ok(None) => return None,
                    Err(e) => {
                        tracing::error!(error = %e, "cannot read the camera");
                        return None;
                    }
                };
                match tokio::time::timeout(CHECK_LIMIT, playable_picture(&config.spec)).await {
                    Ok(Ok(())) => true,
                    Ok(Err(e)) => {
                        tracing::debug!(error = %e, "camera check failed");
                        false
                    }
                    Err(_) => {
                        tracing::debug!("camera check timed out");
                        false
                    }
                }
            }
        };
        // A playable stream of a dark, covered, frozen or looped picture is not online.
        let picture = match self.store.camera_picture(id).await {
            Ok(picture) => picture,
            Err(e) => {
                tracing::error!(error = %e, "cannot read the camera's picture health");
                None
            }
        };
        Some(mingchu_domain::picture::check_counts_as_online(online, picture))
    }
}

/// Connects and reads until a picture a browser can play has arrived.
async fn playable_picture(spec: &source::SourceSpec) -> Result<(), SourceError> {
    let mut src = source::open(spec).await?;
    let mut after_keyframe: Option<(bool, usize)> = None;
    loop {
        let frame = tokio::time::timeout(FRAME_TIMEOUT, src.next_frame())
            .await
            .map_err(|_| SourceError::Stream("no picture for 5 s".into()))??;
        if let Some(kind) = unplayable(&frame.annexb) {
            return Err(SourceError::Unplayable(kind.into()));
        }
        after_keyframe = match after_keyframe {
            None if frame.keyframe => {
                let frame = Frame::new(frame.annexb, true, frame.rtp_time, Instant::now());
                Some((frame.profile.is_some_and(|p| p.may_have_b_frames()), 0))
            }
            None => None,
            Some((may_b, n)) => Some((may_b, n + 1)),
        };
        if after_keyframe.is_some_and(|(may_b, n)| !may_b || n >= B_FRAME_CHECK) {
            return Ok(());
        }
    }
}
