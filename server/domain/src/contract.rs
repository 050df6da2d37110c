//! The purchased-service contract (购买服务合同) between the programme and the supplier that
//! keeps the cameras online: who, for which days, at what price, the online-rate threshold it
//! promises and what a missed quarter costs. Per quarter, Mingchu settles it from the figures:
//! the fee earned, the obligations missed, the deduction due, what is payable, and what the
//! programme paid per online camera-day and per connected venue (the finance bureau's
//! question). Pure: the quarter's counts are passed in. Money is in fen (分), whole numbers.

use crate::kpi::{meets, DailyRates, Period};
use chrono::{Datelike, NaiveDate};

pub const MAX_SUPPLIER_CHARS: usize = 200;
pub const MAX_REFERENCE_CHARS: usize = 100;
/// A contract runs at most ten years.
pub const MAX_CONTRACT_DAYS: i64 = 3660;
/// A price or a deduction is at most 100 million yuan.
pub const MAX_FEN: i64 = 10_000_000_000;

/// What the yearly price is per.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PriceBasis {
    /// Per connected venue per year: earned for each day a counted venue is connected.
    Venue,
    /// Per camera per year: earned for each counted camera-day.
    Camera,
}

impl PriceBasis {
    pub fn code(self) -> &'static str {
        match self {
            PriceBasis::Venue => "venue",
            PriceBasis::Camera => "camera",
        }
    }

    pub fn from_code(code: &str) -> Option<PriceBasis> {
        [PriceBasis::Venue, PriceBasis::Camera].into_iter().find(|b| b.code() == code)
    }
}

/// What a quarter below the threshold costs the supplier.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Penalty {
    /// A fixed sum for each quarter whose mean daily online rate is below the threshold.
    QuarterFixed { fen: i64 },
    /// A share (in per mille) of the quarter's fee for each such quarter.
    QuarterShare { per_mille: i64 },
    /// A sum for each camera-day below the threshold, whatever the quarter's mean.
    CameraDay { fen: i64 },
}

impl Penalty {
    pub fn code(self) -> &'static str {
        match self {
            Penalty::QuarterFixed { .. } => "quarter_fixed",
            Penalty::QuarterShare { .. } => "quarter_share",
            Penalty::CameraDay { .. } => "camera_day",
        }
    }

    /// The stored amount: fen, or per mille for a share.
    pub fn amount(self) -> i64 {
        match self {
            Penalty::QuarterFixed { fen } | Penalty::CameraDay { fen } => fen,
            Penalty::QuarterShare { per_mille } => per_mille,
        }
    }

    pub fn from_parts(code: &str, amount: i64) -> Option<Penalty> {
        match code {
            "quarter_fixed" => Some(Penalty::QuarterFixed { fen: amount }),
            "quarter_share" => Some(Penalty::QuarterShare { per_mille: amount }),
            "camera_day" => Some(Penalty::CameraDay { fen: amount }),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Contract {
    pub supplier: String,
    /// The contract's number, as printed on it (may be empty).
    pub reference: String,
    pub period: Period,
    pub basis: PriceBasis,
    /// The price per venue or camera per year.
    pub price_fen: i64,
    /// The daily online rate the supplier promises (0.95 unless the contract says otherwise).
    pub threshold: f64,
    pub penalty: Penalty,
}

/// A contract as typed into the form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Draft<'a> {
    pub supplier: &'a str,
    pub reference: &'a str,
    pub starts_on: &'a str,
    pub ends_on: &'a str,
    pub basis: &'a str,
    /// Yuan, up to two decimals.
    pub price: &'a str,
    /// Per cent, e.g. `95` or `97.5`; empty means 95.
    pub threshold: &'a str,
    pub penalty: &'a str,
    /// Yuan for a fixed or per-camera-day deduction, per cent of the quarter's fee for a share.
    pub penalty_amount: &'a str,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ContractRefusal {
    #[error("the contract names its supplier")]
    NoSupplier,
    #[error("the supplier's name or the contract number is too long")]
    TooLong,
    #[error("a date is written YYYY-MM-DD")]
    BadDate,
    #[error("the contract ends before it starts")]
    Backwards,
    #[error("a contract runs at most ten years")]
    TooLongPeriod,
    #[error("choose whether the price is per venue or per camera")]
    BadBasis,
    #[error("the price is a sum of money in yuan greater than zero, with at most two decimals")]
    BadPrice,
    #[error("the threshold is a percentage above 0 and at most 100")]
    BadThreshold,
    #[error("choose how a missed quarter is penalised")]
    BadPenalty,
    #[error("the deduction is a sum in yuan, or a percentage of at most 100, greater than zero")]
    BadPenaltyAmount,
    #[error("another contract covers some of these days; one contract is in force on any day")]
    Overlaps,
}

/// Yuan as typed (`12000`, `12000.5`, `12,000.50`) in fen.
pub fn parse_yuan(s: &str) -> Option<i64> {
    let s: String = s.trim().chars().filter(|c| *c != ',' && *c != '，').collect();
    let (whole, part) = s.split_once('.').unwrap_or((&s, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || part.len() > 2 {
        return None;
    }
    if !part.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let part: i64 = if part.is_empty() { 0 } else { format!("{part:0<2}").parse().ok()? };
    whole.checked_mul(100)?.checked_add(part).filter(|f| *f <= MAX_FEN)
}

/// A percentage as typed (`95`, `97.5`) as a fraction, `None` unless above 0 and at most 100.
fn parse_percent(s: &str) -> Option<f64> {
    let v: f64 = s.trim().trim_end_matches('%').parse().ok()?;
    (v.is_finite() && v > 0.0 && v <= 100.0).then_some(v / 100.0)
}

/// Checks a typed contract against the periods of the contracts already recorded.
pub fn check(draft: &Draft<'_>, others: &[Period]) -> Result<Contract, ContractRefusal> {
    use ContractRefusal::*;
    let supplier = draft.supplier.trim();
    if supplier.is_empty() {
        return Err(NoSupplier);
    }
    let reference = draft.reference.trim();
    if supplier.chars().count() > MAX_SUPPLIER_CHARS || reference.chars().count() > MAX_REFERENCE_CHARS {
        return Err(TooLong);
    }
    let day = |s: &str| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| BadDate);
    let period = Period { from: day(draft.starts_on)?, to: day(draft.ends_on)? };
    if period.to < period.from {
        return Err(Backwards);
    }
    if period.days() > MAX_CONTRACT_DAYS {
        return Err(TooLongPeriod);
    }
    let basis = PriceBasis::from_code(draft.basis.trim()).ok_or(BadBasis)?;
    let price_fen = parse_yuan(draft.price).filter(|f| *f > 0).ok_or(BadPrice)?;
    let threshold = if draft.threshold.trim().is_empty() {
        crate::kpi::ONLINE_THRESHOLD
    } else {
        parse_percent(draft.threshold).ok_or(BadThreshold)?
    };
    let penalty = match draft.penalty.trim() {
        "quarter_share" => {
            let share = parse_percent(draft.penalty_amount).ok_or(BadPenaltyAmount)?;
            Penalty::QuarterShare { per_mille: (share * 1000.0).round() as i64 }
        }
        code @ ("quarter_fixed" | "camera_day") => {
            let fen = parse_yuan(draft.penalty_amount).filter(|f| *f > 0).ok_or(BadPenaltyAmount)?;
            Penalty::from_parts(code, fen).expect("a known code")
        }
        _ => return Err(BadPenalty),
    };
    if others.iter().any(|o| o.from <= period.to && period.from <= o.to) {
        return Err(Overlaps);
    }
    Ok(Contract {
        supplier: supplier.into(),
        reference: reference.into(),
        period,
        basis,
        price_fen,
        threshold,
        penalty,
    })
}

/// The contract's settlement periods up to `as_of`: its days cut into calendar quarters, the
/// last one ending at `as_of` if the quarter is still running. Empty before it starts.
pub fn quarters(contract: &Contract, as_of: NaiveDate) -> Vec<(String, Period)> {
    if as_of < contract.period.from {
        return Vec::new();
    }
    Period { from: contract.period.from, to: contract.period.to.min(as_of) }.quarters()
}

/// What a quarter's figures are: the counted days of the programme (suspended and closed
/// venues' days left out, as in the online rate).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct QuarterUse {
    /// (checks, online) of the programme per day with checks.
    pub days: Vec<(u64, u64)>,
    /// Counted venue-days (a venue connected and operating, with checks that day).
    pub venue_days: u64,
    /// Counted camera-days, by their (checks, online): a histogram, so the threshold is
    /// applied here and not in the query.
    pub camera_days: Vec<(u64, u64, u64)>,
}

/// An obligation a quarter missed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Missed {
    /// The mean of the daily online rates was below the threshold.
    QuarterRate { mean: f64 },
    /// Camera-days whose own rate was below the threshold.
    CameraDays { count: u64 },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Settlement {
    pub days: u32,
    pub mean_daily_rate: Option<f64>,
    pub days_meeting: u32,
    pub venue_days: u64,
    pub camera_days: u64,
    pub camera_days_meeting: u64,
    /// The average number of counted venues connected over the quarter.
    pub mean_venues: Option<f64>,
    /// The fee earned: the yearly price times the unit-days over the days of the year.
    pub fee_fen: i64,
    pub missed: Vec<Missed>,
    /// At most the fee.
    pub deduction_fen: i64,
    pub payable_fen: i64,
    /// What was paid for each camera-day at or above the threshold.
    pub per_online_camera_day_fen: Option<f64>,
    /// What was paid for each venue connected on average over the quarter.
    pub per_connected_venue_fen: Option<f64>,
}

fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// Settles one quarter (`part`, a piece of `quarters`) of `contract` on its figures.
pub fn settle(contract: &Contract, part: Period, used: &QuarterUse) -> Settlement {
    let mut rates = DailyRates::default();
    for (checks, online) in &used.days {
        rates.add_day(*online, *checks, contract.threshold);
    }
    let camera_days: u64 = used.camera_days.iter().map(|(_, _, n)| n).sum();
    let camera_days_meeting: u64 = used
        .camera_days
        .iter()
        .filter(|(checks, online, _)| meets(*online, *checks, contract.threshold))
        .map(|(_, _, n)| n)
        .sum();
    let units = match contract.basis {
        PriceBasis::Venue => used.venue_days,
        PriceBasis::Camera => camera_days,
    };
    let year_days = days_in_year(part.from.year());
    let fee = (contract.price_fen as i128 * units as i128 + year_days as i128 / 2) / year_days as i128;
    let fee_fen = fee.min(i64::MAX as i128) as i64;
    let mean = rates.mean();
    let below_quarter = mean.is_some_and(|m| m < contract.threshold);
    let mut missed = Vec::new();
    if let (true, Some(mean)) = (below_quarter, mean) {
        missed.push(Missed::QuarterRate { mean });
    }
    let below_days = camera_days - camera_days_meeting;
    if below_days > 0 {
        missed.push(Missed::CameraDays { count: below_days });
    }
    let deduction = match contract.penalty {
        Penalty::QuarterFixed { fen } if below_quarter => fen,
        Penalty::QuarterShare { per_mille } if below_quarter => (fee_fen as i128 * per_mille as i128 / 1000) as i64,
        Penalty::CameraDay { fen } => (fen as i128 * below_days as i128).min(i64::MAX as i128) as i64,
        _ => 0,
    };
    let deduction_fen = deduction.min(fee_fen);
    let payable_fen = fee_fen - deduction_fen;
    let days = part.days();
    let mean_venues = (used.venue_days > 0).then(|| used.venue_days as f64 / days as f64);
    Settlement {
        days: rates.days,
        mean_daily_rate: mean,
        days_meeting: rates.days_meeting,
        venue_days: used.venue_days,
        camera_days,
        camera_days_meeting,
        mean_venues,
        fee_fen,
        missed,
        deduction_fen,
        payable_fen,
        per_online_camera_day_fen: (camera_days_meeting > 0).then(|| payable_fen as f64 / camera_days_meeting as f64),
        per_connected_venue_fen: mean_venues.map(|v| payable_fen as f64 / v),
    }
}

/// The contract in force on `day`, among (id, period) pairs.
pub fn in_force(contracts: &[(i64, Period)], day: NaiveDate) -> Option<i64> {
    contracts.iter().find(|(_, p)| p.contains(day)).map(|(id, _)| *id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn draft() -> Draft<'static> {
        Draft {
            supplier: " 某某科技有限公司 ",
            reference: "PS-2025-017",
            starts_on: "2025-01-01",
            ends_on: "2025-12-31",
            basis: "camera",
            price: "1,095.00",
            threshold: "",
            penalty: "quarter_share",
            penalty_amount: "5",
        }
    }

    #[test]
    fn yuan_are_read_exactly() {
        assert_eq!(parse_yuan("12000"), Some(1_200_000));
        assert_eq!(parse_yuan("12,000.5"), Some(1_200_050));
        assert_eq!(parse_yuan("0.07"), Some(7));
        for bad in ["", "-5", "1.234", "1e3", "abc", ".5", "100000001"] {
            assert_eq!(parse_yuan(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_typed_contract_is_checked() {
        let c = check(&draft(), &[]).unwrap();
        assert_eq!(c.supplier, "某某科技有限公司");
        assert_eq!(c.price_fen, 109_500);
        assert_eq!(c.threshold, 0.95);
        assert_eq!(c.penalty, Penalty::QuarterShare { per_mille: 50 });
        let with = |f: fn(&mut Draft<'static>)| {
            let mut x = draft();
            f(&mut x);
            check(&x, &[])
        };
        assert_eq!(with(|x| x.supplier = "  ").unwrap_err(), ContractRefusal::NoSupplier);
        assert_eq!(with(|x| x.ends_on = "2024-12-31").unwrap_err(), ContractRefusal::Backwards);
        assert_eq!(with(|x| x.ends_on = "2040-01-01").unwrap_err(), ContractRefusal::TooLongPeriod);
        assert_eq!(with(|x| x.starts_on = "2025/01/01").unwrap_err(), ContractRefusal::BadDate);
        assert_eq!(with(|x| x.basis = "screen").unwrap_err(), ContractRefusal::BadBasis);
        assert_eq!(with(|x| x.price = "0").unwrap_err(), ContractRefusal::BadPrice);
        assert_eq!(with(|x| x.threshold = "101").unwrap_err(), ContractRefusal::BadThreshold);
        assert_eq!(with(|x| x.threshold = "97.5").unwrap().threshold, 0.975);
        assert_eq!(with(|x| x.penalty = "").unwrap_err(), ContractRefusal::BadPenalty);
        assert_eq!(with(|x| x.penalty_amount = "150").unwrap_err(), ContractRefusal::BadPenaltyAmount);
        assert_eq!(
            with(|x| {
                x.penalty = "camera_day";
                x.penalty_amount = "2.50"
            })
            .unwrap()
            .penalty,
            Penalty::CameraDay { fen: 250 }
        );
        let other = Period { from: d("2025-12-31"), to: d("2026-12-31") };
        assert_eq!(check(&draft(), &[other]).unwrap_err(), ContractRefusal::Overlaps);
        let after = Period { from: d("2026-01-01"), to: d("2026-12-31") };
        assert!(check(&draft(), &[after]).is_ok());
    }

    #[test]
    fn quarters_run_to_today_within_the_contract() {
        let c = check(&Draft { starts_on: "2025-02-10", ..draft() }, &[]).unwrap();
        let q = quarters(&c, d("2025-08-15"));
        let names: Vec<_> = q.iter().map(|(n, p)| (n.as_str(), p.from, p.to)).collect();
        assert_eq!(
            names,
            vec![
                ("2025-Q1", d("2025-02-10"), d("2025-03-31")),
                ("2025-Q2", d("2025-04-01"), d("2025-06-30")),
                ("2025-Q3", d("2025-07-01"), d("2025-08-15")),
            ]
        );
        assert!(quarters(&c, d("2025-01-01")).is_empty());
    }

    /// A quarter of 90 days, worked by hand: 2 cameras each day, 100 checks a camera.
    fn quarter_use(low_days: u64) -> QuarterUse {
        let mut days = Vec::new();
        for i in 0..90 {
            // A low day: one camera 80/100, the other 100/100: the day's rate 0.90.
            days.push(if i < low_days { (200, 180) } else { (200, 200) });
        }
        QuarterUse { days, venue_days: 90, camera_days: vec![(100, 100, 180 - low_days), (100, 80, low_days)] }
    }

    #[test]
    fn a_quarter_is_settled() {
        let c = check(&draft(), &[]).unwrap();
        let q1 = Period { from: d("2025-01-01"), to: d("2025-03-31") };
        // All days meet 95 %: the fee only. 180 camera-days x 1095 yuan / 365 = 540 yuan.
        let s = settle(&c, q1, &quarter_use(0));
        assert_eq!(s.fee_fen, 54_000);
        assert!(s.missed.is_empty());
        assert_eq!((s.deduction_fen, s.payable_fen), (0, 54_000));
        assert_eq!(s.per_online_camera_day_fen, Some(300.0));
        assert_eq!(s.per_connected_venue_fen, Some(54_000.0));
        // 60 low days: the mean (30 x 1.0 + 60 x 0.9) / 90 = 0.9333 is below 95 %, so 5 % of
        // the fee is deducted; 60 camera-days missed too.
        let s = settle(&c, q1, &quarter_use(60));
        assert_eq!(s.missed.len(), 2);
        assert!(matches!(s.missed[0], Missed::QuarterRate { mean } if (mean - 0.93333).abs() < 1e-4));
        assert_eq!(s.missed[1], Missed::CameraDays { count: 60 });
        assert_eq!((s.deduction_fen, s.payable_fen), (2_700, 51_300));
        assert_eq!(s.camera_days_meeting, 120);
        // 10 low days: the mean 0.9889 meets the threshold; a share penalty deducts nothing,
        // a per-camera-day one 10 x 2.50 yuan.
        let s = settle(&c, q1, &quarter_use(10));
        assert_eq!(s.deduction_fen, 0);
        let per_day = Contract { penalty: Penalty::CameraDay { fen: 250 }, ..c.clone() };
        assert_eq!(settle(&per_day, q1, &quarter_use(10)).deduction_fen, 2_500);
        // A deduction never exceeds the fee.
        let harsh = Contract { penalty: Penalty::QuarterFixed { fen: 1_000_000 }, ..c };
        let s = settle(&harsh, q1, &quarter_use(60));
        assert_eq!((s.deduction_fen, s.payable_fen), (54_000, 0));
        assert_eq!(s.per_online_camera_day_fen, Some(0.0));
    }

    #[test]
    fn a_venue_price_is_earned_per_connected_venue_day() {
        let c = check(&Draft { basis: "venue", price: "3650", ..draft() }, &[]).unwrap();
        let q1 = Period { from: d("2025-01-01"), to: d("2025-03-31") };
        // 90 venue-days x 3650 yuan / 365 = 900 yuan.
        assert_eq!(settle(&c, q1, &quarter_use(0)).fee_fen, 90_000);
        // A quarter without checks earns nothing and misses nothing.
        let s = settle(&c, q1, &QuarterUse::default());
        assert_eq!((s.fee_fen, s.missed.len(), s.mean_daily_rate), (0, 0, None));
    }

    #[test]
    fn the_contract_in_force_is_found_by_day() {
        let list = [(1, Period { from: d("2025-01-01"), to: d("2025-12-31") })];
        assert_eq!(in_force(&list, d("2025-06-01")), Some(1));
        assert_eq!(in_force(&list, d("2026-01-01")), None);
    }
}
