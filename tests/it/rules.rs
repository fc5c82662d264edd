//! Replays every case of `fixtures/profiles/` through the GraphQL API: the profile is built
//! with the public mutations, then coverage, eligibility, admission and exemptions are read
//! back and compared with the case's expectations (the same files drive the engine's unit tests).

use std::collections::HashMap;

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const MONTHS_TOLERANCE: f64 = 0.05;

const READ: &str = "query($id: ID!) { dossier(id: $id) {
    eligibility { regime admissible relevantFteMonths requiredFteMonths reasons }
    coverage { domain { code } fteMonths competences { competence { code } status } }
    exemptions { rule { id legalReference } status explanation missingEvidence minHoursReduced maxHoursReduced }
    exemptionTotals { minHoursReduced maxHoursReduced justifiedMinHours justifiedMaxHours dispensedDomainCodes }
    trainingAdmission { eligible routes { routeId met } } } }";

#[tokio::test]
async fn every_profile_case_gives_the_expected_results_through_the_api() {
    let app = spawn_app().await;
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/profiles");
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(files.len() >= 30, "expected the profile cases in {dir}");
    let mut failures = Vec::new();
    for (index, file) in files.iter().enumerate() {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        let token = app.candidate(&format!("case-{index}"));
        let dossier = build(&app, &token, &case).await;
        let actual = app.data(&token, READ, json!({ "id": dossier })).await["dossier"].clone();
        let problems = compare(&case["expected"], &actual);
        if !problems.is_empty() {
            failures.push(format!(
                "{}:\n  {}",
                file.file_name().unwrap().to_string_lossy(),
                problems.join("\n  ")
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

async fn build(app: &TestApp, token: &str, case: &Value) -> String {
    let created = app
        .data(token, "mutation($input: CreateDossierInput!) { createDossier(input: $input) { dossier { id } userErrors { code message } } }",
            json!({ "input": { "programmeCode": case["programme"].as_str().unwrap_or("DEIS"), "applicationDate": case["applicationDate"] } }))
        .await;
    assert_eq!(
        created["createDossier"]["userErrors"],
        json!([]),
        "{created:#}"
    );
    let dossier = created["createDossier"]["dossier"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut ids: HashMap<String, String> = HashMap::new();
    for exp in case["experiences"].as_array().into_iter().flatten() {
        let id = app
            .add_experience(token, &dossier, json!({
                "title": exp["title"], "organisation": exp["organisation"], "kind": exp["kind"],
                "startDate": exp["startDate"], "endDate": exp["endDate"], "workingTimePercent": exp["workingTimePercent"] }))
            .await;
        let claims: Vec<Value> = exp["claims"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| json!({ "competenceCode": c, "selfAssessment": "ACQUIRED" }))
            .collect();
        let data = app
            .data(token, "mutation($input: ClaimCompetencesInput!) { claimCompetences(input: $input) { userErrors { code message } } }", json!({ "input": { "experienceId": id, "claims": claims } }))
            .await;
        assert_eq!(
            data["claimCompetences"]["userErrors"],
            json!([]),
            "{data:#}"
        );
        ids.insert(exp["key"].as_str().unwrap().to_owned(), id);
    }
    for q in case["qualifications"].as_array().into_iter().flatten() {
        let data = app
            .data(token, "mutation($input: AddQualificationInput!) { addQualification(input: $input) { qualification { id } userErrors { code message } } }",
                json!({ "input": { "dossierId": dossier, "code": q["code"], "title": q["title"], "level": q["level"], "obtainedOn": q["obtainedOn"], "version": q["version"] } }))
            .await;
        assert_eq!(
            data["addQualification"]["userErrors"],
            json!([]),
            "{data:#}"
        );
        ids.insert(
            q["key"].as_str().unwrap().to_owned(),
            data["addQualification"]["qualification"]["id"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    for p in case["priorValidations"].as_array().into_iter().flatten() {
        let data = app
            .data(token, "mutation($input: AddPriorValidationInput!) { addPriorValidation(input: $input) { dossier { priorValidations { id domainCode programmeCode } } userErrors { code message } } }",
                json!({ "input": { "dossierId": dossier, "programmeCode": p["programmeCode"], "domainCode": p["domainCode"], "validatedOn": p["validatedOn"], "source": p["source"] } }))
            .await;
        let payload = &data["addPriorValidation"];
        if payload["userErrors"] != json!([]) {
            // A prior validation of a programme the service does not know is refused; the case
            // then checks that nothing follows from it.
            assert_eq!(
                payload["userErrors"][0]["code"], "UNKNOWN_PROGRAMME",
                "{data:#}"
            );
            continue;
        }
        let created = payload["dossier"]["priorValidations"]
            .as_array()
            .unwrap()
            .last()
            .unwrap();
        ids.insert(
            p["key"].as_str().unwrap().to_owned(),
            created["id"].as_str().unwrap().to_owned(),
        );
    }
    for ev in case["evidence"].as_array().into_iter().flatten() {
        let first = |field: &str| {
            ev[field]
                .as_array()
                .and_then(|a| a.first())
                .and_then(|k| ids.get(k.as_str().unwrap()))
                .cloned()
        };
        let input = json!({
            "dossierId": dossier, "kind": ev["kind"], "title": ev["title"],
            "experienceId": first("experiences"), "qualificationId": first("qualifications"), "priorValidationId": first("priorValidations"),
            "competenceCodes": ev["competences"] });
        let response = app
            .upload(
                token,
                input,
                "piece.pdf",
                pdf(ev["title"].as_str().unwrap_or("piece")),
            )
            .await;
        let payload = &response["body"]["data"]["uploadEvidence"];
        assert_eq!(payload["userErrors"], json!([]), "{response:#}");
        let evidence_id = payload["evidence"]["id"].as_str().unwrap().to_owned();
        for field in ["experiences", "qualifications"] {
            for key in ev[field].as_array().into_iter().flatten().skip(1) {
                let Some(target) = ids.get(key.as_str().unwrap()) else {
                    continue;
                };
                let link_field = if field == "experiences" {
                    "experienceId"
                } else {
                    "qualificationId"
                };
                let mut input =
                    json!({ "evidenceId": evidence_id, "competenceCodes": ev["competences"] });
                input[link_field] = json!(target);
                app.data(token, "mutation($input: LinkEvidenceInput!) { linkEvidence(input: $input) { userErrors { code } } }", json!({ "input": input })).await;
            }
        }
    }
    dossier
}

fn compare(expected: &Value, actual: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let e = &expected["eligibility"];
    let a = &actual["eligibility"];
    for field in ["regime", "admissible"] {
        if e[field] != a[field] {
            problems.push(format!(
                "eligibility.{field}: expected {}, got {}",
                e[field], a[field]
            ));
        }
    }
    for field in ["relevantFteMonths", "requiredFteMonths"] {
        let (want, got) = (
            e[field].as_f64().unwrap_or(0.0),
            a[field].as_f64().unwrap_or(f64::NAN),
        );
        if (want - got).abs() > MONTHS_TOLERANCE {
            problems.push(format!("eligibility.{field}: expected {want}, got {got}"));
        }
    }
    for fragment in e["reasonsContain"].as_array().into_iter().flatten() {
        let fragment = fragment.as_str().unwrap();
        if !a["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap().contains(fragment))
        {
            problems.push(format!("eligibility.reasons: none contains {fragment:?}"));
        }
    }
    if let Some(coverage) = expected["coverage"].as_object() {
        for (domain, want) in coverage {
            let Some(got) = actual["coverage"]
                .as_array()
                .unwrap()
                .iter()
                .find(|d| d["domain"]["code"] == *domain)
            else {
                problems.push(format!("coverage.{domain}: missing"));
                continue;
            };
            if let Some(months) = want["fteMonths"].as_f64()
                && (months - got["fteMonths"].as_f64().unwrap()).abs() > MONTHS_TOLERANCE
            {
                problems.push(format!(
                    "coverage.{domain}.fteMonths: expected {months}, got {}",
                    got["fteMonths"]
                ));
            }
            for (code, status) in want["competences"].as_object().into_iter().flatten() {
                let found = got["competences"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|c| c["competence"]["code"] == *code)
                    .map(|c| c["status"].clone());
                if found.as_ref() != Some(status) {
                    problems.push(format!("coverage.{code}: expected {status}, got {found:?}"));
                }
            }
        }
    }
    let flags = actual["exemptions"].as_array().unwrap();
    let mut want_ids: Vec<&str> = expected["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["ruleId"].as_str().unwrap())
        .collect();
    let mut got_ids: Vec<&str> = flags
        .iter()
        .map(|f| f["rule"]["id"].as_str().unwrap())
        .collect();
    want_ids.sort();
    got_ids.sort();
    if want_ids != got_ids {
        problems.push(format!("flags: expected {want_ids:?}, got {got_ids:?}"));
    }
    for want in expected["flags"].as_array().unwrap() {
        let Some(got) = flags.iter().find(|f| f["rule"]["id"] == want["ruleId"]) else {
            continue;
        };
        for field in [
            "status",
            "missingEvidence",
            "minHoursReduced",
            "maxHoursReduced",
        ] {
            if !want[field].is_null() && want[field] != got[field] {
                problems.push(format!(
                    "flag {}.{field}: expected {}, got {}",
                    want["ruleId"], want[field], got[field]
                ));
            }
        }
        if got["rule"]["legalReference"]
            .as_str()
            .is_none_or(str::is_empty)
        {
            problems.push(format!("flag {}: no legal reference", want["ruleId"]));
        }
    }
    if let Some(totals) = expected["totals"].as_object() {
        for (field, want) in totals {
            if actual["exemptionTotals"][field] != *want {
                problems.push(format!(
                    "totals.{field}: expected {want}, got {}",
                    actual["exemptionTotals"][field]
                ));
            }
        }
    }
    if let Some(admission) = expected["trainingAdmission"].as_object() {
        if admission["eligible"] != actual["trainingAdmission"]["eligible"] {
            problems.push(format!(
                "trainingAdmission.eligible: expected {}, got {}",
                admission["eligible"], actual["trainingAdmission"]["eligible"]
            ));
        }
        let mut want: Vec<&str> = admission["metRoutes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        let mut got: Vec<&str> = actual["trainingAdmission"]["routes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["met"] == true)
            .map(|r| r["routeId"].as_str().unwrap())
            .collect();
        want.sort();
        got.sort();
        if want != got {
            problems.push(format!(
                "trainingAdmission.metRoutes: expected {want:?}, got {got:?}"
            ));
        }
    }
    problems
}
