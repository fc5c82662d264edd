use serde_json::{Value, json};

use crate::domain::programme::{DEIS_JSON, Programme};

/// The DEIS fixture with one change applied, then loaded.
fn load_changed(change: impl FnOnce(&mut Value)) -> Result<Programme, super::ProgrammeError> {
    let mut value: Value = serde_json::from_str(DEIS_JSON).unwrap();
    change(&mut value);
    Programme::from_json(&value.to_string())
}

fn problems_of(change: impl FnOnce(&mut Value)) -> Vec<String> {
    match load_changed(change) {
        Ok(_) => panic!("the changed programme was accepted"),
        Err(error) => error.problems().iter().map(ToString::to_string).collect(),
    }
}

fn assert_problem(problems: &[String], expected: &str) {
    assert!(
        problems.iter().any(|p| p.contains(expected)),
        "expected a problem containing {expected:?}, got {problems:#?}"
    );
}

#[test]
fn the_deis_fixture_is_valid() {
    let p = Programme::from_json(DEIS_JSON).unwrap();
    assert_eq!(p.code.as_str(), "DEIS");
    assert_eq!(p.domains.len(), 3);
    assert_eq!(p.competences().count(), 10);
    assert_eq!(p.theory_hours, 700);
    assert_eq!(p.practical_hours, 175);
    assert!(p.blocs.iter().all(|bloc| !bloc.confirmed));
}

#[test]
fn a_competence_outside_its_domain_is_reported_with_its_path() {
    let problems = problems_of(|v| v["domains"][1]["competences"][0]["code"] = json!("DC1.9"));
    assert_problem(
        &problems,
        "domains[1].competences[0].code: DC1.9 is not under its domain DC2",
    );
}

#[test]
fn duplicate_codes_point_at_the_first_use() {
    let problems = problems_of(|v| v["domains"][0]["competences"][1]["code"] = json!("DC1.1"));
    assert_problem(
        &problems,
        "domains[0].competences[1].code: duplicate \"DC1.1\", already used at domains[0].competences[0].code",
    );
}

#[test]
fn a_unit_with_min_above_max_is_reported() {
    let problems = problems_of(|v| v["domains"][0]["units"][1]["minHours"] = json!(31));
    assert_problem(
        &problems,
        "domains[0].units[1].minHours: 31 is more than maxHours 30",
    );
}

#[test]
fn domain_hours_must_add_up_to_the_theory_hours() {
    let problems = problems_of(|v| v["theoryHours"] = json!(701));
    assert_problem(
        &problems,
        "theoryHours: is 701 but the domains' trainingHours add up to 700",
    );
}

#[test]
fn unit_ranges_must_be_able_to_make_the_domain_hours() {
    let problems = problems_of(|v| {
        v["domains"][0]["trainingHours"] = json!(400);
        v["theoryHours"] = json!(800);
    });
    assert_problem(
        &problems,
        "domains[0].trainingHours: 400 h cannot be made of its theory units",
    );
}

#[test]
fn a_rule_on_an_unknown_unit_domain_or_function_is_reported() {
    let problems = problems_of(|v| {
        v["exemptionRules"][0]["unitCodes"] = json!(["UF2.1"]);
        v["exemptionRules"][3]["domainCode"] = json!("DC9");
        v["exemptionRules"][12]["condition"] = json!({"priorValidation": {"domainCode": "DC7"}});
        v["domains"][0]["competences"][0]["functions"] = json!(["PILOTAGE"]);
    });
    assert_problem(
        &problems,
        "exemptionRules[0].unitCodes[0]: unknown unit UF2.1 in domain DC1",
    );
    assert_problem(
        &problems,
        "exemptionRules[3].domainCode: unknown domain DC9",
    );
    assert_problem(
        &problems,
        "exemptionRules[12].condition.priorValidation.domainCode: unknown domain DC7",
    );
    assert_problem(
        &problems,
        "domains[0].competences[0].functions[0]: unknown professional function \"PILOTAGE\"",
    );
}

#[test]
fn a_dispense_must_remove_exactly_the_domain_hours() {
    let problems = problems_of(|v| v["exemptionRules"][2]["maxHoursReduced"] = json!(100));
    assert_problem(
        &problems,
        "exemptionRules[2].maxHoursReduced: a dispense of DC3 reduces exactly its 150 training hours",
    );
}

#[test]
fn an_allegement_cannot_remove_more_than_its_units() {
    let problems = problems_of(|v| v["exemptionRules"][0]["maxHoursReduced"] = json!(111));
    assert_problem(
        &problems,
        "exemptionRules[0].maxHoursReduced: 111 h is more than the 110 h",
    );
}

#[test]
fn empty_titles_are_reported() {
    let problems = problems_of(|v| {
        v["title"] = json!(" ");
        v["domains"][2]["title"] = json!("");
    });
    assert_problem(&problems, "title: must not be empty");
    assert_problem(&problems, "domains[2].title: must not be empty");
}

#[test]
fn overlapping_or_gapped_regimes_are_reported() {
    let overlap = problems_of(|v| v["eligibilityRegimes"][1]["from"] = json!("2017-09-01"));
    assert_problem(
        &overlap,
        "eligibilityRegimes[1].from: overlaps eligibilityRegimes[0], which runs until 2017-09-30",
    );
    let gap = problems_of(|v| v["eligibilityRegimes"][2]["from"] = json!("2024-02-01"));
    assert_problem(&gap, "eligibilityRegimes[2].from: leaves a gap");
    let open = problems_of(|v| v["eligibilityRegimes"][2]["until"] = json!("2030-12-31"));
    assert_problem(
        &open,
        "eligibilityRegimes[2].until: the latest regime must have no end date",
    );
}

#[test]
fn an_invalid_code_is_reported_with_its_position() {
    let error = load_changed(|v| v["domains"][0]["code"] = json!("D-1")).unwrap_err();
    let message = error.to_string();
    assert!(message.contains("invalid domain code \"D-1\""), "{message}");
    assert!(message.contains("line"), "{message}");
}

#[test]
fn an_unknown_field_is_refused_so_typos_do_not_go_unnoticed() {
    let error = load_changed(|v| v["domains"][0]["units"][0]["minHour"] = json!(1)).unwrap_err();
    assert!(error.to_string().contains("minHour"), "{error}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let problems = problems_of(|v| {
        v["version"] = json!("");
        v["exemptionRules"][0]["id"] = json!("Deis.Caferuis");
        v["admissionRoutes"][1]["id"] = json!("deis.art2.1");
    });
    assert_problem(&problems, "version: must not be empty");
    assert_problem(&problems, "exemptionRules[0].id");
    assert_problem(
        &problems,
        "admissionRoutes[1].id: duplicate \"deis.art2.1\"",
    );
}

#[test]
fn lookups_find_domains_competences_and_rules() {
    let p = Programme::from_json(DEIS_JSON).unwrap();
    let dc2 = crate::domain::codes::DomainCode::parse("DC2").unwrap();
    assert_eq!(p.domain(&dc2).unwrap().training_hours, 250);
    let code = crate::domain::codes::CompetenceCode::parse("DC3.4").unwrap();
    assert_eq!(p.competence(&code).unwrap().indicators.len(), 3);
    assert_eq!(p.rule("deis.caferuis.df3").unwrap().min_hours_reduced, 150);
    assert!(p.rule("deis.unknown").is_none());
}

#[test]
fn a_typo_in_a_rule_condition_is_refused() {
    let error = load_changed(|v| {
        v["exemptionRules"][0]["condition"] = json!({"qualification": {"code": ["CAFERUIS"]}})
    })
    .unwrap_err();
    assert!(
        error.to_string().contains("unknown field `code`"),
        "{error}"
    );
}

#[test]
fn a_rule_condition_reads_both_shapes() {
    let p = Programme::from_json(DEIS_JSON).unwrap();
    let caferuis = p.rule("deis.caferuis.uf1-1").unwrap();
    assert!(matches!(
        &caferuis.condition,
        crate::domain::programme::RuleCondition::Qualification { codes, min_level: None, except_codes, .. }
            if codes.len() == 1 && except_codes.is_empty()
    ));
    let prior = p.rule("deis.prior.dc3").unwrap();
    assert!(matches!(
        &prior.condition,
        crate::domain::programme::RuleCondition::PriorValidation { domain_code, programme_code: None } if domain_code.as_str() == "DC3"
    ));
}
