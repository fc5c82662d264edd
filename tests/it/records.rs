//! The dossier leaving the system: the jury bundle, the personal-data export, erasure with its
//! pseudonymised ledger, restriction, legal holds and retention by `acquis sweep`.

use std::collections::HashMap;
use std::process::Command;
use std::time::Duration;

use acquis::config::StorageConfig;
use acquis::domain::policy::Role;
use futures::AsyncReadExt;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::support::command::{acquis_cli, acquis_cli_on};
use crate::support::files::{pdf, sha256_hex};
use crate::support::{SECRET, TestApp, spawn_app};

async fn ok(
    app: &TestApp,
    token: &str,
    name: &str,
    input_type: &str,
    input: Value,
    selection: &str,
) -> Value {
    let payload = app.mutate(token, name, input_type, input, selection).await;
    assert_eq!(payload["userErrors"], json!([]), "{name}: {payload:#}");
    payload
}

/// A decided DEIS dossier with two files, as in real life; returns what the tests check.
struct Decided {
    candidate: String,
    jury: String,
    admin: String,
    dossier: String,
    /// evidence id → (file name, SHA-256, size)
    files: HashMap<String, (String, String, u64)>,
}

async fn decided_dossier(app: &TestApp, subject: &str) -> Decided {
    let candidate = acquis::auth::mint_token(
        SECRET.as_bytes(),
        subject,
        &[Role::Candidate],
        Duration::from_secs(3600),
        Some("Claire Martin"),
    )
    .unwrap();
    let admin = app.token("admin-1", &[Role::Admin]);
    let advisor = app.token("advisor-1", &[Role::Advisor]);
    let jury = app.token("jury-1", &[Role::Jury]);
    let dossier = app.create_dossier(&candidate, None).await;
    let exp = app
        .add_experience(&candidate, &dossier, json!({ "title": "Chargée de mission évaluation", "organisation": "Conseil départemental du Gard", "kind": "SALARIED",
            "startDate": "2016-01-01", "endDate": "2023-12-31", "workingTimePercent": 80, "description": "Conduite de l'évaluation interne des établissements médico-sociaux" }))
        .await;
    ok(app, &candidate, "claimCompetences", "ClaimCompetencesInput", json!({ "experienceId": exp, "claims": [
        { "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic territorial partagé avec les communes" },
        { "competenceCode": "DC2.3", "selfAssessment": "PARTIAL", "justification": "Pilotage de démarches évaluatives" } ] }), "experience { id }").await;
    let qualification = ok(app, &candidate, "addQualification", "AddQualificationInput",
        json!({ "dossierId": dossier, "code": "CAFERUIS", "title": "CAFERUIS", "level": 6, "obtainedOn": "2014-06-30" }), "qualification { id }").await;
    let mut files = HashMap::new();
    for (input, name, bytes) in [
        (
            json!({ "dossierId": dossier, "kind": "DIPLOMA", "title": "Diplôme CAFERUIS", "qualificationId": qualification["qualification"]["id"] }),
            "caferuis.pdf",
            pdf("CAFERUIS 2014"),
        ),
        (
            json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport d'évaluation interne", "experienceId": exp, "competenceCodes": ["DC2.3"] }),
            "rapport:évaluation.pdf",
            pdf("Rapport d'évaluation"),
        ),
    ] {
        let uploaded = app.upload(&candidate, input, name, bytes.clone()).await;
        let evidence = &uploaded["body"]["data"]["uploadEvidence"]["evidence"];
        assert_eq!(evidence["sha256"], sha256_hex(&bytes), "{uploaded:#}");
        files.insert(
            evidence["id"].as_str().unwrap().to_owned(),
            (name.to_owned(), sha256_hex(&bytes), bytes.len() as u64),
        );
    }
    ok(
        app,
        &candidate,
        "submitDossier",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { id }",
    )
    .await;
    ok(app, &admin, "decideAdmissibility", "DecideAdmissibilityInput", json!({ "dossierId": dossier, "admissible": true, "comment": "Recevable au titre de l'expérience" }), "dossier { id }").await;
    for (mutation, who) in [
        ("assignAdvisor", "advisor-1"),
        ("assignJuryMember", "jury-1"),
    ] {
        ok(
            app,
            &admin,
            mutation,
            "AssignInput",
            json!({ "dossierId": dossier, "subject": who }),
            "dossier { id }",
        )
        .await;
    }
    ok(app, &advisor, "reviewClaim", "ReviewClaimInput", json!({ "experienceId": exp, "competenceCode": "DC2.3", "agrees": true, "comment": "Bien étayé" }), "experience { id }").await;
    ok(app, &advisor, "recommendExemption", "RecommendExemptionInput", json!({ "dossierId": dossier, "ruleId": "deis.caferuis.uf1-1", "recommendation": "RECOMMEND", "rationale": "Diplôme CAFERUIS fourni" }), "dossier { id }").await;
    ok(
        app,
        &advisor,
        "markReadyForJury",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { id }",
    )
    .await;
    for (domain, outcome) in [
        ("DC1", "VALIDATED"),
        ("DC2", "NOT_VALIDATED"),
        ("DC3", "VALIDATED"),
    ] {
        ok(
            app,
            &jury,
            "assessDomain",
            "AssessDomainInput",
            json!({ "dossierId": dossier, "domainCode": domain, "outcome": outcome }),
            "dossier { id }",
        )
        .await;
    }
    ok(app, &jury, "recordDecision", "RecordDecisionInput", json!({ "dossierId": dossier, "outcome": "PARTIAL", "comment": "DC2 à compléter par une étude de terrain" }), "dossier { status }").await;
    Decided {
        candidate,
        jury,
        admin,
        dossier,
        files,
    }
}

/// Follows a signed link and reads the whole zip.
async fn download(
    app: &TestApp,
    url: &str,
) -> (reqwest::StatusCode, reqwest::header::HeaderMap, Vec<u8>) {
    let response = app.client.get(url).send().await.unwrap();
    let (status, headers) = (response.status(), response.headers().clone());
    (status, headers, response.bytes().await.unwrap().to_vec())
}

/// Every entry of a zip: path → bytes, read through the central directory.
async fn unzip(bytes: Vec<u8>) -> Vec<(String, Vec<u8>)> {
    use async_zip::base::read1::seek::ZipArchiveReader;
    let mut archive = ZipArchiveReader::open(futures::io::Cursor::new(bytes))
        .await
        .expect("a complete zip");
    let names: Vec<String> = archive
        .cdrs()
        .iter()
        .map(|cdr| String::from_utf8(cdr.insecure_file_name.as_bytes().to_vec()).unwrap())
        .collect();
    let mut out = Vec::new();
    for (index, name) in names.into_iter().enumerate() {
        let mut content = Vec::new();
        archive
            .file(index)
            .await
            .unwrap()
            .read_to_end(&mut content)
            .await
            .unwrap();
        out.push((name, content));
    }
    out
}

fn entry<'a>(entries: &'a [(String, Vec<u8>)], path: &str) -> &'a [u8] {
    &entries
        .iter()
        .find(|(name, _)| name == path)
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                entries.iter().map(|e| &e.0).collect::<Vec<_>>()
            )
        })
        .1
}

/// The text of a PDF by poppler's `pdftotext`, or `None` (with a message) when it is missing
/// and the run does not require it.
async fn pdf_text(pdf: Vec<u8>) -> Option<String> {
    tokio::task::spawn_blocking(move || {
        let path = std::env::temp_dir().join(format!(
            "acquis-summary-{}.pdf",
            uuid::Uuid::new_v4().simple()
        ));
        std::fs::write(&path, &pdf).unwrap();
        let output = Command::new("pdftotext")
            .args(["-raw"])
            .arg(&path)
            .arg("-")
            .output();
        let _ = std::fs::remove_file(&path);
        match output {
            Ok(out) if out.status.success() => {
                Some(String::from_utf8_lossy(&out.stdout).into_owned())
            }
            other => {
                assert!(
                    std::env::var("ACQUIS_REQUIRE_PDFTOTEXT").is_err(),
                    "pdftotext is required here and failed: {other:?}"
                );
                eprintln!(
                    "skipping the summary's text checks: pdftotext (poppler-utils) is not installed"
                );
                None
            }
        }
    })
    .await
    .unwrap()
}

async fn actions_of(app: &TestApp, admin: &str, dossier: &str) -> Vec<(String, Value)> {
    let trail = app.data(admin, "query($id: ID) { auditEvents(dossierId: $id, first: 100) { edges { node { action actorId } } } }", json!({ "id": dossier })).await;
    trail["auditEvents"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["node"]["action"].as_str().unwrap().to_owned(),
                e["node"]["actorId"].clone(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_jury_bundle_holds_the_original_files_under_their_domain_a_manifest_and_a_french_summary()
{
    let app = spawn_app().await;
    let d = decided_dossier(&app, "claire").await;
    let link = ok(
        &app,
        &d.jury,
        "requestJuryBundle",
        "RequestJuryBundleInput",
        json!({ "dossierId": d.dossier }),
        "url expiresAt",
    )
    .await;
    let (status, headers, bytes) = download(&app, link["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    assert_eq!(headers["content-type"], "application/zip");
    assert!(
        headers["content-disposition"]
            .to_str()
            .unwrap()
            .contains(&format!("dossier-{}.zip", d.dossier))
    );
    let entries = unzip(bytes).await;
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "summary.pdf",
            "evidence/sans-domaine/caferuis.pdf",
            "evidence/DC2/rapport_évaluation.pdf",
            "manifest.json"
        ],
        "files by domain, names made safe"
    );

    // Every file hashes to the digest its record holds, and the manifest says so.
    let manifest: Value = serde_json::from_slice(entry(&entries, "manifest.json")).unwrap();
    assert_eq!(manifest["dossierId"], d.dossier);
    for listed in manifest["entries"].as_array().unwrap() {
        let path = listed["path"].as_str().unwrap();
        assert_eq!(
            listed["sha256"],
            sha256_hex(entry(&entries, path)),
            "{path}"
        );
        if let Some(id) = listed["evidenceId"].as_str() {
            assert_eq!(listed["sha256"], d.files[id].1);
            assert_eq!(listed["matchesRecord"], true);
        }
    }
    assert_eq!(manifest["entries"].as_array().unwrap().len(), 3);

    let summary = entry(&entries, "summary.pdf").to_vec();
    // To look at it: ACQUIS_SUMMARY_OUT=/tmp/summary.pdf cargo test --test it jury_bundle
    if let Ok(path) = std::env::var("ACQUIS_SUMMARY_OUT") {
        std::fs::write(path, &summary).unwrap();
    }
    assert!(summary.starts_with(b"%PDF-1.7"));
    assert!(
        String::from_utf8_lossy(&summary).contains("pdfaid:part"),
        "the summary is PDF/A"
    );
    if let Some(text) = pdf_text(summary).await {
        let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
        for fact in [
            "Dossier de validation des acquis de l'expérience",
            "Diplôme d'État d'ingénierie sociale",
            "Claire Martin",
            "Recevabilité",
            "Chargée de mission évaluation",
            "Conseil départemental du Gard",
            "80 %",
            "DC2.3",
            "accompagnateur : d'accord",
            "Rapport d'évaluation interne",
            d.files
                .values()
                .find(|f| f.0.contains("rapport"))
                .unwrap()
                .1
                .as_str(),
            "deis.caferuis.uf1-1",
            "Arrêté du 2 août 2006 relatif au DEIS, art. 8 et annexe IV",
            "Diplôme CAFERUIS fourni",
            "validation partielle",
            "DC1, DC3",
            "DC2 à compléter par une étude de terrain",
        ] {
            assert!(flat.contains(fact), "the summary lacks {fact:?}:\n{text}");
        }
    }

    // The download and every file in it are audited.
    let actions = actions_of(&app, &d.admin, &d.dossier).await;
    let count = |action: &str| actions.iter().filter(|(a, _)| a == action).count();
    assert_eq!(count("dossier.bundle_link_issued"), 1);
    assert_eq!(count("dossier.bundle_downloaded"), 1);
    assert_eq!(count("evidence.downloaded"), 2);
}

#[tokio::test]
async fn a_bundle_is_refused_to_whoever_may_not_read_the_dossier_and_a_tampered_link_is_refused() {
    let app = spawn_app().await;
    let d = decided_dossier(&app, "claire").await;
    let stranger = app.token("jury-2", &[Role::Jury]);
    let refused = app
        .gql(Some(&stranger), "mutation($input: RequestJuryBundleInput!) { requestJuryBundle(input: $input) { url userErrors { code } } }", json!({ "input": { "dossierId": d.dossier } }))
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "{refused:#}"
    );

    let link = ok(
        &app,
        &d.candidate,
        "requestJuryBundle",
        "RequestJuryBundleInput",
        json!({ "dossierId": d.dossier }),
        "url",
    )
    .await;
    let url = link["url"].as_str().unwrap();
    let mut tampered = url.to_owned();
    let last = tampered.pop().unwrap();
    tampered.push(if last == 'A' { 'B' } else { 'A' });
    let (status, _, _) = download(&app, &tampered).await;
    assert_eq!(status, 403);
    // A file link is not a bundle link.
    let file_link = app.data(&d.candidate, "query($id: ID!) { dossier(id: $id) { evidence(first: 1) { edges { node { downloadUrl } } } } }", json!({ "id": d.dossier })).await;
    let file_url = file_link["dossier"]["evidence"]["edges"][0]["node"]["downloadUrl"]
        .as_str()
        .unwrap();
    let (status, _, _) = download(&app, &file_url.replace("/files/", "/exports/")).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn a_candidate_exports_everything_held_about_them_and_an_advisor_may_not() {
    let app = spawn_app().await;
    let d = decided_dossier(&app, "claire").await;
    let advisor = app.token("advisor-1", &[Role::Advisor]);
    let refused = app
        .gql(
            Some(&advisor),
            "mutation($input: PersonInput!) { requestPersonalDataExport(input: $input) { url } }",
            json!({ "input": { "subject": "claire" } }),
        )
        .await;
    assert_eq!(
        refused["errors"][0]["extensions"]["code"], "FORBIDDEN",
        "{refused:#}"
    );

    let link = ok(
        &app,
        &d.candidate,
        "requestPersonalDataExport",
        "PersonInput",
        json!({}),
        "url",
    )
    .await;
    let (status, _, bytes) = download(&app, link["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
    let entries = unzip(bytes).await;
    let profile: Value = serde_json::from_slice(entry(&entries, "profile.json")).unwrap();
    assert_eq!(profile["subject"], "claire");
    assert_eq!(profile["displayName"], "Claire Martin");
    let dossier: Value = serde_json::from_slice(entry(
        &entries,
        &format!("dossiers/{}/dossier.json", d.dossier),
    ))
    .unwrap();
    assert_eq!(
        dossier["experiences"][0]["organisation"],
        "Conseil départemental du Gard"
    );
    assert_eq!(
        dossier["experiences"][0]["claims"][1]["advisorComment"],
        "Bien étayé"
    );
    assert_eq!(dossier["decision"]["outcome"], "PARTIAL");
    assert_eq!(dossier["analysis"]["eligibility"]["admissible"], true);
    for file in dossier["evidence"].as_array().unwrap() {
        let path = file["pathInArchive"].as_str().unwrap();
        assert!(
            path.starts_with(&format!("dossiers/{}/evidence/", d.dossier)),
            "{path}"
        );
        assert_eq!(
            sha256_hex(entry(&entries, path)),
            file["sha256"].as_str().unwrap()
        );
    }
    let events: Value = serde_json::from_slice(entry(&entries, "audit-events.json")).unwrap();
    let actions: Vec<&str> = events
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    for expected in [
        "dossier.created",
        "evidence.uploaded",
        "domain.assessed",
        "dossier.decided",
    ] {
        assert!(
            actions.contains(&expected),
            "{expected} missing from {actions:?}"
        );
    }
    let readme = String::from_utf8(entry(&entries, "LISEZMOI.txt").to_vec()).unwrap();
    assert!(
        readme.contains("12 mois après la fin du parcours"),
        "{readme}"
    );

    // An admin may export on the person's behalf.
    let by_admin = ok(
        &app,
        &d.admin,
        "requestPersonalDataExport",
        "PersonInput",
        json!({ "subject": "claire" }),
        "url",
    )
    .await;
    let (status, _, _) = download(&app, by_admin["url"].as_str().unwrap()).await;
    assert_eq!(status, 200);
}

/// Rows of the test database that still hold the erased person or their dossier, table by
/// table, full-text rows of SQLite included. The test has one candidate, so every row of a
/// dossier's content tables is theirs.
async fn rows_mentioning(app: &TestApp, dossier: &str, person: &str) -> Vec<(String, i64)> {
    let db = sea_orm::Database::connect(&app.config.database_url)
        .await
        .unwrap();
    let backend = db.get_database_backend();
    let dossier: sea_orm::Value = uuid::Uuid::parse_str(dossier).unwrap().into();
    let person: sea_orm::Value = uuid::Uuid::parse_str(person).unwrap().into();
    let mut checks: Vec<(&str, &str, Vec<sea_orm::Value>)> = vec![
        (
            "dossier",
            "SELECT COUNT(*) FROM dossier WHERE id = $1 OR candidate_id = $2",
            vec![dossier.clone(), person.clone()],
        ),
        (
            "app_user",
            "SELECT COUNT(*) FROM app_user WHERE id = $1 OR subject = 'claire'",
            vec![person.clone()],
        ),
        (
            "prior_validation",
            "SELECT COUNT(*) FROM prior_validation WHERE candidate_id = $1",
            vec![person.clone()],
        ),
        (
            "audit_event naming the person",
            "SELECT COUNT(*) FROM audit_event WHERE actor_id = $1 OR target_id = $1",
            vec![person],
        ),
        (
            "staged_upload",
            "SELECT COUNT(*) FROM staged_upload WHERE dossier_id = $1",
            vec![dossier],
        ),
    ];
    for table in [
        "experience",
        "competence_claim",
        "qualification",
        "evidence",
        "evidence_competence",
        "exemption_recommendation",
        "domain_assessment",
        "jury_decision",
        "assignment",
    ] {
        checks.push((
            table,
            Box::leak(format!("SELECT COUNT(*) FROM {table}").into_boxed_str()),
            Vec::new(),
        ));
    }
    if backend == sea_orm::DatabaseBackend::Sqlite {
        for table in ["evidence_fts", "experience_fts", "claim_fts"] {
            checks.push((
                table,
                Box::leak(format!("SELECT COUNT(*) FROM {table}").into_boxed_str()),
                Vec::new(),
            ));
        }
    }
    let mut out = Vec::new();
    for (table, sql, values) in checks {
        let statement = Statement::from_sql_and_values(backend, sql, values);
        let row = db.query_one_raw(statement).await.unwrap().unwrap();
        let count: i64 = row.try_get_by_index(0).unwrap();
        out.push((table.to_owned(), count));
    }
    out
}

async fn ledger_rows(app: &TestApp, dossier: &str) -> Vec<(String, bool)> {
    let db = sea_orm::Database::connect(&app.config.database_url)
        .await
        .unwrap();
    let backend = db.get_database_backend();
    let statement = Statement::from_sql_and_values(
        backend,
        "SELECT domain_code, validated FROM decision_ledger WHERE dossier_id = $1 ORDER BY domain_code",
        [uuid::Uuid::parse_str(dossier).unwrap().into()],
    );
    db.query_all_raw(statement)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get_by_index::<String>(0).unwrap(),
                row.try_get_by_index::<bool>(1).unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn an_erased_candidate_leaves_no_object_row_or_search_hit_only_the_pseudonymised_ledger() {
    let app = spawn_app().await;
    let d = decided_dossier(&app, "claire").await;
    let me = app.data(&d.candidate, "{ me { id } }", json!({})).await;
    let person = me["me"]["id"].as_str().unwrap().to_owned();
    let hits = app
        .data(
            &d.jury,
            "{ searchEvidence(query: \"évaluation\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(hits["searchEvidence"]["totalCount"], 1);
    assert_eq!(app.objects_of(&d.dossier).await.len(), 2);

    let erased = ok(
        &app,
        &d.candidate,
        "erasePersonalData",
        "PersonInput",
        json!({}),
        "erasedDossierIds deletedObjects keptLedgerEntries",
    )
    .await;
    assert_eq!(erased["erasedDossierIds"], json!([d.dossier]));
    assert_eq!(erased["deletedObjects"], 2);
    assert_eq!(erased["keptLedgerEntries"], 3);

    assert_eq!(
        app.objects_of(&d.dossier).await,
        Vec::<String>::new(),
        "the store lists no object of the dossier"
    );
    if let StorageConfig::Local(root) = &app.config.storage {
        let dir = root.join("evidence").join(&d.dossier);
        let left = std::fs::read_dir(&dir)
            .map(|entries| entries.count())
            .unwrap_or(0);
        assert_eq!(left, 0, "no file left in {}", dir.display());
    }
    for (table, count) in rows_mentioning(&app, &d.dossier, &person).await {
        assert_eq!(
            count, 0,
            "{table} still holds {count} rows of the erased candidate"
        );
    }
    let hits = app
        .data(
            &d.jury,
            "{ searchEvidence(query: \"évaluation\") { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(hits["searchEvidence"]["totalCount"], 0);

    // What the law keeps: the decision domain by domain, and the trail with a stand-in actor.
    assert_eq!(
        ledger_rows(&app, &d.dossier).await,
        [
            ("DC1".to_owned(), true),
            ("DC2".to_owned(), false),
            ("DC3".to_owned(), true)
        ]
    );
    let actions = actions_of(&app, &d.admin, &d.dossier).await;
    let created = actions
        .iter()
        .find(|(a, _)| a == "dossier.created")
        .expect("history kept");
    assert!(
        created.1.is_string() && created.1 != json!(person),
        "actor replaced: {created:?}"
    );

    // The same token later opens a new, empty account.
    let again = app
        .data(
            &d.candidate,
            "{ me { id } dossiers { totalCount } }",
            json!({}),
        )
        .await;
    assert_ne!(again["me"]["id"], json!(person));
    assert_eq!(again["dossiers"]["totalCount"], 0);
}

#[tokio::test]
async fn a_legal_hold_refuses_every_erasure_and_changes_nothing_until_it_is_lifted() {
    let app = spawn_app().await;
    let d = decided_dossier(&app, "claire").await;
    let held = ok(
        &app,
        &d.admin,
        "placeLegalHold",
        "PlaceLegalHoldInput",
        json!({ "dossierId": d.dossier, "reason": "Recours contentieux n° 2026-118" }),
        "dossier { legalHold legalHoldReason }",
    )
    .await;
    assert_eq!(
        held["dossier"],
        json!({ "legalHold": true, "legalHoldReason": "Recours contentieux n° 2026-118" })
    );
    let seen_by_candidate = app
        .data(
            &d.candidate,
            "query($id: ID!) { dossier(id: $id) { legalHold legalHoldReason } }",
            json!({ "id": d.dossier }),
        )
        .await;
    assert_eq!(
        seen_by_candidate["dossier"],
        json!({ "legalHold": true, "legalHoldReason": null })
    );

    for (token, input) in [
        (&d.candidate, json!({})),
        (&d.admin, json!({ "subject": "claire" })),
    ] {
        let refused = app
            .mutate(
                token,
                "erasePersonalData",
                "PersonInput",
                input,
                "erasedDossierIds",
            )
            .await;
        assert_eq!(
            refused["userErrors"][0]["code"], "LEGAL_HOLD",
            "{refused:#}"
        );
        assert_eq!(refused["erasedDossierIds"], json!([]));
    }
    let deleted = app
        .mutate(
            &d.admin,
            "deleteDossier",
            "DeleteInput",
            json!({ "id": d.dossier }),
            "deletedId",
        )
        .await;
    assert_eq!(deleted["userErrors"][0]["code"], "LEGAL_HOLD");
    let advisor = app.token("advisor-1", &[Role::Advisor]);
    let wrong_role = app.gql(Some(&advisor), "mutation { erasePersonalData(input: { subject: \"claire\" }) { userErrors { code } } }", json!({})).await;
    assert_eq!(wrong_role["errors"][0]["extensions"]["code"], "FORBIDDEN");
    let candidate_lifts = app.gql(Some(&d.candidate), "mutation($id: ID!) { liftLegalHold(input: { dossierId: $id }) { userErrors { code } } }", json!({ "id": d.dossier })).await;
    assert_eq!(
        candidate_lifts["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );

    // Nothing changed.
    assert_eq!(app.objects_of(&d.dossier).await.len(), 2);
    let still = app
        .data(
            &d.candidate,
            "query($id: ID!) { dossier(id: $id) { status experiences { totalCount } } }",
            json!({ "id": d.dossier }),
        )
        .await;
    assert_eq!(
        still["dossier"],
        json!({ "status": "DECIDED", "experiences": { "totalCount": 1 } })
    );

    ok(
        &app,
        &d.admin,
        "liftLegalHold",
        "DossierTransitionInput",
        json!({ "dossierId": d.dossier }),
        "dossier { legalHold }",
    )
    .await;
    let erased = ok(
        &app,
        &d.admin,
        "erasePersonalData",
        "PersonInput",
        json!({ "subject": "claire" }),
        "erasedDossierIds",
    )
    .await;
    assert_eq!(erased["erasedDossierIds"], json!([d.dossier]));
    assert!(app.objects_of(&d.dossier).await.is_empty());
}

#[tokio::test]
async fn a_restricted_dossier_is_read_but_frozen_until_an_admin_lifts_the_restriction() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let admin = app.token("admin-1", &[Role::Admin]);
    let dossier = app.create_dossier(&alice, None).await;
    let restricted = ok(
        &app,
        &alice,
        "restrictProcessing",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { restrictedOn version }",
    )
    .await;
    assert_eq!(
        restricted["dossier"]["restrictedOn"],
        chrono::Utc::now().date_naive().to_string()
    );
    let add = || {
        app.mutate(&alice, "addExperience", "AddExperienceInput", json!({ "dossierId": dossier, "title": "Directrice", "organisation": "Association", "kind": "SALARIED", "startDate": "2015-01-01", "workingTimePercent": 100 }), "experience { id }")
    };
    let refused = add().await;
    assert_eq!(
        refused["userErrors"][0]["code"], "DOSSIER_RESTRICTED",
        "{refused:#}"
    );
    let submit = app
        .mutate(
            &alice,
            "submitDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
            "dossier { id }",
        )
        .await;
    assert_eq!(submit["userErrors"][0]["code"], "DOSSIER_RESTRICTED");
    let read = app
        .data(
            &alice,
            "query($id: ID!) { dossier(id: $id) { experiences { totalCount } } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(
        read["dossier"]["experiences"]["totalCount"], 0,
        "nothing was added"
    );

    let lifted_by_candidate = app.gql(Some(&alice), "mutation($id: ID!) { liftRestriction(input: { dossierId: $id }) { userErrors { code } } }", json!({ "id": dossier })).await;
    assert_eq!(
        lifted_by_candidate["errors"][0]["extensions"]["code"],
        "FORBIDDEN"
    );
    ok(
        &app,
        &admin,
        "liftRestriction",
        "DossierTransitionInput",
        json!({ "dossierId": dossier }),
        "dossier { restrictedOn }",
    )
    .await;
    let added = add().await;
    assert_eq!(added["userErrors"], json!([]));
}

#[tokio::test]
async fn acquis_sweep_erases_dossiers_past_their_time_and_its_dry_run_only_lists_them() {
    let app = spawn_app().await;
    let admin = app.token("admin-1", &[Role::Admin]);
    let mut dossiers = Vec::new();
    for who in ["old", "held", "current"] {
        let token = app.candidate(who);
        let dossier = app.create_dossier(&token, None).await;
        app.upload(
            &token,
            json!({ "dossierId": dossier, "kind": "OTHER", "title": "Attestation" }),
            "attestation.pdf",
            pdf(who),
        )
        .await;
        if who != "current" {
            ok(
                &app,
                &token,
                "withdrawDossier",
                "DossierTransitionInput",
                json!({ "dossierId": dossier }),
                "dossier { status endedOn }",
            )
            .await;
        }
        dossiers.push((token, dossier));
    }
    ok(
        &app,
        &admin,
        "placeLegalHold",
        "PlaceLegalHoldInput",
        json!({ "dossierId": dossiers[1].1, "reason": "Recours" }),
        "dossier { id }",
    )
    .await;
    // Both withdrawn dossiers ended two years ago.
    let db = sea_orm::Database::connect(&app.config.database_url)
        .await
        .unwrap();
    for (_, id) in &dossiers[..2] {
        let day = chrono::NaiveDate::from_ymd_opt(2024, 11, 15).unwrap();
        let statement = Statement::from_sql_and_values(
            db.get_database_backend(),
            "UPDATE dossier SET ended_on = $1 WHERE id = $2",
            [day.into(), uuid::Uuid::parse_str(id).unwrap().into()],
        );
        assert_eq!(db.execute_raw(statement).await.unwrap().rows_affected(), 1);
    }
    let retained = app
        .data(
            &dossiers[0].0,
            "query($id: ID!) { dossier(id: $id) { retainedUntil } }",
            json!({ "id": dossiers[0].1 }),
        )
        .await;
    assert_eq!(retained["dossier"]["retainedUntil"], "2025-11-15");

    let (success, listed) = acquis_cli(&app, &["sweep", "--dry-run"]).await;
    assert!(success, "{listed}");
    assert!(listed.contains("would erase 1 dossiers"), "{listed}");
    assert!(
        listed.contains(&format!(
            "dossier {} WITHDRAWN PATH_ENDED since 2024-11-15, kept until 2025-11-15",
            dossiers[0].1
        )),
        "{listed}"
    );
    assert!(
        !listed.contains(&dossiers[1].1) && !listed.contains(&dossiers[2].1),
        "{listed}"
    );
    assert_eq!(
        app.objects_of(&dossiers[0].1).await.len(),
        1,
        "a dry run erases nothing"
    );

    // A backup of the database taken before the erasure (SQLite copies itself consistently).
    let backup = app.data_dir.join("backup.db");
    let sqlite = db.get_database_backend() == sea_orm::DatabaseBackend::Sqlite;
    if sqlite {
        db.execute_unprepared(&format!("VACUUM INTO '{}'", backup.display()))
            .await
            .unwrap();
    }
    let (success, applied) = acquis_cli(&app, &["sweep"]).await;
    assert!(success, "{applied}");
    assert!(applied.contains("erased 1 dossiers"), "{applied}");
    assert!(app.objects_of(&dossiers[0].1).await.is_empty());
    let gone = app
        .gql(
            Some(&dossiers[0].0),
            "query($id: ID!) { dossier(id: $id) { id } }",
            json!({ "id": dossiers[0].1 }),
        )
        .await;
    assert_eq!(gone["data"]["dossier"], json!(null), "{gone:#}");
    for (token, id) in &dossiers[1..] {
        let kept = app
            .data(
                token,
                "query($id: ID!) { dossier(id: $id) { id } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(kept["dossier"]["id"], json!(id));
        assert_eq!(app.objects_of(id).await.len(), 1);
    }
    let actions = actions_of(&app, &admin, &dossiers[0].1).await;
    assert!(
        actions
            .iter()
            .any(|(a, actor)| a == "dossier.erased_by_retention" && actor.is_null()),
        "{actions:?}"
    );

    // Nothing erased is left to erase again here; a restored backup learns the erasure from the
    // tombstone kept in the object store and loses the dossier again.
    let (success, again) = acquis_cli(&app, &["sweep", "--after-restore", "--dry-run"]).await;
    assert!(success, "{again}");
    assert!(
        again.contains("applied again: 0 dossiers, 0 accounts, 0 objects"),
        "{again}"
    );
    if !sqlite {
        eprintln!("the restore half of this test copies an SQLite file; skipped on PostgreSQL");
        return;
    }
    let restored = acquis::config::Config {
        database_url: format!("sqlite://{}?mode=rw", backup.display()),
        ..app.config.clone()
    };
    let (success, again) =
        acquis_cli_on(&restored, &app.data_dir, &["sweep", "--after-restore"]).await;
    assert!(success, "{again}");
    assert!(
        again.contains("applied again: 1 dossiers, 0 accounts"),
        "{again}"
    );
    let db = sea_orm::Database::connect(&restored.database_url)
        .await
        .unwrap();
    let left = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "SELECT COUNT(*) FROM dossier WHERE id = $1",
            [uuid::Uuid::parse_str(&dossiers[0].1).unwrap().into()],
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert_eq!(
        left, 0,
        "the restored database lost the erased dossier again"
    );
}
