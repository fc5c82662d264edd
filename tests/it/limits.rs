//! What keeps one request from costing too much: body size, depth, complexity, batch size,
//! page size; each refusal is a clear 4xx or a typed GraphQL error, never a 500.

use sea_orm::ConnectionTrait;
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
    // Each page costs its size times what one of its items costs.
    let aliases: String = (0..120)
        .map(|i| {
            format!("a{i}: dossiers(first: 100) {{ edges {{ node {{ id status version }} }} }} ")
        })
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
    let text = app.metrics().await;
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

/// Holds the database's strongest lock on the dossiers from a connection of the test's own, as
/// a long migration or a runaway statement would: PostgreSQL's ACCESS EXCLUSIVE lock on the
/// table, SQLite's exclusive lock on the file. The pool has one connection, so the `ROLLBACK`
/// of `release` goes where the `BEGIN` went.
struct HeldLock(sea_orm::DatabaseConnection);

impl HeldLock {
    async fn take(database_url: &str) -> HeldLock {
        let mut options = sea_orm::ConnectOptions::new(database_url);
        options.max_connections(1).sqlx_logging(false);
        let db = sea_orm::Database::connect(options).await.unwrap();
        let begin = if database_url.starts_with("postgres") {
            "BEGIN; LOCK TABLE dossier IN ACCESS EXCLUSIVE MODE"
        } else {
            "BEGIN EXCLUSIVE"
        };
        db.execute_unprepared(begin).await.unwrap();
        HeldLock(db)
    }

    async fn release(self) {
        self.0.execute_unprepared("ROLLBACK").await.unwrap();
        self.0.close().await.unwrap();
    }
}

#[tokio::test]
async fn a_request_that_outlives_its_time_limit_gets_a_typed_timeout_changes_nothing_and_the_service_recovers()
 {
    let app = spawn_app_with(|config| config.query_timeout_secs = 1).await;
    let alice = app.candidate("alice-timeout");
    let dossier = app.create_dossier(&alice, None).await;
    let experience = json!({ "title": "Cheffe de service", "organisation": "Conseil départemental", "kind": "SALARIED", "startDate": "2021-01-01", "workingTimePercent": 100 });
    app.add_experience(&alice, &dossier, experience.clone())
        .await;
    let read = "query ReadDossier($id: ID!) { dossier(id: $id) { id experiences { totalCount } } }";
    let add = "mutation AddExperience($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } userErrors { code } } }";
    let mut input = experience;
    input["dossierId"] = json!(dossier);

    let lock = HeldLock::take(&app.config.database_url).await;
    // The answers arrive while the lock is still held: the limit, not the lock, ended them.
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("accept", "application/graphql-response+json")
        .bearer_auth(&alice)
        .json(&json!({ "query": read, "variables": { "id": dossier } }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "the query ran: not a request error");
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["data"], json!(null), "{body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "TIMEOUT",
        "{body:#}"
    );
    // A mutation is not cut by the query limit, but its statement is (PostgreSQL's statement
    // timeout, SQLite's wait for the lock), and its transaction is rolled back.
    let response = app.gql(Some(&alice), add, json!({ "input": input })).await;
    assert_eq!(
        response["errors"][0]["extensions"]["code"], "TIMEOUT",
        "{response:#}"
    );
    lock.release().await;

    let data = app.data(&alice, read, json!({ "id": dossier })).await;
    assert_eq!(
        data["dossier"]["experiences"]["totalCount"], 1,
        "the timed-out mutation left nothing behind: {data:#}"
    );
    let metrics = app.metrics().await;
    assert!(
        metrics.contains(
            r#"acquis_graphql_requests_total{operation="ReadDossier",outcome="timeout"} 1"#
        ),
        "{metrics}"
    );
}
