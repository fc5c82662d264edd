//! What GraphQL tools send before anything else: the standard introspection query of
//! graphql-js 16 (GraphiQL, Apollo, GraphQL Code Generator, Postman, Insomnia) and of
//! graphql-core 3 (Python's gql), with every option on. The texts are the libraries' own, in
//! `fixtures/introspection/`.

use serde_json::json;

use crate::support::{spawn_app, spawn_app_with};

const GRAPHQL_JS: &str = include_str!("../../fixtures/introspection/graphql-js-16.graphql");
const GRAPHQL_CORE: &str = include_str!("../../fixtures/introspection/graphql-core-3.graphql");

#[tokio::test]
async fn the_standard_introspection_queries_of_graphql_js_and_graphql_core_answer_the_schema() {
    let app = spawn_app().await;
    for (library, query) in [("graphql-js", GRAPHQL_JS), ("graphql-core", GRAPHQL_CORE)] {
        let answer = app.gql(None, query, json!({})).await;
        assert!(answer.get("errors").is_none(), "{library}: {answer:#}");
        let types = answer["data"]["__schema"]["types"].as_array().unwrap();
        let named = |name: &str| types.iter().find(|t| t["name"] == name).cloned();
        let dossier = named("Dossier").unwrap_or_else(|| panic!("{library}: no Dossier type"));
        assert!(dossier["fields"].as_array().unwrap().len() > 10);
        let upload = named("Upload").unwrap();
        assert_eq!(
            upload["specifiedByURL"],
            "https://github.com/jaydenseric/graphql-multipart-request-spec",
            "{library}"
        );
        assert_eq!(
            answer["data"]["__schema"]["queryType"]["name"], "Query",
            "{library}"
        );
    }
}

#[tokio::test]
async fn introspection_that_recurses_through_the_schema_is_refused() {
    let app = spawn_app().await;
    let recursive =
        "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }";
    let answer = app.gql(None, recursive, json!({})).await;
    assert_eq!(
        answer["errors"][0]["extensions"]["code"], "INTROSPECTION_TOO_DEEP",
        "{answer:#}"
    );
}

#[tokio::test]
async fn with_introspection_off_the_standard_query_reveals_nothing() {
    let app = spawn_app_with(|config| config.introspection = false).await;
    let answer = app.gql(None, GRAPHQL_JS, json!({})).await;
    assert_eq!(answer["data"]["__schema"], json!(null), "{answer:#}");
}
