//! Reviewing AI captures: what a reviewer may decide, with which reasons, and what follows.
//! Nothing a camera's analysis raises is public or counted as a violation before a person
//! confirms it; dismissals carry a reason from a fixed list so that rules can be tuned from
//! evidence (the share dismissed per rule and per camera).

use serde::{Deserialize, Serialize};

/// Where a capture stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    Pending,
    Confirmed,
    Dismissed,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Confirmed => "confirmed",
            ReviewState::Dismissed => "dismissed",
        }
    }

    pub fn from_code(code: &str) -> Option<ReviewState> {
        [ReviewState::Pending, ReviewState::Confirmed, ReviewState::Dismissed].into_iter().find(|s| s.code() == code)
    }
}

/// Why a capture is dismissed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DismissReason {
    /// False positive: a pet or a picture of an animal, not a pest.
    FalsePet,
    /// False positive: a reflection, a shadow or a poster.
    FalseReflection,
    /// False positive: staff on their break, outside food preparation.
    FalseStaffOnBreak,
    /// False positive of another kind.
    FalseOther,
    /// Seen right, but not a violation (e.g. a permitted activity).
    NotAViolation,
}

impl DismissReason {
    pub const ALL: [DismissReason; 5] = [
        DismissReason::FalsePet,
        DismissReason::FalseReflection,
        DismissReason::FalseStaffOnBreak,
        DismissReason::FalseOther,
        DismissReason::NotAViolation,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DismissReason::FalsePet => "false_pet",
            DismissReason::FalseReflection => "false_reflection",
            DismissReason::FalseStaffOnBreak => "false_staff_on_break",
            DismissReason::FalseOther => "false_other",
            DismissReason::NotAViolation => "not_a_violation",
        }
    }

    pub fn from_code(code: &str) -> Option<DismissReason> {
        DismissReason::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the detector was wrong (counts against the rule's precision).
    pub fn is_false_positive(self) -> bool {
        !matches!(self, DismissReason::NotAViolation)
    }
}

/// What a reviewer decides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// A violation, with the capture as its evidence.
    Confirm,
    Dismiss(DismissReason),
    /// Back to the queue (allowed, and audited like every decision).
    Unreview,
}

/// Why a decision as typed (a code and an optional reason code) is not one the desk knows.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DecisionProblem {
    #[error("unknown decision {0:?}; use confirm, dismiss or unreview")]
    Unknown(String),
    #[error("a dismissal needs a reason: one of {}", reason_codes())]
    ReasonNeeded,
    #[error("unknown reason {0:?}; use one of: {codes}", codes = reason_codes())]
    UnknownReason(String),
    #[error("only a dismissal takes a reason")]
    ReasonNotTaken,
}

fn reason_codes() -> String {
    DismissReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
}

impl Decision {
    /// Reads a decision from its code (`confirm`, `dismiss`, `unreview`) and a reason code.
    pub fn parse(decision: &str, reason: Option<&str>) -> Result<Decision, DecisionProblem> {
        match (decision, reason) {
            ("confirm", None) => Ok(Decision::Confirm),
            ("unreview", None) => Ok(Decision::Unreview),
            ("dismiss", Some(code)) => DismissReason::from_code(code)
                .map(Decision::Dismiss)
                .ok_or_else(|| DecisionProblem::UnknownReason(code.to_string())),
            ("dismiss", None) => Err(DecisionProblem::ReasonNeeded),
            ("confirm" | "unreview", Some(_)) => Err(DecisionProblem::ReasonNotTaken),
            (other, _) => Err(DecisionProblem::Unknown(other.to_string())),
        }
    }
}

/// Why a decision does not apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReviewRefusal {
    #[error("this capture was reviewed already ({0}); put it back in the queue first to decide again")]
    AlreadyReviewed(&'static str),
    #[error("this capture is waiting for review; there is nothing to put back")]
    NotReviewed,
}

/// The state a decision leads to from `current`.
pub fn decide_review(current: ReviewState, decision: Decision) -> Result<ReviewState, ReviewRefusal> {
    match (current, decision) {
        (ReviewState::Pending, Decision::Confirm) => Ok(ReviewState::Confirmed),
        (ReviewState::Pending, Decision::Dismiss(_)) => Ok(ReviewState::Dismissed),
        (ReviewState::Pending, Decision::Unreview) => Err(ReviewRefusal::NotReviewed),
        (_, Decision::Unreview) => Ok(ReviewState::Pending),
        (reviewed, _) => Err(ReviewRefusal::AlreadyReviewed(reviewed.code())),
    }
}

/// The share of reviewed captures that were false positives (a rule's or a camera's), `None`
/// before any was reviewed.
pub fn false_positive_share(confirmed: u32, false_positives: u32, not_violations: u32) -> Option<f64> {
    let reviewed = confirmed + false_positives + not_violations;
    (reviewed > 0).then(|| false_positives as f64 / reviewed as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_is_decided_once_and_can_be_put_back() {
        use ReviewState::*;
        assert_eq!(decide_review(Pending, Decision::Confirm), Ok(Confirmed));
        assert_eq!(decide_review(Pending, Decision::Dismiss(DismissReason::FalsePet)), Ok(Dismissed));
        assert_eq!(
            decide_review(Confirmed, Decision::Dismiss(DismissReason::FalsePet)),
            Err(ReviewRefusal::AlreadyReviewed("confirmed"))
        );
        assert_eq!(decide_review(Dismissed, Decision::Confirm), Err(ReviewRefusal::AlreadyReviewed("dismissed")));
        assert_eq!(decide_review(Confirmed, Decision::Unreview), Ok(Pending));
        assert_eq!(decide_review(Dismissed, Decision::Unreview), Ok(Pending));
        assert_eq!(decide_review(Pending, Decision::Unreview), Err(ReviewRefusal::NotReviewed));
    }

    #[test]
    fn decisions_are_read_with_their_reasons() {
        assert_eq!(Decision::parse("confirm", None), Ok(Decision::Confirm));
        assert_eq!(Decision::parse("dismiss", Some("false_pet")), Ok(Decision::Dismiss(DismissReason::FalsePet)));
        assert_eq!(Decision::parse("dismiss", None), Err(DecisionProblem::ReasonNeeded));
        assert_eq!(Decision::parse("dismiss", Some("meh")), Err(DecisionProblem::UnknownReason("meh".into())));
        assert_eq!(Decision::parse("unreview", Some("false_pet")), Err(DecisionProblem::ReasonNotTaken));
        assert_eq!(Decision::parse("approve", None), Err(DecisionProblem::Unknown("approve".into())));
        assert!(DecisionProblem::ReasonNeeded.to_string().contains("false_staff_on_break"));
    }

    #[test]
    fn reasons_parse_back_and_say_whether_the_detector_was_wrong() {
        for reason in DismissReason::ALL {
            assert_eq!(DismissReason::from_code(reason.code()), Some(reason));
        }
        assert!(DismissReason::FalseReflection.is_false_positive());
        assert!(!DismissReason::NotAViolation.is_false_positive());
        assert_eq!(false_positive_share(0, 0, 0), None);
        assert_eq!(false_positive_share(6, 3, 1), Some(0.3));
        for state in [ReviewState::Pending, ReviewState::Confirmed, ReviewState::Dismissed] {
            assert_eq!(ReviewState::from_code(state.code()), Some(state));
        }
    }
}
