//! The programme's headline figures, as the evaluation reports define them: which venues count
//! as connected and planned, which cameras count toward the online rate and as online now, the
//! camera standard, and the window the rates cover. The database counts rows; these decide
//! what the counts mean. Pure: the moment is passed in.

use crate::vocab::VenueStatus;
use chrono::{DateTime, Duration, NaiveDate, Utc};

/// How fresh a check must be to count for "online now".
pub const ONLINE_NOW_MINUTES: i64 = 20;
/// The contract target for the daily online rate.
pub const ONLINE_RATE_TARGET: f64 = 0.95;
/// The standard number of cameras per venue: a venue with at least this many meets it (the
/// database counts them per venue and compares in the same query).
pub const CAMERAS_PER_VENUE_STANDARD: u32 = 5;
/// The rates on the portal cover this many China days, today included.
pub const RATE_WINDOW_DAYS: i64 = 7;

/// The order venues are listed and counted in: trading first, then planned, then closed.
pub const LISTING_ORDER: [VenueStatus; 4] =
    [VenueStatus::Operating, VenueStatus::Suspended, VenueStatus::Planned, VenueStatus::Closed];

/// A venue still trading: open, or suspended by the regulator (its kitchen is still supervised).
pub fn is_trading(status: VenueStatus) -> bool {
    matches!(status, VenueStatus::Operating | VenueStatus::Suspended)
}

/// Connected: trading, with a date its cameras joined the platform. A closed venue is never
/// counted connected, whatever its cameras do (the seed reports' first complaint).
pub fn is_connected(status: VenueStatus, has_connection_date: bool) -> bool {
    is_trading(status) && has_connection_date
}

/// Planned: every venue the programme still has to cover, i.e. all but the closed ones.
pub fn is_planned(status: VenueStatus) -> bool {
    status != VenueStatus::Closed
}

/// The cameras watched now: those of trading venues (a suspended venue's kitchen is still
/// supervised) count toward "online now" and are reported when they go offline. The online
/// *rate* counts operating venues only (`kpi::counts_toward_contract_rate`), as contracts do.
pub fn counts_toward_online_now(status: VenueStatus) -> bool {
    is_trading(status)
}

/// Checks at or after this moment count for "online now".
pub fn online_now_since(now: DateTime<Utc>) -> DateTime<Utc> {
    now - Duration::minutes(ONLINE_NOW_MINUTES)
}

/// The first China day of the rate window that ends on `today`.
pub fn window_start(today: NaiveDate) -> NaiveDate {
    today - Duration::days(RATE_WINDOW_DAYS - 1)
}

/// Online checks over all checks; `None` without checks (not 0 %, not 100 %).
pub fn rate(online: u64, checks: u64) -> Option<f64> {
    (checks > 0).then(|| online as f64 / checks as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use VenueStatus::*;

    #[test]
    fn closed_and_planned_venues_are_never_connected() {
        assert!(is_connected(Operating, true));
        assert!(is_connected(Suspended, true));
        assert!(!is_connected(Operating, false), "no connection date, not connected");
        assert!(!is_connected(Closed, true), "a closed venue with cameras is not connected");
        assert!(!is_connected(Planned, true));
    }

    #[test]
    fn planned_means_everything_not_closed() {
        assert_eq!(VenueStatus::ALL.iter().filter(|s| is_planned(**s)).count(), 3);
        assert!(!is_planned(Closed));
    }

    #[test]
    fn only_trading_venues_are_watched_now() {
        assert!(counts_toward_online_now(Operating) && counts_toward_online_now(Suspended));
        assert!(!counts_toward_online_now(Closed) && !counts_toward_online_now(Planned));
    }

    #[test]
    fn the_window_and_freshness_are_measured_from_the_moment_given() {
        let now = "2026-12-01T08:30:00Z".parse::<DateTime<Utc>>().unwrap();
        assert_eq!(online_now_since(now).to_rfc3339(), "2026-12-01T08:10:00+00:00");
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(window_start(today), NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(), "7 days, today included");
    }

    #[test]
    fn a_rate_needs_checks() {
        assert_eq!(rate(0, 0), None);
        assert_eq!(rate(19, 20), Some(0.95));
    }
}
