//! Checks a deserialised referential so that the engines can trust every cross-reference.
//!
//! All problems are collected, not just the first, so whoever edits a referential sees the
//! whole list at once, each with the JSON path of the offending value.

use std::collections::HashMap;
use std::fmt;

use super::programme::{Domain, Programme};

/// Checks of the rule tables (regimes, admission routes, exemption rules).
mod rules;

/// Why a referential was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProgrammeError {
    #[error("the programme JSON does not have the expected shape: {0}")]
    Malformed(#[source] serde_json::Error),
    #[error("the programme is invalid: {}", join(.problems))]
    Invalid { problems: Vec<ProgrammeProblem> },
}

impl ProgrammeError {
    /// The problems found by validation; empty when the JSON itself could not be read.
    pub fn problems(&self) -> &[ProgrammeProblem] {
        match self {
            Self::Malformed(_) => &[],
            Self::Invalid { problems } => problems,
        }
    }
}

/// One problem, located by its JSON path such as `domains[1].competences[0].code`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgrammeProblem {
    pub path: String,
    pub message: String,
}

impl fmt::Display for ProgrammeProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

fn join(problems: &[ProgrammeProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// Every problem of `programme`, in document order.
pub(super) fn problems(programme: &Programme) -> Vec<ProgrammeProblem> {
    let mut check = Checker::default();
    check.programme(programme);
    check.problems
}

#[derive(Default)]
struct Checker {
    problems: Vec<ProgrammeProblem>,
}

impl Checker {
    fn report(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.problems.push(ProgrammeProblem {
            path: path.into(),
            message: message.into(),
        });
    }

    fn not_blank(&mut self, path: impl Into<String>, value: &str) {
        if value.trim().is_empty() {
            self.report(path, "must not be empty");
        }
    }

    /// Reports every value seen before, pointing at its first occurrence.
    fn unique<'a>(&mut self, entries: impl IntoIterator<Item = (String, &'a str)>) {
        let mut first_seen: HashMap<&str, String> = HashMap::new();
        for (path, value) in entries {
            match first_seen.get(value) {
                Some(first) => self.report(
                    path,
                    format!("duplicate {value:?}, already used at {first}"),
                ),
                None => {
                    first_seen.insert(value, path);
                }
            }
        }
    }

    fn programme(&mut self, p: &Programme) {
        self.not_blank("version", &p.version);
        self.not_blank("title", &p.title);
        if let Some(level) = p.level
            && !(1..=8).contains(&level)
        {
            self.report("level", format!("must be between 1 and 8, got {level}"));
        }
        self.functions(p);
        self.domains(p);
        self.blocs(p);
        self.versions(p);
        self.regimes(p);
        for (i, route) in p.admission_routes.iter().enumerate() {
            self.admission_route(&format!("admissionRoutes[{i}]"), route);
        }
        self.unique(
            p.admission_routes
                .iter()
                .enumerate()
                .map(|(i, route)| (format!("admissionRoutes[{i}].id"), route.id.as_str())),
        );
        for (i, rule) in p.exemption_rules.iter().enumerate() {
            self.exemption_rule(p, &format!("exemptionRules[{i}]"), rule);
        }
        self.unique(
            p.exemption_rules
                .iter()
                .enumerate()
                .map(|(i, rule)| (format!("exemptionRules[{i}].id"), rule.id.as_str())),
        );
    }

    fn functions(&mut self, p: &Programme) {
        for (i, function) in p.functions.iter().enumerate() {
            self.not_blank(format!("functions[{i}].code"), &function.code);
            self.not_blank(format!("functions[{i}].title"), &function.title);
        }
        self.unique(
            p.functions
                .iter()
                .enumerate()
                .map(|(i, function)| (format!("functions[{i}].code"), function.code.as_str())),
        );
    }

    fn domains(&mut self, p: &Programme) {
        if p.domains.is_empty() {
            self.report("domains", "a programme needs at least one domain");
        }
        for (i, domain) in p.domains.iter().enumerate() {
            self.domain(p, &format!("domains[{i}]"), domain);
        }
        self.unique(
            p.domains
                .iter()
                .enumerate()
                .map(|(i, domain)| (format!("domains[{i}].code"), domain.code.as_str())),
        );
        let unit_paths =
            p.domains.iter().enumerate().flat_map(|(i, domain)| {
                domain.units.iter().enumerate().map(move |(j, unit)| {
                    (format!("domains[{i}].units[{j}].code"), unit.code.as_str())
                })
            });
        self.unique(unit_paths);
        let competence_paths = p.domains.iter().enumerate().flat_map(|(i, domain)| {
            domain
                .competences
                .iter()
                .enumerate()
                .map(move |(j, competence)| {
                    (
                        format!("domains[{i}].competences[{j}].code"),
                        competence.code.as_str(),
                    )
                })
        });
        self.unique(competence_paths);

        let theory: u32 = p.domains.iter().map(|domain| domain.training_hours).sum();
        if theory != p.theory_hours {
            self.report(
                "theoryHours",
                format!(
                    "is {} but the domains' trainingHours add up to {theory}",
                    p.theory_hours
                ),
            );
        }
        let practical: u32 = p.domains.iter().map(|domain| domain.practical_hours).sum();
        // Practice the texts do not split by domain (the DEES's 2,100 h) is given for the
        // programme only, with none on the domains.
        if practical != p.practical_hours && practical != 0 {
            self.report(
                "practicalHours",
                format!(
                    "is {} but the domains' practicalHours add up to {practical}",
                    p.practical_hours
                ),
            );
        }
    }

    fn domain(&mut self, p: &Programme, path: &str, domain: &Domain) {
        self.not_blank(format!("{path}.title"), &domain.title);
        self.not_blank(format!("{path}.certification"), &domain.certification);
        if domain.competences.is_empty() {
            self.report(
                format!("{path}.competences"),
                "a domain needs at least one competence",
            );
        }
        for (j, unit) in domain.units.iter().enumerate() {
            let unit_path = format!("{path}.units[{j}]");
            self.not_blank(format!("{unit_path}.title"), &unit.title);
            if unit.min_hours > unit.max_hours {
                self.report(
                    format!("{unit_path}.minHours"),
                    format!(
                        "{} is more than maxHours {}",
                        unit.min_hours, unit.max_hours
                    ),
                );
            }
        }
        self.unit_hours_fit(path, domain, false, domain.training_hours, "trainingHours");
        self.unit_hours_fit(path, domain, true, domain.practical_hours, "practicalHours");
        for (j, competence) in domain.competences.iter().enumerate() {
            let competence_path = format!("{path}.competences[{j}]");
            if competence.code.domain() != domain.code {
                self.report(
                    format!("{competence_path}.code"),
                    format!(
                        "{} is not under its domain {}",
                        competence.code, domain.code
                    ),
                );
            }
            self.not_blank(format!("{competence_path}.title"), &competence.title);
            for (k, indicator) in competence.indicators.iter().enumerate() {
                self.not_blank(format!("{competence_path}.indicators[{k}]"), indicator);
            }
            for (k, function) in competence.functions.iter().enumerate() {
                if p.function(function).is_none() {
                    self.report(
                        format!("{competence_path}.functions[{k}]"),
                        format!("unknown professional function {function:?}"),
                    );
                }
            }
        }
    }

    /// The hours of the units of one sort (theory or practical) must be able to add up to the
    /// domain's hours, otherwise the unit ranges and the domain total contradict each other.
    fn unit_hours_fit(
        &mut self,
        path: &str,
        domain: &Domain,
        practical: bool,
        hours: u32,
        field: &str,
    ) {
        let units: Vec<_> = domain
            .units
            .iter()
            .filter(|unit| unit.practical == practical)
            .collect();
        if units.is_empty() {
            return;
        }
        let min: u32 = units.iter().map(|unit| unit.min_hours).sum();
        let max: u32 = units.iter().map(|unit| unit.max_hours).sum();
        if !(min..=max).contains(&hours) {
            let sort = if practical { "practical" } else { "theory" };
            self.report(
                format!("{path}.{field}"),
                format!(
                    "{hours} h cannot be made of its {sort} units, which add up to {min}–{max} h"
                ),
            );
        }
    }

    /// The version's dates are in order, and its transition tables lead to its own domains.
    fn versions(&mut self, p: &Programme) {
        if let (Some(from), Some(until)) = (p.valid_from, p.valid_until)
            && until < from
        {
            self.report("validUntil", format!("{until} is before validFrom {from}"));
        }
        for (i, transition) in p.transitions.iter().enumerate() {
            let path = format!("transitions[{i}]");
            self.not_blank(format!("{path}.fromVersion"), &transition.from_version);
            self.not_blank(
                format!("{path}.legalReference"),
                &transition.legal_reference,
            );
            if transition.from_version == p.version {
                self.report(
                    format!("{path}.fromVersion"),
                    "a version needs no transition table from itself",
                );
            }
            for (j, row) in transition.domains.iter().enumerate() {
                for (k, to) in row.to.iter().enumerate() {
                    if p.domain(to).is_none() {
                        self.report(
                            format!("{path}.domains[{j}].to[{k}]"),
                            format!("unknown domain {to}"),
                        );
                    }
                }
            }
        }
    }

    fn blocs(&mut self, p: &Programme) {
        for (i, bloc) in p.blocs.iter().enumerate() {
            let path = format!("blocs[{i}]");
            self.not_blank(format!("{path}.code"), &bloc.code);
            self.not_blank(format!("{path}.title"), &bloc.title);
            if p.domain(&bloc.domain_code).is_none() {
                self.report(
                    format!("{path}.domainCode"),
                    format!("unknown domain {}", bloc.domain_code),
                );
            }
            if !bloc.confirmed
                && bloc
                    .note
                    .as_deref()
                    .is_none_or(|note| note.trim().is_empty())
            {
                self.report(
                    format!("{path}.note"),
                    "an unconfirmed bloc must say why in a note",
                );
            }
        }
        self.unique(
            p.blocs
                .iter()
                .enumerate()
                .map(|(i, bloc)| (format!("blocs[{i}].code"), bloc.code.as_str())),
        );
    }
}

#[cfg(test)]
mod tests;
