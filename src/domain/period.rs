//! Dated periods of experience and their full-time-equivalent (FTE) length.
//!
//! VAE eligibility is counted in FTE months (facts §5.1) and overlapping periods must never count
//! twice, so the union of periods is computed by a sweep over boundary days with the daily load
//! capped at full time.

use chrono::{Datelike, NaiveDate};

/// The average length of a month in days; a month of FTE is this many full-time days.
pub const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The earliest day a period, a diploma or a validation may carry: careers of candidates
/// today start after it, and an earlier date is a typing mistake (0000-01-01 counted 24,239
/// months of experience).
pub const EARLIEST_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1950, 1, 1) {
    Some(date) => date,
    None => panic!("a valid date"),
};

/// Why a day that must lie in the past was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    #[error("the date {date} is before {EARLIEST_DATE}, the earliest date accepted")]
    TooEarly { date: NaiveDate },
    #[error("the date {date} is in the future (today is {today})")]
    InFuture { date: NaiveDate, today: NaiveDate },
}

impl DayError {
    pub fn code(self) -> &'static str {
        match self {
            DayError::TooEarly { .. } => "DATE_TOO_EARLY",
            DayError::InFuture { .. } => "DATE_IN_FUTURE",
        }
    }
}

/// A day between [`EARLIEST_DATE`] and `today`, both included.
pub fn past_day(date: NaiveDate, today: NaiveDate) -> Result<NaiveDate, DayError> {
    if date < EARLIEST_DATE {
        return Err(DayError::TooEarly { date });
    }
    if date > today {
        return Err(DayError::InFuture { date, today });
    }
    Ok(date)
}

/// Why a period or a working time was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("the end date {end} is before the start date {start}")]
    EndBeforeStart { start: NaiveDate, end: NaiveDate },
    #[error("the start date {start} is before {EARLIEST_DATE}, the earliest date accepted")]
    StartTooEarly { start: NaiveDate },
    #[error("the start date {start} is in the future (today is {today})")]
    StartInFuture { start: NaiveDate, today: NaiveDate },
    #[error(
        "the end date {end} is in the future (today is {today}); leave it empty for an ongoing experience"
    )]
    EndInFuture { end: NaiveDate, today: NaiveDate },
    #[error("the working time must be a percentage between 1 and 100, got {value}")]
    WorkingTimeOutOfRange { value: i64 },
}

/// A span of days with an inclusive end; no end means ongoing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Period {
    start: NaiveDate,
    end: Option<NaiveDate>,
}

impl Period {
    /// Accepts a period that starts no later than it ends and lies entirely in the past or today.
    pub fn parse(
        start: NaiveDate,
        end: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Self, PeriodError> {
        if let Some(end) = end
            && end < start
        {
            return Err(PeriodError::EndBeforeStart { start, end });
        }
        if start < EARLIEST_DATE {
            return Err(PeriodError::StartTooEarly { start });
        }
        if start > today {
            return Err(PeriodError::StartInFuture { start, today });
        }
        if let Some(end) = end
            && end > today
        {
            return Err(PeriodError::EndInFuture { end, today });
        }
        Ok(Self { start, end })
    }

    pub fn start(&self) -> NaiveDate {
        self.start
    }

    /// The last day worked, or `None` while the experience is ongoing.
    pub fn end(&self) -> Option<NaiveDate> {
        self.end
    }

    /// The part of this period on or after `first_day`, or `None` when it ended before.
    ///
    /// Used to count only the experience gained after a diploma was obtained.
    pub fn from_day(&self, first_day: NaiveDate) -> Option<Self> {
        let start = self.start.max(first_day);
        match self.end {
            Some(end) if end < start => None,
            end => Some(Self { start, end }),
        }
    }

    /// First and last day counted when measuring up to `until` (inclusive), if any.
    fn counted_days(&self, until: NaiveDate) -> Option<(NaiveDate, NaiveDate)> {
        let last = self.end.map_or(until, |end| end.min(until));
        (self.start <= last).then_some((self.start, last))
    }
}

/// A share of full time, from 1 % to 100 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct WorkingTime(u8);

impl WorkingTime {
    pub const FULL_TIME: Self = Self(100);

    pub fn parse(percent: i64) -> Result<Self, PeriodError> {
        u8::try_from(percent)
            .ok()
            .filter(|value| (1..=100).contains(value))
            .map(Self)
            .ok_or(PeriodError::WorkingTimeOutOfRange { value: percent })
    }

    pub fn percent(self) -> u8 {
        self.0
    }
}

/// FTE months of one period, end inclusive, ignoring any day after `until`.
pub fn fte_months(period: &Period, working_time: WorkingTime, until: NaiveDate) -> f64 {
    period.counted_days(until).map_or(0.0, |(first, last)| {
        let days = day_number(last) - day_number(first) + 1;
        percent_days_to_months(days * i64::from(working_time.percent()))
    })
}

/// FTE months of one stored experience as shown to people: an ongoing one counts to `today`,
/// rounded to one decimal; stored rows that no longer parse count nothing.
pub fn shown_fte_months(
    start: NaiveDate,
    end: Option<NaiveDate>,
    working_time_percent: u8,
    today: NaiveDate,
) -> f64 {
    match (
        Period::parse(start, end, today.max(start)),
        WorkingTime::parse(i64::from(working_time_percent)),
    ) {
        (Ok(period), Ok(wt)) => super::rounding::round_to_tenth(fte_months(&period, wt, today)),
        _ => 0.0,
    }
}

/// FTE months of several periods where any day counts at most once at full time.
///
/// Two full-time jobs held at once give one month per month; two half-time jobs add up to one.
/// Runs in O(n log n): one sort of the boundary days, then a single sweep.
pub fn union_fte_months(items: &[(Period, WorkingTime)], until: NaiveDate) -> f64 {
    let mut boundaries: Vec<(i64, i64)> = Vec::with_capacity(items.len() * 2);
    for (period, working_time) in items {
        if let Some((first, last)) = period.counted_days(until) {
            let percent = i64::from(working_time.percent());
            boundaries.push((day_number(first), percent));
            boundaries.push((day_number(last) + 1, -percent));
        }
    }
    boundaries.sort_unstable();

    let mut percent_days = 0_i64;
    let mut load = 0_i64;
    let mut previous_day: Option<i64> = None;
    for (day, change) in boundaries {
        if let Some(previous_day) = previous_day {
            percent_days += (day - previous_day) * load.min(100);
        }
        load += change;
        previous_day = Some(day);
    }
    percent_days_to_months(percent_days)
}

fn day_number(date: NaiveDate) -> i64 {
    i64::from(date.num_days_from_ce())
}

fn percent_days_to_months(percent_days: i64) -> f64 {
    percent_days as f64 / 100.0 / DAYS_PER_MONTH
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    fn today() -> NaiveDate {
        date("2026-01-01")
    }

    fn period(start: &str, end: Option<&str>) -> Period {
        Period::parse(date(start), end.map(date), today()).unwrap()
    }

    fn full(p: Period) -> (Period, WorkingTime) {
        (p, WorkingTime::FULL_TIME)
    }

    #[test]
    fn a_period_may_not_end_before_it_starts() {
        let error = Period::parse(date("2020-02-01"), Some(date("2020-01-31")), today());
        assert!(matches!(error, Err(PeriodError::EndBeforeStart { .. })));
    }

    #[test]
    fn a_period_may_not_start_or_end_in_the_future() {
        let start = Period::parse(date("2026-01-02"), None, today());
        assert!(matches!(start, Err(PeriodError::StartInFuture { .. })));
        let end = Period::parse(date("2025-01-01"), Some(date("2026-06-30")), today());
        assert!(matches!(end, Err(PeriodError::EndInFuture { .. })));
    }

    #[test]
    fn a_one_day_period_today_is_accepted() {
        let p = period("2026-01-01", Some("2026-01-01"));
        assert_eq!(p.start(), p.end().unwrap());
    }

    #[test]
    fn working_time_must_be_between_one_and_one_hundred_percent() {
        assert!(WorkingTime::parse(0).is_err());
        assert!(WorkingTime::parse(101).is_err());
        assert!(WorkingTime::parse(-50).is_err());
        assert!(WorkingTime::parse(i64::MAX).is_err());
        assert_eq!(WorkingTime::parse(1).unwrap().percent(), 1);
        assert_eq!(WorkingTime::parse(100).unwrap(), WorkingTime::FULL_TIME);
    }

    #[test]
    fn the_error_messages_say_what_is_wrong() {
        let message = WorkingTime::parse(120).unwrap_err().to_string();
        assert!(message.contains("between 1 and 100"), "{message}");
        assert!(message.contains("120"), "{message}");
    }

    #[test]
    fn the_end_day_is_counted() {
        let days = fte_months(
            &period("2024-01-01", Some("2024-01-01")),
            WorkingTime::FULL_TIME,
            today(),
        );
        assert!((days * DAYS_PER_MONTH - 1.0).abs() < 1e-9);
    }

    #[test]
    fn four_years_full_time_are_forty_eight_months() {
        let months = fte_months(
            &period("2020-01-01", Some("2023-12-31")),
            WorkingTime::FULL_TIME,
            today(),
        );
        assert!((months - 48.0).abs() < 1e-9, "{months}");
    }

    #[test]
    fn half_time_for_twenty_four_months_is_twelve_months() {
        let half = WorkingTime::parse(50).unwrap();
        let months = fte_months(&period("2021-01-01", Some("2022-12-31")), half, today());
        assert!((months - 12.0).abs() < 0.05, "{months}");
    }

    #[test]
    fn an_ongoing_period_is_cut_at_the_given_day() {
        let months = fte_months(
            &period("2024-01-01", None),
            WorkingTime::FULL_TIME,
            date("2024-12-31"),
        );
        assert!((months - 366.0 / DAYS_PER_MONTH).abs() < 1e-9);
    }

    #[test]
    fn a_period_starting_after_the_cut_counts_nothing() {
        let months = fte_months(
            &period("2025-01-01", None),
            WorkingTime::FULL_TIME,
            date("2024-12-31"),
        );
        assert_eq!(months, 0.0);
    }

    #[test]
    fn two_full_time_jobs_at_once_count_once() {
        let a = full(period("2020-01-01", Some("2020-12-31")));
        let b = full(period("2020-01-01", Some("2020-12-31")));
        let single = union_fte_months(&[a], today());
        let both = union_fte_months(&[a, b], today());
        assert!((single - both).abs() < 1e-9);
    }

    #[test]
    fn two_half_time_jobs_at_once_add_up_to_full_time() {
        let half = WorkingTime::parse(50).unwrap();
        let p = period("2020-01-01", Some("2020-12-31"));
        let both = union_fte_months(&[(p, half), (p, half)], today());
        assert!((both - fte_months(&p, WorkingTime::FULL_TIME, today())).abs() < 1e-9);
    }

    #[test]
    fn partly_overlapping_jobs_count_the_overlap_once() {
        let a = full(period("2020-01-01", Some("2020-01-10")));
        let b = full(period("2020-01-06", Some("2020-01-20")));
        let days = union_fte_months(&[a, b], today()) * DAYS_PER_MONTH;
        assert!((days - 20.0).abs() < 1e-9, "{days}");
    }

    #[test]
    fn adjacent_jobs_leave_no_gap_and_no_double_day() {
        let a = full(period("2020-01-01", Some("2020-01-10")));
        let b = full(period("2020-01-11", Some("2020-01-20")));
        let days = union_fte_months(&[a, b], today()) * DAYS_PER_MONTH;
        assert!((days - 20.0).abs() < 1e-9, "{days}");
    }

    #[test]
    fn a_gap_between_jobs_is_not_counted() {
        let a = full(period("2020-01-01", Some("2020-01-10")));
        let b = full(period("2020-02-01", Some("2020-02-10")));
        let days = union_fte_months(&[b, a], today()) * DAYS_PER_MONTH;
        assert!((days - 20.0).abs() < 1e-9, "{days}");
    }

    #[test]
    fn the_union_of_nothing_is_zero() {
        assert_eq!(union_fte_months(&[], today()), 0.0);
    }

    #[test]
    fn from_day_keeps_only_the_part_after_a_date() {
        let p = period("2018-01-01", Some("2020-12-31"));
        assert_eq!(
            p.from_day(date("2019-01-01")).unwrap().start(),
            date("2019-01-01")
        );
        assert_eq!(
            p.from_day(date("2017-01-01")).unwrap().start(),
            date("2018-01-01")
        );
        assert!(p.from_day(date("2021-01-01")).is_none());
        let ongoing = period("2018-01-01", None);
        assert_eq!(ongoing.from_day(date("2030-01-01")).unwrap().end(), None);
    }
}
