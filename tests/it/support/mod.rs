//! The test harness: every test starts the real application (the same `Application::build` as
//! `main`) on a random port, with its own database and object store, and talks HTTP to it.
//!
//! Backends are chosen by environment variables so the same suite runs everywhere:
//! - `ACQUIS_TEST_DATABASE_URL=postgres://…/postgres`: a fresh PostgreSQL database per test,
//!   dropped afterwards (default: a fresh SQLite file per test);
//! - `ACQUIS_TEST_S3_BUCKET=name` (with the usual `AWS_*` variables): objects go to that bucket
//!   (default: a fresh local directory per test).

pub mod browser;
pub mod command;
pub mod files;
pub mod oidc;

use std::path::PathBuf;
use std::sync::Once;
use std::time::Duration;

use acquis::config::{Config, StorageConfig};
use acquis::domain::policy::Role;
use acquis::startup::Application;
use serde_json::{Value, json};
use uuid::Uuid;

pub const SECRET: &str = "integration-tests-secret-0123456789";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub data_dir: PathBuf,
    pub config: Config,
    postgres: Option<(String, String)>,
}

static INIT: Once = Once::new();

pub fn init_process() {
    INIT.call_once(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        if std::env::var("TEST_LOG").is_ok() {
            acquis::telemetry::init();
        }
    });
}

/// The configuration a test app starts with; `tweak` may change it before start.
pub async fn spawn_app_with(tweak: impl FnOnce(&mut Config)) -> TestApp {
    init_process();
    let data_dir = std::env::temp_dir().join(format!("acquis-it-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&data_dir).expect("temp dir");
    let (database_url, postgres) = match std::env::var("ACQUIS_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("acquis_it_{}", Uuid::new_v4().simple());
            create_pg_database(&admin_url, &name).await;
            (replace_db_name(&admin_url, &name), Some((admin_url, name)))
        }
        _ => (
            format!("sqlite://{}?mode=rwc", data_dir.join("acquis.db").display()),
            None,
        ),
    };
    let storage = match std::env::var("ACQUIS_TEST_S3_BUCKET") {
        Ok(bucket) if !bucket.is_empty() => StorageConfig::S3 {
            bucket,
            endpoint: None,
        },
        _ => StorageConfig::Local(data_dir.join("objects")),
    };
    let mut config = Config::from_lookup(|_| None).expect("default config");
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.data_dir = data_dir.clone();
    config.database_url = database_url;
    config.db_max_connections = 5;
    config.storage = storage;
    config.jwt_secret = Some(SECRET.to_owned());
    tweak(&mut config);
    let app = Application::build(config.clone())
        .await
        .expect("the application starts");
    let address = format!("http://{}", app.local_addr());
    tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(120))
        .build()
        .unwrap();
    TestApp {
        address,
        client,
        data_dir,
        config,
        postgres,
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

impl TestApp {
    /// A token for `subject` with `roles`, signed like `acquis token` signs.
    pub fn token(&self, subject: &str, roles: &[Role]) -> String {
        acquis::auth::mint_token(
            SECRET.as_bytes(),
            subject,
            roles,
            Duration::from_secs(3600),
            None,
        )
        .unwrap()
    }

    pub fn candidate(&self, subject: &str) -> String {
        self.token(subject, &[Role::Candidate])
    }

    /// The text of `/metrics`.
    pub async fn metrics(&self) -> String {
        self.client
            .get(format!("{}/metrics", self.address))
            .send()
            .await
            .expect("metrics served")
            .text()
            .await
            .expect("metrics text")
    }

    /// POSTs a GraphQL request and returns the JSON response (any HTTP status).
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("accept", "application/json")
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("request sent");
        response.json().await.expect("JSON response")
    }

    /// Like `gql`, but fails the test on any GraphQL error and returns `data`.
    pub async fn data(&self, token: &str, query: &str, variables: Value) -> Value {
        let response = self.gql(Some(token), query, variables).await;
        assert!(
            response.get("errors").is_none(),
            "unexpected errors: {response:#}"
        );
        response["data"].clone()
    }

    /// Runs mutation `name` with `input` (of GraphQL type `input_type`) and returns its payload:
    /// `selection` plus `userErrors { field code message }`.
    pub async fn mutate(
        &self,
        token: &str,
        name: &str,
        input_type: &str,
        input: Value,
        selection: &str,
    ) -> Value {
        let query = format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ {selection} userErrors {{ field code message }} }} }}"
        );
        self.data(token, &query, json!({ "input": input })).await[name].clone()
    }

    /// Creates a dossier for `token`'s candidate and returns its id.
    pub async fn create_dossier(&self, token: &str, application_date: Option<&str>) -> String {
        let data = self
            .data(
                token,
                "mutation($input: CreateDossierInput!) { createDossier(input: $input) { dossier { id } userErrors { code message } } }",
                json!({ "input": { "programmeCode": "DEIS", "applicationDate": application_date } }),
            )
            .await;
        assert_eq!(data["createDossier"]["userErrors"], json!([]), "{data:#}");
        data["createDossier"]["dossier"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Adds an experience and returns its id.
    pub async fn add_experience(&self, token: &str, dossier_id: &str, input: Value) -> String {
        let mut input = input;
        input["dossierId"] = json!(dossier_id);
        let data = self
            .data(
                token,
                "mutation($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } userErrors { code message field } } }",
                json!({ "input": input }),
            )
            .await;
        assert_eq!(data["addExperience"]["userErrors"], json!([]), "{data:#}");
        data["addExperience"]["experience"]["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Uploads a file with the GraphQL multipart request spec (anonymously when `token` is empty).
    pub async fn upload(
        &self,
        token: &str,
        input: Value,
        file_name: &str,
        bytes: Vec<u8>,
    ) -> Value {
        let operations = json!({
            "query": "mutation($input: UploadEvidenceInput!) { uploadEvidence(input: $input) { evidence { id fileName contentType size sha256 downloadUrl competences { code } } userErrors { code message field } } }",
            "variables": { "input": input },
        });
        let mut operations = operations;
        operations["variables"]["input"]["file"] = Value::Null;
        let form = reqwest::multipart::Form::new()
            .text("operations", operations.to_string())
            .text("map", json!({ "0": ["variables.input.file"] }).to_string())
            .part(
                "0",
                reqwest::multipart::Part::bytes(bytes)
                    .file_name(file_name.to_owned())
                    .mime_str("application/octet-stream")
                    .unwrap(),
            );
        let mut request = self
            .client
            .post(format!("{}/graphql", self.address))
            .header("accept", "application/json")
            .multipart(form);
        if !token.is_empty() {
            request = request.bearer_auth(token);
        }
        let response = request.send().await.expect("upload sent");
        let status = response.status();
        let body: Value = response
            .json()
            .await
            .unwrap_or_else(|_| json!({ "status": status.as_u16() }));
        json!({ "status": status.as_u16(), "body": body })
    }

    pub fn uses_s3(&self) -> bool {
        matches!(self.config.storage, StorageConfig::S3 { .. })
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.data_dir);
        if let Some((admin_url, name)) = self.postgres.take() {
            // The test's runtime is shutting down: drop the database from a thread of our own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .unwrap();
                runtime.block_on(async {
                    if let Ok(db) = sea_orm::Database::connect(&admin_url).await {
                        use sea_orm::ConnectionTrait;
                        let _ = db
                            .execute_unprepared(&format!(
                                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                            ))
                            .await;
                    }
                });
            })
            .join();
        }
    }
}

async fn create_pg_database(admin_url: &str, name: &str) {
    use sea_orm::ConnectionTrait;
    let db = sea_orm::Database::connect(admin_url)
        .await
        .expect("connect to the PostgreSQL admin database");
    db.execute_unprepared(&format!("CREATE DATABASE {name}"))
        .await
        .expect("create a test database");
}

fn replace_db_name(url: &str, name: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("ACQUIS_TEST_DATABASE_URL is a URL");
    parsed.set_path(&format!("/{name}"));
    parsed.to_string()
}

impl TestApp {
    /// Object keys stored for a dossier, read from the store itself (local or S3).
    pub async fn objects_of(&self, dossier_id: &str) -> Vec<String> {
        let storage = acquis::storage::Storage::from_config(&self.config.storage).unwrap();
        let prefix = format!("evidence/{dossier_id}/");
        storage
            .list_evidence()
            .await
            .unwrap()
            .into_iter()
            .map(|(k, _)| k.as_str().to_owned())
            .filter(|k| k.starts_with(&prefix))
            .collect()
    }
}
