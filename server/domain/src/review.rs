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
    /// The same event as another open capture, kept as more of its evidence.
    Merged,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Confirmed => "confirmed",
            ReviewState::Dismissed => "dismissed",
            ReviewState::Merged => "merged",
        }
    }

    pub const ALL: [ReviewState; 4] =
        [ReviewState::Pending, ReviewState::Confirmed, ReviewState::Dismissed, ReviewState::Merged];

    pub fn from_code(code: &str) -> Option<ReviewState> {
        ReviewState::ALL.into_iter().find(|s| s.code() == code)
    }

    /// Whether another capture of the same event may be merged into one in this state: it
    /// waits for review or is a confirmed finding.
    pub fn is_open(self) -> bool {
        matches!(self, ReviewState::Pending | ReviewState::Confirmed)
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
    /// The same event as open capture `into` (of the same venue).
    Merge {
        into: i64,
    },
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
    #[error("a merge needs the capture to merge into (`into`)")]
    TargetNeeded,
    #[error("only a merge takes a capture to merge into")]
    TargetNotTaken,
}

fn reason_codes() -> String {
    DismissReason::ALL.iter().map(|r| r.code()).collect::<Vec<_>>().join(", ")
}

impl Decision {
    /// Reads a decision from its code (`confirm`, `dismiss`, `merge`, `unreview`), a reason
    /// code (dismissals) and the capture merged into (merges).
    pub fn parse(decision: &str, reason: Option<&str>, into: Option<i64>) -> Result<Decision, DecisionProblem> {
        if into.is_some() && matches!(decision, "confirm" | "dismiss" | "unreview") {
            return Err(DecisionProblem::TargetNotTaken);
        }
        match (decision, reason) {
            ("confirm", None) => Ok(Decision::Confirm),
            ("unreview", None) => Ok(Decision::Unreview),
            ("merge", None) => into.map(|into| Decision::Merge { into }).ok_or(DecisionProblem::TargetNeeded),
            ("dismiss", Some(code)) => DismissReason::from_code(code)
                .map(Decision::Dismiss)
                .ok_or_else(|| DecisionProblem::UnknownReason(code.to_string())),
            ("dismiss", None) => Err(DecisionProblem::ReasonNeeded),
            ("confirm" | "unreview" | "merge", Some(_)) => Err(DecisionProblem::ReasonNotTaken),
            (other, _) => Err(DecisionProblem::Unknown(other.to_string())),
        }
    }

    /// The audit log's name for the decision.
    pub fn action(self) -> &'static str {
        match self {
            Decision::Confirm => "capture.confirm",
            Decision::Dismiss(_) => "capture.dismiss",
            Decision::Merge { .. } => "capture.merge",
            Decision::Unreview => "capture.unreview",
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
    #[error("there is no capture to merge into")]
    NoTarget,
    #[error("a capture cannot be merged into itself")]
    IntoItself,
    #[error("a capture is merged only into one of the same venue")]
    OtherVenue,
    #[error("the capture to merge into is {0}; merge only into one waiting for review or confirmed")]
    TargetClosed(&'static str),
    #[error("a confirmed capture has other captures merged into it; put those back in the queue first")]
    HasMerged,
}

/// The capture a merge names, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeTarget {
    pub id: i64,
    pub state: ReviewState,
    pub same_venue: bool,
}

/// What is known of the capture decided on: its id, state, and how many captures were merged
/// into it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reviewed {
    pub id: i64,
    pub state: ReviewState,
    pub merged_into_it: u32,
}

/// The state a decision leads to. A merge names its target, looked up by the caller
/// (`None`: no such capture).
pub fn decide_review(
    current: Reviewed,
    decision: Decision,
    target: Option<MergeTarget>,
) -> Result<ReviewState, ReviewRefusal> {
    match (current.state, decision) {
        (ReviewState::Pending, Decision::Confirm) => Ok(ReviewState::Confirmed),
        (ReviewState::Pending, Decision::Dismiss(_)) => Ok(ReviewState::Dismissed),
        (ReviewState::Pending, Decision::Merge { into }) => {
            let target = target.filter(|t| t.id == into).ok_or(ReviewRefusal::NoTarget)?;
            if target.id == current.id {
                Err(ReviewRefusal::IntoItself)
            } else if !target.same_venue {
                Err(ReviewRefusal::OtherVenue)
            } else if !target.state.is_open() {
                Err(ReviewRefusal::TargetClosed(target.state.code()))
            } else {
                Ok(ReviewState::Merged)
            }
        }
        (ReviewState::Pending, Decision::Unreview) => Err(ReviewRefusal::NotReviewed),
        // A finding's merged evidence would be left pointing at a capture in the queue.
        (_, Decision::Unreview) if current.merged_into_it > 0 => Err(ReviewRefusal::HasMerged),
        (_, Decision::Unreview) => Ok(ReviewState::Pending),
        (reviewed, _) => Err(ReviewRefusal::AlreadyReviewed(reviewed.code())),
    }
}

/// Per rule (or per camera): how its reviewed captures were decided, and the share dismissed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Tally {
    pub pending: u32,
    pub confirmed: u32,
    pub merged: u32,
    pub false_positives: u32,
    pub not_violations: u32,
}

impl Tally {
    /// Counts one capture in `state` (dismissed for `reason`).
    pub fn add(&mut self, state: ReviewState, reason: Option<DismissReason>, count: u32) {
        match (state, reason) {
            (ReviewState::Pending, _) => self.pending += count,
            (ReviewState::Confirmed, _) => self.confirmed += count,
            (ReviewState::Merged, _) => self.merged += count,
            (ReviewState::Dismissed, Some(DismissReason::NotAViolation)) => self.not_violations += count,
            (ReviewState::Dismissed, _) => self.false_positives += count,
        }
    }

    pub fn reviewed(&self) -> u32 {
        self.confirmed + self.merged + self.false_positives + self.not_violations
    }

    /// The share of reviewed captures dismissed (either reason), `None` before any review.
    pub fn dismissed_share(&self) -> Option<f64> {
        let reviewed = self.reviewed();
        (reviewed > 0).then(|| f64::from(self.false_positives + self.not_violations) / f64::from(reviewed))
    }

    /// The share of reviewed captures where the detector was wrong.
    pub fn false_positive_share(&self) -> Option<f64> {
        let reviewed = self.reviewed();
        (reviewed > 0).then(|| f64::from(self.false_positives) / f64::from(reviewed))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_capture_is_decided_once_and_can_be_put_back() {
        use ReviewState::*;
        let at = |state| Reviewed { id: 1, state, merged_into_it: 0 };
        let decide = |state, decision| decide_review(at(state), decision, None);
        assert_eq!(decide(Pending, Decision::Confirm), Ok(Confirmed));
        assert_eq!(decide(Pending, Decision::Dismiss(DismissReason::FalsePet)), Ok(Dismissed));
        assert_eq!(
            decide(Confirmed, Decision::Dismiss(DismissReason::FalsePet)),
            Err(ReviewRefusal::AlreadyReviewed("confirmed"))
        );
        assert_eq!(decide(Dismissed, Decision::Confirm), Err(ReviewRefusal::AlreadyReviewed("dismissed")));
        assert_eq!(decide(Confirmed, Decision::Unreview), Ok(Pending));
        assert_eq!(decide(Dismissed, Decision::Unreview), Ok(Pending));
        assert_eq!(decide(Merged, Decision::Unreview), Ok(Pending));
        assert_eq!(decide(Pending, Decision::Unreview), Err(ReviewRefusal::NotReviewed));
        let with_evidence = Reviewed { id: 1, state: Confirmed, merged_into_it: 2 };
        assert_eq!(decide_review(with_evidence, Decision::Unreview, None), Err(ReviewRefusal::HasMerged));
    }

    #[test]
    fn a_capture_is_merged_only_into_an_open_one_of_its_venue() {
        use ReviewState::*;
        let pending = Reviewed { id: 1, state: Pending, merged_into_it: 0 };
        let merge = Decision::Merge { into: 2 };
        let target = |state, same_venue| Some(MergeTarget { id: 2, state, same_venue });
        assert_eq!(decide_review(pending, merge, target(Confirmed, true)), Ok(Merged));
        assert_eq!(decide_review(pending, merge, target(Pending, true)), Ok(Merged));
        assert_eq!(decide_review(pending, merge, None), Err(ReviewRefusal::NoTarget));
        assert_eq!(decide_review(pending, merge, target(Pending, false)), Err(ReviewRefusal::OtherVenue));
        assert_eq!(
            decide_review(pending, merge, target(Dismissed, true)),
            Err(ReviewRefusal::TargetClosed("dismissed"))
        );
        assert_eq!(decide_review(pending, merge, target(Merged, true)), Err(ReviewRefusal::TargetClosed("merged")));
        let itself = Some(MergeTarget { id: 1, state: Pending, same_venue: true });
        assert_eq!(decide_review(pending, Decision::Merge { into: 1 }, itself), Err(ReviewRefusal::IntoItself));
        let confirmed = Reviewed { id: 1, state: Confirmed, merged_into_it: 0 };
        assert_eq!(
            decide_review(confirmed, merge, target(Pending, true)),
            Err(ReviewRefusal::AlreadyReviewed("confirmed"))
        );
    }

    #[test]
    fn decisions_are_read_with_their_reasons() {
        assert_eq!(Decision::parse("confirm", None, None), Ok(Decision::Confirm));
        assert_eq!(Decision::parse("dismiss", Some("false_pet"), None), Ok(Decision::Dismiss(DismissReason::FalsePet)));
        assert_eq!(Decision::parse("dismiss", None, None), Err(DecisionProblem::ReasonNeeded));
        assert_eq!(Decision::parse("dismiss", Some("meh"), None), Err(DecisionProblem::UnknownReason("meh".into())));
        assert_eq!(Decision::parse("unreview", Some("false_pet"), None), Err(DecisionProblem::ReasonNotTaken));
        assert_eq!(Decision::parse("approve", None, None), Err(DecisionProblem::Unknown("approve".into())));
        assert_eq!(Decision::parse("merge", None, Some(7)), Ok(Decision::Merge { into: 7 }));
        assert_eq!(Decision::parse("merge", None, None), Err(DecisionProblem::TargetNeeded));
        assert_eq!(Decision::parse("confirm", None, Some(7)), Err(DecisionProblem::TargetNotTaken));
        assert!(DecisionProblem::ReasonNeeded.to_string().contains("false_staff_on_break"));
    }

    #[test]
    fn reasons_parse_back_and_say_whether_the_detector_was_wrong() {
        for reason in DismissReason::ALL {
            assert_eq!(DismissReason::from_code(reason.code()), Some(reason));
        }
        assert!(DismissReason::FalseReflection.is_false_positive());
        assert!(!DismissReason::NotAViolation.is_false_positive());
        for state in ReviewState::ALL {
            assert_eq!(ReviewState::from_code(state.code()), Some(state));
        }
    }

    #[test]
    fn a_tally_gives_the_share_dismissed_of_what_was_reviewed() {
        let mut tally = Tally::default();
        assert_eq!(tally.dismissed_share(), None);
        tally.add(ReviewState::Pending, None, 4);
        tally.add(ReviewState::Confirmed, None, 5);
        tally.add(ReviewState::Merged, None, 1);
        tally.add(ReviewState::Dismissed, Some(DismissReason::FalseReflection), 3);
        tally.add(ReviewState::Dismissed, Some(DismissReason::NotAViolation), 1);
        assert_eq!(tally.reviewed(), 10);
        assert_eq!(tally.dismissed_share(), Some(0.4));
        assert_eq!(tally.false_positive_share(), Some(0.3));
        assert_eq!(tally.pending, 4);
    }
}
