//! Runs the `acquis` binary's commands against a test app's database and object store.

use std::process::Command;

use acquis::config::StorageConfig;

use super::{SECRET, TestApp};

/// Runs `acquis` on the test app's database and store.
pub async fn acquis_cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    acquis_cli_on(&app.config, &app.data_dir, args).await
}

/// Runs `acquis` on a database and store of one's choosing.
pub async fn acquis_cli_on(
    config: &acquis::config::Config,
    data_dir: &std::path::Path,
    args: &[&str],
) -> (bool, String) {
    let mut command = Command::new(env!("CARGO_BIN_EXE_acquis"));
    command
        .args(args)
        .env("DATABASE_URL", &config.database_url)
        .env("ACQUIS_DATA_DIR", data_dir)
        .env("ACQUIS_JWT_SECRET", SECRET)
        .env("ACQUIS_LOAD_FIXTURES", "false")
        .env("RUST_LOG", "off");
    match &config.storage {
        StorageConfig::Local(root) => {
            command.env("ACQUIS_STORAGE_URL", format!("file://{}", root.display()))
        }
        StorageConfig::S3 { bucket, .. } => {
            command.env("ACQUIS_STORAGE_URL", format!("s3://{bucket}"))
        }
        StorageConfig::Memory => unreachable!("tests use a real store"),
    };
    let output = tokio::task::spawn_blocking(move || command.output().expect("acquis runs"))
        .await
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}
