//! Checks of the rule tables: eligibility regimes, admission routes and exemption rules.

use super::Checker;
use crate::domain::codes::UnitCode;
use crate::domain::programme::{
    AdmissionRoute, Domain, EligibilityRegime, ExemptionKind, ExemptionRule, Programme,
    RuleCondition,
};

impl Checker {
    /// Regimes must tile the calendar: one open at the start, each next one beginning the day
    /// after the previous ends, one still in force. Then every application date has exactly one.
    pub(super) fn regimes(&mut self, p: &Programme) {
        if p.eligibility_regimes.is_empty() {
            self.report(
                "eligibilityRegimes",
                "at least one eligibility regime is needed",
            );
            return;
        }
        for (i, regime) in p.eligibility_regimes.iter().enumerate() {
            self.regime(&format!("eligibilityRegimes[{i}]"), regime);
        }
        self.unique(
            p.eligibility_regimes
                .iter()
                .enumerate()
                .map(|(i, regime)| (format!("eligibilityRegimes[{i}].id"), regime.id.as_str())),
        );

        let mut ordered: Vec<(usize, &EligibilityRegime)> =
            p.eligibility_regimes.iter().enumerate().collect();
        ordered.sort_by_key(|(_, regime)| regime.from);
        if let Some((i, first)) = ordered.first()
            && first.from.is_some()
        {
            self.report(
                format!("eligibilityRegimes[{i}].from"),
                "the earliest regime must have no start date so that every application date has a regime",
            );
        }
        for pair in ordered.windows(2) {
            let [(i, earlier), (j, later)] = pair else {
                continue;
            };
            let next_day = earlier.until.and_then(|until| until.succ_opt());
            match (next_day, later.from) {
                (None, _) => self.report(
                    format!("eligibilityRegimes[{j}]"),
                    format!("overlaps eligibilityRegimes[{i}], which has no end date"),
                ),
                (Some(expected), Some(from)) if from < expected => self.report(
                    format!("eligibilityRegimes[{j}].from"),
                    format!(
                        "overlaps eligibilityRegimes[{i}], which runs until {}",
                        expected.pred_opt().unwrap_or(expected)
                    ),
                ),
                (Some(expected), Some(from)) if from > expected => self.report(
                    format!("eligibilityRegimes[{j}].from"),
                    format!("leaves a gap: eligibilityRegimes[{i}] ends the day before {expected}"),
                ),
                _ => {}
            }
        }
        if let Some((i, last)) = ordered.last()
            && last.until.is_some()
        {
            self.report(
                format!("eligibilityRegimes[{i}].until"),
                "the latest regime must have no end date so that every application date has a regime",
            );
        }
    }

    fn regime(&mut self, path: &str, regime: &EligibilityRegime) {
        self.not_blank(format!("{path}.id"), &regime.id);
        self.not_blank(format!("{path}.legalReference"), &regime.legal_reference);
        self.not_blank(format!("{path}.summary"), &regime.summary);
        if let (Some(from), Some(until)) = (regime.from, regime.until)
            && from > until
        {
            self.report(
                format!("{path}.until"),
                format!("{until} is before from {from}"),
            );
        }
        if !regime.required_fte_months.is_finite() || regime.required_fte_months < 0.0 {
            self.report(
                format!("{path}.requiredFteMonths"),
                "must be a number of months, 0 or more",
            );
        }
        if regime.counted_kinds.is_empty() {
            self.report(
                format!("{path}.countedKinds"),
                "at least one kind of experience must count",
            );
        }
    }

    pub(super) fn admission_route(&mut self, path: &str, route: &AdmissionRoute) {
        self.not_blank(format!("{path}.id"), &route.id);
        self.not_blank(format!("{path}.description"), &route.description);
        self.not_blank(format!("{path}.legalReference"), &route.legal_reference);
        let condition = &route.condition;
        if condition.qualification_codes.is_empty() && condition.min_level.is_none() {
            self.report(
                format!("{path}.condition"),
                "needs qualificationCodes or minLevel, otherwise no qualification can meet it",
            );
        }
        if !condition.min_experience_months.is_finite() || condition.min_experience_months < 0.0 {
            self.report(
                format!("{path}.condition.minExperienceMonths"),
                "must be a number of months, 0 or more",
            );
        }
    }

    pub(super) fn exemption_rule(&mut self, p: &Programme, path: &str, rule: &ExemptionRule) {
        if rule.id.trim().is_empty()
            || rule
                .id
                .chars()
                .any(|c| c.is_uppercase() || c.is_whitespace())
        {
            self.report(
                format!("{path}.id"),
                format!(
                    "{:?} must be non-empty, lower-case, without spaces",
                    rule.id
                ),
            );
        }
        self.not_blank(format!("{path}.conditionText"), &rule.condition_text);
        self.not_blank(format!("{path}.legalReference"), &rule.legal_reference);
        self.not_blank(
            format!("{path}.evidence.description"),
            &rule.evidence.description,
        );
        if rule.evidence.kinds.is_empty() {
            self.report(
                format!("{path}.evidence.kinds"),
                "at least one kind of document must prove the rule",
            );
        }
        if let Some(reason) = &rule.review_reason {
            self.not_blank(format!("{path}.reviewReason"), reason);
        }
        if rule.min_hours_reduced > rule.max_hours_reduced {
            self.report(
                format!("{path}.minHoursReduced"),
                format!(
                    "{} is more than maxHoursReduced {}",
                    rule.min_hours_reduced, rule.max_hours_reduced
                ),
            );
        }
        self.rule_condition(p, path, &rule.condition);
        let Some(domain) = p.domain(&rule.domain_code) else {
            self.report(
                format!("{path}.domainCode"),
                format!("unknown domain {}", rule.domain_code),
            );
            return;
        };
        let mut units_known = true;
        for (k, unit) in rule.unit_codes.iter().enumerate() {
            if domain.unit(unit).is_none() {
                units_known = false;
                self.report(
                    format!("{path}.unitCodes[{k}]"),
                    format!("unknown unit {unit} in domain {}", domain.code),
                );
            }
        }
        match rule.kind {
            ExemptionKind::Dispense => self.dispense_hours(path, rule, domain),
            ExemptionKind::Allegement if units_known => self.allegement_hours(path, rule, domain),
            ExemptionKind::Allegement => {}
        }
    }

    fn rule_condition(&mut self, p: &Programme, path: &str, condition: &RuleCondition) {
        let qualification =
            |this: &mut Self,
             key: &str,
             codes: &[crate::domain::codes::QualificationCode],
             min_level: Option<u8>,
             versions: &[crate::domain::programme::QualificationVersion]| {
                if codes.is_empty() && min_level.is_none() {
                    this.report(
                        format!("{path}.condition.{key}"),
                        "needs codes or minLevel, otherwise no qualification can meet it",
                    );
                }
                for (k, version) in versions.iter().enumerate() {
                    this.not_blank(
                        format!("{path}.condition.{key}.versions[{k}].version"),
                        &version.version,
                    );
                    if let (Some(from), Some(until)) =
                        (version.obtained_from, version.obtained_until)
                        && until < from
                    {
                        this.report(
                            format!("{path}.condition.{key}.versions[{k}].obtainedUntil"),
                            format!("{until} is before obtainedFrom {from}"),
                        );
                    }
                }
            };
        match condition {
            RuleCondition::Qualification {
                codes,
                min_level,
                versions,
                ..
            } => qualification(self, "qualification", codes, *min_level, versions),
            RuleCondition::QualificationAndExperience {
                codes,
                min_level,
                versions,
                min_fte_months,
                experience_kinds,
                ..
            } => {
                let key = "qualificationAndExperience";
                qualification(self, key, codes, *min_level, versions);
                if !min_fte_months.is_finite() || *min_fte_months < 0.0 {
                    self.report(
                        format!("{path}.condition.{key}.minFteMonths"),
                        "must be a number of months, 0 or more",
                    );
                }
                if experience_kinds.is_empty() {
                    self.report(
                        format!("{path}.condition.{key}.experienceKinds"),
                        "name the kinds of experience that count",
                    );
                }
            }
            RuleCondition::PriorValidation {
                domain_code,
                programme_code,
            } => {
                // A domain of another programme is checked when that programme is used.
                let own = programme_code.as_ref().is_none_or(|code| code == &p.code);
                if own && p.domain(domain_code).is_none() {
                    self.report(
                        format!("{path}.condition.priorValidation.domainCode"),
                        format!("unknown domain {domain_code}"),
                    );
                }
            }
        }
    }

    /// A dispense removes the whole domain of training, no more and no less.
    fn dispense_hours(&mut self, path: &str, rule: &ExemptionRule, domain: &Domain) {
        if !rule.unit_codes.is_empty() {
            self.report(
                format!("{path}.unitCodes"),
                "a dispense covers the whole domain and lists no units",
            );
        }
        let hours = domain.training_hours;
        if rule.max_hours_reduced != hours
            || (!rule.discretionary && rule.min_hours_reduced != hours)
        {
            self.report(
                format!("{path}.maxHoursReduced"),
                format!(
                    "a dispense of {} reduces exactly its {hours} training hours",
                    domain.code
                ),
            );
        }
    }

    /// An allègement cannot remove more than its units (or the whole domain when it names none).
    fn allegement_hours(&mut self, path: &str, rule: &ExemptionRule, domain: &Domain) {
        if rule.unit_codes.is_empty() && !rule.discretionary {
            self.report(
                format!("{path}.unitCodes"),
                "an automatic allègement must name the units it reduces",
            );
        }
        let units: Vec<&UnitCode> = rule.unit_codes.iter().collect();
        if let Some(practical) = units
            .iter()
            .find(|code| domain.unit(code).is_some_and(|unit| unit.practical))
        {
            self.report(
                format!("{path}.unitCodes"),
                format!(
                    "{practical} is practical training, which theory allègements cannot reduce"
                ),
            );
        }
        let units_max: u32 = units
            .iter()
            .filter_map(|code| domain.unit(code))
            .map(|unit| unit.max_hours)
            .sum();
        let ceiling = if units.is_empty() {
            domain.training_hours
        } else {
            units_max.min(domain.training_hours)
        };
        if rule.max_hours_reduced > ceiling {
            self.report(
                format!("{path}.maxHoursReduced"),
                format!(
                    "{} h is more than the {ceiling} h the reduced units can lose",
                    rule.max_hours_reduced
                ),
            );
        }
    }
}
