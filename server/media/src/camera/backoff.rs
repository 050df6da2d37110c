//! Reconnect delays: about 1 s doubling to 60 s, each with ±20 % jitter so that a site whose
//! network came back does not see all its cameras reconnect in the same instant.

use std::time::Duration;

#[derive(Debug, Clone)]
pub struct Backoff {
    failures: u32,
    min: Duration,
    max: Duration,
}

impl Default for Backoff {
    fn default() -> Self {
        Backoff { failures: 0, min: Duration::from_secs(1), max: Duration::from_secs(60) }
    }
}

impl Backoff {
    /// The delay before the next attempt; `unit` is a uniform random number in [0, 1).
    pub fn next(&mut self, unit: f64) -> Duration {
        let base = self.min.saturating_mul(1 << self.failures.min(16)).min(self.max);
        self.failures = self.failures.saturating_add(1);
        base.mul_f64(0.8 + 0.4 * unit.clamp(0.0, 1.0))
    }

    /// A connection worked: start again from the shortest delay.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grows_from_one_second_to_a_minute_with_jitter() {
        let mut b = Backoff::default();
        let mid: Vec<u64> = (0..9).map(|_| b.next(0.5).as_millis() as u64).collect();
        assert_eq!(mid, vec![1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000]);
        b.reset();
        assert_eq!(b.next(0.0), Duration::from_millis(800));
        assert_eq!(b.next(1.0), Duration::from_millis(2_400));
    }
}
