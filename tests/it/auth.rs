use std::time::Duration;

use acquis::domain::policy::Role;
use serde_json::json;

use crate::support::spawn_app;

#[tokio::test]
async fn me_returns_the_viewer_of_a_valid_token() {
    let app = spawn_app().await;
    let token = app.token("alice", &[Role::Candidate, Role::Advisor]);
    let data = app
        .data(&token, "{ me { id subject roles } }", json!({}))
        .await;
    assert_eq!(data["me"]["subject"], "alice");
    assert_eq!(data["me"]["roles"], json!(["CANDIDATE", "ADVISOR"]));
    // The same subject is the same user on the next request.
    let again = app.data(&token, "{ me { id } }", json!({})).await;
    assert_eq!(again["me"]["id"], data["me"]["id"]);
}

#[tokio::test]
async fn a_missing_forged_or_expired_token_is_unauthenticated() {
    let app = spawn_app().await;
    let forged = acquis::auth::mint_token(
        b"another-secret-entirely-different",
        "mallory",
        &[Role::Admin],
        Duration::from_secs(60),
        None,
    )
    .unwrap();
    let expired = {
        // Minted an hour ago with a ten-minute life.
        let claims = json!({ "sub": "bob", "roles": ["CANDIDATE"], "iat": chrono::Utc::now().timestamp() - 3600, "exp": chrono::Utc::now().timestamp() - 3000 });
        jsonwebtoken::encode(
            &jsonwebtoken::Header::default(),
            &claims,
            &jsonwebtoken::EncodingKey::from_secret(crate::support::SECRET.as_bytes()).unwrap(),
        )
        .unwrap()
    };
    for token in [
        None,
        Some("not-a-jwt"),
        Some(forged.as_str()),
        Some(expired.as_str()),
    ] {
        let response = app.gql(token, "{ me { id } }", json!({})).await;
        assert_eq!(
            response["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
            "{token:?}: {response:#}"
        );
    }
}

#[tokio::test]
async fn the_referential_needs_no_token() {
    let app = spawn_app().await;
    let response = app.gql(None, "{ programmes { code } }", json!({})).await;
    assert_eq!(
        response["data"]["programmes"],
        json!([{ "code": "DEES" }, { "code": "DEIS" }])
    );
}

#[tokio::test]
async fn health_and_readiness_answer() {
    let app = spawn_app().await;
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200);
    let ready: serde_json::Value = app
        .client
        .get(format!("{}/readyz", app.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        ready,
        json!({ "ready": true, "database": "ok", "storage": "ok" })
    );
}

#[tokio::test]
async fn graphiql_is_served_at_the_root() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("graphiql"), "{page}");
}
