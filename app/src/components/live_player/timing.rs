//! How long the player waits before asking again.

use std::time::Duration;

const FIRST_RETRY: Duration = Duration::from_secs(1);
const LONGEST_RETRY: Duration = Duration::from_secs(30);
/// When a 503 comes without a usable `Retry-After`.
const DEFAULT_RETRY_AFTER: Duration = Duration::from_secs(5);
/// Bounds on what the server may ask for, so a bad header neither hammers nor stalls the tile.
const RETRY_AFTER_RANGE: (u64, u64) = (1, 300);

/// The pause before reconnection attempt `attempt` (1 for the first): 1 s doubling up to
/// 30 s, less up to a quarter at random (`random` in [0, 1)) so that many viewers who lost a
/// camera at the same moment do not all come back at once.
pub fn backoff(attempt: u32, random: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(16);
    let base = FIRST_RETRY.saturating_mul(1 << doublings).min(LONGEST_RETRY);
    base.mul_f64(1.0 - 0.25 * random.clamp(0.0, 1.0))
}

/// A `Retry-After` header given in seconds (the form the server uses); the HTTP-date form
/// and anything unreadable fall back to the default.
pub fn retry_after(header: Option<&str>) -> Duration {
    header
        .and_then(|value| value.trim().parse::<u64>().ok())
        .map(|secs| Duration::from_secs(secs.clamp(RETRY_AFTER_RANGE.0, RETRY_AFTER_RANGE.1)))
        .unwrap_or(DEFAULT_RETRY_AFTER)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_one_second_up_to_thirty() {
        let secs: Vec<u64> = (1..=7).map(|n| backoff(n, 0.0).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30]);
        assert_eq!(backoff(0, 0.0), Duration::from_secs(1));
        assert_eq!(backoff(u32::MAX, 0.0), Duration::from_secs(30));
    }

    #[test]
    fn jitter_takes_off_at_most_a_quarter() {
        assert_eq!(backoff(3, 0.5), Duration::from_millis(3500));
        assert_eq!(backoff(6, 0.999_999).as_millis(), 22_500);
        assert_eq!(backoff(1, 7.0), Duration::from_millis(750));
    }

    #[test]
    fn retry_after_reads_seconds_and_falls_back_to_five() {
        assert_eq!(retry_after(Some("2")), Duration::from_secs(2));
        assert_eq!(retry_after(Some(" 10 ")), Duration::from_secs(10));
        assert_eq!(retry_after(Some("0")), Duration::from_secs(1));
        assert_eq!(retry_after(Some("86400")), Duration::from_secs(300));
        assert_eq!(retry_after(Some("Wed, 21 Oct 2015 07:28:00 GMT")), Duration::from_secs(5));
        assert_eq!(retry_after(None), Duration::from_secs(5));
    }
}
