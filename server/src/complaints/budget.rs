//! What decoding complaint photos may take at once: memory by the pictures' declared size
//! (width × height × bytes per pixel, before a byte is decoded) and one core per decode. The
//! permits travel into the blocking task, so a client that hangs up mid-decode does not free
//! its share while the decode goes on.

use std::sync::Arc;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The memory budget counts in units of 1 MiB.
const UNIT: u64 = 1 << 20;

#[derive(Clone, Debug)]
pub struct DecodeBudget {
    memory: Arc<Semaphore>,
    memory_units: u32,
    cores: Arc<Semaphore>,
}

/// What a decode holds until it ends.
pub struct DecodePermit {
    _memory: OwnedSemaphorePermit,
    _core: OwnedSemaphorePermit,
}

impl DecodeBudget {
    /// `memory_bytes` for all decodes at once (at least 1 MiB), `cores` decodes at once.
    pub fn new(memory_bytes: u64, cores: usize) -> DecodeBudget {
        let memory_units = (memory_bytes / UNIT).clamp(1, u32::MAX as u64 / 2) as u32;
        DecodeBudget {
            memory: Arc::new(Semaphore::new(memory_units as usize)),
            memory_units,
            cores: Arc::new(Semaphore::new(cores.max(1))),
        }
    }

    /// Waits until a decode costing `bytes` fits. A decode larger than the whole budget waits
    /// until it has the budget to itself.
    pub async fn acquire(&self, bytes: u64) -> DecodePermit {
        let units = bytes.div_ceil(UNIT).clamp(1, self.memory_units as u64) as u32;
        // The semaphores are never closed.
        let memory = self.memory.clone().acquire_many_owned(units).await.expect("decode budget open");
        let core = self.cores.clone().acquire_owned().await.expect("decode budget open");
        DecodePermit { _memory: memory, _core: core }
    }

    /// MiB not taken right now (for tests and metrics).
    pub fn available_mib(&self) -> usize {
        self.memory.available_permits()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn decodes_wait_for_memory_and_a_huge_one_runs_alone() {
        let budget = DecodeBudget::new(100 * UNIT, 4);
        let a = budget.acquire(60 * UNIT).await;
        assert_eq!(budget.available_mib(), 40);
        let waiting = tokio::time::timeout(std::time::Duration::from_millis(50), budget.acquire(50 * UNIT)).await;
        assert!(waiting.is_err(), "a decode that does not fit waits");
        drop(a);
        let huge = budget.acquire(10_000 * UNIT).await;
        assert_eq!(budget.available_mib(), 0, "larger than the budget: takes all of it");
        drop(huge);
        assert_eq!(budget.available_mib(), 100);
    }

    #[tokio::test]
    async fn a_permit_moved_into_a_blocking_task_lives_as_long_as_the_task() {
        let budget = DecodeBudget::new(10 * UNIT, 1);
        let permit = budget.acquire(10 * UNIT).await;
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let task = tokio::task::spawn_blocking(move || {
            let _held = permit;
            rx.recv().ok();
        });
        // The awaiting side gives up (a client hung up), the decode goes on holding its share.
        drop(tokio::time::timeout(std::time::Duration::from_millis(10), async {}).await);
        assert_eq!(budget.available_mib(), 0);
        tx.send(()).unwrap();
        task.await.unwrap();
        assert_eq!(budget.available_mib(), 10);
    }
}
