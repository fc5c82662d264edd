//! The web application at `/app/`: static files embedded in the binary (no build step, no
//! network at run time), the settings the page starts from, and the development sign-in.
//! Every path under `/app/` that is not a file is the application's own route, so it answers
//! the page and the page's router takes over.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use sha2::Digest;

use super::HttpState;
use crate::config::Config;
use crate::domain::policy::Role;

/// A development token lasts a working day.
const DEV_TOKEN_TTL: Duration = Duration::from_secs(12 * 3600);

macro_rules! web_assets {
    ($($name:literal => $media:literal),* $(,)?) => {
        /// Files under `/app/assets/`: name, media type, bytes.
        pub(crate) const ASSETS: &[(&str, &str, &[u8])] = &[
            $(($name, $media, include_bytes!(concat!("../../assets/web/", $name)))),*
        ];
    };
}

web_assets! {
    "app.css" => "text/css; charset=utf-8",
    "favicon.svg" => "image/svg+xml",
    "js/api.js" => "text/javascript; charset=utf-8",
    "js/auth.js" => "text/javascript; charset=utf-8",
    "js/dom.js" => "text/javascript; charset=utf-8",
    "js/labels.js" => "text/javascript; charset=utf-8",
    "js/main.js" => "text/javascript; charset=utf-8",
    "js/upload.js" => "text/javascript; charset=utf-8",
    "js/screens/coverage.js" => "text/javascript; charset=utf-8",
    "js/screens/career.js" => "text/javascript; charset=utf-8",
    "js/screens/dossiers.js" => "text/javascript; charset=utf-8",
    "js/screens/evidence.js" => "text/javascript; charset=utf-8",
    "js/screens/exemptions.js" => "text/javascript; charset=utf-8",
    "js/screens/frame.js" => "text/javascript; charset=utf-8",
    "js/screens/jury.js" => "text/javascript; charset=utf-8",
    "js/screens/mapping.js" => "text/javascript; charset=utf-8",
    "js/screens/overview.js" => "text/javascript; charset=utf-8",
    "js/screens/sign_in.js" => "text/javascript; charset=utf-8",
}

const INDEX: &[u8] = include_bytes!("../../assets/web/index.html");

/// Entity tags of the embedded files, computed once: the files change only with the binary.
fn etag(name: &str, bytes: &[u8]) -> HeaderValue {
    static TAGS: OnceLock<Vec<(String, HeaderValue)>> = OnceLock::new();
    let tags = TAGS.get_or_init(|| {
        std::iter::once(("index.html", INDEX))
            .chain(ASSETS.iter().map(|(n, _, b)| (*n, *b)))
            .map(|(n, b)| {
                let digest = sha2::Sha256::digest(b);
                let tag = format!("\"{}\"", hex::encode(&digest[..12]));
                (
                    n.to_owned(),
                    HeaderValue::from_str(&tag).expect("hex is a header"),
                )
            })
            .collect()
    });
    tags.iter()
        .find(|(n, _)| n == name)
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| {
            let digest = sha2::Sha256::digest(bytes);
            HeaderValue::from_str(&format!("\"{}\"", hex::encode(&digest[..12])))
                .expect("hex is a header")
        })
}

/// The page may load only its own files and talk only to this service, its signed file links
/// and the OpenID provider (discovery and the token endpoint are fetched by the page).
/// `upload_origin` is where staged uploads go when the store presigns them.
pub fn content_security_policy(config: &Config, upload_origin: Option<&str>) -> String {
    let mut connect = vec!["'self'".to_owned()];
    let origins = [
        config.public_url.as_ref(),
        config.oidc.as_ref().map(|o| &o.issuer),
    ];
    let origins = origins
        .into_iter()
        .flatten()
        .map(|url| url.origin().ascii_serialization())
        .chain(upload_origin.map(str::to_owned));
    for origin in origins {
        if origin != "null" && !connect.contains(&origin) {
            connect.push(origin);
        }
    }
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         connect-src {}; object-src 'none'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'",
        connect.join(" ")
    )
}

fn not_modified(headers: &HeaderMap, tag: &HeaderValue) -> bool {
    headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|sent| sent.as_bytes() == tag.as_bytes())
}

pub async fn to_page() -> Redirect {
    Redirect::permanent("/app/")
}

/// The application's HTML for every route of its own.
pub async fn page(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    let tag = etag("index.html", INDEX);
    let mut response = if not_modified(&headers, &tag) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "text/html; charset=utf-8")], INDEX).into_response()
    };
    let policy = content_security_policy(&state.app.config, state.upload_origin.as_deref());
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&policy) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(header::ETAG, tag);
    response
}

pub async fn route(
    state: State<HttpState>,
    headers: HeaderMap,
    Path(path): Path<String>,
) -> Response {
    // A missing file must not become the page: a browser would run HTML as a script.
    if path.starts_with("assets/") || path.rsplit('/').next().is_some_and(|l| l.contains('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    page(state, headers).await
}

pub async fn asset(Path(name): Path<String>, headers: HeaderMap) -> Response {
    let Some((name, media, bytes)) = ASSETS.iter().find(|(n, _, _)| *n == name) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let tag = etag(name, bytes);
    // Modules import each other: revalidating every time keeps a page from mixing two releases.
    if not_modified(&headers, &tag) {
        return (
            StatusCode::NOT_MODIFIED,
            [
                (header::ETAG, tag),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
        )
            .into_response();
    }
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(media)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::ETAG, tag),
        ],
        *bytes,
    )
        .into_response()
}

/// What the page needs before anyone signs in.
pub async fn settings(State(state): State<HttpState>) -> Response {
    let config = &state.app.config;
    let oidc = config.oidc.as_ref().map(|o| {
        json!({
            "issuer": o.issuer.as_str().trim_end_matches('/'),
            "clientId": o.client_id,
            "scopes": o.scopes,
        })
    });
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "oidc": oidc,
            "devSignIn": config.dev_sign_in && state.dev_secret.is_some(),
            "maxUploadBytes": config.max_upload_bytes,
        })),
    )
        .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct DevSignIn {
    subject: String,
    #[serde(default)]
    name: Option<String>,
    role: String,
}

fn refused(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "code": code, "message": message }))).into_response()
}

/// A development token for the subject and role the form names. Only where the service says
/// so (`ACQUIS_DEV_SIGN_IN`), and only from the page's own origin: another site open in the
/// same browser must not mint tokens for itself.
pub async fn dev_sign_in(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Result<Json<DevSignIn>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Some(secret) = state.dev_secret.clone() else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !same_origin(&headers) {
        return refused(
            StatusCode::FORBIDDEN,
            "CROSS_ORIGIN",
            "the development sign-in answers the application's own page only",
        );
    }
    let Ok(Json(form)) = body else {
        return refused(
            StatusCode::BAD_REQUEST,
            "BAD_REQUEST",
            "expected {\"subject\", \"role\", \"name\"?} as JSON",
        );
    };
    let subject = form.subject.trim();
    let subject_ok = (1..=64).contains(&subject.chars().count())
        && subject
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'));
    if !subject_ok {
        return refused(
            StatusCode::BAD_REQUEST,
            "INVALID_SUBJECT",
            "1 to 64 letters, digits, '.', '_', '-' or '@'",
        );
    }
    let name = form
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if name.is_some_and(|n| n.chars().count() > 80 || n.chars().any(char::is_control)) {
        return refused(
            StatusCode::BAD_REQUEST,
            "INVALID_NAME",
            "at most 80 characters, no control characters",
        );
    }
    let Some(role) = Role::parse(&form.role) else {
        return refused(StatusCode::BAD_REQUEST, "INVALID_ROLE", "unknown role");
    };
    match crate::auth::mint_token(&secret, subject, &[role], DEV_TOKEN_TTL, name) {
        Ok(token) => {
            // Ids only: the subject may be an e-mail address.
            tracing::info!(role = role.as_str(), "development sign-in");
            let expires_at = chrono::Utc::now() + DEV_TOKEN_TTL;
            (
                [(header::CACHE_CONTROL, "no-store")],
                Json(json!({ "token": token, "expiresAt": expires_at.to_rfc3339() })),
            )
                .into_response()
        }
        Err(err) => {
            tracing::error!(error = %err, "development token not minted");
            refused(StatusCode::INTERNAL_SERVER_ERROR, "INTERNAL", "no token")
        }
    }
}

/// A browser names the page's origin on every POST; a client that sends none (curl) is not a
/// page of another site.
fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .unwrap_or_default();
    origin
        .strip_prefix("http://")
        .or_else(|| origin.strip_prefix("https://"))
        .is_some_and(|rest| rest == host)
}

/// The secret the development sign-in signs with, when it is on.
pub fn dev_secret(config: &Config, secret: &[u8]) -> Option<Arc<Vec<u8>>> {
    config.dev_sign_in.then(|| Arc::new(secret.to_vec()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_of_the_web_folder_is_served_and_every_served_file_exists() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/web");
        let mut on_disk = Vec::new();
        let mut stack = vec![root.clone()];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                } else {
                    let name = path
                        .strip_prefix(&root)
                        .unwrap()
                        .to_string_lossy()
                        .into_owned();
                    if name != "index.html" && name != "README.md" {
                        on_disk.push(name);
                    }
                }
            }
        }
        on_disk.sort();
        let mut served: Vec<String> = ASSETS.iter().map(|(n, _, _)| (*n).to_owned()).collect();
        served.sort();
        assert_eq!(on_disk, served);
    }

    #[test]
    fn the_policy_lets_the_page_reach_its_provider_and_nothing_else() {
        let mut config = Config::from_lookup(|_| None).unwrap();
        assert!(content_security_policy(&config, None).contains("connect-src 'self';"));
        config.oidc = Some(crate::config::OidcClient {
            issuer: url::Url::parse("https://id.example.org/realms/vae").unwrap(),
            client_id: "acquis".into(),
            scopes: "openid".into(),
        });
        let policy = content_security_policy(&config, Some("https://s3.eu-west-3.amazonaws.com"));
        assert!(
            policy.contains(
                "connect-src 'self' https://id.example.org https://s3.eu-west-3.amazonaws.com;"
            ),
            "{policy}"
        );
    }
}
