//! The complaint workflow's rules: which status may follow which, what a status change must
//! carry, and the 12315 deadlines (acceptance decided within 7 working days of submission,
//! mediation within 45 working days of acceptance), counted in China working days. Pure: the
//! database applies what these decide.

use crate::vocab::{ComplaintCategory, ComplaintStatus, VenueId};
use crate::{calendar, china_time};
use chrono::{DateTime, NaiveDate, Utc};

/// Working days the regulator has to accept or reject a complaint (12315 rules).
pub const ACCEPT_WORKING_DAYS: u32 = 7;
/// Working days of mediation after acceptance before it ends without agreement.
pub const MEDIATION_WORKING_DAYS: u32 = 45;

/// The longest public note on a status change.
pub const MAX_NOTE_CHARS: usize = 2000;

/// Why a status change is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    #[error("a complaint that is {from} cannot become {to}; it can become: {allowed}")]
    Transition { from: &'static str, to: &'static str, allowed: String },
    #[error("a rejection needs a reason (--note)")]
    ReasonRequired,
    #[error("a duplicate must name the complaint it duplicates, which must exist")]
    DuplicateOf,
    #[error("the note can be at most 2000 characters")]
    NoteTooLong,
}

/// A status change that may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub to: ComplaintStatus,
    /// The public note, trimmed.
    pub note: String,
    /// The complaint this one duplicates (the caller checks that it exists).
    pub duplicate_of: Option<String>,
    /// A new mediation deadline, when the change starts one.
    pub mediation_due: Option<NaiveDate>,
}

/// Decides the change of complaint `reference` from `from` to `to` at `now`.
pub fn change(
    reference: &str,
    from: ComplaintStatus,
    to: ComplaintStatus,
    note: &str,
    duplicate_of: Option<&str>,
    now: DateTime<Utc>,
) -> Result<Change, Refusal> {
    let note = note.trim();
    if note.chars().count() > MAX_NOTE_CHARS {
        return Err(Refusal::NoteTooLong);
    }
    if to == ComplaintStatus::Rejected && note.is_empty() {
        return Err(Refusal::ReasonRequired);
    }
    if !from.next().contains(&to) {
        let allowed = from.next().iter().map(|s| s.code()).collect::<Vec<_>>().join(", ");
        return Err(Refusal::Transition {
            from: from.code(),
            to: to.code(),
            allowed: if allowed.is_empty() { "nothing (final)".into() } else { allowed },
        });
    }
    let duplicate_of = match (to, duplicate_of) {
        (ComplaintStatus::Duplicate, Some(original)) if original != reference => Some(original.to_string()),
        (ComplaintStatus::Duplicate, _) => return Err(Refusal::DuplicateOf),
        _ => None,
    };
    let mediation_due = (to == ComplaintStatus::Accepted).then(|| mediation_due(now));
    Ok(Change { to, note: note.to_string(), duplicate_of, mediation_due })
}

/// Which kind of note a desk adds without changing the status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NoteKind {
    /// Shown on the public tracking page and in Open311, as progress.
    Public,
    /// For the staff handling it only: never public, never shown to the venue.
    Private,
}

/// Why a note is not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteRefusal {
    #[error("the note is empty")]
    Empty,
    #[error("the note can be at most 2000 characters")]
    TooLong,
    #[error("the complaint is {0}: nothing more is published on it")]
    Final(&'static str),
}

/// Checks a note added to a complaint in `status`; returns it trimmed. A public progress
/// note is taken only while something is still being done (not after a rejection, a
/// duplicate or closing); a private note always.
pub fn note(kind: NoteKind, status: ComplaintStatus, text: &str) -> Result<String, NoteRefusal> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NoteRefusal::Empty);
    }
    if text.chars().count() > MAX_NOTE_CHARS {
        return Err(NoteRefusal::TooLong);
    }
    if kind == NoteKind::Public && status.next().is_empty() {
        return Err(NoteRefusal::Final(status.code()));
    }
    Ok(text.to_string())
}

/// Working days left until `due` on `today` (negative: overdue by that many), for the desk.
pub fn working_days_left(today: NaiveDate, due: NaiveDate) -> i64 {
    if due >= today {
        let mut n = 0;
        while calendar::add_working_days(today, n as u32) < due {
            n += 1;
        }
        n
    } else {
        let mut n = 0;
        while calendar::add_working_days(due, n as u32) < today {
            n += 1;
        }
        -n
    }
}

/// When the decision on accepting a complaint submitted at `submitted` is due.
pub fn acceptance_due(submitted: DateTime<Utc>) -> NaiveDate {
    calendar::add_working_days(china_time::day(submitted), ACCEPT_WORKING_DAYS)
}

/// When mediation of a complaint accepted at `accepted` is due.
pub fn mediation_due(accepted: DateTime<Utc>) -> NaiveDate {
    calendar::add_working_days(china_time::day(accepted), MEDIATION_WORKING_DAYS)
}

/// A complaint's text fields as intake accepted them: checked and tidied.
#[derive(Debug, Clone, PartialEq)]
pub struct ComplaintFields {
    pub venue: VenueId,
    pub category: ComplaintCategory,
    pub description: String,
    pub occurred_at: Option<String>,
    pub camera: Option<i64>,
    pub camera_time: Option<String>,
    pub contact: Option<String>,
    pub name: Option<String>,
    pub show_name: bool,
}

impl ComplaintFields {
    /// SHA-256 (hex) of what identifies the complaint's content: venue, category, description.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(self.venue.0.to_le_bytes());
        h.update(self.category.code().as_bytes());
        h.update([0]);
        h.update(self.description.as_bytes());
        hex::encode(h.finalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComplaintStatus::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    #[test]
    fn transitions_follow_the_workflow() {
        let now = at("2026-11-25T02:00:00Z");
        assert_eq!(change("MC-1", Submitted, Accepted, " 已受理 ", None, now).unwrap().note, "已受理");
        let refused = change("MC-1", Closed, Accepted, "", None, now).unwrap_err();
        assert!(
            matches!(refused, Refusal::Transition { ref allowed, .. } if allowed == "nothing (final)"),
            "{refused}"
        );
        assert_eq!(change("MC-1", Submitted, Rejected, "  ", None, now), Err(Refusal::ReasonRequired));
        assert_eq!(change("MC-1", Submitted, Accepted, &"长".repeat(2001), None, now), Err(Refusal::NoteTooLong));
    }

    #[test]
    fn notes_are_checked_and_public_ones_stop_when_nothing_more_is_done() {
        assert_eq!(note(NoteKind::Public, Accepted, " 已联系商户 "), Ok("已联系商户".into()));
        assert_eq!(note(NoteKind::Public, Submitted, "x"), Ok("x".into()));
        assert_eq!(note(NoteKind::Public, Closed, "x"), Err(NoteRefusal::Final("closed")));
        assert_eq!(note(NoteKind::Private, Closed, "内部备注"), Ok("内部备注".into()));
        assert_eq!(note(NoteKind::Private, Accepted, "  "), Err(NoteRefusal::Empty));
        assert_eq!(note(NoteKind::Private, Accepted, &"长".repeat(2001)), Err(NoteRefusal::TooLong));
    }

    #[test]
    fn working_days_left_count_the_calendar() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Monday 2026-11-30 to Wednesday 2026-12-02: two working days.
        assert_eq!(working_days_left(day("2026-11-30"), day("2026-12-02")), 2);
        assert_eq!(working_days_left(day("2026-12-02"), day("2026-12-02")), 0);
        // Friday 2026-12-04 to Monday 2026-12-07: one working day over the weekend.
        assert_eq!(working_days_left(day("2026-12-04"), day("2026-12-07")), 1);
        assert_eq!(working_days_left(day("2026-12-07"), day("2026-12-04")), -1);
    }

    #[test]
    fn a_duplicate_names_another_complaint() {
        let now = at("2026-11-25T02:00:00Z");
        let from = Submitted;
        assert!(from.next().contains(&Duplicate));
        assert_eq!(change("MC-1", from, Duplicate, "", None, now), Err(Refusal::DuplicateOf));
        assert_eq!(change("MC-1", from, Duplicate, "", Some("MC-1"), now), Err(Refusal::DuplicateOf));
        assert_eq!(
            change("MC-1", from, Duplicate, "", Some("MC-2"), now).unwrap().duplicate_of.as_deref(),
            Some("MC-2")
        );
    }

    #[test]
    fn deadlines_count_china_working_days_from_the_china_day() {
        // Wednesday 2026-11-25 in China (late evening UTC of the 24th): 7 working days later is
        // Friday 2026-12-04; 45 working days after acceptance the same day is 2027-01-27 or
        // later (New Year falls in between).
        let submitted = at("2026-11-24T17:00:00Z");
        assert_eq!(acceptance_due(submitted).to_string(), "2026-12-04");
        let accepted = change("MC-1", Submitted, Accepted, "", None, submitted).unwrap();
        assert_eq!(accepted.mediation_due, Some(mediation_due(submitted)));
        assert!(mediation_due(submitted) >= NaiveDate::from_ymd_opt(2027, 1, 27).unwrap());
        // Before 16:00 UTC it is still the 24th in China: one working day earlier.
        assert_eq!(acceptance_due(at("2026-11-24T15:00:00Z")).to_string(), "2026-12-03");
    }
}
