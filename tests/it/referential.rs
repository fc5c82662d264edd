use serde_json::json;

use crate::support::spawn_app;

#[tokio::test]
async fn the_deis_programme_lists_its_three_domains_with_hours_and_competences() {
    let app = spawn_app().await;
    let response = app
        .gql(None, r#"{ programme(code: "DEIS") { code version rncpCode level theoryHours practicalHours domains { code trainingHours practicalHours competences { code } units { code minHours maxHours } } } }"#, json!({}))
        .await;
    let programme = &response["data"]["programme"];
    assert_eq!(programme["rncpCode"], "RNCP39644");
    assert_eq!(programme["level"], 7);
    assert_eq!(programme["theoryHours"], 700);
    assert_eq!(programme["practicalHours"], 175);
    let domains: Vec<(String, i64, usize)> = programme["domains"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_owned(),
                d["trainingHours"].as_i64().unwrap(),
                d["competences"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        domains,
        vec![
            ("DC1".into(), 300, 3),
            ("DC2".into(), 250, 3),
            ("DC3".into(), 150, 4)
        ]
    );
    assert_eq!(programme["domains"][1]["practicalHours"], 175);
    assert_eq!(
        programme["domains"][0]["units"][0],
        json!({ "code": "UF1.1", "minHours": 70, "maxHours": 110 })
    );
}

#[tokio::test]
async fn every_exemption_rule_carries_its_legal_reference() {
    let app = spawn_app().await;
    let response = app.gql(None, "{ programmes { code exemptionRules { id kind domainCode condition legalReference discretionary } } }", json!({})).await;
    let deis = response["data"]["programmes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "DEIS")
        .expect("the DEIS is listed")
        .clone();
    for programme in response["data"]["programmes"].as_array().unwrap() {
        for rule in programme["exemptionRules"].as_array().unwrap() {
            assert!(
                rule["legalReference"]
                    .as_str()
                    .is_some_and(|s| !s.is_empty()),
                "{rule:#}"
            );
        }
    }
    let rules = deis["exemptionRules"].as_array().unwrap().clone();
    assert!(rules.len() >= 9, "{rules:#?}");
    assert!(
        rules
            .iter()
            .all(|r| r["legalReference"].as_str().is_some_and(|s| !s.is_empty()))
    );
    let caferuis = rules
        .iter()
        .find(|r| r["id"] == "deis.caferuis.uf1-1")
        .expect("the CAFERUIS UF1.1 rule");
    assert_eq!(caferuis["kind"], "ALLEGEMENT");
}

#[tokio::test]
async fn an_unknown_programme_is_null() {
    let app = spawn_app().await;
    let response = app
        .gql(None, r#"{ programme(code: "NOPE") { code } }"#, json!({}))
        .await;
    assert_eq!(response["data"]["programme"], json!(null));
}

#[tokio::test]
async fn starting_twice_on_the_same_database_loads_the_referential_once() {
    let first = spawn_app().await;
    let config = first.config.clone();
    let second = acquis::startup::Application::build(acquis::config::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ..config
    })
    .await
    .expect("a second start");
    let stored = acquis::db::programmes::current_page(&second.state.db, None, 100, None)
        .await
        .unwrap();
    let codes: Vec<&str> = stored.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["DEES", "DEIS"]);
    for code in codes {
        let versions = acquis::db::programmes::versions_of(&second.state.db, code)
            .await
            .unwrap();
        assert_eq!(versions.len(), 1, "{code}: {versions:?}");
    }
}
