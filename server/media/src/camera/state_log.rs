//! What a camera's worker tells the console: one line when the camera settles into a new
//! state (online, offline with its reason, unplayable), not one per retry. A camera that stays
//! offline for the same reason is summarised after 10, 100, 1000… failed attempts; when it
//! comes back, the line says how many attempts failed. Passing states (idle, connecting) are
//! debug output. Pure: the worker feeds it states and prints what it returns.

use super::hub::CameraState;

#[derive(Debug, Default)]
pub struct StateLog {
    /// The settled state last reported (its code and detail).
    reported: Option<(&'static str, Option<String>)>,
    /// Failed attempts in a row with the reported reason.
    failures: u64,
}

/// A line to print, and how loud.
#[derive(Debug, PartialEq, Eq)]
pub enum Line {
    Info(String),
    Warn(String),
    Debug(String),
}

impl StateLog {
    /// The camera is now in `state`; what, if anything, to say.
    pub fn observe(&mut self, state: &CameraState) -> Line {
        let code = state.code();
        let detail = state.detail().map(str::to_string);
        if matches!(state, CameraState::Idle | CameraState::Connecting) {
            return Line::Debug(format!("camera {code}"));
        }
        let same = self.reported.as_ref().is_some_and(|(c, d)| *c == code && *d == detail);
        if same {
            if code == "offline" {
                self.failures += 1;
                if self.failures >= 10 && power_of_ten(self.failures) {
                    return Line::Warn(format!(
                        "camera still offline after {} attempts: {}",
                        self.failures,
                        detail.unwrap_or_default()
                    ));
                }
            }
            return Line::Debug(format!("camera {code} again"));
        }
        let failed = std::mem::take(&mut self.failures);
        self.reported = Some((code, detail.clone()));
        match state {
            CameraState::Offline(reason) => {
                self.failures = 1;
                Line::Warn(format!("camera offline: {reason}"))
            }
            CameraState::Unplayable(what) => Line::Warn(format!("camera not playable in browsers: {what}")),
            _ if failed > 1 => Line::Info(format!("camera {code} (after {failed} failed attempts)")),
            _ => Line::Info(format!("camera {code}")),
        }
    }
}

/// 10, 100, 1000, …
fn power_of_ten(mut n: u64) -> bool {
    while n >= 10 && n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn offline(reason: &str) -> CameraState {
        CameraState::Offline(reason.into())
    }

    #[test]
    fn retries_of_an_offline_camera_are_summarised_not_repeated() {
        let mut log = StateLog::default();
        let refused = "cannot connect: connection refused";
        let mut loud = Vec::new();
        for _ in 0..150 {
            for state in [CameraState::Connecting, offline(refused), CameraState::Idle] {
                if let line @ (Line::Info(_) | Line::Warn(_)) = log.observe(&state) {
                    loud.push(line);
                }
            }
        }
        assert_eq!(
            loud,
            [
                Line::Warn(format!("camera offline: {refused}")),
                Line::Warn(format!("camera still offline after 10 attempts: {refused}")),
                Line::Warn(format!("camera still offline after 100 attempts: {refused}")),
            ]
        );
        assert_eq!(log.observe(&CameraState::Online), Line::Info("camera online (after 150 failed attempts)".into()));
        assert!(matches!(log.observe(&CameraState::Online), Line::Debug(_)));
        assert_eq!(
            log.observe(&offline("no picture for 5 s")),
            Line::Warn("camera offline: no picture for 5 s".into())
        );
    }
}
