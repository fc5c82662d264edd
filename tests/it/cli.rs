//! The `acquis` command line: bad configuration, a malformed referential and an unreachable
//! database each end with one clear line and a failure status, never a panic; `acquis seed`
//! spreads its dossiers over several advisors and jury members and extends an earlier run.

use std::process::{Command, Output};

use serde_json::json;

use acquis::domain::policy::Role;

use crate::support::{SECRET, spawn_app};

fn acquis(args: &[&str], env: &[(&str, &str)]) -> Output {
    let data_dir =
        std::env::temp_dir().join(format!("acquis-cli-{}", uuid::Uuid::new_v4().simple()));
    let mut command = Command::new(env!("CARGO_BIN_EXE_acquis"));
    command
        .args(args)
        .env("ACQUIS_DATA_DIR", &data_dir)
        .env("RUST_LOG", "off");
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("acquis runs");
    let _ = std::fs::remove_dir_all(data_dir);
    output
}

fn one_clear_line(output: &Output) -> String {
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr).trim().to_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    stderr
}

#[test]
fn a_bad_configuration_value_fails_with_a_line_naming_the_variable() {
    let output = acquis(&["migrate"], &[("ACQUIS_MAX_UPLOAD_BYTES", "lots")]);
    let line = one_clear_line(&output);
    assert!(line.contains("ACQUIS_MAX_UPLOAD_BYTES"), "{line}");
}

#[test]
fn an_unreachable_database_fails_with_one_line() {
    let output = acquis(
        &["migrate"],
        &[("DATABASE_URL", "postgres://postgres@127.0.0.1:1/acquis")],
    );
    let line = one_clear_line(&output);
    assert!(line.contains("cannot connect to the database"), "{line}");
    assert!(line.contains("127.0.0.1:1"), "{line}");
    assert!(line.contains("connection refused"), "{line}");
    assert!(!line.contains("timed out"), "{line}");
}

#[test]
fn a_busy_port_stops_start_up_before_anything_is_written() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = busy.local_addr().unwrap().to_string();
    let data_dir =
        std::env::temp_dir().join(format!("acquis-busy-{}", uuid::Uuid::new_v4().simple()));
    let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .env("ACQUIS_DATA_DIR", &data_dir)
        .env("ACQUIS_LISTEN", &address)
        .env("RUST_LOG", "off")
        .output()
        .expect("acquis runs");
    let line = one_clear_line(&output);
    assert!(
        line.contains("ACQUIS_LISTEN") && line.contains(&address),
        "{line}"
    );
    assert!(!data_dir.exists(), "{} was created", data_dir.display());
}

#[test]
fn a_malformed_referential_is_refused_with_what_is_wrong() {
    let dir = std::env::temp_dir().join(format!("acquis-ref-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut referential: serde_json::Value =
        serde_json::from_str(acquis::domain::programme::DEIS_JSON).unwrap();
    referential["domains"][1]["competences"][0]["code"] = json!("DC1.9");
    let file = dir.join("broken.json");
    std::fs::write(&file, referential.to_string()).unwrap();
    let database = format!("sqlite://{}?mode=rwc", dir.join("db.sqlite").display());
    let output = acquis(
        &["import-programme", file.to_str().unwrap()],
        &[("DATABASE_URL", &database)],
    );
    let line = one_clear_line(&output);
    assert!(line.contains("DC1.9"), "{line}");
    let output = acquis(
        &[
            "import-programme",
            dir.join("missing.json").to_str().unwrap(),
        ],
        &[("DATABASE_URL", &database)],
    );
    assert!(one_clear_line(&output).contains("cannot read"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn acquis_schema_prints_the_committed_schema() {
    let output = acquis(&["schema"], &[]);
    assert!(output.status.success());
    let committed =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/schema.graphql")).unwrap();
    assert_eq!(String::from_utf8(output.stdout).unwrap(), committed);
}

#[tokio::test]
async fn a_token_from_acquis_token_is_accepted_by_me() {
    let app = spawn_app().await;
    let output = acquis(
        &[
            "token", "--sub", "cli-user", "--role", "jury", "--ttl", "10m",
        ],
        &[("ACQUIS_JWT_SECRET", SECRET)],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let token = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let me = app
        .data(&token, "{ me { subject roles } }", json!({}))
        .await;
    assert_eq!(
        me["me"],
        json!({ "subject": "cli-user", "roles": ["JURY"] })
    );
}

#[tokio::test]
async fn acquis_seed_gives_each_advisor_and_jury_member_a_share_of_the_dossiers_and_extends_a_run()
{
    let app = spawn_app().await;
    let database = app.config.database_url.clone();
    let seed = |count: &str| {
        acquis(
            &[
                "seed",
                "--dossiers",
                count,
                "--experiences",
                "2",
                "--files",
                "1",
            ],
            &[("DATABASE_URL", database.as_str())],
        )
    };
    let first = seed("12");
    assert!(
        first.status.success(),
        "{:?} {} {}",
        first.status,
        String::from_utf8_lossy(&first.stdout),
        String::from_utf8_lossy(&first.stderr)
    );
    let total = |token: String, status: &'static str| {
        let app = &app;
        async move {
            let query = format!("{{ dossiers(first: 1{status}) {{ totalCount }} }}");
            app.data(&token, &query, json!({})).await["dossiers"]["totalCount"]
                .as_i64()
                .unwrap()
        }
    };
    let ready = total(
        app.token("seed-admin", &[Role::Admin]),
        ", status: READY_FOR_JURY",
    )
    .await;
    assert!(ready > 0, "some seeded dossiers are ready for the jury");
    assert_eq!(
        total(app.token("seed-advisor", &[Role::Advisor]), "").await,
        12
    );
    assert_eq!(
        total(app.token("seed-jury", &[Role::Jury]), "").await,
        ready
    );
    assert_eq!(
        total(app.token("seed-advisor-2", &[Role::Advisor]), "").await,
        0
    );

    let again = seed("12");
    assert!(again.status.success());
    let report = String::from_utf8_lossy(&again.stderr);
    assert!(
        report.contains("created 0 dossiers (12 already present)"),
        "{report}"
    );
    assert_eq!(total(app.token("seed-admin", &[Role::Admin]), "").await, 12);
}

#[test]
fn logs_written_to_a_pipe_carry_no_colour_codes() {
    let data_dir =
        std::env::temp_dir().join(format!("acquis-ansi-{}", uuid::Uuid::new_v4().simple()));
    let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .arg("migrate")
        .env("ACQUIS_DATA_DIR", &data_dir)
        .env("RUST_LOG", "info")
        .output()
        .expect("acquis runs");
    let _ = std::fs::remove_dir_all(&data_dir);
    assert!(output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("INFO"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn the_help_lists_every_environment_variable_with_its_default() {
    for args in [&["--help"][..], &["serve", "--help"][..]] {
        let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
            .args(args)
            .output()
            .expect("acquis runs");
        assert!(output.status.success());
        let help = String::from_utf8_lossy(&output.stdout);
        for variable in acquis::config::variables::VARIABLES {
            for name in variable.names {
                assert!(help.contains(name), "{args:?}: {name} missing from\n{help}");
            }
        }
        assert!(help.contains("default: 127.0.0.1:8080"), "{help}");
    }
}

#[test]
fn the_readme_configuration_table_is_the_one_the_code_describes() {
    let readme = include_str!("../../README.md");
    let table = acquis::config::variables::markdown_table();
    assert!(
        readme.contains(&table),
        "README.md's configuration table differs from src/config/variables.rs; it should read:\n{table}"
    );
}
