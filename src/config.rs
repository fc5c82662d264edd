//! Configuration from environment variables, with every default in code.
//!
//! A bad value fails at start-up with a message that names the variable, so an operator never
//! has to guess which setting is wrong.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use url::Url;

pub mod variables;

/// Everything the service needs to start; built from the environment in production and in code
/// by the tests.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to serve on (`ACQUIS_LISTEN`, default `127.0.0.1:8080`).
    pub listen: SocketAddr,
    /// Where the embedded defaults keep their files (`ACQUIS_DATA_DIR`, default `./data`).
    pub data_dir: PathBuf,
    /// `sqlite://…` or `postgres://…` (`DATABASE_URL`, default SQLite `acquis.db` in the data dir).
    pub database_url: String,
    /// Maximum database pool size (`ACQUIS_DB_MAX_CONNECTIONS`, default 10).
    pub db_max_connections: u32,
    /// Where evidence files live (`ACQUIS_STORAGE_URL`).
    pub storage: StorageConfig,
    /// HS256 secret for tokens (`ACQUIS_JWT_SECRET`, default a random secret kept in the data dir).
    pub jwt_secret: Option<String>,
    /// JWKS of an OIDC provider for RS256 tokens (`ACQUIS_JWKS_URL`).
    pub jwks_url: Option<Url>,
    /// Least time between two JWKS fetches triggered by unknown key ids
    /// (`ACQUIS_JWKS_MIN_REFRESH_SECS`, default 10).
    pub jwks_min_refresh_secs: u64,
    /// Expected `iss` of RS256 tokens, when set (`ACQUIS_JWT_ISSUER`).
    pub jwt_issuer: Option<String>,
    /// Expected `aud` of tokens, when set (`ACQUIS_JWT_AUDIENCE`).
    pub jwt_audience: Option<String>,
    /// Dotted path of the roles claim (`ACQUIS_ROLES_CLAIM`, default `roles`; Keycloak: `realm_access.roles`).
    pub roles_claim: String,
    /// Largest evidence file in bytes (`ACQUIS_MAX_UPLOAD_BYTES`, default 25 MiB).
    pub max_upload_bytes: u64,
    /// Base URL clients use to reach this service, for signed local-store URLs
    /// (`ACQUIS_PUBLIC_URL`, default `http://<listen>`).
    pub public_url: Option<Url>,
    /// Lifetime of signed upload and download URLs in seconds (`ACQUIS_SIGNED_URL_TTL_SECS`, default 300).
    pub signed_url_ttl_secs: u64,
    /// Serve GraphiQL at `/` (`ACQUIS_GRAPHIQL`, default true).
    pub graphiql: bool,
    /// Answer introspection queries (`ACQUIS_INTROSPECTION`, default true).
    pub introspection: bool,
    /// Timeout of a whole request in seconds, uploads included (`ACQUIS_REQUEST_TIMEOUT_SECS`, default 600).
    pub request_timeout_secs: u64,
    /// Time limit in seconds of each query operation, and on PostgreSQL of each SQL statement of
    /// the serving pool (`ACQUIS_QUERY_TIMEOUT_SECS`, default 30). Mutations are bounded by the
    /// request timeout only: completing a staged upload re-reads the whole file.
    pub query_timeout_secs: u64,
    /// Load the DEIS referential from the embedded fixture at start-up (`ACQUIS_LOAD_FIXTURES`, default true).
    pub load_fixtures: bool,
    /// Age after which leftovers of interrupted uploads are removed (`ACQUIS_SWEEP_GRACE_SECS`,
    /// default twice the request timeout, at least ten minutes). Younger objects may belong to
    /// an upload still running on some instance.
    pub sweep_grace_secs: u64,
    /// Largest GraphQL response body in bytes (`ACQUIS_MAX_RESPONSE_BYTES`, default 16 MiB);
    /// a larger answer is replaced by a `RESPONSE_TOO_LARGE` error.
    pub max_response_bytes: usize,
    /// Bearer token `/metrics` requires when set (`ACQUIS_METRICS_TOKEN`); unset, `/metrics`
    /// answers whoever reaches the port.
    pub metrics_token: Option<String>,
    /// How long personal data lives.
    pub retention: crate::domain::retention::RetentionPolicy,
    /// Key of the pseudonyms; `None` derives one from the service secret.
    pub pseudonym_secret: Option<String>,
    /// Time between two turns of the periodic sweep (`ACQUIS_SWEEP_INTERVAL_SECS`).
    pub sweep_interval_secs: u64,
    /// Matches a search gathers from each source before ranking
    /// (`ACQUIS_SEARCH_GATHER_PER_SOURCE`, at least 1).
    pub search_gather_per_source: u64,
    /// Serve the web application at `/app/`.
    pub web_app: bool,
    /// The OpenID provider the web application signs in with.
    pub oidc: Option<OidcClient>,
    /// Whether `/app/` offers the development sign-in (a token for any subject and role).
    pub dev_sign_in: bool,
}

/// What the web application needs to run the authorization code flow with PKCE: it is a
/// public client, so there is no secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OidcClient {
    pub issuer: Url,
    pub client_id: String,
    pub scopes: String,
}

/// The object store behind evidence files.
#[derive(Clone, Debug, PartialEq)]
pub enum StorageConfig {
    /// A directory on the local filesystem.
    Local(PathBuf),
    /// An S3-compatible bucket; endpoint, region and credentials come from the usual `AWS_*`
    /// variables, unless `endpoint` overrides the endpoint (tests do).
    S3 {
        bucket: String,
        endpoint: Option<String>,
    },
    /// In memory, for unit tests and throw-away runs.
    Memory,
}

/// A configuration value that could not be used; the message names the variable.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}={value:?}: {reason}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub value: String,
    pub reason: String,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Config, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads configuration through `lookup`, so tests can supply their own environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Config, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let listen = listen_address(parse_or("ACQUIS_LISTEN", get("ACQUIS_LISTEN"))?)?;
        let data_dir: PathBuf = parse_or("ACQUIS_DATA_DIR", get("ACQUIS_DATA_DIR"))?;
        let database_url = match get("DATABASE_URL") {
            Some(url)
                if url.starts_with("sqlite:")
                    || url.starts_with("postgres://")
                    || url.starts_with("postgresql://") =>
            {
                url
            }
            Some(url) => {
                return Err(invalid(
                    "DATABASE_URL",
                    &url,
                    "expected sqlite://… or postgres://…",
                ));
            }
            None => default_sqlite_url(&data_dir),
        };
        let storage = match get("ACQUIS_STORAGE_URL") {
            None => StorageConfig::Local(data_dir.join("objects")),
            Some(url) => parse_storage_url(&url)?,
        };
        let jwks_url = match get("ACQUIS_JWKS_URL") {
            None => None,
            Some(v) => {
                Some(Url::parse(&v).map_err(|e| invalid("ACQUIS_JWKS_URL", &v, &e.to_string()))?)
            }
        };
        let public_url = match get("ACQUIS_PUBLIC_URL") {
            None => None,
            Some(v) => {
                Some(Url::parse(&v).map_err(|e| invalid("ACQUIS_PUBLIC_URL", &v, &e.to_string()))?)
            }
        };
        let max_upload_bytes: u64 =
            parse_or("ACQUIS_MAX_UPLOAD_BYTES", get("ACQUIS_MAX_UPLOAD_BYTES"))?;
        if max_upload_bytes == 0 {
            return Err(invalid(
                "ACQUIS_MAX_UPLOAD_BYTES",
                "0",
                "must be at least 1",
            ));
        }
        let db_max_connections: u32 = parse_or(
            "ACQUIS_DB_MAX_CONNECTIONS",
            get("ACQUIS_DB_MAX_CONNECTIONS"),
        )?;
        if db_max_connections == 0 {
            return Err(invalid(
                "ACQUIS_DB_MAX_CONNECTIONS",
                "0",
                "must be at least 1",
            ));
        }
        let request_timeout_secs: u64 = parse_or(
            "ACQUIS_REQUEST_TIMEOUT_SECS",
            get("ACQUIS_REQUEST_TIMEOUT_SECS"),
        )?;
        let query_timeout_secs: u64 = parse_or(
            "ACQUIS_QUERY_TIMEOUT_SECS",
            get("ACQUIS_QUERY_TIMEOUT_SECS"),
        )?;
        if query_timeout_secs == 0 {
            return Err(invalid(
                "ACQUIS_QUERY_TIMEOUT_SECS",
                "0",
                "must be at least 1",
            ));
        }
        let sweep_grace_secs = match get("ACQUIS_SWEEP_GRACE_SECS") {
            Some(raw) => parse_or("ACQUIS_SWEEP_GRACE_SECS", Some(raw))?,
            None => request_timeout_secs.saturating_mul(2).max(600),
        };
        let oidc = match get("ACQUIS_OIDC_ISSUER") {
            None => None,
            Some(raw) => {
                let issuer = Url::parse(&raw)
                    .map_err(|e| invalid("ACQUIS_OIDC_ISSUER", &raw, &e.to_string()))?;
                let Some(client_id) = get("ACQUIS_OIDC_CLIENT_ID") else {
                    return Err(invalid(
                        "ACQUIS_OIDC_CLIENT_ID",
                        "",
                        "required when ACQUIS_OIDC_ISSUER is set",
                    ));
                };
                if jwks_url.is_none() {
                    return Err(invalid(
                        "ACQUIS_JWKS_URL",
                        "",
                        "required when ACQUIS_OIDC_ISSUER is set: the provider's tokens are checked against it",
                    ));
                }
                Some(OidcClient {
                    issuer,
                    client_id,
                    scopes: parse_or("ACQUIS_OIDC_SCOPES", get("ACQUIS_OIDC_SCOPES"))?,
                })
            }
        };
        // Anyone may become an admin through the development sign-in, so it is only on by
        // itself where nobody else can reach it and no real identity exists.
        let dev_sign_in = match get("ACQUIS_DEV_SIGN_IN") {
            Some(raw) => parse_bool("ACQUIS_DEV_SIGN_IN", Some(raw))?,
            None => {
                get("DATABASE_URL").is_none()
                    && jwks_url.is_none()
                    && oidc.is_none()
                    && listen.ip().is_loopback()
            }
        };
        Ok(Config {
            listen,
            database_url,
            db_max_connections,
            storage,
            jwt_secret: get("ACQUIS_JWT_SECRET"),
            jwks_url,
            jwks_min_refresh_secs: parse_or(
                "ACQUIS_JWKS_MIN_REFRESH_SECS",
                get("ACQUIS_JWKS_MIN_REFRESH_SECS"),
            )?,
            jwt_issuer: get("ACQUIS_JWT_ISSUER"),
            jwt_audience: get("ACQUIS_JWT_AUDIENCE"),
            roles_claim: parse_or("ACQUIS_ROLES_CLAIM", get("ACQUIS_ROLES_CLAIM"))?,
            max_upload_bytes,
            public_url,
            signed_url_ttl_secs: parse_or(
                "ACQUIS_SIGNED_URL_TTL_SECS",
                get("ACQUIS_SIGNED_URL_TTL_SECS"),
            )?,
            graphiql: parse_bool("ACQUIS_GRAPHIQL", get("ACQUIS_GRAPHIQL"))?,
            introspection: parse_bool("ACQUIS_INTROSPECTION", get("ACQUIS_INTROSPECTION"))?,
            request_timeout_secs,
            query_timeout_secs,
            load_fixtures: parse_bool("ACQUIS_LOAD_FIXTURES", get("ACQUIS_LOAD_FIXTURES"))?,
            sweep_grace_secs,
            sweep_interval_secs: parse_or(
                "ACQUIS_SWEEP_INTERVAL_SECS",
                get("ACQUIS_SWEEP_INTERVAL_SECS"),
            )?,
            search_gather_per_source: match parse_or(
                "ACQUIS_SEARCH_GATHER_PER_SOURCE",
                get("ACQUIS_SEARCH_GATHER_PER_SOURCE"),
            )? {
                0 => {
                    return Err(invalid(
                        "ACQUIS_SEARCH_GATHER_PER_SOURCE",
                        "0",
                        "at least one match must be gathered",
                    ));
                }
                n => n,
            },
            max_response_bytes: parse_or(
                "ACQUIS_MAX_RESPONSE_BYTES",
                get("ACQUIS_MAX_RESPONSE_BYTES"),
            )?,
            metrics_token: get("ACQUIS_METRICS_TOKEN"),
            retention: crate::domain::retention::RetentionPolicy {
                after_end_months: parse_or(
                    "ACQUIS_RETENTION_MONTHS",
                    get("ACQUIS_RETENTION_MONTHS"),
                )?,
                draft_months: parse_or(
                    "ACQUIS_DRAFT_RETENTION_MONTHS",
                    get("ACQUIS_DRAFT_RETENTION_MONTHS"),
                )?,
                audit_months: parse_or(
                    "ACQUIS_AUDIT_RETENTION_MONTHS",
                    get("ACQUIS_AUDIT_RETENTION_MONTHS"),
                )?,
            },
            pseudonym_secret: get("ACQUIS_PSEUDONYM_SECRET"),
            web_app: parse_bool("ACQUIS_WEB_APP", get("ACQUIS_WEB_APP"))?,
            oidc,
            dev_sign_in,
            data_dir,
        })
    }

    /// The base URL that signed local-store links point at.
    pub fn public_base_url(&self, bound: SocketAddr) -> Url {
        self.public_url.clone().unwrap_or_else(|| {
            Url::parse(&format!("http://{bound}/")).unwrap_or_else(|_| {
                Url::parse("http://127.0.0.1:8080/").expect("static URL parses")
            })
        })
    }
}

fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}?mode=rwc", data_dir.join("acquis.db").display())
}

fn parse_storage_url(url: &str) -> Result<StorageConfig, ConfigError> {
    if let Some(path) = url.strip_prefix("file://") {
        if path.is_empty() {
            return Err(invalid(
                "ACQUIS_STORAGE_URL",
                url,
                "file:// needs a path, e.g. file:///var/lib/acquis/objects",
            ));
        }
        return Ok(StorageConfig::Local(PathBuf::from(path)));
    }
    if let Some(bucket) = url.strip_prefix("s3://") {
        let bucket = bucket.trim_end_matches('/');
        if bucket.is_empty() || bucket.contains('/') {
            return Err(invalid(
                "ACQUIS_STORAGE_URL",
                url,
                "expected s3://bucket-name",
            ));
        }
        return Ok(StorageConfig::S3 {
            bucket: bucket.to_owned(),
            endpoint: None,
        });
    }
    if url == "memory://" || url == "memory:" {
        return Ok(StorageConfig::Memory);
    }
    Err(invalid(
        "ACQUIS_STORAGE_URL",
        url,
        "expected file:///path, s3://bucket or memory://",
    ))
}

/// `host:port` or `ip:port`; a host name is resolved now, and its first address is used.
fn listen_address(raw: String) -> Result<SocketAddr, ConfigError> {
    use std::net::ToSocketAddrs;
    if let Ok(address) = raw.trim().parse() {
        return Ok(address);
    }
    let mut addresses = raw.trim().to_socket_addrs().map_err(|e| {
        invalid(
            "ACQUIS_LISTEN",
            &raw,
            &format!("expected host:port or ip:port ({e})"),
        )
    })?;
    addresses
        .next()
        .ok_or_else(|| invalid("ACQUIS_LISTEN", &raw, "the host name has no address"))
}

/// The variable's value, or its default from [`variables::VARIABLES`].
fn parse_or<T: std::str::FromStr>(
    variable: &'static str,
    raw: Option<String>,
) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    let value = raw
        .or_else(|| variables::default_value(variable).map(str::to_owned))
        .ok_or_else(|| invalid(variable, "", "a value is required"))?;
    value
        .trim()
        .parse()
        .map_err(|e: T::Err| invalid(variable, &value, &e.to_string()))
}

fn parse_bool(variable: &'static str, raw: Option<String>) -> Result<bool, ConfigError> {
    let value = raw
        .or_else(|| variables::default_value(variable).map(str::to_owned))
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    match value.as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(invalid(variable, &value, "expected true or false")),
    }
}

fn invalid(variable: &'static str, value: &str, reason: &str) -> ConfigError {
    ConfigError {
        variable,
        value: value.to_owned(),
        reason: reason.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: std::collections::HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn defaults_use_sqlite_and_local_objects_under_the_data_dir() {
        let config = env(&[]).unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8080");
        assert!(config.database_url.starts_with("sqlite://./data/acquis.db"));
        assert_eq!(
            config.storage,
            StorageConfig::Local(PathBuf::from("./data/objects"))
        );
        assert_eq!(config.max_upload_bytes, 26_214_400);
        assert_eq!(config.query_timeout_secs, 30);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let err = env(&[("ACQUIS_MAX_UPLOAD_BYTES", "lots")]).unwrap_err();
        assert_eq!(err.variable, "ACQUIS_MAX_UPLOAD_BYTES");
        assert!(err.to_string().contains("ACQUIS_MAX_UPLOAD_BYTES"));
        assert_eq!(
            env(&[("ACQUIS_LISTEN", "nowhere")]).unwrap_err().variable,
            "ACQUIS_LISTEN"
        );
        assert_eq!(
            env(&[("DATABASE_URL", "mysql://x")]).unwrap_err().variable,
            "DATABASE_URL"
        );
        assert_eq!(
            env(&[("ACQUIS_STORAGE_URL", "ftp://x")])
                .unwrap_err()
                .variable,
            "ACQUIS_STORAGE_URL"
        );
        assert_eq!(
            env(&[("ACQUIS_GRAPHIQL", "maybe")]).unwrap_err().variable,
            "ACQUIS_GRAPHIQL"
        );
        assert_eq!(
            env(&[("ACQUIS_QUERY_TIMEOUT_SECS", "0")])
                .unwrap_err()
                .variable,
            "ACQUIS_QUERY_TIMEOUT_SECS"
        );
    }

    #[test]
    fn the_listen_address_may_name_a_host() {
        let config = env(&[("ACQUIS_LISTEN", "localhost:8181")]).unwrap();
        assert_eq!(config.listen.port(), 8181);
        assert!(config.listen.ip().is_loopback());
    }

    #[test]
    fn every_variable_with_a_value_default_parses_as_its_setting_would() {
        let config = env(&[]).unwrap();
        assert_eq!(config.sweep_grace_secs, 1200);
        assert_eq!(config.roles_claim, "roles");
        assert!(config.graphiql && config.introspection && config.load_fixtures);
        assert_eq!(config.max_response_bytes, 16 << 20);
    }

    #[test]
    fn storage_urls_select_the_backend() {
        assert_eq!(
            parse_storage_url("s3://evidence").unwrap(),
            StorageConfig::S3 {
                bucket: "evidence".into(),
                endpoint: None
            }
        );
        assert_eq!(
            parse_storage_url("file:///srv/objects").unwrap(),
            StorageConfig::Local("/srv/objects".into())
        );
        assert_eq!(
            parse_storage_url("memory://").unwrap(),
            StorageConfig::Memory
        );
    }
}
