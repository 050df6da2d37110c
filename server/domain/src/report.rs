//! The annual evaluation report (年度绩效评价): the indicator table in the structure the seed
//! reports use (一级/二级/三级指标, 年度目标值, 实际完成值, 偏差原因), each actual taken
//! from the key figures, targets set in advance as numbers, and the shortfall behind a missed
//! target in a sentence. Pure: the day and the figures are passed in.

use chrono::{Datelike, NaiveDate};

/// How an indicator's value is written and typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A share 0–1, typed and shown as a percentage.
    Rate,
    /// A whole number.
    Count,
    /// A number with decimals (cameras per venue).
    Number,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Better {
    Higher,
    Lower,
}

/// One line of the indicator table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Indicator {
    pub code: &'static str,
    /// 一级指标 (level 1) and 二级指标 (level 2), in Chinese and English.
    pub level1: (&'static str, &'static str),
    pub level2: (&'static str, &'static str),
    /// 三级指标: the indicator's name.
    pub name: (&'static str, &'static str),
    pub unit: Unit,
    pub better: Better,
    /// What its shortfall counts, `{n}` for the number: in Chinese and English.
    pub shortfall: (&'static str, &'static str),
}

const OUTPUT: (&str, &str) = ("产出指标", "Output");
const EFFECT: (&str, &str) = ("效益指标", "Effect");
const SATISFACTION: (&str, &str) = ("满意度指标", "Satisfaction");
const QUANTITY: (&str, &str) = ("数量指标", "Quantity");
const QUALITY: (&str, &str) = ("质量指标", "Quality");
const TIMELINESS: (&str, &str) = ("时效指标", "Timeliness");
const SOCIAL: (&str, &str) = ("社会效益指标", "Social effect");
const SERVED: (&str, &str) = ("服务对象满意度指标", "Satisfaction of those served");

const fn line(
    code: &'static str,
    level1: (&'static str, &'static str),
    level2: (&'static str, &'static str),
    name: (&'static str, &'static str),
    unit: Unit,
    better: Better,
    shortfall: (&'static str, &'static str),
) -> Indicator {
    Indicator { code, level1, level2, name, unit, better, shortfall }
}

/// The indicators, in the table's order. Definitions: `docs/design/kpis.md`.
pub const INDICATORS: [Indicator; 14] = [
    line(
        "access_rate",
        OUTPUT,
        QUANTITY,
        ("接入率", "Access rate"),
        Unit::Rate,
        Better::Higher,
        ("计划接入单位中 {n} 家未接入", "{n} planned venues not connected"),
    ),
    line(
        "cameras_per_venue",
        OUTPUT,
        QUANTITY,
        ("每单位摄像头数", "Cameras per venue"),
        Unit::Number,
        Better::Higher,
        ("{n} 家单位不足5路", "{n} venues below 5 cameras"),
    ),
    line(
        "screen_share",
        OUTPUT,
        QUANTITY,
        ("显示屏安装率", "Display screens installed"),
        Unit::Rate,
        Better::Higher,
        ("{n} 家已接入单位未装显示屏", "{n} connected venues without a screen"),
    ),
    line(
        "visits_done",
        OUTPUT,
        QUANTITY,
        ("巡查户次", "Patrol visits done"),
        Unit::Count,
        Better::Higher,
        ("{n} 户次计划巡查未完成", "{n} planned visits not done"),
    ),
    line(
        "mean_daily_rate",
        OUTPUT,
        QUALITY,
        ("日均在线率", "Mean daily online rate"),
        Unit::Rate,
        Better::Higher,
        ("{n} 天低于在线率标准", "{n} days below the threshold"),
    ),
    line(
        "share_meeting",
        OUTPUT,
        QUALITY,
        ("在线率达标天数占比", "Days meeting the threshold"),
        Unit::Rate,
        Better::Higher,
        ("{n} 天低于在线率标准", "{n} days below the threshold"),
    ),
    line(
        "key_patrol_coverage",
        OUTPUT,
        QUALITY,
        ("重点单位季度巡查覆盖率（最低季度）", "Key venues patrolled per quarter (lowest quarter)"),
        Unit::Rate,
        Better::Higher,
        ("最低的季度有 {n} 家重点单位未巡查", "{n} key venues not patrolled in the lowest quarter"),
    ),
    line(
        "capture_precision",
        OUTPUT,
        QUALITY,
        ("智能抓拍准确率", "AI capture precision"),
        Unit::Rate,
        Better::Higher,
        ("{n} 条抓拍经审核驳回", "{n} captures dismissed on review"),
    ),
    line(
        "orders_on_time",
        OUTPUT,
        TIMELINESS,
        ("整改按期完成率", "Orders closed on time"),
        Unit::Rate,
        Better::Higher,
        ("{n} 件整改逾期完成", "{n} orders closed late"),
    ),
    line(
        "complaints_in_time",
        OUTPUT,
        TIMELINESS,
        ("投诉7个工作日内处理率", "Complaints decided within 7 working days"),
        Unit::Rate,
        Better::Higher,
        ("{n} 件投诉超过7个工作日", "{n} complaints past 7 working days"),
    ),
    line("violations_found", EFFECT, SOCIAL, ("发现问题数", "Violations found"), Unit::Count, Better::Higher, ("", "")),
    line(
        "overdue_orders",
        EFFECT,
        SOCIAL,
        ("逾期未整改", "Orders overdue"),
        Unit::Count,
        Better::Lower,
        ("{n} 件整改逾期未完成", "{n} orders still open past their due day"),
    ),
    line(
        "satisfied_rate",
        SATISFACTION,
        SERVED,
        ("投诉人满意率（4–5分）", "Complainants satisfied (4–5)"),
        Unit::Rate,
        Better::Higher,
        ("{n} 条回访评价为3分及以下", "{n} answers of 3 or less"),
    ),
    line(
        "resolved_rate",
        SATISFACTION,
        SERVED,
        ("投诉问题解决率（投诉人评价）", "Problems resolved (complainants' answers)"),
        Unit::Rate,
        Better::Higher,
        ("{n} 条回访评价为未解决", "{n} answers saying not resolved"),
    ),
];

pub fn indicator(code: &str) -> Option<&'static Indicator> {
    INDICATORS.iter().find(|i| i.code == code)
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TargetRefusal {
    #[error("there is no such indicator")]
    UnknownIndicator,
    #[error("a target is a number (a percentage of at most 100 for a rate, a whole number for a count)")]
    NotANumber,
    #[error("targets are set before the year begins; the year's targets are fixed")]
    YearBegun,
    #[error("a year is written as four digits, from 2000")]
    BadYear,
}

/// The target as typed (`95`, `97.5%`, `1200`) as the indicator's value (a rate as a share);
/// `Ok(None)` for an empty field: no target.
pub fn parse_target(ind: &Indicator, typed: &str) -> Result<Option<f64>, TargetRefusal> {
    let typed = typed.trim();
    if typed.is_empty() {
        return Ok(None);
    }
    let v: f64 = typed.trim_end_matches('%').trim().parse().map_err(|_| TargetRefusal::NotANumber)?;
    if !v.is_finite() || v < 0.0 {
        return Err(TargetRefusal::NotANumber);
    }
    match ind.unit {
        Unit::Rate if v <= 100.0 => Ok(Some(v / 100.0)),
        Unit::Count if v.fract() == 0.0 && v <= 1e9 => Ok(Some(v)),
        Unit::Number if v <= 1e6 => Ok(Some(v)),
        _ => Err(TargetRefusal::NotANumber),
    }
}

/// A report's year as typed: 2000 up to next year.
pub fn parse_year(typed: &str, today: NaiveDate) -> Result<i32, TargetRefusal> {
    let year: i32 = typed.trim().parse().map_err(|_| TargetRefusal::BadYear)?;
    if (2000..=today.year() + 1).contains(&year) {
        Ok(year)
    } else {
        Err(TargetRefusal::BadYear)
    }
}

/// The year a report shows unless asked: last year in the first quarter (when evaluations of
/// the year just ended are written), this year so far after it.
pub fn default_year(today: NaiveDate) -> i32 {
    if today.month() <= 3 {
        today.year() - 1
    } else {
        today.year()
    }
}

/// Targets are set in advance: until the last day before the year begins (China time).
pub fn may_set_targets(year: i32, today: NaiveDate) -> Result<(), TargetRefusal> {
    if today.year() < year {
        Ok(())
    } else {
        Err(TargetRefusal::YearBegun)
    }
}

/// Whether `actual` meets `target`; `None` without either.
pub fn met(ind: &Indicator, target: Option<f64>, actual: Option<f64>) -> Option<bool> {
    let (t, a) = (target?, actual?);
    // Rates are compared at the precision they are shown (0.01 %).
    let eps = if ind.unit == Unit::Rate { 5e-5 } else { 1e-9 };
    Some(match ind.better {
        Better::Higher => a + eps >= t,
        Better::Lower => a <= t + eps,
    })
}

/// The shortfall behind a missed target, in a sentence; empty when there is none to name.
pub fn shortfall_text(ind: &Indicator, count: u64, zh: bool) -> String {
    let pattern = if zh { ind.shortfall.0 } else { ind.shortfall.1 };
    if pattern.is_empty() || count == 0 {
        return String::new();
    }
    pattern.replace("{n}", &count.to_string())
}

/// The heading of a kind of problem the report lists, in Chinese and English.
pub fn problem_kind_name(kind: &str) -> (&'static str, &'static str) {
    match kind {
        "offline_venue" => ("离线时间最长的单位", "Venues offline longest"),
        "key_not_connected" => ("未接入的重点单位", "Key venues not connected"),
        "streaming_while_closed" => ("停业或暂停期间仍有画面", "Streaming while closed or suspended"),
        "below_camera_standard" => ("摄像头不足5路的单位", "Venues below 5 cameras"),
        "low_patrol_coverage" => ("重点单位巡查覆盖不足的监管所", "Offices with low patrol coverage of key venues"),
        "overdue_order" => ("逾期未完成的整改", "Orders overdue"),
        _ => ("其他", "Other"),
    }
}

/// A value as the table shows it: a rate in per cent to 2 places, a count whole, a number to
/// 2 places; `—` for none.
pub fn shown(ind: &Indicator, value: Option<f64>) -> String {
    match (ind.unit, value) {
        (_, None) => "—".into(),
        (Unit::Rate, Some(v)) => format!("{:.2}%", v * 100.0),
        (Unit::Count, Some(v)) => format!("{v:.0}"),
        (Unit::Number, Some(v)) => format!("{v:.2}"),
    }
}

/// The year-on-year change as shown: percentage points for a rate, a signed number otherwise.
pub fn shown_change(ind: &Indicator, change: Option<f64>) -> String {
    match (ind.unit, change) {
        (_, None) => "—".into(),
        (Unit::Rate, Some(c)) => format!("{:+.2}", c * 100.0),
        (Unit::Count, Some(c)) => format!("{c:+.0}"),
        (Unit::Number, Some(c)) => format!("{c:+.2}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn every_indicator_is_listed_once() {
        let mut codes: Vec<_> = INDICATORS.iter().map(|i| i.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), INDICATORS.len());
        assert!(indicator("access_rate").is_some() && indicator("nope").is_none());
    }

    #[test]
    fn targets_are_numbers_in_the_indicators_unit() {
        let rate = indicator("mean_daily_rate").unwrap();
        assert_eq!(parse_target(rate, "95"), Ok(Some(0.95)));
        assert_eq!(parse_target(rate, " 97.5% "), Ok(Some(0.975)));
        assert_eq!(parse_target(rate, ""), Ok(None));
        for bad in ["满意", "101", "-1", "NaN", "inf"] {
            assert_eq!(parse_target(rate, bad), Err(TargetRefusal::NotANumber), "{bad}");
        }
        let count = indicator("visits_done").unwrap();
        assert_eq!(parse_target(count, "1200"), Ok(Some(1200.0)));
        assert_eq!(parse_target(count, "12.5"), Err(TargetRefusal::NotANumber));
        let number = indicator("cameras_per_venue").unwrap();
        assert_eq!(parse_target(number, "5"), Ok(Some(5.0)));
    }

    #[test]
    fn targets_are_fixed_when_the_year_begins() {
        assert_eq!(may_set_targets(2026, d("2025-12-31")), Ok(()));
        assert_eq!(may_set_targets(2026, d("2026-01-01")), Err(TargetRefusal::YearBegun));
        assert_eq!(may_set_targets(2025, d("2026-06-01")), Err(TargetRefusal::YearBegun));
        assert_eq!(parse_year("2025", d("2026-06-01")), Ok(2025));
        assert_eq!((default_year(d("2026-03-31")), default_year(d("2026-04-01"))), (2025, 2026));
        assert_eq!(parse_year("2028", d("2026-06-01")), Err(TargetRefusal::BadYear));
        assert_eq!(parse_year("25", d("2026-06-01")), Err(TargetRefusal::BadYear));
    }

    #[test]
    fn a_target_is_met_in_its_direction() {
        let rate = indicator("mean_daily_rate").unwrap();
        assert_eq!(met(rate, Some(0.95), Some(0.94996)), Some(true), "95.00 % as shown");
        assert_eq!(met(rate, Some(0.95), Some(0.9499)), Some(false));
        assert_eq!(met(rate, None, Some(0.9)), None);
        let overdue = indicator("overdue_orders").unwrap();
        assert_eq!(met(overdue, Some(0.0), Some(2.0)), Some(false));
        assert_eq!(met(overdue, Some(3.0), Some(2.0)), Some(true));
        assert_eq!(shortfall_text(overdue, 2, true), "2 件整改逾期未完成");
        assert_eq!(shortfall_text(overdue, 0, true), "");
        assert_eq!(shown(rate, Some(0.953125)), "95.31%");
        assert_eq!(shown_change(rate, Some(-0.0125)), "-1.25");
    }
}
