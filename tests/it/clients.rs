//! Real clients see every answer. A refused upload (a foreign dossier, an unknown competence, no
//! token, a file name without extension) used to close the connection while Node's `fetch`
//! was still sending, and it saw `TypeError: fetch failed` instead of the JSON answer.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::files::pdf_of_size;
use crate::support::{TestApp, spawn_app};

/// Runs `script` with Node, or `None` where Node is missing (required in CI). On a blocking
/// thread: the server under test runs on the test's own runtime.
async fn node(script: &'static str, env: Vec<(&'static str, String)>) -> Option<String> {
    tokio::task::spawn_blocking(move || node_blocking(script, &env))
        .await
        .unwrap()
}

fn node_blocking(script: &str, env: &[(&str, String)]) -> Option<String> {
    let mut command = Command::new("node");
    command.arg("-e").arg(script);
    for (key, value) in env {
        command.env(key, value);
    }
    match command.output() {
        Ok(output) => {
            assert!(
                output.status.success(),
                "node failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
            Some(String::from_utf8_lossy(&output.stdout).into_owned())
        }
        Err(_) => {
            assert!(
                std::env::var_os("ACQUIS_REQUIRE_NODE").is_none(),
                "ACQUIS_REQUIRE_NODE is set but node is missing"
            );
            eprintln!("SKIPPED: no node on this machine");
            None
        }
    }
}

/// Sends each case `rounds` times with Node's fetch and FormData, a Blob as the file, as
/// apollo-upload-client does; prints one JSON line per try: the status and body, or the error.
const UPLOADS: &str = r#"
const cases = JSON.parse(process.env.CASES);
const rounds = Number(process.env.ROUNDS);
(async () => {
  for (const c of cases) {
    for (let i = 0; i < rounds; i++) {
      const form = new FormData();
      form.append("operations", JSON.stringify({
        query: "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id } userErrors { code } } }",
        variables: { input: { ...c.input, file: null } },
      }));
      form.append("map", JSON.stringify({ "0": ["variables.input.file"] }));
      form.append("0", new Blob([new Uint8Array(c.size).fill(37)]), c.fileName);
      const headers = c.token ? { authorization: `Bearer ${c.token}` } : {};
      try {
        const response = await fetch(process.env.URL, { method: "POST", body: form, headers });
        console.log(JSON.stringify({ name: c.name, status: response.status, body: await response.json() }));
      } catch (e) {
        console.log(JSON.stringify({ name: c.name, error: `${e} ${e.cause ?? ""}` }));
      }
    }
  }
})();
"#;

async fn owned_dossier(app: &TestApp, token: &str) -> String {
    app.create_dossier(token, None).await
}

#[tokio::test]
async fn node_fetch_reads_the_answer_to_every_refused_upload() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-node");
    let bob = app.candidate("bob-node");
    let mine = owned_dossier(&app, &alice).await;
    let foreign = owned_dossier(&app, &bob).await;
    let input = |dossier: &str, codes: &[&str]| json!({ "dossierId": dossier, "kind": "OTHER", "title": "Pièce", "competenceCodes": codes });
    let cases = json!([
        { "name": "foreign dossier", "token": alice, "input": input(&foreign, &[]), "fileName": "a.pdf", "size": 300_000 },
        { "name": "unknown competence", "token": alice, "input": input(&mine, &["DC9.9"]), "fileName": "a.pdf", "size": 300_000 },
        { "name": "no token", "token": null, "input": input(&mine, &[]), "fileName": "a.pdf", "size": 300_000 },
        { "name": "blob name", "token": alice, "input": input(&mine, &[]), "fileName": "blob", "size": 600 },
        { "name": "blob name, large", "token": alice, "input": input(&mine, &[]), "fileName": "blob", "size": 300_000 },
    ]);
    let Some(out) = node(
        UPLOADS,
        vec![
            ("URL", format!("{}/graphql", app.address)),
            ("CASES", cases.to_string()),
            ("ROUNDS", "8".to_owned()),
        ],
    )
    .await
    else {
        return;
    };
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 40, "{out}");
    for line in &lines {
        assert!(
            line.get("error").is_none(),
            "the client saw no answer: {line}"
        );
        let answer = &line["body"];
        let code = answer["data"]["uploadEvidence"]["userErrors"][0]["code"]
            .as_str()
            .or_else(|| answer["errors"][0]["extensions"]["code"].as_str())
            .unwrap_or_default()
            .to_owned();
        let expected = match line["name"].as_str().unwrap() {
            "foreign dossier" => "NOT_FOUND",
            "unknown competence" => "UNKNOWN_COMPETENCE",
            "no token" => "UNAUTHENTICATED",
            _ => "INVALID_FILE_NAME",
        };
        assert_eq!(code, expected, "{line}");
    }
    // Nothing was stored by any of them.
    assert!(app.objects_of(&mine).await.is_empty());
}

#[tokio::test]
async fn a_file_part_mapped_to_two_variables_is_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-twice");
    let dossier = app.create_dossier(&alice, None).await;
    let input = json!({ "dossierId": dossier, "kind": "OTHER", "title": "Pièce", "file": null });
    let operations = json!({
        "query": "mutation($a: UploadEvidenceInput!, $b: UploadEvidenceInput!) { a: uploadEvidence(input: $a) { evidence { id } } b: uploadEvidence(input: $b) { evidence { id } } }",
        "variables": { "a": input, "b": input },
    });
    let form = reqwest::multipart::Form::new()
        .text("operations", operations.to_string())
        .text(
            "map",
            json!({ "0": ["variables.a.file", "variables.b.file"] }).to_string(),
        )
        .part(
            "0",
            reqwest::multipart::Part::bytes(pdf_of_size(100_000)).file_name("a.pdf"),
        );
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .bearer_auth(&alice)
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let answer: Value = response.json().await.unwrap();
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "UPLOAD_MAPPED_TWICE",
        "{answer:#}"
    );
    assert!(app.objects_of(&dossier).await.is_empty());
}
