//! `acquis import-rncp` on France compétences' export: the real sample of 12 fiches, then
//! exports written for the tests (a changed fiche, a fiche without blocs, two fiches with an
//! official bloc equivalence), each imported through the command line into the test's
//! database and read back through GraphQL.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::support::files::pdf;
use crate::support::{TestApp, spawn_app};

const SAMPLE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/rncp/export_fiches_RNCP_sample.xml"
);

/// Runs `acquis import-rncp` on the test's database; returns its report (stdout).
async fn import(app: &TestApp, file: &Path, extra: &[&str]) -> String {
    let mut args = vec!["import-rncp".to_owned(), file.display().to_string()];
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let database = app.config.database_url.clone();
    let data_dir = app.data_dir.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new(env!("CARGO_BIN_EXE_acquis"))
            .args(&args)
            .env("DATABASE_URL", database)
            .env("ACQUIS_DATA_DIR", data_dir)
            .env("RUST_LOG", "off")
            .output()
            .expect("acquis runs")
    })
    .await
    .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn counts(report: &str) -> &str {
    report.lines().nth(1).unwrap_or_default()
}

fn write(app: &TestApp, name: &str, text: &str) -> PathBuf {
    let path = app.data_dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// A fiche of the export's shape with `blocs` (code, title, competences) and correspondences
/// (source bloc, other fiche, other bloc).
fn fiche(
    number: &str,
    vae: &str,
    blocs: &[(&str, &str, &str)],
    equivalences: &[(&str, &str, &str)],
) -> String {
    let blocs: String = blocs
        .iter()
        .map(|(code, title, list)| format!("<BLOC_COMPETENCES><CODE>{code}</CODE><LIBELLE>{title}</LIBELLE><LISTE_COMPETENCES>{list}</LISTE_COMPETENCES><MODALITES_EVALUATION>Mise en situation</MODALITES_EVALUATION></BLOC_COMPETENCES>"))
        .collect();
    let equivalences: String = equivalences
        .iter()
        .map(|(source, other, bloc)| format!("<CORRESPONDANCE><SOURCE><BLOC_COMPETENCES><CODE>{source}</CODE></BLOC_COMPETENCES></SOURCE><DESTINATION><NUMERO_FICHE>{other}</NUMERO_FICHE><BLOC_COMPETENCES><CODE>{bloc}</CODE></BLOC_COMPETENCES></DESTINATION></CORRESPONDANCE>"))
        .collect();
    format!(
        "<FICHE><ID_FICHE>1</ID_FICHE><NUMERO_FICHE>{number}</NUMERO_FICHE><INTITULE>Certification {number} &amp; co</INTITULE><ETAT_FICHE>Publiée</ETAT_FICHE><ACTIF>Oui</ACTIF><NOMENCLATURE_EUROPE><NIVEAU>NIV6</NIVEAU><LIBELLE>Niveau 6</LIBELLE></NOMENCLATURE_EUROPE><BLOCS_COMPETENCES>{blocs}</BLOCS_COMPETENCES><CORRESPONDANCES>{equivalences}</CORRESPONDANCES><SI_JURY_VAE><ACTIF>{vae}</ACTIF><COMPOSITION>Jury de professionnels</COMPOSITION></SI_JURY_VAE></FICHE>"
    )
}

fn export(fiches: &[String]) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><FICHES><VERSION_FLUX>4.1</VERSION_FLUX>{}</FICHES>",
        fiches.concat()
    )
}

const PROGRAMME: &str = "query($code: String!) { programme(code: $code) { code version title level versions { version current } source { publisher licence exportDate url } rncp { state vaeOpen successors predecessors competencesNote } blocs { code domainCode confirmed competencesText } domains { code competences { code title } } exemptionRules { id domainCode legalReference } } }";

#[tokio::test]
async fn the_sample_export_becomes_programmes_with_their_source_and_a_second_import_changes_nothing()
 {
    let app = spawn_app().await;
    let report = import(&app, Path::new(SAMPLE), &["--export-date", "2026-08-16"]).await;
    assert!(report.starts_with("RNCP export of 2026-08-16"), "{report}");
    assert_eq!(
        counts(&report),
        "read 12, inserted 12, updated 0, unchanged 0, refused 0, skipped 0",
        "{report}"
    );
    let data = app
        .gql(None, PROGRAMME, json!({ "code": "RNCP34762" }))
        .await;
    let programme = &data["data"]["programme"];
    assert_eq!(programme["version"], "2026-08-16", "{data:#}");
    assert_eq!(programme["level"], 7);
    assert_eq!(programme["source"]["publisher"], "France compétences");
    assert_eq!(programme["source"]["exportDate"], "2026-08-16");
    assert!(
        programme["source"]["licence"]
            .as_str()
            .unwrap()
            .contains("Licence Ouverte")
    );
    assert_eq!(programme["rncp"]["vaeOpen"], true);
    assert_eq!(programme["rncp"]["successors"], json!(["RNCP39568"]));
    assert!(
        programme["rncp"]["competencesNote"]
            .as_str()
            .unwrap()
            .contains("heuristique")
    );
    assert_eq!(programme["blocs"][0]["code"], "RNCP34762BC01");
    assert_eq!(programme["blocs"][0]["domainCode"], "BC01");
    assert!(
        programme["blocs"][0]["competencesText"]
            .as_str()
            .unwrap()
            .starts_with("A1C1.")
    );
    let first = &programme["domains"][0]["competences"];
    assert_eq!(first.as_array().unwrap().len(), 7, "{first:#}");
    assert_eq!(first[0]["code"], "BC01.1");
    assert!(first[0]["title"].as_str().unwrap().starts_with("Evaluer"));

    // The official equivalences of RNCP40344 became dispenses, with their source cited.
    let data = app
        .gql(None, PROGRAMME, json!({ "code": "RNCP40344" }))
        .await;
    let rules = data["data"]["programme"]["exemptionRules"]
        .as_array()
        .unwrap()
        .clone();
    let rule = rules
        .iter()
        .find(|r| r["id"] == "rncp.rncp40344bc04.rncp37507bc04")
        .unwrap_or_else(|| panic!("{rules:#?}"));
    assert_eq!(rule["domainCode"], "BC04");
    assert!(
        rule["legalReference"]
            .as_str()
            .unwrap()
            .contains("correspondances")
    );

    let again = import(&app, Path::new(SAMPLE), &["--export-date", "2026-08-17"]).await;
    assert_eq!(
        counts(&again),
        "read 12, inserted 0, updated 0, unchanged 12, refused 0, skipped 0",
        "{again}"
    );
    let data = app
        .gql(None, PROGRAMME, json!({ "code": "RNCP34762" }))
        .await;
    assert_eq!(
        data["data"]["programme"]["versions"],
        json!([{ "version": "2026-08-16", "current": true }])
    );

    // A zip of the export, as France compétences publishes it, with only two fiches asked for.
    let zip = zip_of(
        &app,
        Path::new(SAMPLE),
        "export-fiches-rncp-v4-1-2026-08-18.zip",
    );
    let filtered = import(
        &app,
        &zip,
        &["--fiche", "RNCP40344", "--fiche", "rncp99999"],
    )
    .await;
    assert!(
        filtered.starts_with("RNCP export of 2026-08-18"),
        "{filtered}"
    );
    assert_eq!(
        counts(&filtered),
        "read 12, inserted 0, updated 0, unchanged 1, refused 0, skipped 11",
        "{filtered}"
    );
}

fn zip_of(app: &TestApp, xml: &Path, name: &str) -> PathBuf {
    let path = app.data_dir.join(name);
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, zipfile; z = zipfile.ZipFile(sys.argv[1], 'w', zipfile.ZIP_DEFLATED); z.write(sys.argv[2], 'export_fiches_RNCP_V4_1.xml'); z.close()",
            path.to_str().unwrap(),
            xml.to_str().unwrap(),
        ])
        .status()
        .expect("python3 runs");
    assert!(status.success());
    path
}

#[tokio::test]
async fn a_changed_fiche_becomes_a_new_version_and_a_fiche_that_cannot_be_a_programme_is_refused_and_writes_nothing()
 {
    let app = spawn_app().await;
    let blocs = [(
        "RNCP90001BC01",
        "Accompagner",
        "C1. Accueillir les personnes accompagnées   C2. Construire un projet d'accompagnement",
    )];
    let first = write(
        &app,
        "export_fiches_RNCP_V4_1_2026-09-01.xml",
        &export(&[
            fiche("RNCP90001", "Oui", &blocs, &[]),
            fiche("RNCP90002", "Oui", &[], &[]),
        ]),
    );
    let report = import(&app, &first, &[]).await;
    assert_eq!(
        counts(&report),
        "read 2, inserted 1, updated 0, unchanged 0, refused 1, skipped 0",
        "{report}"
    );
    assert!(
        report.contains("refused   RNCP90002: the fiche has no bloc de compétences"),
        "{report}"
    );
    let missing = app
        .gql(None, PROGRAMME, json!({ "code": "RNCP90002" }))
        .await;
    assert_eq!(missing["data"]["programme"], Value::Null);

    let changed = [(
        "RNCP90001BC01",
        "Accompagner",
        "C1. Accueillir les personnes accompagnées   C2. Construire un projet d'accompagnement   C3. Évaluer l'accompagnement réalisé",
    )];
    let second = write(
        &app,
        "export_fiches_RNCP_V4_1_2026-09-02.xml",
        &export(&[fiche("RNCP90001", "Oui", &changed, &[])]),
    );
    let report = import(&app, &second, &[]).await;
    assert_eq!(
        counts(&report),
        "read 1, inserted 0, updated 1, unchanged 0, refused 0, skipped 0",
        "{report}"
    );
    let data = app
        .gql(None, PROGRAMME, json!({ "code": "RNCP90001" }))
        .await;
    let programme = &data["data"]["programme"];
    assert_eq!(programme["title"], "Certification RNCP90001 & co");
    assert_eq!(
        programme["versions"],
        json!([{ "version": "2026-09-01", "current": false }, { "version": "2026-09-02", "current": true }])
    );
    assert_eq!(
        programme["domains"][0]["competences"]
            .as_array()
            .unwrap()
            .len(),
        3
    );

    let broken = write(
        &app,
        "export_fiches_RNCP_V4_1_2026-09-03.xml",
        "<FICHES><FICHE><NUMERO_FICHE>RNCP9",
    );
    let output = Command::new(env!("CARGO_BIN_EXE_acquis"))
        .args(["import-rncp", broken.to_str().unwrap()])
        .env("DATABASE_URL", &app.config.database_url)
        .env("ACQUIS_DATA_DIR", &app.data_dir)
        .env("RUST_LOG", "off")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("RNCP export"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test]
async fn an_official_equivalence_dispenses_the_bloc_of_a_candidate_who_validated_the_other_one() {
    let app = spawn_app().await;
    let ours = fiche(
        "RNCP90011",
        "Oui",
        &[
            (
                "RNCP90011BC01",
                "Coordonner",
                "C1. Coordonner une équipe pluridisciplinaire   C2. Animer des réunions de coordination",
            ),
            (
                "RNCP90011BC02",
                "Évaluer",
                "C1. Évaluer un dispositif d'action sociale   C2. Rendre compte d'une évaluation",
            ),
        ],
        &[("RNCP90011BC02", "RNCP90012", "RNCP90012BC03")],
    );
    let theirs = fiche(
        "RNCP90012",
        "Oui",
        &[(
            "RNCP90012BC03",
            "Évaluation",
            "C1. Conduire une démarche évaluative   C2. Présenter ses conclusions",
        )],
        &[],
    );
    let closed = fiche(
        "RNCP90013",
        "Non",
        &[(
            "RNCP90013BC01",
            "Bloc",
            "C1. Une compétence quelconque du bloc   C2. Une autre compétence du bloc",
        )],
        &[],
    );
    let file = write(
        &app,
        "export_fiches_RNCP_V4_1_2026-09-10.xml",
        &export(&[ours, theirs, closed]),
    );
    import(&app, &file, &[]).await;

    let alice = app.candidate("alice-rncp");
    let created = app
        .mutate(
            &alice,
            "createDossier",
            "CreateDossierInput",
            json!({ "programmeCode": "RNCP90011", "applicationDate": "2026-10-01" }),
            "dossier { id programme { code version } }",
        )
        .await;
    assert_eq!(created["userErrors"], json!([]), "{created:#}");
    let dossier = created["dossier"]["id"].as_str().unwrap().to_owned();
    let experience = app
        .add_experience(&alice, &dossier, json!({ "title": "Coordinatrice", "organisation": "Association", "kind": "SALARIED", "startDate": "2020-01-01", "endDate": "2025-12-31", "workingTimePercent": 100 }))
        .await;
    app.mutate(&alice, "claimCompetences", "ClaimCompetencesInput", json!({ "experienceId": experience, "claims": [{ "competenceCode": "BC01.1", "selfAssessment": "ACQUIRED" }] }), "experience { id }").await;
    let added = app
        .mutate(&alice, "addPriorValidation", "AddPriorValidationInput",
            json!({ "dossierId": dossier, "programmeCode": "RNCP90012", "domainCode": "BC03", "validatedOn": "2024-06-30", "source": "Jury VAE" }),
            "dossier { priorValidations { id } }")
        .await;
    assert_eq!(added["userErrors"], json!([]), "{added:#}");
    let validation = added["dossier"]["priorValidations"][0]["id"].clone();
    app.upload(&alice, json!({ "dossierId": dossier, "kind": "JURY_DECISION", "title": "Relevé de décision", "priorValidationId": validation }), "releve.pdf", pdf("Relevé"))
        .await;
    let analysis = app
        .data(&alice, "query($id: ID!) { dossier(id: $id) { eligibility { admissible needsReview } exemptions { rule { id legalReference } status explanation } } }", json!({ "id": dossier }))
        .await;
    let flags = analysis["dossier"]["exemptions"].as_array().unwrap();
    assert_eq!(flags.len(), 1, "{analysis:#}");
    assert_eq!(flags[0]["rule"]["id"], "rncp.rncp90011bc02.rncp90012bc03");
    assert_eq!(flags[0]["status"], "JUSTIFIED", "{analysis:#}");
    assert!(
        flags[0]["explanation"]
            .as_str()
            .unwrap()
            .contains("BC03 de RNCP90012")
    );
    assert_eq!(analysis["dossier"]["eligibility"]["admissible"], true);
    assert_eq!(
        analysis["dossier"]["eligibility"]["needsReview"], true,
        "general VAE conditions, to confirm"
    );

    // A certification whose VAE route is closed.
    let bob = app.candidate("bob-rncp");
    let created = app
        .mutate(
            &bob,
            "createDossier",
            "CreateDossierInput",
            json!({ "programmeCode": "RNCP90013" }),
            "dossier { id eligibility { admissible reasons } }",
        )
        .await;
    let eligibility = &created["dossier"]["eligibility"];
    assert_eq!(eligibility["admissible"], false);
    assert!(
        eligibility["reasons"][0]
            .as_str()
            .unwrap()
            .contains("n'est pas ouverte à la VAE"),
        "{created:#}"
    );
}
