//! The exemption engine: which dispenses and allègements the declared profile may justify.
//!
//! A pure function of the programme's rules (data) and the profile. A flag exists when a rule's
//! condition is met by what the candidate declared; its status then says whether the proof is
//! there (JUSTIFIED), missing (UNPROVEN), or whether a person must decide (NEEDS_REVIEW).

use serde::Serialize;

use super::closed_enum::closed_enum;
use super::codes::{DomainCode, QualificationCode};
use super::experience::ExperienceKind;
use super::period::{Period, WorkingTime, union_fte_months};
use super::profile::{Profile, ProfileExperience, ProfilePriorValidation, ProfileQualification};
use super::programme::{
    ExemptionKind, ExemptionRule, Programme, QualificationVersion, RuleCondition,
};
use super::rounding::{reaches, round_to_tenth};
use super::wording::{self, join_with_et, join_with_ou, quoted};

pub use super::exemption_totals::ExemptionTotals;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionReport {
    /// Sorted by domain (programme order), then rule id.
    pub flags: Vec<ExemptionFlag>,
    pub totals: ExemptionTotals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionFlag {
    pub rule_id: String,
    pub status: ExemptionStatus,
    pub explanation: String,
    /// Documents still to provide, named as the rule names them.
    pub missing_evidence: Vec<String>,
    pub min_hours_reduced: u32,
    pub max_hours_reduced: u32,
}

closed_enum! {
    ExemptionStatus ("exemption status") {
        /// The condition is met and the required document is linked.
        Justified => "JUSTIFIED",
        /// The condition is met on the candidate's word; the document is missing.
        Unproven => "UNPROVEN",
        /// A person must decide: the rule is discretionary or the texts conflict.
        NeedsReview => "NEEDS_REVIEW",
    }
}

/// Every flag the profile raises, with the hours they may remove.
pub fn exemptions(p: &Programme, profile: &Profile) -> ExemptionReport {
    let mut raised: Vec<(usize, &ExemptionRule, ExemptionFlag)> = p
        .exemption_rules
        .iter()
        .filter_map(|rule| {
            let flag = flag_for(p, rule, profile)?;
            let domain_index = p
                .domains
                .iter()
                .position(|d| d.code == rule.domain_code)
                .unwrap_or(usize::MAX);
            Some((domain_index, rule, flag))
        })
        .collect();
    raised.sort_by(|(a_domain, a_rule, _), (b_domain, b_rule, _)| {
        a_domain
            .cmp(b_domain)
            .then_with(|| a_rule.id.cmp(&b_rule.id))
    });
    let with_rules: Vec<(&ExemptionRule, &ExemptionFlag)> =
        raised.iter().map(|(_, rule, flag)| (*rule, flag)).collect();
    let totals = ExemptionTotals::compute(p, &with_rules);
    ExemptionReport {
        flags: raised.into_iter().map(|(_, _, flag)| flag).collect(),
        totals,
    }
}

/// What in the profile meets a rule's condition.
struct Match {
    /// Codes (qualifications) or domain codes (prior validations), for the explanation.
    held: Vec<String>,
    proven: bool,
    proof_sentence: &'static str,
    /// Why a person must decide although the rule itself is automatic (the version of a
    /// qualification is not known).
    review: Option<String>,
}

/// The qualification part of a condition.
struct QualificationTest<'a> {
    codes: &'a [QualificationCode],
    min_level: Option<u8>,
    except_codes: &'a [QualificationCode],
    versions: &'a [QualificationVersion],
}

/// Whether a qualification is in one of the versions a rule names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum VersionFit {
    Fits,
    /// Neither a declared version nor a date tells which version it is.
    Unknown,
    Other,
}

impl QualificationTest<'_> {
    fn fit(&self, q: &ProfileQualification) -> Option<VersionFit> {
        if !qualification_meets(q, self.codes, self.min_level, self.except_codes) {
            return None;
        }
        if self.versions.is_empty() {
            return Some(VersionFit::Fits);
        }
        let fit = match (&q.version, q.obtained_on) {
            (Some(declared), _) => {
                if self
                    .versions
                    .iter()
                    .any(|v| v.version.eq_ignore_ascii_case(declared.trim()))
                {
                    VersionFit::Fits
                } else {
                    VersionFit::Other
                }
            }
            (None, Some(day)) if self.versions.iter().any(|v| v.covers(day)) => VersionFit::Fits,
            (None, Some(day))
                if self
                    .versions
                    .iter()
                    .all(|v| v.obtained_from.is_some() || v.obtained_until.is_some())
                    && !self.versions.iter().any(|v| v.covers(day)) =>
            {
                VersionFit::Other
            }
            _ => VersionFit::Unknown,
        };
        (fit != VersionFit::Other).then_some(fit)
    }

    /// The qualifications meeting the test, and whether one of them has an unknown version.
    fn matching<'p>(&self, profile: &'p Profile) -> (Vec<&'p ProfileQualification>, bool) {
        let mut found = Vec::new();
        let mut fits = false;
        let mut unknown = false;
        for q in &profile.qualifications {
            match self.fit(q) {
                Some(VersionFit::Fits) => {
                    fits = true;
                    found.push(q);
                }
                Some(VersionFit::Unknown) => {
                    unknown = true;
                    found.push(q);
                }
                _ => {}
            }
        }
        (found, unknown && !fits)
    }

    fn version_review(&self, matching: &[&ProfileQualification]) -> String {
        let versions: Vec<&str> = self.versions.iter().map(|v| v.version.as_str()).collect();
        format!(
            "cette règle ne s'applique qu'au {} de {}, et la version que vous détenez n'est pas connue : indiquez-la, ou la date à laquelle vous avez obtenu ce diplôme.",
            matching
                .first()
                .map_or_else(String::new, |q| q.code.to_string()),
            join_with_ou(&versions)
        )
    }
}

fn flag_for(p: &Programme, rule: &ExemptionRule, profile: &Profile) -> Option<ExemptionFlag> {
    let found = match &rule.condition {
        RuleCondition::Qualification {
            codes,
            min_level,
            except_codes,
            versions,
        } => {
            let test = QualificationTest {
                codes,
                min_level: *min_level,
                except_codes,
                versions,
            };
            let (matching, version_unknown) = test.matching(profile);
            let mut found = qualification_match(rule, profile, &matching)?;
            if version_unknown {
                found.review = Some(test.version_review(&matching));
            }
            found
        }
        RuleCondition::QualificationAndExperience {
            codes,
            min_level,
            except_codes,
            versions,
            min_fte_months,
            experience_kinds,
            after_qualification,
            currently_employed,
        } => {
            let test = QualificationTest {
                codes,
                min_level: *min_level,
                except_codes,
                versions,
            };
            let (matching, version_unknown) = test.matching(profile);
            let requirement = ExperienceRequirement {
                min_fte_months: *min_fte_months,
                kinds: experience_kinds,
                after_qualification: *after_qualification,
                currently_employed: *currently_employed,
            };
            let mut found =
                qualification_and_experience_match(p, rule, profile, &matching, &requirement)?;
            if version_unknown {
                found.review = Some(test.version_review(&matching));
            }
            found
        }
        RuleCondition::PriorValidation {
            domain_code,
            programme_code,
        } => {
            let programme = programme_code.as_ref().unwrap_or(&p.code);
            let matching: Vec<&ProfilePriorValidation> = profile
                .prior_validations
                .iter()
                .filter(|v| {
                    if &v.programme_code != programme {
                        return false;
                    }
                    if programme == &p.code {
                        // Validated under another version: through its transition table.
                        p.carried_over(v.programme_version.as_deref(), &v.domain_code)
                            .contains(domain_code)
                    } else {
                        &v.domain_code == domain_code
                    }
                })
                .collect();
            let mut found = prior_validation_match(rule, profile, &matching)?;
            if programme != &p.code {
                found.held = matching
                    .iter()
                    .map(|v| {
                        format!(
                            "{} de {} validé le {}",
                            v.domain_code,
                            v.programme_code,
                            wording::date(v.validated_on)
                        )
                    })
                    .collect();
            }
            found
        }
    };
    let needs_review = rule.discretionary || rule.review_reason.is_some() || found.review.is_some();
    let status = match (needs_review, found.proven) {
        (true, _) => ExemptionStatus::NeedsReview,
        (false, true) => ExemptionStatus::Justified,
        (false, false) => ExemptionStatus::Unproven,
    };
    let missing_evidence = if found.proven {
        Vec::new()
    } else {
        vec![rule.evidence.description.clone()]
    };
    Some(ExemptionFlag {
        rule_id: rule.id.clone(),
        status,
        explanation: explanation(p, rule, &found),
        missing_evidence,
        min_hours_reduced: rule.min_hours_reduced,
        max_hours_reduced: rule.max_hours_reduced,
    })
}

/// A listed code, or a level at least `min_level` for a code not handled by its own rules.
fn qualification_meets(
    qualification: &ProfileQualification,
    codes: &[QualificationCode],
    min_level: Option<u8>,
    except_codes: &[QualificationCode],
) -> bool {
    codes.contains(&qualification.code)
        || (min_level
            .zip(qualification.level)
            .is_some_and(|(min, level)| level >= min)
            && !except_codes.contains(&qualification.code))
}

fn qualification_match(
    rule: &ExemptionRule,
    profile: &Profile,
    matching: &[&ProfileQualification],
) -> Option<Match> {
    if matching.is_empty() {
        return None;
    }
    let proven = matching.iter().any(|q| {
        profile
            .evidence
            .iter()
            .any(|e| e.proves_qualification(&rule.evidence.kinds, &q.id))
    });
    Some(Match {
        held: matching.iter().map(|q| q.code.to_string()).collect(),
        proven,
        proof_sentence: "Le document requis est déposé comme preuve du diplôme.",
        review: None,
    })
}

struct ExperienceRequirement<'a> {
    min_fte_months: f64,
    kinds: &'a [ExperienceKind],
    after_qualification: bool,
    currently_employed: bool,
}

/// A qualification met together with enough related experience; the qualification with the
/// most experience (after it, when that is asked) speaks for the rule.
fn qualification_and_experience_match(
    p: &Programme,
    rule: &ExemptionRule,
    profile: &Profile,
    matching: &[&ProfileQualification],
    requirement: &ExperienceRequirement,
) -> Option<Match> {
    let related: Vec<&ProfileExperience> = profile
        .experiences
        .iter()
        .filter(|e| requirement.kinds.contains(&e.kind))
        .filter(|e| e.claims.iter().any(|code| p.competence(code).is_some()))
        .collect();
    let until = profile.application_date;
    let ongoing = |e: &&ProfileExperience| e.period.end().is_none_or(|end| end >= until);
    let mut best: Option<(&ProfileQualification, f64, Vec<&ProfileExperience>)> = None;
    for q in matching {
        let counted: Vec<(&ProfileExperience, Period)> = related
            .iter()
            .filter_map(|e| match (requirement.after_qualification, q.obtained_on) {
                (true, Some(day)) => e.period.from_day(day).map(|period| (*e, period)),
                // Unknown date: nothing is known to come after it.
                (true, None) => None,
                (false, _) => Some((*e, e.period)),
            })
            .collect();
        let periods: Vec<(Period, WorkingTime)> = counted
            .iter()
            .map(|(e, period)| (*period, e.working_time))
            .collect();
        let months = union_fte_months(&periods, until);
        if best.as_ref().is_none_or(|(_, m, _)| months > *m) {
            best = Some((*q, months, counted.into_iter().map(|(e, _)| e).collect()));
        }
    }
    let (qualification, months, experiences) = best?;
    if !reaches(months, requirement.min_fte_months) {
        return None;
    }
    if requirement.currently_employed && !experiences.iter().any(ongoing) {
        return None;
    }
    let diploma_proven = profile
        .evidence
        .iter()
        .any(|e| e.proves_qualification(&rule.evidence.kinds, &qualification.id));
    let experience_proven = rule.evidence.experience_kinds.is_empty()
        || experiences.iter().any(|experience| {
            profile
                .evidence
                .iter()
                .any(|e| e.proves_experience(&rule.evidence.experience_kinds, &experience.id))
        });
    let mut held = vec![qualification.code.to_string()];
    held.push(format!(
        "{} mois d'expérience en rapport avec la certification visée{}",
        wording::months(round_to_tenth(months)),
        if requirement.currently_employed {
            ", toujours en cours"
        } else {
            ""
        }
    ));
    Some(Match {
        held,
        proven: diploma_proven && experience_proven,
        proof_sentence: "Les documents requis sont déposés comme preuves du diplôme et de l'expérience.",
        review: None,
    })
}

fn prior_validation_match(
    rule: &ExemptionRule,
    profile: &Profile,
    matching: &[&ProfilePriorValidation],
) -> Option<Match> {
    if matching.is_empty() {
        return None;
    }
    let verified = matching.iter().any(|v| v.verified);
    let documented = matching.iter().any(|v| {
        profile
            .evidence
            .iter()
            .any(|e| e.proves_prior_validation(&rule.evidence.kinds, &v.id))
    });
    Some(Match {
        held: matching
            .iter()
            .map(|v| {
                format!(
                    "{} validé le {}",
                    v.domain_code,
                    wording::date(v.validated_on)
                )
            })
            .collect(),
        proven: verified || documented,
        proof_sentence: if verified {
            "La validation a été enregistrée par une décision de jury dans Acquis."
        } else {
            "Le relevé de décisions du jury est déposé comme preuve de ce domaine déjà validé."
        },
        review: None,
    })
}

fn explanation(p: &Programme, rule: &ExemptionRule, found: &Match) -> String {
    let held: Vec<&str> = found.held.iter().map(String::as_str).collect();
    let mut sentences = vec![
        format!(
            "Vous avez déclaré : {}. {}",
            join_with_et(&held),
            rule.condition_text
        ),
        format!(
            "Effet : {}. Base légale : {}.",
            effect(p, rule),
            rule.legal_reference
        ),
    ];
    if found.proven {
        sentences.push(found.proof_sentence.to_owned());
    } else {
        sentences.push(format!("Preuve manquante : {}.", rule.evidence.description));
    }
    if let Some(reason) = &found.review {
        sentences.push(format!("À examiner : {reason}"));
    }
    match (&rule.review_reason, rule.discretionary) {
        (Some(reason), _) => sentences.push(format!("À examiner : {reason}")),
        (None, true) => sentences.push(
            "À examiner : cette réduction est accordée à la discrétion de l'établissement de formation."
                .to_owned(),
        ),
        (None, false) => {}
    }
    sentences.join(" ")
}

fn effect(p: &Programme, rule: &ExemptionRule) -> String {
    let domain = domain_label(p, &rule.domain_code);
    let hours = match (rule.min_hours_reduced, rule.max_hours_reduced) {
        (0, max) => format!("jusqu'à {max} h"),
        (min, max) if min == max => format!("{max} h"),
        (min, max) => format!("{min} à {max} h"),
    };
    match rule.kind {
        ExemptionKind::Dispense => format!(
            "dispense de l'ensemble du domaine {domain} ({hours}), qui vaut aussi validation de ce domaine et dispense de son épreuve"
        ),
        ExemptionKind::Allegement if rule.unit_codes.is_empty() => {
            format!("allègement du domaine {domain} ({hours})")
        }
        ExemptionKind::Allegement => {
            let units: Vec<&str> = rule.unit_codes.iter().map(|u| u.as_str()).collect();
            let units = match units.as_slice() {
                [unit] => format!("de l'unité {unit}"),
                _ => format!("des unités {}", join_with_et(&units)),
            };
            format!("allègement {units} du domaine {domain} ({hours})")
        }
    }
}

fn domain_label(p: &Programme, code: &DomainCode) -> String {
    match p.domain(code) {
        Some(domain) => format!("{} {}", domain.code, quoted(&domain.title)),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests;
