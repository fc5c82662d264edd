//! The exemption engine: which dispenses and allègements the declared profile may justify.
//!
//! A pure function of the programme's rules (data) and the profile. A flag exists when a rule's
//! condition is met by what the candidate declared; its status then says whether the proof is
//! there (JUSTIFIED), missing (UNPROVEN), or whether a person must decide (NEEDS_REVIEW).

use serde::Serialize;

use super::closed_enum::closed_enum;
use super::codes::{DomainCode, QualificationCode};
use super::profile::{Profile, ProfilePriorValidation, ProfileQualification};
use super::programme::{ExemptionKind, ExemptionRule, Programme, RuleCondition};

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
}

fn flag_for(p: &Programme, rule: &ExemptionRule, profile: &Profile) -> Option<ExemptionFlag> {
    let found = match &rule.condition {
        RuleCondition::Qualification {
            codes,
            min_level,
            except_codes,
        } => {
            let matching: Vec<&ProfileQualification> = profile
                .qualifications
                .iter()
                .filter(|q| qualification_meets(q, codes, *min_level, except_codes))
                .collect();
            qualification_match(rule, profile, &matching)?
        }
        RuleCondition::PriorValidation { domain_code } => {
            let matching: Vec<&ProfilePriorValidation> = profile
                .prior_validations
                .iter()
                .filter(|v| v.programme_code == p.code && &v.domain_code == domain_code)
                .collect();
            prior_validation_match(rule, profile, &matching)?
        }
    };
    let needs_review = rule.discretionary || rule.review_reason.is_some();
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
        proof_sentence: "The required document is linked to the qualification.",
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
            .map(|v| format!("{} validated on {}", v.domain_code, v.validated_on))
            .collect(),
        proven: verified || documented,
        proof_sentence: if verified {
            "The validation was recorded by a jury decision in this service."
        } else {
            "The jury's decision is linked to the prior validation."
        },
    })
}

fn explanation(p: &Programme, rule: &ExemptionRule, found: &Match) -> String {
    let mut sentences = vec![
        format!(
            "You declared {}. {}",
            found.held.join(" and "),
            rule.condition_text
        ),
        format!(
            "Effect: {}. Legal basis: {}.",
            effect(p, rule),
            rule.legal_reference
        ),
    ];
    if found.proven {
        sentences.push(found.proof_sentence.to_owned());
    } else {
        sentences.push(format!("Missing proof: {}.", rule.evidence.description));
    }
    match (&rule.review_reason, rule.discretionary) {
        (Some(reason), _) => sentences.push(format!("Needs review: {reason}")),
        (None, true) => sentences.push(
            "Needs review: this reduction is granted at the training establishment's discretion."
                .to_owned(),
        ),
        (None, false) => {}
    }
    sentences.join(" ")
}

fn effect(p: &Programme, rule: &ExemptionRule) -> String {
    let domain = domain_label(p, &rule.domain_code);
    let hours = match (rule.min_hours_reduced, rule.max_hours_reduced) {
        (0, max) => format!("up to {max} h"),
        (min, max) if min == max => format!("{max} h"),
        (min, max) => format!("{min}–{max} h"),
    };
    match rule.kind {
        ExemptionKind::Dispense => format!(
            "dispense of the whole of {domain} ({hours}), which also validates the domain and waives its exam"
        ),
        ExemptionKind::Allegement if rule.unit_codes.is_empty() => {
            format!("allègement of {domain} ({hours})")
        }
        ExemptionKind::Allegement => {
            let units: Vec<&str> = rule.unit_codes.iter().map(|u| u.as_str()).collect();
            format!("allègement of {} in {domain} ({hours})", units.join(", "),)
        }
    }
}

fn domain_label(p: &Programme, code: &DomainCode) -> String {
    match p.domain(code) {
        Some(domain) => format!("{} {}", domain.code, domain.title),
        None => code.to_string(),
    }
}

#[cfg(test)]
mod tests;
