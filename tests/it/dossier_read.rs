//! A `dossier` read brings the page of experiences it shows, with their claims, files and the
//! files' competences, in the statement that reads the dossier. These tests check that what it
//! returns is what field-by-field loading returns, page by page.

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const NODE: &str = "totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title organisation kind startDate endDate workingTimePercent description
        claims { competence { code domain { code } } selfAssessment justification advisorAgrees advisorComment }
        evidence { id kind title fileName contentType size sha256 uploadedAt competences { code } } } }";

/// One `experiences` selection: served by the dossier read.
fn read_together() -> String {
    format!(
        "query($id: ID!, $first: Int, $after: String) {{ dossier(id: $id) {{ id status
            experiences(first: $first, after: $after) {{ {NODE} }} }} }}"
    )
}

/// The same selection beside a second `experiences` field: the dossier read leaves both to the
/// per-field loaders.
fn read_field_by_field() -> String {
    format!(
        "query($id: ID!, $first: Int, $after: String) {{ dossier(id: $id) {{ id status
            experiences(first: $first, after: $after) {{ {NODE} }}
            other: experiences(first: 1) {{ totalCount }} }} }}"
    )
}

fn experience(title: &str, start: &str) -> Value {
    json!({ "title": title, "organisation": "CCAS", "kind": "SALARIED", "startDate": start, "endDate": "2020-12-31", "workingTimePercent": 80, "description": "Pilotage" })
}

async fn claim(app: &TestApp, token: &str, experience: &str, claims: Value) {
    let data = app
        .data(token, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
            json!({ "i": { "experienceId": experience, "claims": claims } }))
        .await;
    assert_eq!(data["claimCompetences"]["userErrors"], json!([]));
}

async fn upload(app: &TestApp, token: &str, input: Value) -> String {
    let response = app.upload(token, input, "piece.pdf", pdf("piece")).await;
    let payload = &response["body"]["data"]["uploadEvidence"];
    assert_eq!(payload["userErrors"], json!([]), "{response:#}");
    payload["evidence"]["id"].as_str().unwrap().to_owned()
}

/// Three experiences: the first with a claim and a file, the second with nothing, the third
/// with two claims, a file of its own and the first file linked to it as well.
async fn dossier_of_three(app: &TestApp, token: &str) -> (String, Vec<String>) {
    let dossier = app.create_dossier(token, None).await;
    let mut experiences = Vec::new();
    for (title, start) in [
        ("Chargée d'études", "2015-01-01"),
        ("Coordinatrice", "2017-01-01"),
        ("Cheffe de projet", "2019-01-01"),
    ] {
        experiences.push(
            app.add_experience(token, &dossier, experience(title, start))
                .await,
        );
    }
    claim(app, token, &experiences[0], json!([{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic territorial" }])).await;
    claim(app, token, &experiences[2], json!([
        { "competenceCode": "DC3.2", "selfAssessment": "PARTIAL" },
        { "competenceCode": "DC2.1", "selfAssessment": "ACQUIRED", "justification": "Conduite de projet" }])).await;
    let shared = upload(app, token, json!({ "dossierId": dossier, "kind": "EMPLOYER_CERTIFICATE", "title": "Attestation", "experienceId": experiences[0], "competenceCodes": ["DC1.1", "DC2.1"] })).await;
    upload(app, token, json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport", "experienceId": experiences[2] })).await;
    let link = app
        .data(token, "mutation($i: LinkEvidenceInput!) { linkEvidence(input: $i) { userErrors { code } } }",
            json!({ "i": { "evidenceId": shared, "experienceId": experiences[2], "competenceCodes": ["DC1.1", "DC2.1"] } }))
        .await;
    assert_eq!(link["linkEvidence"]["userErrors"], json!([]));
    (dossier, experiences)
}

async fn page(
    app: &TestApp,
    token: &str,
    query: &str,
    id: &str,
    first: i32,
    after: Value,
) -> Value {
    app.data(
        token,
        query,
        json!({ "id": id, "first": first, "after": after }),
    )
    .await["dossier"]["experiences"]
        .clone()
}

#[tokio::test]
async fn each_page_of_experiences_shows_its_own_claims_and_files_as_field_by_field_loading_does() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, experiences) = dossier_of_three(&app, &alice).await;

    let first = page(&app, &alice, &read_together(), &dossier, 2, Value::Null).await;
    assert_eq!(first["totalCount"], 3);
    assert_eq!(first["pageInfo"]["hasNextPage"], true);
    assert_eq!(first["pageInfo"]["hasPreviousPage"], false);
    let nodes: Vec<&Value> = first["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .collect();
    assert_eq!(
        nodes
            .iter()
            .map(|n| n["id"].as_str().unwrap())
            .collect::<Vec<_>>(),
        experiences[..2]
    );
    assert_eq!(
        nodes[0]["claims"],
        json!([{ "competence": { "code": "DC1.1", "domain": { "code": "DC1" } }, "selfAssessment": "ACQUIRED", "justification": "Diagnostic territorial", "advisorAgrees": null, "advisorComment": null }])
    );
    assert_eq!(nodes[0]["evidence"][0]["title"], "Attestation");
    assert_eq!(nodes[0]["evidence"][0]["contentType"], "application/pdf");
    assert_eq!(
        nodes[0]["evidence"][0]["competences"],
        json!([{ "code": "DC1.1" }, { "code": "DC2.1" }])
    );
    assert_eq!(
        (nodes[1]["claims"].clone(), nodes[1]["evidence"].clone()),
        (json!([]), json!([]))
    );

    let after = first["pageInfo"]["endCursor"].clone();
    let second = page(&app, &alice, &read_together(), &dossier, 2, after.clone()).await;
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    assert_eq!(second["pageInfo"]["hasPreviousPage"], true);
    let last = &second["edges"][0]["node"];
    assert_eq!(last["id"], experiences[2].as_str());
    let codes: Vec<&str> = last["claims"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["competence"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["DC2.1", "DC3.2"], "claims in competence order");
    let titles: Vec<&str> = last["evidence"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["title"].as_str().unwrap())
        .collect();
    assert_eq!(
        titles,
        ["Attestation", "Rapport"],
        "files in upload order, the shared one included"
    );
    assert_eq!(last["evidence"][1]["competences"], json!([]));

    for (first_n, after) in [
        (2, Value::Null),
        (2, after),
        (0, Value::Null),
        (100, Value::Null),
    ] {
        assert_eq!(
            page(
                &app,
                &alice,
                &read_together(),
                &dossier,
                first_n,
                after.clone()
            )
            .await,
            page(
                &app,
                &alice,
                &read_field_by_field(),
                &dossier,
                first_n,
                after.clone()
            )
            .await,
            "first {first_n} after {after}"
        );
    }
}

#[tokio::test]
async fn the_dossier_read_gives_nothing_of_a_dossier_to_someone_who_may_not_see_it() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = dossier_of_three(&app, &alice).await;
    let mallory = app.candidate("mallory");
    let response = app
        .gql(
            Some(&mallory),
            &read_together(),
            json!({ "id": dossier, "first": 10 }),
        )
        .await;
    assert_eq!(response, json!({ "data": { "dossier": null } }));
}

#[tokio::test]
async fn invalid_page_arguments_are_refused_as_before_the_dossier_read() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = dossier_of_three(&app, &alice).await;
    for (first, after, code) in [
        (101, Value::Null, "INVALID_PAGE_SIZE"),
        (-1, Value::Null, "INVALID_PAGE_SIZE"),
        (2, json!("not-a-cursor"), "INVALID_CURSOR"),
    ] {
        let response = app
            .gql(
                Some(&alice),
                &read_together(),
                json!({ "id": dossier, "first": first, "after": after }),
            )
            .await;
        assert_eq!(
            response["errors"][0]["extensions"]["reason"], code,
            "{response:#}"
        );
        assert_eq!(
            response["errors"][0]["path"],
            json!(["dossier", "experiences"]),
            "{response:#}"
        );
    }
}
