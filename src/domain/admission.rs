//! Admission to the training course (DEIS art. 2), which matters for the hybrid route: a partial
//! validation by VAE, then training with exemptions for the rest.

use serde::Serialize;

use super::experience::ExperienceKind;
use super::period::union_fte_months;
use super::profile::{Profile, ProfileQualification};
use super::programme::{AdmissionCondition, AdmissionRoute, Programme};
use super::rounding::{reaches, round_to_tenth};
use super::wording;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TrainingAdmission {
    /// At least one route is met.
    pub eligible: bool,
    pub routes: Vec<AdmissionRouteResult>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AdmissionRouteResult {
    pub route_id: String,
    pub description: String,
    pub legal_reference: String,
    pub met: bool,
    pub reason: String,
}

/// Every route of the programme, in programme order, with whether the profile meets it.
pub fn training_admission(p: &Programme, profile: &Profile) -> TrainingAdmission {
    let routes: Vec<_> = p
        .admission_routes
        .iter()
        .map(|route| route_result(route, profile))
        .collect();
    TrainingAdmission {
        eligible: routes.iter().any(|route| route.met),
        routes,
    }
}

fn route_result(route: &AdmissionRoute, profile: &Profile) -> AdmissionRouteResult {
    let (met, reason) = assess(&route.condition, profile);
    AdmissionRouteResult {
        route_id: route.id.clone(),
        description: route.description.clone(),
        legal_reference: route.legal_reference.clone(),
        met,
        reason,
    }
}

fn assess(condition: &AdmissionCondition, profile: &Profile) -> (bool, String) {
    let matching: Vec<&ProfileQualification> = profile
        .qualifications
        .iter()
        .filter(|q| qualifies(condition, q))
        .collect();
    if matching.is_empty() {
        return (
            false,
            format!(
                "Condition non remplie : vous n'avez déclaré aucun {}.",
                wanted_qualification(condition)
            ),
        );
    }
    let required = condition.min_experience_months;
    if required <= 0.0 {
        let held = matching
            .iter()
            .map(|q| q.code.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        return (
            true,
            format!("Condition remplie par {held} ; aucune expérience n'est exigée."),
        );
    }
    // The qualification with the most experience after it speaks for the route.
    let mut best: Option<(&ProfileQualification, f64)> = None;
    for qualification in matching {
        let months = months_for(condition, qualification, profile);
        if best.is_none_or(|(_, best_months)| months > best_months) {
            best = Some((qualification, months));
        }
    }
    let Some((qualification, months)) = best else {
        return (false, "Condition non remplie.".to_owned());
    };
    let met = reaches(months, required);
    (
        met,
        experience_reason(condition, qualification, months, required, met),
    )
}

/// Listed by code, or (when a minimum level is set) of that level or above.
fn qualifies(condition: &AdmissionCondition, qualification: &ProfileQualification) -> bool {
    condition.qualification_codes.contains(&qualification.code)
        || condition
            .min_level
            .zip(qualification.level)
            .is_some_and(|(min, level)| level >= min)
}

/// FTE months of non-internship experience, after the qualification when the route says so.
///
/// Without a date for the qualification, experience "after it" cannot be placed, so none counts.
fn months_for(
    condition: &AdmissionCondition,
    qualification: &ProfileQualification,
    profile: &Profile,
) -> f64 {
    let after = if condition.experience_after_qualification {
        match qualification.obtained_on.and_then(|date| date.succ_opt()) {
            Some(day_after) => Some(day_after),
            None => return 0.0,
        }
    } else {
        None
    };
    let periods: Vec<_> = profile
        .experiences
        .iter()
        .filter(|experience| experience.kind != ExperienceKind::Internship)
        .filter_map(|experience| {
            let period = match after {
                Some(first_day) => experience.period.from_day(first_day)?,
                None => experience.period,
            };
            Some((period, experience.working_time))
        })
        .collect();
    union_fte_months(&periods, profile.application_date)
}

fn wanted_qualification(condition: &AdmissionCondition) -> String {
    let codes: Vec<&str> = condition
        .qualification_codes
        .iter()
        .map(|c| c.as_str())
        .collect();
    match (codes.is_empty(), condition.min_level) {
        (false, Some(level)) => format!(
            "diplôme ou titre parmi {}, ni aucun de niveau {level} ou plus",
            codes.join(", ")
        ),
        (false, None) => format!("diplôme ou titre parmi {}", codes.join(", ")),
        (true, Some(level)) => format!("diplôme ou titre de niveau {level} ou plus"),
        (true, None) => "diplôme ou titre accepté par cette voie".to_owned(),
    }
}

fn experience_reason(
    condition: &AdmissionCondition,
    qualification: &ProfileQualification,
    months: f64,
    required: f64,
    met: bool,
) -> String {
    let code = &qualification.code;
    let counted = wording::months(round_to_tenth(months));
    let required = wording::months(required);
    let scope = match (
        condition.experience_after_qualification,
        qualification.obtained_on,
    ) {
        (true, Some(date)) => format!(
            "acquise après l'obtention de {code} (le {})",
            wording::date(date)
        ),
        (true, None) => {
            return format!(
                "Condition non remplie : la date d'obtention de {code} n'est pas renseignée, donc les {required} mois d'expérience exigés après son obtention ne peuvent pas être comptés."
            );
        }
        (false, _) => format!("acquise à toute date, en plus de {code}"),
    };
    let verdict = if met {
        "Condition remplie"
    } else {
        "Condition non remplie"
    };
    format!(
        "{verdict} : on compte {counted} mois d'expérience en équivalent temps plein (hors stages) {scope}, pour {required} mois requis."
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::test_support::*;

    fn met_routes(admission: &TrainingAdmission) -> Vec<&str> {
        admission
            .routes
            .iter()
            .filter(|r| r.met)
            .map(|r| r.route_id.as_str())
            .collect()
    }

    #[test]
    fn every_route_is_reported_in_programme_order() {
        let admission = training_admission(&deis(), &profile_on("2025-01-01"));
        let ids: Vec<_> = admission
            .routes
            .iter()
            .map(|r| r.route_id.as_str())
            .collect();
        assert_eq!(
            ids,
            [
                "deis.art2.1",
                "deis.art2.2",
                "deis.art2.3",
                "deis.art2.4",
                "deis.art2.5",
                "deis.art2.6"
            ]
        );
        assert!(!admission.eligible);
        assert!(
            admission.routes[0]
                .reason
                .starts_with("Condition non remplie"),
            "{}",
            admission.routes[0].reason
        );
    }

    #[test]
    fn a_caferuis_holder_is_admitted_without_experience() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "CAFERUIS", Some(6), Some("2015-06-30")));
        let admission = training_admission(&deis(), &profile);
        assert!(admission.eligible);
        assert_eq!(met_routes(&admission), ["deis.art2.1"]);
    }

    #[test]
    fn a_level_seven_certification_meets_route_two_by_level() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "MASTER_2_SOCIO", Some(7), None));
        assert_eq!(
            met_routes(&training_admission(&deis(), &profile)),
            ["deis.art2.2"]
        );
    }

    #[test]
    fn experience_before_the_diploma_does_not_count() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "DEES", Some(6), Some("2020-06-30")));
        profile
            .experiences
            .push(experience("e1", "2015-01-01", Some("2020-06-30"), &[]));
        let admission = training_admission(&deis(), &profile);
        assert!(!admission.eligible);
        assert!(
            admission.routes[2].reason.contains("on compte 0,0 mois"),
            "{}",
            admission.routes[2].reason
        );
    }

    #[test]
    fn internships_do_not_count_for_admission() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "DEES", Some(6), Some("2015-06-30")));
        let mut internship = experience("e1", "2016-01-01", Some("2020-12-31"), &[]);
        internship.kind = ExperienceKind::Internship;
        profile.experiences.push(internship);
        assert!(!training_admission(&deis(), &profile).eligible);
    }

    #[test]
    fn a_diploma_without_a_date_cannot_anchor_experience_after_it() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "DEASS", None, None));
        profile
            .experiences
            .push(experience("e1", "2015-01-01", Some("2020-12-31"), &[]));
        let admission = training_admission(&deis(), &profile);
        assert!(!admission.routes[2].met);
        assert!(
            admission.routes[2].reason.contains("n'est pas renseignée"),
            "{}",
            admission.routes[2].reason
        );
    }

    #[test]
    fn corps_membership_needs_three_years_of_experience_at_any_time() {
        let mut profile = profile_on("2025-01-01");
        profile
            .qualifications
            .push(qualification("q1", "CORPS_PJJ", None, Some("2022-09-01")));
        profile
            .experiences
            .push(experience("e1", "2018-01-01", Some("2021-12-31"), &[]));
        assert_eq!(
            met_routes(&training_admission(&deis(), &profile)),
            ["deis.art2.6"]
        );
    }
}
