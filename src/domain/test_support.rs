//! Small builders shared by the unit tests of the engines.

use chrono::NaiveDate;

use super::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use super::experience::{EvidenceKind, ExperienceKind};
use super::period::{Period, WorkingTime};
use super::profile::{
    Profile, ProfileEvidence, ProfileExperience, ProfilePriorValidation, ProfileQualification,
};
use super::programme::{DEIS_JSON, Programme};

pub fn deis() -> Programme {
    Programme::from_json(DEIS_JSON).expect("the DEIS fixture is valid")
}

pub fn date(text: &str) -> NaiveDate {
    text.parse().expect("a YYYY-MM-DD date")
}

/// The day the tests pretend it is; every fixture date lies before it.
pub fn today() -> NaiveDate {
    date("2026-01-01")
}

pub fn profile_on(application_date: &str) -> Profile {
    Profile {
        application_date: date(application_date),
        experiences: Vec::new(),
        qualifications: Vec::new(),
        prior_validations: Vec::new(),
        evidence: Vec::new(),
    }
}

pub fn competences(codes: &[&str]) -> Vec<CompetenceCode> {
    codes
        .iter()
        .map(|code| CompetenceCode::parse(code).expect("a competence code"))
        .collect()
}

/// A full-time salaried experience.
pub fn experience(id: &str, start: &str, end: Option<&str>, claims: &[&str]) -> ProfileExperience {
    ProfileExperience {
        id: id.to_owned(),
        label: id.to_owned(),
        kind: ExperienceKind::Salaried,
        period: Period::parse(date(start), end.map(date), today()).expect("a valid period"),
        working_time: WorkingTime::FULL_TIME,
        claims: competences(claims),
    }
}

pub fn qualification(
    id: &str,
    code: &str,
    level: Option<u8>,
    obtained_on: Option<&str>,
) -> ProfileQualification {
    ProfileQualification {
        version: None,
        id: id.to_owned(),
        code: QualificationCode::parse(code).expect("a qualification code"),
        level,
        obtained_on: obtained_on.map(date),
    }
}

pub fn prior_validation(id: &str, domain: &str, verified: bool) -> ProfilePriorValidation {
    ProfilePriorValidation {
        programme_version: None,
        id: id.to_owned(),
        programme_code: ProgrammeCode::parse("DEIS").expect("a programme code"),
        domain_code: DomainCode::parse(domain).expect("a domain code"),
        validated_on: date("2020-01-15"),
        verified,
    }
}

fn evidence(id: &str, kind: EvidenceKind) -> ProfileEvidence {
    ProfileEvidence {
        id: id.to_owned(),
        kind,
        experience_ids: Vec::new(),
        qualification_ids: Vec::new(),
        prior_validation_ids: Vec::new(),
        competences: Vec::new(),
    }
}

pub fn evidence_for_competences(id: &str, codes: &[&str]) -> ProfileEvidence {
    ProfileEvidence {
        competences: competences(codes),
        ..evidence(id, EvidenceKind::WorkProduct)
    }
}

pub fn diploma_of(id: &str, qualification_id: &str) -> ProfileEvidence {
    ProfileEvidence {
        qualification_ids: vec![qualification_id.to_owned()],
        ..evidence(id, EvidenceKind::Diploma)
    }
}

pub fn jury_decision_for(id: &str, prior_validation_id: &str) -> ProfileEvidence {
    ProfileEvidence {
        prior_validation_ids: vec![prior_validation_id.to_owned()],
        ..evidence(id, EvidenceKind::JuryDecision)
    }
}
