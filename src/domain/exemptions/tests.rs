use super::*;
use crate::domain::codes::DomainCode;
use crate::domain::test_support::*;

fn holder_of(codes: &[(&str, u8)], with_diplomas: bool) -> Profile {
    let mut profile = profile_on("2025-01-01");
    for (i, (code, level)) in codes.iter().enumerate() {
        let id = format!("q{i}");
        profile
            .qualifications
            .push(qualification(&id, code, Some(*level), Some("2015-06-30")));
        if with_diplomas {
            profile.evidence.push(diploma_of(&format!("f{i}"), &id));
        }
    }
    profile
}

fn statuses(report: &ExemptionReport) -> Vec<(&str, ExemptionStatus)> {
    report
        .flags
        .iter()
        .map(|f| (f.rule_id.as_str(), f.status))
        .collect()
}

fn totals(report: &ExemptionReport) -> (u32, u32) {
    (
        report.totals.min_hours_reduced,
        report.totals.max_hours_reduced,
    )
}

fn domains(codes: &[&str]) -> Vec<DomainCode> {
    codes
        .iter()
        .map(|c| DomainCode::parse(c).unwrap())
        .collect()
}

#[test]
fn caferuis_reduces_235_to_285_hours_as_annexe_iv_says() {
    let report = exemptions(&deis(), &holder_of(&[("CAFERUIS", 6)], true));
    assert_eq!(totals(&report), (235, 285));
    assert_eq!(report.totals.dispensed_domain_codes, domains(&["DC3"]));
}

#[test]
fn dsts_reduces_all_700_theory_hours_as_annexe_iv_says() {
    let report = exemptions(&deis(), &holder_of(&[("DSTS", 6)], true));
    assert_eq!(totals(&report), (700, 700));
    assert_eq!(
        report.totals.dispensed_domain_codes,
        domains(&["DC1", "DC3"])
    );
}

#[test]
fn cafdes_reduces_345_to_445_hours_as_annexe_iv_says() {
    let report = exemptions(&deis(), &holder_of(&[("CAFDES", 7)], true));
    assert_eq!(totals(&report), (345, 445));
}

#[test]
fn caferuis_holder_gets_df3_needs_review() {
    let report = exemptions(&deis(), &holder_of(&[("CAFERUIS", 6)], true));
    assert_eq!(
        statuses(&report),
        [
            ("deis.caferuis.uf1-1", ExemptionStatus::Justified),
            ("deis.caferuis.uf2-1", ExemptionStatus::Justified),
            ("deis.caferuis.df3", ExemptionStatus::NeedsReview),
        ]
    );
    let df3 = &report.flags[2];
    assert!(
        df3.explanation
            .contains("l'article 8 ne leur accorde que des allègements"),
        "{}",
        df3.explanation
    );
    assert!(df3.missing_evidence.is_empty());
    assert_eq!(
        (
            report.totals.justified_min_hours,
            report.totals.justified_max_hours
        ),
        (85, 135)
    );
}

#[test]
fn a_declared_diploma_without_its_copy_is_unproven_and_names_the_document() {
    let report = exemptions(&deis(), &holder_of(&[("DSTS", 6)], false));
    assert!(
        report
            .flags
            .iter()
            .all(|f| f.status == ExemptionStatus::Unproven)
    );
    assert_eq!(
        report.flags[0].missing_evidence,
        ["copie du diplôme DSTS, déposée comme preuve de ce diplôme"]
    );
    assert!(report.flags[0].explanation.contains("Preuve manquante"));
    assert_eq!(
        (
            report.totals.justified_min_hours,
            report.totals.justified_max_hours
        ),
        (0, 0)
    );
    assert_eq!(totals(&report), (700, 700));
}

#[test]
fn a_diploma_linked_to_another_qualification_proves_nothing() {
    let mut profile = holder_of(&[("CAFDES", 7)], false);
    profile
        .qualifications
        .push(qualification("other", "DEES", Some(6), None));
    profile.evidence.push(diploma_of("f", "other"));
    let report = exemptions(&deis(), &profile);
    assert!(
        report
            .flags
            .iter()
            .all(|f| f.status == ExemptionStatus::Unproven)
    );
}

#[test]
fn a_document_of_the_wrong_kind_proves_nothing() {
    let mut profile = holder_of(&[("CAFDES", 7)], false);
    let mut payslip = diploma_of("f", "q0");
    payslip.kind = crate::domain::experience::EvidenceKind::Payslip;
    profile.evidence.push(payslip);
    let report = exemptions(&deis(), &profile);
    assert!(
        report
            .flags
            .iter()
            .all(|f| f.status == ExemptionStatus::Unproven)
    );
}

#[test]
fn a_master_holder_gets_three_discretionary_flags_that_guarantee_nothing() {
    let report = exemptions(&deis(), &holder_of(&[("MASTER", 7)], true));
    assert_eq!(
        statuses(&report),
        [
            ("deis.niveau7.dc1", ExemptionStatus::NeedsReview),
            ("deis.niveau7.dc2", ExemptionStatus::NeedsReview),
            ("deis.niveau7.dc3", ExemptionStatus::NeedsReview),
        ]
    );
    assert_eq!(totals(&report), (0, 700));
    assert!(report.totals.dispensed_domain_codes.is_empty());
    assert!(
        report.flags[0].explanation.contains("discrétion")
            || report.flags[0].explanation.contains("au cas par cas")
    );
}

#[test]
fn a_level_seven_holder_of_an_annexe_iv_diploma_gets_no_discretionary_flag() {
    let report = exemptions(&deis(), &holder_of(&[("CAFDES", 7)], true));
    assert!(
        report
            .flags
            .iter()
            .all(|f| !f.rule_id.starts_with("deis.niveau7"))
    );
}

#[test]
fn holding_two_diplomas_counts_each_unit_once_and_caps_each_domain() {
    let report = exemptions(&deis(), &holder_of(&[("CAFERUIS", 6), ("DSTS", 6)], true));
    assert_eq!(totals(&report), (700, 700));
    let report = exemptions(&deis(), &holder_of(&[("CAFERUIS", 6), ("CAFDES", 7)], true));
    assert_eq!(totals(&report), (345, 445));
}

#[test]
fn a_master_with_a_caferuis_may_reach_a_whole_domain_but_is_sure_of_the_caferuis_hours() {
    let report = exemptions(&deis(), &holder_of(&[("CAFERUIS", 6), ("MASTER", 7)], true));
    // DC1: 35 sure (UF1.1), 300 at best; DC2: 50 sure, 250 at best; DC3: dispense 150.
    assert_eq!(totals(&report), (235, 700));
}

#[test]
fn a_verified_prior_validation_is_justified_without_a_document() {
    let mut profile = profile_on("2025-01-01");
    profile
        .prior_validations
        .push(prior_validation("p1", "DC2", true));
    let report = exemptions(&deis(), &profile);
    assert_eq!(
        statuses(&report),
        [("deis.prior.dc2", ExemptionStatus::Justified)]
    );
    assert!(
        report.flags[0]
            .explanation
            .contains("enregistrée par une décision de jury")
    );
    assert_eq!(totals(&report), (250, 250));
    assert_eq!(report.totals.dispensed_domain_codes, domains(&["DC2"]));
}

#[test]
fn an_unverified_prior_validation_needs_the_jury_decision() {
    let mut profile = profile_on("2025-01-01");
    profile
        .prior_validations
        .push(prior_validation("p1", "DC1", false));
    let unproven = exemptions(&deis(), &profile);
    assert_eq!(
        statuses(&unproven),
        [("deis.prior.dc1", ExemptionStatus::Unproven)]
    );
    assert!(unproven.flags[0].missing_evidence[0].contains("relevé de décisions"));

    profile.evidence.push(jury_decision_for("f1", "p1"));
    let proven = exemptions(&deis(), &profile);
    assert_eq!(
        statuses(&proven),
        [("deis.prior.dc1", ExemptionStatus::Justified)]
    );
}

#[test]
fn a_prior_validation_of_another_programme_raises_no_flag() {
    let mut profile = profile_on("2025-01-01");
    let mut other = prior_validation("p1", "DC1", true);
    other.programme_code = crate::domain::codes::ProgrammeCode::parse("CAFERUIS").unwrap();
    profile.prior_validations.push(other);
    assert!(exemptions(&deis(), &profile).flags.is_empty());
}

#[test]
fn flags_are_sorted_by_domain_then_rule_id() {
    let mut profile = holder_of(&[("DSTS", 6), ("CAFERUIS", 6)], true);
    profile
        .prior_validations
        .push(prior_validation("p1", "DC1", true));
    let ids: Vec<_> = exemptions(&deis(), &profile)
        .flags
        .into_iter()
        .map(|f| f.rule_id)
        .collect();
    assert_eq!(
        ids,
        [
            "deis.caferuis.uf1-1",
            "deis.dsts.df1",
            "deis.prior.dc1",
            "deis.caferuis.uf2-1",
            "deis.dsts.uf2-1-uf2-2-uf2-3",
            "deis.caferuis.df3",
            "deis.dsts.df3",
        ]
    );
}

#[test]
fn a_dees_holder_raises_no_flag() {
    let report = exemptions(&deis(), &holder_of(&[("DEES", 6)], true));
    assert!(report.flags.is_empty());
    assert_eq!(report.totals, ExemptionTotals::default());
}

/// The DEIS with one more rule, read from JSON as a referential would carry it.
fn deis_with_rule(rule: serde_json::Value) -> Programme {
    let mut document: serde_json::Value =
        serde_json::from_str(crate::domain::programme::DEIS_JSON).unwrap();
    document["exemptionRules"]
        .as_array_mut()
        .unwrap()
        .push(rule);
    Programme::from_json(&document.to_string()).expect("the extended referential is valid")
}

fn experienced_rule() -> serde_json::Value {
    serde_json::json!({
        "id": "test.deass-and-experience", "kind": "ALLEGEMENT", "domainCode": "DC2",
        "unitCodes": ["UF2.1"], "minHoursReduced": 50, "maxHoursReduced": 80,
        "condition": { "qualificationAndExperience": {
            "codes": ["DEASS"], "minFteMonths": 24, "experienceKinds": ["SALARIED"],
            "afterQualification": true, "currentlyEmployed": true } },
        "conditionText": "Titulaire du DEASS, avec deux ans d'expérience depuis, toujours en poste.",
        "legalReference": "Règle de test", "discretionary": false, "reviewReason": null,
        "evidence": { "kinds": ["DIPLOMA"], "experienceKinds": ["EMPLOYER_CERTIFICATE"],
            "description": "le diplôme et une attestation d'employeur" }
    })
}

fn deass_holder(obtained: &str, start: &str, end: Option<&str>, certified: bool) -> Profile {
    let mut profile = profile_on("2025-01-01");
    profile
        .qualifications
        .push(qualification("q1", "DEASS", Some(6), Some(obtained)));
    profile.evidence.push(diploma_of("f1", "q1"));
    profile
        .experiences
        .push(experience("e1", start, end, &["DC2.1"]));
    if certified {
        profile
            .evidence
            .push(crate::domain::profile::ProfileEvidence {
                id: "f2".into(),
                kind: crate::domain::experience::EvidenceKind::EmployerCertificate,
                experience_ids: vec!["e1".into()],
                qualification_ids: Vec::new(),
                prior_validation_ids: Vec::new(),
                competences: Vec::new(),
            });
    }
    profile
}

#[test]
fn a_diploma_with_enough_current_experience_after_it_meets_the_rule_and_both_proofs_justify_it() {
    let p = deis_with_rule(experienced_rule());
    let flagged = |profile: &Profile| {
        exemptions(&p, profile)
            .flags
            .into_iter()
            .find(|f| f.rule_id == "test.deass-and-experience")
            .map(|f| f.status)
    };
    assert_eq!(
        flagged(&deass_holder("2018-06-30", "2018-09-01", None, true)),
        Some(ExemptionStatus::Justified)
    );
    assert_eq!(
        flagged(&deass_holder("2018-06-30", "2018-09-01", None, false)),
        Some(ExemptionStatus::Unproven),
        "the employer's certificate is missing"
    );
    assert_eq!(
        flagged(&deass_holder(
            "2018-06-30",
            "2018-09-01",
            Some("2023-12-31"),
            true
        )),
        None,
        "no longer employed"
    );
    assert_eq!(
        flagged(&deass_holder("2023-06-30", "2018-09-01", None, true)),
        None,
        "only 18 months after the diploma"
    );
}

#[test]
fn a_domain_validated_in_another_programme_meets_a_rule_naming_that_programme() {
    let p = deis_with_rule(serde_json::json!({
        "id": "test.equivalence", "kind": "DISPENSE", "domainCode": "DC3", "unitCodes": [],
        "minHoursReduced": 150, "maxHoursReduced": 150,
        "condition": { "priorValidation": { "programmeCode": "RNCP37507", "domainCode": "BC04" } },
        "conditionText": "Le bloc 4 de RNCP37507 est équivalent.", "legalReference": "France compétences, correspondances",
        "discretionary": false, "reviewReason": null,
        "evidence": { "kinds": ["JURY_DECISION"], "description": "le relevé de décisions" }
    }));
    let mut profile = profile_on("2025-01-01");
    let mut validation = prior_validation("v1", "BC04", true);
    validation.programme_code = crate::domain::codes::ProgrammeCode::parse("RNCP37507").unwrap();
    profile.prior_validations.push(validation);
    let report = exemptions(&p, &profile);
    let flag = report
        .flags
        .iter()
        .find(|f| f.rule_id == "test.equivalence")
        .expect("the equivalence is raised");
    assert_eq!(flag.status, ExemptionStatus::Justified);
    assert!(
        flag.explanation.contains("BC04 de RNCP37507"),
        "{}",
        flag.explanation
    );
    // The same domain code of this programme does not meet it.
    let mut own = profile_on("2025-01-01");
    own.prior_validations
        .push(prior_validation("v1", "DC3", true));
    assert!(
        !exemptions(&p, &own)
            .flags
            .iter()
            .any(|f| f.rule_id == "test.equivalence")
    );
}

#[test]
fn a_qualification_version_is_read_from_its_declaration_before_its_date() {
    let mut profile = holder_of(&[("CAFERUIS", 6)], true);
    profile.qualifications[0].obtained_on = Some(date("2023-06-30"));
    let ids = |profile: &Profile| -> Vec<String> {
        exemptions(&deis(), profile)
            .flags
            .into_iter()
            .map(|f| f.rule_id)
            .collect()
    };
    assert!(
        ids(&profile)
            .iter()
            .all(|id| id.starts_with("deis.caferuis-2022."))
    );
    profile.qualifications[0].version = Some("2004".into());
    assert!(
        ids(&profile)
            .iter()
            .all(|id| id.starts_with("deis.caferuis."))
    );
}
