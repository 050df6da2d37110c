//! A food business licence's standing on a given China day: expired after its last valid day,
//! "expiring soon" in its last 90 days (when the venue should be renewing), valid before.

use crate::vocab::LicenceValidity;
use chrono::{Duration, NaiveDate};

/// Days before expiry from which a licence shows as expiring soon.
pub const EXPIRING_SOON_DAYS: i64 = 90;

pub fn validity(valid_until: NaiveDate, today: NaiveDate) -> LicenceValidity {
    if valid_until < today {
        LicenceValidity::Expired
    } else if valid_until <= today + Duration::days(EXPIRING_SOON_DAYS) {
        LicenceValidity::ExpiringSoon
    } else {
        LicenceValidity::Valid
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        assert_eq!(validity(today - Duration::days(1), today), LicenceValidity::Expired);
        assert_eq!(validity(today, today), LicenceValidity::ExpiringSoon);
        assert_eq!(validity(today + Duration::days(90), today), LicenceValidity::ExpiringSoon);
        assert_eq!(validity(today + Duration::days(91), today), LicenceValidity::Valid);
    }
}
