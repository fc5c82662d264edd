//! Bearer tokens: HS256 with the configured secret (development, tests, `acquis token`) and
//! RS256 from an OIDC provider's JWKS (production). The JWKS is cached and fetched again when a
//! token names a key id we do not know, which is how providers rotate keys.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};
use tokio::sync::RwLock;
use url::Url;

use crate::config::Config;
use crate::domain::policy::Role;

/// Who a valid token says the caller is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Identity {
    pub subject: String,
    pub roles: Vec<Role>,
    pub display_name: Option<String>,
}

/// Why a token was refused. The client sees one message whatever the reason (a reason is no
/// secret, but a message is what a spoofed page would show); `reason` goes into
/// `extensions.reason` and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet (nbf)")]
    NotYetValid,
    #[error("the token's signature does not verify")]
    BadSignature,
    #[error("the token was issued by another issuer")]
    WrongIssuer,
    #[error("the token was issued for another audience")]
    WrongAudience,
    #[error("the token lacks a required claim (sub, exp)")]
    MissingClaim,
    #[error("the token's subject is empty, too long or holds control characters")]
    BadSubject,
    #[error("the token's signing key is unknown")]
    UnknownKey,
    #[error("tokens of this kind are not accepted here")]
    UnsupportedAlgorithm,
}

impl AuthError {
    /// Stable code for `extensions.reason`.
    pub fn reason(self) -> &'static str {
        match self {
            AuthError::Malformed => "TOKEN_MALFORMED",
            AuthError::Expired => "TOKEN_EXPIRED",
            AuthError::NotYetValid => "TOKEN_NOT_YET_VALID",
            AuthError::BadSignature => "TOKEN_BAD_SIGNATURE",
            AuthError::WrongIssuer => "TOKEN_WRONG_ISSUER",
            AuthError::WrongAudience => "TOKEN_WRONG_AUDIENCE",
            AuthError::MissingClaim => "TOKEN_MISSING_CLAIM",
            AuthError::BadSubject => "TOKEN_BAD_SUBJECT",
            AuthError::UnknownKey => "TOKEN_UNKNOWN_KEY",
            AuthError::UnsupportedAlgorithm => "TOKEN_UNSUPPORTED_ALGORITHM",
        }
    }

    fn of(err: &jsonwebtoken::errors::Error) -> AuthError {
        use jsonwebtoken::errors::ErrorKind;
        match err.kind() {
            ErrorKind::InvalidSignature => AuthError::BadSignature,
            ErrorKind::ExpiredSignature => AuthError::Expired,
            ErrorKind::ImmatureSignature => AuthError::NotYetValid,
            ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
            ErrorKind::InvalidAudience => AuthError::WrongAudience,
            ErrorKind::MissingRequiredClaim(_) => AuthError::MissingClaim,
            ErrorKind::InvalidSubject => AuthError::BadSubject,
            ErrorKind::InvalidAlgorithm | ErrorKind::MissingAlgorithm => {
                AuthError::UnsupportedAlgorithm
            }
            ErrorKind::InvalidKeyFormat
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidEddsaKey
            | ErrorKind::RsaFailedSigning
            | ErrorKind::Provider(_) => AuthError::UnknownKey,
            _ => AuthError::Malformed,
        }
    }
}

/// Longest subject accepted; OIDC providers use UUIDs or short identifiers.
const MAX_SUBJECT_LEN: usize = 255;

/// The development token format minted by `acquis token`.
#[derive(Serialize, Deserialize)]
struct DevClaims {
    sub: String,
    roles: Vec<String>,
    iat: i64,
    exp: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

pub struct Authenticator {
    secret: Option<Vec<u8>>,
    jwks: Option<JwksCache>,
    issuer: Option<String>,
    audience: Option<String>,
    roles_claim: Vec<String>,
}

impl Authenticator {
    pub fn new(config: &Config, secret: Option<Vec<u8>>) -> Authenticator {
        Authenticator {
            secret,
            jwks: config
                .jwks_url
                .clone()
                .map(|url| JwksCache::new(url, Duration::from_secs(config.jwks_min_refresh_secs))),
            issuer: config.jwt_issuer.clone(),
            audience: config.jwt_audience.clone(),
            roles_claim: config.roles_claim.split('.').map(str::to_owned).collect(),
        }
    }

    /// The identity a valid token carries, and the time (Unix seconds) it stops being valid.
    pub async fn authenticate(&self, token: &str) -> Result<(Identity, i64), AuthError> {
        let header = jsonwebtoken::decode_header(token).map_err(|_| AuthError::Malformed)?;
        let key = match header.alg {
            Algorithm::HS256 => DecodingKey::from_secret(
                self.secret
                    .as_deref()
                    .ok_or(AuthError::UnsupportedAlgorithm)?,
            )
            .map_err(|_| AuthError::UnsupportedAlgorithm)?,
            Algorithm::RS256
            | Algorithm::RS384
            | Algorithm::RS512
            | Algorithm::ES256
            | Algorithm::PS256 => {
                let jwks = self.jwks.as_ref().ok_or(AuthError::UnsupportedAlgorithm)?;
                jwks.key(header.kid.as_deref()).await?
            }
            _ => return Err(AuthError::UnsupportedAlgorithm),
        };
        let mut validation = Validation::new(header.alg);
        validation.set_required_spec_claims(&["exp", "sub"]);
        validation.leeway = 30;
        // jsonwebtoken skips `nbf` unless asked; a token is refused until it starts, with
        // the same leeway as its end.
        validation.validate_nbf = true;
        match &self.audience {
            Some(aud) => validation.set_audience(&[aud]),
            None => validation.validate_aud = false,
        }
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
        }
        let data = jsonwebtoken::decode::<serde_json::Value>(token, &key, &validation)
            .map_err(|e| AuthError::of(&e))?;
        let claims = data.claims;
        let subject = claims
            .get("sub")
            .and_then(|s| s.as_str())
            .ok_or(AuthError::MissingClaim)?;
        if subject.is_empty()
            || subject.len() > MAX_SUBJECT_LEN
            || subject.chars().any(char::is_control)
        {
            return Err(AuthError::BadSubject);
        }
        let mut roles: Vec<Role> = self.roles_in(&claims).filter_map(Role::parse).collect();
        roles.sort();
        roles.dedup();
        let display_name = ["name", "preferred_username"]
            .iter()
            .find_map(|k| claims.get(*k).and_then(|v| v.as_str()))
            .map(str::to_owned);
        let expires_at = claims
            .get("exp")
            .and_then(serde_json::Value::as_f64)
            .map(|exp| exp as i64)
            .ok_or(AuthError::MissingClaim)?;
        Ok((
            Identity {
                subject: subject.to_owned(),
                roles,
                display_name,
            },
            expires_at,
        ))
    }

    fn roles_in<'a>(&self, claims: &'a serde_json::Value) -> impl Iterator<Item = &'a str> {
        let mut node = Some(claims);
        for part in &self.roles_claim {
            node = node.and_then(|n| n.get(part));
        }
        let values: Vec<&str> = match node {
            Some(serde_json::Value::Array(items)) => {
                items.iter().filter_map(|v| v.as_str()).collect()
            }
            Some(serde_json::Value::String(s)) => {
                s.split([' ', ',']).filter(|s| !s.is_empty()).collect()
            }
            _ => Vec::new(),
        };
        values.into_iter()
    }
}

/// Mints an HS256 development token.
pub fn mint_token(
    secret: &[u8],
    subject: &str,
    roles: &[Role],
    ttl: Duration,
    name: Option<&str>,
) -> anyhow::Result<String> {
    let now = chrono::Utc::now().timestamp();
    let claims = DevClaims {
        sub: subject.to_owned(),
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
        iat: now,
        exp: now + ttl.as_secs() as i64,
        name: name.map(str::to_owned),
    };
    Ok(jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims,
        &EncodingKey::from_secret(secret)?,
    )?)
}

/// The HS256 secret exactly as `serve` and `token` resolve it: `ACQUIS_JWT_SECRET`, else a
/// random secret created once in the data dir and kept there.
pub fn resolve_secret(config: &Config) -> anyhow::Result<Vec<u8>> {
    if let Some(secret) = &config.jwt_secret {
        if secret.len() < 16 {
            anyhow::bail!(
                "invalid configuration: ACQUIS_JWT_SECRET must be at least 16 characters"
            );
        }
        return Ok(secret.as_bytes().to_vec());
    }
    secret_file(&config.data_dir.join("jwt-secret"))
}

fn secret_file(path: &Path) -> anyhow::Result<Vec<u8>> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        let trimmed = existing.trim();
        if trimmed.len() >= 32 {
            return Ok(trimmed.as_bytes().to_vec());
        }
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("cannot create {}: {e}", dir.display()))?;
    }
    let secret = hex::encode(rand::random::<[u8; 32]>());
    write_private(path, &secret)
        .map_err(|e| anyhow::anyhow!("cannot write the token secret {}: {e}", path.display()))?;
    Ok(secret.into_bytes())
}

#[cfg(unix)]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(content.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, content: &str) -> std::io::Result<()> {
    std::fs::write(path, content)
}

/// Keys of an OIDC provider, fetched lazily and again on an unknown key id (at most every
/// `min_refresh`, so a flood of forged key ids cannot hammer the provider).
struct JwksCache {
    url: Url,
    min_refresh: Duration,
    client: reqwest::Client,
    state: RwLock<JwksState>,
}

#[derive(Default)]
struct JwksState {
    keys: HashMap<String, Arc<DecodingKey>>,
    /// Key used by tokens that carry no `kid`, when the set has exactly one key.
    only: Option<Arc<DecodingKey>>,
    fetched_at: Option<Instant>,
}

impl JwksCache {
    fn new(url: Url, min_refresh: Duration) -> JwksCache {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        JwksCache {
            url,
            min_refresh,
            client,
            state: RwLock::new(JwksState::default()),
        }
    }

    async fn key(&self, kid: Option<&str>) -> Result<DecodingKey, AuthError> {
        if let Some(key) = self.lookup(kid).await {
            return Ok(key);
        }
        {
            let state = self.state.read().await;
            if state
                .fetched_at
                .is_some_and(|t| t.elapsed() < self.min_refresh)
            {
                return Err(AuthError::UnknownKey);
            }
        }
        self.refresh().await?;
        self.lookup(kid).await.ok_or(AuthError::UnknownKey)
    }

    async fn lookup(&self, kid: Option<&str>) -> Option<DecodingKey> {
        let state = self.state.read().await;
        let key = match kid {
            Some(kid) => state.keys.get(kid),
            None => state.only.as_ref(),
        };
        key.map(|k| (**k).clone())
    }

    async fn refresh(&self) -> Result<(), AuthError> {
        let mut state = self.state.write().await;
        if state
            .fetched_at
            .is_some_and(|t| t.elapsed() < self.min_refresh)
        {
            return Ok(());
        }
        state.fetched_at = Some(Instant::now());
        let set: JwkSet = async {
            self.client
                .get(self.url.clone())
                .send()
                .await?
                .error_for_status()?
                .json()
                .await
        }
        .await
        .map_err(|e: reqwest::Error| {
            tracing::warn!(error = %e, "fetching the JWKS failed");
            AuthError::UnknownKey
        })?;
        let mut keys = HashMap::new();
        for jwk in &set.keys {
            match (jwk.common.key_id.as_ref(), DecodingKey::from_jwk(jwk)) {
                (Some(kid), Ok(key)) => {
                    keys.insert(kid.clone(), Arc::new(key));
                }
                (None, Ok(key)) if set.keys.len() == 1 => state.only = Some(Arc::new(key)),
                _ => {}
            }
        }
        if set.keys.len() == 1 && state.only.is_none() {
            state.only = keys.values().next().cloned();
        }
        tracing::info!(jwks.keys = keys.len(), "JWKS refreshed");
        state.keys = keys;
        Ok(())
    }
}
