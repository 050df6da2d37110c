//! Patrols (巡查): which venues a patrol task covers, a month's plan from risk levels (higher
//! risk, visited more often), the on-site checklist by venue type, and a visit's result. Pure:
//! the candidates and the day are passed in.

use crate::risk::{next_visit_due, RiskLevel};
use crate::vocab::ViolationCategory as V;
use crate::vocab::{VenueId, VenueKind};
use chrono::{Datelike, NaiveDate};

/// How a patrol is done.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Through the venue's cameras, from the office.
    Remote,
    /// At the venue, from a phone.
    OnSite,
}

impl Mode {
    pub fn code(self) -> &'static str {
        match self {
            Mode::Remote => "remote",
            Mode::OnSite => "onsite",
        }
    }

    pub fn from_code(code: &str) -> Option<Mode> {
        [Mode::Remote, Mode::OnSite].into_iter().find(|m| m.code() == code)
    }
}

/// A venue a task may cover, with what the filters look at.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Candidate {
    pub venue: VenueId,
    pub kind: VenueKind,
    pub level: RiskLevel,
    /// The jurisdictions it sits in (its own and every one above).
    pub jurisdictions: Vec<i64>,
    pub last_visit: Option<NaiveDate>,
    pub open_orders: u32,
}

/// Which venues a task covers; every field left `None` (or false) selects all.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    pub jurisdiction: Option<i64>,
    pub kind: Option<VenueKind>,
    /// This level or higher.
    pub min_level: Option<RiskLevel>,
    /// Not visited in this many days (never visited counts).
    pub not_visited_days: Option<i64>,
    pub has_open_orders: bool,
}

impl Filter {
    pub fn matches(&self, c: &Candidate, today: NaiveDate) -> bool {
        self.jurisdiction.is_none_or(|j| c.jurisdictions.contains(&j))
            && self.kind.is_none_or(|k| c.kind == k)
            && self.min_level.is_none_or(|l| c.level >= l)
            && self.not_visited_days.is_none_or(|days| c.last_visit.is_none_or(|d| (today - d).num_days() >= days))
            && (!self.has_open_orders || c.open_orders > 0)
    }
}

/// One visit of a plan.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedVisit {
    pub venue: VenueId,
    pub level: RiskLevel,
    /// The day it is planned for, within the month.
    pub planned_on: NaiveDate,
    /// Index into the inspectors given (`None` when none were).
    pub inspector: Option<usize>,
}

/// The first and last day of the month holding `day`.
pub fn month_of(day: NaiveDate) -> (NaiveDate, NaiveDate) {
    let first = day.with_day(1).expect("day 1 exists");
    let next = if first.month() == 12 {
        NaiveDate::from_ymd_opt(first.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(first.year(), first.month() + 1, 1)
    };
    (first, next.expect("a month follows") - chrono::Duration::days(1))
}

/// The month's plan: every candidate due a visit by the month's end (never visited, or its
/// level's interval since the last visit has run out), highest risk first and then the longest
/// overdue; each on the day it falls due (the month's first day for those already due), shared
/// out in turn among `inspectors`, who get as even a load as can be.
pub fn month_plan(candidates: &[Candidate], month: NaiveDate, inspectors: usize) -> Vec<PlannedVisit> {
    let (first, last) = month_of(month);
    let mut due: Vec<(&Candidate, NaiveDate)> = candidates
        .iter()
        .filter_map(|c| {
            let at = next_visit_due(c.level, c.last_visit).unwrap_or(first);
            (at <= last).then_some((c, at.max(first)))
        })
        .collect();
    due.sort_by(|(a, at_a), (b, at_b)| {
        b.level.cmp(&a.level).then(a.last_visit.cmp(&b.last_visit)).then(at_a.cmp(at_b)).then(a.venue.cmp(&b.venue))
    });
    due.into_iter()
        .enumerate()
        .map(|(i, (c, planned_on))| PlannedVisit {
            venue: c.venue,
            level: c.level,
            planned_on,
            inspector: (inspectors > 0).then_some(i % inspectors.max(1)),
        })
        .collect()
}

/// What a visit found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    NoProblem,
    /// Problems found: each becomes a violation.
    Problems,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::NoProblem => "no_problem",
            Outcome::Problems => "problems",
        }
    }

    pub fn from_code(code: &str) -> Option<Outcome> {
        [Outcome::NoProblem, Outcome::Problems].into_iter().find(|o| o.code() == code)
    }
}

/// Why a visit's result is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum VisitRefusal {
    #[error("this visit's result is recorded already")]
    Done,
    #[error("problems found need at least one problem described or a checklist item failed")]
    NoProblemNamed,
    #[error("a visit with no problem cannot fail a checklist item")]
    FailedItems,
}

/// Checks a visit's result: `problems` the violations described, `failed` the checklist items
/// that failed.
pub fn check_result(done: bool, outcome: Outcome, problems: usize, failed: usize) -> Result<(), VisitRefusal> {
    if done {
        return Err(VisitRefusal::Done);
    }
    match outcome {
        Outcome::Problems if problems + failed == 0 => Err(VisitRefusal::NoProblemNamed),
        Outcome::NoProblem if failed > 0 => Err(VisitRefusal::FailedItems),
        _ => Ok(()),
    }
}

/// One item of the on-site checklist: its code, the violation category a failure records, and
/// its wording.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CheckItem {
    pub code: &'static str,
    pub category: V,
    pub zh: &'static str,
    pub en: &'static str,
}

const fn item(code: &'static str, category: V, zh: &'static str, en: &'static str) -> CheckItem {
    CheckItem { code, category, zh, en }
}

const COMMON: [CheckItem; 7] = [
    item("licence_shown", V::Licence, "许可证在有效期内并公示", "The licence is valid and on display"),
    item("health_certs", V::Licence, "从业人员持有效健康证明", "Staff hold valid health certificates"),
    item("staff_dress", V::StaffHygiene, "从业人员穿戴工作衣帽、口罩", "Staff wear work clothes, hats and masks"),
    item("premises_clean", V::PremisesHygiene, "加工场所清洁，垃圾桶加盖", "The kitchen is clean; bins are covered"),
    item("pest_control", V::Pests, "防蝇、防鼠、防虫设施完好", "Fly, rodent and insect screens are in order"),
    item(
        "storage",
        V::Storage,
        "原料离地离墙存放，生熟分开，冷藏温度达标",
        "Food is stored off the floor, raw and cooked apart, chilled cold enough",
    ),
    item(
        "disinfection",
        V::Disinfection,
        "餐具饮具清洗消毒并保洁存放",
        "Tableware is washed, disinfected and kept clean",
    ),
];

const CANTEEN: [CheckItem; 3] = [
    item(
        "samples",
        V::Records,
        "每餐次食品留样不少于125克、保存48小时",
        "A sample of every meal (125 g, 48 hours) is kept",
    ),
    item("accompanied_meals", V::Records, "学校负责人陪餐记录完整", "The school's accompanied-meal record is kept"),
    item("purchase_records", V::Records, "食材进货查验记录完整", "Purchase inspection records are complete"),
];

const KITCHEN: [CheckItem; 2] = [
    item("samples", V::Records, "每批次配送食品留样", "A sample of every delivered batch is kept"),
    item(
        "cold_chain",
        V::Storage,
        "配送冷链与温度记录完整",
        "The delivery cold chain and its temperature log are complete",
    ),
];

/// The on-site checklist for a kind of venue.
pub fn checklist(kind: VenueKind) -> Vec<CheckItem> {
    let mut items = COMMON.to_vec();
    match kind {
        VenueKind::SchoolCanteen | VenueKind::ElderlyMealPoint => items.extend(CANTEEN),
        VenueKind::CentralKitchen => items.extend(KITCHEN),
        VenueKind::Restaurant | VenueKind::Other => {}
    }
    items
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn candidate(id: i64, level: RiskLevel, last: Option<&str>) -> Candidate {
        Candidate {
            venue: VenueId(id),
            kind: VenueKind::Restaurant,
            level,
            jurisdictions: vec![2, 1],
            last_visit: last.map(day),
            open_orders: 0,
        }
    }

    #[test]
    fn the_month_plan_takes_who_is_due_highest_risk_first() {
        let candidates = [
            candidate(1, RiskLevel::A, Some("2026-06-01")), // next due 2027-06: not this month
            candidate(2, RiskLevel::D, Some("2026-09-10")), // next due 2026-12-10
            candidate(3, RiskLevel::B, None),               // never visited: due now
            candidate(4, RiskLevel::D, Some("2026-12-01")), // visited this month already
            candidate(5, RiskLevel::C, Some("2026-07-01")), // overdue since 2026-10-30
        ];
        let plan = month_plan(&candidates, day("2026-12-15"), 2);
        let venues: Vec<i64> = plan.iter().map(|v| v.venue.0).collect();
        assert_eq!(venues, vec![2, 5, 3]);
        assert_eq!(plan[0].planned_on, day("2026-12-10"), "on the day it falls due");
        assert_eq!(plan[1].planned_on, day("2026-12-01"), "overdue: from the month's first day");
        assert_eq!(plan.iter().map(|v| v.inspector).collect::<Vec<_>>(), vec![Some(0), Some(1), Some(0)]);
        assert!(month_plan(&candidates, day("2026-12-15"), 0).iter().all(|v| v.inspector.is_none()));
    }

    #[test]
    fn a_higher_level_is_planned_more_often_over_a_year() {
        // A venue visited on the day it is planned, every month of a year.
        let visits = |level| {
            let mut last: Option<NaiveDate> = Some(day("2025-12-31"));
            let mut count = 0;
            for month in 1..=12 {
                let plan = month_plan(
                    &[candidate(1, level, last.map(|d| d.to_string()).as_deref())],
                    day(&format!("2026-{month:02}-01")),
                    1,
                );
                if let Some(v) = plan.first() {
                    count += 1;
                    last = Some(v.planned_on);
                }
            }
            count
        };
        assert_eq!(visits(RiskLevel::A), 1);
        assert_eq!(visits(RiskLevel::B), 2);
        assert_eq!(visits(RiskLevel::C), 3);
        assert_eq!(visits(RiskLevel::D), 4);
    }

    #[test]
    fn filters_select_by_place_kind_level_visits_and_orders() {
        let today = day("2026-12-01");
        let mut c = candidate(1, RiskLevel::C, Some("2026-11-20"));
        assert!(Filter::default().matches(&c, today));
        assert!(Filter { jurisdiction: Some(1), ..Default::default() }.matches(&c, today), "the district holds it");
        assert!(!Filter { jurisdiction: Some(3), ..Default::default() }.matches(&c, today));
        assert!(!Filter { kind: Some(VenueKind::SchoolCanteen), ..Default::default() }.matches(&c, today));
        assert!(Filter { min_level: Some(RiskLevel::B), ..Default::default() }.matches(&c, today));
        assert!(!Filter { min_level: Some(RiskLevel::D), ..Default::default() }.matches(&c, today));
        assert!(!Filter { not_visited_days: Some(30), ..Default::default() }.matches(&c, today));
        assert!(Filter { not_visited_days: Some(10), ..Default::default() }.matches(&c, today));
        assert!(!Filter { has_open_orders: true, ..Default::default() }.matches(&c, today));
        c.open_orders = 1;
        c.last_visit = None;
        assert!(Filter { has_open_orders: true, not_visited_days: Some(30), ..Default::default() }.matches(&c, today));
    }

    #[test]
    fn a_result_names_its_problems() {
        assert_eq!(check_result(false, Outcome::NoProblem, 0, 0), Ok(()));
        assert_eq!(check_result(false, Outcome::Problems, 0, 0), Err(VisitRefusal::NoProblemNamed));
        assert_eq!(check_result(false, Outcome::Problems, 0, 1), Ok(()));
        assert_eq!(check_result(false, Outcome::NoProblem, 0, 2), Err(VisitRefusal::FailedItems));
        assert_eq!(check_result(true, Outcome::NoProblem, 0, 0), Err(VisitRefusal::Done));
    }

    #[test]
    fn canteens_have_more_to_check() {
        assert!(checklist(VenueKind::SchoolCanteen).len() > checklist(VenueKind::Restaurant).len());
        assert!(checklist(VenueKind::SchoolCanteen).iter().any(|i| i.code == "samples"));
        for kind in VenueKind::ALL {
            let codes: Vec<&str> = checklist(*kind).iter().map(|i| i.code).collect();
            let unique: std::collections::HashSet<&str> = codes.iter().copied().collect();
            assert_eq!(codes.len(), unique.len(), "{kind:?}: each item once");
        }
    }

    #[test]
    fn months_have_their_first_and_last_day() {
        assert_eq!(month_of(day("2026-12-15")), (day("2026-12-01"), day("2026-12-31")));
        assert_eq!(month_of(day("2028-02-10")), (day("2028-02-01"), day("2028-02-29")));
    }
}
