//! Working days in mainland China: weekdays, less public holidays, plus the weekend days the
//! State Council moves work to (调休). 12315 deadlines count working days.
//!
//! The holiday plan is published each November for the next year (国务院办公厅关于部分节假日
//! 安排的通知). Years not listed here count weekends only; add the new year's plan when it is
//! published.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// A calendar date as (year, month, day).
type Ymd = (i32, u32, u32);

/// (first day, last day) of each official holiday, inclusive.
const HOLIDAYS: &[(Ymd, Ymd)] = &[
    // 2025 (国办发明电〔2024〕12号)
    ((2025, 1, 1), (2025, 1, 1)),
    ((2025, 1, 28), (2025, 2, 4)),
    ((2025, 4, 4), (2025, 4, 6)),
    ((2025, 5, 1), (2025, 5, 5)),
    ((2025, 5, 31), (2025, 6, 2)),
    ((2025, 10, 1), (2025, 10, 8)),
    // 2026 (notice of 4 November 2025)
    ((2026, 1, 1), (2026, 1, 3)),
    ((2026, 2, 15), (2026, 2, 23)),
    ((2026, 4, 4), (2026, 4, 6)),
    ((2026, 5, 1), (2026, 5, 5)),
    ((2026, 6, 19), (2026, 6, 21)),
    ((2026, 9, 25), (2026, 9, 27)),
    ((2026, 10, 1), (2026, 10, 7)),
];

/// Weekend days that are working days.
const WORKING_WEEKENDS: &[Ymd] = &[
    (2025, 1, 26),
    (2025, 2, 8),
    (2025, 4, 27),
    (2025, 9, 28),
    (2025, 10, 11),
    (2026, 1, 4),
    (2026, 2, 14),
    (2026, 2, 28),
    (2026, 5, 9),
    (2026, 9, 20),
    (2026, 10, 10),
];

fn date((y, m, d): Ymd) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid calendar date")
}

/// Whether government offices work on `day`.
pub fn is_working_day(day: NaiveDate) -> bool {
    let ymd = (day.year(), day.month(), day.day());
    if WORKING_WEEKENDS.contains(&ymd) {
        return true;
    }
    if HOLIDAYS.iter().any(|&(from, to)| day >= date(from) && day <= date(to)) {
        return false;
    }
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The day `n` working days after `start` (the day of receipt does not count).
pub fn add_working_days(start: NaiveDate, n: u32) -> NaiveDate {
    let mut day = start;
    let mut left = n;
    while left > 0 {
        day += Duration::days(1);
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn weekends_are_skipped() {
        // Wednesday 25 November 2026 + 7 working days = Friday 4 December.
        assert_eq!(add_working_days(d(2026, 11, 25), 7), d(2026, 12, 4));
        // Received on a Saturday: counting starts on Monday.
        assert_eq!(add_working_days(d(2026, 11, 28), 1), d(2026, 11, 30));
    }

    #[test]
    fn holidays_are_skipped_and_moved_weekends_count() {
        // National Day 2026: 1–7 October off, Saturday 10 October worked.
        assert!(!is_working_day(d(2026, 10, 5)));
        assert!(is_working_day(d(2026, 10, 10)));
        // Received Tuesday 29 September: 30 Sep, 8, 9, 10 (Sat, worked), 12, 13, 14 October.
        assert_eq!(add_working_days(d(2026, 9, 29), 7), d(2026, 10, 14));
        // Spring Festival 2026: Saturday 14 February is worked, 15–23 are not.
        assert_eq!(add_working_days(d(2026, 2, 13), 2), d(2026, 2, 24));
    }

    #[test]
    fn zero_days_is_the_same_day() {
        assert_eq!(add_working_days(d(2026, 3, 3), 0), d(2026, 3, 3));
    }
}
