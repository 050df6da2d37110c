//! Satisfaction, measured: a complainant answers, once their complaint is closed, whether it
//! was resolved and how satisfied they are from 1 to 5. The figures count answers and rates
//! (`kpi`), never a target like "满意".

use crate::vocab::ComplaintStatus;

/// Scores from this one up count as satisfied (4 "satisfied", 5 "very satisfied").
pub const SATISFIED_FROM: u8 = 4;
/// The longest comment kept with an answer.
pub const MAX_COMMENT_CHARS: usize = 500;

/// Why an answer was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FeedbackRefusal {
    #[error("the complaint is not closed yet: it can be rated once it is")]
    NotClosed,
    #[error("this complaint has been rated already")]
    Answered,
    #[error("satisfaction is a whole number from 1 to 5")]
    Score,
    #[error("say whether the problem was resolved")]
    Resolved,
    #[error("a comment may have at most 500 characters")]
    TooLong,
}

impl FeedbackRefusal {
    pub fn code(self) -> &'static str {
        match self {
            FeedbackRefusal::NotClosed => "not_closed",
            FeedbackRefusal::Answered => "answered",
            FeedbackRefusal::Score => "score",
            FeedbackRefusal::Resolved => "resolved",
            FeedbackRefusal::TooLong => "too_long",
        }
    }
}

/// Whether a complaint in this status is asked: handled to the end (resolved, closed or
/// rejected); a duplicate's complainant answers on the original.
pub fn is_asked(status: ComplaintStatus) -> bool {
    matches!(status, ComplaintStatus::Resolved | ComplaintStatus::Closed | ComplaintStatus::Rejected)
}

/// An answer as accepted: resolved or not, the score, the comment tidied (empty: none).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub resolved: bool,
    pub satisfaction: u8,
    pub comment: Option<String>,
}

/// Checks an answer to a complaint in `status`, `answered` already or not. `resolved` and
/// `score` as the form sent them (`yes`/`no`, `1`–`5`).
pub fn answer(
    status: ComplaintStatus,
    answered: bool,
    resolved: &str,
    score: &str,
    comment: &str,
) -> Result<Answer, FeedbackRefusal> {
    if !is_asked(status) {
        return Err(FeedbackRefusal::NotClosed);
    }
    if answered {
        return Err(FeedbackRefusal::Answered);
    }
    let resolved = match resolved.trim() {
        "yes" => true,
        "no" => false,
        _ => return Err(FeedbackRefusal::Resolved),
    };
    let satisfaction = score.trim().parse::<u8>().ok().filter(|s| (1..=5).contains(s)).ok_or(FeedbackRefusal::Score)?;
    let comment = comment.trim();
    if comment.chars().count() > MAX_COMMENT_CHARS {
        return Err(FeedbackRefusal::TooLong);
    }
    Ok(Answer { resolved, satisfaction, comment: (!comment.is_empty()).then(|| comment.to_string()) })
}

pub fn is_satisfied(score: u8) -> bool {
    score >= SATISFIED_FROM
}

/// A venue page's "was this useful?" answer as posted: `yes` or `no`.
pub fn page_vote(value: &str) -> Option<bool> {
    match value.trim() {
        "yes" => Some(true),
        "no" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_page_vote_is_yes_or_no() {
        assert_eq!(super::page_vote("yes"), Some(true));
        assert_eq!(super::page_vote(" no "), Some(false));
        assert_eq!(super::page_vote("maybe"), None);
    }

    use super::*;
    use ComplaintStatus::*;

    #[test]
    fn only_a_complaint_handled_to_the_end_is_rated_once() {
        assert_eq!(answer(Accepted, false, "yes", "5", ""), Err(FeedbackRefusal::NotClosed));
        assert_eq!(answer(Duplicate, false, "yes", "5", ""), Err(FeedbackRefusal::NotClosed));
        assert_eq!(answer(Closed, true, "yes", "5", ""), Err(FeedbackRefusal::Answered));
        let a = answer(Rejected, false, "no", "2", "  没人来看  ").unwrap();
        assert_eq!(a, Answer { resolved: false, satisfaction: 2, comment: Some("没人来看".into()) });
        assert_eq!(answer(Resolved, false, "yes", "4", " ").unwrap().comment, None);
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        assert_eq!(answer(Closed, false, "maybe", "5", ""), Err(FeedbackRefusal::Resolved));
        for score in ["0", "6", "", "four", "4.5"] {
            assert_eq!(answer(Closed, false, "yes", score, ""), Err(FeedbackRefusal::Score), "{score:?}");
        }
        assert_eq!(answer(Closed, false, "yes", "3", &"好".repeat(501)), Err(FeedbackRefusal::TooLong));
        assert!(is_satisfied(4) && !is_satisfied(3));
    }
}
