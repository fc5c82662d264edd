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
use super::wording::{self, join_with_et, quoted};

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
                "Non recevable : selon France compétences, la certification {} n'est pas ouverte à la VAE (sa fiche RNCP n'indique aucun jury VAE actif).",
                quoted(&p.title)
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
                "Non recevable : aucun régime de VAE de la certification {} n'est défini pour une demande déposée le {}.",
                quoted(&p.title),
                wording::date(date)
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
        failures
            .push("aucune expérience en rapport direct avec le diplôme n'a été trouvée".to_owned());
    }
    if !reaches(months, required) {
        failures.push(format!(
            "durée comptée de {} mois, inférieure aux {} mois requis",
            wording::months(months),
            wording::months(required)
        ));
    }
    if !missing_functions.is_empty() {
        failures.push(format!(
            "aucune activité démontrée dans {} {}",
            if missing_functions.len() == 1 {
                "la fonction"
            } else {
                "les fonctions"
            },
            quoted_list(&missing_functions)
        ));
    }
    let admissible = failures.is_empty();

    let mut reasons = vec![verdict(regime, &failures), regime_sentence(regime, date)];
    reasons.push(months_sentence(months, required));
    if regime.require_all_functions {
        reasons.push(functions_sentence(p, &missing_functions));
        reasons.push(
            "Le critère des fonctions est déduit des compétences que vous avez revendiquées : chaque compétence du référentiel est rattachée aux fonctions professionnelles qu'elle démontre, et ce rattachement est notre lecture du référentiel, non le texte officiel."
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
            "Pour montrer qu'une expérience est en rapport direct avec le diplôme, revendiquez pour elle au moins une compétence du référentiel.".to_owned(),
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
        format!("Recevable au titre du régime {}.", regime.id)
    } else {
        format!(
            "Non recevable au titre du régime {} : {}.",
            regime.id,
            failures.join(" ; ")
        )
    }
}

fn regime_sentence(regime: &EligibilityRegime, date: NaiveDate) -> String {
    let span = match (regime.from, regime.until) {
        (Some(from), Some(until)) => format!(
            "demandes déposées du {} au {}",
            wording::date(from),
            wording::date(until)
        ),
        (Some(from), None) => format!("demandes déposées à partir du {}", wording::date(from)),
        (None, Some(until)) => format!("demandes déposées jusqu'au {}", wording::date(until)),
        (None, None) => "toutes les demandes".to_owned(),
    };
    format!(
        "Votre demande, datée du {}, relève du régime {} ({span}), qui demande {} Base légale : {}.",
        wording::date(date),
        regime.id,
        regime.summary,
        regime.legal_reference
    )
}

fn months_sentence(months: f64, required: f64) -> String {
    if required > 0.0 {
        format!(
            "On compte {} mois d'expérience en équivalent temps plein en rapport avec le diplôme, pour {} mois requis ; les périodes qui se chevauchent ne comptent qu'une fois et celles en cours s'arrêtent à la date de la demande.",
            wording::months(months),
            wording::months(required)
        )
    } else {
        format!(
            "Aucune durée minimale n'est exigée ; on compte {} mois d'expérience en équivalent temps plein en rapport avec le diplôme.",
            wording::months(months)
        )
    }
}

fn functions_sentence(p: &Programme, missing: &[String]) -> String {
    if missing.is_empty() {
        let all: Vec<String> = p.functions.iter().map(|f| f.title.clone()).collect();
        format!(
            "Vos expériences comptées montrent au moins une activité dans chaque fonction professionnelle : {}.",
            quoted_list(&all)
        )
    } else {
        format!(
            "Ce régime exige au moins une activité dans chacune des {} fonctions professionnelles ; {} : {}.",
            p.functions.len(),
            if missing.len() == 1 {
                "fonction manquante"
            } else {
                "fonctions manquantes"
            },
            quoted_list(missing)
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
                "L'expérience {} ({}) n'a pas été comptée, car le régime {} ne retient que les natures d'expérience suivantes : {}.",
                quoted(label),
                experience.kind.label(),
                regime.id,
                join_with_et(&kinds)
            )
        }
        Exclusion::StartsAfterApplication => format!(
            "L'expérience {} commence après la date de la demande et n'a pas été comptée.",
            quoted(label)
        ),
        Exclusion::NotRelated => format!(
            "L'expérience {} n'a pas été comptée : vous n'y avez revendiqué aucune compétence du diplôme, donc rien ne montre qu'elle est en rapport direct avec lui.",
            quoted(label)
        ),
    }
}

/// « a », « b » et « c ».
fn quoted_list(titles: &[String]) -> String {
    let quoted: Vec<String> = titles.iter().map(|t| quoted(t)).collect();
    let refs: Vec<&str> = quoted.iter().map(String::as_str).collect();
    join_with_et(&refs)
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
            result.reasons[0].starts_with("Non recevable"),
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
                .any(|r| r.contains("fonction manquante : « Évaluation »")),
            "{:?}",
            result.reasons
        );
        assert!(
            result
                .reasons
                .iter()
                .any(|r| r.contains("déduit des compétences"))
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
                .any(|r| r.contains("L'expérience « stage » (stage) n'a pas été comptée")),
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
                .any(|r| r.contains("vous n'y avez revendiqué aucune compétence"))
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
        assert!(!result.reasons.iter().any(|r| r.contains("déduit")));
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
            result
                .reasons
                .iter()
                .any(|r| r.starts_with("On compte 5,9 mois")),
            "{:?}",
            result.reasons
        );
        assert!(
            result.reasons[0]
                .contains("durée comptée de 5,9 mois, inférieure aux 12,0 mois requis")
        );
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
                .any(|r| r.contains("« late » commence après la date de la demande"))
        );
    }
}
