//! Adds up the hours that exemption flags may remove, without counting anything twice.
//!
//! Per domain, each flag reduces a set of units (a dispense or a domain-wide allègement reduces
//! the whole domain). Flags on overlapping units cannot both apply, so the total is the best
//! combination of flags whose units do not overlap; a unit reduced by several flags is thus
//! counted once, at its largest reduction. Discretionary flags guarantee nothing (0 in the
//! minimum) but may reach their maximum. Each domain is capped at its training hours.

use serde::Serialize;

use super::codes::DomainCode;
use super::exemptions::{ExemptionFlag, ExemptionStatus};
use super::programme::{Domain, ExemptionKind, ExemptionRule, Programme};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ExemptionTotals {
    /// Hours removed for sure if every flag is granted.
    pub min_hours_reduced: u32,
    /// Hours removed at best if every flag is granted.
    pub max_hours_reduced: u32,
    /// The same, over JUSTIFIED flags only.
    pub justified_min_hours: u32,
    pub justified_max_hours: u32,
    /// Domains with a dispense flag of any status, sorted.
    pub dispensed_domain_codes: Vec<DomainCode>,
}

impl ExemptionTotals {
    pub(crate) fn compute(p: &Programme, flags: &[(&ExemptionRule, &ExemptionFlag)]) -> Self {
        let rules: Vec<&ExemptionRule> = flags.iter().map(|(rule, _)| *rule).collect();
        let justified: Vec<&ExemptionRule> = flags
            .iter()
            .filter(|(_, flag)| flag.status == ExemptionStatus::Justified)
            .map(|(rule, _)| *rule)
            .collect();
        let (min_hours_reduced, max_hours_reduced) = hours(p, &rules);
        let (justified_min_hours, justified_max_hours) = hours(p, &justified);
        let mut dispensed_domain_codes: Vec<DomainCode> = rules
            .iter()
            .filter(|rule| rule.kind == ExemptionKind::Dispense)
            .map(|rule| rule.domain_code.clone())
            .collect();
        dispensed_domain_codes.sort();
        dispensed_domain_codes.dedup();
        Self {
            min_hours_reduced,
            max_hours_reduced,
            justified_min_hours,
            justified_max_hours,
            dispensed_domain_codes,
        }
    }
}

/// What one flag removes: the units it covers (`None` for the whole domain) and its hours.
struct Reduction {
    units: Option<Vec<usize>>,
    min: u32,
    max: u32,
}

fn hours(p: &Programme, rules: &[&ExemptionRule]) -> (u32, u32) {
    p.domains.iter().fold((0, 0), |(min, max), domain| {
        let reductions: Vec<Reduction> = rules
            .iter()
            .filter(|rule| rule.domain_code == domain.code)
            .map(|rule| reduction(domain, rule))
            .collect();
        let cap = domain.training_hours;
        let domain_min = best_combination(&reductions, |r| r.min).min(cap);
        let domain_max = best_combination(&reductions, |r| r.max).min(cap);
        (min + domain_min, max + domain_max)
    })
}

fn reduction(domain: &Domain, rule: &ExemptionRule) -> Reduction {
    let (units, min, max) = match rule.kind {
        ExemptionKind::Dispense => (None, domain.training_hours, domain.training_hours),
        ExemptionKind::Allegement if rule.unit_codes.is_empty() => {
            (None, rule.min_hours_reduced, rule.max_hours_reduced)
        }
        ExemptionKind::Allegement => {
            let mut indexes: Vec<usize> = rule
                .unit_codes
                .iter()
                .filter_map(|code| domain.units.iter().position(|unit| &unit.code == code))
                .collect();
            indexes.sort_unstable();
            indexes.dedup();
            (
                Some(indexes),
                rule.min_hours_reduced,
                rule.max_hours_reduced,
            )
        }
    };
    Reduction {
        units,
        min: if rule.discretionary { 0 } else { min },
        max,
    }
}

/// The largest sum of `value` over reductions whose units do not overlap.
///
/// Reductions on the same units are merged first (keeping the largest value), so the search
/// only branches over distinct unit sets, a handful per domain in practice.
fn best_combination(reductions: &[Reduction], value: impl Fn(&Reduction) -> u32) -> u32 {
    let mut candidates: Vec<(Option<&[usize]>, u32)> = Vec::new();
    for reduction in reductions {
        let hours = value(reduction);
        if hours == 0 {
            continue;
        }
        let units = reduction.units.as_deref();
        match candidates.iter_mut().find(|(seen, _)| *seen == units) {
            Some((_, best)) => *best = (*best).max(hours),
            None => candidates.push((units, hours)),
        }
    }
    let mut taken = Vec::new();
    best_from(&candidates, &mut taken)
}

fn best_from<'a>(
    candidates: &[(Option<&'a [usize]>, u32)],
    taken: &mut Vec<Option<&'a [usize]>>,
) -> u32 {
    let Some(((units, hours), rest)) = candidates.split_first() else {
        return 0;
    };
    let without = best_from(rest, taken);
    if !taken.iter().all(|other| disjoint(*other, *units)) {
        return without;
    }
    taken.push(*units);
    let with = hours + best_from(rest, taken);
    taken.pop();
    with.max(without)
}

/// Whole-domain reductions overlap everything.
fn disjoint(a: Option<&[usize]>, b: Option<&[usize]>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => !a.iter().any(|unit| b.contains(unit)),
        _ => false,
    }
}
