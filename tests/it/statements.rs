//! Nested lists are loaded in batches: the SQL statements of the jury read do not grow with
//! the number of experiences (the count comes from the service's own `/metrics`).

use acquis::domain::policy::Role;
use serde_json::json;

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const JURY_READ: &str = "query($id: ID!) { dossier(id: $id) { id status
    experiences(first: 100) { totalCount edges { node { id title claims { competence { code title domain { code } } selfAssessment justification advisorAgrees }
        evidence { id title fileName contentType competences { code } } } } } } }";

async fn statements(app: &TestApp) -> u64 {
    let text = app.metrics().await;
    text.lines()
        .find_map(|line| line.strip_prefix("acquis_db_statements_total "))
        .and_then(|v| v.trim().parse::<f64>().ok())
        .map(|v| v as u64)
        .expect("the statement counter is exported")
}

/// A dossier ready for the jury with `n` experiences, each with two claims and one file.
async fn dossier_with(app: &TestApp, n: usize, candidate: &str) -> String {
    let token = app.candidate(candidate);
    let admin = app.token("admin", &[Role::Admin]);
    let dossier = app.create_dossier(&token, None).await;
    for i in 0..n {
        let exp = app
            .add_experience(&token, &dossier, json!({ "title": format!("Mission {i}"), "organisation": "Département", "kind": "SALARIED", "startDate": "2015-01-01", "endDate": "2016-01-01", "workingTimePercent": 50 }))
            .await;
        app.data(&token, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
            json!({ "i": { "experienceId": exp, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic" }, { "competenceCode": "DC2.3", "selfAssessment": "PARTIAL" }] } }))
            .await;
        let upload = app.upload(&token, json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": format!("Rapport {i}"), "experienceId": exp, "competenceCodes": ["DC1.1", "DC2.3"] }), "rapport.pdf", pdf("r")).await;
        assert_eq!(
            upload["body"]["data"]["uploadEvidence"]["userErrors"],
            json!([])
        );
    }
    for (name, input_type, input) in [
        (
            "submitDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
        ),
        (
            "decideAdmissibility",
            "DecideAdmissibilityInput",
            json!({ "dossierId": dossier, "admissible": true }),
        ),
        (
            "assignJuryMember",
            "AssignInput",
            json!({ "dossierId": dossier, "subject": "jury" }),
        ),
        (
            "markReadyForJury",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
        ),
    ] {
        let who = if name == "submitDossier" {
            &token
        } else {
            &admin
        };
        let data = app.data(who, &format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}"), json!({ "i": input })).await;
        assert_eq!(data[name]["userErrors"], json!([]), "{name}");
    }
    dossier
}

async fn statements_of_jury_read(app: &TestApp, dossier: &str) -> (u64, usize) {
    let jury = app.token("jury", &[Role::Jury]);
    // Warm the per-process caches (the jury's user row) so both reads count the same work.
    app.data(&jury, "{ me { id } }", json!({})).await;
    let before = statements(app).await;
    let data = app.data(&jury, JURY_READ, json!({ "id": dossier })).await;
    let after = statements(app).await;
    let shown = data["dossier"]["experiences"]["edges"]
        .as_array()
        .unwrap()
        .len();
    (after - before, shown)
}

#[tokio::test]
async fn the_jury_read_costs_as_many_statements_for_100_experiences_as_for_10() {
    let app = spawn_app().await;
    let small = dossier_with(&app, 10, "small").await;
    let large = dossier_with(&app, 100, "large").await;
    let (at_10, shown_10) = statements_of_jury_read(&app, &small).await;
    let (at_100, shown_100) = statements_of_jury_read(&app, &large).await;
    assert_eq!((shown_10, shown_100), (10, 100));
    assert_eq!(
        at_10, at_100,
        "statements: {at_10} for 10 experiences, {at_100} for 100"
    );
    assert_eq!(
        at_10, 1,
        "the jury read is one statement, dossier and access check included"
    );
}

const ADMIN_LIST: &str = "{ dossiers(first: 50) { edges { node { id status candidate { subject }
    experiences(first: 20) { totalCount edges { node { title claims { competence { code } } } } }
    qualifications { code } priorValidations { domainCode } assessments { outcome } decision { outcome }
    evidence(first: 20) { totalCount } eligibility { admissible } exemptions { status recommendation } } } } }";

async fn statements_of_admin_list(app: &TestApp) -> (u64, usize) {
    let admin = app.token("admin", &[Role::Admin]);
    app.data(&admin, "{ me { id } }", json!({})).await;
    let before = statements(app).await;
    let data = app.data(&admin, ADMIN_LIST, json!({})).await;
    let after = statements(app).await;
    (
        after - before,
        data["dossiers"]["edges"].as_array().unwrap().len(),
    )
}

#[tokio::test]
async fn a_list_of_dossiers_with_nested_fields_costs_no_more_for_more_dossiers() {
    let app = spawn_app().await;
    for i in 0..3 {
        dossier_with(&app, 2, &format!("first-{i}")).await;
    }
    let (few, shown_few) = statements_of_admin_list(&app).await;
    for i in 0..9 {
        dossier_with(&app, 2, &format!("then-{i}")).await;
    }
    let (many, shown_many) = statements_of_admin_list(&app).await;
    assert_eq!((shown_few, shown_many), (3, 12));
    assert!(
        many <= few,
        "statements: {few} for 3 dossiers, {many} for 12"
    );
}

async fn statements_of(app: &TestApp, token: &str, query: &str) -> u64 {
    let before = statements(app).await;
    app.data(token, query, json!({})).await;
    statements(app).await - before
}

#[tokio::test]
async fn a_list_that_does_not_show_its_total_does_not_count_it() {
    let app = spawn_app().await;
    let token = app.candidate("counted");
    for i in 0..3 {
        let dossier = app.create_dossier(&token, None).await;
        let upload = app.upload(&token, json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": format!("Rapport {i}") }), "rapport.pdf", pdf("r")).await;
        assert_eq!(
            upload["body"]["data"]["uploadEvidence"]["userErrors"],
            json!([])
        );
    }
    app.data(&token, "{ me { id } }", json!({})).await;
    // A list counts in a statement of its own; a search ranks what it gathered before taking
    // its page, so its one statement counts them too, asked or not.
    for (with, without, counting) in [
        (
            "{ dossiers(first: 2) { totalCount edges { node { id } } } }",
            "{ dossiers(first: 2) { edges { node { id } } } }",
            1,
        ),
        (
            "{ searchEvidence(query: \"rapport\", first: 2) { totalCount edges { node { id } } } }",
            "{ searchEvidence(query: \"rapport\", first: 2) { edges { node { id } } } }",
            0,
        ),
    ] {
        let counted = statements_of(&app, &token, with).await;
        let uncounted = statements_of(&app, &token, without).await;
        assert_eq!(counted, uncounted + counting, "{with}");
    }
    let search = app
        .data(
            &token,
            "{ searchEvidence(query: \"rapport\", first: 2) { totalCount pageInfo { endCursor } } }",
            json!({}),
        )
        .await;
    assert_eq!(search["searchEvidence"]["totalCount"], 3);
    let total = app
        .data(
            &token,
            "{ dossiers(first: 2) { total: totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(
        total["dossiers"]["total"], 3,
        "an alias still asks for the total"
    );
}

#[tokio::test]
async fn download_links_in_the_jury_read_cost_one_audit_write_and_nothing_else() {
    let app = spawn_app().await;
    let dossier = dossier_with(&app, 3, "links").await;
    let jury = app.token("jury", &[Role::Jury]);
    app.data(&jury, "{ me { id } }", json!({})).await;
    let query = "query($id: ID!) { dossier(id: $id) { experiences(first: 10) { edges { node { evidence { id downloadUrl } } } } } }";
    let before = statements(&app).await;
    let data = app.data(&jury, query, json!({ "id": dossier })).await;
    let after = statements(&app).await;
    let urls = data["dossier"]["experiences"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["node"]["evidence"].as_array().unwrap().clone())
        .filter(|f| {
            f["downloadUrl"]
                .as_str()
                .is_some_and(|u| u.starts_with("http"))
        })
        .count();
    assert_eq!(urls, 3);
    assert_eq!(
        after - before,
        2,
        "the dossier read, then one insert auditing the three links"
    );
}
