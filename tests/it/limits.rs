//! What keeps one request from costing too much: body size, depth, complexity, batch size,
//! page size; each refusal is a clear 4xx or a typed GraphQL error, never a 500.

use serde_json::json;

use crate::support::{spawn_app, spawn_app_with};

#[tokio::test]
async fn an_oversized_json_body_is_refused_with_413() {
    let app = spawn_app().await;
    let query = format!("{{ me {{ id }} }} # {}", "x".repeat(3 << 20));
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(json!({ "query": query }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn deep_and_costly_queries_are_refused_before_they_run() {
    let app = spawn_app().await;
    let deep = format!(
        "{{ programmes {{ {}code{} }} }}",
        "domains { competences { domain { ".repeat(4),
        " } } }".repeat(4)
    );
    let response = app.gql(None, &deep, json!({})).await;
    assert_eq!(
        response["errors"][0]["message"], "Query is nested too deep.",
        "{response:#}"
    );
    let aliases: String = (0..1500)
        .map(|i| format!("a{i}: programmes {{ code }} "))
        .collect();
    let response = app.gql(None, &format!("{{ {aliases} }}"), json!({})).await;
    assert_eq!(
        response["errors"][0]["message"], "Query is too complex.",
        "{response:#}"
    );
}

#[tokio::test]
async fn a_batch_larger_than_ten_operations_is_refused() {
    let app = spawn_app().await;
    let batch: Vec<_> = (0..11)
        .map(|_| json!({ "query": "{ programmes { code } }" }))
        .collect();
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&batch)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let small: Vec<_> = (0..3)
        .map(|_| json!({ "query": "{ programmes { code } }" }))
        .collect();
    let answers: Vec<serde_json::Value> = app
        .client
        .post(format!("{}/graphql", app.address))
        .json(&small)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answers.len(), 3);
}

#[tokio::test]
async fn introspection_and_graphiql_can_be_switched_off() {
    let app = spawn_app_with(|c| {
        c.introspection = false;
        c.graphiql = false;
    })
    .await;
    let response = app
        .gql(None, "{ __schema { queryType { name } } }", json!({}))
        .await;
    assert_eq!(response["data"]["__schema"], json!(null));
    let page = app
        .client
        .get(format!("{}/", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
}

#[tokio::test]
async fn metrics_count_requests_by_operation_and_outcome() {
    let app = spawn_app().await;
    app.gql(
        None,
        "query ListProgrammes { programmes { code } }",
        json!({}),
    )
    .await;
    app.gql(None, "query Broken { nope }", json!({})).await;
    let text = app
        .client
        .get(format!("{}/metrics", app.address))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            r#"acquis_graphql_requests_total{operation="ListProgrammes",outcome="ok"} 1"#
        ),
        "{text}"
    );
    assert!(text.contains(r#"outcome="rejected""#), "{text}");
    assert!(
        text.contains("acquis_graphql_request_duration_seconds_bucket"),
        "{text}"
    );
    assert!(text.contains("acquis_db_pool_connections"), "{text}");
}
