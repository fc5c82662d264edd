//! What an attacker tried beyond hostile documents: swapping a staged file after its check,
//! tokens not valid yet, upload placeholders that did not come from a file part, headers,
//! text that acts on a terminal, file names that display as another, absurd dates, and links
//! that outlive the right to use them.

use std::time::Duration;

use acquis::domain::policy::Role;
use bytes::Bytes;
use serde_json::{Value, json};

use crate::support::files::{pdf, pdf_of_size, sha256_hex};
use crate::support::{TestApp, spawn_app};

async fn draft(app: &TestApp, token: &str) -> (String, String) {
    let dossier = app.create_dossier(token, None).await;
    let experience = app
        .add_experience(token, &dossier, json!({ "title": "Cheffe de service", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2018-01-01", "workingTimePercent": 100 }))
        .await;
    (dossier, experience)
}

#[tokio::test]
async fn bytes_sent_to_a_staged_upload_after_its_completion_never_replace_the_checked_file() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-swap");
    let (dossier, _) = draft(&app, &alice).await;
    let genuine = pdf_of_size(200_000);
    let started = app.mutate(&alice, "startEvidenceUpload", "StartEvidenceUploadInput",
        json!({ "dossierId": dossier, "kind": "OTHER", "title": "Attestation", "fileName": "attestation.pdf", "size": genuine.len(), "sha256": sha256_hex(&genuine) }),
        "evidenceId uploadUrl").await;
    let url = started["uploadUrl"].as_str().unwrap().to_owned();
    let first = app
        .client
        .put(&url)
        .body(genuine.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), 200);

    // A second PUT announcing the same size sends its first bytes and waits.
    let (sender, receiver) = futures::channel::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    let mut sender = sender;
    let second = {
        let client = app.client.clone();
        let url = url.clone();
        let length = genuine.len();
        tokio::spawn(async move {
            client
                .put(&url)
                .header("content-length", length)
                .body(reqwest::Body::wrap_stream(receiver))
                .send()
                .await
        })
    };
    let mut swapped = b"MZ\x90\x00<html><script>alert(1)</script>".to_vec();
    swapped.resize(genuine.len(), b' ');
    use futures::SinkExt;
    sender
        .send(Ok(Bytes::copy_from_slice(&swapped[..16])))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let completed = app
        .mutate(
            &alice,
            "completeEvidenceUpload",
            "CompleteEvidenceUploadInput",
            json!({ "evidenceId": started["evidenceId"] }),
            "evidence { id sha256 contentType downloadUrl }",
        )
        .await;
    assert_eq!(completed["userErrors"], json!([]), "{completed:#}");
    assert_eq!(completed["evidence"]["sha256"], sha256_hex(&genuine));

    sender
        .send(Ok(Bytes::copy_from_slice(&swapped[16..])))
        .await
        .unwrap();
    drop(sender);
    let second = second.await.unwrap();
    if !app.uses_s3() {
        // The local route refuses bytes for an upload no longer open; S3 keeps them under the
        // staging key, which nothing serves.
        let second = second.expect("the second PUT was answered");
        assert_eq!(second.status(), 409);
    }
    let download = app
        .client
        .get(completed["evidence"]["downloadUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    let body = download.bytes().await.unwrap();
    assert_eq!(
        sha256_hex(&body),
        sha256_hex(&genuine),
        "the checked file is served"
    );
    // A fresh link, issued after the second PUT ended, serves the same bytes.
    let listed = app
        .data(&alice, "query($id: ID!) { dossier(id: $id) { evidence { edges { node { downloadUrl contentType } } } } }", json!({ "id": dossier }))
        .await;
    let node = &listed["dossier"]["evidence"]["edges"][0]["node"];
    assert_eq!(node["contentType"], "application/pdf");
    let again = app
        .client
        .get(node["downloadUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(sha256_hex(&again), sha256_hex(&genuine));
}

#[tokio::test]
async fn a_token_is_refused_until_its_nbf_and_every_refusal_says_why_in_extensions_only() {
    let app = crate::support::spawn_app_with(|config| {
        config.jwt_issuer = Some("https://idp.example".into());
        config.jwt_audience = Some("acquis".into());
    })
    .await;
    let now = chrono::Utc::now().timestamp();
    let sign = |claims: Value, secret: &[u8]| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(secret).unwrap(),
        )
        .unwrap()
    };
    let secret = crate::support::SECRET.as_bytes();
    let good = json!({ "sub": "eve", "roles": ["ADMIN"], "iss": "https://idp.example", "aud": "acquis", "iat": now, "exp": now + 3600 });
    let with = |key: &str, value: Value| {
        let mut claims = good.clone();
        claims[key] = value;
        claims
    };
    let cases = [
        (None, "TOKEN_MISSING"),
        (Some("not-a-jwt".to_owned()), "TOKEN_MALFORMED"),
        (
            Some(sign(good.clone(), b"another-secret-entirely-different")),
            "TOKEN_BAD_SIGNATURE",
        ),
        (
            Some(sign(with("exp", json!(now - 3000)), secret)),
            "TOKEN_EXPIRED",
        ),
        (
            Some(sign(with("nbf", json!(now + 3600)), secret)),
            "TOKEN_NOT_YET_VALID",
        ),
        (
            Some(sign(with("iss", json!("https://evil.example")), secret)),
            "TOKEN_WRONG_ISSUER",
        ),
        (
            Some(sign(with("aud", json!("another-service")), secret)),
            "TOKEN_WRONG_AUDIENCE",
        ),
        (
            Some(sign(with("sub", json!("eve\u{0}")), secret)),
            "TOKEN_BAD_SUBJECT",
        ),
    ];
    let mut messages = Vec::new();
    for (token, reason) in &cases {
        let answer = app
            .gql(
                token.as_deref(),
                "{ auditEvents(first: 1) { totalCount } }",
                json!({}),
            )
            .await;
        let error = &answer["errors"][0];
        assert_eq!(
            error["extensions"]["code"], "UNAUTHENTICATED",
            "{reason}: {answer:#}"
        );
        assert_eq!(error["extensions"]["reason"], *reason, "{answer:#}");
        messages.push(error["message"].clone());
    }
    messages.dedup();
    assert_eq!(
        messages.len(),
        1,
        "one message whatever the reason: {messages:?}"
    );
    let answer = app
        .gql(
            Some(&sign(good, secret)),
            "{ auditEvents(first: 1) { totalCount } }",
            json!({}),
        )
        .await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
}

#[tokio::test]
async fn an_upload_placeholder_written_in_the_query_is_a_typed_error_not_a_panic() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-placeholder");
    let literal = r##"mutation { uploadEvidence(input: { dossierId: "x", kind: OTHER, title: "x", file: "#__graphql_file__:abc" }) { evidence { id } } }"##;
    let answer = app.gql(None, literal, json!({})).await;
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("multipart"), "{answer:#}");
    let form = reqwest::multipart::Form::new()
        .text("operations", json!({ "query": literal }).to_string())
        .text("map", "{}");
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&alice)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert!(
        response.status().is_success() || response.status().is_client_error(),
        "{}",
        response.status()
    );
    let answer: Value = response.json().await.unwrap();
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("multipart"),
        "{answer:#}"
    );
    let answer = app.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query");
}

#[tokio::test]
async fn graphiql_forbids_framing_and_every_answer_forbids_sniffing() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    let csp = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(csp.contains("script-src 'self'"), "{csp}");
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    for path in [
        "/graphql?query=%7B__typename%7D",
        "/healthz",
        "/",
        "/graphiql/graphiql.min.js",
    ] {
        let response = app
            .client
            .get(format!("{}{path}", app.address))
            .send()
            .await
            .unwrap();
        assert_eq!(
            response.headers()["x-content-type-options"],
            "nosniff",
            "{path}"
        );
    }
    let post = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&json!({ "query": "{ __typename }" }))
        .send()
        .await
        .unwrap();
    assert_eq!(post.headers()["x-content-type-options"], "nosniff");
}

#[tokio::test]
async fn control_characters_in_text_are_refused_with_the_field_and_change_nothing() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-controls");
    let (dossier, experience) = draft(&app, &alice).await;
    for (title, description) in [
        ("Cheffe\u{1b}[31m de service", None),
        ("Cheffe\u{8}\u{8} de service", None),
        ("Cheffe\u{0} de service", None),
        ("Cheffe de service", Some("Bilan\u{9b}annuel")),
        ("Cheffe\nde service", None),
    ] {
        let added = app.mutate(&alice, "addExperience", "AddExperienceInput",
            json!({ "dossierId": dossier, "title": title, "organisation": "CCAS", "kind": "SALARIED", "startDate": "2019-01-01", "workingTimePercent": 100, "description": description }),
            "experience { id }").await;
        let error = &added["userErrors"][0];
        assert_eq!(error["code"], "CONTROL_CHARACTER", "{title:?}: {added:#}");
        let field = if description.is_some() {
            "description"
        } else {
            "title"
        };
        assert_eq!(error["field"], json!([field]), "{added:#}");
    }
    // Line breaks and tabs stay allowed where paragraphs are.
    let claimed = app.mutate(&alice, "claimCompetences", "ClaimCompetencesInput",
        json!({ "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic :\n\t- territoire\r\n\t- publics" }] }),
        "experience { claims { justification } }").await;
    assert_eq!(claimed["userErrors"], json!([]), "{claimed:#}");
    assert_eq!(
        claimed["experience"]["claims"][0]["justification"],
        "Diagnostic :\n\t- territoire\n\t- publics"
    );
    let count = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { experiences { totalCount } } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(count["dossier"]["experiences"]["totalCount"], 1);
}

#[tokio::test]
async fn format_characters_are_removed_from_file_names() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-bidi");
    let (dossier, _) = draft(&app, &alice).await;
    let uploaded = app
        .upload(
            &alice,
            json!({ "dossierId": dossier, "kind": "OTHER", "title": "Facture" }),
            "facture\u{202e}txt.pdf",
            pdf("facture"),
        )
        .await;
    let evidence = &uploaded["body"]["data"]["uploadEvidence"]["evidence"];
    assert_eq!(evidence["fileName"], "facturetxt.pdf", "{uploaded:#}");
    let titled = app
        .upload(
            &alice,
            json!({ "dossierId": dossier, "kind": "OTHER", "title": "Facture\u{202e}fdp" }),
            "facture.pdf",
            pdf("facture"),
        )
        .await;
    assert_eq!(
        titled["body"]["data"]["uploadEvidence"]["userErrors"][0]["code"], "BIDI_CONTROL",
        "{titled:#}"
    );
}

#[tokio::test]
async fn dates_outside_a_plausible_range_are_refused() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-dates");
    let (dossier, _) = draft(&app, &alice).await;
    let added = app.mutate(&alice, "addExperience", "AddExperienceInput",
        json!({ "dossierId": dossier, "title": "Poste", "organisation": "CCAS", "kind": "SALARIED", "startDate": "0000-01-01", "workingTimePercent": 100 }),
        "experience { id }").await;
    assert_eq!(
        added["userErrors"][0]["code"], "DATE_TOO_EARLY",
        "{added:#}"
    );
    assert_eq!(added["userErrors"][0]["field"], json!(["startDate"]));
    let qualification = app.mutate(&alice, "addQualification", "AddQualificationInput",
        json!({ "dossierId": dossier, "code": "CAFERUIS", "title": "CAFERUIS", "level": 6, "obtainedOn": "1900-06-30" }),
        "qualification { id }").await;
    assert_eq!(
        qualification["userErrors"][0]["code"], "DATE_TOO_EARLY",
        "{qualification:#}"
    );
    let created = app
        .data(&alice, "mutation($i: CreateDossierInput!) { createDossier(input: $i) { dossier { id } userErrors { field code } } }",
            json!({ "i": { "programmeCode": "DEIS", "applicationDate": "1000-01-01" } }))
        .await;
    assert_eq!(
        created["createDossier"]["userErrors"][0]["code"], "DATE_TOO_EARLY",
        "{created:#}"
    );
    let count = app
        .data(&alice, "query($id: ID!) { dossier(id: $id) { experiences { totalCount } qualifications { id } } }", json!({ "id": dossier }))
        .await;
    assert_eq!(count["dossier"]["experiences"]["totalCount"], 1);
    assert_eq!(count["dossier"]["qualifications"], json!([]));
}

#[tokio::test]
async fn an_admissibility_comment_is_bounded_like_every_other_free_text() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-comment");
    let admin = app.token("admin-comment", &[Role::Admin]);
    let (dossier, experience) = draft(&app, &alice).await;
    app.mutate(&alice, "claimCompetences", "ClaimCompetencesInput",
        json!({ "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] }), "experience { id }").await;
    let submitted = app
        .mutate(
            &alice,
            "submitDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
            "dossier { status }",
        )
        .await;
    assert_eq!(submitted["userErrors"], json!([]), "{submitted:#}");
    let decided = app
        .mutate(
            &admin,
            "decideAdmissibility",
            "DecideAdmissibilityInput",
            json!({ "dossierId": dossier, "admissible": true, "comment": "x".repeat(1 << 20) }),
            "dossier { status }",
        )
        .await;
    assert_eq!(decided["userErrors"][0]["code"], "TOO_LONG", "{decided:#}");
    let status = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { status } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(status["dossier"]["status"], "SUBMITTED");
}

#[tokio::test]
async fn a_download_link_stops_working_once_the_dossier_is_withdrawn() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-withdrawn");
    let admin = app.token("admin-withdrawn", &[Role::Admin]);
    let jury = app.token("jury-withdrawn", &[Role::Jury]);
    let (dossier, experience) = draft(&app, &alice).await;
    app.mutate(&alice, "claimCompetences", "ClaimCompetencesInput",
        json!({ "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] }), "experience { id }").await;
    let uploaded = app
        .upload(&alice, json!({ "dossierId": dossier, "kind": "OTHER", "title": "Attestation", "experienceId": experience, "competenceCodes": ["DC1.1"] }), "attestation.pdf", pdf("attestation"))
        .await;
    assert_eq!(
        uploaded["body"]["data"]["uploadEvidence"]["userErrors"],
        json!([]),
        "{uploaded:#}"
    );
    app.mutate(
        &alice,
        "submitDossier",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { status }",
    )
    .await;
    app.mutate(
        &admin,
        "decideAdmissibility",
        "DecideAdmissibilityInput",
        json!({ "dossierId": dossier, "admissible": true }),
        "dossier { status }",
    )
    .await;
    app.mutate(
        &admin,
        "assignJuryMember",
        "AssignInput",
        json!({ "dossierId": dossier, "subject": "jury-withdrawn" }),
        "dossier { id }",
    )
    .await;
    let ready = app
        .mutate(
            &admin,
            "markReadyForJury",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
            "dossier { status }",
        )
        .await;
    assert_eq!(ready["dossier"]["status"], "READY_FOR_JURY", "{ready:#}");
    let listed = app
        .data(
            &jury,
            "query($id: ID!) { dossier(id: $id) { evidence { edges { node { downloadUrl } } } } }",
            json!({ "id": dossier }),
        )
        .await;
    let url = listed["dossier"]["evidence"]["edges"][0]["node"]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 200);
    let withdrawn = app
        .mutate(
            &admin,
            "withdrawDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
            "dossier { status }",
        )
        .await;
    assert_eq!(withdrawn["dossier"]["status"], "WITHDRAWN", "{withdrawn:#}");
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 404);
}
