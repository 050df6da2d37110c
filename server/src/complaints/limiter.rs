//! Submission rate limits per client address: a token bucket per address, fed the time by
//! its caller (sans-IO), with a bounded table so a flood of addresses cannot grow it forever:
//! when it is full, addresses whose allowance is whole again go first, then the longest idle,
//! so an address that is being limited stays limited however many others arrive.

use mingchu_domain::subscriber::subscriber;
use std::collections::HashMap;
use std::net::IpAddr;

#[derive(Debug)]
pub struct Limiter {
    /// Submissions allowed per hour (and the burst size); 0 turns the limit off.
    per_hour: u32,
    buckets: HashMap<IpAddr, Bucket>,
    max_addresses: usize,
}

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: f64,
}

const MAX_ADDRESSES: usize = 100_000;

impl Limiter {
    pub fn new(per_hour: u32) -> Limiter {
        Limiter::with_capacity(per_hour, MAX_ADDRESSES)
    }

    /// A limiter that tracks at most `max_addresses` addresses.
    pub fn with_capacity(per_hour: u32, max_addresses: usize) -> Limiter {
        Limiter { per_hour, buckets: HashMap::new(), max_addresses: max_addresses.max(10) }
    }

    fn rate(&self) -> f64 {
        self.per_hour as f64 / 3600.0
    }

    fn refill(&self, bucket: Bucket, now: f64) -> Bucket {
        let tokens = (bucket.tokens + (now - bucket.at).max(0.0) * self.rate()).min(self.per_hour as f64);
        Bucket { tokens, at: now }
    }

    /// Whether `addr` has a submission left at `now`, without taking it.
    pub fn allows(&self, addr: IpAddr, now: f64) -> bool {
        let addr = subscriber(addr);
        self.per_hour == 0 || self.buckets.get(&addr).is_none_or(|b| self.refill(*b, now).tokens >= 1.0)
    }

    /// Seconds until `addr` has a submission again (0 when it has one now).
    pub fn wait(&self, addr: IpAddr, now: f64) -> u64 {
        let addr = subscriber(addr);
        match self.buckets.get(&addr) {
            Some(b) if self.per_hour > 0 => {
                let tokens = self.refill(*b, now).tokens;
                if tokens >= 1.0 {
                    0
                } else {
                    ((1.0 - tokens) / self.rate()).ceil() as u64
                }
            }
            _ => 0,
        }
    }

    /// Takes one submission from `addr`'s allowance at `now` (seconds on any monotonic
    /// clock): `Ok` or `Err(seconds until the next one is allowed)`.
    pub fn take(&mut self, addr: IpAddr, now: f64) -> Result<(), u64> {
        if self.per_hour == 0 {
            return Ok(());
        }
        let addr = subscriber(addr);
        if self.buckets.len() >= self.max_addresses && !self.buckets.contains_key(&addr) {
            self.evict(now);
        }
        let fresh = Bucket { tokens: self.per_hour as f64, at: now };
        let bucket = self.refill(*self.buckets.get(&addr).unwrap_or(&fresh), now);
        if bucket.tokens >= 1.0 {
            self.buckets.insert(addr, Bucket { tokens: bucket.tokens - 1.0, ..bucket });
            Ok(())
        } else {
            self.buckets.insert(addr, bucket);
            Err(((1.0 - bucket.tokens) / self.rate()).ceil() as u64)
        }
    }
}

impl Limiter {
    /// Makes room: forgets addresses whose allowance has refilled (they lose nothing), then,
    /// if that is not enough, the tenth of the table idle longest. Runs once per tenth of the
    /// table's size in new addresses at most, so its cost is spread thin.
    fn evict(&mut self, now: f64) {
        let full = self.per_hour as f64;
        let rate = self.rate();
        self.buckets.retain(|_, b| b.tokens + (now - b.at) * rate < full);
        if self.buckets.len() < self.max_addresses {
            return;
        }
        let mut by_age: Vec<(f64, IpAddr)> = self.buckets.iter().map(|(a, b)| (b.at, *a)).collect();
        let drop = (self.max_addresses / 10).max(1);
        by_age.select_nth_unstable_by(drop - 1, |x, y| x.0.total_cmp(&y.0));
        for (_, addr) in &by_age[..drop] {
            self.buckets.remove(addr);
        }
        tracing::warn!(
            addresses = self.buckets.len(),
            forgotten = drop,
            "rate-limit table full; the longest idle addresses were forgotten"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_one_per_interval() {
        let a: IpAddr = "10.0.0.1".parse().unwrap();
        let b: IpAddr = "10.0.0.2".parse().unwrap();
        let mut l = Limiter::new(6);
        for _ in 0..6 {
            assert!(l.take(a, 0.0).is_ok());
        }
        let wait = l.take(a, 0.0).unwrap_err();
        assert_eq!(wait, 600);
        assert!(l.take(b, 0.0).is_ok(), "other addresses are not affected");
        assert!(l.take(a, 599.0).is_err());
        assert!(l.take(a, 601.0).is_ok());
    }

    #[test]
    fn an_ipv6_subscriber_shares_one_allowance() {
        let mut l = Limiter::new(1);
        assert!(l.take("2001:db8:1:2::1".parse().unwrap(), 0.0).is_ok());
        assert!(!l.allows("2001:db8:1:2:ffff::9".parse().unwrap(), 0.0));
        assert!(l.take("2001:db8:1:2:ffff::9".parse().unwrap(), 0.0).is_err());
        assert!(l.take("2001:db8:1:3::1".parse().unwrap(), 0.0).is_ok(), "another /64");
        assert!(l.allows("10.0.0.9".parse().unwrap(), 0.0), "allows does not take");
    }

    #[test]
    fn a_full_table_forgets_the_idle_not_the_limited() {
        let mut l = Limiter::with_capacity(1, 10);
        let addr = |i: u32| IpAddr::from(std::net::Ipv4Addr::from(0x0A00_0000 + i));
        // Ten addresses spend their allowance, one second apart.
        for i in 0..10 {
            assert!(l.take(addr(i), i as f64).is_ok());
        }
        // A flood of new addresses: the limited recent ones stay limited.
        for i in 10..100 {
            let _ = l.take(addr(i), 10.0 + i as f64);
        }
        assert!(l.buckets.len() <= 10);
        assert!(l.take(addr(99), 200.0).is_err(), "the newest spent address is still limited");
        assert!(!l.allows(addr(98), 200.0));
    }

    #[test]
    fn zero_means_no_limit() {
        let mut l = Limiter::new(0);
        for _ in 0..1000 {
            assert!(l.take("::1".parse().unwrap(), 0.0).is_ok());
        }
    }
}
