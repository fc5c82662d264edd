//! GraphQL enums and their conversions from the domain (domain types never derive GraphQL).

use async_graphql::Enum;

use crate::domain::{coverage, dossier_status, exemptions, experience, policy, programme};

macro_rules! mirror_enum {
    ($(#[$meta:meta])* $name:ident <=> $domain:path { $($variant:ident),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
        #[graphql(rename_items = "SCREAMING_SNAKE_CASE")]
        pub enum $name { $($variant),+ }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => $name::$variant),+ }
            }
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value { $($name::$variant => <$domain>::$variant),+ }
            }
        }
    };
}

mirror_enum!(
    /// What a user may do in Acquis; comes from the token.
    Role <=> policy::Role { Candidate, Advisor, Jury, Admin }
);
mirror_enum!(
    /// Where a dossier is in its life cycle.
    DossierStatus <=> dossier_status::DossierStatus { Draft, Submitted, Admissible, NotAdmissible, ReadyForJury, Decided, Withdrawn }
);
mirror_enum!(
    /// The nature of an activity.
    ExperienceKind <=> experience::ExperienceKind { Salaried, SelfEmployed, Volunteer, Internship, ElectedOffice, Other }
);
mirror_enum!(
    /// The candidate's own view of a claimed competence.
    SelfAssessment <=> experience::SelfAssessment { Acquired, Partial, NotYet }
);
mirror_enum!(
    /// What a file proves. JURY_DECISION is the record (relevé de décisions) of an earlier jury.
    EvidenceKind <=> experience::EvidenceKind {
        EmployerCertificate, Payslip, JobDescription, WorkProduct, Diploma, TrainingCertificate, VolunteerCertificate, JuryDecision, Other
    }
);
mirror_enum!(
    /// EVIDENCED: claimed and backed by a linked file; CLAIMED_ONLY: claimed without file; MISSING: not claimed.
    CoverageStatus <=> coverage::CoverageStatus { Evidenced, ClaimedOnly, Missing }
);
mirror_enum!(
    /// DISPENSE waives a whole domain (and its exam); ALLEGEMENT reduces training hours.
    ExemptionKind <=> programme::ExemptionKind { Dispense, Allegement }
);
mirror_enum!(
    /// JUSTIFIED: condition met and proven; UNPROVEN: declared but its proof is missing; NEEDS_REVIEW: discretionary or contested.
    ExemptionStatus <=> exemptions::ExemptionStatus { Justified, Unproven, NeedsReview }
);

/// The advisor's opinion on an exemption flag.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum Recommendation {
    Recommend,
    DoNotRecommend,
}

/// A jury member's verdict on one domain.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum AssessmentOutcome {
    Validated,
    NotValidated,
}

/// FULL: every domain validated; PARTIAL: some; REFUSED: none.
#[derive(Enum, Copy, Clone, Debug, PartialEq, Eq)]
pub enum DecisionOutcome {
    Full,
    Partial,
    Refused,
}

impl From<DecisionOutcome> for crate::db::records::DecisionOutcome {
    fn from(value: DecisionOutcome) -> Self {
        match value {
            DecisionOutcome::Full => Self::Full,
            DecisionOutcome::Partial => Self::Partial,
            DecisionOutcome::Refused => Self::Refused,
        }
    }
}

impl From<crate::db::records::DecisionOutcome> for DecisionOutcome {
    fn from(value: crate::db::records::DecisionOutcome) -> Self {
        match value {
            crate::db::records::DecisionOutcome::Full => Self::Full,
            crate::db::records::DecisionOutcome::Partial => Self::Partial,
            crate::db::records::DecisionOutcome::Refused => Self::Refused,
        }
    }
}
