//! The analysis work queue: at most one waiting job per camera (a newer sample replaces an
//! older one, which is counted as dropped), cameras served in the order their jobs arrived,
//! and never two jobs of one camera at once, so each camera's samples are seen in order.

use mingchu_domain::vocab::CameraId;
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Condvar, Mutex};

pub struct JobQueue<J> {
    state: Mutex<State<J>>,
    wake: Condvar,
}

struct State<J> {
    waiting: HashMap<CameraId, J>,
    /// Cameras with a waiting job that no worker is on, oldest first.
    ready: VecDeque<CameraId>,
    busy: HashSet<CameraId>,
    dropped: u64,
    closed: bool,
}

impl<J> Default for JobQueue<J> {
    fn default() -> Self {
        JobQueue {
            state: Mutex::new(State {
                waiting: HashMap::new(),
                ready: VecDeque::new(),
                busy: HashSet::new(),
                dropped: 0,
                closed: false,
            }),
            wake: Condvar::new(),
        }
    }
}

impl<J> JobQueue<J> {
    /// Queues a camera's job, replacing (dropping) one still waiting.
    pub fn push(&self, camera: CameraId, job: J) {
        let mut state = self.state.lock().expect("queue lock");
        if state.waiting.insert(camera, job).is_some() {
            state.dropped += 1;
        } else if !state.busy.contains(&camera) {
            state.ready.push_back(camera);
            self.wake.notify_one();
        }
    }

    /// The next job, waiting for one; `None` once the queue is closed.
    pub fn pop(&self) -> Option<(CameraId, J)> {
        let mut state = self.state.lock().expect("queue lock");
        loop {
            if state.closed {
                return None;
            }
            if let Some(camera) = state.ready.pop_front() {
                let job = state.waiting.remove(&camera).expect("a ready camera has a job");
                state.busy.insert(camera);
                return Some((camera, job));
            }
            state = self.wake.wait(state).expect("queue lock");
        }
    }

    /// A worker finished the camera's job; its next one, if any, becomes ready.
    pub fn done(&self, camera: CameraId) {
        let mut state = self.state.lock().expect("queue lock");
        state.busy.remove(&camera);
        if state.waiting.contains_key(&camera) {
            state.ready.push_back(camera);
            self.wake.notify_one();
        }
    }

    /// Jobs waiting (the queue-depth metric).
    pub fn depth(&self) -> usize {
        self.state.lock().expect("queue lock").waiting.len()
    }

    /// Samples replaced by newer ones before a worker got to them.
    pub fn dropped(&self) -> u64 {
        self.state.lock().expect("queue lock").dropped
    }

    pub fn close(&self) {
        self.state.lock().expect("queue lock").closed = true;
        self.wake.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[test]
    fn a_newer_job_replaces_the_waiting_one() {
        let q = JobQueue::default();
        q.push(CameraId(1), "a");
        q.push(CameraId(1), "b");
        q.push(CameraId(2), "c");
        assert_eq!((q.depth(), q.dropped()), (2, 1));
        assert_eq!(q.pop(), Some((CameraId(1), "b")));
        assert_eq!(q.pop(), Some((CameraId(2), "c")));
        assert_eq!(q.depth(), 0);
    }

    #[test]
    fn one_job_per_camera_at_a_time_in_order() {
        let q = JobQueue::default();
        q.push(CameraId(1), 1);
        let (camera, _) = q.pop().unwrap();
        q.push(CameraId(1), 2);
        q.push(CameraId(2), 3);
        // Camera 1 is busy: camera 2 goes first.
        assert_eq!(q.pop(), Some((CameraId(2), 3)));
        q.done(camera);
        assert_eq!(q.pop(), Some((CameraId(1), 2)));
    }

    #[test]
    fn closing_wakes_waiting_workers() {
        let q = Arc::new(JobQueue::<u8>::default());
        let worker = {
            let q = q.clone();
            std::thread::spawn(move || q.pop())
        };
        std::thread::sleep(std::time::Duration::from_millis(20));
        q.close();
        assert_eq!(worker.join().unwrap(), None);
    }
}
