//! Every environment variable the service reads, with its meaning and its default: the one
//! source of `acquis --help`, of the README's configuration table (a test compares them) and of
//! the defaults `Config` falls back to.

/// What a variable falls back to when unset.
#[derive(Clone, Copy, Debug)]
pub enum Fallback {
    /// A value parsed like a set one.
    Value(&'static str),
    /// A value computed at start-up, or none; the text says which.
    Described(&'static str),
}

#[derive(Clone, Copy, Debug)]
pub struct Variable {
    /// Names sharing one line (`ACQUIS_GRAPHIQL`, `ACQUIS_INTROSPECTION`).
    pub names: &'static [&'static str],
    pub meaning: &'static str,
    pub fallback: Fallback,
    /// How the default reads in the help, when it differs from the raw value (`25 MiB`).
    pub note: Option<&'static str>,
}

use Fallback::{Described, Value};

const fn var(
    names: &'static [&'static str],
    meaning: &'static str,
    fallback: Fallback,
) -> Variable {
    Variable {
        names,
        meaning,
        fallback,
        note: None,
    }
}

const fn noted(
    names: &'static [&'static str],
    meaning: &'static str,
    value: &'static str,
    note: &'static str,
) -> Variable {
    Variable {
        names,
        meaning,
        fallback: Value(value),
        note: Some(note),
    }
}

pub const VARIABLES: &[Variable] = &[
    var(
        &["ACQUIS_LISTEN"],
        "address to serve on (`host:port`; a host name is resolved)",
        Value("127.0.0.1:8080"),
    ),
    var(
        &["ACQUIS_DATA_DIR"],
        "where the embedded defaults keep their files",
        Value("./data"),
    ),
    var(
        &["DATABASE_URL"],
        "`sqlite://…` or `postgres://…`",
        Described("`sqlite://./data/acquis.db?mode=rwc` (in the data directory)"),
    ),
    var(
        &["ACQUIS_STORAGE_URL"],
        "`file:///path`, `s3://bucket` (with `AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_REGION`, `AWS_ALLOW_HTTP`) or `memory://`",
        Described("`./data/objects` (in the data directory)"),
    ),
    var(
        &["ACQUIS_JWT_SECRET"],
        "HS256 secret (16+ characters)",
        Described("random, created once in `./data/jwt-secret`"),
    ),
    var(
        &["ACQUIS_JWKS_URL"],
        "JWKS of an OIDC provider, for RS256 tokens",
        Described("unset"),
    ),
    var(
        &["ACQUIS_JWKS_MIN_REFRESH_SECS"],
        "least time between two JWKS fetches on unknown key ids",
        Value("10"),
    ),
    var(
        &["ACQUIS_JWT_ISSUER", "ACQUIS_JWT_AUDIENCE"],
        "expected `iss` / `aud`, when set",
        Described("unset"),
    ),
    var(
        &["ACQUIS_ROLES_CLAIM"],
        "dotted path of the roles claim (Keycloak: `realm_access.roles`)",
        Value("roles"),
    ),
    noted(
        &["ACQUIS_MAX_UPLOAD_BYTES"],
        "largest evidence file",
        "26214400",
        "25 MiB",
    ),
    noted(
        &["ACQUIS_MAX_RESPONSE_BYTES"],
        "largest GraphQL answer; a larger one is replaced by a `RESPONSE_TOO_LARGE` error",
        "16777216",
        "16 MiB",
    ),
    var(
        &["ACQUIS_PUBLIC_URL"],
        "base URL of the signed file links",
        Described("`http://<listen>`"),
    ),
    var(
        &["ACQUIS_SIGNED_URL_TTL_SECS"],
        "lifetime of upload/download URLs",
        Value("300"),
    ),
    var(
        &["ACQUIS_REQUEST_TIMEOUT_SECS"],
        "whole-request timeout, uploads included (an empty 408 past it)",
        Value("600"),
    ),
    var(
        &["ACQUIS_QUERY_TIMEOUT_SECS"],
        "time limit of each query operation, and on PostgreSQL of each SQL statement of the serving pool (`statement_timeout`; migrations and `acquis seed` have none)",
        Value("30"),
    ),
    var(
        &["ACQUIS_DB_MAX_CONNECTIONS"],
        "database pool size",
        Value("10"),
    ),
    var(
        &["ACQUIS_GRAPHIQL", "ACQUIS_INTROSPECTION"],
        "serve GraphiQL / answer introspection",
        Value("true"),
    ),
    var(
        &["ACQUIS_LOAD_FIXTURES"],
        "load the embedded DEIS referential at start-up",
        Value("true"),
    ),
    var(
        &["ACQUIS_SWEEP_GRACE_SECS"],
        "age after which leftovers of interrupted uploads are removed",
        Described("twice the request timeout, ≥ 600"),
    ),
    var(
        &["ACQUIS_SEARCH_GATHER_PER_SOURCE"],
        "matches a search gathers from each of its sources (file titles, experiences, claims) before ranking them; past it the total is a lower bound (`totalCountIsExact: false`)",
        Value("1000"),
    ),
    var(
        &["ACQUIS_SWEEP_INTERVAL_SECS"],
        "time between two turns of the periodic sweep; instances on one PostgreSQL take turns (an advisory lock)",
        Value("600"),
    ),
    noted(
        &["ACQUIS_RETENTION_MONTHS"],
        "months a dossier's personal data is kept after the end of its path (decision, withdrawal, refusal); then `acquis sweep` erases it, keeping the pseudonymised decision ledger",
        "12",
        "R. 6411-6 code du travail",
    ),
    noted(
        &["ACQUIS_DRAFT_RETENTION_MONTHS"],
        "months a dossier never submitted is kept after its last change",
        "12",
        "R. 6411-6",
    ),
    noted(
        &["ACQUIS_AUDIT_RETENTION_MONTHS"],
        "months an audit event is kept",
        "12",
        "CNIL: 6 to 12",
    ),
    var(
        &["ACQUIS_PSEUDONYM_SECRET"],
        "key of the pseudonyms that replace erased people in the ledger and the audit trail (keep it when rotating the JWT secret)",
        Described("derived from the JWT secret"),
    ),
    var(
        &["ACQUIS_WEB_APP"],
        "serve the web application at `/app/`",
        Value("true"),
    ),
    var(
        &["ACQUIS_OIDC_ISSUER"],
        "OpenID provider the web application signs in with (authorization code + PKCE; discovery at `<issuer>/.well-known/openid-configuration`); needs `ACQUIS_JWKS_URL`",
        Described("unset"),
    ),
    var(
        &["ACQUIS_OIDC_CLIENT_ID"],
        "the web application's public client id at that provider",
        Described("unset (required with `ACQUIS_OIDC_ISSUER`)"),
    ),
    var(
        &["ACQUIS_OIDC_SCOPES"],
        "scopes the web application asks for",
        Value("openid profile email"),
    ),
    var(
        &["ACQUIS_DEV_SIGN_IN"],
        "development sign-in of the web application: anyone picks a subject and a role (never in production)",
        Described(
            "`true` on the embedded defaults (no `DATABASE_URL`, `ACQUIS_JWKS_URL` or `ACQUIS_OIDC_ISSUER`, a loopback `ACQUIS_LISTEN`), else `false`",
        ),
    ),
    var(
        &["ACQUIS_METRICS_TOKEN"],
        "bearer token `/metrics` requires",
        Described("unset: anyone reaching the port"),
    ),
    var(
        &["RUST_LOG", "RUST_LOG_FORMAT=json"],
        "log filter and format (logs go to stderr)",
        Value("info"),
    ),
];

/// The fallback value of `name`, when it has one to parse.
pub fn default_value(name: &str) -> Option<&'static str> {
    VARIABLES
        .iter()
        .find(|v| v.names.contains(&name))
        .and_then(|v| match v.fallback {
            Value(value) => Some(value),
            Described(_) => None,
        })
}

fn default_text(variable: &Variable, code: fn(&str) -> String) -> String {
    match (variable.fallback, variable.note) {
        (Value(value), Some(note)) => format!("{} ({note})", code(value)),
        (Value(value), None) => code(value),
        (Described(text), _) => text.to_owned(),
    }
}

/// The README's table.
pub fn markdown_table() -> String {
    let mut out = String::from("| variable | meaning | default |\n|---|---|---|\n");
    for variable in VARIABLES {
        let names: Vec<String> = variable.names.iter().map(|n| format!("`{n}`")).collect();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            names.join(", "),
            variable.meaning,
            default_text(variable, |v| format!("`{v}`"))
        ));
    }
    out
}

/// The help text's list.
pub fn help_text() -> String {
    let mut out = String::from(
        "Environment variables (all optional; a bad value stops start-up naming it):\n",
    );
    for variable in VARIABLES {
        out.push_str(&format!(
            "  {}\n      {}; default: {}\n",
            variable.names.join(", "),
            variable.meaning.replace('`', ""),
            default_text(variable, str::to_owned).replace('`', "")
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    #[ignore = "prints the README table: cargo test --lib print_the_readme_table -- --ignored --nocapture"]
    fn print_the_readme_table() {
        print!("{}", super::markdown_table());
    }
}
