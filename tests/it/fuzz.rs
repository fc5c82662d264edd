//! Generated and mutated requests against the running server: whatever arrives, the answer is
//! never a 5xx and the process keeps serving. `ACQUIS_FUZZ_REQUESTS` sets the count (10,000 by
//! default).

use futures::StreamExt;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app};

/// Valid requests the mutations start from: every area of the schema.
fn corpus(dossier: &str, experience: &str) -> Vec<Value> {
    vec![
        json!({ "query": "{ me { id subject roles } }" }),
        json!({ "query": "{ programmes { code domains { code units { code minHours } competences { code indicators } } exemptionRules { id legalReference } } }" }),
        json!({ "query": "query($id: ID!) { dossier(id: $id) { status version eligibility { regime reasons } coverage { fteMonths competences { status } } exemptions { status missingEvidence } experiences(first: 5) { edges { node { fteMonths claims { competence { code } } evidence { downloadUrl } } } } } }", "variables": { "id": dossier } }),
        json!({ "query": "query($q: String!) { searchEvidence(query: $q, first: 10) { totalCount } }", "variables": { "q": "évaluation" } }),
        json!({ "query": "query($f: Int, $a: String) { dossiers(first: $f, after: $a, status: DRAFT) { totalCount pageInfo { endCursor } } }", "variables": { "f": 5, "a": null } }),
        json!({ "query": "mutation($i: AddExperienceInput!) { addExperience(input: $i) { experience { id } userErrors { code } } }",
                "variables": { "i": { "dossierId": dossier, "title": "T", "organisation": "O", "kind": "SALARIED", "startDate": "2020-01-01", "endDate": "2021-01-01", "workingTimePercent": 50 } } }),
        json!({ "query": "mutation($i: UpdateExperienceInput!) { updateExperience(input: $i) { experience { id } userErrors { code } } }",
                "variables": { "i": { "id": experience, "workingTimePercent": 70, "expectedVersion": 1 } } }),
        json!({ "query": "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
                "variables": { "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] } } }),
        json!({ "query": "mutation($i: StartEvidenceUploadInput!) { startEvidenceUpload(input: $i) { uploadUrl userErrors { code } } }",
                "variables": { "i": { "dossierId": dossier, "kind": "OTHER", "title": "x", "fileName": "a.pdf", "size": 10, "sha256": "a".repeat(64) } } }),
        json!({ "query": "mutation($i: AddQualificationInput!) { addQualification(input: $i) { userErrors { code } } }",
                "variables": { "i": { "dossierId": dossier, "code": "MASTER", "title": "Master", "level": 7, "obtainedOn": "2010-06-30" } } }),
        json!({ "query": "mutation($i: RecordDecisionInput!) { recordDecision(input: $i) { userErrors { code } } }", "variables": { "i": { "dossierId": dossier, "outcome": "FULL" } } }),
    ]
}

const ODD_VALUES: &[&str] = &[
    "null",
    "0",
    "-1",
    "2147483648",
    "\"\"",
    "\"2020-02-30\"",
    "\"9999-12-31\"",
    "\"DC99.99\"",
    "[]",
    "{}",
    "true",
    "\"\\u0000\"",
    "\"' OR 1=1 --\"",
    "\"../../etc/passwd\"",
    "[[[[[[[[[[]]]]]]]]]]",
    "\"é\"",
    "-0.5",
    "\"00000000-0000-0000-0000-000000000000\"",
];

fn mutate_value(rng: &mut StdRng, value: &mut Value) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            let keys: Vec<String> = map.keys().cloned().collect();
            let key = &keys[rng.random_range(0..keys.len())];
            match rng.random_range(0..4) {
                0 => {
                    map.remove(key);
                }
                1 => {
                    map.insert(
                        key.clone(),
                        serde_json::from_str(ODD_VALUES[rng.random_range(0..ODD_VALUES.len())])
                            .unwrap(),
                    );
                }
                2 => {
                    map.insert(format!("{key}x"), json!("extra"));
                }
                _ => mutate_value(rng, map.get_mut(key).unwrap()),
            }
        }
        Value::Array(items) if !items.is_empty() => {
            let index = rng.random_range(0..items.len());
            mutate_value(rng, &mut items[index]);
        }
        other => {
            *other =
                serde_json::from_str(ODD_VALUES[rng.random_range(0..ODD_VALUES.len())]).unwrap()
        }
    }
}

fn mutate_text(rng: &mut StdRng, text: &str) -> String {
    let mut bytes = text.as_bytes().to_vec();
    for _ in 0..rng.random_range(1..4) {
        if bytes.is_empty() {
            break;
        }
        let at = rng.random_range(0..bytes.len());
        match rng.random_range(0..5) {
            0 => bytes.truncate(at),
            1 => bytes[at] = rng.random(),
            2 => bytes.insert(at, {
                let specials = b"{}()[]:$!@.\"\\ \n";
                specials[rng.random_range(0..specials.len())]
            }),
            3 => {
                let end = (at + rng.random_range(1..20)).min(bytes.len());
                bytes.drain(at..end);
            }
            _ => {
                let piece = bytes[at..(at + 10).min(bytes.len())].to_vec();
                for _ in 0..rng.random_range(1..50) {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

/// One request: a body, a content type, and whether to send a valid token.
fn generate(rng: &mut StdRng, corpus: &[Value]) -> (Vec<u8>, &'static str, bool) {
    let mut request = corpus[rng.random_range(0..corpus.len())].clone();
    let content_types = [
        "application/json",
        "application/json",
        "application/json; charset=utf-8",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/graphql-response+json",
    ];
    let content_type = content_types[rng.random_range(0..content_types.len())];
    let body = match rng.random_range(0..6) {
        0 => request.to_string().into_bytes(),
        1 | 2 => {
            mutate_value(rng, &mut request);
            request.to_string().into_bytes()
        }
        3 => mutate_text(rng, &request.to_string()).into_bytes(),
        4 => {
            let query = request["query"].as_str().unwrap_or_default().to_owned();
            request["query"] = json!(mutate_text(rng, &query));
            request.to_string().into_bytes()
        }
        _ => {
            // Deep nesting, long alias lists and batches.
            let depth = rng.random_range(1..80);
            let deep = format!(
                "{{ {}{}{} }}",
                "programmes { domains { competences { domain { ".repeat(depth / 4 + 1),
                "code",
                " } } } }".repeat(depth / 4 + 1)
            );
            let n = rng.random_range(1..3000);
            match rng.random_range(0..8) {
                0 => json!({ "query": deep }).to_string().into_bytes(),
                3 => json!({ "query": format!("{{ programme(code: {}\"DEIS\"{}) {{ code }} }}", "[".repeat(n), "]".repeat(n)) })
                    .to_string()
                    .into_bytes(),
                4 => json!({ "query": format!("{{ programme(code: {}1{}) {{ code }} }}", "{a:".repeat(n), "}".repeat(n)) })
                    .to_string()
                    .into_bytes(),
                5 => json!({ "query": format!("query($v: [String] = {}null{}) {{ programme(code: \"DEIS\") {{ code }} }}", "[".repeat(n), "]".repeat(n)) })
                    .to_string()
                    .into_bytes(),
                6 => {
                    let levels = rng.random_range(1..40);
                    let mut query = String::from("query { ...F0 } ");
                    for i in 0..levels {
                        query.push_str(&format!("fragment F{i} on Query {{ ...F{n} ...F{n} }} ", n = i + 1));
                    }
                    query.push_str(&format!("fragment F{levels} on Query {{ __typename }}"));
                    json!({ "query": query }).to_string().into_bytes()
                }
                7 => {
                    let index = ["abc", "-1", "99", "0", ""][n % 5];
                    let query = format!("mutation {{ uploadEvidence(input: {{ dossierId: \"x\", kind: OTHER, title: \"x\", file: \"#__graphql_file__:{index}\" }}) {{ evidence {{ id }} }} }}");
                    json!({ "query": query }).to_string().into_bytes()
                }
                1 => {
                    let aliases: String = (0..rng.random_range(1..2000))
                        .map(|i| format!("a{i}: me {{ id }} "))
                        .collect();
                    json!({ "query": format!("{{ {aliases} }}") })
                        .to_string()
                        .into_bytes()
                }
                _ => Value::Array(
                    (0..rng.random_range(1..30))
                        .map(|_| corpus[rng.random_range(0..corpus.len())].clone())
                        .collect(),
                )
                .to_string()
                .into_bytes(),
            }
        }
    };
    (body, content_type, rng.random_bool(0.8))
}

async fn setup(app: &TestApp, token: &str) -> (String, String) {
    let dossier = app.create_dossier(token, None).await;
    let experience = app
        .add_experience(token, &dossier, json!({ "title": "T", "organisation": "O", "kind": "SALARIED", "startDate": "2020-01-01", "workingTimePercent": 100 }))
        .await;
    (dossier, experience)
}

#[tokio::test]
async fn thousands_of_mutated_requests_never_get_a_server_error() {
    let app = spawn_app().await;
    let token = app.candidate("fuzzer");
    let (dossier, experience) = setup(&app, &token).await;
    let corpus = corpus(&dossier, &experience);
    let count: usize = std::env::var("ACQUIS_FUZZ_REQUESTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut rng = StdRng::seed_from_u64(0xf022);
    let requests: Vec<_> = (0..count).map(|_| generate(&mut rng, &corpus)).collect();
    let url = format!("{}/graphql", app.address);
    let failures: Vec<String> = futures::stream::iter(requests)
        .map(|(body, content_type, authenticated)| {
            let mut request = app
                .client
                .post(&url)
                .header("content-type", content_type)
                .body(body.clone());
            if authenticated {
                request = request.bearer_auth(&token);
            }
            async move {
                match request.send().await {
                    Ok(response) if response.status().is_server_error() => Some(format!(
                        "{} for {}",
                        response.status(),
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )),
                    Ok(_) => None,
                    Err(err) => Some(format!(
                        "transport error {err} for {}",
                        String::from_utf8_lossy(&body[..body.len().min(300)])
                    )),
                }
            }
        })
        .buffer_unordered(8)
        .filter_map(|f| async move { f })
        .collect()
        .await;
    assert!(
        failures.is_empty(),
        "{} of {count} requests failed, e.g.:\n{}",
        failures.len(),
        failures
            .iter()
            .take(5)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
    let health = app
        .client
        .get(format!("{}/healthz", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), 200, "the server stopped serving");
}
