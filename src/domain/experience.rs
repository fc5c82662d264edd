//! The closed lists that describe experiences, claims and evidence.

use super::closed_enum::closed_enum;

pub use super::closed_enum::UnknownValueError;

closed_enum! {
    /// How an experience was carried out; VAE regimes count different kinds (facts §5.1).
    ExperienceKind ("experience kind") {
        Salaried => "SALARIED",
        SelfEmployed => "SELF_EMPLOYED",
        Volunteer => "VOLUNTEER",
        Internship => "INTERNSHIP",
        ElectedOffice => "ELECTED_OFFICE",
        Other => "OTHER",
    }
}

impl ExperienceKind {
    /// A short lower-case label, in French, for sentences shown to candidates.
    pub fn label(self) -> &'static str {
        match self {
            Self::Salaried => "emploi salarié",
            Self::SelfEmployed => "activité non salariée",
            Self::Volunteer => "bénévolat",
            Self::Internship => "stage",
            Self::ElectedOffice => "mandat électif ou syndical",
            Self::Other => "autre expérience",
        }
    }
}

closed_enum! {
    /// The candidate's own view of how well an experience shows a competence.
    SelfAssessment ("self-assessment") {
        Acquired => "ACQUIRED",
        Partial => "PARTIAL",
        NotYet => "NOT_YET",
    }
}

closed_enum! {
    /// What an evidence file is; exemption rules ask for specific kinds.
    EvidenceKind ("evidence kind") {
        EmployerCertificate => "EMPLOYER_CERTIFICATE",
        Payslip => "PAYSLIP",
        JobDescription => "JOB_DESCRIPTION",
        WorkProduct => "WORK_PRODUCT",
        Diploma => "DIPLOMA",
        TrainingCertificate => "TRAINING_CERTIFICATE",
        VolunteerCertificate => "VOLUNTEER_CERTIFICATE",
        /// The "relevé de décisions" of an earlier jury, which proves a domain already validated.
        JuryDecision => "JURY_DECISION",
        Other => "OTHER",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_parses_back_from_its_name() {
        for kind in ExperienceKind::ALL {
            assert_eq!(ExperienceKind::parse(kind.as_str()), Ok(*kind));
        }
        for kind in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(kind.as_str()), Ok(*kind));
        }
        for assessment in SelfAssessment::ALL {
            assert_eq!(SelfAssessment::parse(assessment.as_str()), Ok(*assessment));
        }
    }

    #[test]
    fn parsing_ignores_case_and_spaces() {
        assert_eq!(
            ExperienceKind::parse(" self_employed "),
            Ok(ExperienceKind::SelfEmployed)
        );
    }

    #[test]
    fn an_unknown_value_lists_the_accepted_ones() {
        let message = ExperienceKind::parse("FREELANCE").unwrap_err().to_string();
        assert!(message.contains("FREELANCE"), "{message}");
        assert!(message.contains("SELF_EMPLOYED"), "{message}");
    }

    #[test]
    fn serde_uses_the_screaming_snake_names() {
        let json = serde_json::to_string(&EvidenceKind::JuryDecision).unwrap();
        assert_eq!(json, "\"JURY_DECISION\"");
        let back: SelfAssessment = serde_json::from_str("\"NOT_YET\"").unwrap();
        assert_eq!(back, SelfAssessment::NotYet);
    }
}
