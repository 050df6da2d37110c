//! Disputes (异议): a venue's operator contests a confirmed AI capture or a violation within a
//! set period, with a note and photos; an inspector other than the one who confirmed or
//! recorded it decides, with a reason. Overturned, the capture counts as dismissed (against its
//! rule's precision) and the violation leaves the public timeline; upheld, it stands. Pure: the
//! days are passed in.

use crate::access::UserId;
use chrono::NaiveDate;

/// Days after a finding is confirmed (or a violation recorded) during which it may be disputed.
pub const DISPUTE_DAYS: i64 = 15;
pub const MAX_NOTE_CHARS: usize = 2000;

/// How a dispute ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The finding stands.
    Upheld,
    /// The finding was wrong: it is withdrawn.
    Overturned,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Upheld => "upheld",
            Outcome::Overturned => "overturned",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        [Outcome::Upheld, Outcome::Overturned].into_iter().find(|o| o.code() == code)
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DisputeRefusal {
    #[error("a dispute says why the finding is wrong")]
    NoNote,
    #[error("a text can be at most 2000 characters")]
    TooLong,
    #[error("a finding may be disputed within {DISPUTE_DAYS} days of being confirmed")]
    TooLate,
    #[error("this finding is disputed already")]
    Open,
    #[error("this dispute is decided already")]
    Decided,
    #[error("a dispute is decided by an inspector other than the one who confirmed or recorded the finding")]
    SameInspector,
    #[error("a decision gives its reason")]
    NoReason,
}

fn text(value: &str, missing: DisputeRefusal) -> Result<String, DisputeRefusal> {
    let value = value.trim();
    if value.is_empty() {
        Err(missing)
    } else if value.chars().count() > MAX_NOTE_CHARS {
        Err(DisputeRefusal::TooLong)
    } else {
        Ok(value.to_string())
    }
}

/// Checks a dispute raised on `today` against a finding confirmed on `confirmed_on`; `open`
/// whether one is already waiting. Returns the note, trimmed.
pub fn raise(note: &str, confirmed_on: NaiveDate, today: NaiveDate, open: bool) -> Result<String, DisputeRefusal> {
    if open {
        return Err(DisputeRefusal::Open);
    }
    if (today - confirmed_on).num_days() > DISPUTE_DAYS {
        return Err(DisputeRefusal::TooLate);
    }
    text(note, DisputeRefusal::NoNote)
}

/// Checks a decision by `decider` on a dispute about a finding confirmed or recorded by
/// `finder` (`None`: by the system or the shell). Returns the reason, trimmed.
pub fn decide(decided: bool, decider: UserId, finder: Option<UserId>, reason: &str) -> Result<String, DisputeRefusal> {
    if decided {
        return Err(DisputeRefusal::Decided);
    }
    if finder == Some(decider) {
        return Err(DisputeRefusal::SameInspector);
    }
    text(reason, DisputeRefusal::NoReason)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_dispute_is_raised_in_time_with_a_note_once() {
        let confirmed = day("2026-12-01");
        assert_eq!(
            raise(" 画面中是宠物猫的玩偶 ", confirmed, day("2026-12-16"), false),
            Ok("画面中是宠物猫的玩偶".into())
        );
        assert_eq!(raise("x", confirmed, day("2026-12-17"), false), Err(DisputeRefusal::TooLate));
        assert_eq!(raise(" ", confirmed, day("2026-12-02"), false), Err(DisputeRefusal::NoNote));
        assert_eq!(raise("x", confirmed, day("2026-12-02"), true), Err(DisputeRefusal::Open));
        assert_eq!(raise(&"长".repeat(2001), confirmed, day("2026-12-02"), false), Err(DisputeRefusal::TooLong));
    }

    #[test]
    fn another_inspector_decides_with_a_reason() {
        let (finder, other) = (UserId(4), UserId(5));
        assert_eq!(decide(false, finder, Some(finder), "维持"), Err(DisputeRefusal::SameInspector));
        assert_eq!(decide(false, other, Some(finder), " "), Err(DisputeRefusal::NoReason));
        assert_eq!(decide(false, other, Some(finder), "复核录像，确有违规"), Ok("复核录像，确有违规".into()));
        assert_eq!(decide(false, finder, None, "系统确认的也可复核"), Ok("系统确认的也可复核".into()));
        assert_eq!(decide(true, other, Some(finder), "x"), Err(DisputeRefusal::Decided));
        for outcome in [Outcome::Upheld, Outcome::Overturned] {
            assert_eq!(Outcome::from_code(outcome.code()), Some(outcome));
        }
    }
}
