//! Documents written to hurt the server rather than to ask it something: nesting that would
//! overflow the parser's stack, fragments that expand exponentially, pages that multiply,
//! answers too large to send, names that would grow the metrics. Each is refused up front with
//! a clear answer, and the server keeps serving.

use acquis::domain::policy::Role;
use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app, spawn_app_with};

/// POSTs `body` as JSON and returns the status and the parsed answer.
async fn post(app: &TestApp, body: &Value) -> (u16, Value) {
    let response = app
        .client
        .post(format!("{}/graphql", app.address))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .expect("the server answered");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn still_serving(app: &TestApp) {
    let answer = app.gql(None, "{ __typename }", json!({})).await;
    assert_eq!(answer["data"]["__typename"], "Query", "{answer:#}");
}

#[tokio::test]
async fn documents_nested_thousands_deep_are_refused_with_400_and_the_server_keeps_serving() {
    let app = spawn_app().await;
    let n = 2_000;
    let list = format!(
        "{{ programme(code: {}1{}) {{ code }} }}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let object = format!(
        "{{ programme(code: {}1{}) {{ code }} }}",
        "{a:".repeat(n),
        "}".repeat(n)
    );
    let default = format!(
        "query($v: String = {}1{}) {{ programme(code: $v) {{ code }} }}",
        "[".repeat(n),
        "]".repeat(n)
    );
    let selections = format!("{{ {}__typename{} }}", "a { ".repeat(n), " }".repeat(n));
    for query in [&list, &object, &default, &selections] {
        assert!(query.len() < 16_000, "a small request");
        let (status, answer) = post(&app, &json!({ "query": query })).await;
        assert_eq!(status, 400, "{answer:#}");
        let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("nests"), "{answer:#}");
        still_serving(&app).await;
    }
    let encoded: String = url::form_urlencoded::byte_serialize(list.as_bytes()).collect();
    let get = app
        .client
        .get(format!("{}/graphql?query={encoded}", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(get.status(), 400);
    // In a batch, and in the operations of a multipart request.
    let (status, _) = post(
        &app,
        &json!([{ "query": "{ __typename }" }, { "query": object }]),
    )
    .await;
    assert_eq!(status, 400);
    let form = reqwest::multipart::Form::new()
        .text(
            "operations",
            json!({ "query": default, "variables": {} }).to_string(),
        )
        .text("map", "{}");
    let multipart = app
        .client
        .post(format!("{}/graphql", app.address))
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(multipart.status(), 400);
    still_serving(&app).await;
}

#[tokio::test]
async fn a_fragment_fan_out_is_refused_before_any_of_it_is_expanded() {
    let app = spawn_app().await;
    let levels = 26;
    let mut query = String::from("query { ...F0 } ");
    for i in 0..levels {
        query.push_str(&format!(
            "fragment F{i} on Query {{ ...F{n} ...F{n} }} ",
            n = i + 1
        ));
    }
    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}"));
    assert!(query.len() < 1_100);
    let answer = app.gql(None, &query, json!({})).await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "QUERY_TOO_LARGE",
        "{answer:#}"
    );
    assert!(answer.get("data").is_none(), "{answer:#}");
    let cycle = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }";
    let answer = app.gql(None, cycle, json!({})).await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "GRAPHQL_VALIDATION_FAILED",
        "{answer:#}"
    );
    still_serving(&app).await;
}

#[tokio::test]
async fn complexity_counts_each_page_by_its_size_and_lists_inside_pages() {
    let app = spawn_app().await;
    let advisor = app.token("advisor-pages", &[Role::Advisor]);
    let wide: String = (0..62)
        .map(|i| format!("a{i}: dossiers(first: 100) {{ edges {{ node {{ id experiences(first: 100) {{ edges {{ node {{ id claims {{ selfAssessment }} evidence {{ id }} }} }} }} coverage {{ fteMonths }} exemptions {{ status }} }} }} }} "))
        .collect();
    let answer = app
        .gql(Some(&advisor), &format!("{{ {wide} }}"), json!({}))
        .await;
    assert_eq!(
        answer["errors"][0]["message"], "Query is too complex.",
        "{answer:#}"
    );
    // One such list of twenty dossiers with ten experiences each is an ordinary read.
    let one = "{ dossiers(first: 20) { edges { node { id experiences(first: 10) { edges { node { id claims { selfAssessment } evidence { id } } } } coverage { fteMonths } exemptions { status } } } } }";
    let answer = app.gql(Some(&advisor), one, json!({})).await;
    assert!(answer.get("errors").is_none(), "{answer:#}");
}

#[tokio::test]
async fn an_answer_larger_than_the_response_limit_is_replaced_by_a_typed_error() {
    let app = spawn_app_with(|config| config.max_response_bytes = 64 * 1024).await;
    let alice = app.candidate("alice-large");
    let dossier = app.create_dossier(&alice, None).await;
    // About 9 KB per description: two fit in 64 KiB, sixteen copies do not.
    let long = "Coordination d'équipes pluridisciplinaires. ".repeat(200);
    for i in 0..2 {
        app.add_experience(&alice, &dossier, json!({ "title": format!("Poste {i}"), "organisation": "CCAS", "kind": "SALARIED", "startDate": "2015-01-01", "workingTimePercent": 100, "description": long }))
            .await;
    }
    let read =
        "query($id: ID!) { dossier(id: $id) { experiences { edges { node { description } } } } }";
    let small = app.gql(Some(&alice), read, json!({ "id": dossier })).await;
    assert!(small.get("errors").is_none(), "one copy fits: {small:#}");
    let aliases: String = (0..8)
        .map(|i| {
            format!(
                "d{i}: dossier(id: $id) {{ experiences {{ edges {{ node {{ description }} }} }} }} "
            )
        })
        .collect();
    let large = app
        .gql(
            Some(&alice),
            &format!("query($id: ID!) {{ {aliases} }}"),
            json!({ "id": dossier }),
        )
        .await;
    assert_eq!(large["data"], Value::Null, "{large:#}");
    assert_eq!(
        large["errors"][0]["extensions"]["code"], "RESPONSE_TOO_LARGE",
        "{large:#}"
    );
}

#[tokio::test]
async fn with_introspection_off_errors_suggest_no_field_names() {
    let app = spawn_app_with(|config| config.introspection = false).await;
    let answer = app
        .gql(None, "{ dossierz(id: \"x\") { id } }", json!({}))
        .await;
    let message = answer["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("dossierz"), "{answer:#}");
    assert!(!message.contains("Did you mean"), "{answer:#}");
    let open = spawn_app().await;
    let answer = open
        .gql(None, "{ dossierz(id: \"x\") { id } }", json!({}))
        .await;
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("Did you mean"),
        "with introspection on, suggestions help: {answer:#}"
    );
}

#[tokio::test]
async fn the_metrics_label_only_a_bounded_set_of_operation_names() {
    let app = spawn_app().await;
    let limit = acquis::metrics::MAX_OPERATION_LABELS;
    for i in 0..limit + 50 {
        app.gql(None, &format!("query Op{i} {{ __typename }}"), json!({}))
            .await;
    }
    // Names of documents that never ran are not labels at all.
    app.gql(None, "query NeverRan { nope }", json!({})).await;
    let text = app.metrics().await;
    let series = text
        .lines()
        .filter(|l| l.starts_with("acquis_graphql_requests_total{"))
        .count();
    assert!(series <= limit + 2, "{series} series");
    assert!(
        text.contains(r#"acquis_graphql_requests_total{operation="other",outcome="ok"} 50"#),
        "{text}"
    );
    assert!(!text.contains("NeverRan"), "{text}");
}

#[tokio::test]
async fn metrics_need_the_configured_token_when_one_is_set() {
    let app = spawn_app_with(|config| config.metrics_token = Some("scrape-secret".into())).await;
    let url = format!("{}/metrics", app.address);
    let anonymous = app.client.get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let wrong = app
        .client
        .get(&url)
        .bearer_auth("guess")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let scraper = app
        .client
        .get(&url)
        .bearer_auth("scrape-secret")
        .send()
        .await
        .unwrap();
    assert_eq!(scraper.status(), 200);
    assert!(
        scraper
            .text()
            .await
            .unwrap()
            .contains("acquis_db_pool_connections")
    );
}
