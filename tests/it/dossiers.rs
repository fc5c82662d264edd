use serde_json::{Value, json};

use crate::support::{TestApp, spawn_app};

const DOSSIER: &str = "query($id: ID!) { dossier(id: $id) { id status version applicationDate candidate { subject }
    experiences(first: 50) { totalCount edges { node { id title kind startDate endDate workingTimePercent fteMonths claims { competence { code } selfAssessment } } } }
    qualifications { code level } priorValidations { domainCode verified } } }";

fn experience(title: &str, start: &str, end: Option<&str>, percent: i32) -> Value {
    json!({ "title": title, "organisation": "Conseil départemental", "kind": "SALARIED", "startDate": start, "endDate": end, "workingTimePercent": percent, "description": "Pilotage de l'évaluation interne" })
}

async fn dossier(app: &TestApp, token: &str, id: &str) -> Value {
    app.data(token, DOSSIER, json!({ "id": id })).await["dossier"].clone()
}

async fn add_experience_raw(
    app: &TestApp,
    token: &str,
    dossier_id: &str,
    mut input: Value,
) -> Value {
    input["dossierId"] = json!(dossier_id);
    app.gql(Some(token), "mutation($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } userErrors { field message code } } }", json!({ "input": input }))
        .await
}

#[tokio::test]
async fn a_candidate_builds_and_submits_a_dossier() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, Some("2025-03-01")).await;
    let first = app
        .add_experience(
            &alice,
            &id,
            experience("Chargée de mission", "2019-01-01", Some("2020-12-31"), 100),
        )
        .await;
    app.add_experience(
        &alice,
        &id,
        experience("Cheffe de service", "2021-01-01", None, 50),
    )
    .await;
    let claims = app
        .data(
            &alice,
            "mutation($input: ClaimCompetencesInput!) { claimCompetences(input: $input) { experience { claims { competence { code domain { code } } selfAssessment justification } } userErrors { code } } }",
            json!({ "input": { "experienceId": first, "claims": [
                { "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED", "justification": "Diagnostic territorial" },
                { "competenceCode": "dc2.3", "selfAssessment": "PARTIAL" } ] } }),
        )
        .await;
    assert_eq!(
        claims["claimCompetences"]["experience"]["claims"][1]["competence"]["code"],
        "DC2.3"
    );
    assert_eq!(
        claims["claimCompetences"]["experience"]["claims"][1]["competence"]["domain"]["code"],
        "DC2"
    );
    let qualification = app
        .data(&alice, "mutation($input: AddQualificationInput!) { addQualification(input: $input) { qualification { id code level obtainedOn } userErrors { code } } }",
            json!({ "input": { "dossierId": id, "code": "caferuis", "title": "CAFERUIS", "level": 6, "obtainedOn": "2015-06-30" } }))
        .await;
    assert_eq!(
        qualification["addQualification"]["qualification"]["code"],
        "CAFERUIS"
    );
    let prior = app
        .data(&alice, "mutation($input: AddPriorValidationInput!) { addPriorValidation(input: $input) { dossier { priorValidations { domainCode verified source } } userErrors { code } } }",
            json!({ "input": { "dossierId": id, "programmeCode": "DEIS", "domainCode": "DC3", "validatedOn": "2022-06-01", "source": "Jury VAE 2022" } }))
        .await;
    assert_eq!(
        prior["addPriorValidation"]["dossier"]["priorValidations"],
        json!([{ "domainCode": "DC3", "verified": false, "source": "Jury VAE 2022" }])
    );

    let before = dossier(&app, &alice, &id).await;
    assert_eq!(before["status"], "DRAFT");
    assert_eq!(before["applicationDate"], "2025-03-01");
    assert_eq!(before["candidate"]["subject"], "alice");
    assert_eq!(before["experiences"]["totalCount"], 2);
    let fte = before["experiences"]["edges"][0]["node"]["fteMonths"]
        .as_f64()
        .unwrap();
    assert!(
        (fte - 24.0).abs() < 0.05,
        "two full-time years are 24 FTE months, got {fte}"
    );

    let submitted = app
        .data(&alice, "mutation($input: DossierTransitionInput!) { submitDossier(input: $input) { dossier { status version } userErrors { code } } }",
            json!({ "input": { "dossierId": id, "expectedVersion": before["version"] } }))
        .await;
    assert_eq!(submitted["submitDossier"]["dossier"]["status"], "SUBMITTED");

    // A submitted dossier is frozen for the candidate.
    let late = add_experience_raw(
        &app,
        &alice,
        &id,
        experience("Oubli", "2010-01-01", Some("2011-01-01"), 100),
    )
    .await;
    assert_eq!(
        late["data"]["addExperience"]["userErrors"][0]["code"], "INVALID_TRANSITION",
        "{late:#}"
    );
    assert_eq!(
        dossier(&app, &alice, &id).await["experiences"]["totalCount"],
        2
    );
}

#[tokio::test]
async fn invalid_experiences_are_refused_with_typed_errors_and_change_nothing() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, None).await;
    let version = dossier(&app, &alice, &id).await["version"].clone();
    let cases = [
        (
            experience("Poste", "2020-05-01", Some("2020-01-01"), 100),
            "INVALID_DATE_RANGE",
            "endDate",
        ),
        (
            experience("Poste", "2999-01-01", None, 100),
            "DATE_IN_FUTURE",
            "startDate",
        ),
        (
            experience("Poste", "2020-01-01", Some("2999-01-01"), 100),
            "DATE_IN_FUTURE",
            "endDate",
        ),
        (
            experience("Poste", "2020-01-01", None, 0),
            "WORKING_TIME_OUT_OF_RANGE",
            "workingTimePercent",
        ),
        (
            experience("Poste", "2020-01-01", None, 101),
            "WORKING_TIME_OUT_OF_RANGE",
            "workingTimePercent",
        ),
        (experience("   ", "2020-01-01", None, 100), "BLANK", "title"),
    ];
    for (input, code, field) in cases {
        let response = add_experience_raw(&app, &alice, &id, input.clone()).await;
        let errors = &response["data"]["addExperience"]["userErrors"];
        assert_eq!(errors[0]["code"], code, "{input}: {response:#}");
        assert_eq!(errors[0]["field"], json!([field]), "{input}: {response:#}");
        assert!(errors[0]["message"].as_str().unwrap().len() > 10);
    }
    let malformed = add_experience_raw(
        &app,
        &alice,
        &id,
        experience("Poste", "2020-02-30", None, 100),
    )
    .await;
    let message = malformed["errors"][0]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(message.contains("not a valid date"), "{malformed:#}");
    let after = dossier(&app, &alice, &id).await;
    assert_eq!(after["experiences"]["totalCount"], 0);
    assert_eq!(after["version"], version);
}

#[tokio::test]
async fn an_unknown_competence_code_is_refused_and_the_claims_stay_as_they_were() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, None).await;
    let exp = app
        .add_experience(&alice, &id, experience("Poste", "2020-01-01", None, 100))
        .await;
    let claim = "mutation($input: ClaimCompetencesInput!) { claimCompetences(input: $input) { experience { claims { competence { code } } } userErrors { code field message } } }";
    app.data(&alice, claim, json!({ "input": { "experienceId": exp, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] } })).await;
    for bad in ["DC9.9", "DC1.7", "UF1.1", "nonsense"] {
        let response = app
            .data(&alice, claim, json!({ "input": { "experienceId": exp, "claims": [{ "competenceCode": "DC2.1", "selfAssessment": "ACQUIRED" }, { "competenceCode": bad, "selfAssessment": "ACQUIRED" }] } }))
            .await;
        let errors = &response["claimCompetences"]["userErrors"];
        assert_eq!(
            errors[0]["code"], "UNKNOWN_COMPETENCE",
            "{bad}: {response:#}"
        );
        assert_eq!(errors[0]["field"], json!(["claims", "1", "competenceCode"]));
    }
    let current = dossier(&app, &alice, &id).await;
    assert_eq!(
        current["experiences"]["edges"][0]["node"]["claims"],
        json!([{ "competence": { "code": "DC1.1" }, "selfAssessment": "ACQUIRED" }])
    );
}

#[tokio::test]
async fn a_stale_expected_version_is_refused() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, None).await;
    let exp = app
        .add_experience(&alice, &id, experience("Poste", "2020-01-01", None, 100))
        .await;
    let version = dossier(&app, &alice, &id).await["version"]
        .as_i64()
        .unwrap();
    let update = "mutation($input: UpdateExperienceInput!) { updateExperience(input: $input) { experience { title endDate } userErrors { code field message } } }";
    let ok = app
        .data(
            &alice,
            update,
            json!({ "input": { "id": exp, "title": "Nouveau titre", "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        ok["updateExperience"]["experience"]["title"],
        "Nouveau titre"
    );
    // A second writer still holding the old version is refused.
    let stale = app
        .data(
            &alice,
            update,
            json!({ "input": { "id": exp, "title": "Écrasé", "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        stale["updateExperience"]["userErrors"][0]["code"], "STALE_VERSION",
        "{stale:#}"
    );
    let current = dossier(&app, &alice, &id).await;
    assert_eq!(
        current["experiences"]["edges"][0]["node"]["title"],
        "Nouveau titre"
    );
    assert_eq!(current["version"].as_i64().unwrap(), version + 1);
}

#[tokio::test]
async fn updating_an_experience_keeps_omitted_fields_and_null_makes_it_ongoing() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, None).await;
    let exp = app
        .add_experience(
            &alice,
            &id,
            experience("Poste", "2020-01-01", Some("2021-01-01"), 80),
        )
        .await;
    let update = "mutation($input: UpdateExperienceInput!) { updateExperience(input: $input) { experience { title endDate workingTimePercent } userErrors { code } } }";
    let data = app
        .data(
            &alice,
            update,
            json!({ "input": { "id": exp, "endDate": null } }),
        )
        .await;
    assert_eq!(
        data["updateExperience"]["experience"],
        json!({ "title": "Poste", "endDate": null, "workingTimePercent": 80 })
    );
    let deleted = app.data(&alice, "mutation($input: DeleteInput!) { deleteExperience(input: $input) { deletedId userErrors { code } } }", json!({ "input": { "id": exp } })).await;
    assert_eq!(deleted["deleteExperience"]["deletedId"], json!(exp));
    assert_eq!(
        dossier(&app, &alice, &id).await["experiences"]["totalCount"],
        0
    );
}

#[tokio::test]
async fn another_candidates_dossier_answers_exactly_like_a_missing_one() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let bob = app.candidate("bob");
    let id = app.create_dossier(&alice, None).await;
    let exp = app
        .add_experience(&alice, &id, experience("Poste", "2020-01-01", None, 100))
        .await;
    let missing = "00000000-0000-7000-8000-000000000000";

    let theirs = app
        .gql(
            Some(&bob),
            "query($id: ID!) { dossier(id: $id) { id } }",
            json!({ "id": id }),
        )
        .await;
    let nothing = app
        .gql(
            Some(&bob),
            "query($id: ID!) { dossier(id: $id) { id } }",
            json!({ "id": missing }),
        )
        .await;
    assert_eq!(theirs, nothing);
    assert_eq!(theirs, json!({ "data": { "dossier": null } }));

    let write = |dossier: &str| json!({ "input": { "dossierId": dossier, "title": "x", "organisation": "y", "kind": "SALARIED", "startDate": "2020-01-01", "workingTimePercent": 100 } });
    let query = "mutation($input: AddExperienceInput!) { addExperience(input: $input) { experience { id } } }";
    let on_theirs = app.gql(Some(&bob), query, write(&id)).await;
    let on_missing = app.gql(Some(&bob), query, write(missing)).await;
    assert_eq!(on_theirs["errors"][0]["extensions"]["code"], "NOT_FOUND");
    assert_eq!(
        on_theirs["errors"][0]["message"],
        on_missing["errors"][0]["message"]
    );

    let update = app.gql(Some(&bob), "mutation($input: UpdateExperienceInput!) { updateExperience(input: $input) { experience { id } } }", json!({ "input": { "id": exp, "title": "pwned" } })).await;
    assert_eq!(update["errors"][0]["extensions"]["code"], "NOT_FOUND");

    let list = app
        .data(
            &bob,
            "{ dossiers { totalCount edges { node { id } } } }",
            json!({}),
        )
        .await;
    assert_eq!(list["dossiers"]["totalCount"], 0);
    assert_eq!(
        dossier(&app, &alice, &id).await["experiences"]["edges"][0]["node"]["title"],
        "Poste"
    );
}

#[tokio::test]
async fn dossier_lists_are_paginated_with_a_maximum_page_size() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let mut ids = Vec::new();
    for _ in 0..3 {
        ids.push(app.create_dossier(&alice, None).await);
    }
    let page = "query($first: Int, $after: String) { dossiers(first: $first, after: $after) { totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor } } }";
    let first = app.data(&alice, page, json!({ "first": 2 })).await;
    assert_eq!(first["dossiers"]["totalCount"], 3);
    assert_eq!(first["dossiers"]["pageInfo"]["hasNextPage"], true);
    let after = first["dossiers"]["pageInfo"]["endCursor"].clone();
    let second = app
        .data(&alice, page, json!({ "first": 2, "after": after }))
        .await;
    let seen: Vec<Value> = first["dossiers"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["dossiers"]["edges"].as_array().unwrap())
        .map(|e| e["node"]["id"].clone())
        .collect();
    assert_eq!(seen, ids.iter().map(|i| json!(i)).collect::<Vec<_>>());
    assert_eq!(second["dossiers"]["pageInfo"]["hasNextPage"], false);
    let too_many = app.gql(Some(&alice), page, json!({ "first": 1000 })).await;
    assert_eq!(
        too_many["errors"][0]["extensions"]["reason"], "INVALID_PAGE_SIZE",
        "{too_many:#}"
    );
}

#[tokio::test]
async fn transitions_outside_the_table_are_refused_with_a_clear_message() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let id = app.create_dossier(&alice, None).await;
    let submit = "mutation($input: DossierTransitionInput!) { submitDossier(input: $input) { dossier { status } userErrors { code message } } }";
    let empty = app
        .data(&alice, submit, json!({ "input": { "dossierId": id } }))
        .await;
    assert_eq!(
        empty["submitDossier"]["userErrors"][0]["code"],
        "EMPTY_DOSSIER"
    );
    let withdraw = "mutation($input: DossierTransitionInput!) { withdrawDossier(input: $input) { dossier { status } userErrors { code message } } }";
    let withdrawn = app
        .data(&alice, withdraw, json!({ "input": { "dossierId": id } }))
        .await;
    assert_eq!(
        withdrawn["withdrawDossier"]["dossier"]["status"],
        "WITHDRAWN"
    );
    let again = app
        .data(&alice, withdraw, json!({ "input": { "dossierId": id } }))
        .await;
    assert_eq!(
        again["withdrawDossier"]["userErrors"][0]["code"],
        "INVALID_TRANSITION"
    );
    assert_eq!(
        again["withdrawDossier"]["userErrors"][0]["message"],
        "cannot withdraw a dossier whose status is WITHDRAWN"
    );
    // Only admins decide admissibility.
    let decide = app.gql(Some(&alice), "mutation { decideAdmissibility(input: { dossierId: \"x\", admissible: true }) { dossier { id } } }", json!({})).await;
    assert_eq!(decide["errors"][0]["extensions"]["code"], "NOT_FOUND");
}

#[tokio::test]
async fn an_unknown_programme_code_is_a_user_error() {
    let app = spawn_app().await;
    let alice = app.candidate("alice");
    let data = app.data(&alice, "mutation { createDossier(input: { programmeCode: \"XYZ\" }) { dossier { id } userErrors { code field } } }", json!({})).await;
    assert_eq!(
        data["createDossier"]["userErrors"],
        json!([{ "code": "UNKNOWN_PROGRAMME", "field": ["programmeCode"] }])
    );
    let list = app
        .data(&alice, "{ dossiers { totalCount } }", json!({}))
        .await;
    assert_eq!(list["dossiers"]["totalCount"], 0);
}

#[tokio::test]
async fn every_month_count_is_rounded_to_one_decimal_the_same_way() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-rounding");
    let id = app.create_dossier(&alice, None).await;
    let experience = app
        .add_experience(&alice, &id, json!({ "title": "Cheffe de service", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2019-01-01", "endDate": "2025-05-03", "workingTimePercent": 100 }))
        .await;
    app.data(&alice, "mutation($i: ClaimCompetencesInput!) { claimCompetences(input: $i) { userErrors { code } } }",
        json!({ "i": { "experienceId": experience, "claims": [{ "competenceCode": "DC1.1", "selfAssessment": "ACQUIRED" }] } }))
        .await;
    let data = app
        .data(&alice, "query($id: ID!) { dossier(id: $id) { experiences { edges { node { fteMonths } } } coverage { domain { code } fteMonths } eligibility { relevantFteMonths } } }", json!({ "id": id }))
        .await;
    let experience = data["dossier"]["experiences"]["edges"][0]["node"]["fteMonths"]
        .as_f64()
        .unwrap();
    let coverage = data["dossier"]["coverage"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["domain"]["code"] == "DC1")
        .unwrap()["fteMonths"]
        .as_f64()
        .unwrap();
    let relevant = data["dossier"]["eligibility"]["relevantFteMonths"]
        .as_f64()
        .unwrap();
    // 2,315 days at 365.25 / 12 days a month: 76.064… months, shown as 76.1 everywhere.
    assert_eq!(experience, 76.1, "{data:#}");
    assert_eq!(coverage, experience, "{data:#}");
    assert_eq!(relevant, experience, "{data:#}");
}

#[tokio::test]
async fn a_mutation_with_several_invalid_fields_reports_each_of_them() {
    let app = spawn_app().await;
    let alice = app.candidate("alice-all-errors");
    let id = app.create_dossier(&alice, None).await;
    let data = app
        .data(&alice, "mutation($i: AddExperienceInput!) { addExperience(input: $i) { experience { id } userErrors { field code } } }",
            json!({ "i": { "dossierId": id, "title": " ", "organisation": "CCAS", "kind": "SALARIED", "startDate": "2020-01-01", "endDate": "2019-01-01", "workingTimePercent": 180 } }))
        .await;
    let errors = &data["addExperience"]["userErrors"];
    assert_eq!(
        errors,
        &json!([
            { "field": ["endDate"], "code": "INVALID_DATE_RANGE" },
            { "field": ["workingTimePercent"], "code": "WORKING_TIME_OUT_OF_RANGE" },
            { "field": ["title"], "code": "BLANK" },
        ]),
        "{data:#}"
    );
    let started = app
        .data(&alice, "mutation($i: StartEvidenceUploadInput!) { startEvidenceUpload(input: $i) { evidenceId userErrors { field code } } }",
            json!({ "i": { "dossierId": id, "kind": "OTHER", "title": "Pièce", "fileName": "virus.exe", "size": 0, "sha256": "nope" } }))
        .await;
    let codes: Vec<&str> = started["startEvidenceUpload"]["userErrors"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(
        codes,
        ["UNSUPPORTED_FILE_TYPE", "INVALID_SIZE", "INVALID_CHECKSUM"],
        "{started:#}"
    );
}

/// Every dossier of `status` (or all), by walking the pages: what the total must equal.
async fn listed(app: &TestApp, admin: &str, status: Option<&str>) -> (u64, u64) {
    let mut after: Option<String> = None;
    let mut seen = 0;
    loop {
        let page = app
            .data(
                admin,
                "query($after: String, $status: DossierStatus) { dossiers(first: 100, after: $after, status: $status) {
                   totalCount pageInfo { hasNextPage endCursor } edges { node { id } } } }",
                json!({ "after": after, "status": status }),
            )
            .await;
        let connection = &page["dossiers"];
        let total = connection["totalCount"].as_u64().unwrap();
        seen += connection["edges"].as_array().unwrap().len() as u64;
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            return (total, seen);
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

#[tokio::test]
async fn the_administrations_totals_stay_exact_through_creations_transitions_deletions_and_erasures()
 {
    use acquis::domain::policy::Role;
    let app = spawn_app().await;
    let admin = app.token("admin-1", &[Role::Admin]);
    let check = |label: &'static str| {
        let (app, admin) = (&app, admin.clone());
        async move {
            for status in [
                None,
                Some("DRAFT"),
                Some("SUBMITTED"),
                Some("ADMISSIBLE"),
                Some("WITHDRAWN"),
            ] {
                let (total, seen) = listed(app, &admin, status).await;
                assert_eq!(
                    total, seen,
                    "{label}: the total of {status:?} is not what the list holds"
                );
            }
        }
    };
    check("empty").await;
    let mut dossiers = Vec::new();
    for n in 0..6 {
        let token = app.candidate(&format!("counted-{}", n % 3));
        let id = app.create_dossier(&token, None).await;
        app.add_experience(&token, &id, json!({ "title": "Poste", "organisation": "Structure", "kind": "SALARIED", "startDate": "2015-01-01", "workingTimePercent": 100 })).await;
        dossiers.push((token, id));
    }
    check("created").await;
    for (token, id) in &dossiers[..4] {
        let submitted = app
            .mutate(
                token,
                "submitDossier",
                "DossierTransitionInput",
                json!({ "dossierId": id }),
                "dossier { status }",
            )
            .await;
        assert_eq!(submitted["userErrors"], json!([]));
    }
    let admissible = app
        .mutate(
            &admin,
            "decideAdmissibility",
            "DecideAdmissibilityInput",
            json!({ "dossierId": dossiers[0].1, "admissible": true }),
            "dossier { status }",
        )
        .await;
    assert_eq!(admissible["userErrors"], json!([]));
    let withdrawn = app
        .mutate(
            &dossiers[1].0,
            "withdrawDossier",
            "DossierTransitionInput",
            json!({ "dossierId": dossiers[1].1 }),
            "dossier { status }",
        )
        .await;
    assert_eq!(withdrawn["userErrors"], json!([]));
    check("transitions").await;
    let deleted = app
        .mutate(
            &dossiers[5].0,
            "deleteDossier",
            "DeleteInput",
            json!({ "id": dossiers[5].1 }),
            "deletedId",
        )
        .await;
    assert_eq!(deleted["userErrors"], json!([]));
    check("deletion").await;
    let erased = app
        .mutate(
            &admin,
            "erasePersonalData",
            "PersonInput",
            json!({ "subject": "counted-1" }),
            "erasedDossierIds",
        )
        .await;
    assert_eq!(erased["userErrors"], json!([]), "{erased:#}");
    assert!(!erased["erasedDossierIds"].as_array().unwrap().is_empty());
    check("erasure").await;
    let (total, _) = listed(&app, &admin, None).await;
    assert_eq!(
        total, 3,
        "six created, one deleted, two erased with their candidate"
    );
}
