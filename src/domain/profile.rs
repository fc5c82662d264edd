//! What the engines know about a candidate: the dossier's facts, already parsed.
//!
//! The service builds a `Profile` from its database; ids are the service's own (the case files
//! use their local keys). Nothing here is checked against a programme: a claim on an unknown
//! competence or a link to an unknown id is simply ignored by the engines.

use chrono::NaiveDate;

use super::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use super::experience::{EvidenceKind, ExperienceKind};
use super::period::{Period, WorkingTime};

#[derive(Debug, Clone, PartialEq)]
pub struct Profile {
    /// Decides the VAE regime; ongoing experiences are counted up to this day.
    pub application_date: NaiveDate,
    pub experiences: Vec<ProfileExperience>,
    pub qualifications: Vec<ProfileQualification>,
    pub prior_validations: Vec<ProfilePriorValidation>,
    pub evidence: Vec<ProfileEvidence>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProfileExperience {
    pub id: String,
    /// How the candidate knows this experience (its title), for the reasons they read.
    pub label: String,
    pub kind: ExperienceKind,
    pub period: Period,
    pub working_time: WorkingTime,
    /// The competences the candidate says this experience demonstrates.
    pub claims: Vec<CompetenceCode>,
}

/// A diploma, certification or corps membership the candidate holds.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileQualification {
    pub id: String,
    pub code: QualificationCode,
    /// Level in the current national framework (7 for a master's degree).
    pub level: Option<u8>,
    pub obtained_on: Option<NaiveDate>,
    /// Version of its referential, when the candidate knows it (e.g. "2004" or "2022").
    pub version: Option<String>,
}

/// A domain validated earlier by a jury (VAE or partial validation).
#[derive(Debug, Clone, PartialEq)]
pub struct ProfilePriorValidation {
    pub id: String,
    pub programme_code: ProgrammeCode,
    /// The programme version it was awarded under, when known.
    pub programme_version: Option<String>,
    pub domain_code: DomainCode,
    pub validated_on: NaiveDate,
    /// Recorded by a jury decision inside the service, so it needs no uploaded proof.
    pub verified: bool,
}

/// An uploaded document and what it is linked to.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileEvidence {
    pub id: String,
    pub kind: EvidenceKind,
    pub experience_ids: Vec<String>,
    pub qualification_ids: Vec<String>,
    pub prior_validation_ids: Vec<String>,
    pub competences: Vec<CompetenceCode>,
}

impl ProfileExperience {
    pub fn claims_competence(&self, code: &CompetenceCode) -> bool {
        self.claims.contains(code)
    }
}

impl ProfileEvidence {
    /// True when this document is of one of `kinds` and linked to the experience `id`.
    pub fn proves_experience(&self, kinds: &[EvidenceKind], id: &str) -> bool {
        kinds.contains(&self.kind) && self.experience_ids.iter().any(|linked| linked == id)
    }

    /// True when this document is of one of `kinds` and linked to the qualification `id`.
    pub fn proves_qualification(&self, kinds: &[EvidenceKind], id: &str) -> bool {
        kinds.contains(&self.kind) && self.qualification_ids.iter().any(|linked| linked == id)
    }

    /// True when this document is of one of `kinds` and linked to the prior validation `id`.
    pub fn proves_prior_validation(&self, kinds: &[EvidenceKind], id: &str) -> bool {
        kinds.contains(&self.kind) && self.prior_validation_ids.iter().any(|linked| linked == id)
    }
}
