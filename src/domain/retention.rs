//! How long personal data lives. Defaults from the sources: a dossier's personal data at most
//! 12 months after the end of the path, and 12 months after the last change for a dossier
//! never submitted (code du travail R. 6411-6, for France VAE's data); audit events 12 months,
//! the upper end of the CNIL's 6 to 12 months for logs (délibération 2021-122).

use chrono::{Months, NaiveDate};

use super::dossier_status::DossierStatus;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RetentionPolicy {
    /// Months after the end of the path (decision, withdrawal, refusal).
    pub after_end_months: u32,
    /// Months after the last change of a dossier never submitted.
    pub draft_months: u32,
    /// Months an audit event is kept.
    pub audit_months: u32,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        RetentionPolicy {
            after_end_months: 12,
            draft_months: 12,
            audit_months: 12,
        }
    }
}

/// Why a dossier's time is up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expiry {
    /// The path ended on this day.
    PathEnded(NaiveDate),
    /// A draft last changed on this day.
    DraftAbandoned(NaiveDate),
}

impl Expiry {
    pub fn code(self) -> &'static str {
        match self {
            Expiry::PathEnded(_) => "PATH_ENDED",
            Expiry::DraftAbandoned(_) => "DRAFT_ABANDONED",
        }
    }

    pub fn since(self) -> NaiveDate {
        match self {
            Expiry::PathEnded(day) | Expiry::DraftAbandoned(day) => day,
        }
    }
}

impl RetentionPolicy {
    /// The last day a dossier is kept, when its path says; `None` while it is in progress.
    pub fn retain_until(
        &self,
        status: DossierStatus,
        ended_on: Option<NaiveDate>,
        last_change: NaiveDate,
    ) -> Option<(NaiveDate, Expiry)> {
        let (since, months, expiry) = match (status, ended_on) {
            (status, Some(ended)) if status.is_final() => {
                (ended, self.after_end_months, Expiry::PathEnded(ended))
            }
            (DossierStatus::Draft, _) => (
                last_change,
                self.draft_months,
                Expiry::DraftAbandoned(last_change),
            ),
            _ => return None,
        };
        let until = since
            .checked_add_months(Months::new(months))
            .unwrap_or(NaiveDate::MAX);
        Some((until, expiry))
    }

    /// Whether the dossier's time is up on `today` (it is kept through its last day).
    pub fn expired(
        &self,
        status: DossierStatus,
        ended_on: Option<NaiveDate>,
        last_change: NaiveDate,
        today: NaiveDate,
    ) -> Option<Expiry> {
        self.retain_until(status, ended_on, last_change)
            .filter(|(until, _)| *until < today)
            .map(|(_, expiry)| expiry)
    }

    /// Audit events strictly before this day are past their time.
    pub fn audit_cutoff(&self, today: NaiveDate) -> NaiveDate {
        today
            .checked_sub_months(Months::new(self.audit_months))
            .unwrap_or(NaiveDate::MIN)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(raw: &str) -> NaiveDate {
        raw.parse().unwrap()
    }

    #[test]
    fn a_decided_dossier_is_kept_twelve_months_after_its_decision_by_default() {
        let policy = RetentionPolicy::default();
        let ended = Some(day("2025-03-31"));
        let status = DossierStatus::Decided;
        assert_eq!(
            policy.retain_until(status, ended, day("2025-04-02")),
            Some((day("2026-03-31"), Expiry::PathEnded(day("2025-03-31"))))
        );
        assert_eq!(
            policy.expired(status, ended, day("2025-04-02"), day("2026-03-31")),
            None
        );
        assert_eq!(
            policy.expired(status, ended, day("2025-04-02"), day("2026-04-01")),
            Some(Expiry::PathEnded(day("2025-03-31")))
        );
    }

    #[test]
    fn a_dossier_in_progress_is_never_due_however_old() {
        let policy = RetentionPolicy::default();
        for status in [
            DossierStatus::Submitted,
            DossierStatus::Admissible,
            DossierStatus::ReadyForJury,
        ] {
            assert_eq!(
                policy.expired(status, None, day("2001-01-01"), day("2026-12-03")),
                None
            );
        }
    }

    #[test]
    fn a_draft_counts_from_its_last_change() {
        let policy = RetentionPolicy {
            draft_months: 6,
            ..RetentionPolicy::default()
        };
        let touched = day("2026-05-31");
        assert_eq!(
            policy.expired(DossierStatus::Draft, None, touched, day("2026-11-30")),
            None
        );
        assert_eq!(
            policy.expired(DossierStatus::Draft, None, touched, day("2026-12-01")),
            Some(Expiry::DraftAbandoned(touched))
        );
    }

    #[test]
    fn audit_events_older_than_the_period_are_past_their_time() {
        let policy = RetentionPolicy {
            audit_months: 6,
            ..RetentionPolicy::default()
        };
        assert_eq!(policy.audit_cutoff(day("2026-12-03")), day("2026-06-03"));
    }
}
