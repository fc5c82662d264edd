//! Versioned referentials: a dossier stays on the version it was created under, importing a
//! newer version changes nothing of existing dossiers, and the newer version's transition
//! table carries domains validated under the earlier one over.

use std::process::Command;

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const ANALYSIS: &str = "query($id: ID!) { dossier(id: $id) { programme { code version validFrom validUntil } coverage { domain { code } fteMonths competences { competence { code } status } } eligibility { regime admissible relevantFteMonths reasons } exemptions { rule { id } status minHoursReduced maxHoursReduced } exemptionTotals { minHoursReduced maxHoursReduced } } }";

/// A newer DEES, made for this test from the embedded one: its DC1 is split differently, so
/// the 2018 DC1 counts as its DC2 through the transition table.
fn newer_dees() -> String {
    let mut document: Value = serde_json::from_str(acquis::domain::programme::DEES_JSON).unwrap();
    document["version"] = json!("2025-10-06");
    document["title"] = json!("Diplôme d'État d'éducateur spécialisé (test version)");
    document["validFrom"] = json!("2026-09-01");
    document["validUntil"] = Value::Null;
    document["transitions"] = json!([{
        "fromVersion": "2018-08-22",
        "legalReference": "Test transition table",
        "domains": [
            { "from": "DC1", "to": ["DC2"] },
            { "from": "DC2", "to": [] },
            { "from": "DC3", "to": ["DC3"] },
            { "from": "DC4", "to": ["DC4"] }
        ]
    }]);
    document.to_string()
}

fn import(app: &TestApp, json: &str) {
    let file = app.data_dir.join("dees-2025.json");
    std::fs::write(&file, json).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .args(["import-programme", file.to_str().unwrap()])
        .env("DATABASE_URL", &app.config.database_url)
        .env("ACQUIS_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "off")
        .output()
        .expect("acquis runs");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

async fn dees_dossier(app: &TestApp, token: &str) -> String {
    let created = app
        .mutate(
            token,
            "createDossier",
            "CreateDossierInput",
            json!({ "programmeCode": "DEES", "applicationDate": "2025-03-01" }),
            "dossier { id }",
        )
        .await;
    assert_eq!(created["userErrors"], json!([]), "{created:#}");
    created["dossier"]["id"].as_str().unwrap().to_owned()
}

async fn validated_dc1(app: &TestApp, token: &str, dossier: &str, version: Option<&str>) {
    let added = app
        .mutate(token, "addPriorValidation", "AddPriorValidationInput",
            json!({ "dossierId": dossier, "programmeCode": "DEES", "programmeVersion": version, "domainCode": "DC1", "validatedOn": "2022-06-30", "source": "Jury VAE DEES" }),
            "dossier { priorValidations { id } }")
        .await;
    assert_eq!(added["userErrors"], json!([]), "{added:#}");
    let id = added["dossier"]["priorValidations"][0]["id"].clone();
    let upload = app
        .upload(token, json!({ "dossierId": dossier, "kind": "JURY_DECISION", "title": "Relevé de décision", "priorValidationId": id }), "releve.pdf", pdf("Relevé de décision"))
        .await;
    assert_eq!(
        upload["body"]["data"]["uploadEvidence"]["userErrors"],
        json!([]),
        "{upload:#}"
    );
}

fn rules(analysis: &Value) -> Vec<String> {
    analysis["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"]["id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_new_referential_version_leaves_existing_dossiers_as_they_were_and_carries_validations_over()
 {
    let app = spawn_app().await;
    let alice = app.candidate("alice-versions");
    let before_dossier = dees_dossier(&app, &alice).await;
    let experience = app
        .add_experience(&alice, &before_dossier, json!({ "title": "Moniteur éducateur", "organisation": "IME", "kind": "SALARIED", "startDate": "2019-01-01", "endDate": "2023-12-31", "workingTimePercent": 100 }))
        .await;
    app.mutate(&alice, "claimCompetences", "ClaimCompetencesInput", json!({ "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] }), "experience { id }").await;
    validated_dc1(&app, &alice, &before_dossier, None).await;
    let before = app
        .data(&alice, ANALYSIS, json!({ "id": before_dossier }))
        .await["dossier"]
        .clone();
    assert_eq!(before["programme"]["version"], "2018-08-22");
    assert_eq!(before["programme"]["validUntil"], "2028-07-31");
    assert_eq!(rules(&before), ["dees.prior-validation.dc1"]);

    import(&app, &newer_dees());

    let after = app
        .data(&alice, ANALYSIS, json!({ "id": before_dossier }))
        .await["dossier"]
        .clone();
    assert_eq!(after, before, "the existing dossier did not move");

    // A new dossier takes the new version; the DC1 validated under 2018 counts as its DC2.
    let bob = app.candidate("bob-versions");
    let new_dossier = dees_dossier(&app, &bob).await;
    validated_dc1(&app, &bob, &new_dossier, Some("2018-08-22")).await;
    let current = app.data(&bob, ANALYSIS, json!({ "id": new_dossier })).await["dossier"].clone();
    assert_eq!(current["programme"]["version"], "2025-10-06");
    assert_eq!(
        rules(&current),
        ["dees.prior-validation.dc2"],
        "{current:#}"
    );

    let listed = app
        .gql(None, r#"{ programme(code: "DEES") { version versions { version current validFrom validUntil } transitions { fromVersion domains { from to } } } old: programme(code: "DEES", version: "2018-08-22") { version title } }"#, json!({}))
        .await;
    let programme = &listed["data"]["programme"];
    assert_eq!(programme["version"], "2025-10-06", "{listed:#}");
    assert_eq!(
        programme["versions"],
        json!([
            { "version": "2018-08-22", "current": false, "validFrom": "2018-09-01", "validUntil": "2028-07-31" },
            { "version": "2025-10-06", "current": true, "validFrom": "2026-09-01", "validUntil": null }
        ])
    );
    assert_eq!(
        programme["transitions"][0]["domains"][0],
        json!({ "from": "DC1", "to": ["DC2"] })
    );
    assert_eq!(listed["data"]["old"]["version"], "2018-08-22");

    // Importing the same document again changes nothing.
    import(&app, &newer_dees());
    let again = app
        .gql(
            None,
            r#"{ programme(code: "DEES") { versions { version } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(
        again["data"]["programme"]["versions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
}
