//! The whole path of a dossier, from the candidate to the jury's decision, and the ledger of
//! validated domains that a later dossier inherits.

use acquis::domain::policy::Role;
use serde_json::{Value, json};

use crate::support::files::{pdf, sha256_hex};
use crate::support::{TestApp, spawn_app};

async fn mutate(
    app: &TestApp,
    token: &str,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let query = format!(
        "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ code message }} }} }}"
    );
    let data = app.data(token, &query, json!({ "input": input })).await;
    data[name].clone()
}

async fn ok(
    app: &TestApp,
    token: &str,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let payload = mutate(app, token, name, input_type, input, selection).await;
    assert_eq!(payload["userErrors"], json!([]), "{name}: {payload:#}");
    payload
}

#[tokio::test]
async fn a_dossier_goes_from_the_candidate_to_a_partial_decision_that_later_dossiers_inherit() {
    let app = spawn_app().await;
    let claire = app.candidate("claire");
    let admin = app.token("admin-1", &[Role::Admin]);
    let advisor = app.token("advisor-1", &[Role::Advisor]);
    let jury1 = app.token("jury-1", &[Role::Jury]);
    let jury2 = app.token("jury-2", &[Role::Jury]);

    // The candidate builds and submits.
    let dossier = app.create_dossier(&claire, None).await;
    let exp = app
        .add_experience(&claire, &dossier, json!({ "title": "Chargée de mission", "organisation": "Conseil départemental", "kind": "SALARIED",
            "startDate": "2016-01-01", "workingTimePercent": 100, "description": "Conduite de l'évaluation interne des établissements médico-sociaux" }))
        .await;
    ok(&app, &claire, "claimCompetences", "ClaimCompetencesInput", json!({ "experienceId": exp, "claims": [
        { "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic territorial partagé" },
        { "competenceCode": "DC2.3", "selfAssessment": "ACQUIRED", "justification": "Pilotage de démarches évaluatives" } ] }), "experience { id }").await;
    let qualification = ok(&app, &claire, "addQualification", "AddQualificationInput",
        json!({ "dossierId": dossier, "code": "CAFERUIS", "title": "CAFERUIS", "level": 6, "obtainedOn": "2014-06-30" }), "qualification { id }").await;
    let diploma = app.upload(&claire, json!({ "dossierId": dossier, "kind": "DIPLOMA", "title": "Diplôme CAFERUIS", "qualificationId": qualification["qualification"]["id"] }), "caferuis.pdf", pdf("CAFERUIS")).await;
    assert_eq!(
        diploma["body"]["data"]["uploadEvidence"]["userErrors"],
        json!([]),
        "{diploma:#}"
    );
    let report_bytes = pdf("Rapport d'évaluation");
    let report = app.upload(&claire, json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport", "experienceId": exp, "competenceCodes": ["DC2.3"] }), "rapport.pdf", report_bytes.clone()).await;
    let report_id = report["body"]["data"]["uploadEvidence"]["evidence"]["id"].clone();
    ok(
        &app,
        &claire,
        "submitDossier",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { status }",
    )
    .await;

    // A look-alike dossier of someone else, which the jury must never find.
    let other = app.candidate("other");
    let other_dossier = app.create_dossier(&other, None).await;
    app.add_experience(&other, &other_dossier, json!({ "title": "Évaluatrice", "organisation": "Ailleurs", "kind": "SALARIED", "startDate": "2018-01-01", "workingTimePercent": 100, "description": "évaluation" })).await;
    let stranger = app.upload(&other, json!({ "dossierId": other_dossier, "kind": "OTHER", "title": "Évaluation", "competenceCodes": ["DC2.3"] }), "evaluation.pdf", pdf("x")).await;
    assert_eq!(
        stranger["body"]["data"]["uploadEvidence"]["userErrors"],
        json!([])
    );

    // The admin declares it admissible and assigns an advisor and two jury members.
    let admissible = ok(
        &app,
        &admin,
        "decideAdmissibility",
        "DecideAdmissibilityInput",
        json!({ "dossierId": dossier, "admissible": true, "comment": "Recevable" }),
        "dossier { status statusComment }",
    )
    .await;
    assert_eq!(
        admissible["dossier"],
        json!({ "status": "ADMISSIBLE", "statusComment": "Recevable" })
    );
    ok(
        &app,
        &admin,
        "assignAdvisor",
        "AssignInput",
        json!({ "dossierId": dossier, "subject": "advisor-1" }),
        "dossier { id }",
    )
    .await;
    ok(
        &app,
        &admin,
        "assignJuryMember",
        "AssignInput",
        json!({ "dossierId": dossier, "subject": "jury-1" }),
        "dossier { id }",
    )
    .await;
    ok(
        &app,
        &admin,
        "assignJuryMember",
        "AssignInput",
        json!({ "dossierId": dossier, "subject": "jury-2" }),
        "dossier { id }",
    )
    .await;

    // The advisor reviews a claim and recommends an exemption.
    let caseload = app
        .data(
            &advisor,
            "{ dossiers { edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        caseload["dossiers"]["edges"],
        json!([{ "node": { "id": dossier } }])
    );
    let reviewed = ok(&app, &advisor, "reviewClaim", "ReviewClaimInput", json!({ "experienceId": exp, "competenceCode": "DC2.3", "agrees": true, "comment": "Bien étayé" }), "experience { claims { competence { code } advisorAgrees advisorComment } }").await;
    assert_eq!(
        reviewed["experience"]["claims"][1],
        json!({ "competence": { "code": "DC2.3" }, "advisorAgrees": true, "advisorComment": "Bien étayé" })
    );
    ok(&app, &advisor, "recommendExemption", "RecommendExemptionInput", json!({ "dossierId": dossier, "ruleId": "deis.caferuis.uf1-1", "recommendation": "RECOMMEND", "rationale": "Diplôme fourni" }), "dossier { id }").await;
    let flags = app.data(&advisor, "query($id: ID!) { dossier(id: $id) { exemptions { rule { id } status recommendation recommendationRationale } } }", json!({ "id": dossier })).await;
    let flag = flags["dossier"]["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"]["id"] == "deis.caferuis.uf1-1")
        .unwrap()
        .clone();
    assert_eq!(
        flag,
        json!({ "rule": { "id": "deis.caferuis.uf1-1" }, "status": "JUSTIFIED", "recommendation": "RECOMMEND", "recommendationRationale": "Diplôme fourni" })
    );

    // The jury sees nothing until the dossier is ready for it.
    let hidden = app
        .gql(
            Some(&jury1),
            "query($id: ID!) { dossier(id: $id) { id } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(hidden["data"]["dossier"], json!(null));
    ok(
        &app,
        &advisor,
        "markReadyForJury",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { status }",
    )
    .await;

    // The jury searches in French: a plural finds the singular, only in its own dossiers.
    let search = app
        .data(
            &jury1,
            "{ searchEvidence(query: \"évaluations\") { totalCount edges { node { id title } } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        search["searchEvidence"]["edges"],
        json!([{ "node": { "id": report_id, "title": "Rapport" } }]),
        "{search:#}"
    );
    let grouped = app.data(&jury1, "query($id: ID!) { dossier(id: $id) { evidence(competenceCode: \"DC2.3\") { totalCount edges { node { id downloadUrl } } } } }", json!({ "id": dossier })).await;
    assert_eq!(grouped["dossier"]["evidence"]["totalCount"], 1);
    let url = grouped["dossier"]["evidence"]["edges"][0]["node"]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let body = app
        .client
        .get(&url)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(sha256_hex(&body), sha256_hex(&report_bytes));

    // Assessments, a refused inconsistent decision, then the partial decision.
    for (token, domain, outcome) in [
        (&jury1, "DC1", "VALIDATED"),
        (&jury2, "DC2", "NOT_VALIDATED"),
        (&jury1, "DC3", "VALIDATED"),
    ] {
        ok(&app, token, "assessDomain", "AssessDomainInput", json!({ "dossierId": dossier, "domainCode": domain, "outcome": outcome, "comment": "Avis du jury" }), "dossier { id }").await;
    }
    let inconsistent = mutate(
        &app,
        &jury1,
        "recordDecision",
        "RecordDecisionInput",
        json!({ "dossierId": dossier, "outcome": "FULL" }),
        "dossier { status }",
    )
    .await;
    assert_eq!(
        inconsistent["userErrors"][0]["code"],
        "DECISION_INCONSISTENT"
    );
    let decided = ok(&app, &jury2, "recordDecision", "RecordDecisionInput", json!({ "dossierId": dossier, "outcome": "PARTIAL", "comment": "DC2 à compléter" }),
        "dossier { status decision { outcome validatedDomainCodes comment } assessments { domain { code } outcome assessor { subject } } }").await;
    assert_eq!(decided["dossier"]["status"], "DECIDED");
    assert_eq!(
        decided["dossier"]["decision"]["validatedDomainCodes"],
        json!(["DC1", "DC3"])
    );
    assert_eq!(
        decided["dossier"]["assessments"][1]["assessor"]["subject"],
        "jury-2"
    );

    // The download and every mutation are in the audit trail, which only admins read.
    let trail = app.data(&admin, "query($id: ID) { auditEvents(dossierId: $id, first: 100) { edges { node { action actorId } } } }", json!({ "id": dossier })).await;
    let actions: Vec<&str> = trail["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["action"].as_str().unwrap())
        .collect();
    for expected in [
        "dossier.created",
        "evidence.uploaded",
        "dossier.submitted",
        "dossier.declared_admissible",
        "exemption.recommended",
        "evidence.download_url_issued",
        "domain.assessed",
        "dossier.decided",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let denied = app
        .gql(Some(&jury1), "{ auditEvents { totalCount } }", json!({}))
        .await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "FORBIDDEN");

    // A new dossier of the same candidate inherits the validated domains, which are dispensed.
    let second = app.create_dossier(&claire, None).await;
    let inherited = app.data(&claire, "query($id: ID!) { dossier(id: $id) { priorValidations { domainCode verified } exemptions { rule { id kind } status } } }", json!({ "id": second })).await;
    assert_eq!(
        inherited["dossier"]["priorValidations"],
        json!([{ "domainCode": "DC1", "verified": true }, { "domainCode": "DC3", "verified": true }])
    );
    let dispensed: Vec<Value> = inherited["dossier"]["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"]["kind"] == "DISPENSE")
        .cloned()
        .collect();
    assert_eq!(
        dispensed,
        vec![
            json!({ "rule": { "id": "deis.prior.dc1", "kind": "DISPENSE" }, "status": "JUSTIFIED" }),
            json!({ "rule": { "id": "deis.prior.dc3", "kind": "DISPENSE" }, "status": "JUSTIFIED" }),
        ]
    );
}
