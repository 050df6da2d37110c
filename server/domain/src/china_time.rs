//! China Standard Time (UTC+8, no daylight saving): the days the programme's figures are
//! counted in, the deadlines citizens are given, the times pages show. One place, with the
//! current moment always passed in by the caller.

use chrono::{DateTime, FixedOffset, NaiveDate, SecondsFormat, Utc};

/// UTC+8.
pub fn offset() -> FixedOffset {
    // 8 hours is within the ±24 h a FixedOffset takes.
    FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// The moment in China time.
pub fn local(at: DateTime<Utc>) -> DateTime<FixedOffset> {
    at.with_timezone(&offset())
}

/// The China day a moment falls on (it turns at 16:00 UTC).
pub fn day(at: DateTime<Utc>) -> NaiveDate {
    local(at).date_naive()
}

/// The start of a China day, as a UTC moment.
pub fn midnight(day: NaiveDate) -> DateTime<Utc> {
    // Midnight exists on every day at a fixed offset.
    day.and_hms_opt(0, 0, 0).expect("midnight").and_local_timezone(offset()).single().expect("a fixed offset").to_utc()
}

/// A stored RFC 3339 time as RFC 3339 in China time (`+08:00`), as the API and pages show it.
pub fn format_stored(utc: &str) -> Option<String> {
    let at = DateTime::parse_from_rfc3339(utc).ok()?;
    Some(at.with_timezone(&offset()).to_rfc3339_opts(SecondsFormat::Secs, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_16_utc() {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).unwrap().to_utc();
        assert_eq!(day(at("2026-11-24T15:59:59Z")).to_string(), "2026-11-24");
        assert_eq!(day(at("2026-11-24T16:00:00Z")).to_string(), "2026-11-25");
        assert_eq!(midnight(NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()), at("2026-11-24T16:00:00Z"));
        assert_eq!(format_stored("2026-11-24T16:30:00Z").as_deref(), Some("2026-11-25T00:30:00+08:00"));
        assert_eq!(format_stored("yesterday"), None);
    }
}
