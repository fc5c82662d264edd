//! An OpenID provider for the browser tests, as small as the flow allows but strict where the
//! web application could go wrong: discovery, a login page listing test people, one-time
//! authorization codes bound to their redirect URI and PKCE challenge (S256 only), RS256 tokens
//! with `iss`, `aud` and the `nonce`, and the JWKS the service checks them against.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use base64::Engine;
use serde_json::{Value, json};
use sha2::Digest;

pub const CLIENT_ID: &str = "acquis-web";

/// Someone the provider can sign in.
#[derive(Clone)]
pub struct Person {
    pub subject: &'static str,
    pub name: &'static str,
    pub roles: &'static [&'static str],
}

struct Grant {
    subject: &'static str,
    name: &'static str,
    roles: &'static [&'static str],
    redirect_uri: String,
    challenge: String,
    nonce: String,
}

#[derive(Default)]
struct Ledger {
    codes: HashMap<String, Grant>,
    /// Code exchanges whose verifier matched the challenge.
    verified: u32,
    /// Code exchanges refused, with the reason.
    refused: Vec<String>,
}

#[derive(Clone)]
struct Shared {
    issuer: String,
    people: Arc<Vec<Person>>,
    ledger: Arc<Mutex<Ledger>>,
}

pub struct Provider {
    pub issuer: String,
    shared: Shared,
}

impl Provider {
    pub async fn start(people: Vec<Person>) -> Provider {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let issuer = format!("http://{}", listener.local_addr().unwrap());
        let shared = Shared {
            issuer: issuer.clone(),
            people: Arc::new(people),
            ledger: Arc::new(Mutex::new(Ledger::default())),
        };
        let app = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(login_page).post(authorize))
            .route("/token", axum::routing::post(token))
            .route("/jwks", get(jwks))
            .with_state(shared.clone())
            // The page fetches discovery and the token endpoint from its own origin.
            .layer(tower_http::cors::CorsLayer::permissive());
        tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
        Provider { issuer, shared }
    }

    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.issuer)
    }

    /// How many codes were exchanged with the right PKCE verifier, and what was refused.
    pub fn exchanges(&self) -> (u32, Vec<String>) {
        let ledger = self.shared.ledger.lock().unwrap();
        (ledger.verified, ledger.refused.clone())
    }
}

async fn discovery(State(s): State<Shared>) -> Json<Value> {
    Json(json!({
        "issuer": s.issuer,
        "authorization_endpoint": format!("{}/authorize", s.issuer),
        "token_endpoint": format!("{}/token", s.issuer),
        "jwks_uri": format!("{}/jwks", s.issuer),
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "id_token_signing_alg_values_supported": ["RS256"],
    }))
}

async fn jwks() -> Json<Value> {
    Json(serde_json::from_str(include_str!("../keys/jwks1.json")).unwrap())
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

async fn login_page(
    State(s): State<Shared>,
    Query(query): Query<HashMap<String, String>>,
) -> Response {
    let get = |k: &str| query.get(k).cloned().unwrap_or_default();
    if get("response_type") != "code"
        || get("client_id") != CLIENT_ID
        || get("code_challenge_method") != "S256"
        || get("code_challenge").len() < 43
        || get("state").is_empty()
        || get("nonce").is_empty()
        || !get("scope").split(' ').any(|s| s == "openid")
    {
        return (
            StatusCode::BAD_REQUEST,
            format!("invalid authorization request: {query:?}"),
        )
            .into_response();
    }
    let hidden: String = ["redirect_uri", "state", "nonce", "code_challenge"]
        .iter()
        .map(|k| {
            format!(
                "<input type=\"hidden\" name=\"{k}\" value=\"{}\">",
                escape(&get(k))
            )
        })
        .collect();
    let buttons: String = s
        .people
        .iter()
        .map(|p| {
            format!(
                "<button name=\"person\" value=\"{}\">{}</button>",
                p.subject,
                escape(p.name)
            )
        })
        .collect();
    Html(format!(
        "<!doctype html><html lang=\"fr\"><title>Fournisseur d'identité de test</title>\
         <h1>Qui êtes-vous ?</h1><form method=\"post\" action=\"/authorize\">{hidden}{buttons}</form></html>"
    ))
    .into_response()
}

/// A form-encoded body (the service's axum has no `form` feature, and needs none).
fn form(body: &str) -> HashMap<String, String> {
    url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

async fn authorize(State(s): State<Shared>, body: String) -> Response {
    let fields = form(&body);
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let Some(person) = s.people.iter().find(|p| p.subject == get("person")) else {
        return (StatusCode::BAD_REQUEST, "unknown person").into_response();
    };
    let code = uuid::Uuid::new_v4().simple().to_string();
    s.ledger.lock().unwrap().codes.insert(
        code.clone(),
        Grant {
            subject: person.subject,
            name: person.name,
            roles: person.roles,
            redirect_uri: get("redirect_uri"),
            challenge: get("code_challenge"),
            nonce: get("nonce"),
        },
    );
    let mut target = url::Url::parse(&get("redirect_uri")).unwrap();
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", &get("state"));
    Redirect::to(target.as_str()).into_response()
}

fn sign(claims: &Value) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some("test-key-1".to_owned());
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_rsa_der(include_bytes!("../keys/key1.der")),
    )
    .unwrap()
}

fn refuse(s: &Shared, reason: &str) -> Response {
    s.ledger.lock().unwrap().refused.push(reason.to_owned());
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "error": "invalid_grant", "error_description": reason })),
    )
        .into_response()
}

async fn token(State(s): State<Shared>, body: String) -> Response {
    let fields = form(&body);
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    if get("grant_type") != "authorization_code" || get("client_id") != CLIENT_ID {
        return refuse(&s, "grant type or client");
    }
    // A code is used once, whatever the outcome.
    let Some(grant) = s.ledger.lock().unwrap().codes.remove(&get("code")) else {
        return refuse(&s, "unknown or used code");
    };
    if grant.redirect_uri != get("redirect_uri") {
        return refuse(&s, "redirect_uri differs");
    }
    let digest = sha2::Sha256::digest(get("code_verifier").as_bytes());
    let computed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(digest);
    if computed != grant.challenge {
        return refuse(&s, "PKCE verifier does not match the challenge");
    }
    s.ledger.lock().unwrap().verified += 1;
    let now = chrono::Utc::now().timestamp();
    let common = json!({ "iss": s.issuer, "sub": grant.subject, "iat": now, "exp": now + 900, "name": grant.name });
    let mut access = common.clone();
    access["aud"] = json!(CLIENT_ID);
    access["roles"] = json!(grant.roles);
    let mut id = common;
    id["aud"] = json!(CLIENT_ID);
    id["nonce"] = json!(grant.nonce);
    Json(json!({
        "access_token": sign(&access),
        "id_token": sign(&id),
        "token_type": "Bearer",
        "expires_in": 900,
    }))
    .into_response()
}
