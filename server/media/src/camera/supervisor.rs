//! The worker behind each camera: connects when someone watches (or always, if so configured),
//! publishes frames, notices silence, reconnects with backoff, and records every change of
//! state with its time (the online-rate KPI is computed from those records).

use super::backoff::Backoff;
use super::hub::{CameraHub, CameraState};
use super::state_log::{Line, StateLog};
use crate::frame::Frame;
use crate::h264::{self, SliceType};
use crate::source::{self, Source, SourceError, SourceSpec};
use crate::store::CameraStore;
use mingchu_domain::vocab::CameraId;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tokio::time::Instant;
use tracing::Instrument;

/// Opens a camera's stream: RTSP or the synthetic demo camera in production, a scripted source
/// in the supervisor's tests.
#[async_trait::async_trait]
pub trait Opener: Send + Sync + 'static {
    async fn open(&self, spec: &SourceSpec) -> Result<Box<dyn Source>, SourceError>;
}

/// Keeps the record of where a camera settled (what the online-rate KPI is computed from).
#[async_trait::async_trait]
pub trait StateRecorder: Send + Sync + 'static {
    async fn record(&self, camera: CameraId, state: &CameraState);
}

/// The production opener.
pub struct Sources;

#[async_trait::async_trait]
impl Opener for Sources {
    async fn open(&self, spec: &SourceSpec) -> Result<Box<dyn Source>, SourceError> {
        source::open(spec).await
    }
}

/// The production recorder: the camera store; a failure is logged and the worker carries on.
struct StoreRecorder(Arc<dyn CameraStore>);

#[async_trait::async_trait]
impl StateRecorder for StoreRecorder {
    async fn record(&self, camera: CameraId, state: &CameraState) {
        if let Err(e) = self.0.record_camera_state(camera, state).await {
            tracing::error!(error = %e, "cannot record the camera state");
        }
    }
}

/// What a worker is given: how to open its camera and where to record its states.
struct Io {
    opener: Arc<dyn Opener>,
    recorder: Arc<dyn StateRecorder>,
}

/// No frame for this long and the connection is considered dead.
pub const FRAME_TIMEOUT: Duration = Duration::from_secs(5);
/// How long before a camera found unplayable is tried again.
const UNPLAYABLE_RETRY: Duration = Duration::from_secs(60);
/// Frames after the first keyframe checked for B slices before a Main/High camera is online.
pub(super) const B_FRAME_CHECK: usize = 4;
/// An on-demand camera keeps running this long after its last consumer left.
pub const LINGER: Duration = Duration::from_secs(10);

pub fn spawn(hub: Arc<CameraHub>, store: Arc<dyn CameraStore>) {
    spawn_with(hub, Arc::new(Sources), Arc::new(StoreRecorder(store)));
}

/// The worker with its I/O given (tests pass scripted sources and a recording sink).
pub fn spawn_with(hub: Arc<CameraHub>, opener: Arc<dyn Opener>, recorder: Arc<dyn StateRecorder>) {
    let span = tracing::info_span!("ingest", camera = %hub.id);
    let worker = async move {
        tokio::select! {
            biased;
            _ = hub.until_retired() => tracing::info!("camera moved to another node: ingest stopped here"),
            _ = run(hub.clone(), Io { opener, recorder }) => {}
        }
    };
    tokio::spawn(worker.instrument(span));
}

async fn run(hub: Arc<CameraHub>, io: Io) {
    let mut leases = hub.leases();
    let mut backoff = Backoff::default();
    let mut log = StateLog::default();
    let log = &mut log;
    loop {
        // An always-on camera is held by the registry's lease, so it never waits here.
        if *leases.borrow() == 0 {
            // Unplayable is a fact about the camera, kept while nobody watches; the rest idles.
            if !matches!(hub.state(), CameraState::Unplayable(_)) {
                set_state(&hub, &io, log, CameraState::Idle).await;
            }
            // Wait for a consumer. The hub lives as long as the registry: the sender never drops.
            if leases.wait_for(|n| *n > 0).await.is_err() {
                return;
            }
        }
        // While retrying, an offline camera keeps showing why it is offline.
        if hub.state() == CameraState::Idle {
            set_state(&hub, &io, log, CameraState::Connecting).await;
        }
        let outcome = match io.opener.open(&hub.spec).await {
            Ok(mut src) => stream(&hub, &io, log, src.as_mut(), &mut leases, &mut backoff).await,
            Err(e) => Ended::Failed(e),
        };
        let delay = match outcome {
            Ended::Unwatched => continue,
            Ended::Failed(SourceError::Unplayable(what)) => {
                set_state(&hub, &io, log, CameraState::Unplayable(what)).await;
                hub.restarted();
                // Its settings will not change within seconds: look again in a minute at most
                // once, however many viewers try meanwhile.
                tokio::time::sleep(UNPLAYABLE_RETRY).await;
                continue;
            }
            Ended::Failed(e) => {
                set_state(&hub, &io, log, CameraState::Offline(e.to_string())).await;
                backoff.next(rand::random())
            }
        };
        hub.restarted();
        // Sleep before retrying, unless every consumer leaves meanwhile (then go idle).
        let idle = async {
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
    io: &Io,
    log: &mut StateLog,
    src: &mut dyn source::Source,
    leases: &mut watch::Receiver<usize>,
    backoff: &mut Backoff,
) -> Ended {
    let mut unwatched_since: Option<Instant> = None;
    // Frames checked since the first keyframe: Main/High streams may carry B-frames, which show
    // only after a reference P frame, so they count as playable once a few frames have passed.
    let mut checked: Option<(bool, usize)> = None;
    // The frame timeout runs from the last frame, not from each wake-up of the loop (the
    // once-a-second check of whether anyone still watches would otherwise restart it).
    let mut deadline = Instant::now() + FRAME_TIMEOUT;
    loop {
        let next = tokio::time::timeout_at(deadline, src.next_frame());
        let frame = tokio::select! {
            r = next => r,
            _ = tokio::time::sleep(Duration::from_secs(1)) => {
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
        deadline = Instant::now() + FRAME_TIMEOUT;
        if let Some(kind) = unplayable(&frame.annexb) {
            return Ended::Failed(SourceError::Unplayable(kind.into()));
        }
        let camera_time = frame.camera_time;
        let mut frame = Frame::new(frame.annexb, frame.keyframe, frame.rtp_time, std::time::Instant::now());
        frame.camera_time = camera_time;
        checked = match checked {
            None if frame.keyframe => Some((frame.profile.is_some_and(|p| p.may_have_b_frames()), 0)),
            None => None,
            Some((may_b, n)) => Some((may_b, n + 1)),
        };
        let playable = checked.is_some_and(|(may_b, n)| !may_b || n >= B_FRAME_CHECK);
        if hub.state() != CameraState::Online && playable {
            backoff.reset();
            set_state(hub, io, log, CameraState::Online).await;
        }
        hub.publish(Arc::new(frame));
        if *leases.borrow() > 0 {
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

async fn set_state(hub: &CameraHub, io: &Io, log: &mut StateLog, state: CameraState) {
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
        io.recorder.record(hub.id, &state).await;
    }
}

#[cfg(test)]
mod tests {
    //! The worker on paused tokio time: a scripted opener (refuse, or a stream of real H.264
    //! access units paced by tokio's clock) and a recorder that keeps what the KPI would read.

    use super::*;
    use bytes::Bytes;
    use std::collections::VecDeque;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    enum Plan {
        Refuse,
        /// Frames every 40 ms for ever.
        Stream,
        /// Connects, then never sends a frame.
        Silent,
    }

    #[derive(Default)]
    struct Script {
        plan: Mutex<VecDeque<Plan>>,
        attempts: Mutex<Vec<Instant>>,
        streams_open: Arc<AtomicUsize>,
    }

    impl Script {
        fn new(plan: impl IntoIterator<Item = Plan>) -> Arc<Script> {
            Arc::new(Script { plan: Mutex::new(plan.into_iter().collect()), ..Default::default() })
        }

        fn gaps(&self) -> Vec<f64> {
            let at = self.attempts.lock().unwrap();
            at.windows(2).map(|w| (w[1] - w[0]).as_secs_f64()).collect()
        }
    }

    struct Scripted {
        silent: bool,
        open: Arc<AtomicUsize>,
    }

    impl Drop for Scripted {
        fn drop(&mut self) {
            self.open.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// An IDR access unit with SPS and PPS (Constrained Baseline), as a camera sends it.
    fn keyframe() -> Bytes {
        let units: [&[u8]; 3] = [&[0x67, 0x42, 0xe0, 0x1f, 0x8c], &[0x68, 0xce, 0x3c, 0x80], &[0x65, 0x88, 0x84, 0x00]];
        Bytes::from(units.iter().flat_map(|u| [&[0u8, 0, 0, 1][..], u].concat()).collect::<Vec<u8>>())
    }

    #[async_trait::async_trait]
    impl Source for Scripted {
        async fn next_frame(&mut self) -> Result<source::SourceFrame, SourceError> {
            if self.silent {
                std::future::pending::<()>().await;
            }
            tokio::time::sleep(Duration::from_millis(40)).await;
            Ok(source::SourceFrame { annexb: keyframe(), keyframe: true, rtp_time: 0, camera_time: None })
        }
    }

    #[async_trait::async_trait]
    impl Opener for Script {
        async fn open(&self, _: &SourceSpec) -> Result<Box<dyn Source>, SourceError> {
            self.attempts.lock().unwrap().push(Instant::now());
            let plan = self.plan.lock().unwrap().pop_front().unwrap_or(Plan::Refuse);
            match plan {
                Plan::Refuse => Err(SourceError::Connect("connection refused".into())),
                Plan::Stream | Plan::Silent => {
                    self.streams_open.fetch_add(1, Ordering::SeqCst);
                    Ok(Box::new(Scripted { silent: matches!(plan, Plan::Silent), open: self.streams_open.clone() }))
                }
            }
        }
    }

    #[derive(Default)]
    struct Records(Mutex<Vec<&'static str>>);

    #[async_trait::async_trait]
    impl StateRecorder for Records {
        async fn record(&self, _: CameraId, state: &CameraState) {
            self.0.lock().unwrap().push(state.code());
        }
    }

    /// A supervised camera; `always_on`: held by a lease for the test's length, as the
    /// registry holds an always-on camera.
    fn start(always_on: bool, script: &Arc<Script>) -> (Arc<CameraHub>, Arc<Records>) {
        let hub = CameraHub::new(CameraId(1), SourceSpec::Synthetic { camera: CameraId(1) });
        if always_on {
            std::mem::forget(hub.lease());
        }
        let records = Arc::new(Records::default());
        spawn_with(hub.clone(), script.clone(), records.clone());
        (hub, records)
    }

    #[tokio::test(start_paused = true)]
    async fn an_offline_camera_is_retried_with_growing_delays_and_recorded_once() {
        let script = Script::new([Plan::Refuse, Plan::Refuse, Plan::Refuse, Plan::Refuse, Plan::Stream]);
        let (hub, records) = start(true, &script);
        tokio::time::sleep(Duration::from_secs(40)).await;
        // About 1, 2, 4, 8 s apart (each ±20 %).
        let gaps = script.gaps();
        assert_eq!(gaps.len(), 4, "{gaps:?}");
        for (gap, base) in gaps.iter().zip([1.0, 2.0, 4.0, 8.0]) {
            assert!((base * 0.8..=base * 1.2 + 0.01).contains(gap), "{gaps:?}");
        }
        assert_eq!(hub.state(), CameraState::Online);
        // Four failures with the same reason are one record of where the camera settled.
        assert_eq!(*records.0.lock().unwrap(), ["offline", "online"]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_unwatched_camera_lingers_then_stops() {
        let script = Script::new([Plan::Stream]);
        let (hub, records) = start(false, &script);
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert_eq!(script.streams_open.load(Ordering::SeqCst), 0, "nobody watches: not connected");
        let lease = hub.lease();
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(hub.state(), CameraState::Online);
        assert_eq!(script.streams_open.load(Ordering::SeqCst), 1);
        drop(lease);
        let left = Instant::now();
        while script.streams_open.load(Ordering::SeqCst) > 0 {
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let lingered = left.elapsed();
        assert!(lingered >= LINGER && lingered <= LINGER + Duration::from_secs(2), "{lingered:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert_eq!(hub.state(), CameraState::Idle);
        assert_eq!(*records.0.lock().unwrap(), ["online", "idle"], "where it settled: online, then idle");
        assert_eq!(script.attempts.lock().unwrap().len(), 1, "no reconnect while unwatched");
    }

    #[tokio::test(start_paused = true)]
    async fn a_silent_stream_is_offline_after_the_frame_timeout_and_reconnected() {
        let script = Script::new([Plan::Silent, Plan::Stream]);
        let (hub, records) = start(true, &script);
        tokio::time::sleep(FRAME_TIMEOUT + Duration::from_millis(100)).await;
        assert!(
            matches!(hub.state(), CameraState::Offline(ref why) if why.contains("no picture")),
            "{:?}",
            hub.state()
        );
        assert_eq!(script.streams_open.load(Ordering::SeqCst), 0, "the silent stream was closed");
        tokio::time::sleep(Duration::from_secs(3)).await;
        assert_eq!(hub.state(), CameraState::Online);
        assert_eq!(*records.0.lock().unwrap(), ["offline", "online"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_watched_silent_stream_is_offline_too_despite_the_watch_checks() {
        // The once-a-second check of whether anyone watches must not restart the timeout.
        let script = Script::new([Plan::Silent, Plan::Stream]);
        let (hub, _records) = start(false, &script);
        let _viewer = hub.lease();
        // Were the checks restarting the timeout, the first attempt would never be given up.
        let deadline = tokio::time::Instant::now() + FRAME_TIMEOUT + Duration::from_secs(30);
        while script.attempts.lock().unwrap().len() < 2 {
            assert!(tokio::time::Instant::now() < deadline, "the silent stream was given up and reopened");
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Recorded cameras (`source::replay`: GStreamer's replies and streams) through the
    /// production opener and retina, on real time.
    mod recorded {
        use super::*;
        use crate::source::replay::{Recorded, Replay};
        use crate::source::RtspTransport;

        fn start_recorded(replay: &Replay, credentials: Option<&str>) -> (Arc<CameraHub>, Arc<Records>) {
            let spec = SourceSpec::Rtsp { url: replay.url(credentials), transport: RtspTransport::Tcp };
            let hub = CameraHub::new(CameraId(1), spec);
            // Always on, as the registry holds such a camera.
            std::mem::forget(hub.lease());
            let records = Arc::new(Records::default());
            spawn_with(hub.clone(), Arc::new(Sources), records.clone());
            (hub, records)
        }

        /// Waits (at most 15 s) until the records begin with `wanted`.
        async fn until_recorded(records: &Records, wanted: &[&str]) {
            let deadline = Instant::now() + Duration::from_secs(15);
            loop {
                let got = records.0.lock().unwrap().clone();
                if got.len() >= wanted.len() {
                    assert_eq!(&got[..wanted.len()], wanted);
                    return;
                }
                assert!(Instant::now() < deadline, "records so far: {got:?}");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }

        #[tokio::test]
        async fn a_recorded_camera_goes_online_and_is_reconnected_after_it_drops() {
            let replay = Replay::start(Recorded::load("h264-digest")).await;
            let (_hub, records) = start_recorded(&replay, Some("admin:secret"));
            // Online; the recording ends and the camera drops; a second later, online again.
            until_recorded(&records, &["online", "offline", "online"]).await;
            assert!(replay.connections() >= 2);
        }

        #[tokio::test]
        async fn a_recorded_camera_with_b_frames_is_unplayable_and_not_retried_at_once() {
            let replay = Replay::start(Recorded::load("h264-bframes")).await;
            let (hub, records) = start_recorded(&replay, None);
            until_recorded(&records, &["unplayable"]).await;
            assert_eq!(hub.state(), CameraState::Unplayable("B-frames".into()));
            tokio::time::sleep(Duration::from_millis(1500)).await;
            assert_eq!(replay.connections(), 1, "looked at again after a minute, not in a loop");
        }

        #[tokio::test]
        async fn a_recorded_camera_refusing_our_credentials_is_offline() {
            let replay = Replay::start(Recorded::load("h264-digest")).await;
            let (hub, records) = start_recorded(&replay, None);
            until_recorded(&records, &["offline"]).await;
            assert!(
                matches!(hub.state(), CameraState::Offline(why) if why.contains("401 response to DESCRIBE")),
                "{:?}",
                hub.state()
            );
        }

        #[tokio::test]
        async fn a_recorded_h265_camera_is_unplayable() {
            let replay = Replay::start(Recorded::load("h265")).await;
            let (hub, records) = start_recorded(&replay, None);
            until_recorded(&records, &["unplayable"]).await;
            assert_eq!(hub.state(), CameraState::Unplayable("H.265/HEVC".into()));
        }
    }
}
