//! Per-viewer RTP numbering. Every viewer gets its own contiguous sequence numbers and a
//! timestamp line that never runs backwards, whatever the camera did (joins from a cached
//! keyframe, replays on a keyframe request, camera restarts).

/// 90 kHz ticks between replayed frames: a cached group of pictures is sent as a quick burst
/// the browser decodes at once, instead of being held back to its original pace.
const REPLAY_STEP: u32 = 90;
/// 90 kHz ticks placed between the last frame sent and the first one after a camera restart.
const GAP_STEP: u32 = 3_000;

#[derive(Debug, Clone)]
pub struct Rewriter {
    next_seq: u64,
    offset: u32,
    last_out: u32,
}

impl Rewriter {
    /// `first_seq` should be random and below 32768 (RFC 3550 §5.1; SRTP's rollover counter
    /// starts at 0 for sequence numbers below 65536). `first_time` is a random timestamp base.
    pub fn new(first_seq: u16, first_time: u32) -> Rewriter {
        Rewriter { next_seq: first_seq as u64, offset: 0, last_out: first_time.wrapping_sub(REPLAY_STEP) }
    }

    /// The next extended sequence number: contiguous, growing past 16 bits (the wire value is
    /// its low 16 bits; the SRTP rollover counter follows the high bits).
    pub fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Timestamp for the next frame of a replayed burst.
    pub fn replay_time(&mut self) -> u32 {
        self.last_out = self.last_out.wrapping_add(REPLAY_STEP);
        self.last_out
    }

    /// After a replay: the camera frame with `camera_time` is the one just sent, so later
    /// frames keep their natural spacing from it.
    pub fn anchor(&mut self, camera_time: u32) {
        self.offset = self.last_out.wrapping_sub(camera_time);
    }

    /// After a camera restart: its clock is unrelated to the old one, so continue shortly
    /// after the last frame sent.
    pub fn resync(&mut self, camera_time: u32) {
        self.offset = self.last_out.wrapping_add(GAP_STEP).wrapping_sub(camera_time);
    }

    /// Output timestamp of a live camera frame.
    pub fn map(&mut self, camera_time: u32) -> u32 {
        self.last_out = camera_time.wrapping_add(self.offset);
        self.last_out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sequence_numbers_run_on_across_the_16_bit_wrap() {
        let mut r = Rewriter::new(65_533, 0);
        let seqs: Vec<u64> = (0..6).map(|_| r.next_seq()).collect();
        assert_eq!(seqs, vec![65_533, 65_534, 65_535, 65_536, 65_537, 65_538]);
        let wire: Vec<u16> = seqs.iter().map(|s| *s as u16).collect();
        assert_eq!(wire, vec![65_533, 65_534, 65_535, 0, 1, 2]);
    }

    #[test]
    fn timestamps_never_run_backwards_through_replays_and_restarts() {
        let mut r = Rewriter::new(1, u32::MAX - 1_000);
        // Join: burst of three cached frames, then live frames 3600 ticks apart.
        let burst: Vec<u32> = (0..3).map(|_| r.replay_time()).collect();
        r.anchor(50_000);
        let live = [r.map(53_600), r.map(57_200)];
        // Camera restarts with a clock near zero.
        r.resync(10);
        let after = r.map(10);
        let all: Vec<u32> = burst.iter().chain(live.iter()).copied().chain([after]).collect();
        for pair in all.windows(2) {
            let step = pair[1].wrapping_sub(pair[0]);
            assert!(step > 0 && step < 10_000, "step {step} in {all:?}");
        }
        assert_eq!(live[1].wrapping_sub(live[0]), 3_600);
    }
}
