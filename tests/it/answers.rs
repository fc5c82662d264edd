//! What clients see in every answer: keys in selection order, a code on every error, reasons
//! without internal markers, and a shutdown that says it ended.

use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::spawn_app;

fn keys(value: &Value) -> Vec<&str> {
    value
        .as_object()
        .map(|map| map.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

#[tokio::test]
async fn answer_keys_follow_the_order_of_the_selection() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-order");
    let dossier = app.create_dossier(&alice, None).await;
    let experience = app
        .add_experience(&alice, &dossier, json!({ "title": "Cheffe de service", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2018-01-01", "workingTimePercent": 100 }))
        .await;
    // Mutation payloads: the slow field first, the instant one after.
    let uploaded = app
        .upload(&alice, json!({ "dossierId": dossier, "kind": "OTHER", "title": "Pièce", "experienceId": experience }), "piece.pdf", pdf("pièce"))
        .await;
    assert_eq!(
        keys(&uploaded["body"]["data"]["uploadEvidence"]),
        ["evidence", "userErrors"],
        "{uploaded:#}"
    );
    let claimed = app
        .data(&alice, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { experience { id claims { selfAssessment competence { code } } } userErrors { code } } }",
            json!({ "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] } }))
        .await;
    assert_eq!(
        keys(&claimed["claimCompetences"]),
        ["experience", "userErrors"]
    );
    assert_eq!(
        keys(&claimed["claimCompetences"]["experience"]["claims"][0]),
        ["selfAssessment", "competence"]
    );
    // A read whose fields take very different times, through a fragment and an alias.
    let read = "query($id: ID!) { dossier(id: $id) { ...Head flags: exemptions { status } exemptionTotals { minHoursReduced } evidence { totalCount } coverage { fteMonths } status } } fragment Head on Dossier { id version }";
    for _ in 0..5 {
        let data = app.data(&alice, read, json!({ "id": dossier })).await;
        assert_eq!(
            keys(&data["dossier"]),
            [
                "id",
                "version",
                "flags",
                "exemptionTotals",
                "evidence",
                "coverage",
                "status"
            ],
            "{data:#}"
        );
    }
}

#[tokio::test]
async fn every_error_carries_a_code_including_those_of_async_graphql() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-codes");
    let cases = [
        (
            "mutation($i: AddExperienceInput!) { addExperience(input: $i) { experience { id } } }",
            json!({ "i": { "dossierId": "x", "title": "t", "organisation": "o", "kind": "SALARIED", "startDate": "2019-13-01", "workingTimePercent": 80 } }),
            "BAD_USER_INPUT",
        ),
        (
            "query($c: String!) { programme(code: $c) { code } }",
            json!({}),
            "BAD_USER_INPUT",
        ),
        ("{ nope }", json!({}), "GRAPHQL_VALIDATION_FAILED"),
        (
            "{ programme(code: 5) { code } }",
            json!({}),
            "GRAPHQL_VALIDATION_FAILED",
        ),
        ("{ programme(", json!({}), "GRAPHQL_PARSE_FAILED"),
    ];
    for (query, variables, code) in cases {
        let answer = app.gql(Some(&alice), query, variables).await;
        let errors = answer["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("{answer:#}"));
        for error in errors {
            assert_eq!(error["extensions"]["code"], code, "{query}: {answer:#}");
        }
    }
    let complex: String = (0..120)
        .map(|i| {
            format!("a{i}: dossiers(first: 100) {{ edges {{ node {{ id status version }} }} }} ")
        })
        .collect();
    let answer = app
        .gql(Some(&alice), &format!("{{ {complex} }}"), json!({}))
        .await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "QUERY_TOO_COMPLEX",
        "{answer:#}"
    );
}

#[tokio::test]
async fn eligibility_reasons_use_plain_words_and_uncertainty_is_a_field() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-words");
    let dossier = app.create_dossier(&alice, Some("2025-03-01")).await;
    let experience = app
        .add_experience(&alice, &dossier, json!({ "title": "Cheffe de service", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2018-01-01", "workingTimePercent": 100 }))
        .await;
    app.data(&alice, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
        json!({ "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] } }))
        .await;
    let data = app
        .data(&alice, "query($id: ID!) { dossier(id: $id) { eligibility { regime reasons needsReview reviewNotes } exemptions { explanation } } programme(code: \"DEIS\") { eligibilityRegimes { id summary reviewNote } blocs { note } } }", json!({ "id": dossier }))
        .await;
    let eligibility = &data["dossier"]["eligibility"];
    assert_eq!(eligibility["regime"], "2024");
    assert_eq!(eligibility["needsReview"], true, "{data:#}");
    assert!(
        !eligibility["reviewNotes"][0]
            .as_str()
            .unwrap_or_default()
            .is_empty()
    );
    let text = data.to_string();
    for marker in ["UNCONFIRMED", "INFERENCE", "TODO"] {
        assert!(!text.contains(marker), "{marker} shown: {data:#}");
    }
}

#[test]
fn shutdown_logs_its_end_and_the_listen_address_may_name_a_host() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let data_dir =
        std::env::temp_dir().join(format!("acquis-stop-{}", uuid::Uuid::new_v4().simple()));
    let mut child = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .env("ACQUIS_DATA_DIR", &data_dir)
        .env("ACQUIS_LISTEN", format!("localhost:{port}"))
        .env("RUST_LOG", "info")
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    // The port is bound before start-up ends: wait for an answer, not for the socket.
    let healthy = || -> bool {
        use std::io::Write;
        let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
            return false;
        };
        let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
        let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n");
        let mut answer = String::new();
        let _ = stream.read_to_string(&mut answer);
        answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200")
    };
    while !healthy() {
        assert!(Instant::now() < deadline, "the server never answered");
        std::thread::sleep(Duration::from_millis(100));
    }
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    let mut logs = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut logs)
        .unwrap();
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(exit.success(), "{logs}");
    for line in [
        "shutdown requested",
        "every request in flight was answered",
        "database connections closed",
        "Acquis stopped",
    ] {
        assert!(logs.contains(line), "{line:?} missing from:\n{logs}");
    }
}
