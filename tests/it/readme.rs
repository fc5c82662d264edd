//! The README's curl session, run as written: its `sh` block is taken from README.md, with
//! only the URL pointed at the test's server and `cargo run --release -q --` answered by the
//! binary cargo built for the tests (a `cargo` shim first on the PATH). A newcomer following
//! it ends with a dossier whose coverage, eligibility and exemption flags are filled in.

use std::process::Command;

use serde_json::Value;

use crate::support::{SECRET, spawn_app};

const README: &str = include_str!("../../README.md");

fn session() -> String {
    let section = README
        .split("## A GraphQL session with curl")
        .nth(1)
        .expect("the README has its curl session");
    let block = section
        .split("```sh\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the session is an sh block");
    block.to_owned()
}

#[tokio::test]
async fn the_readme_curl_session_ends_with_coverage_eligibility_and_exemptions() {
    let app = spawn_app().await;
    let script = session();
    let default_url = "URL=http://127.0.0.1:8080/graphql";
    assert!(script.starts_with(default_url), "{script}");
    let script = script.replacen(default_url, &format!("URL={}/graphql", app.address), 1);
    let dir = app.data_dir.join("readme-session");
    std::fs::create_dir_all(dir.join("bin")).unwrap();
    let shim = dir.join("bin/cargo");
    std::fs::write(
        &shim,
        "#!/bin/sh\n# `cargo run --release -q -- ARGS` runs the acquis binary with ARGS\nwhile [ \"$1\" != \"--\" ]; do shift; done; shift\nexec \"$ACQUIS_BIN\" \"$@\"\n",
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        dir.join("bin").display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-e", "-c", &script])
            .current_dir(&dir)
            .env("PATH", path)
            .env("ACQUIS_BIN", env!("CARGO_BIN_EXE_acquis"))
            .env("ACQUIS_JWT_SECRET", SECRET)
            .env("RUST_LOG", "off")
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let answers: Vec<Value> = stdout
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    for answer in &answers {
        assert!(answer.get("errors").is_none(), "{answer:#}");
        assert!(
            !answer.to_string().contains("\"userErrors\":[{"),
            "{answer:#}"
        );
    }
    let dossier = &answers.last().unwrap()["data"]["dossier"];
    let status_of = |code: &str| {
        dossier["coverage"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["competences"].as_array().unwrap().iter())
            .find(|c| c["competence"]["code"] == code)
            .map(|c| c["status"].clone())
    };
    assert_eq!(status_of("DC1.1"), Some("EVIDENCED".into()), "{dossier:#}");
    assert_eq!(status_of("DC2.3"), Some("EVIDENCED".into()), "{dossier:#}");
    assert_eq!(dossier["eligibility"]["admissible"], true, "{dossier:#}");
    let reasons = dossier["eligibility"]["reasons"].to_string();
    assert!(
        !reasons.contains("vous n'y avez revendiqué aucune compétence"),
        "{reasons}"
    );
    let flags = dossier["exemptions"].as_array().unwrap();
    assert!(
        flags
            .iter()
            .any(|f| f["status"] == "JUSTIFIED" && f["rule"]["legalReference"].is_string()),
        "{dossier:#}"
    );
}
