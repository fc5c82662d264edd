//! Full-text search of evidence: a file matches by its own title or name, by the text of an
//! experience it supports or by the justification of a claim of that experience; each file
//! once, within what the viewer may read.

use acquis::domain::policy::Role;
use serde_json::{Value, json};

use crate::support::command::acquis_cli;
use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app, spawn_app_with};

const SEARCH: &str = "query($q: String!, $first: Int, $after: String, $domain: String) {
    searchEvidence(query: $q, first: $first, after: $after, domainCode: $domain) {
        totalCount totalCountIsExact pageInfo { hasNextPage endCursor } edges { cursor node { id title } } } }";

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
    assert_eq!(second["totalCount"], 2);
    let past_the_end = search(
        &app,
        &alice,
        "évaluation",
        1,
        second["pageInfo"]["endCursor"].clone(),
        Value::Null,
    )
    .await;
    assert_eq!(
        (
            past_the_end["edges"].clone(),
            past_the_end["totalCount"].clone()
        ),
        (json!([]), json!(2)),
        "a page past the last match still tells how many there are"
    );
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

#[tokio::test]
async fn edits_and_deletions_change_what_a_search_finds_at_once() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let dossier = app.create_dossier(&alice, None).await;
    let found = |q: &'static str| {
        let (app, alice) = (&app, &alice);
        async move { titles(&search(app, alice, q, 20, Value::Null, Value::Null).await) }
    };
    let claim = |experience: String, justification: &'static str| {
        let (app, alice) = (&app, &alice);
        async move {
            let claims = app
                .data(alice, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
                    json!({ "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": justification }] } }))
                .await;
            assert_eq!(claims["claimCompetences"]["userErrors"], json!([]));
        }
    };
    let coordination = experience(
        &app,
        &alice,
        &dossier,
        "Coordinatrice",
        "Pilotage du diagnostic territorial",
    )
    .await;
    claim(coordination.clone(), "Évaluation interne des pratiques").await;
    upload(
        &app,
        &alice,
        &dossier,
        "Rapport d'activité",
        Some(&coordination),
        &["DC1.1"],
    )
    .await;
    let attestation = upload(&app, &alice, &dossier, "Attestation employeur", None, &[]).await;
    assert_eq!(found("pilotage").await, ["Rapport d'activité"]);
    assert_eq!(found("évaluation").await, ["Rapport d'activité"]);

    // A new description and new claims replace the old text.
    let update = app
        .data(&alice, "mutation($i: UpdateExperienceInput!) { updateExperience(input: $i) { userErrors { code } } }",
            json!({ "i": { "id": coordination, "description": "Animation du réseau partenarial" } }))
        .await;
    assert_eq!(update["updateExperience"]["userErrors"], json!([]));
    claim(coordination.clone(), "Conduite de projet").await;
    assert_eq!(found("pilotage").await, Vec::<String>::new());
    assert_eq!(found("évaluation").await, Vec::<String>::new());
    assert_eq!(found("animation").await, ["Rapport d'activité"]);
    assert_eq!(found("conduite").await, ["Rapport d'activité"]);

    // A deleted file, and the text of a deleted experience and of its claims, are gone.
    let delete = |operation: &'static str, id: String| {
        let (app, alice) = (&app, &alice);
        async move {
            let query = format!(
                "mutation($i: DeleteInput!) {{ {operation}(input: $i) {{ userErrors {{ code }} }} }}"
            );
            let deleted = app.data(alice, &query, json!({ "i": { "id": id } })).await;
            assert_eq!(deleted[operation]["userErrors"], json!([]));
        }
    };
    delete("deleteEvidence", attestation).await;
    assert_eq!(found("attestation").await, Vec::<String>::new());
    let management = experience(&app, &alice, &dossier, "Cheffe de service", "Management").await;
    claim(management.clone(), "Budget prévisionnel").await;
    upload(
        &app,
        &alice,
        &dossier,
        "Organigramme",
        Some(&management),
        &["DC1.1"],
    )
    .await;
    assert_eq!(found("budget").await, ["Organigramme"]);
    delete("deleteExperience", management).await;
    assert_eq!(found("budget").await, Vec::<String>::new());
    assert_eq!(found("management").await, Vec::<String>::new());
    assert_eq!(found("organigramme").await, ["Organigramme"]);

    // An advisor's review leaves the claim's text searchable.
    let admin = app.token("admin", &[Role::Admin]);
    let assigned = app
        .data(
            &admin,
            "mutation($i: AssignInput!) { assignAdvisor(input: $i) { userErrors { code } } }",
            json!({ "i": { "dossierId": dossier, "subject": "advisor" } }),
        )
        .await;
    assert_eq!(assigned["assignAdvisor"]["userErrors"], json!([]));
    let submitted = app
        .data(&alice, "mutation($i: DossierTransitionInput!) { submitDossier(input: $i) { userErrors { code } } }",
            json!({ "i": { "dossierId": dossier } }))
        .await;
    assert_eq!(submitted["submitDossier"]["userErrors"], json!([]));
    let advisor = app.token("advisor", &[Role::Advisor]);
    let review = app
        .data(&advisor, "mutation($i: ReviewClaimInput!) { reviewClaim(input: $i) { userErrors { code } } }",
            json!({ "i": { "experienceId": coordination, "competenceCode": "DC1.1", "agrees": true, "comment": "Étayé" } }))
        .await;
    assert_eq!(review["reviewClaim"]["userErrors"], json!([]));
    assert_eq!(found("conduite").await, ["Rapport d'activité"]);
    assert_eq!(
        titles(&search(&app, &advisor, "conduite", 20, Value::Null, Value::Null).await),
        ["Rapport d'activité"]
    );
}

fn ranked_titles(result: &Value) -> Vec<String> {
    result["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"]["title"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn the_best_matches_come_first_page_after_page_and_a_search_past_what_it_gathers_says_its_total_is_a_lower_bound()
 {
    let app = spawn_app_with(|config| config.search_gather_per_source = 3).await;
    let alice = app.candidate("alice");
    let dossier = app.create_dossier(&alice, None).await;
    let once = "Compte rendu annuel de l'évaluation du projet de service";
    let thrice = "Évaluation : évaluations croisées et auto-évaluation";
    upload(&app, &alice, &dossier, once, None, &[]).await;
    upload(&app, &alice, &dossier, thrice, None, &[]).await;
    upload(&app, &alice, &dossier, "Organigramme", None, &[]).await;

    let ranked = search(&app, &alice, "évaluation", 20, Value::Null, Value::Null).await;
    assert_eq!(ranked_titles(&ranked), [thrice, once], "{ranked:#}");
    assert_eq!(
        (
            ranked["totalCount"].clone(),
            ranked["totalCountIsExact"].clone()
        ),
        (json!(2), json!(true))
    );
    // Page by page, the same order; the cursor carries the rank.
    let first = search(&app, &alice, "évaluation", 1, Value::Null, Value::Null).await;
    let second = search(
        &app,
        &alice,
        "évaluation",
        1,
        first["pageInfo"]["endCursor"].clone(),
        Value::Null,
    )
    .await;
    assert_eq!(
        [ranked_titles(&first), ranked_titles(&second)].concat(),
        [thrice, once]
    );
    assert_eq!(second["pageInfo"]["hasNextPage"], false);
    // A list's cursor is not a place in a ranking.
    let listed = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { evidence(first: 1) { pageInfo { endCursor } } } }",
            json!({ "id": dossier }),
        )
        .await;
    let refused = app
        .gql(
            Some(&alice),
            SEARCH,
            json!({ "q": "évaluation", "after": listed["dossier"]["evidence"]["pageInfo"]["endCursor"] }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["reason"], "INVALID_CURSOR",
        "{refused:#}"
    );

    // Five files match where the search gathers three from each source (and one more, which
    // tells it there were more): the total is what it gathered, flagged as a lower bound, and
    // the pages hold exactly that many files, each once.
    for i in 0..5 {
        upload(
            &app,
            &alice,
            &dossier,
            &format!("Attestation employeur {i}"),
            None,
            &[],
        )
        .await;
    }
    let mut seen = Vec::new();
    let mut after = Value::Null;
    let total = loop {
        let page = search(&app, &alice, "attestation", 2, after, Value::Null).await;
        assert_eq!(page["totalCountIsExact"], false, "{page:#}");
        seen.extend(ranked_titles(&page));
        if page["pageInfo"]["hasNextPage"] == false {
            break page["totalCount"].as_u64().unwrap();
        }
        after = page["pageInfo"]["endCursor"].clone();
    };
    assert_eq!(total, 4);
    assert_eq!(seen.len(), 4, "{seen:?}");
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 4, "each file once: {seen:?}");
    // Narrowed to a domain none of them supports, nothing is left, but the search still says
    // it stopped gathering.
    let narrowed = search(&app, &alice, "attestation", 20, Value::Null, json!("DC1")).await;
    assert_eq!(
        (
            narrowed["totalCount"].clone(),
            narrowed["totalCountIsExact"].clone()
        ),
        (json!(0), json!(false))
    );
    // Lists always count exactly.
    let evidence = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { evidence { totalCount totalCountIsExact } } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(
        evidence["dossier"]["evidence"],
        json!({ "totalCount": 8, "totalCountIsExact": true })
    );
}

/// The number in `acquis sweep`'s "merged the search index in N steps".
fn merge_steps(output: &str) -> u32 {
    let (_, after) = output
        .split_once("merged the search index in ")
        .unwrap_or_else(|| panic!("no merge line in {output}"));
    after.split_whitespace().next().unwrap().parse().unwrap()
}

#[tokio::test]
async fn acquis_sweep_merges_the_search_index_that_separate_writes_left_in_pieces_and_every_file_is_still_found()
 {
    let app = spawn_app().await;
    let token = app.candidate("cand-merge");
    let dossier = app.create_dossier(&token, None).await;
    // Each experience and each file is its own transaction, so its own full-text segment.
    let mut files = Vec::new();
    for i in 0..3 {
        let place = experience(
            &app,
            &token,
            &dossier,
            &format!("Coordination numéro {i}"),
            "Diagnostic partagé avec les partenaires",
        )
        .await;
        files.push(
            upload(
                &app,
                &token,
                &dossier,
                &format!("Compte rendu {i}"),
                Some(&place),
                &[],
            )
            .await,
        );
    }
    let (success, first) = acquis_cli(&app, &["sweep"]).await;
    assert!(success, "{first}");
    let (success, second) = acquis_cli(&app, &["sweep"]).await;
    assert!(success, "{second}");
    if app.config.database_url.starts_with("postgres") {
        // GIN indexes merge themselves: the sweep has nothing to do there.
        assert_eq!((merge_steps(&first), merge_steps(&second)), (0, 0));
    } else {
        assert!(merge_steps(&first) > 0, "{first}");
        assert_eq!(merge_steps(&second), 0, "{second}");
    }
    for q in ["diagnostic", "compte rendu", "coordination"] {
        let found = search(&app, &token, q, 10, Value::Null, Value::Null).await;
        assert_eq!(found["totalCount"], 3, "{q}: {found:#}");
    }
}
