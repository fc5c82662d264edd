//! The CASE 1.1 read API: every programme version as a framework, valid against 1EdTech's
//! official CFPackage schema (`fixtures/case/`), with identifiers that do not change and
//! conditional GETs.

use std::process::Command;

use serde_json::Value;

use crate::support::{TestApp, spawn_app};

const SCHEMA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/case/case-v1p1-cfpackage.json"
);

async fn get(app: &TestApp, path: &str) -> (u16, reqwest::header::HeaderMap, Value) {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (
        status,
        headers,
        response.json().await.unwrap_or(Value::Null),
    )
}

/// Validates `package` against the official schema with Python's `jsonschema` (with format
/// checks): `ACQUIS_PYTHON` names an interpreter that has it (CI sets it), else `python3` is
/// tried; without either the check is skipped with a message.
async fn assert_valid(package: &Value) {
    let python = std::env::var("ACQUIS_PYTHON").unwrap_or_else(|_| "python3".to_owned());
    let has_jsonschema = Command::new(&python)
        .args(["-c", "import jsonschema"])
        .status()
        .is_ok_and(|s| s.success());
    if !has_jsonschema {
        assert!(
            std::env::var_os("ACQUIS_PYTHON").is_none(),
            "ACQUIS_PYTHON={python} has no jsonschema module"
        );
        eprintln!("SKIPPED the CASE schema check: no Python with jsonschema (set ACQUIS_PYTHON)");
        return;
    }
    let text = package.to_string();
    let output = tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut child = Command::new(python)
            .args([
                "-c",
                "import json, sys, jsonschema\n\
                 schema = json.load(open(sys.argv[1]))\n\
                 validator = jsonschema.Draft201909Validator(schema, format_checker=jsonschema.Draft201909Validator.FORMAT_CHECKER)\n\
                 errors = sorted(validator.iter_errors(json.load(sys.stdin)), key=lambda e: list(e.path))\n\
                 for e in errors[:10]: print(list(e.path), e.message[:300])\n\
                 sys.exit(1 if errors else 0)",
                SCHEMA,
            ])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
        child.wait_with_output().unwrap()
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "the package breaks the CASE 1.1 schema:\n{}",
        String::from_utf8_lossy(&output.stdout)
    );
}

#[tokio::test]
async fn every_programme_is_a_case_framework_valid_against_the_official_schema() {
    let app = spawn_app().await;
    let (status, headers, list) = get(&app, "/ims/case/v1p1/CFDocuments").await;
    assert_eq!(status, 200);
    assert_eq!(headers["x-total-count"], "2");
    let titles: Vec<&str> = list["CFDocuments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["version"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["2018-08-22", "2006-08-02"], "DEES then DEIS");
    let deis = acquis::case::document_id("DEIS", "2006-08-02");
    assert_eq!(list["CFDocuments"][1]["identifier"], deis.to_string());

    let path = format!("/ims/case/v1p1/CFPackages/{deis}");
    let (status, headers, package) = get(&app, &path).await;
    assert_eq!(status, 200, "{package:#}");
    assert_eq!(package["CFDocument"]["caseVersion"], "1.1");
    let items = package["CFItems"].as_array().unwrap();
    let by_id = |id: &Value| items.iter().find(|i| &i["identifier"] == id).cloned();
    let dc1_1 = items
        .iter()
        .find(|i| i["humanCodingScheme"] == "DC1.1")
        .expect("DC1.1 is an item");
    let parent = package["CFAssociations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["associationType"] == "isChildOf"
                && a["originNodeURI"]["identifier"] == dc1_1["identifier"]
        })
        .expect("DC1.1 has a parent");
    assert_eq!(
        by_id(&parent["destinationNodeURI"]["identifier"]).unwrap()["humanCodingScheme"],
        "DC1"
    );
    assert_valid(&package).await;

    // The same identifiers on another instance, and a 304 for what the client has.
    let other = spawn_app().await;
    let (_, _, again) = get(&other, &path).await;
    let ids = |package: &Value| -> Vec<Value> {
        package["CFItems"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["identifier"].clone())
            .collect()
    };
    assert_eq!(ids(&again), ids(&package));
    let etag = headers["etag"].to_str().unwrap().to_owned();
    let cached = app
        .client
        .get(format!("{}{path}", app.address))
        .header("if-none-match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(cached.status(), 304);

    let (status, _, missing) = get(
        &app,
        "/ims/case/v1p1/CFPackages/00000000-0000-5000-8000-000000000000",
    )
    .await;
    assert_eq!(status, 404);
    assert_eq!(missing["imsx_codeMajor"], "failure");
    let (status, _, _) = get(&app, "/ims/case/v1p1/CFDocuments?limit=0").await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn an_imported_certification_carries_its_equivalences_as_extension_associations() {
    let app = spawn_app().await;
    let sample = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/rncp/export_fiches_RNCP_sample.xml"
    );
    let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .args([
            "import-rncp",
            sample,
            "--export-date",
            "2026-08-16",
            "--fiche",
            "RNCP40344",
        ])
        .env("DATABASE_URL", &app.config.database_url)
        .env("ACQUIS_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let id = acquis::case::document_id("RNCP40344", "2026-08-16");
    let (status, _, package) = get(&app, &format!("/ims/case/v1p1/CFPackages/{id}")).await;
    assert_eq!(status, 200, "{package:#}");
    assert_eq!(package["CFDocument"]["creator"], "France compétences");
    assert!(
        package["CFDocument"]["notes"]
            .as_str()
            .unwrap()
            .contains("2026-08-16")
    );
    let equivalence = package["CFAssociations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["associationType"] == "ext:grantsDispenseFrom")
        .expect("an equivalence");
    assert_eq!(
        equivalence["originNodeURI"]["identifier"]
            .as_str()
            .map(|s| s.len()),
        Some(36)
    );
    assert_eq!(
        equivalence["destinationNodeURI"]["targetType"],
        "ext:acquisProgrammeDomain"
    );
    assert_valid(&package).await;
}
