//! Tracing set-up: human-readable locally, JSON when `RUST_LOG_FORMAT=json`, always on stderr so
//! that `acquis schema` and `acquis token` keep stdout clean.

use tracing_subscriber::EnvFilter;

/// Installs the global subscriber once; later calls are ignored (tests start many apps).
pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm=warn,sea_orm_migration=warn"));
    use std::io::IsTerminal;
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        // Colour codes only for a person at a terminal, not in files, pipes or journald.
        .with_ansi(std::io::stderr().is_terminal());
    let result = if std::env::var("RUST_LOG_FORMAT").is_ok_and(|f| f == "json") {
        builder.json().try_init()
    } else {
        builder.compact().try_init()
    };
    // An already installed subscriber is fine: the first one wins.
    let _ = result;
}
