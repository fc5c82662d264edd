//! RS256 tokens verified against a JWKS the test serves itself, as Keycloak would, including a
//! key rotation the service learns about from the unknown key id.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::routing::get;
use serde_json::{Value, json};

use crate::support::spawn_app_with;

fn keyset(n: u8) -> Value {
    let text = match n {
        1 => include_str!("keys/jwks1.json"),
        _ => include_str!("keys/jwks2.json"),
    };
    serde_json::from_str(text).unwrap()
}

fn rs256(key: &[u8], kid: &str, subject: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    let now = chrono::Utc::now().timestamp();
    // Keycloak puts roles under realm_access.roles, next to roles the service does not know.
    let claims = json!({ "sub": subject, "iat": now, "exp": now + 600, "iss": "https://id.example/realms/acquis",
        "realm_access": { "roles": ["offline_access", "acquis-jury"] }, "preferred_username": "Juliette" });
    jsonwebtoken::encode(
        &header,
        &claims,
        &jsonwebtoken::EncodingKey::from_rsa_der(key),
    )
    .unwrap()
}

async fn serve_jwks(current: Arc<Mutex<Value>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let app = Router::new().route(
        "/certs",
        get(move || {
            let current = current.clone();
            async move { axum::Json(current.lock().unwrap().clone()) }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{address}/certs")
}

#[tokio::test]
async fn rs256_tokens_are_verified_against_the_jwks_and_a_rotated_key_is_fetched() {
    let current = Arc::new(Mutex::new(keyset(1)));
    let url = serve_jwks(current.clone()).await;
    let app = spawn_app_with(|c| {
        c.jwks_url = Some(url.parse().unwrap());
        c.roles_claim = "realm_access.roles".into();
        c.jwt_issuer = Some("https://id.example/realms/acquis".into());
        c.jwks_min_refresh_secs = 0;
    })
    .await;
    let query = "{ me { subject roles displayName } }";
    let first = app
        .gql(
            Some(&rs256(
                include_bytes!("keys/key1.der"),
                "test-key-1",
                "juliette",
            )),
            query,
            json!({}),
        )
        .await;
    assert_eq!(
        first["data"]["me"],
        json!({ "subject": "juliette", "roles": ["JURY"], "displayName": "Juliette" }),
        "{first:#}"
    );

    // The provider rotates to a new key: tokens signed with it are accepted after a refetch.
    *current.lock().unwrap() = keyset(2);
    let rotated = app
        .gql(
            Some(&rs256(
                include_bytes!("keys/key2.der"),
                "test-key-2",
                "juliette",
            )),
            query,
            json!({}),
        )
        .await;
    assert_eq!(rotated["data"]["me"]["subject"], "juliette", "{rotated:#}");

    // A token signed by a key the provider does not publish is refused.
    let forged = app
        .gql(
            Some(&rs256(
                include_bytes!("keys/key1.der"),
                "test-key-2",
                "mallory",
            )),
            query,
            json!({}),
        )
        .await;
    assert_eq!(
        forged["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{forged:#}"
    );
}
