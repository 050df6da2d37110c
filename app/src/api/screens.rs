//! Display screens in dining rooms: what the screen page shows, the heartbeat it sends, and
//! the screen figures of the programme KPIs.

use super::{CameraSummary, Licence, VenueSummary};
use crate::domain::{CameraId, ScreenId};
use serde::{Deserialize, Serialize};

/// Seconds between a screen's heartbeats.
pub const HEARTBEAT_SECONDS: u32 = 30;
/// A screen with no heartbeat for this long counts as offline (three missed heartbeats).
pub const SCREEN_OFFLINE_AFTER_SECONDS: u32 = 90;
/// Seconds between pictures on a screen in low-bandwidth mode.
pub const SNAPSHOT_SECONDS: u32 = 5;

/// Everything a display screen shows, looked up by the secret in its URL.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DisplayView {
    pub screen: ScreenId,
    /// Snapshots every [`SNAPSHOT_SECONDS`] instead of live video.
    pub low_bandwidth: bool,
    /// Seconds each camera is shown large in turn; 0 keeps an even grid.
    pub promote_seconds: u32,
    pub venue: VenueSummary,
    pub licence: Option<Licence>,
    /// The venue's public cameras.
    pub cameras: Vec<CameraSummary>,
}

/// What a screen reports with each heartbeat.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScreenReport {
    /// Camera tiles on the screen.
    #[serde(deserialize_with = "whole_number")]
    pub tiles: u32,
    /// Tiles showing a picture now.
    #[serde(deserialize_with = "whole_number")]
    pub live: u32,
    /// The browser's JavaScript heap in bytes, where the browser tells it.
    #[serde(default)]
    pub heap_bytes: Option<u64>,
    /// Seconds since the page was loaded.
    #[serde(default)]
    pub uptime_s: Option<u64>,
}

/// The server's answer to a heartbeat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HeartbeatReply {
    /// Identifies the web bundle the server serves; a screen that loaded another one reloads.
    pub build: String,
    /// The screen's cameras the server is receiving a picture from now.
    pub cameras_online: Vec<CameraId>,
}

/// Display screens in the programme KPIs.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScreenFigures {
    /// Screens registered and not revoked, in trading venues.
    pub installed: u32,
    /// Of those, screens whose last heartbeat is at most [`SCREEN_OFFLINE_AFTER_SECONDS`] old.
    pub online_now: u32,
    /// Connected venues with at least one screen installed.
    pub venues_with_screen: u32,
    /// Connected venues with at least one screen online now.
    pub venues_with_screen_online: u32,
}

/// A count as JSON sends it: `3`, or `3.0` from a client whose numbers are all floating point
/// (JSON does not tell them apart); a fraction or a negative is refused.
fn whole_number<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    let n = f64::deserialize(deserializer)?;
    if n.fract() == 0.0 && (0.0..=u32::MAX as f64).contains(&n) {
        Ok(n as u32)
    } else {
        Err(serde::de::Error::custom(format!("{n} is not a whole number of tiles")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_may_come_as_integral_floats() {
        let r: ScreenReport = serde_json::from_str(r#"{"tiles": 4.0, "live": 3}"#).unwrap();
        assert_eq!((r.tiles, r.live), (4, 3));
        assert!(serde_json::from_str::<ScreenReport>(r#"{"tiles": 4.5, "live": 3}"#).is_err());
        assert!(serde_json::from_str::<ScreenReport>(r#"{"tiles": -1, "live": 0}"#).is_err());
    }
}
