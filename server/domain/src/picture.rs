//! What a camera's picture is like, as frame analysis judges it, and the one rule of whether
//! it counts as online. The honesty badge, the daily online rate (contract target 95 %) and
//! every KPI built on it read this rule, never a copy of it in SQL.

use serde::{Deserialize, Serialize};

/// A camera's health. When several conditions hold at once the first in this order wins:
/// offline > dark > covered > frozen > looped > moved > blurred (then ok).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HealthState {
    /// Frames arrive and no check fails.
    Ok,
    /// No frame for `HealthConfig::offline_after` (analysis saw nothing).
    Offline,
    /// Black or too dark to see anything.
    Dark,
    /// Near-uniform but lit picture: something over the lens.
    Covered,
    /// The same picture sample after sample.
    Frozen,
    /// A repeating sequence of pictures: a recording replayed.
    Looped,
    /// Out of focus, or a greasy or steamed-up lens.
    Blurred,
    /// The view no longer matches the camera's reference frame.
    Moved,
}

impl HealthState {
    pub const ALL: [HealthState; 8] = [
        HealthState::Ok,
        HealthState::Offline,
        HealthState::Dark,
        HealthState::Covered,
        HealthState::Frozen,
        HealthState::Looped,
        HealthState::Blurred,
        HealthState::Moved,
    ];

    /// The snake_case name stored and served by the API.
    pub fn code(&self) -> &'static str {
        match self {
            HealthState::Ok => "ok",
            HealthState::Offline => "offline",
            HealthState::Dark => "dark",
            HealthState::Covered => "covered",
            HealthState::Frozen => "frozen",
            HealthState::Looped => "looped",
            HealthState::Blurred => "blurred",
            HealthState::Moved => "moved",
        }
    }

    /// The state stored under `code`; `None` for a code no release wrote.
    pub fn from_code(code: &str) -> Option<HealthState> {
        HealthState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether the camera counts as online for the honesty badge and online rates: it must show
    /// a live picture of something. A blurred or moved camera still does; a dark, covered,
    /// frozen or looped one does not.
    pub fn counts_as_online(&self) -> bool {
        matches!(self, HealthState::Ok | HealthState::Blurred | HealthState::Moved)
    }
}

/// Whether a camera check counts as online: the stream gave a picture a browser can play, and
/// frame analysis, if it saw the picture, does not find it dark, covered, frozen or looped.
/// Analysis that saw nothing lately (`Offline`: the camera was not sampled) has no say.
pub fn check_counts_as_online(stream_playable: bool, picture: Option<HealthState>) -> bool {
    stream_playable && picture.is_none_or(|p| p == HealthState::Offline || p.counts_as_online())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_what_counts_as_online() {
        let codes: Vec<_> = HealthState::ALL.iter().map(HealthState::code).collect();
        assert_eq!(codes, ["ok", "offline", "dark", "covered", "frozen", "looped", "blurred", "moved"]);
        let online: Vec<_> = HealthState::ALL.iter().filter(|s| s.counts_as_online()).copied().collect();
        assert_eq!(online, [HealthState::Ok, HealthState::Blurred, HealthState::Moved]);
    }

    #[test]
    fn codes_read_back() {
        for state in HealthState::ALL {
            assert_eq!(HealthState::from_code(state.code()), Some(state));
        }
        assert_eq!(HealthState::from_code("sparkling"), None);
    }

    #[test]
    fn a_playable_stream_of_a_useless_picture_is_not_online() {
        assert!(check_counts_as_online(true, None), "not analysed: the stream decides");
        assert!(check_counts_as_online(true, Some(HealthState::Offline)), "not sampled lately: the stream decides");
        assert!(check_counts_as_online(true, Some(HealthState::Blurred)), "blurred still shows the kitchen");
        for useless in [HealthState::Dark, HealthState::Covered, HealthState::Frozen, HealthState::Looped] {
            assert!(!check_counts_as_online(true, Some(useless)), "{useless:?}");
        }
        assert!(!check_counts_as_online(false, Some(HealthState::Ok)));
    }
}
