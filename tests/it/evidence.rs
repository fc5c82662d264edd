use futures::StreamExt;
use serde_json::{Value, json};

use crate::support::files::{elf, pdf, pdf_of_size, sha256_hex, zip};
use crate::support::{TestApp, spawn_app, spawn_app_with};

async fn draft_with_experience(app: &TestApp, token: &str) -> (String, String) {
    let id = app.create_dossier(token, None).await;
    let exp = app
        .add_experience(token, &id, json!({ "title": "Chargée de mission", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2019-01-01", "workingTimePercent": 100 }))
        .await;
    (id, exp)
}

fn upload_input(dossier: &str, experience: Option<&str>, codes: &[&str]) -> Value {
    json!({ "dossierId": dossier, "kind": "EMPLOYER_CERTIFICATE", "title": "Attestation employeur", "experienceId": experience, "competenceCodes": codes })
}

const EVIDENCE: &str = "query($id: ID!) { dossier(id: $id) { evidence(first: 50) { totalCount edges { node { id fileName contentType size sha256 downloadUrl competences { code } } } }
    experiences { edges { node { evidence { id } } } } } }";

async fn evidence_of(app: &TestApp, token: &str, dossier: &str) -> Value {
    app.data(token, EVIDENCE, json!({ "id": dossier })).await["dossier"].clone()
}

#[tokio::test]
async fn a_multipart_upload_streams_to_storage_and_downloads_byte_for_byte() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, exp) = draft_with_experience(&app, &alice).await;
    let bytes = pdf("Attestation employeur : 36 mois");
    let response = app
        .upload(
            &alice,
            upload_input(&dossier, Some(&exp), &["DC1.1", "DC2.3"]),
            "attestation employeur é.pdf",
            bytes.clone(),
        )
        .await;
    let evidence = &response["body"]["data"]["uploadEvidence"]["evidence"];
    assert_eq!(
        response["body"]["data"]["uploadEvidence"]["userErrors"],
        json!([]),
        "{response:#}"
    );
    assert_eq!(evidence["contentType"], "application/pdf");
    assert_eq!(evidence["size"], bytes.len());
    assert_eq!(evidence["sha256"], sha256_hex(&bytes));
    assert_eq!(
        evidence["competences"],
        json!([{ "code": "DC1.1" }, { "code": "DC2.3" }])
    );

    let listed = evidence_of(&app, &alice, &dossier).await;
    assert_eq!(listed["evidence"]["totalCount"], 1);
    assert_eq!(
        listed["experiences"]["edges"][0]["node"]["evidence"][0]["id"],
        evidence["id"]
    );

    let url = listed["evidence"]["edges"][0]["node"]["downloadUrl"]
        .as_str()
        .unwrap()
        .to_owned();
    let download = app.client.get(&url).send().await.unwrap();
    assert_eq!(download.status(), 200);
    if !app.uses_s3() {
        let disposition = download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(
            disposition.contains("filename*=UTF-8''attestation%20employeur%20%C3%A9.pdf"),
            "{disposition}"
        );
    }
    let body = download.bytes().await.unwrap();
    assert_eq!(sha256_hex(&body), sha256_hex(&bytes));
    assert_eq!(app.objects_of(&dossier).await.len(), 1);
}

#[tokio::test]
async fn a_staged_upload_is_verified_before_it_becomes_evidence() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, exp) = draft_with_experience(&app, &alice).await;
    let bytes = pdf_of_size(300_000);
    let start = app
        .data(&alice, "mutation($input: StartEvidenceUploadInput!) { startEvidenceUpload(input: $input) { evidenceId uploadUrl uploadHeaders { name value } expiresAt userErrors { code message } } }",
            json!({ "input": { "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport d'évaluation", "fileName": "rapport.pdf", "size": bytes.len(), "sha256": sha256_hex(&bytes), "experienceId": exp, "competenceCodes": ["DC2.3"] } }))
        .await;
    let staged = &start["startEvidenceUpload"];
    assert_eq!(staged["userErrors"], json!([]), "{start:#}");
    // Not visible before completion.
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
    let mut put = app
        .client
        .put(staged["uploadUrl"].as_str().unwrap())
        .body(bytes.clone());
    for header in staged["uploadHeaders"].as_array().unwrap() {
        put = put.header(
            header["name"].as_str().unwrap(),
            header["value"].as_str().unwrap(),
        );
    }
    assert!(put.send().await.unwrap().status().is_success());
    let complete = app
        .data(&alice, "mutation($input: CompleteEvidenceUploadInput!) { completeEvidenceUpload(input: $input) { evidence { id sha256 size contentType downloadUrl } userErrors { code message } } }",
            json!({ "input": { "evidenceId": staged["evidenceId"] } }))
        .await;
    let evidence = &complete["completeEvidenceUpload"]["evidence"];
    assert_eq!(evidence["id"], staged["evidenceId"], "{complete:#}");
    assert_eq!(evidence["sha256"], sha256_hex(&bytes));
    let body = app
        .client
        .get(evidence["downloadUrl"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(body.len(), bytes.len());
    assert_eq!(sha256_hex(&body), sha256_hex(&bytes));
}

async fn start_and_put(
    app: &TestApp,
    token: &str,
    dossier: &str,
    file_name: &str,
    announced: &[u8],
    sent: &[u8],
) -> Value {
    let start = app
        .data(token, "mutation($input: StartEvidenceUploadInput!) { startEvidenceUpload(input: $input) { evidenceId uploadUrl userErrors { code message } } }",
            json!({ "input": { "dossierId": dossier, "kind": "OTHER", "title": "Pièce", "fileName": file_name, "size": announced.len(), "sha256": sha256_hex(announced) } }))
        .await;
    let staged = start["startEvidenceUpload"].clone();
    assert_eq!(staged["userErrors"], json!([]), "{start:#}");
    let status = app
        .client
        .put(staged["uploadUrl"].as_str().unwrap())
        .body(sent.to_vec())
        .send()
        .await
        .unwrap()
        .status();
    assert!(status.is_success(), "{status}");
    app.data(token, "mutation($input: CompleteEvidenceUploadInput!) { completeEvidenceUpload(input: $input) { evidence { id } userErrors { code message } } }",
        json!({ "input": { "evidenceId": staged["evidenceId"] } }))
        .await["completeEvidenceUpload"]
        .clone()
}

#[tokio::test]
async fn a_wrong_checksum_discards_the_staged_upload() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let announced = pdf("original");
    let mut tampered = announced.clone();
    let last = tampered.len() - 10;
    tampered[last] ^= 0x20;
    let result = start_and_put(&app, &alice, &dossier, "piece.pdf", &announced, &tampered).await;
    assert_eq!(
        result["userErrors"][0]["code"], "CHECKSUM_MISMATCH",
        "{result:#}"
    );
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}

#[tokio::test]
async fn executables_archives_and_mismatched_names_are_rejected_and_nothing_is_stored() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("cv.pdf", elf(), "UNSUPPORTED_FILE_TYPE"),
        ("pieces.zip", zip(), "UNSUPPORTED_FILE_TYPE"),
        ("photo.png", pdf("not a png"), "EXTENSION_MISMATCH"),
        ("vide.txt", Vec::new(), "EMPTY_FILE"),
    ];
    for (name, bytes, code) in cases {
        let response = app
            .upload(&alice, upload_input(&dossier, None, &[]), name, bytes)
            .await;
        let errors = &response["body"]["data"]["uploadEvidence"]["userErrors"];
        assert_eq!(errors[0]["code"], code, "{name}: {response:#}");
        assert!(errors[0]["message"].as_str().unwrap().len() > 20);
    }
    // The staged path sniffs too, after the bytes arrive.
    let exe = elf();
    let staged = start_and_put(&app, &alice, &dossier, "cv.pdf", &exe, &exe).await;
    assert_eq!(
        staged["userErrors"][0]["code"], "UNSUPPORTED_FILE_TYPE",
        "{staged:#}"
    );
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}

#[tokio::test]
async fn an_oversized_file_is_refused_while_streaming() {
    let app = spawn_app_with(|c| c.max_upload_bytes = 64 * 1024).await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let response = app
        .upload(
            &alice,
            upload_input(&dossier, None, &[]),
            "gros.pdf",
            pdf_of_size(200 * 1024),
        )
        .await;
    assert_eq!(
        response["body"]["data"]["uploadEvidence"]["userErrors"][0]["code"], "FILE_TOO_LARGE",
        "{response:#}"
    );
    let staged = app
        .data(&alice, "mutation($input: StartEvidenceUploadInput!) { startEvidenceUpload(input: $input) { evidenceId userErrors { code message } } }",
            json!({ "input": { "dossierId": dossier, "kind": "OTHER", "title": "Gros", "fileName": "gros.pdf", "size": 200 * 1024, "sha256": "0".repeat(64) } }))
        .await;
    assert_eq!(
        staged["startEvidenceUpload"]["userErrors"][0]["code"],
        "FILE_TOO_LARGE"
    );
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}

#[tokio::test]
async fn an_unknown_competence_on_an_upload_stores_nothing() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let response = app
        .upload(
            &alice,
            upload_input(&dossier, None, &["DC4.1"]),
            "a.pdf",
            pdf("x"),
        )
        .await;
    assert_eq!(
        response["body"]["data"]["uploadEvidence"]["userErrors"][0]["code"], "UNKNOWN_COMPETENCE",
        "{response:#}"
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}

#[tokio::test]
async fn an_upload_killed_mid_way_leaves_no_row_and_no_object() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let operations = json!({
        "query": "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id } } }",
        "variables": { "input": { "dossierId": dossier, "kind": "OTHER", "title": "Coupé", "file": null } },
    });
    let boundary = "acquis-test-boundary";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.input.file\"]}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"coupe.pdf\"\r\nContent-Type: application/pdf\r\n\r\n"
    );
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(head.into_bytes()),
        Ok(pdf_of_size(100_000)),
        Err(std::io::Error::other("client killed")),
    ];
    let body = reqwest::Body::wrap_stream(futures::stream::iter(chunks).then(|c| async move {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        c
    }));
    let result = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&alice)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await;
    assert!(result.is_err() || !result.unwrap().status().is_success());
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
    assert!(app.objects_of(&dossier).await.is_empty());

    // The same for a staged upload whose PUT dies: nothing to complete, nothing stored.
    let bytes = pdf_of_size(50_000);
    let start = app
        .data(&alice, "mutation($input: StartEvidenceUploadInput!) { startEvidenceUpload(input: $input) { evidenceId uploadUrl userErrors { code } } }",
            json!({ "input": { "dossierId": dossier, "kind": "OTHER", "title": "Coupé", "fileName": "coupe.pdf", "size": bytes.len(), "sha256": sha256_hex(&bytes) } }))
        .await;
    let staged = &start["startEvidenceUpload"];
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = vec![
        Ok(bytes[..20_000].to_vec()),
        Err(std::io::Error::other("client killed")),
    ];
    let _ = app
        .client
        .put(staged["uploadUrl"].as_str().unwrap())
        .body(reqwest::Body::wrap_stream(futures::stream::iter(chunks)))
        .send()
        .await;
    let complete = app
        .data(&alice, "mutation($input: CompleteEvidenceUploadInput!) { completeEvidenceUpload(input: $input) { evidence { id } userErrors { code } } }",
            json!({ "input": { "evidenceId": staged["evidenceId"] } }))
        .await;
    assert_eq!(
        complete["completeEvidenceUpload"]["userErrors"][0]["code"], "UPLOAD_MISSING",
        "{complete:#}"
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}

#[tokio::test]
async fn deleting_evidence_removes_its_object_and_another_candidate_cannot_touch_it() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let bob = app.candidate("bob");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    let response = app
        .upload(
            &alice,
            upload_input(&dossier, None, &["DC3.1"]),
            "a.txt",
            "Compte rendu de réunion".as_bytes().to_vec(),
        )
        .await;
    let id = response["body"]["data"]["uploadEvidence"]["evidence"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        response["body"]["data"]["uploadEvidence"]["evidence"]["contentType"],
        "text/plain; charset=utf-8"
    );
    let delete = "mutation($input: DeleteInput!) { deleteEvidence(input: $input) { deletedId userErrors { code } } }";
    let denied = app
        .gql(Some(&bob), delete, json!({ "input": { "id": id } }))
        .await;
    assert_eq!(denied["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(app.objects_of(&dossier).await.len(), 1);
    let deleted = app
        .data(&alice, delete, json!({ "input": { "id": id } }))
        .await;
    assert_eq!(deleted["deleteEvidence"]["deletedId"], json!(id));
    assert!(app.objects_of(&dossier).await.is_empty());
    assert_eq!(
        evidence_of(&app, &alice, &dossier).await["evidence"]["totalCount"],
        0
    );
}

#[tokio::test]
async fn a_signed_link_expires_and_cannot_be_forged() {
    // Download links point at this service on every store (on S3 it redirects to the
    // bucket), so their expiry and signature are this service's to check.
    let app = spawn_app_with(|c| c.signed_url_ttl_secs = 1).await;
    let alice = app.candidate("alice");
    let (dossier, _) = draft_with_experience(&app, &alice).await;
    app.upload(&alice, upload_input(&dossier, None, &[]), "a.pdf", pdf("x"))
        .await;
    let url =
        evidence_of(&app, &alice, &dossier).await["evidence"]["edges"][0]["node"]["downloadUrl"]
            .as_str()
            .unwrap()
            .to_owned();
    let forged = format!("{}x", &url[..url.len() - 1]);
    assert_eq!(app.client.get(&forged).send().await.unwrap().status(), 403);
    tokio::time::sleep(std::time::Duration::from_millis(2100)).await;
    assert_eq!(app.client.get(&url).send().await.unwrap().status(), 403);
}

#[tokio::test]
async fn linking_sets_the_competences_a_file_supports() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, exp) = draft_with_experience(&app, &alice).await;
    let response = app
        .upload(
            &alice,
            upload_input(&dossier, None, &["DC1.1"]),
            "a.pdf",
            pdf("x"),
        )
        .await;
    let id = response["body"]["data"]["uploadEvidence"]["evidence"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let link = "mutation($input: LinkEvidenceInput!) { linkEvidence(input: $input) { evidence { competences { code } experienceIds } userErrors { code } } }";
    let linked = app.data(&alice, link, json!({ "input": { "evidenceId": id, "experienceId": exp, "competenceCodes": ["DC2.2", "DC3.3"] } })).await;
    assert_eq!(
        linked["linkEvidence"]["evidence"]["competences"],
        json!([{ "code": "DC2.2" }, { "code": "DC3.3" }])
    );
    assert_eq!(
        linked["linkEvidence"]["evidence"]["experienceIds"],
        json!([exp])
    );
    let filtered = app.data(&alice, "query($id: ID!) { dossier(id: $id) { dc2: evidence(domainCode: \"DC2\") { totalCount } dc1: evidence(competenceCode: \"DC1.1\") { totalCount } } }", json!({ "id": dossier })).await;
    assert_eq!(filtered["dossier"]["dc2"]["totalCount"], 1);
    assert_eq!(filtered["dossier"]["dc1"]["totalCount"], 0);
}

#[tokio::test]
async fn deleting_a_dossier_removes_its_files_and_a_submitted_one_must_be_withdrawn_first() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let (dossier, exp) = draft_with_experience(&app, &alice).await;
    app.upload(
        &alice,
        upload_input(&dossier, Some(&exp), &["DC1.1"]),
        "a.pdf",
        pdf("a"),
    )
    .await;
    app.upload(&alice, upload_input(&dossier, None, &[]), "b.pdf", pdf("b"))
        .await;
    assert_eq!(app.objects_of(&dossier).await.len(), 2);
    let submit = "mutation($input: DossierTransitionInput!) { submitDossier(input: $input) { userErrors { code } } }";
    app.data(&alice, submit, json!({ "input": { "dossierId": dossier } }))
        .await;
    let delete = "mutation($input: DeleteInput!) { deleteDossier(input: $input) { deletedId userErrors { code } } }";
    let refused = app
        .data(&alice, delete, json!({ "input": { "id": dossier } }))
        .await;
    assert_eq!(
        refused["deleteDossier"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
    let withdraw = "mutation($input: DossierTransitionInput!) { withdrawDossier(input: $input) { userErrors { code } } }";
    app.data(
        &alice,
        withdraw,
        json!({ "input": { "dossierId": dossier } }),
    )
    .await;
    let deleted = app
        .data(&alice, delete, json!({ "input": { "id": dossier } }))
        .await;
    assert_eq!(deleted["deleteDossier"]["deletedId"], json!(dossier));
    assert!(app.objects_of(&dossier).await.is_empty());
    let gone = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { id } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(gone["dossier"], json!(null));
}
