//! Changing a venue's trading status from the console: a reason is always given, and the day
//! it took effect may be earlier than today (a closure found out late is back-dated, so the
//! venue stops counting as connected from when it really closed) but not in the future, nor
//! before the status it replaces began.

use crate::vocab::VenueStatus;
use chrono::NaiveDate;

/// The longest reason for a status change.
pub const MAX_REASON_CHARS: usize = 500;

/// A status change that may go ahead.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusChange {
    pub to: VenueStatus,
    pub effective: NaiveDate,
    pub reason: String,
}

/// Why a status change is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StatusRefusal {
    #[error("the venue is {0} already")]
    Same(&'static str),
    #[error("a status change needs its reason")]
    NoReason,
    #[error("the reason can be at most 500 characters")]
    ReasonTooLong,
    #[error("the effective date cannot be in the future")]
    Future,
    #[error("the effective date cannot be before {0}, when the current status began")]
    BeforeCurrent(NaiveDate),
}

/// Decides a change of a venue in `current` (since `current_since`) to `to` from `effective`,
/// on `today` (China days).
pub fn change_status(
    current: VenueStatus,
    current_since: NaiveDate,
    to: VenueStatus,
    effective: NaiveDate,
    today: NaiveDate,
    reason: &str,
) -> Result<StatusChange, StatusRefusal> {
    let reason = reason.trim();
    if to == current {
        return Err(StatusRefusal::Same(current.code()));
    }
    if reason.is_empty() {
        return Err(StatusRefusal::NoReason);
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(StatusRefusal::ReasonTooLong);
    }
    if effective > today {
        return Err(StatusRefusal::Future);
    }
    if effective < current_since {
        return Err(StatusRefusal::BeforeCurrent(current_since));
    }
    Ok(StatusChange { to, effective, reason: reason.to_string() })
}

/// The longest response of a venue to a finding or a complaint.
pub const MAX_RESPONSE_CHARS: usize = 2000;

/// Why a venue's response is not taken.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ResponseProblem {
    #[error("the response is empty")]
    Empty,
    #[error("the response can be at most 2000 characters")]
    TooLong,
}

/// Checks a venue's response to a finding or a complaint; returns it trimmed.
pub fn response(text: &str) -> Result<String, ResponseProblem> {
    let text = text.trim();
    if text.is_empty() {
        Err(ResponseProblem::Empty)
    } else if text.chars().count() > MAX_RESPONSE_CHARS {
        Err(ResponseProblem::TooLong)
    } else {
        Ok(text.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use VenueStatus::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_closure_found_late_is_back_dated_with_its_reason() {
        let today = day("2026-12-01");
        let change =
            change_status(Operating, day("2025-03-01"), Closed, day("2026-11-10"), today, " 已停业，门店转让 ");
        assert_eq!(
            change,
            Ok(StatusChange { to: Closed, effective: day("2026-11-10"), reason: "已停业，门店转让".into() })
        );
    }

    #[test]
    fn a_response_is_trimmed_and_bounded() {
        assert_eq!(response(" 已整改 "), Ok("已整改".into()));
        assert_eq!(response("  "), Err(ResponseProblem::Empty));
        assert_eq!(response(&"长".repeat(2001)), Err(ResponseProblem::TooLong));
    }

    #[test]
    fn every_refusal_says_why() {
        let today = day("2026-12-01");
        let since = day("2026-06-01");
        assert_eq!(
            change_status(Operating, since, Operating, today, today, "x"),
            Err(StatusRefusal::Same("operating"))
        );
        assert_eq!(change_status(Operating, since, Suspended, today, today, "  "), Err(StatusRefusal::NoReason));
        assert_eq!(
            change_status(Operating, since, Suspended, today, today, &"长".repeat(501)),
            Err(StatusRefusal::ReasonTooLong)
        );
        assert_eq!(change_status(Operating, since, Closed, day("2026-12-02"), today, "x"), Err(StatusRefusal::Future));
        assert_eq!(
            change_status(Operating, since, Closed, day("2026-05-31"), today, "x"),
            Err(StatusRefusal::BeforeCurrent(since))
        );
    }
}
