//! The dossier life cycle as one transition table. Every status change and every edit goes
//! through it, so the rules live in one place.

use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DossierStatus {
    Draft,
    Submitted,
    Admissible,
    NotAdmissible,
    ReadyForJury,
    Decided,
    Withdrawn,
}

/// Something that changes a dossier's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Submit,
    DeclareAdmissible,
    DeclareNotAdmissible,
    MarkReadyForJury,
    RecordDecision,
    Withdraw,
}

impl DossierStatus {
    pub const ALL: [DossierStatus; 7] = [
        DossierStatus::Draft,
        DossierStatus::Submitted,
        DossierStatus::Admissible,
        DossierStatus::NotAdmissible,
        DossierStatus::ReadyForJury,
        DossierStatus::Decided,
        DossierStatus::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DossierStatus::Draft => "DRAFT",
            DossierStatus::Submitted => "SUBMITTED",
            DossierStatus::Admissible => "ADMISSIBLE",
            DossierStatus::NotAdmissible => "NOT_ADMISSIBLE",
            DossierStatus::ReadyForJury => "READY_FOR_JURY",
            DossierStatus::Decided => "DECIDED",
            DossierStatus::Withdrawn => "WITHDRAWN",
        }
    }

    pub fn parse(raw: &str) -> Option<DossierStatus> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }

    /// Final states accept no transition at all.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            DossierStatus::NotAdmissible | DossierStatus::Decided | DossierStatus::Withdrawn
        )
    }

    /// The candidate may change experiences, qualifications, claims and evidence only here.
    /// After submission the dossier is frozen for review; an admissible dossier may still get
    /// evidence completed before it goes to the jury.
    pub fn candidate_may_edit(self) -> bool {
        matches!(self, DossierStatus::Draft)
    }

    /// A candidate may erase a dossier nobody has started to examine, or one they withdrew;
    /// an admin may erase any (a GDPR request).
    pub fn candidate_may_delete(self) -> bool {
        matches!(self, DossierStatus::Draft | DossierStatus::Withdrawn)
    }

    /// Evidence may still be added while the dossier waits for the jury.
    pub fn candidate_may_add_evidence(self) -> bool {
        matches!(self, DossierStatus::Draft | DossierStatus::Admissible)
    }

    /// The status a transition leads to, or why it is not allowed.
    pub fn apply(self, transition: Transition) -> Result<DossierStatus, TransitionError> {
        use DossierStatus::*;
        use Transition::*;
        let next = match (self, transition) {
            (Draft, Submit) => Submitted,
            (Submitted, DeclareAdmissible) => Admissible,
            (Submitted, DeclareNotAdmissible) => NotAdmissible,
            (Admissible, MarkReadyForJury) => ReadyForJury,
            (ReadyForJury, RecordDecision) => Decided,
            (from, Withdraw) if !from.is_final() => Withdrawn,
            (from, transition) => return Err(TransitionError { from, transition }),
        };
        Ok(next)
    }
}

impl fmt::Display for DossierStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Transition {
    fn verb(self) -> &'static str {
        match self {
            Transition::Submit => "submit",
            Transition::DeclareAdmissible => "declare admissible",
            Transition::DeclareNotAdmissible => "declare not admissible",
            Transition::MarkReadyForJury => "mark ready for the jury",
            Transition::RecordDecision => "record a decision on",
            Transition::Withdraw => "withdraw",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("cannot {} a dossier whose status is {from}", transition.verb())]
pub struct TransitionError {
    pub from: DossierStatus,
    pub transition: Transition,
}

#[cfg(test)]
mod tests {
    use super::DossierStatus::*;
    use super::Transition::*;
    use super::*;

    #[test]
    fn the_happy_path_goes_from_draft_to_decided() {
        let mut status = Draft;
        for t in [Submit, DeclareAdmissible, MarkReadyForJury, RecordDecision] {
            status = status.apply(t).unwrap();
        }
        assert_eq!(status, Decided);
    }

    #[test]
    fn withdrawal_is_possible_from_every_non_final_state_only() {
        for status in DossierStatus::ALL {
            assert_eq!(
                status.apply(Withdraw).is_ok(),
                !status.is_final(),
                "{status}"
            );
        }
    }

    #[test]
    fn skipping_a_step_is_refused_with_a_readable_message() {
        let err = Draft.apply(MarkReadyForJury).unwrap_err();
        assert_eq!(
            err.to_string(),
            "cannot mark ready for the jury a dossier whose status is DRAFT"
        );
        assert!(Submitted.apply(Submit).is_err());
        assert!(Decided.apply(RecordDecision).is_err());
    }

    #[test]
    fn statuses_round_trip_through_their_names() {
        for status in DossierStatus::ALL {
            assert_eq!(DossierStatus::parse(status.as_str()), Some(status));
        }
    }
}
