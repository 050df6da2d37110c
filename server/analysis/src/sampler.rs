//! Which of a camera's frames its analysis looks at (sans-IO: fed frames and times).
//!
//! By default a keyframe at most every `interval`, never more than one per keyframe: a keyframe
//! decodes on its own, so a sample costs one picture's decode. A camera whose keyframes are
//! further apart than twice the interval would be sampled too rarely that way; for it the
//! sampler keeps the run of frames since the last keyframe and, when a sample is due, hands
//! over the whole run to be decoded (a full decode of a short window).

use std::time::{Duration, Instant};

/// The longest run kept (10 s at 30 fps, 30 s at 10 fps); a camera whose keyframes are further
/// apart than that is sampled at its keyframes only, between them only while the run lasts.
pub const MAX_RUN: usize = 300;

#[derive(Debug)]
pub struct Sampler<T> {
    interval: Duration,
    last_sample: Option<Instant>,
    last_keyframe: Option<Instant>,
    /// Time between the last two keyframes.
    keyframe_gap: Option<Duration>,
    /// Frames since the last keyframe (shared with the hub's cache, so this costs no copies).
    run: Vec<T>,
}

impl<T: Clone> Sampler<T> {
    pub fn new(interval: Duration) -> Sampler<T> {
        Sampler { interval, last_sample: None, last_keyframe: None, keyframe_gap: None, run: Vec::new() }
    }

    /// The stream restarted (new connection or lost frames): what came before cannot be decoded
    /// together with what follows.
    pub fn restart(&mut self) {
        self.last_keyframe = None;
        self.keyframe_gap = None;
        self.run.clear();
    }

    /// Whether this camera is analysed by decoding runs instead of keyframes alone.
    pub fn long_keyframe_interval(&self, now: Instant) -> bool {
        let limit = self.interval * 2;
        self.keyframe_gap.is_some_and(|gap| gap > limit)
            || self.last_keyframe.is_some_and(|at| now.duration_since(at) > limit)
    }

    fn due(&self, now: Instant) -> bool {
        self.last_sample.is_none_or(|at| now.duration_since(at) >= self.interval)
    }

    /// Takes in a frame; returns the frames to decode when a sample is due (the picture to
    /// analyse is the last one's).
    pub fn frame(&mut self, frame: T, keyframe: bool, now: Instant) -> Option<Vec<T>> {
        if keyframe {
            self.keyframe_gap = self.last_keyframe.map(|at| now.duration_since(at));
            self.last_keyframe = Some(now);
            self.run.clear();
            self.run.push(frame.clone());
            if self.due(now) {
                self.last_sample = Some(now);
                return Some(vec![frame]);
            }
            return None;
        }
        if self.run.is_empty() {
            return None; // nothing to decode from until the next keyframe
        }
        if self.run.len() >= MAX_RUN {
            self.run.clear();
            return None;
        }
        self.run.push(frame);
        if self.long_keyframe_interval(now) && self.due(now) {
            self.last_sample = Some(now);
            return Some(self.run.clone());
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: Duration = Duration::from_secs(1);

    /// Feeds `secs` seconds of a stream at `fps` with a keyframe every `gop` frames; returns
    /// the sampled runs as (time in ms, frame numbers).
    fn stream(sampler: &mut Sampler<u32>, fps: u32, gop: u32, secs: u32) -> Vec<(u128, Vec<u32>)> {
        let t0 = Instant::now();
        let mut out = Vec::new();
        for n in 0..fps * secs {
            let now = t0 + S * n / fps;
            if let Some(run) = sampler.frame(n, n % gop == 0, now) {
                out.push((now.duration_since(t0).as_millis(), run));
            }
        }
        out
    }

    #[test]
    fn one_keyframe_every_interval() {
        let mut sampler = Sampler::new(S * 10);
        let samples = stream(&mut sampler, 25, 25, 35);
        let times: Vec<u128> = samples.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, [0, 10_000, 20_000, 30_000]);
        assert!(samples.iter().all(|(_, run)| run.len() == 1 && run[0] % 25 == 0));
    }

    #[test]
    fn never_more_than_one_sample_per_keyframe() {
        // Keyframes every 4 s, asked for one sample a second: one per keyframe.
        let mut sampler = Sampler::new(S);
        let samples = stream(&mut sampler, 10, 40, 2);
        assert_eq!(samples.len(), 1);
        let mut sampler = Sampler::new(S * 3);
        let samples = stream(&mut sampler, 10, 40, 20);
        assert!(samples.iter().all(|(_, run)| run.len() == 1 && run[0] % 40 == 0), "{samples:?}");
        assert_eq!(samples.len(), 5);
    }

    #[test]
    fn long_keyframe_intervals_decode_the_run_since_the_keyframe() {
        // A keyframe every 25 s at 10 fps, sampled every 10 s.
        let mut sampler = Sampler::new(S * 10);
        let samples = stream(&mut sampler, 10, 250, 130);
        let times: Vec<u128> = samples.iter().map(|(t, _)| *t).collect();
        // Until the first keyframe interval is known to be long, only the keyframe counts.
        assert_eq!(&times[..2], [0, 20_100]);
        assert!(samples.len() >= 12, "{times:?}");
        for pair in times[1..].windows(2) {
            assert!(pair[1] - pair[0] >= 10_000 && pair[1] - pair[0] < 11_000, "{times:?}");
        }
        for (t, run) in &samples {
            assert_eq!(run[0] % 250, 0, "a run starts at a keyframe ({t} ms)");
            assert!(run.windows(2).all(|w| w[1] == w[0] + 1), "a run has no gaps");
        }
    }

    #[test]
    fn beyond_the_longest_run_only_keyframes_are_sampled() {
        // A keyframe every 60 s at 25 fps: runs end after 12 s.
        let mut sampler = Sampler::new(S * 10);
        let samples = stream(&mut sampler, 25, 1500, 125);
        for (_, run) in &samples {
            assert!(run.len() <= MAX_RUN);
        }
        let times: Vec<u128> = samples.iter().map(|(t, _)| *t).collect();
        assert_eq!(times, [0, 60_000, 70_000, 120_000]);
    }

    #[test]
    fn a_restart_waits_for_the_next_keyframe() {
        let mut sampler = Sampler::new(S);
        let t0 = Instant::now();
        assert!(sampler.frame(0, true, t0).is_some());
        sampler.restart();
        assert!(sampler.frame(1, false, t0 + S * 5).is_none());
        assert_eq!(sampler.frame(2, true, t0 + S * 6), Some(vec![2]));
    }
}
