//! One rounding rule for month counts, shared by every decision that compares months.
//!
//! Candidates see month counts with one decimal. Deciding on the same rounded figure keeps the
//! verdict consistent with what is shown ("12.0 counted, 12.0 required" is never refused), and it
//! absorbs the quarter day by which a 365-day calendar year falls short of 365.25 / 12 × 12 days.

/// Rounds a month count to the one decimal shown to candidates (half away from zero): every
/// month count the API shows goes through here.
pub fn round_to_tenth(months: f64) -> f64 {
    (months * 10.0).round() / 10.0
}

/// True when `counted` months, rounded as shown, reach `required`.
pub(crate) fn reaches(counted: f64, required: f64) -> bool {
    round_to_tenth(counted) + 1e-9 >= required
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_calendar_year_of_365_days_reaches_twelve_months() {
        assert!(reaches(365.0 / (365.25 / 12.0), 12.0));
    }

    #[test]
    fn eleven_point_nine_months_do_not_reach_twelve() {
        assert!(!reaches(11.94, 12.0));
    }
}
