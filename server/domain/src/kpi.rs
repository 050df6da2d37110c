//! The programme's key figures (KPIs) for any office and period: what each one counts, what
//! it divides by and what it leaves out. The database sums rows; these rules decide which rows
//! count and what the sums mean. Pure: days and statuses are passed in. The definitions are
//! written out in `docs/design/kpis.md`.

use crate::calendar;
use crate::vocab::{ComplaintStatus, VenueStatus};
use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};

/// The contract's daily online-rate threshold unless a contract says otherwise.
pub const ONLINE_THRESHOLD: f64 = crate::programme::ONLINE_RATE_TARGET;
/// Complaints must be accepted or rejected within this many working days.
pub const DECIDE_WORKING_DAYS: u32 = crate::complaint::ACCEPT_WORKING_DAYS;
/// The longest period one computation covers (a leap year, and a day either side).
pub const MAX_PERIOD_DAYS: i64 = 400;
/// How many of the worst cameras and venues a report lists.
pub const WORST_LISTED: usize = 10;
/// The hours in a day, over which a camera-day's offline share is counted.
const HOURS_PER_DAY: f64 = 24.0;

/// A run of China days, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

/// Why a period was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PeriodRefusal {
    #[error("the period ends before it starts")]
    Backwards,
    #[error("a period may cover at most {MAX_PERIOD_DAYS} days")]
    TooLong,
    #[error("a date is written YYYY-MM-DD")]
    BadDate,
    #[error("a quarter is written YYYY-Qn, n from 1 to 4")]
    BadQuarter,
}

impl Period {
    pub fn new(from: NaiveDate, to: NaiveDate) -> Result<Period, PeriodRefusal> {
        if to < from {
            return Err(PeriodRefusal::Backwards);
        }
        if (to - from).num_days() + 1 > MAX_PERIOD_DAYS {
            return Err(PeriodRefusal::TooLong);
        }
        Ok(Period { from, to })
    }

    /// `from`/`to` as a person typed them (`YYYY-MM-DD`).
    pub fn parse(from: &str, to: &str) -> Result<Period, PeriodRefusal> {
        let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| PeriodRefusal::BadDate);
        Period::new(day(from)?, day(to)?)
    }

    /// A calendar year.
    pub fn year(year: i32) -> Option<Period> {
        Some(Period { from: NaiveDate::from_ymd_opt(year, 1, 1)?, to: NaiveDate::from_ymd_opt(year, 12, 31)? })
    }

    /// Quarter `q` (1–4) of `year`.
    pub fn quarter(year: i32, q: u32) -> Option<Period> {
        if !(1..=4).contains(&q) {
            return None;
        }
        let from = NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)?;
        Some(Period { from, to: next_month_start(next_month_start(next_month_start(from))) - Duration::days(1) })
    }

    /// `YYYY-Qn`.
    pub fn parse_quarter(s: &str) -> Result<Period, PeriodRefusal> {
        let (year, q) = s.trim().split_once(['-', 'Q', 'q']).ok_or(PeriodRefusal::BadQuarter)?;
        let q = q.trim_start_matches(['Q', 'q']);
        let year: i32 = year.parse().map_err(|_| PeriodRefusal::BadQuarter)?;
        let q: u32 = q.parse().map_err(|_| PeriodRefusal::BadQuarter)?;
        Period::quarter(year, q).ok_or(PeriodRefusal::BadQuarter)
    }

    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    pub fn contains(&self, day: NaiveDate) -> bool {
        day >= self.from && day <= self.to
    }

    /// The same period a year earlier (for year-on-year change); 29 February becomes the 28th.
    pub fn year_before(&self) -> Period {
        let back = |d: NaiveDate| {
            d.with_year(d.year() - 1).unwrap_or_else(|| NaiveDate::from_ymd_opt(d.year() - 1, 2, 28).expect("a day"))
        };
        Period { from: back(self.from), to: back(self.to) }
    }

    /// The calendar quarters the period touches, each cut to the period: (`YYYY-Qn`, part).
    pub fn quarters(&self) -> Vec<(String, Period)> {
        self.pieces(
            |d| Period::quarter(d.year(), d.month0() / 3 + 1).expect("a quarter"),
            |d| format!("{}-Q{}", d.year(), d.month0() / 3 + 1),
        )
    }

    /// The calendar months the period touches, each cut to the period: (`YYYY-MM`, part).
    pub fn months(&self) -> Vec<(String, Period)> {
        self.pieces(
            |d| {
                let from = d.with_day(1).expect("the first");
                Period { from, to: next_month_start(from) - Duration::days(1) }
            },
            |d| d.format("%Y-%m").to_string(),
        )
    }

    fn pieces(&self, whole: impl Fn(NaiveDate) -> Period, name: impl Fn(NaiveDate) -> String) -> Vec<(String, Period)> {
        let mut out = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            let unit = whole(day);
            out.push((name(day), Period { from: day, to: unit.to.min(self.to) }));
            day = unit.to + Duration::days(1);
        }
        out
    }
}

fn next_month_start(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    NaiveDate::from_ymd_opt(y, m, 1).expect("a month")
}

/// A camera-day counts toward the contract's online rate only while its venue is open for
/// business: days it was suspended or closed (or not yet connected) are left out, as the
/// evaluators did (已剔除暂停经营单位).
pub fn counts_toward_contract_rate(status: VenueStatus) -> bool {
    status == VenueStatus::Operating
}

/// The statuses [`counts_toward_contract_rate`] admits, for a query to filter by.
pub fn counted_statuses() -> Vec<&'static str> {
    VenueStatus::ALL.iter().filter(|s| counts_toward_contract_rate(**s)).map(|s| s.code()).collect()
}

/// Whether a venue counts as planned on a day: every venue not closed (planned, operating or
/// suspended). The access rate divides by these.
pub fn planned_on(status: VenueStatus) -> bool {
    status != VenueStatus::Closed
}

/// Whether a venue counts as connected on a day: trading (operating or suspended) with its
/// cameras joined on or before it. A closed venue never counts, whatever its cameras do.
pub fn connected_on(status: VenueStatus, joined: Option<NaiveDate>, day: NaiveDate) -> bool {
    matches!(status, VenueStatus::Operating | VenueStatus::Suspended) && joined.is_some_and(|j| j <= day)
}

/// The status in effect on `day`, from a venue's changes as (effective day, status) in the
/// order they were recorded; `None` before the first. Of changes on the same day the last
/// recorded one holds.
pub fn status_on(changes: &[(NaiveDate, VenueStatus)], day: NaiveDate) -> Option<VenueStatus> {
    let mut sorted: Vec<(usize, &(NaiveDate, VenueStatus))> = changes.iter().enumerate().collect();
    sorted.sort_by_key(|(i, (since, _))| (*since, *i));
    sorted.iter().rev().find(|(_, (since, _))| *since <= day).map(|(_, (_, s))| *s)
}

/// The share of a camera-day's checks that found a picture: `None` without checks.
pub fn rate(online: u64, checks: u64) -> Option<f64> {
    (checks > 0).then(|| online as f64 / checks as f64)
}

/// Whether a day's rate meets the threshold (a rate is compared exactly; 19 of 20 checks is
/// 95 % and meets 95 %).
pub fn meets(online: u64, checks: u64, threshold: f64) -> bool {
    checks > 0 && (online as f64) >= threshold * checks as f64 - 1e-9
}

/// The hours a camera was offline on a day, from the share of its checks that found no
/// picture (checks are evenly spaced through the day).
pub fn offline_hours(online: u64, checks: u64) -> f64 {
    if checks == 0 {
        return 0.0;
    }
    HOURS_PER_DAY * (checks - online.min(checks)) as f64 / checks as f64
}

/// Hours from a sum of camera-days' offline shares (each day's share of checks without a
/// picture; see [`offline_hours`]).
pub fn hours_of(offline_days: f64) -> f64 {
    HOURS_PER_DAY * offline_days
}

/// A screen's online and installed seconds between `from` and `to`, from its state changes in
/// time order (offline until the first change says otherwise).
pub fn online_seconds(changes: &[(DateTime<Utc>, bool)], from: DateTime<Utc>, to: DateTime<Utc>) -> (i64, i64) {
    if to <= from {
        return (0, 0);
    }
    let mut online = false;
    let mut since = from;
    let mut total = 0;
    for (at, state) in changes {
        if *at <= from {
            online = *state;
            continue;
        }
        if *at >= to {
            break;
        }
        if online {
            total += (*at - since).num_seconds();
        }
        online = *state;
        since = *at;
    }
    if online {
        total += (to - since).num_seconds();
    }
    (total, (to - from).num_seconds())
}

/// The channel a complaint came in by, from its stored source (`web`, `open311:<client>`).
pub fn channel(source: &str) -> &str {
    source.split(':').next().unwrap_or(source)
}

/// A unit's days (its checks and online checks per day): the mean of its daily rates (日均
/// 在线率, the evaluators' figure), how many days met the threshold, and how many had checks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct DailyRates {
    pub days: u32,
    pub days_meeting: u32,
    sum_of_rates: f64,
}

impl DailyRates {
    pub fn add_day(&mut self, online: u64, checks: u64, threshold: f64) {
        if let Some(r) = rate(online, checks) {
            self.days += 1;
            self.sum_of_rates += r;
            if meets(online, checks, threshold) {
                self.days_meeting += 1;
            }
        }
    }

    /// The mean of the daily rates; `None` without a day with checks.
    pub fn mean(&self) -> Option<f64> {
        (self.days > 0).then(|| self.sum_of_rates / self.days as f64)
    }

    /// The share of days at or above the threshold.
    pub fn share_meeting(&self) -> Option<f64> {
        (self.days > 0).then(|| self.days_meeting as f64 / self.days as f64)
    }
}

/// The `p`-th percentile (0–100) by nearest rank: the smallest value with at least `p` % of
/// the values at or below it. `None` for no values.
pub fn percentile(values: &[i64], p: u32) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_unstable();
    let rank = ((p.min(100) as usize * sorted.len()).div_ceil(100)).max(1);
    Some(sorted[rank - 1])
}

/// The mean of whole numbers; `None` for none.
pub fn mean(values: &[i64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<i64>() as f64 / values.len() as f64)
}

/// An order closed on or before its due day (the last one, after any extension) was on time.
pub fn closed_on_time(closed: NaiveDate, due: NaiveDate) -> bool {
    closed <= due
}

/// Whole days from issue to close (an order closed the day it was issued took 0 days).
pub fn days_to_close(issued: NaiveDate, closed: NaiveDate) -> i64 {
    (closed - issued).num_days()
}

/// How a complaint stood against the 7-working-day rule for accepting or rejecting it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decision {
    /// Decided (accepted, rejected or found a duplicate) by the due working day.
    InTime,
    /// Decided after it.
    Late,
    /// Not decided, and the due day has passed.
    Overdue,
    /// Not decided, still within the time allowed: left out of the rate.
    Pending,
}

/// Whether a status ends the wait for a decision.
pub fn is_decision(status: ComplaintStatus) -> bool {
    matches!(status, ComplaintStatus::Accepted | ComplaintStatus::Rejected | ComplaintStatus::Duplicate)
}

/// A complaint submitted on `submitted` (China day) and first decided on `decided`, as of
/// `today`. The due day is the 7th working day after the day it came in (holidays and
/// working weekends by the State Council's calendar).
pub fn decision(submitted: NaiveDate, decided: Option<NaiveDate>, today: NaiveDate) -> Decision {
    let due = calendar::add_working_days(submitted, DECIDE_WORKING_DAYS);
    match decided {
        Some(d) if d <= due => Decision::InTime,
        Some(_) => Decision::Late,
        None if today > due => Decision::Overdue,
        None => Decision::Pending,
    }
}

/// Precision of an AI rule: confirmed over everything decided about its captures (merged
/// duplicates and those still waiting are left out).
pub fn precision(confirmed: u64, dismissed: u64) -> Option<f64> {
    rate(confirmed, confirmed + dismissed)
}

/// How long the programme's public figures of the year are kept before they are computed again.
pub const PUBLIC_REFRESH_MINUTES: i64 = 10;

/// Whether figures computed at `at` may still be shown at `now`: within the refresh time and on
/// the same China day.
pub fn still_fresh(at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now >= at
        && now - at < Duration::minutes(PUBLIC_REFRESH_MINUTES)
        && crate::china_time::day(at) == crate::china_time::day(now)
}

/// A change between two figures, for the year-on-year column: `None` when either is missing.
pub fn change(now: Option<f64>, before: Option<f64>) -> Option<f64> {
    Some(now? - before?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use VenueStatus::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn public_figures_are_kept_ten_minutes_within_a_day() {
        let at = crate::china_time::midnight(d("2026-05-01")) + Duration::hours(10);
        assert!(still_fresh(at, at + Duration::minutes(9)));
        assert!(!still_fresh(at, at + Duration::minutes(10)));
        assert!(!still_fresh(at, at - Duration::minutes(1)), "a clock set back");
        let late = crate::china_time::midnight(d("2026-05-02")) - Duration::minutes(2);
        assert!(!still_fresh(late, late + Duration::minutes(3)), "a new day");
    }

    #[test]
    fn periods_are_checked_and_cut_into_quarters_and_months() {
        assert_eq!(Period::parse("2026-03-02", "2026-03-01"), Err(PeriodRefusal::Backwards));
        assert_eq!(Period::parse("2026-3-x", "2026-03-01"), Err(PeriodRefusal::BadDate));
        assert_eq!(Period::parse("2025-01-01", "2026-03-01"), Err(PeriodRefusal::TooLong));
        let q1 = Period::parse_quarter("2024-Q1").unwrap();
        assert_eq!((q1.from, q1.to, q1.days()), (d("2024-01-01"), d("2024-03-31"), 91), "a leap year's Q1");
        assert_eq!(Period::parse_quarter("2024-Q5"), Err(PeriodRefusal::BadQuarter));
        let q4 = Period::quarter(2025, 4).unwrap();
        assert_eq!(q4.to, d("2025-12-31"));
        let p = Period::parse("2025-02-15", "2025-07-03").unwrap();
        let quarters: Vec<_> = p.quarters().into_iter().map(|(n, q)| (n, q.from, q.to)).collect();
        assert_eq!(
            quarters,
            [
                ("2025-Q1".to_string(), d("2025-02-15"), d("2025-03-31")),
                ("2025-Q2".to_string(), d("2025-04-01"), d("2025-06-30")),
                ("2025-Q3".to_string(), d("2025-07-01"), d("2025-07-03")),
            ]
        );
        let months: Vec<_> = p.months().into_iter().map(|(n, _)| n).collect();
        assert_eq!(months, ["2025-02", "2025-03", "2025-04", "2025-05", "2025-06", "2025-07"]);
        assert_eq!(Period::year(2025).unwrap().quarters().len(), 4);
        let leap = Period::parse("2024-02-29", "2024-03-01").unwrap().year_before();
        assert_eq!((leap.from, leap.to), (d("2023-02-28"), d("2023-03-01")));
    }

    #[test]
    fn suspended_and_closed_days_do_not_count_toward_the_contract_rate() {
        assert!(counts_toward_contract_rate(Operating));
        for s in [Suspended, Closed, Planned] {
            assert!(!counts_toward_contract_rate(s), "{s:?}");
        }
        assert_eq!(counted_statuses(), ["operating"]);
    }

    #[test]
    fn the_status_in_effect_is_the_last_change_on_or_before_the_day() {
        let changes = [
            (d("2025-01-01"), Operating),
            (d("2025-03-10"), Suspended),
            (d("2025-03-10"), Operating),
            (d("2025-04-01"), Closed),
        ];
        assert_eq!(status_on(&changes, d("2024-12-31")), None);
        assert_eq!(status_on(&changes, d("2025-03-10")), Some(Operating), "the later change of the same day holds");
        assert_eq!(status_on(&changes, d("2025-03-31")), Some(Operating));
        assert_eq!(status_on(&changes, d("2025-04-01")), Some(Closed));
        // Recorded out of order: the effective day decides.
        let late = [(d("2025-05-01"), Suspended), (d("2025-02-01"), Operating)];
        assert_eq!(status_on(&late, d("2025-03-01")), Some(Operating));
    }

    #[test]
    fn connected_and_planned() {
        let joined = Some(d("2025-02-01"));
        assert!(connected_on(Operating, joined, d("2025-02-01")));
        assert!(!connected_on(Operating, joined, d("2025-01-31")), "not yet joined");
        assert!(connected_on(Suspended, joined, d("2025-06-01")), "suspended venues stay connected");
        assert!(!connected_on(Closed, joined, d("2025-06-01")));
        assert!(planned_on(Planned) && planned_on(Suspended) && !planned_on(Closed));
    }

    #[test]
    fn daily_rates_and_the_threshold() {
        assert!(meets(19, 20, 0.95), "exactly 95 % meets it");
        assert!(!meets(18, 20, 0.95));
        assert!(!meets(0, 0, 0.95), "a day without checks meets nothing");
        assert_eq!(offline_hours(18, 24), 6.0);
        assert_eq!(offline_hours(0, 0), 0.0);
        let mut r = DailyRates::default();
        r.add_day(20, 20, 0.95);
        r.add_day(10, 20, 0.95);
        r.add_day(0, 0, 0.95);
        assert_eq!((r.days, r.days_meeting), (2, 1));
        assert_eq!(r.mean(), Some(0.75), "the mean of 100 % and 50 %");
        assert_eq!(r.share_meeting(), Some(0.5));
        assert_eq!(DailyRates::default().mean(), None);
    }

    #[test]
    fn a_screen_is_online_from_one_change_to_the_next() {
        let t = |s: &str| s.parse::<DateTime<Utc>>().unwrap();
        let changes = [
            (t("2025-01-01T00:00:00Z"), true),
            (t("2025-01-02T06:00:00Z"), false),
            (t("2025-01-02T12:00:00Z"), true),
            (t("2025-01-05T00:00:00Z"), false),
        ];
        // 2 January: online until 06:00, offline to 12:00, online to midnight.
        let (on, all) = online_seconds(&changes, t("2025-01-02T00:00:00Z"), t("2025-01-03T00:00:00Z"));
        assert_eq!((on, all), (18 * 3600, 24 * 3600));
        assert_eq!(online_seconds(&[], t("2025-01-02T00:00:00Z"), t("2025-01-03T00:00:00Z")).0, 0, "never seen");
        assert_eq!(online_seconds(&changes, t("2025-01-03T00:00:00Z"), t("2025-01-03T00:00:00Z")), (0, 0));
        assert_eq!(channel("open311:city-app"), "open311");
        assert_eq!(channel("web"), "web");
        assert_eq!(hours_of(0.25), 6.0);
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(percentile(&[], 90), None);
        assert_eq!(percentile(&[5], 90), Some(5));
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90), Some(9));
        assert_eq!(percentile(&[10, 1, 3], 90), Some(10));
        assert_eq!(percentile(&[10, 1, 3], 50), Some(3));
        assert_eq!(mean(&[1, 2]), Some(1.5));
    }

    #[test]
    fn orders_on_time_and_their_days() {
        assert!(closed_on_time(d("2025-03-10"), d("2025-03-10")));
        assert!(!closed_on_time(d("2025-03-11"), d("2025-03-10")));
        assert_eq!(days_to_close(d("2025-03-01"), d("2025-03-11")), 10);
    }

    #[test]
    fn the_seven_working_days_cross_holidays() {
        // Submitted on Thursday 24 September 2026: 25–27 September are a holiday, 28–30
        // September working days, 1–7 October the National Day holiday, 8–9 October working,
        // Saturday 10 October a working weekend: the 7th working day is Monday 12 October.
        let submitted = d("2026-09-24");
        assert_eq!(calendar::add_working_days(submitted, 7), d("2026-10-12"));
        assert_eq!(decision(submitted, Some(d("2026-10-12")), d("2026-12-01")), Decision::InTime);
        assert_eq!(decision(submitted, Some(d("2026-10-13")), d("2026-12-01")), Decision::Late, "the 8th working day");
        assert_eq!(decision(submitted, None, d("2026-10-12")), Decision::Pending);
        assert_eq!(decision(submitted, None, d("2026-10-13")), Decision::Overdue);
        assert!(is_decision(ComplaintStatus::Duplicate) && !is_decision(ComplaintStatus::Investigating));
    }

    #[test]
    fn precision_leaves_out_what_was_not_decided() {
        assert_eq!(precision(3, 1), Some(0.75));
        assert_eq!(precision(0, 0), None);
        assert_eq!(change(Some(0.9), Some(0.8)).map(|c| (c * 100.0).round()), Some(10.0));
        assert_eq!(change(None, Some(0.8)), None);
    }
}
