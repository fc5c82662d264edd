//! How much of the referential the candidate's experiences and documents cover.
//!
//! A competence is only as good as its proof: claimed by an experience and backed by a linked
//! document is EVIDENCED, claimed alone is CLAIMED_ONLY, not claimed at all is MISSING.

use serde::Serialize;

use super::closed_enum::closed_enum;
use super::codes::{CompetenceCode, DomainCode};
use super::period::union_fte_months;
use super::profile::{Profile, ProfileExperience};
use super::programme::{Competence, Domain, Programme};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DomainCoverage {
    pub domain_code: DomainCode,
    /// FTE months of the experiences claiming any competence of the domain, overlaps counted
    /// once, up to the application date.
    pub fte_months: f64,
    pub competences: Vec<CompetenceCoverage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CompetenceCoverage {
    pub competence_code: CompetenceCode,
    pub status: CoverageStatus,
    /// Experiences claiming the competence.
    pub experience_count: u32,
    /// Documents linked to the competence.
    pub evidence_count: u32,
}

closed_enum! {
    CoverageStatus ("coverage status") {
        Evidenced => "EVIDENCED",
        ClaimedOnly => "CLAIMED_ONLY",
        Missing => "MISSING",
    }
}

/// Every domain and competence of the programme, in programme order.
pub fn coverage(p: &Programme, profile: &Profile) -> Vec<DomainCoverage> {
    p.domains
        .iter()
        .map(|domain| domain_coverage(domain, profile))
        .collect()
}

fn domain_coverage(domain: &Domain, profile: &Profile) -> DomainCoverage {
    let claiming: Vec<_> = profile
        .experiences
        .iter()
        .filter(|experience| claims_domain(experience, domain))
        .map(|experience| (experience.period, experience.working_time))
        .collect();
    DomainCoverage {
        domain_code: domain.code.clone(),
        fte_months: union_fte_months(&claiming, profile.application_date),
        competences: domain
            .competences
            .iter()
            .map(|competence| competence_coverage(competence, profile))
            .collect(),
    }
}

fn claims_domain(experience: &ProfileExperience, domain: &Domain) -> bool {
    experience
        .claims
        .iter()
        .any(|code| domain.has_competence(code))
}

fn competence_coverage(competence: &Competence, profile: &Profile) -> CompetenceCoverage {
    let code = &competence.code;
    let experience_count = count(
        profile
            .experiences
            .iter()
            .filter(|e| e.claims_competence(code)),
    );
    let evidence_count = count(
        profile
            .evidence
            .iter()
            .filter(|e| e.competences.contains(code)),
    );
    let status = match (experience_count, evidence_count) {
        (0, _) => CoverageStatus::Missing,
        (_, 0) => CoverageStatus::ClaimedOnly,
        _ => CoverageStatus::Evidenced,
    };
    CompetenceCoverage {
        competence_code: code.clone(),
        status,
        experience_count,
        evidence_count,
    }
}

fn count<T>(items: impl Iterator<Item = T>) -> u32 {
    u32::try_from(items.count()).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::*;

    #[test]
    fn every_domain_and_competence_appears_in_programme_order() {
        let report = coverage(&deis(), &profile_on("2025-01-01"));
        let codes: Vec<_> = report
            .iter()
            .flat_map(|d| d.competences.iter().map(|c| c.competence_code.to_string()))
            .collect();
        assert_eq!(
            codes,
            [
                "DC1.1", "DC1.2", "DC1.3", "DC2.1", "DC2.2", "DC2.3", "DC3.1", "DC3.2", "DC3.3",
                "DC3.4"
            ]
        );
        assert!(report.iter().all(|d| d.fte_months == 0.0));
    }

    #[test]
    fn a_claim_with_a_linked_document_is_evidenced_and_one_without_is_claimed_only() {
        let mut profile = profile_on("2025-01-01");
        profile.experiences.push(experience(
            "e1",
            "2020-01-01",
            Some("2020-12-31"),
            &["DC1.1", "DC1.2"],
        ));
        profile
            .evidence
            .push(evidence_for_competences("f1", &["DC1.1", "DC3.1"]));
        let report = coverage(&deis(), &profile);
        let dc1 = &report[0].competences;
        assert_eq!(dc1[0].status, CoverageStatus::Evidenced);
        assert_eq!(dc1[1].status, CoverageStatus::ClaimedOnly);
        assert_eq!(dc1[2].status, CoverageStatus::Missing);
        // A document alone does not make a competence claimed.
        assert_eq!(report[2].competences[0].status, CoverageStatus::Missing);
        assert_eq!(report[2].competences[0].evidence_count, 1);
    }

    #[test]
    fn domain_months_count_overlapping_claiming_experiences_once() {
        let mut profile = profile_on("2025-01-01");
        profile.experiences.push(experience(
            "e1",
            "2020-01-01",
            Some("2020-12-31"),
            &["DC1.1"],
        ));
        profile.experiences.push(experience(
            "e2",
            "2020-01-01",
            Some("2020-12-31"),
            &["DC1.3"],
        ));
        profile.experiences.push(experience(
            "e3",
            "2021-01-01",
            Some("2021-12-31"),
            &["DC2.1"],
        ));
        let report = coverage(&deis(), &profile);
        assert!(
            (report[0].fte_months - 12.0).abs() < 0.05,
            "{}",
            report[0].fte_months
        );
        assert_eq!(report[0].competences[0].experience_count, 1);
        assert!((report[1].fte_months - 12.0).abs() < 0.05);
        assert_eq!(report[2].fte_months, 0.0);
    }

    #[test]
    fn claims_on_competences_outside_the_programme_are_ignored() {
        let mut profile = profile_on("2025-01-01");
        profile.experiences.push(experience(
            "e1",
            "2020-01-01",
            Some("2020-12-31"),
            &["DC1.9"],
        ));
        let report = coverage(&deis(), &profile);
        assert_eq!(report[0].fte_months, 0.0);
    }
}
