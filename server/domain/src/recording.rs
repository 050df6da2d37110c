//! What is recorded and for how long: the recording policy per camera, retention, the disk
//! quota and evidence kept past both. See docs/design/recording.md.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Per camera: what is kept of its video.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordingPolicy {
    /// Everything, day and night.
    Continuous,
    /// The seconds around each capture, patrol snapshot or complaint.
    Events,
    Off,
}

impl RecordingPolicy {
    pub const ALL: [RecordingPolicy; 3] = [RecordingPolicy::Continuous, RecordingPolicy::Events, RecordingPolicy::Off];

    pub fn code(self) -> &'static str {
        match self {
            RecordingPolicy::Continuous => "continuous",
            RecordingPolicy::Events => "events",
            RecordingPolicy::Off => "off",
        }
    }

    pub fn from_code(code: &str) -> Option<RecordingPolicy> {
        Self::ALL.into_iter().find(|p| p.code() == code)
    }

    /// Whether the camera must run (and be watched by the recorder) without viewers.
    pub fn needs_camera(self) -> bool {
        self != RecordingPolicy::Off
    }
}

/// Retention per camera, in days: contracts ask for 15–30; a year at most.
pub const RETENTION_DAYS: std::ops::RangeInclusive<u32> = 1..=365;
pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// An evidence clip and "on events" recording: this much before the moment...
pub const BEFORE_EVENT: Duration = Duration::seconds(10);
/// ...and this much after it.
pub const AFTER_EVENT: Duration = Duration::seconds(20);

/// Checks a retention given by a person; the error is a sentence for them.
pub fn check_retention(days: u32) -> Result<u32, String> {
    if RETENTION_DAYS.contains(&days) {
        Ok(days)
    } else {
        Err(format!(
            "retention must be between {} and {} days, not {days}",
            RETENTION_DAYS.start(),
            RETENTION_DAYS.end()
        ))
    }
}

/// Whether a recorded file may go for age: it ended more than `retention_days` ago.
pub fn past_retention(end: DateTime<Utc>, retention_days: u32, now: DateTime<Utc>) -> bool {
    now - end > Duration::days(retention_days as i64)
}

/// Whether footage held as evidence by a case is still kept: while the case is open, and for
/// `keep_days` after it was closed.
pub fn evidence_kept(case_closed: Option<DateTime<Utc>>, keep_days: u32, now: DateTime<Utc>) -> bool {
    match case_closed {
        None => true,
        Some(closed) => now - closed <= Duration::days(keep_days as i64),
    }
}

/// Where a case stands, for how long its evidence is kept ([`evidence_kept`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseState {
    /// No such case, or one that holds nothing.
    Missing,
    Open,
    Closed(DateTime<Utc>),
}

impl CaseState {
    /// A capture's case. A dismissed capture was nothing, so its seconds are not evidence; one
    /// merged into another closed when it was merged (the other carries the case); one waiting
    /// for review or confirmed as a finding is open.
    pub fn of_capture(review: crate::review::ReviewState, reviewed_at: Option<DateTime<Utc>>) -> CaseState {
        use crate::review::ReviewState;
        match (review, reviewed_at) {
            (ReviewState::Dismissed, _) => CaseState::Missing,
            (ReviewState::Merged, Some(at)) => CaseState::Closed(at),
            _ => CaseState::Open,
        }
    }
}

/// The case a piece of footage is evidence in.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum EvidenceCase {
    Capture(i64),
    Order(i64),
    Complaint(String),
}

impl EvidenceCase {
    /// `capture:12`, `order:5` or `complaint:MC-…`; the error is a sentence for a person.
    pub fn parse(given: &str) -> Result<EvidenceCase, String> {
        let bad = || format!("a case is capture:<id>, order:<id> or complaint:<reference>, not {given:?}");
        let (kind, id) = given.trim().split_once(':').ok_or_else(bad)?;
        match kind {
            "capture" => id.parse().map(EvidenceCase::Capture).map_err(|_| bad()),
            "order" => id.parse().map(EvidenceCase::Order).map_err(|_| bad()),
            "complaint" if !id.is_empty() && id.len() <= 40 => Ok(EvidenceCase::Complaint(id.to_string())),
            _ => Err(bad()),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            EvidenceCase::Capture(_) => "capture",
            EvidenceCase::Order(_) => "order",
            EvidenceCase::Complaint(_) => "complaint",
        }
    }

    pub fn reference(&self) -> String {
        match self {
            EvidenceCase::Capture(id) | EvidenceCase::Order(id) => id.to_string(),
            EvidenceCase::Complaint(r) => r.clone(),
        }
    }
}

impl std::fmt::Display for EvidenceCase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.kind(), self.reference())
    }
}

/// Evidence stays for this long after its case closed, unless configured otherwise.
pub const DEFAULT_EVIDENCE_KEEP_DAYS: u32 = 180;

/// A recorded file as retention sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Footage<Id> {
    pub id: Id,
    pub end: DateTime<Utc>,
    pub bytes: u64,
    pub retention_days: u32,
    /// Some case still keeps it.
    pub held: bool,
}

/// Why a file goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Removal {
    Retention,
    Quota,
}

/// The files to delete: those past their camera's retention, then, while the programme's total
/// is over its quota, the oldest that remain. Held files are never chosen. `footage` is the
/// oldest part of the programme's recordings (a batch, in any order) and `total` the bytes of
/// all of them, lowered by what is chosen, so batches can follow each other. The answer is
/// oldest first.
pub fn to_delete<Id: Copy>(
    footage: &[Footage<Id>],
    total: &mut u64,
    quota_bytes: Option<u64>,
    now: DateTime<Utc>,
) -> Vec<(Id, Removal)> {
    let mut order: Vec<&Footage<Id>> = footage.iter().collect();
    order.sort_by_key(|f| f.end);
    let mut out = Vec::new();
    let mut kept = Vec::new();
    for f in order {
        if !f.held && past_retention(f.end, f.retention_days, now) {
            *total = total.saturating_sub(f.bytes);
            out.push((f.id, Removal::Retention));
        } else {
            kept.push(f);
        }
    }
    if let Some(quota) = quota_bytes {
        for f in kept {
            if *total <= quota {
                break;
            }
            if !f.held {
                *total = total.saturating_sub(f.bytes);
                out.push((f.id, Removal::Quota));
            }
        }
    }
    out
}

/// Whether the recorder writes now: always for continuous, inside an event's window for
/// "on events" (`until` is the end of the latest event's window).
pub fn records_now(policy: RecordingPolicy, until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    match policy {
        RecordingPolicy::Continuous => true,
        RecordingPolicy::Events => until.is_some_and(|u| now < u),
        RecordingPolicy::Off => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    #[test]
    fn policies_read_back_from_their_codes() {
        for p in RecordingPolicy::ALL {
            assert_eq!(RecordingPolicy::from_code(p.code()), Some(p));
        }
        assert_eq!(RecordingPolicy::from_code("always"), None);
        assert!(!RecordingPolicy::Off.needs_camera() && RecordingPolicy::Events.needs_camera());
    }

    #[test]
    fn retention_is_checked_with_a_sentence() {
        assert_eq!(check_retention(30), Ok(30));
        assert_eq!(check_retention(0).unwrap_err(), "retention must be between 1 and 365 days, not 0");
        assert!(check_retention(366).is_err());
    }

    #[test]
    fn evidence_is_kept_while_open_and_for_the_set_period_after() {
        let now = at("2026-12-02T00:00:00Z");
        assert!(evidence_kept(None, 180, now));
        assert!(evidence_kept(Some(at("2026-06-05T00:00:00Z")), 180, now));
        assert!(!evidence_kept(Some(at("2026-06-04T23:59:59Z")), 180, now));
    }

    #[test]
    fn retention_goes_first_then_the_oldest_until_under_quota_and_held_footage_stays() {
        let now = at("2026-12-02T00:00:00Z");
        let f = |id, end: &str, bytes, held| Footage { id, end: at(end), bytes, retention_days: 30, held };
        let footage = [
            f(1, "2026-10-01T00:00:00Z", 100, false), // past retention
            f(2, "2026-10-02T00:00:00Z", 100, true),  // past retention, but evidence
            f(3, "2026-11-20T00:00:00Z", 100, true),  // oldest within retention, evidence
            f(4, "2026-11-21T00:00:00Z", 100, false),
            f(5, "2026-11-22T00:00:00Z", 100, false),
            f(6, "2026-12-01T00:00:00Z", 100, false),
        ];
        let all = || footage.iter().map(|f| f.bytes).sum::<u64>();
        let mut total = all();
        assert_eq!(to_delete(&footage, &mut total, None, now), vec![(1, Removal::Retention)]);
        assert_eq!(total, 500);
        // 500 bytes remain after retention; a quota of 300 takes the two oldest not held.
        let mut total = all();
        assert_eq!(
            to_delete(&footage, &mut total, Some(300), now),
            vec![(1, Removal::Retention), (4, Removal::Quota), (5, Removal::Quota)]
        );
        assert_eq!(total, 300);
        // A later batch goes on from the total the first left: 300 is within the quota.
        assert!(to_delete(&footage[5..], &mut total, Some(300), now).is_empty());
        // A quota that only held footage could meet leaves the held footage alone.
        let deleted = to_delete(&footage, &mut all(), Some(0), now);
        assert!(deleted.iter().all(|(id, _)| ![2, 3].contains(id)), "{deleted:?}");
    }

    #[test]
    fn cases_are_named_by_kind_and_reference() {
        assert_eq!(EvidenceCase::parse("order:5"), Ok(EvidenceCase::Order(5)));
        assert_eq!(EvidenceCase::parse("complaint:MC-7K2Q"), Ok(EvidenceCase::Complaint("MC-7K2Q".into())));
        assert_eq!(EvidenceCase::parse("capture:12").unwrap().to_string(), "capture:12");
        let err = EvidenceCase::parse("order:x").unwrap_err();
        assert_eq!(err, "a case is capture:<id>, order:<id> or complaint:<reference>, not \"order:x\"");
        assert!(EvidenceCase::parse("venue:3").is_err() && EvidenceCase::parse("order").is_err());
    }

    #[test]
    fn on_events_records_only_inside_the_window() {
        let now = at("2026-12-02T08:00:00Z");
        assert!(records_now(RecordingPolicy::Continuous, None, now));
        assert!(!records_now(RecordingPolicy::Events, None, now));
        assert!(records_now(RecordingPolicy::Events, Some(now + AFTER_EVENT), now));
        assert!(!records_now(RecordingPolicy::Events, Some(now), now));
        assert!(!records_now(RecordingPolicy::Off, Some(now + AFTER_EVENT), now));
    }

    #[test]
    fn a_dismissed_capture_holds_nothing_and_a_merged_one_closed_when_merged() {
        use crate::review::ReviewState;
        let at: DateTime<Utc> = "2026-12-02T08:00:00Z".parse().unwrap();
        assert_eq!(CaseState::of_capture(ReviewState::Dismissed, Some(at)), CaseState::Missing);
        assert_eq!(CaseState::of_capture(ReviewState::Merged, Some(at)), CaseState::Closed(at));
        assert_eq!(CaseState::of_capture(ReviewState::Pending, None), CaseState::Open);
        assert_eq!(CaseState::of_capture(ReviewState::Confirmed, Some(at)), CaseState::Open);
    }
}
