//! Risk grading (风险分级管理): each venue's level, A (lowest) to D (highest), from a static part
//! (what kind of catering it is, what it makes) and a dynamic part (its record over the last
//! year), after the national framework (《食品生产经营风险分级管理办法》): a score of up to 40
//! static and 60 dynamic points; A up to 30, B up to 45, C up to 60, D above. Patrols follow the
//! level: the higher the risk, the more often a venue is visited. Pure: the inputs and the day
//! are passed in.

use crate::vocab::{DynamicGrade, VenueKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The days of record the dynamic part looks back over.
pub const WINDOW_DAYS: i64 = 365;
pub const MAX_STATIC: u32 = 40;
pub const MAX_DYNAMIC: u32 = 60;

/// A risk level, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum RiskLevel {
    A,
    B,
    C,
    D,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [RiskLevel::A, RiskLevel::B, RiskLevel::C, RiskLevel::D];

    pub fn code(self) -> &'static str {
        match self {
            RiskLevel::A => "A",
            RiskLevel::B => "B",
            RiskLevel::C => "C",
            RiskLevel::D => "D",
        }
    }

    pub fn from_code(code: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|l| l.code().eq_ignore_ascii_case(code))
    }

    /// The level of a total score.
    pub fn for_score(score: u32) -> RiskLevel {
        match score {
            0..=30 => RiskLevel::A,
            31..=45 => RiskLevel::B,
            46..=60 => RiskLevel::C,
            _ => RiskLevel::D,
        }
    }

    /// Patrol visits a year at this level (the framework's inspection frequency, upper end:
    /// A once, B twice, C three times, D four times).
    pub fn visits_a_year(self) -> u32 {
        match self {
            RiskLevel::A => 1,
            RiskLevel::B => 2,
            RiskLevel::C => 3,
            RiskLevel::D => 4,
        }
    }

    /// Days between patrol visits at this level.
    pub fn patrol_interval_days(self) -> i64 {
        365 / i64::from(self.visits_a_year())
    }
}

/// What a venue's record holds, for grading.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RiskInputs {
    pub kind: Option<VenueKind>,
    /// The licence's business items (经营项目), e.g. 热食类食品制售；冷食类食品制售.
    pub business_items: String,
    /// The current dynamic grade from the latest inspection; `None` while ungraded.
    pub grade: Option<DynamicGrade>,
    /// Within the window: AI captures a person confirmed.
    pub confirmed_captures: u32,
    /// Within the window: violations a person recorded (patrol, inspection, complaint).
    pub recorded_violations: u32,
    /// Within the window: complaints accepted (not rejected, not duplicates).
    pub accepted_complaints: u32,
    /// Orders open and past their due day now.
    pub overdue_orders: u32,
    /// Within the window: orders closed after their due day.
    pub late_orders: u32,
}

/// One reason for points, shown with the level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskReason {
    /// What it is: `kind:school_canteen`, `items:cold`, `grade:fair`, `captures`, …
    pub code: String,
    /// How many of it (captures, complaints…), where counted.
    pub count: u32,
    pub points: u32,
}

/// A venue's grade with its reasons.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskGrade {
    pub level: RiskLevel,
    pub score: u32,
    pub static_score: u32,
    pub dynamic_score: u32,
    pub reasons: Vec<RiskReason>,
}

fn counted(reasons: &mut Vec<RiskReason>, code: &str, count: u32, each: u32, cap: u32) -> u32 {
    let points = count.saturating_mul(each).min(cap);
    if points > 0 {
        reasons.push(RiskReason { code: code.to_string(), count, points });
    }
    points
}

/// Grades a venue's record.
pub fn grade(inputs: &RiskInputs) -> RiskGrade {
    let mut reasons = Vec::new();
    // Static: special groups and central kitchens start high; what is made adds to it.
    let (kind_code, kind_points) = match inputs.kind {
        Some(VenueKind::SchoolCanteen) => ("kind:school_canteen", 25),
        Some(VenueKind::ElderlyMealPoint) => ("kind:elderly_meal_point", 25),
        Some(VenueKind::CentralKitchen) => ("kind:central_kitchen", 25),
        Some(VenueKind::Restaurant) => ("kind:restaurant", 10),
        Some(VenueKind::Other) | None => ("kind:other", 10),
    };
    reasons.push(RiskReason { code: kind_code.into(), count: 1, points: kind_points });
    let mut static_score = kind_points;
    let items = &inputs.business_items;
    for (needle, code, points) in [
        ("冷食", "items:cold", 5),
        ("生食", "items:raw", 5),
        ("裱花", "items:decorated_cakes", 5),
        ("集体用餐配送", "items:meal_delivery", 5),
    ] {
        if items.contains(needle) {
            reasons.push(RiskReason { code: code.into(), count: 1, points });
            static_score += points;
        }
    }
    let static_score = static_score.min(MAX_STATIC);

    // Dynamic: the record of the last year.
    let grade_points = match inputs.grade {
        Some(DynamicGrade::Fair) => ("grade:fair", 15),
        Some(DynamicGrade::Good) => ("grade:good", 5),
        Some(DynamicGrade::Excellent) => ("grade:excellent", 0),
        None => ("grade:none", 5),
    };
    if grade_points.1 > 0 {
        reasons.push(RiskReason { code: grade_points.0.into(), count: 1, points: grade_points.1 });
    }
    let mut dynamic = grade_points.1;
    dynamic += counted(&mut reasons, "captures", inputs.confirmed_captures, 1, 10);
    dynamic += counted(&mut reasons, "violations", inputs.recorded_violations, 4, 16);
    dynamic += counted(&mut reasons, "complaints", inputs.accepted_complaints, 2, 10);
    dynamic += counted(&mut reasons, "overdue_orders", inputs.overdue_orders, 10, 20);
    dynamic += counted(&mut reasons, "late_orders", inputs.late_orders, 3, 9);
    let dynamic_score = dynamic.min(MAX_DYNAMIC);
    let score = static_score + dynamic_score;
    RiskGrade { level: RiskLevel::for_score(score), score, static_score, dynamic_score, reasons }
}

/// When a venue is next due a patrol visit: its last visit plus its level's interval; never
/// visited, it is due at once (`None`).
pub fn next_visit_due(level: RiskLevel, last_visit: Option<NaiveDate>) -> Option<NaiveDate> {
    last_visit.map(|d| d + chrono::Duration::days(level.patrol_interval_days()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn restaurant() -> RiskInputs {
        RiskInputs {
            kind: Some(VenueKind::Restaurant),
            business_items: "热食类食品制售".into(),
            grade: Some(DynamicGrade::Excellent),
            ..Default::default()
        }
    }

    #[test]
    fn a_clean_hot_food_restaurant_is_lowest_risk() {
        let g = grade(&restaurant());
        assert_eq!((g.level, g.score, g.static_score, g.dynamic_score), (RiskLevel::A, 10, 10, 0));
        assert_eq!(g.reasons, vec![RiskReason { code: "kind:restaurant".into(), count: 1, points: 10 }]);
    }

    #[test]
    fn special_groups_and_what_is_made_raise_the_static_part() {
        let canteen = RiskInputs { kind: Some(VenueKind::SchoolCanteen), ..restaurant() };
        assert_eq!(grade(&canteen).static_score, 25);
        let kitchen = RiskInputs {
            kind: Some(VenueKind::CentralKitchen),
            business_items: "热食类食品制售；冷食类食品制售（含生食类）；裱花蛋糕；集体用餐配送".into(),
            ..restaurant()
        };
        assert_eq!(grade(&kitchen).static_score, MAX_STATIC, "capped at 40");
    }

    #[test]
    fn the_record_raises_the_level_and_every_point_has_its_reason() {
        let record = RiskInputs {
            grade: Some(DynamicGrade::Fair),
            confirmed_captures: 3,
            recorded_violations: 2,
            accepted_complaints: 1,
            overdue_orders: 1,
            ..restaurant()
        };
        let g = grade(&record);
        // 10 static + 15 fair + 3 captures + 8 violations + 2 complaints + 10 overdue.
        assert_eq!((g.score, g.level), (48, RiskLevel::C));
        assert_eq!(g.reasons.iter().map(|r| r.points).sum::<u32>(), g.score);
        let worse = grade(&RiskInputs { overdue_orders: 3, late_orders: 2, confirmed_captures: 40, ..record });
        assert_eq!(worse.level, RiskLevel::D);
        assert!(worse.reasons.iter().any(|r| r.code == "overdue_orders" && r.points == 20), "capped");
        assert!(worse.dynamic_score <= MAX_DYNAMIC);
    }

    #[test]
    fn levels_follow_the_framework_bands() {
        assert_eq!(RiskLevel::for_score(30), RiskLevel::A);
        assert_eq!(RiskLevel::for_score(31), RiskLevel::B);
        assert_eq!(RiskLevel::for_score(45), RiskLevel::B);
        assert_eq!(RiskLevel::for_score(46), RiskLevel::C);
        assert_eq!(RiskLevel::for_score(60), RiskLevel::C);
        assert_eq!(RiskLevel::for_score(61), RiskLevel::D);
        for level in RiskLevel::ALL {
            assert_eq!(RiskLevel::from_code(level.code()), Some(level));
        }
    }

    #[test]
    fn higher_risk_is_visited_more_often() {
        let day = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        assert_eq!(next_visit_due(RiskLevel::D, Some(day)), NaiveDate::from_ymd_opt(2026, 4, 2));
        assert_eq!(next_visit_due(RiskLevel::A, Some(day)), NaiveDate::from_ymd_opt(2027, 1, 1));
        assert_eq!(next_visit_due(RiskLevel::B, None), None, "never visited: due now");
        assert!(RiskLevel::D.patrol_interval_days() < RiskLevel::C.patrol_interval_days());
    }
}
