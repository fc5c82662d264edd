//! The authorization matrix: every query and mutation, as every kind of actor, on a dossier
//! that is theirs (or assigned to them) and on one that is not, with the exact outcome of each
//! cell. A new operation without its row fails `every_operation_has_a_row_in_the_matrix`.

use std::collections::BTreeSet;

use acquis::domain::policy::Role;
use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

/// Who asks: the owner, another candidate, the assigned advisor, an unassigned advisor, the
/// assigned jury member, an unassigned jury member, an admin, and nobody.
const ACTORS: [&str; 8] = [
    "owner",
    "intruder",
    "advisor",
    "advisor-x",
    "jury",
    "jury-x",
    "admin",
    "anonymous",
];

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Stage {
    Draft,
    Submitted,
    Admissible,
    ReadyForJury,
    Assessed,
}

struct World {
    dossier: String,
    experience: String,
    evidence: String,
    staged: String,
}

struct Row {
    /// The operation (root field) or the guarded field, as the schema names it.
    operation: &'static str,
    stage: Stage,
    request: fn(&World) -> Request,
    expected: [&'static str; 8],
}

enum Request {
    Json {
        query: String,
        variables: Value,
        field: &'static str,
    },
    Upload {
        input: Value,
    },
}

fn json(query: &str, variables: Value, field: &'static str) -> Request {
    Request::Json {
        query: query.to_owned(),
        variables,
        field,
    }
}

fn token(app: &TestApp, actor: &str) -> Option<String> {
    let (subject, role) = match actor {
        "owner" => ("owner", Role::Candidate),
        "intruder" => ("intruder", Role::Candidate),
        "advisor" => ("advisor", Role::Advisor),
        "advisor-x" => ("advisor-x", Role::Advisor),
        "jury" => ("jury", Role::Jury),
        "jury-x" => ("jury-x", Role::Jury),
        "admin" => ("admin", Role::Admin),
        _ => return None,
    };
    Some(app.token(subject, &[role]))
}

async fn prepare(app: &TestApp, stage: Stage) -> World {
    let owner = token(app, "owner").unwrap();
    let admin = token(app, "admin").unwrap();
    let jury = token(app, "jury").unwrap();
    let dossier = app.create_dossier(&owner, None).await;
    let experience = app
        .add_experience(&owner, &dossier, json!({ "title": "Chargée de mission", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2018-01-01", "workingTimePercent": 100, "description": "Évaluation interne" }))
        .await;
    app.data(&owner, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
        json!({ "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC2.3", "selfAssessment": "ACQUIRED" }] } })).await;
    app.data(&owner, "mutation($i: AddQualificationInput!) { addQualification(input: $i) { userErrors { code } } }",
        json!({ "i": { "dossierId": dossier, "code": "CAFERUIS", "title": "CAFERUIS", "level": 6 } })).await;
    let upload = app.upload(&owner, json!({ "dossierId": dossier, "kind": "WORK_PRODUCT", "title": "Rapport annuel", "experienceId": experience, "competenceCodes": ["DC2.3"] }), "rapport.pdf", pdf("rapport")).await;
    let evidence = upload["body"]["data"]["uploadEvidence"]["evidence"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let staged = app.data(&owner, "mutation($i: StartEvidenceUploadInput!) { startEvidenceUpload(input: $i) { evidenceId } }",
        json!({ "i": { "dossierId": dossier, "kind": "OTHER", "title": "Pièce", "fileName": "piece.pdf", "size": 100, "sha256": "a".repeat(64) } })).await;
    let staged = staged["startEvidenceUpload"]["evidenceId"]
        .as_str()
        .unwrap()
        .to_owned();
    for (name, subject) in [("assignAdvisor", "advisor"), ("assignJuryMember", "jury")] {
        app.data(
            &admin,
            &format!(
                "mutation($i: AssignInput!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}"
            ),
            json!({ "i": { "dossierId": dossier, "subject": subject } }),
        )
        .await;
    }
    let steps: [(Stage, &str, &str, Value); 3] = [
        (
            Stage::Submitted,
            "submitDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
        ),
        (
            Stage::Admissible,
            "decideAdmissibility",
            "DecideAdmissibilityInput",
            json!({ "dossierId": dossier, "admissible": true }),
        ),
        (
            Stage::ReadyForJury,
            "markReadyForJury",
            "DossierTransitionInput",
            json!({ "dossierId": dossier }),
        ),
    ];
    for (reached, name, input_type, input) in steps {
        if stage < reached {
            break;
        }
        let who = if name == "submitDossier" {
            &owner
        } else {
            &admin
        };
        let data = app.data(who, &format!("mutation($i: {input_type}!) {{ {name}(input: $i) {{ userErrors {{ code }} }} }}"), json!({ "i": input })).await;
        assert_eq!(data[name]["userErrors"], json!([]), "{name}: {data:#}");
    }
    if stage == Stage::Assessed {
        for (domain, outcome) in [
            ("DC1", "VALIDATED"),
            ("DC2", "NOT_VALIDATED"),
            ("DC3", "VALIDATED"),
        ] {
            app.data(&jury, "mutation($i: AssessDomainInput!) { assessDomain(input: $i) { userErrors { code } } }",
                json!({ "i": { "dossierId": dossier, "domainCode": domain, "outcome": outcome } })).await;
        }
    }
    World {
        dossier,
        experience,
        evidence,
        staged,
    }
}

const MUTATE_CONTENT: [&str; 8] = [
    "ok",
    "NOT_FOUND",
    "FORBIDDEN",
    "NOT_FOUND",
    "NOT_FOUND",
    "NOT_FOUND",
    "FORBIDDEN",
    "UNAUTHENTICATED",
];
const ADMIN_ONLY: [&str; 8] = [
    "FORBIDDEN",
    "NOT_FOUND",
    "FORBIDDEN",
    "NOT_FOUND",
    "NOT_FOUND",
    "NOT_FOUND",
    "ok",
    "UNAUTHENTICATED",
];
const ADVISOR_ONLY: [&str; 8] = [
    "FORBIDDEN",
    "NOT_FOUND",
    "ok",
    "NOT_FOUND",
    "NOT_FOUND",
    "NOT_FOUND",
    "FORBIDDEN",
    "UNAUTHENTICATED",
];
const JURY_ONLY: [&str; 8] = [
    "FORBIDDEN",
    "NOT_FOUND",
    "FORBIDDEN",
    "NOT_FOUND",
    "ok",
    "NOT_FOUND",
    "FORBIDDEN",
    "UNAUTHENTICATED",
];
const ADMIN_ONLY_NOTHING_TO_LIFT: [&str; 8] = [
    "FORBIDDEN",
    "NOT_FOUND",
    "FORBIDDEN",
    "NOT_FOUND",
    "NOT_FOUND",
    "NOT_FOUND",
    "INVALID_TRANSITION",
    "UNAUTHENTICATED",
];
/// What concerns one person (the owner): they and admins; nobody else, whatever their role.
const PERSON_OR_ADMIN: [&str; 8] = [
    "ok",
    "FORBIDDEN",
    "FORBIDDEN",
    "FORBIDDEN",
    "FORBIDDEN",
    "FORBIDDEN",
    "ok",
    "UNAUTHENTICATED",
];
const EVERYONE: [&str; 8] = ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "ok"];
const SIGNED_IN: [&str; 8] = ["ok", "ok", "ok", "ok", "ok", "ok", "ok", "UNAUTHENTICATED"];

fn rows() -> Vec<Row> {
    vec![
        Row {
            operation: "me",
            stage: Stage::Draft,
            request: |_| json("{ me { id } }", json!({}), "me"),
            expected: SIGNED_IN,
        },
        Row {
            operation: "programmes",
            stage: Stage::Draft,
            request: |_| json("{ programmes { code } }", json!({}), "programmes"),
            expected: EVERYONE,
        },
        Row {
            operation: "programme",
            stage: Stage::Draft,
            request: |_| {
                json(
                    "{ programme(code: \"DEIS\") { code } }",
                    json!({}),
                    "programme",
                )
            },
            expected: EVERYONE,
        },
        Row {
            operation: "dossier",
            stage: Stage::Draft,
            request: |w| {
                json(
                    "query($id: ID!) { dossier(id: $id) { id } }",
                    json!({ "id": w.dossier }),
                    "dossier",
                )
            },
            expected: [
                "ok",
                "null",
                "ok",
                "null",
                "null",
                "null",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "dossier",
            stage: Stage::ReadyForJury,
            request: |w| {
                json(
                    "query($id: ID!) { dossier(id: $id) { id } }",
                    json!({ "id": w.dossier }),
                    "dossier",
                )
            },
            expected: [
                "ok",
                "null",
                "ok",
                "null",
                "ok",
                "null",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "dossiers",
            stage: Stage::Draft,
            request: |_| {
                json(
                    "{ dossiers(first: 100) { edges { node { id } } } }",
                    json!({}),
                    "dossiers",
                )
            },
            expected: [
                "listed",
                "unlisted",
                "listed",
                "unlisted",
                "unlisted",
                "unlisted",
                "listed",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "dossiers",
            stage: Stage::ReadyForJury,
            request: |_| {
                json(
                    "{ dossiers(first: 100) { edges { node { id } } } }",
                    json!({}),
                    "dossiers",
                )
            },
            expected: [
                "listed",
                "unlisted",
                "listed",
                "unlisted",
                "listed",
                "unlisted",
                "listed",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "searchEvidence",
            stage: Stage::ReadyForJury,
            request: |_| {
                json(
                    "{ searchEvidence(query: \"rapport\", first: 100) { edges { node { id } } } }",
                    json!({}),
                    "searchEvidence",
                )
            },
            expected: [
                "listed",
                "unlisted",
                "listed",
                "unlisted",
                "listed",
                "unlisted",
                "listed",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "auditEvents",
            stage: Stage::Draft,
            request: |_| json("{ auditEvents { totalCount } }", json!({}), "auditEvents"),
            expected: [
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "Dossier.auditTrail",
            stage: Stage::ReadyForJury,
            request: |w| {
                json(
                    "query($id: ID!) { dossier(id: $id) { auditTrail { totalCount } } }",
                    json!({ "id": w.dossier }),
                    "dossier",
                )
            },
            expected: [
                "FORBIDDEN",
                "null",
                "FORBIDDEN",
                "null",
                "FORBIDDEN",
                "null",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "Evidence.downloadUrl",
            stage: Stage::ReadyForJury,
            request: |w| {
                json(
                    "query($id: ID!) { dossier(id: $id) { evidence { edges { node { downloadUrl } } } } }",
                    json!({ "id": w.dossier }),
                    "dossier",
                )
            },
            expected: [
                "ok",
                "null",
                "ok",
                "null",
                "ok",
                "null",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "createDossier",
            stage: Stage::Draft,
            request: |_| {
                mutation(
                    "createDossier",
                    "CreateDossierInput",
                    json!({ "programmeCode": "DEIS" }),
                )
            },
            expected: [
                "ok",
                "ok",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "FORBIDDEN",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "addExperience",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "addExperience",
                    "AddExperienceInput",
                    json!({ "dossierId": w.dossier, "title": "T", "organisation": "O", "kind": "VOLUNTEER", "startDate": "2020-01-01", "workingTimePercent": 20 }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "updateExperience",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "updateExperience",
                    "UpdateExperienceInput",
                    json!({ "id": w.experience, "title": "Nouveau" }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "deleteExperience",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "deleteExperience",
                    "DeleteInput",
                    json!({ "id": w.experience }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "addQualification",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "addQualification",
                    "AddQualificationInput",
                    json!({ "dossierId": w.dossier, "code": "MASTER", "title": "Master" }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "addPriorValidation",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "addPriorValidation",
                    "AddPriorValidationInput",
                    json!({ "dossierId": w.dossier, "programmeCode": "DEIS", "domainCode": "DC1", "validatedOn": "2020-01-01", "source": "Jury" }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "claimCompetences",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "claimCompetences",
                    "ClaimCompetencesInput",
                    json!({ "experienceId": w.experience, "claims": [{ "competenceCode": "DC1.2", "selfAssessment": "PARTIAL" }] }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "uploadEvidence",
            stage: Stage::Draft,
            request: |w| Request::Upload {
                input: json!({ "dossierId": w.dossier, "kind": "OTHER", "title": "Pièce" }),
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "startEvidenceUpload",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "startEvidenceUpload",
                    "StartEvidenceUploadInput",
                    json!({ "dossierId": w.dossier, "kind": "OTHER", "title": "Pièce", "fileName": "a.pdf", "size": 10, "sha256": "b".repeat(64) }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "completeEvidenceUpload",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "completeEvidenceUpload",
                    "CompleteEvidenceUploadInput",
                    json!({ "evidenceId": w.staged }),
                )
            },
            // The owner passes every check but has not sent the bytes yet.
            expected: [
                "UPLOAD_MISSING",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "FORBIDDEN",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "linkEvidence",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "linkEvidence",
                    "LinkEvidenceInput",
                    json!({ "evidenceId": w.evidence, "competenceCodes": ["DC1.1"] }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "deleteEvidence",
            stage: Stage::Draft,
            request: |w| mutation("deleteEvidence", "DeleteInput", json!({ "id": w.evidence })),
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "deleteDossier",
            stage: Stage::Draft,
            request: |w| mutation("deleteDossier", "DeleteInput", json!({ "id": w.dossier })),
            expected: [
                "ok",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "requestJuryBundle",
            stage: Stage::ReadyForJury,
            request: |w| {
                mutation(
                    "requestJuryBundle",
                    "RequestJuryBundleInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: [
                "ok",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "requestPersonalDataExport",
            stage: Stage::Draft,
            request: |_| {
                mutation(
                    "requestPersonalDataExport",
                    "PersonInput",
                    json!({ "subject": "owner" }),
                )
            },
            expected: PERSON_OR_ADMIN,
        },
        Row {
            operation: "erasePersonalData",
            stage: Stage::Draft,
            request: |_| {
                mutation(
                    "erasePersonalData",
                    "PersonInput",
                    json!({ "subject": "owner" }),
                )
            },
            expected: PERSON_OR_ADMIN,
        },
        Row {
            operation: "restrictProcessing",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "restrictProcessing",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: [
                "ok",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "liftRestriction",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "liftRestriction",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            // Allowed to the admin, who is told there is nothing to lift.
            expected: ADMIN_ONLY_NOTHING_TO_LIFT,
        },
        Row {
            operation: "placeLegalHold",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "placeLegalHold",
                    "PlaceLegalHoldInput",
                    json!({ "dossierId": w.dossier, "reason": "Recours" }),
                )
            },
            expected: ADMIN_ONLY,
        },
        Row {
            operation: "liftLegalHold",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "liftLegalHold",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: ADMIN_ONLY_NOTHING_TO_LIFT,
        },
        Row {
            operation: "submitDossier",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "submitDossier",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: MUTATE_CONTENT,
        },
        Row {
            operation: "withdrawDossier",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "withdrawDossier",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: [
                "ok",
                "NOT_FOUND",
                "FORBIDDEN",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "decideAdmissibility",
            stage: Stage::Submitted,
            request: |w| {
                mutation(
                    "decideAdmissibility",
                    "DecideAdmissibilityInput",
                    json!({ "dossierId": w.dossier, "admissible": true }),
                )
            },
            expected: ADMIN_ONLY,
        },
        Row {
            operation: "markReadyForJury",
            stage: Stage::Admissible,
            request: |w| {
                mutation(
                    "markReadyForJury",
                    "DossierTransitionInput",
                    json!({ "dossierId": w.dossier }),
                )
            },
            expected: [
                "FORBIDDEN",
                "NOT_FOUND",
                "ok",
                "NOT_FOUND",
                "NOT_FOUND",
                "NOT_FOUND",
                "ok",
                "UNAUTHENTICATED",
            ],
        },
        Row {
            operation: "assignAdvisor",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "assignAdvisor",
                    "AssignInput",
                    json!({ "dossierId": w.dossier, "subject": "new-advisor" }),
                )
            },
            expected: ADMIN_ONLY,
        },
        Row {
            operation: "assignJuryMember",
            stage: Stage::Draft,
            request: |w| {
                mutation(
                    "assignJuryMember",
                    "AssignInput",
                    json!({ "dossierId": w.dossier, "subject": "new-jury" }),
                )
            },
            expected: ADMIN_ONLY,
        },
        Row {
            operation: "reviewClaim",
            stage: Stage::Submitted,
            request: |w| {
                mutation(
                    "reviewClaim",
                    "ReviewClaimInput",
                    json!({ "experienceId": w.experience, "competenceCode": "DC2.3", "agrees": false, "comment": "À étayer" }),
                )
            },
            expected: ADVISOR_ONLY,
        },
        Row {
            operation: "recommendExemption",
            stage: Stage::Submitted,
            request: |w| {
                mutation(
                    "recommendExemption",
                    "RecommendExemptionInput",
                    json!({ "dossierId": w.dossier, "ruleId": "deis.caferuis.uf1-1", "recommendation": "DO_NOT_RECOMMEND", "rationale": "Diplôme manquant" }),
                )
            },
            expected: ADVISOR_ONLY,
        },
        Row {
            operation: "assessDomain",
            stage: Stage::ReadyForJury,
            request: |w| {
                mutation(
                    "assessDomain",
                    "AssessDomainInput",
                    json!({ "dossierId": w.dossier, "domainCode": "DC1", "outcome": "VALIDATED" }),
                )
            },
            expected: JURY_ONLY,
        },
        Row {
            operation: "recordDecision",
            stage: Stage::Assessed,
            request: |w| {
                mutation(
                    "recordDecision",
                    "RecordDecisionInput",
                    json!({ "dossierId": w.dossier, "outcome": "PARTIAL" }),
                )
            },
            expected: JURY_ONLY,
        },
    ]
}

fn mutation(name: &'static str, input_type: &str, input: Value) -> Request {
    json(
        &format!(
            "mutation($input: {input_type}!) {{ {name}(input: $input) {{ userErrors {{ code message }} }} }}"
        ),
        json!({ "input": input }),
        name,
    )
}

async fn outcome(app: &TestApp, actor: &str, world: &World, request: Request) -> String {
    let token = token(app, actor);
    let response = match request {
        Request::Json {
            query,
            variables,
            field,
        } => {
            let response = app.gql(token.as_deref(), &query, variables).await;
            return classify(&response, field, &world.dossier, &world.evidence);
        }
        Request::Upload { input } => app
            .upload(
                token.as_deref().unwrap_or_default(),
                input,
                "piece.pdf",
                pdf("piece"),
            )
            .await["body"]
            .clone(),
    };
    classify(&response, "uploadEvidence", &world.dossier, &world.evidence)
}

fn classify(response: &Value, field: &str, dossier: &str, evidence: &str) -> String {
    if let Some(error) = response["errors"].as_array().and_then(|e| e.first()) {
        return error["extensions"]["code"]
            .as_str()
            .unwrap_or("NO_CODE")
            .to_owned();
    }
    let data = &response["data"][field];
    match field {
        "dossiers" => return listed(data, dossier),
        "searchEvidence" => return listed(data, evidence),
        _ => {}
    }
    if data.is_null() {
        return "null".into();
    }
    match data["userErrors"].as_array().and_then(|e| e.first()) {
        Some(error) => error["code"].as_str().unwrap_or("NO_CODE").to_owned(),
        None => "ok".into(),
    }
}

fn listed(connection: &Value, id: &str) -> String {
    let found = connection["edges"]
        .as_array()
        .into_iter()
        .flatten()
        .any(|e| e["node"]["id"] == id);
    if found {
        "listed".into()
    } else {
        "unlisted".into()
    }
}

#[tokio::test]
async fn every_cell_of_the_authorization_matrix_gives_its_exact_outcome() {
    let app = spawn_app().await;
    let mut mismatches = Vec::new();
    for row in rows() {
        for (index, actor) in ACTORS.iter().enumerate() {
            // A fresh dossier per cell: a mutation that succeeds must not change the next cell.
            let world = prepare(&app, row.stage).await;
            let got = outcome(&app, actor, &world, (row.request)(&world)).await;
            if got != row.expected[index] {
                mismatches.push(format!(
                    "{} ({:?}) as {actor}: expected {}, got {got}",
                    row.operation, row.stage, row.expected[index]
                ));
            }
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} cell(s) differ:\n{}",
        mismatches.len(),
        mismatches.join("\n")
    );
}

#[test]
fn every_operation_has_a_row_in_the_matrix() {
    use async_graphql::parser::parse_schema;
    use async_graphql::parser::types::{TypeKind, TypeSystemDefinition};
    let document = parse_schema(acquis::graphql::sdl()).unwrap();
    let mut operations = BTreeSet::new();
    for definition in document.definitions {
        if let TypeSystemDefinition::Type(ty) = definition {
            let name = ty.node.name.node.as_str();
            if let (TypeKind::Object(object), "Query" | "Mutation") = (&ty.node.kind, name) {
                operations.extend(object.fields.iter().map(|f| f.node.name.node.to_string()));
            }
        }
    }
    let covered: BTreeSet<String> = rows().iter().map(|r| r.operation.to_owned()).collect();
    let missing: Vec<&String> = operations.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "operations without a row in the authorization matrix: {missing:?}"
    );
}
