//! The newcomer's first page: GraphiQL at `/`, offline. A real Chromium opens it, the editor
//! renders, a query typed into it returns data, and the page loaded nothing from elsewhere.

use std::time::Duration;

use serde_json::json;

use crate::support::browser::Browser;
use crate::support::spawn_app;

#[tokio::test]
async fn graphiql_renders_offline_and_a_query_typed_in_it_returns_data() {
    let Some(browser) = Browser::start("graphiql").await else {
        return;
    };
    let app = spawn_app().await;
    browser.goto(&format!("{}/", app.address)).await;
    browser
        .wait_for(
            "the query editor",
            "return document.querySelector('.graphiql-query-editor .CodeMirror') !== null;",
            Duration::from_secs(30),
        )
        .await;
    // The schema arrives by the standard introspection query; the docs explorer lists it.
    browser
        .wait_for(
            "the schema",
            "return document.querySelector('.graphiql-container') && !document.body.innerText.includes('Error fetching schema');",
            Duration::from_secs(10),
        )
        .await;
    let editor = browser
        .element(".graphiql-query-editor .CodeMirror textarea")
        .await;
    browser
        .click(&browser.element(".graphiql-query-editor .CodeMirror").await)
        .await;
    // Select all, then type over the welcome text.
    browser.type_text(&editor, "\u{E009}a\u{E009}").await;
    browser
        .type_text(
            &editor,
            "{ programme(code: \"DEIS\") { code domains { code } } }",
        )
        .await;
    browser
        .click(&browser.element(".graphiql-execute-button").await)
        .await;
    let response = "const r = document.querySelector('.graphiql-response .CodeMirror'); return r ? r.CodeMirror.getValue() : '';";
    let mut answer = json!("");
    for _ in 0..200 {
        answer = browser.eval(response, json!([])).await;
        if answer.as_str().is_some_and(|a| a.contains("DC3")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    if !answer.as_str().is_some_and(|a| a.contains("DC3")) {
        let page = browser
            .eval("return document.body.innerText;", json!([]))
            .await;
        panic!("no answer in the result pane: {answer}\npage: {page}");
    }
    let answer: serde_json::Value = serde_json::from_str(answer.as_str().unwrap()).unwrap();
    assert_eq!(answer["data"]["programme"]["code"], "DEIS", "{answer:#}");
    assert_eq!(
        answer["data"]["programme"]["domains"],
        json!([{ "code": "DC1" }, { "code": "DC2" }, { "code": "DC3" }])
    );
    // For the README and for a look when this test fails: target/screenshots/graphiql.png.
    let shots = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("../screenshots");
    std::fs::create_dir_all(&shots).unwrap();
    std::fs::write(shots.join("graphiql.png"), browser.screenshot().await).unwrap();
    let urls = browser.loaded_urls().await;
    assert!(urls.len() >= 5, "{urls:?}");
    for url in &urls {
        assert!(
            url.starts_with(&app.address),
            "loaded from elsewhere: {url}"
        );
    }
    let console = browser.console().await;
    assert!(
        !console.iter().any(|line| line.contains("SEVERE")),
        "console errors: {console:#?}"
    );
}
