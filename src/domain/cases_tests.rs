//! Replays every case file of `fixtures/profiles/` through the engines.
//!
//! One file is one case: a candidate profile with local keys, and the expected eligibility,
//! flags and (optionally) coverage, totals and admission routes. Adding a case means adding a
//! file. The service's integration tests replay the same files through the GraphQL API, so the
//! shape below is a contract: prior validations are unverified here, as they are when created
//! through the API, and their proof is a linked JURY_DECISION document.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::Deserialize;

use super::admission::training_admission;
use super::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use super::coverage::{CoverageStatus, coverage};
use super::eligibility::eligibility;
use super::exemptions::{ExemptionStatus, exemptions};
use super::experience::{EvidenceKind, ExperienceKind};
use super::period::{Period, WorkingTime};
use super::profile::{
    Profile, ProfileEvidence, ProfileExperience, ProfilePriorValidation, ProfileQualification,
};
use super::programme::{DEES_JSON, DEIS_JSON, Programme};

const MONTHS_TOLERANCE: f64 = 0.05;

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Case {
    description: String,
    /// The programme the case applies to; the DEIS when absent.
    #[serde(default)]
    programme: Option<ProgrammeCode>,
    application_date: NaiveDate,
    #[serde(default)]
    experiences: Vec<CaseExperience>,
    #[serde(default)]
    qualifications: Vec<CaseQualification>,
    #[serde(default)]
    prior_validations: Vec<CasePriorValidation>,
    #[serde(default)]
    evidence: Vec<CaseEvidence>,
    expected: Expected,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CaseExperience {
    key: String,
    kind: ExperienceKind,
    title: String,
    #[expect(dead_code, reason = "only the API replay stores organisations")]
    organisation: String,
    start_date: NaiveDate,
    end_date: Option<NaiveDate>,
    working_time_percent: i64,
    claims: Vec<CompetenceCode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CaseQualification {
    key: String,
    code: QualificationCode,
    #[expect(dead_code, reason = "only the API replay stores titles")]
    title: String,
    level: Option<u8>,
    obtained_on: Option<NaiveDate>,
    #[serde(default)]
    version: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CasePriorValidation {
    key: String,
    programme_code: ProgrammeCode,
    #[serde(default)]
    programme_version: Option<String>,
    domain_code: DomainCode,
    validated_on: NaiveDate,
    #[expect(dead_code, reason = "only the API replay stores the source")]
    source: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CaseEvidence {
    key: String,
    kind: EvidenceKind,
    #[expect(dead_code, reason = "only the API replay stores titles")]
    title: String,
    experiences: Vec<String>,
    qualifications: Vec<String>,
    prior_validations: Vec<String>,
    competences: Vec<CompetenceCode>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Expected {
    eligibility: ExpectedEligibility,
    coverage: Option<BTreeMap<DomainCode, ExpectedDomainCoverage>>,
    flags: Vec<ExpectedFlag>,
    totals: Option<ExpectedTotals>,
    training_admission: Option<ExpectedAdmission>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedEligibility {
    regime: String,
    admissible: bool,
    relevant_fte_months: f64,
    required_fte_months: f64,
    /// Optional fragments that some reason must contain.
    #[serde(default)]
    reasons_contain: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedDomainCoverage {
    fte_months: Option<f64>,
    #[serde(default)]
    competences: BTreeMap<CompetenceCode, CoverageStatus>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedFlag {
    rule_id: String,
    status: ExemptionStatus,
    missing_evidence: Option<Vec<String>>,
    min_hours_reduced: Option<u32>,
    max_hours_reduced: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedTotals {
    min_hours_reduced: u32,
    max_hours_reduced: u32,
    justified_min_hours: Option<u32>,
    justified_max_hours: Option<u32>,
    dispensed_domain_codes: Option<Vec<DomainCode>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct ExpectedAdmission {
    eligible: bool,
    met_routes: Vec<String>,
}

/// Case files use past dates only, so a fixed "today" keeps them valid forever.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 1, 1).expect("a valid date")
}

fn case_files() -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/profiles");
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", folder.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_profile_case_file_gives_the_expected_results() {
    let programmes = [
        Programme::from_json(DEIS_JSON).expect("the DEIS fixture is valid"),
        Programme::from_json(DEES_JSON).expect("the DEES fixture is valid"),
    ];
    let files = case_files();
    assert!(!files.is_empty(), "fixtures/profiles holds no case file");

    let mut failures = Vec::new();
    for file in &files {
        let name = file
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let problems = match fs::read_to_string(file) {
            Ok(text) => check_case(&programmes, &text),
            Err(e) => vec![format!("cannot read the file: {e}")],
        };
        if !problems.is_empty() {
            failures.push(format!("{name}:\n  {}", problems.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} case files failed:\n\n{}",
        failures.len(),
        files.len(),
        failures.join("\n\n")
    );
}

/// Every difference between what the case expects and what the engines say.
fn check_case(programmes: &[Programme], text: &str) -> Vec<String> {
    let case: Case = match serde_json::from_str(text) {
        Ok(case) => case,
        Err(e) => return vec![format!("not a valid case file: {e}")],
    };
    let wanted = case.programme.as_ref().map_or("DEIS", |code| code.as_str());
    let Some(programme) = programmes.iter().find(|p| p.code.as_str() == wanted) else {
        return vec![format!("no embedded programme {wanted}")];
    };
    let mut problems = Vec::new();
    if case.description.trim().is_empty() {
        problems.push("the description is empty".to_owned());
    }
    let profile = match build_profile(&case) {
        Ok(profile) => profile,
        Err(mut errors) => {
            problems.append(&mut errors);
            return problems;
        }
    };
    check_eligibility(
        programme,
        &profile,
        &case.expected.eligibility,
        &mut problems,
    );
    if let Some(expected) = &case.expected.coverage {
        check_coverage(programme, &profile, expected, &mut problems);
    }
    check_flags(programme, &profile, &case.expected, &mut problems);
    if let Some(expected) = &case.expected.training_admission {
        check_admission(programme, &profile, expected, &mut problems);
    }
    problems
}

fn build_profile(case: &Case) -> Result<Profile, Vec<String>> {
    let mut errors = Vec::new();
    let mut experiences = Vec::new();
    for e in &case.experiences {
        let period = Period::parse(e.start_date, e.end_date, today());
        let working_time = WorkingTime::parse(e.working_time_percent);
        match (period, working_time) {
            (Ok(period), Ok(working_time)) => experiences.push(ProfileExperience {
                id: e.key.clone(),
                label: e.title.clone(),
                kind: e.kind,
                period,
                working_time,
                claims: e.claims.clone(),
            }),
            (Err(error), _) | (_, Err(error)) => {
                errors.push(format!("experience {}: {error}", e.key))
            }
        }
    }
    let keys = |items: Vec<&String>| items.into_iter().cloned().collect::<BTreeSet<String>>();
    let experience_keys = keys(case.experiences.iter().map(|e| &e.key).collect());
    let qualification_keys = keys(case.qualifications.iter().map(|q| &q.key).collect());
    let validation_keys = keys(case.prior_validations.iter().map(|v| &v.key).collect());
    for evidence in &case.evidence {
        for (links, known, what) in [
            (&evidence.experiences, &experience_keys, "experience"),
            (
                &evidence.qualifications,
                &qualification_keys,
                "qualification",
            ),
            (
                &evidence.prior_validations,
                &validation_keys,
                "prior validation",
            ),
        ] {
            for key in links.iter().filter(|key| !known.contains(*key)) {
                errors.push(format!(
                    "evidence {} links to unknown {what} {key:?}",
                    evidence.key
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(Profile {
        application_date: case.application_date,
        experiences,
        qualifications: case
            .qualifications
            .iter()
            .map(|q| ProfileQualification {
                id: q.key.clone(),
                code: q.code.clone(),
                level: q.level,
                obtained_on: q.obtained_on,
                version: q.version.clone(),
            })
            .collect(),
        prior_validations: case
            .prior_validations
            .iter()
            .map(|v| ProfilePriorValidation {
                id: v.key.clone(),
                programme_code: v.programme_code.clone(),
                programme_version: v.programme_version.clone(),
                domain_code: v.domain_code.clone(),
                validated_on: v.validated_on,
                verified: false,
            })
            .collect(),
        evidence: case
            .evidence
            .iter()
            .map(|e| ProfileEvidence {
                id: e.key.clone(),
                kind: e.kind,
                experience_ids: e.experiences.clone(),
                qualification_ids: e.qualifications.clone(),
                prior_validation_ids: e.prior_validations.clone(),
                competences: e.competences.clone(),
            })
            .collect(),
    })
}

fn differ(
    problems: &mut Vec<String>,
    what: &str,
    expected: impl std::fmt::Debug,
    actual: impl std::fmt::Debug,
) {
    problems.push(format!("{what}: expected {expected:?}, got {actual:?}"));
}

fn months_differ(expected: f64, actual: f64) -> bool {
    (expected - actual).abs() > MONTHS_TOLERANCE
}

fn check_eligibility(
    p: &Programme,
    profile: &Profile,
    expected: &ExpectedEligibility,
    problems: &mut Vec<String>,
) {
    let actual = eligibility(p, profile);
    if actual.regime_id != expected.regime {
        differ(
            problems,
            "eligibility.regime",
            &expected.regime,
            &actual.regime_id,
        );
    }
    if actual.admissible != expected.admissible {
        differ(
            problems,
            "eligibility.admissible",
            expected.admissible,
            actual.admissible,
        );
    }
    if months_differ(expected.relevant_fte_months, actual.relevant_fte_months) {
        differ(
            problems,
            "eligibility.relevantFteMonths",
            expected.relevant_fte_months,
            actual.relevant_fte_months,
        );
    }
    if months_differ(expected.required_fte_months, actual.required_fte_months) {
        differ(
            problems,
            "eligibility.requiredFteMonths",
            expected.required_fte_months,
            actual.required_fte_months,
        );
    }
    for fragment in &expected.reasons_contain {
        if !actual
            .reasons
            .iter()
            .any(|reason| reason.contains(fragment.as_str()))
        {
            differ(
                problems,
                "eligibility.reasons containing",
                fragment,
                &actual.reasons,
            );
        }
    }
}

fn check_coverage(
    p: &Programme,
    profile: &Profile,
    expected: &BTreeMap<DomainCode, ExpectedDomainCoverage>,
    problems: &mut Vec<String>,
) {
    let actual = coverage(p, profile);
    for (domain_code, expected_domain) in expected {
        let Some(domain) = actual.iter().find(|d| &d.domain_code == domain_code) else {
            problems.push(format!(
                "coverage.{domain_code}: no such domain in the programme"
            ));
            continue;
        };
        if let Some(months) = expected_domain.fte_months
            && months_differ(months, domain.fte_months)
        {
            differ(
                problems,
                &format!("coverage.{domain_code}.fteMonths"),
                months,
                domain.fte_months,
            );
        }
        for (code, status) in &expected_domain.competences {
            match domain
                .competences
                .iter()
                .find(|c| &c.competence_code == code)
            {
                Some(c) if c.status == *status => {}
                Some(c) => differ(
                    problems,
                    &format!("coverage.{domain_code}.{code}"),
                    status.as_str(),
                    c.status.as_str(),
                ),
                None => problems.push(format!(
                    "coverage.{domain_code}.{code}: no such competence in the domain"
                )),
            }
        }
    }
}

fn check_flags(p: &Programme, profile: &Profile, expected: &Expected, problems: &mut Vec<String>) {
    let report = exemptions(p, profile);
    let expected_ids: BTreeSet<&str> = expected.flags.iter().map(|f| f.rule_id.as_str()).collect();
    for flag in report
        .flags
        .iter()
        .filter(|f| !expected_ids.contains(f.rule_id.as_str()))
    {
        problems.push(format!(
            "flags: unexpected {} ({})",
            flag.rule_id, flag.status
        ));
    }
    for wanted in &expected.flags {
        let Some(flag) = report.flags.iter().find(|f| f.rule_id == wanted.rule_id) else {
            problems.push(format!(
                "flags: missing {} (expected {})",
                wanted.rule_id, wanted.status
            ));
            continue;
        };
        let at = |field: &str| format!("flags[{}].{field}", wanted.rule_id);
        if flag.status != wanted.status {
            differ(
                problems,
                &at("status"),
                wanted.status.as_str(),
                flag.status.as_str(),
            );
        }
        if let Some(missing) = &wanted.missing_evidence
            && missing != &flag.missing_evidence
        {
            differ(
                problems,
                &at("missingEvidence"),
                missing,
                &flag.missing_evidence,
            );
        }
        if let Some(min) = wanted.min_hours_reduced
            && min != flag.min_hours_reduced
        {
            differ(
                problems,
                &at("minHoursReduced"),
                min,
                flag.min_hours_reduced,
            );
        }
        if let Some(max) = wanted.max_hours_reduced
            && max != flag.max_hours_reduced
        {
            differ(
                problems,
                &at("maxHoursReduced"),
                max,
                flag.max_hours_reduced,
            );
        }
    }
    let Some(totals) = &expected.totals else {
        return;
    };
    let actual = &report.totals;
    let pairs = [
        (
            "totals.minHoursReduced",
            Some(totals.min_hours_reduced),
            actual.min_hours_reduced,
        ),
        (
            "totals.maxHoursReduced",
            Some(totals.max_hours_reduced),
            actual.max_hours_reduced,
        ),
        (
            "totals.justifiedMinHours",
            totals.justified_min_hours,
            actual.justified_min_hours,
        ),
        (
            "totals.justifiedMaxHours",
            totals.justified_max_hours,
            actual.justified_max_hours,
        ),
    ];
    for (what, wanted, got) in pairs {
        if let Some(wanted) = wanted
            && wanted != got
        {
            differ(problems, what, wanted, got);
        }
    }
    if let Some(codes) = &totals.dispensed_domain_codes
        && codes != &actual.dispensed_domain_codes
    {
        differ(
            problems,
            "totals.dispensedDomainCodes",
            codes,
            &actual.dispensed_domain_codes,
        );
    }
}

fn check_admission(
    p: &Programme,
    profile: &Profile,
    expected: &ExpectedAdmission,
    problems: &mut Vec<String>,
) {
    let actual = training_admission(p, profile);
    if actual.eligible != expected.eligible {
        differ(
            problems,
            "trainingAdmission.eligible",
            expected.eligible,
            actual.eligible,
        );
    }
    let met: BTreeSet<&str> = actual
        .routes
        .iter()
        .filter(|r| r.met)
        .map(|r| r.route_id.as_str())
        .collect();
    let wanted: BTreeSet<&str> = expected.met_routes.iter().map(String::as_str).collect();
    if met != wanted {
        let reasons: Vec<String> = actual
            .routes
            .iter()
            .map(|r| format!("{}: {}", r.route_id, r.reason))
            .collect();
        differ(problems, "trainingAdmission.metRoutes", &wanted, &met);
        problems.push(format!("  route reasons: {reasons:#?}"));
    }
}
