//! VAE admissibility (recevabilité): does the candidate have enough experience related to the
//! diploma under the regime in force on the application date?
//!
//! Regimes are data in the programme (for the DEIS: 2006, 2017, 2024; facts §1.3 and §5.1). The
//! answer carries plain sentences so a candidate can see why, not only whether.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use serde::Serialize;

use super::period::union_fte_months;
use super::profile::{Profile, ProfileExperience};
use super::programme::{EligibilityRegime, Programme};
use super::rounding::{reaches, round_to_tenth};

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Eligibility {
    pub regime_id: String,
    pub admissible: bool,
    /// FTE months counted, rounded to one decimal as shown to the candidate.
    pub relevant_fte_months: f64,
    pub required_fte_months: f64,
    /// Why, in sentences; the first one is the verdict.
    pub reasons: Vec<String>,
    /// True when the verdict rests on a reading of the rules a person should confirm.
    pub needs_review: bool,
    /// What that person should confirm, in words a candidate understands.
    pub review_notes: Vec<String>,
}

/// Applies the regime in force on the profile's application date.
pub fn eligibility(p: &Programme, profile: &Profile) -> Eligibility {
    let date = profile.application_date;
    if p.rncp.as_ref().and_then(|r| r.vae_open) == Some(false) {
        return Eligibility {
            regime_id: String::new(),
            admissible: false,
            relevant_fte_months: 0.0,
            required_fte_months: 0.0,
            reasons: vec![format!(
                "Not admissible: France compétences lists the {} as not open to VAE (its RNCP fiche has no active VAE jury).",
                p.title
            )],
            needs_review: false,
            review_notes: Vec::new(),
        };
    }
    match p.regime_on(date) {
        Some(regime) => assess(p, regime, profile),
        None => Eligibility {
            regime_id: String::new(),
            admissible: false,
            relevant_fte_months: 0.0,
            required_fte_months: 0.0,
            reasons: vec![format!(
                "Not admissible: no VAE regime of the {} is defined for an application made on {date}.",
                p.title
            )],
            needs_review: false,
            review_notes: Vec::new(),
        },
    }
}

/// Why an experience was left out of the count.
enum Exclusion {
    Kind,
    StartsAfterApplication,
    NotRelated,
}

fn assess(p: &Programme, regime: &EligibilityRegime, profile: &Profile) -> Eligibility {
    let date = profile.application_date;
    let mut counted: Vec<&ProfileExperience> = Vec::new();
    let mut excluded: Vec<(&ProfileExperience, Exclusion)> = Vec::new();
    for experience in &profile.experiences {
        match exclusion(p, regime, experience, date) {
            Some(why) => excluded.push((experience, why)),
            None => counted.push(experience),
        }
    }

    let periods: Vec<_> = counted.iter().map(|e| (e.period, e.working_time)).collect();
    let months = round_to_tenth(union_fte_months(&periods, date));
    let required = regime.required_fte_months;
    let missing_functions = if regime.require_all_functions {
        missing_function_titles(p, &counted)
    } else {
        Vec::new()
    };

    let mut failures = Vec::new();
    if counted.is_empty() {
        failures.push("no experience directly related to the diploma was found".to_owned());
    }
    if !reaches(months, required) {
        failures.push(format!(
            "{months:.1} months counted is less than the {required:.1} required"
        ));
    }
    if !missing_functions.is_empty() {
        let titles: Vec<&str> = missing_functions.iter().map(String::as_str).collect();
        failures.push(format!("no activity shown in {}", join_with_and(&titles)));
    }
    let admissible = failures.is_empty();

    let mut reasons = vec![verdict(regime, &failures), regime_sentence(regime, date)];
    reasons.push(months_sentence(months, required));
    if regime.require_all_functions {
        reasons.push(functions_sentence(p, &missing_functions));
        reasons.push(
            "The function test is inferred from the competences you claimed: each competence of the referential is linked to the professional functions it shows, and that link is our reading of the referential, not part of the official text."
                .to_owned(),
        );
    }
    reasons.extend(
        excluded
            .iter()
            .map(|(experience, why)| exclusion_sentence(regime, experience, why)),
    );
    if counted.is_empty() {
        reasons.push(
            "To show that an experience is directly related to the diploma, claim on it at least one competence of the referential.".to_owned(),
        );
    }

    Eligibility {
        regime_id: regime.id.clone(),
        admissible,
        relevant_fte_months: months,
        required_fte_months: required,
        reasons,
        needs_review: regime.review_note.is_some(),
        review_notes: regime.review_note.iter().cloned().collect(),
    }
}

fn exclusion(
    p: &Programme,
    regime: &EligibilityRegime,
    experience: &ProfileExperience,
    date: NaiveDate,
) -> Option<Exclusion> {
    if !regime.counted_kinds.contains(&experience.kind) {
        Some(Exclusion::Kind)
    } else if experience.period.start() > date {
        Some(Exclusion::StartsAfterApplication)
    } else if regime.require_claim && !claims_any_competence(p, experience) {
        Some(Exclusion::NotRelated)
    } else {
        None
    }
}

/// An experience is "related to the diploma" when it claims a competence of the programme.
fn claims_any_competence(p: &Programme, experience: &ProfileExperience) -> bool {
    experience
        .claims
        .iter()
        .any(|code| p.competence(code).is_some())
}

/// Titles of the programme's functions that no counted experience shows, in programme order.
fn missing_function_titles(p: &Programme, counted: &[&ProfileExperience]) -> Vec<String> {
    let shown: BTreeSet<&str> = counted
        .iter()
        .flat_map(|experience| experience.claims.iter())
        .filter_map(|code| p.competence(code))
        .flat_map(|competence| competence.functions.iter().map(String::as_str))
        .collect();
    p.functions
        .iter()
        .filter(|function| !shown.contains(function.code.as_str()))
        .map(|function| function.title.clone())
        .collect()
}

fn verdict(regime: &EligibilityRegime, failures: &[String]) -> String {
    if failures.is_empty() {
        format!("Admissible under the {} regime.", regime.id)
    } else {
        format!(
            "Not admissible under the {} regime: {}.",
            regime.id,
            failures.join("; ")
        )
    }
}

fn regime_sentence(regime: &EligibilityRegime, date: NaiveDate) -> String {
    let span = match (regime.from, regime.until) {
        (Some(from), Some(until)) => format!("applications from {from} to {until}"),
        (Some(from), None) => format!("applications from {from}"),
        (None, Some(until)) => format!("applications until {until}"),
        (None, None) => "every application".to_owned(),
    };
    format!(
        "Your application date, {date}, falls under the {} regime ({span}), which asks for {} Legal basis: {}.",
        regime.id, regime.summary, regime.legal_reference
    )
}

fn months_sentence(months: f64, required: f64) -> String {
    if required > 0.0 {
        format!(
            "{months:.1} months of full-time-equivalent experience related to the diploma were counted, for {required:.1} required; overlapping periods count once and ongoing ones stop at the application date."
        )
    } else {
        format!(
            "No minimum duration is required; {months:.1} months of full-time-equivalent experience related to the diploma were counted."
        )
    }
}

fn functions_sentence(p: &Programme, missing: &[String]) -> String {
    if missing.is_empty() {
        let all: Vec<&str> = p.functions.iter().map(|f| f.title.as_str()).collect();
        format!(
            "Your counted experiences show at least one activity in each professional function: {}.",
            all.join(", ")
        )
    } else {
        format!(
            "This regime requires at least one activity in each of the {} professional functions; missing: {}.",
            p.functions.len(),
            missing.join(", ")
        )
    }
}

fn exclusion_sentence(
    regime: &EligibilityRegime,
    experience: &ProfileExperience,
    why: &Exclusion,
) -> String {
    let label = &experience.label;
    match why {
        Exclusion::Kind => {
            let kinds: Vec<&str> = regime
                .counted_kinds
                .iter()
                .map(|kind| kind.label())
                .collect();
            format!(
                "Experience \"{label}\" ({}) was not counted: the {} regime counts only {}.",
                experience.kind.label(),
                regime.id,
                join_with_and(&kinds)
            )
        }
        Exclusion::StartsAfterApplication => {
            format!("Experience \"{label}\" starts after the application date and was not counted.")
        }
        Exclusion::NotRelated => format!(
            "Experience \"{label}\" was not counted: it claims no competence of the diploma, so nothing shows it is directly related to it."
        ),
    }
}

/// "a, b and c", for lists read by people.
fn join_with_and(items: &[&str]) -> String {
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => (*last).to_owned(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::experience::ExperienceKind;
    use crate::domain::test_support::*;

    const ALL_FUNCTIONS: &[&str] = &["DC1.1", "DC2.2", "DC2.3"];

    #[test]
    fn the_regime_follows_the_application_date() {
        let p = deis();
        for (date, regime) in [
            ("2010-05-01", "2006"),
            ("2017-09-30", "2006"),
            ("2017-10-01", "2017"),
            ("2023-12-31", "2017"),
            ("2024-01-01", "2024"),
        ] {
            assert_eq!(
                eligibility(&p, &profile_on(date)).regime_id,
                regime,
                "{date}"
            );
        }
    }

    #[test]
    fn an_empty_profile_is_not_admissible_even_without_a_minimum_duration() {
        let result = eligibility(&deis(), &profile_on("2025-01-01"));
        assert!(!result.admissible);
        assert!(
            result.reasons[0].starts_with("Not admissible"),
            "{:?}",
            result.reasons
        );
    }

    #[test]
    fn three_years_showing_all_functions_are_admissible_in_2006() {
        let mut profile = profile_on("2016-01-01");
        profile.experiences.push(experience(
            "e1",
            "2012-01-01",
            Some("2014-12-31"),
            ALL_FUNCTIONS,
        ));
        let result = eligibility(&deis(), &profile);
        assert!(result.admissible, "{:?}", result.reasons);
        assert!((result.relevant_fte_months - 36.0).abs() < 0.05);
        assert_eq!(result.required_fte_months, 36.0);
    }

    #[test]
    fn a_missing_function_is_named_by_its_title() {
        let mut profile = profile_on("2016-01-01");
        profile.experiences.push(experience(
            "e1",
            "2010-01-01",
            Some("2014-12-31"),
            &["DC1.1", "DC2.2"],
        ));
        let result = eligibility(&deis(), &profile);
        assert!(!result.admissible);
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("missing: Évaluation")),
            "{:?}",
            result.reasons
        );
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("inferred from the competences"))
        );
    }

    #[test]
    fn an_internship_is_not_counted_in_2006_and_the_reason_says_so() {
        let mut profile = profile_on("2016-01-01");
        let mut internship = experience("stage", "2010-01-01", Some("2014-12-31"), ALL_FUNCTIONS);
        internship.kind = ExperienceKind::Internship;
        profile.experiences.push(internship);
        let result = eligibility(&deis(), &profile);
        assert!(!result.admissible);
        assert_eq!(result.relevant_fte_months, 0.0);
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("Experience \"stage\" (internship) was not counted")),
            "{:?}",
            result.reasons
        );
    }

    #[test]
    fn an_experience_without_claims_is_not_related_to_the_diploma() {
        let mut profile = profile_on("2020-01-01");
        profile
            .experiences
            .push(experience("e1", "2015-01-01", Some("2018-12-31"), &[]));
        let result = eligibility(&deis(), &profile);
        assert!(!result.admissible);
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("claims no competence"))
        );
    }

    #[test]
    fn the_2024_regime_needs_one_claimed_competence_and_no_function_test() {
        let mut profile = profile_on("2024-06-01");
        profile.experiences.push(experience(
            "e1",
            "2024-05-01",
            Some("2024-05-10"),
            &["DC3.4"],
        ));
        let result = eligibility(&deis(), &profile);
        assert!(result.admissible, "{:?}", result.reasons);
        assert!(!result.reasons.iter().any(|r| r.contains("inferred")));
    }

    #[test]
    fn months_are_reported_with_one_decimal_in_the_reasons() {
        let mut profile = profile_on("2020-01-01");
        profile.experiences.push(experience(
            "e1",
            "2018-01-01",
            Some("2018-06-30"),
            ALL_FUNCTIONS,
        ));
        let result = eligibility(&deis(), &profile);
        assert!(
            result.reasons.iter().any(|r| r.starts_with("5.9 months")),
            "{:?}",
            result.reasons
        );
        assert!(result.reasons[0].contains("5.9 months counted is less than the 12.0 required"));
    }

    #[test]
    fn an_experience_starting_after_the_application_date_is_not_counted() {
        let mut profile = profile_on("2024-06-01");
        profile
            .experiences
            .push(experience("late", "2024-07-01", None, &["DC1.1"]));
        let result = eligibility(&deis(), &profile);
        assert!(!result.admissible);
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("\"late\" starts after the application date"))
        );
    }
}
