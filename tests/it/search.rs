//! Full-text search of evidence: a file matches by its own title or name, by the text of an
//! experience it supports or by the justification of a claim of that experience; each file
//! once, within what the viewer may read.

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const SEARCH: &str = "query($q: String!, $first: Int, $after: String, $domain: String) {
    searchEvidence(query: $q, first: $first, after: $after, domainCode: $domain) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { id title } } } }";

async fn upload(
    app: &TestApp,
    token: &str,
    dossier: &str,
    title: &str,
    experience: Option<&str>,
    codes: &[&str],
) -> String {
    let input = json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": title, "experienceId": experience, "competenceCodes": codes });
    let response = app.upload(token, input, "piece.pdf", pdf(title)).await;
    let payload = &response["body"]["data"]["uploadEvidence"];
    assert_eq!(payload["userErrors"], json!([]), "{response:#}");
    payload["evidence"]["id"].as_str().unwrap().to_owned()
}

async fn experience(
    app: &TestApp,
    token: &str,
    dossier: &str,
    title: &str,
    description: &str,
) -> String {
    app.add_experience(token, dossier, json!({ "title": title, "organisation": "CCAS", "kind": "SALARIED", "startDate": "2018-01-01", "endDate": "2020-01-01", "workingTimePercent": 100, "description": description }))
        .await
}

async fn search(
    app: &TestApp,
    token: &str,
    q: &str,
    first: i32,
    after: Value,
    domain: Value,
) -> Value {
    app.data(
        token,
        SEARCH,
        json!({ "q": q, "first": first, "after": after, "domain": domain }),
    )
    .await["searchEvidence"]
        .clone()
}

fn titles(result: &Value) -> Vec<String> {
    let mut titles: Vec<String> = result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect();
    titles.sort();
    titles
}

#[tokio::test]
async fn a_file_is_found_by_its_title_its_experience_or_its_claims_once_and_only_by_who_may_read_it()
 {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let dossier = app.create_dossier(&alice, None).await;
    let coordination = experience(
        &app,
        &alice,
        &dossier,
        "Coordinatrice",
        "Pilotage du diagnostic territorial",
    )
    .await;
    let management = experience(
        &app,
        &alice,
        &dossier,
        "Cheffe de service",
        "Management d'équipe",
    )
    .await;
    let claims = app
        .data(&alice, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
            json!({ "i": { "experienceId": management, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Évaluation interne des pratiques" }] } }))
        .await;
    assert_eq!(claims["claimCompetences"]["userErrors"], json!([]));
    upload(
        &app,
        &alice,
        &dossier,
        "Attestation employeur",
        Some(&management),
        &["DC1.1"],
    )
    .await;
    upload(
        &app,
        &alice,
        &dossier,
        "Rapport d'activité",
        Some(&coordination),
        &["DC2.1"],
    )
    .await;
    upload(
        &app,
        &alice,
        &dossier,
        "Compte rendu d'évaluation",
        None,
        &["DC3.1"],
    )
    .await;

    let bob = app.candidate("bob");
    let other = app.create_dossier(&bob, None).await;
    upload(
        &app,
        &bob,
        &other,
        "Diagnostic territorial de Bob",
        None,
        &[],
    )
    .await;

    // By the experience's description only.
    assert_eq!(
        titles(&search(&app, &alice, "diagnostic", 20, Value::Null, Value::Null).await),
        ["Rapport d'activité"]
    );
    // By the file's own title, plural and singular alike.
    assert_eq!(
        titles(&search(&app, &alice, "attestations", 20, Value::Null, Value::Null).await),
        ["Attestation employeur"]
    );
    // By a claim's justification and by a title, each file once.
    let evaluation = search(&app, &alice, "évaluation", 20, Value::Null, Value::Null).await;
    assert_eq!(evaluation["totalCount"], 2);
    assert_eq!(
        titles(&evaluation),
        ["Attestation employeur", "Compte rendu d'évaluation"]
    );
    // Pages keep the total and split the files.
    let first = search(&app, &alice, "évaluation", 1, Value::Null, Value::Null).await;
    assert_eq!(
        (
            first["totalCount"].clone(),
            first["pageInfo"]["hasNextPage"].clone()
        ),
        (json!(2), json!(true))
    );
    let second = search(
        &app,
        &alice,
        "évaluation",
        1,
        first["pageInfo"]["endCursor"].clone(),
        Value::Null,
    )
    .await;
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    let mut both = [titles(&first), titles(&second)].concat();
    both.sort();
    assert_eq!(both, ["Attestation employeur", "Compte rendu d'évaluation"]);
    // A domain keeps the files supporting one of its competences.
    assert_eq!(
        titles(&search(&app, &alice, "évaluation", 20, Value::Null, json!("DC1")).await),
        ["Attestation employeur"]
    );
    // Nobody finds what they may not read.
    assert_eq!(
        titles(&search(&app, &bob, "diagnostic", 20, Value::Null, Value::Null).await),
        ["Diagnostic territorial de Bob"]
    );
    assert_eq!(
        search(&app, &bob, "évaluation", 20, Value::Null, Value::Null).await["totalCount"],
        0
    );
}
