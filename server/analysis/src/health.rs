//! Camera health from sampled frames, without a model.
//!
//! Each check is a pure function of one sample's measurements ([`SampleStats`]) or of the
//! recent history, with thresholds from [`HealthConfig`]. [`HealthTracker`] runs them on one
//! camera's samples and reports state changes, with hysteresis so that one odd sample does not
//! flip the state. Thresholds assume frames downscaled to about 160 pixels wide
//! ([`Luma::from_yuv_y`]).

use super::luma::{hamming, Luma};
use chrono::{DateTime, TimeDelta, Utc};
use std::collections::VecDeque;

pub use mingchu_domain::picture::HealthState;

/// Thresholds for the checks, in luma levels (0–255) on the downscaled frame unless stated.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthConfig {
    /// Dark below this mean luma. Default 32: limited-range video black is 16, and an unlit
    /// kitchen at night stays under 30 even with sensor noise.
    pub dark_max_mean: f64,
    /// Covered when lit (not dark) but the standard deviation is below this. Default 8: a hand
    /// or paper over the lens gives 2–6, a kitchen scene 30–60.
    pub covered_max_std: f64,
    /// Blurred below this variance of the Laplacian. Default 20: sharp scenes at 160 pixels
    /// wide measure in the hundreds or more, a defocused or greasy lens in the single digits.
    pub blur_max_laplacian: f64,
    /// Two consecutive samples are "the same picture" when their mean absolute difference is at
    /// most this. Default 0.05: bit-identical frames give 0, while live sensor noise survives
    /// downscaling as about 0.1–0.5, so a static but live scene is not frozen.
    pub frozen_max_diff: f64,
    /// Frozen after this many consecutive same samples (at least 2). Default 3.
    pub frozen_samples: usize,
    /// Two difference hashes show the same picture when at most this many bits apart. Default 4.
    pub loop_match_bits: u32,
    /// Consecutive hashes more than this many bits apart count as a change of picture. Default 8.
    pub loop_change_bits: u32,
    /// A loop must be seen repeating over this many full periods (at least 2). Default 2.
    pub loop_min_periods: usize,
    /// Hashes kept for loop detection, which bounds the longest loop found to
    /// `history_len / loop_min_periods` samples. Default 180 (30 minutes at one sample every
    /// 10 s, so recordings up to 15 minutes long).
    pub history_len: usize,
    /// Moved when the hash is at least this many bits from the reference frame's. Default 20
    /// (unrelated views differ by about 32; a person in front of the camera by 5–15).
    pub moved_min_bits: u32,
    /// Samples in a row that must look moved before the state becomes [`HealthState::Moved`].
    /// Default 12 (two minutes at 10 s), so a cook standing in front of the camera for a while
    /// does not count.
    pub moved_samples: u32,
    /// Samples in a row that must show a new state (other than moved and offline) before the
    /// state changes; also the healthy run after which the reference frame is taken. Default 3.
    pub confirm_samples: u32,
    /// Offline after this long without a frame. Default 60 s.
    pub offline_after: TimeDelta,
}

impl Default for HealthConfig {
    fn default() -> Self {
        HealthConfig {
            dark_max_mean: 32.0,
            covered_max_std: 8.0,
            blur_max_laplacian: 20.0,
            frozen_max_diff: 0.05,
            frozen_samples: 3,
            loop_match_bits: 4,
            loop_change_bits: 8,
            loop_min_periods: 2,
            history_len: 180,
            moved_min_bits: 20,
            moved_samples: 12,
            confirm_samples: 3,
            offline_after: TimeDelta::seconds(60),
        }
    }
}

/// The measurements of one sample, for the checks and for logging.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SampleStats {
    pub mean: f64,
    pub std_dev: f64,
    pub laplacian_var: f64,
    /// The difference hash ([`Luma::dhash`]).
    pub hash: u64,
}

impl SampleStats {
    pub fn measure(frame: &Luma) -> SampleStats {
        let (mean, std_dev) = frame.mean_and_std_dev();
        SampleStats { mean, std_dev, laplacian_var: frame.laplacian_variance(), hash: frame.dhash() }
    }
}

impl HealthConfig {
    /// Black or too dark: mean luma below [`HealthConfig::dark_max_mean`].
    pub fn is_dark(&self, stats: &SampleStats) -> bool {
        stats.mean < self.dark_max_mean
    }

    /// Lens covered: lit, but nearly uniform.
    pub fn is_covered(&self, stats: &SampleStats) -> bool {
        !self.is_dark(stats) && stats.std_dev < self.covered_max_std
    }

    /// Blurred: little edge energy (variance of the Laplacian).
    pub fn is_blurred(&self, stats: &SampleStats) -> bool {
        stats.laplacian_var < self.blur_max_laplacian
    }

    /// Frozen: `diffs` are the mean absolute differences between consecutive samples, oldest
    /// first; the last `frozen_samples - 1` of them (linking `frozen_samples` frames) must all
    /// be at most [`HealthConfig::frozen_max_diff`].
    pub fn is_frozen(&self, diffs: &[f64]) -> bool {
        let needed = self.frozen_samples.max(2) - 1;
        diffs.len() >= needed && diffs[diffs.len() - needed..].iter().all(|&d| d <= self.frozen_max_diff)
    }

    /// Looped: the shortest period `P` (in samples, at least 2) with which the recent hashes
    /// (oldest first) repeat over [`HealthConfig::loop_min_periods`] full periods.
    ///
    /// Every sample after the first period must match the one `P` samples earlier, and the
    /// picture must change (by more than [`HealthConfig::loop_change_bits`]) on at least half
    /// the steps of the window, so a static or frozen scene, or a mostly static one with an
    /// occasional passer-by, is never a loop. Limits: a replayed recording in which almost
    /// nothing moves is not detected, nor one whose length falls well between whole numbers of
    /// sample intervals while its content changes quickly (samples then never land on the same
    /// moment of the recording twice).
    pub fn loop_period(&self, hashes: &[u64]) -> Option<usize> {
        let periods = self.loop_min_periods.max(2);
        let n = hashes.len();
        let same = |a: u64, b: u64| hamming(a, b) <= self.loop_match_bits;
        (2..=n / periods).find(|&p| {
            let window = &hashes[n - p * periods..];
            let repeats = (p..window.len()).all(|i| same(window[i], window[i - p]));
            let changes = window.windows(2).filter(|pair| hamming(pair[0], pair[1]) > self.loop_change_bits).count();
            repeats && 2 * changes >= window.len() - 1
        })
    }

    /// Moved: the hash is far from the reference frame's. Persistence is the tracker's job.
    pub fn is_moved(&self, reference: u64, hash: u64) -> bool {
        hamming(reference, hash) >= self.moved_min_bits
    }

    /// Offline: no frame since `last_frame` for [`HealthConfig::offline_after`] or longer.
    pub fn is_offline(&self, last_frame: DateTime<Utc>, now: DateTime<Utc>) -> bool {
        now.signed_duration_since(last_frame) >= self.offline_after
    }
}

/// A change of a camera's health state.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    /// When the new state began as far as the samples show: the first sample that showed it,
    /// or for offline the moment the timeout expired.
    pub at: DateTime<Utc>,
    pub from: HealthState,
    pub to: HealthState,
    /// What was measured, for people reading the history.
    pub detail: String,
}

/// One camera's health, fed its samples in time order.
///
/// It starts [`HealthState::Offline`]; the first frame moves it to whatever that frame shows
/// at once, later changes need [`HealthConfig::confirm_samples`] samples in a row
/// ([`HealthConfig::moved_samples`] for moved). Offline is time-based: call
/// [`HealthTracker::tick`] regularly (at least every half `offline_after`), since a frame that
/// arrives after a long gap does not report the outage it missed.
#[derive(Debug)]
pub struct HealthTracker {
    config: HealthConfig,
    state: HealthState,
    last_frame: Option<DateTime<Utc>>,
    last_stats: Option<SampleStats>,
    previous: Option<Luma>,
    /// Mean absolute differences between consecutive samples, the last `frozen_samples`.
    diffs: VecDeque<f64>,
    /// Difference hashes of the last `history_len` samples.
    hashes: VecDeque<u64>,
    /// Hash of the reference frame: the frame that completed the first run of
    /// `confirm_samples` healthy samples (since the last [`HealthTracker::reset_reference`]).
    reference: Option<u64>,
    healthy_run: u32,
    pending: Option<Pending>,
}

/// A state seen on the latest samples but not yet confirmed.
#[derive(Debug)]
struct Pending {
    state: HealthState,
    first_at: DateTime<Utc>,
    count: u32,
}

impl HealthTracker {
    pub fn new(config: HealthConfig) -> HealthTracker {
        HealthTracker {
            config,
            state: HealthState::Offline,
            last_frame: None,
            last_stats: None,
            previous: None,
            diffs: VecDeque::new(),
            hashes: VecDeque::new(),
            reference: None,
            healthy_run: 0,
            pending: None,
        }
    }

    pub fn state(&self) -> HealthState {
        self.state
    }

    /// The measurements of the latest frame, for logging.
    pub fn last_stats(&self) -> Option<&SampleStats> {
        self.last_stats.as_ref()
    }

    /// Forgets the reference frame (after a deliberate change of view); the next stable healthy
    /// run provides a new one.
    pub fn reset_reference(&mut self) {
        self.reference = None;
        self.healthy_run = 0;
    }

    /// Feeds one sample taken at `now`; `None` means no frame could be had, which only
    /// advances the offline clock like [`HealthTracker::tick`].
    pub fn observe(&mut self, now: DateTime<Utc>, sample: Option<Luma>) -> Option<Transition> {
        let Some(frame) = sample else {
            return self.tick(now);
        };
        if self.last_frame.is_some_and(|last| self.config.is_offline(last, now)) {
            // The sequence of samples broke: frozen and looped start afresh.
            self.clear_history();
        }
        self.last_frame = Some(now);
        let stats = SampleStats::measure(&frame);
        self.remember(frame, stats.hash);
        let (candidate, detail) = self.classify(&stats);
        self.last_stats = Some(stats);
        self.settle(now, stats.hash, candidate, detail)
    }

    /// Checks the offline timeout; returns the transition to offline when it has just expired.
    pub fn tick(&mut self, now: DateTime<Utc>) -> Option<Transition> {
        let last = self.last_frame?;
        if self.state == HealthState::Offline || !self.config.is_offline(last, now) {
            return None;
        }
        self.clear_history();
        let at = last.checked_add_signed(self.config.offline_after).unwrap_or(now);
        let detail = format!(
            "no frame for {} s (limit {} s)",
            (now - last).num_seconds(),
            self.config.offline_after.num_seconds()
        );
        Some(self.change(at, HealthState::Offline, detail))
    }

    fn clear_history(&mut self) {
        self.previous = None;
        self.diffs.clear();
        self.hashes.clear();
        self.healthy_run = 0;
        self.pending = None;
    }

    fn remember(&mut self, frame: Luma, hash: u64) {
        match self.previous.as_ref().and_then(|previous| previous.mean_abs_diff(&frame)) {
            Some(diff) => push_bounded(&mut self.diffs, diff, self.config.frozen_samples),
            // A different size (the camera changed resolution) starts a new run.
            None => self.diffs.clear(),
        }
        self.previous = Some(frame);
        push_bounded(&mut self.hashes, hash, self.config.history_len);
    }

    /// The state this sample shows, by priority, with what was measured.
    fn classify(&mut self, s: &SampleStats) -> (HealthState, String) {
        let c = &self.config;
        if c.is_dark(s) {
            return (HealthState::Dark, format!("mean luma {:.1} below {}", s.mean, c.dark_max_mean));
        }
        if c.is_covered(s) {
            let detail = format!(
                "near-uniform picture: std dev {:.1} below {} at mean luma {:.1}",
                s.std_dev, c.covered_max_std, s.mean
            );
            return (HealthState::Covered, detail);
        }
        if c.is_frozen(self.diffs.make_contiguous()) {
            let detail = format!(
                "picture unchanged over {} samples (mean abs diff at most {})",
                c.frozen_samples, c.frozen_max_diff
            );
            return (HealthState::Frozen, detail);
        }
        if let Some(period) = c.loop_period(self.hashes.make_contiguous()) {
            return (HealthState::Looped, format!("the picture sequence repeats every {period} samples"));
        }
        if let Some(reference) = self.reference.filter(|&r| c.is_moved(r, s.hash)) {
            let bits = hamming(reference, s.hash);
            return (
                HealthState::Moved,
                format!("view {bits} hash bits from the reference frame (limit {})", c.moved_min_bits),
            );
        }
        if c.is_blurred(s) {
            return (
                HealthState::Blurred,
                format!("Laplacian variance {:.1} below {}", s.laplacian_var, c.blur_max_laplacian),
            );
        }
        let detail =
            format!("mean luma {:.1}, std dev {:.1}, Laplacian variance {:.1}", s.mean, s.std_dev, s.laplacian_var);
        (HealthState::Ok, detail)
    }

    /// Applies hysteresis to the state this sample shows; takes the reference frame from a
    /// stable healthy run.
    fn settle(&mut self, now: DateTime<Utc>, hash: u64, candidate: HealthState, detail: String) -> Option<Transition> {
        if candidate == HealthState::Ok {
            self.healthy_run = self.healthy_run.saturating_add(1);
            if self.reference.is_none() && self.healthy_run >= self.config.confirm_samples {
                self.reference = Some(hash);
            }
        } else {
            self.healthy_run = 0;
        }
        if self.state == HealthState::Offline {
            return Some(self.change(now, candidate, detail));
        }
        if candidate == self.state {
            self.pending = None;
            return None;
        }
        let pending = match self.pending.take() {
            Some(p) if p.state == candidate => Pending { count: p.count + 1, ..p },
            _ => Pending { state: candidate, first_at: now, count: 1 },
        };
        let needed =
            if candidate == HealthState::Moved { self.config.moved_samples } else { self.config.confirm_samples };
        if pending.count < needed {
            self.pending = Some(pending);
            return None;
        }
        Some(self.change(pending.first_at, candidate, detail))
    }

    fn change(&mut self, at: DateTime<Utc>, to: HealthState, detail: String) -> Transition {
        let from = std::mem::replace(&mut self.state, to);
        self.pending = None;
        Transition { at, from, to, detail }
    }
}

fn push_bounded<T>(queue: &mut VecDeque<T>, value: T, capacity: usize) {
    if queue.len() >= capacity.max(1) {
        queue.pop_front();
    }
    queue.push_back(value);
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A synthetic kitchen, 160x90: tiled wall, steel counter, a wok, a hood, shelves. `pan`
    /// shifts the view sideways by that many pixels, as if the camera had been turned.
    fn kitchen(pan: i32) -> Luma {
        Luma::from_fn(160, 90, |x, y| {
            let (x, y) = (x as i32 + pan, y as i32);
            match (x, y) {
                (40..75, 50..66) => 45,
                (95..140, 4..24) => 225,
                (-30..10, 30..80) => 200,
                (170..200, 20..60) => 60,
                (_, 0..42) if (x.div_euclid(12) + y / 12) % 2 == 0 => 150,
                (_, 0..42) => 185,
                _ => (90 + x / 3).clamp(0, 255) as u8,
            }
        })
    }

    /// A cook in a white coat close to the camera, `left` pixels from the left edge.
    fn with_cook(frame: &Luma, left: u32) -> Luma {
        frame.with_rect((left, 0, left + 50, 90), 230)
    }

    fn stats(frame: &Luma) -> SampleStats {
        SampleStats::measure(frame)
    }

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_717_200_000 + seconds, 0).unwrap()
    }

    fn diffs(frames: &[Luma]) -> Vec<f64> {
        frames.windows(2).map(|pair| pair[0].mean_abs_diff(&pair[1]).unwrap()).collect()
    }

    #[test]
    fn dark_frames() {
        let c = HealthConfig::default();
        assert!(c.is_dark(&stats(&Luma::uniform(160, 90, 0))));
        // Limited-range video black with sensor noise, and a dim unlit kitchen.
        assert!(c.is_dark(&stats(&Luma::uniform(160, 90, 16).with_noise(1, 3))));
        assert!(c.is_dark(&stats(&Luma::checkerboard(160, 90, 8, 12, 40))));
        assert!(!c.is_dark(&stats(&kitchen(0))));
        assert!(!c.is_dark(&stats(&Luma::gradient(160, 90))));
    }

    #[test]
    fn covered_lens() {
        let c = HealthConfig::default();
        // A hand over the lens: lit, nearly uniform, with a little shading and noise.
        let hand = Luma::from_fn(160, 90, |x, _| (140 + x / 20) as u8).with_noise(2, 3);
        assert!(c.is_covered(&stats(&hand)));
        assert!(c.is_covered(&stats(&Luma::uniform(160, 90, 235))));
        // Black is dark, not covered; a scene is neither.
        assert!(!c.is_covered(&stats(&Luma::uniform(160, 90, 16))));
        assert!(!c.is_covered(&stats(&kitchen(0))));
        assert!(!c.is_covered(&stats(&Luma::checkerboard(160, 90, 20, 100, 140))));
    }

    #[test]
    fn blurred_versus_sharp() {
        let c = HealthConfig::default();
        let sharp = Luma::checkerboard(160, 90, 16, 80, 180);
        assert!(!c.is_blurred(&stats(&sharp)));
        let blurred = (0..8).fold(sharp, |frame, _| frame.box_blurred());
        assert!(c.is_blurred(&stats(&blurred)));

        let scene = kitchen(0).with_noise(3, 2);
        assert!(!c.is_blurred(&stats(&scene)));
        let defocused = (0..3).fold(scene, |frame, _| frame.box_blurred());
        assert!(c.is_blurred(&stats(&defocused)));
    }

    #[test]
    fn frozen_means_identical_not_static() {
        let c = HealthConfig::default();
        let scene = kitchen(0).with_noise(4, 2);
        assert!(c.is_frozen(&diffs(&[scene.clone(), scene.clone(), scene.clone()])));
        // Too few samples yet, or the newest one differs.
        assert!(!c.is_frozen(&diffs(&[scene.clone(), scene.clone()])));
        assert!(!c.is_frozen(&diffs(&[scene.clone(), scene.clone(), kitchen(0).with_noise(5, 2)])));
        // A static kitchen with live sensor noise of 2–3 levels is not frozen...
        for amplitude in [2, 3] {
            let live: Vec<Luma> = (0..4).map(|i| kitchen(0).with_noise(10 + i, amplitude)).collect();
            assert!(!c.is_frozen(&diffs(&live)), "noise ±{amplitude}");
        }
        // ...nor after downscaling, which averages most of the noise away.
        let live: Vec<Luma> = (0..3)
            .map(|i| {
                let big = Luma::uniform(640, 360, 120).with_noise(20 + i, 2);
                Luma::from_yuv_y(&big.pixels, 640, 640, 360, 160).unwrap()
            })
            .collect();
        assert!(!c.is_frozen(&diffs(&live)));
    }

    /// Four distinct textured pictures, as a replayed recording might show.
    fn recording() -> Vec<Luma> {
        vec![
            kitchen(0),
            Luma::checkerboard(160, 90, 10, 40, 200),
            kitchen(50),
            Luma::checkerboard(160, 90, 23, 60, 180).with_rect((20, 20, 70, 60), 240),
        ]
    }

    #[test]
    fn looped_sequence_is_found() {
        let c = HealthConfig::default();
        let clip = recording();
        let hashes: Vec<u64> = (0..12).map(|i| clip[i % 4].with_noise(i as u64, 3).dhash()).collect();
        assert_eq!(c.loop_period(&hashes), Some(4));
        // Two full periods are enough, and not less.
        assert_eq!(c.loop_period(&hashes[..8]), Some(4));
        assert_eq!(c.loop_period(&hashes[..7]), None);
        // After live samples, only the recent window counts.
        let mut mixed: Vec<u64> = (0..5).map(|i| kitchen(i * 7).dhash()).collect();
        mixed.extend(&hashes);
        assert_eq!(c.loop_period(&mixed), Some(4));
        // The shortest period: A B A B.
        let ab: Vec<u64> = (0..6).map(|i| clip[i % 2].with_noise(i as u64, 2).dhash()).collect();
        assert_eq!(c.loop_period(&ab), Some(2));
    }

    #[test]
    fn static_frozen_and_live_scenes_are_not_loops() {
        let c = HealthConfig::default();
        let noisy: Vec<u64> = (0..30).map(|i| kitchen(0).with_noise(i, 3).dhash()).collect();
        assert_eq!(c.loop_period(&noisy), None);
        assert_eq!(c.loop_period(&[kitchen(0).dhash(); 30]), None);
        // Ever-changing pictures that never come back.
        let live: Vec<u64> = (0..20).map(|i| kitchen(i * 9 - 90).dhash()).collect();
        assert_eq!(c.loop_period(&live), None);
        // A static scene with a cook passing every fourth sample is regular, but not a loop.
        let passing: Vec<u64> = (0..16)
            .map(|i| if i % 4 == 3 { with_cook(&kitchen(0), 60) } else { kitchen(0) }.with_noise(i, 2).dhash())
            .collect();
        assert_eq!(c.loop_period(&passing), None);
        assert_eq!(c.loop_period(&[]), None);
    }

    #[test]
    fn moved_view_against_reference() {
        let c = HealthConfig::default();
        let reference = kitchen(0).dhash();
        assert!(!c.is_moved(reference, kitchen(0).with_noise(8, 3).dhash()));
        assert!(!c.is_moved(reference, with_cook(&kitchen(0), 100).dhash()));
        assert!(c.is_moved(reference, kitchen(40).dhash()));
        assert!(c.is_moved(reference, Luma::checkerboard(160, 90, 10, 40, 200).dhash()));
        // Lights dimmed: the structure, and so the hash, stays.
        let dimmed = Luma { pixels: kitchen(0).pixels.iter().map(|&p| p / 2 + 20).collect(), ..kitchen(0) };
        assert!(!c.is_moved(reference, dimmed.dhash()));
    }

    #[test]
    fn offline_after_timeout() {
        let c = HealthConfig::default();
        assert!(!c.is_offline(at(0), at(59)));
        assert!(c.is_offline(at(0), at(60)));
    }

    /// Feeds `frames` 10 s apart from `start` seconds; returns the transitions and the next time.
    fn feed(tracker: &mut HealthTracker, start: i64, frames: impl IntoIterator<Item = Luma>) -> (Vec<Transition>, i64) {
        let mut t = start;
        let mut transitions = Vec::new();
        for frame in frames {
            transitions.extend(tracker.observe(at(t), Some(frame)));
            t += 10;
        }
        (transitions, t)
    }

    fn live(seed: u64, n: u64) -> impl Iterator<Item = Luma> {
        (seed..seed + n).map(|i| kitchen(0).with_noise(i, 3))
    }

    fn steps(transitions: &[Transition]) -> Vec<(HealthState, HealthState)> {
        transitions.iter().map(|t| (t.from, t.to)).collect()
    }

    #[test]
    fn black_then_frozen_then_recovered() {
        let mut tracker = HealthTracker::new(HealthConfig::default());
        assert_eq!(tracker.state(), HealthState::Offline);
        let (start, t) = feed(&mut tracker, 0, live(0, 5));
        assert_eq!(steps(&start), [(HealthState::Offline, HealthState::Ok)]);
        assert_eq!(start[0].at, at(0));

        let (black, t) = feed(&mut tracker, t, (0..4).map(|i| Luma::uniform(160, 90, 16).with_noise(i, 2)));
        assert_eq!(steps(&black), [(HealthState::Ok, HealthState::Dark)]);
        assert_eq!(black[0].at, at(50), "the first black sample");
        assert!(black[0].detail.contains("mean luma"), "{}", black[0].detail);

        let still = kitchen(0).with_noise(99, 3);
        let (frozen, t) = feed(&mut tracker, t, std::iter::repeat_n(still, 6));
        assert_eq!(steps(&frozen), [(HealthState::Dark, HealthState::Frozen)]);
        assert!(!tracker.state().counts_as_online());

        let (recovered, _) = feed(&mut tracker, t, live(200, 4));
        assert_eq!(steps(&recovered), [(HealthState::Frozen, HealthState::Ok)]);
        let logged = tracker.last_stats().unwrap();
        assert!(logged.mean > 100.0 && logged.laplacian_var > 100.0);
    }

    #[test]
    fn one_odd_sample_changes_nothing() {
        let mut tracker = HealthTracker::new(HealthConfig::default());
        let (_, t) = feed(&mut tracker, 0, live(0, 4));
        let blips = [Luma::uniform(160, 90, 10), kitchen(0).with_noise(50, 3), Luma::uniform(160, 90, 10)];
        let (none, t) = feed(&mut tracker, t, blips.into_iter().chain(live(60, 3)));
        assert!(none.is_empty(), "{none:?}");
        assert_eq!(tracker.state(), HealthState::Ok);
        // Covered outranks frozen: identical grey frames are a covered lens.
        let (covered, _) = feed(&mut tracker, t, std::iter::repeat_n(Luma::uniform(160, 90, 180), 6));
        assert_eq!(steps(&covered), [(HealthState::Ok, HealthState::Covered)]);
    }

    #[test]
    fn replayed_recording_is_looped() {
        let mut tracker = HealthTracker::new(HealthConfig::default());
        let (_, t) = feed(&mut tracker, 0, live(0, 5));
        let clip = recording();
        let replay = (0..16).map(|i| clip[i % 4].with_noise(i as u64, 3));
        let (looped, _) = feed(&mut tracker, t, replay);
        assert_eq!(steps(&looped), [(HealthState::Ok, HealthState::Looped)]);
        assert!(looped[0].detail.contains("every 4 samples"), "{}", looped[0].detail);
        assert!(!tracker.state().counts_as_online());
    }

    #[test]
    fn moved_only_after_persistence() {
        let config = HealthConfig::default();
        let persistence = config.moved_samples as u64;
        let mut tracker = HealthTracker::new(config);
        let (_, t) = feed(&mut tracker, 0, live(0, 5));

        // A cook walks past, close to the camera: large changes, but brief.
        let walk = (0..6).map(|i| with_cook(&kitchen(0), 20 * i).with_noise(i.into(), 3));
        let (none, t) = feed(&mut tracker, t, walk.chain(live(10, 2)));
        assert!(none.is_empty(), "{none:?}");

        // The camera is turned: one sample short of the persistence, nothing yet.
        let turned = |seed| kitchen(40).with_noise(seed, 3);
        let (none, t) = feed(&mut tracker, t, (0..persistence - 1).map(turned));
        assert!(none.is_empty(), "{none:?}");
        let (moved, t) = feed(&mut tracker, t, [turned(99)]);
        assert_eq!(steps(&moved), [(HealthState::Ok, HealthState::Moved)]);
        assert_eq!(moved[0].at, at(t - 10 * persistence as i64), "dated from the first moved sample");
        assert!(tracker.state().counts_as_online());

        // Put back: recovers after the usual confirmation.
        let (back, t) = feed(&mut tracker, t, live(300, 3));
        assert_eq!(steps(&back), [(HealthState::Moved, HealthState::Ok)]);

        // Turned on purpose and acknowledged: the new view becomes the reference.
        let (moved, t) = feed(&mut tracker, t, (0..persistence).map(turned));
        assert_eq!(steps(&moved), [(HealthState::Ok, HealthState::Moved)]);
        tracker.reset_reference();
        let (ok, t) = feed(&mut tracker, t, (0..5).map(turned));
        assert_eq!(steps(&ok), [(HealthState::Moved, HealthState::Ok)]);
        let (none, _) = feed(&mut tracker, t, (0..persistence).map(turned));
        assert!(none.is_empty(), "{none:?}");
    }

    #[test]
    fn offline_by_time_and_back() {
        let mut tracker = HealthTracker::new(HealthConfig::default());
        assert_eq!(tracker.tick(at(0)), None);
        assert_eq!(tracker.observe(at(5), None), None);
        let (_, t) = feed(&mut tracker, 0, live(0, 3));
        let last = t - 10;
        assert_eq!(tracker.tick(at(last + 59)), None);
        assert_eq!(tracker.observe(at(last + 59), None), None);
        let offline = tracker.tick(at(last + 75)).unwrap();
        assert_eq!((offline.from, offline.to, offline.at), (HealthState::Ok, HealthState::Offline, at(last + 60)));
        assert!(offline.detail.contains("75 s"), "{}", offline.detail);
        assert_eq!(tracker.tick(at(last + 200)), None);
        // The first frame ends the outage at once, with whatever it shows.
        let back = tracker.observe(at(last + 300), Some(Luma::uniform(160, 90, 5))).unwrap();
        assert_eq!((back.from, back.to, back.at), (HealthState::Offline, HealthState::Dark, at(last + 300)));
    }

    #[test]
    fn frozen_runs_do_not_span_an_outage() {
        let mut tracker = HealthTracker::new(HealthConfig::default());
        let still = kitchen(0).with_noise(1, 3);
        let (_, _) = feed(&mut tracker, 0, std::iter::repeat_n(still.clone(), 2));
        // Without a tick, a long gap still breaks the run of identical samples.
        let (none, _) = feed(&mut tracker, 500, std::iter::repeat_n(still, 4));
        assert!(none.is_empty(), "{none:?}");
    }
}
