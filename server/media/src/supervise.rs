//! Long-running parts that must not die silently. The SFU core and each frame-analysis job
//! run inside [`guarded`]: a panic (a broken invariant, by the panic policy) is caught, logged,
//! counted, and the part starts again from a clean state, while the I/O around it (the UDP
//! socket, the job queue) carries on. `/metrics` and `/healthz` report the counts.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// How often a part has been restarted since the server started.
#[derive(Clone, Debug, Default)]
pub struct Restarts(Arc<AtomicU64>);

impl Restarts {
    pub fn count(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Runs `f`; a panic in it is logged against `part`, counted, and answered `None`.
pub fn guarded<T>(part: &'static str, restarts: &Restarts, f: impl FnOnce() -> T) -> Option<T> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(value) => Some(value),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "(no message)".into());
            let n = restarts.0.fetch_add(1, Ordering::Relaxed) + 1;
            tracing::error!(part, restarts = n, panic = %message, "a part of the server failed and was restarted");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_counted_and_contained() {
        let restarts = Restarts::default();
        assert_eq!(guarded("test", &restarts, || 7), Some(7));
        assert_eq!(guarded("test", &restarts, || -> u8 { panic!("broken invariant") }), None);
        assert_eq!(restarts.count(), 1);
    }
}
