//! Failures from outside: the process killed in the middle of uploads, and an object store
//! that does not answer. Whatever happens, no evidence row points to a missing object, every
//! committed upload is there, and leftovers are swept.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use acquis::config::StorageConfig;
use acquis::storage::Storage;
use futures::StreamExt;
use serde_json::{Value, json};

use crate::support::files::{pdf_of_size, sha256_hex};
use crate::support::{SECRET, TestApp, spawn_app, spawn_app_with};

/// The `acquis` binary on the test's database and store, as a child process we can kill.
struct Process {
    child: Child,
    address: String,
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn command(app: &TestApp, args: &[&str], extra: &[(&str, String)]) -> Command {
    let storage_url = match &app.config.storage {
        StorageConfig::Local(dir) => format!("file://{}", dir.display()),
        StorageConfig::S3 { bucket, .. } => format!("s3://{bucket}"),
        StorageConfig::Memory => unreachable!("tests use a real store"),
    };
    let mut command = Command::new(env!("CARGO_BIN_EXE_acquis"));
    command
        .args(args)
        .env("DATABASE_URL", &app.config.database_url)
        .env("ACQUIS_STORAGE_URL", storage_url)
        .env("ACQUIS_DATA_DIR", &app.data_dir)
        .env("ACQUIS_JWT_SECRET", SECRET)
        .env("RUST_LOG", "warn")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    for (key, value) in extra {
        command.env(key, value);
    }
    command
}

async fn start(app: &TestApp) -> Process {
    let port = free_port();
    let mut child = command(
        app,
        &["serve"],
        &[("ACQUIS_LISTEN", format!("127.0.0.1:{port}"))],
    )
    .spawn()
    .expect("start acquis");
    let address = format!("http://127.0.0.1:{port}");
    for _ in 0..300 {
        if app
            .client
            .get(format!("{address}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Process { child, address };
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("acquis did not start");
}

fn multipart_body(dossier: &str, index: usize, bytes: Vec<u8>) -> (String, reqwest::Body) {
    let boundary = format!("storm-{index}");
    let operations = json!({
        "query": "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id sha256 } userErrors { code } } }",
        "variables": { "input": { "dossierId": dossier, "kind": "WORK_PRODUCT", "title": format!("Pièce {index}"), "file": null } },
    });
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"operations\"\r\n\r\n{operations}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"map\"\r\n\r\n{{\"0\":[\"variables.input.file\"]}}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"0\"; filename=\"piece-{index}.pdf\"\r\n\r\n"
    );
    let tail = format!("\r\n--{boundary}--\r\n");
    let mut chunks: Vec<Vec<u8>> = vec![head.into_bytes()];
    chunks.extend(bytes.chunks(64 * 1024).map(<[u8]>::to_vec));
    chunks.push(tail.into_bytes());
    // Slow enough that the kill lands while many uploads are half-way.
    let stream = futures::stream::iter(chunks).then(|chunk| async move {
        tokio::time::sleep(Duration::from_millis(15)).await;
        Ok::<_, std::io::Error>(chunk)
    });
    (
        format!("multipart/form-data; boundary={boundary}"),
        reqwest::Body::wrap_stream(stream),
    )
}

async fn evidence_of(app: &TestApp, address: &str, token: &str, dossier: &str) -> Vec<Value> {
    let response: Value = app
        .client
        .post(format!("{address}/graphql"))
        .bearer_auth(token)
        .json(&json!({ "query": "query($id: ID!) { dossier(id: $id) { evidence(first: 100) { edges { node { id sha256 size downloadUrl } } } } }", "variables": { "id": dossier } }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    response["data"]["dossier"]["evidence"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["node"].clone())
        .collect()
}

#[tokio::test]
async fn a_process_killed_during_fifty_concurrent_uploads_leaves_only_whole_evidence_and_swept_leftovers()
 {
    let app = spawn_app().await;
    let token = app.candidate("storm");
    let dossier = app.create_dossier(&token, None).await;
    let mut process = start(&app).await;
    let files: Vec<Vec<u8>> = (0..50)
        .map(|i| {
            let mut bytes = pdf_of_size(200_000 + i * 41_000);
            bytes[20] = i as u8;
            bytes
        })
        .collect();
    let uploads = files.iter().enumerate().map(|(index, bytes)| {
        let (content_type, body) = multipart_body(&dossier, index, bytes.clone());
        let request = app
            .client
            .post(format!("{}/graphql", process.address))
            .bearer_auth(&token)
            .header("content-type", content_type)
            .body(body);
        async move {
            tokio::time::sleep(Duration::from_millis(index as u64 * 12)).await;
            let response = request.send().await.ok()?;
            let body: Value = response.json().await.ok()?;
            let evidence = body["data"]["uploadEvidence"]["evidence"].clone();
            evidence["id"].as_str().map(|id| {
                (
                    id.to_owned(),
                    evidence["sha256"].as_str().unwrap().to_owned(),
                )
            })
        }
    });
    let storm = tokio::spawn(futures::future::join_all(uploads));
    tokio::time::sleep(Duration::from_millis(600)).await;
    process.child.kill().expect("SIGKILL");
    process.child.wait().unwrap();
    let committed: Vec<(String, String)> = storm.await.unwrap().into_iter().flatten().collect();
    assert!(
        committed.len() < 50,
        "the kill came too late to interrupt anything"
    );
    eprintln!(
        "faults: {} of 50 uploads committed before the SIGKILL",
        committed.len()
    );

    // Leftovers are swept (no grace: nothing else writes), then the service starts again.
    let status = command(&app, &["sweep"], &[("ACQUIS_SWEEP_GRACE_SECS", "0".into())])
        .status()
        .unwrap();
    assert!(status.success());
    let process = start(&app).await;
    let rows = evidence_of(&app, &process.address, &token, &dossier).await;
    for (id, sha) in &committed {
        assert!(
            rows.iter().any(|r| r["id"] == *id && r["sha256"] == *sha),
            "committed upload {id} is missing after the restart"
        );
    }
    let expected_hashes: Vec<String> = files.iter().map(|f| sha256_hex(f)).collect();
    for row in &rows {
        assert!(expected_hashes.contains(&row["sha256"].as_str().unwrap().to_owned()));
        let body = app
            .client
            .get(row["downloadUrl"].as_str().unwrap())
            .send()
            .await
            .unwrap()
            .bytes()
            .await
            .unwrap();
        assert_eq!(
            sha256_hex(&body),
            row["sha256"].as_str().unwrap(),
            "evidence {} does not match its object",
            row["id"]
        );
    }
    let mut objects = app.objects_of(&dossier).await;
    objects.sort();
    let mut owned: Vec<String> = rows
        .iter()
        .map(|r| format!("evidence/{dossier}/{}", r["id"].as_str().unwrap()))
        .collect();
    owned.sort();
    assert_eq!(objects, owned, "objects without a row were not swept");
    if let StorageConfig::Local(dir) = &app.config.storage {
        let staging = walk(dir)
            .into_iter()
            .filter(|p| p.to_string_lossy().contains('#'))
            .count();
        assert_eq!(staging, 0, "interrupted local writes were left behind");
    }
    drop(process);
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path))
        } else {
            out.push(path)
        }
    }
    out
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test]
async fn an_unreachable_object_store_fails_uploads_with_a_typed_error_and_writes_nothing() {
    let app = spawn_app_with(|c| {
        c.storage = StorageConfig::S3 {
            bucket: "unreachable".into(),
            endpoint: Some("http://127.0.0.1:9".into()),
        }
    })
    .await;
    let token = app.candidate("offline");
    let dossier = app.create_dossier(&token, None).await;
    let response = app
        .upload(
            &token,
            json!({ "dossierId": dossier, "kind": "OTHER", "title": "Pièce" }),
            "a.pdf",
            pdf_of_size(200_000),
        )
        .await;
    assert_eq!(
        response["body"]["errors"][0]["extensions"]["code"], "STORAGE_UNAVAILABLE",
        "{response:#}"
    );
    let ready = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.json::<Value>().await.unwrap()["storage"],
        "unavailable"
    );
    let list = app
        .data(
            &token,
            "query($id: ID!) { dossier(id: $id) { evidence { totalCount } version } }",
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(list["dossier"]["evidence"]["totalCount"], 0);
    let _ = Storage::from_config(&app.config.storage).unwrap();
}
