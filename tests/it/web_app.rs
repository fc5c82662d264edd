//! The web application at `/app/`, in a real Chromium: a candidate signs in with OpenID
//! Connect (authorization code + PKCE against a provider the test runs), builds a dossier with
//! uploads and sees an exemption justified; the admin declares it admissible and assigns it;
//! the advisor reviews; a jury member searches, opens a file and decides. Every screen is
//! audited with axe-core (no serious or critical WCAG 2.1 A/AA violation), checked at phone
//! width (nothing wider than the screen) and photographed for the README.

use std::path::PathBuf;
use std::time::Duration;

use acquis::config::OidcClient;
use acquis::domain::policy::Role;
use serde_json::{Value, json};

use crate::support::browser::Browser;
use crate::support::files::{elf, pdf, pdf_of_size};
use crate::support::oidc::{CLIENT_ID, Person, Provider};
use crate::support::{TestApp, spawn_app, spawn_app_with};

const AXE: &str = include_str!("assets/axe.min.js");

const PHONE: (u32, u32) = (390, 844);
const DESKTOP: (u32, u32) = (1280, 900);

/// Where screenshots go: `ACQUIS_SCREENSHOTS_DIR` (the README's come from `docs/screens`),
/// else a folder under the build directory.
fn screenshot_dir() -> PathBuf {
    std::env::var_os("ACQUIS_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screens"))
}

/// The WCAG 2.x A/AA violations of impact serious or critical on the page, as readable lines.
async fn serious_violations(browser: &Browser) -> Vec<String> {
    let loaded = browser
        .eval("return typeof window.axe !== 'undefined';", json!([]))
        .await;
    if loaded != json!(true) {
        // Injected through WebDriver, which the page's Content-Security-Policy does not govern.
        browser
            .eval(&format!("{AXE}\nreturn true;"), json!([]))
            .await;
    }
    let result = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
               .then(r => done(r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
                 .map(v => v.id + ' (' + v.impact + '): ' + v.help + ' — ' + v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));",
            json!([]),
        )
        .await;
    result
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect()
}

/// Audits the screen on a desktop and on a phone, and keeps a picture of each.
async fn check_screen(browser: &Browser, name: &str) {
    browser
        .wait_for(
            "a heading",
            "return document.querySelector('main h1') !== null;",
            Duration::from_secs(20),
        )
        .await;
    let dir = screenshot_dir();
    std::fs::create_dir_all(&dir).unwrap();
    for (label, (width, height)) in [("desktop", DESKTOP), ("phone", PHONE)] {
        browser.resize(width, height).await;
        tokio::time::sleep(Duration::from_millis(150)).await;
        // The picture first: a failing check below leaves it to look at.
        std::fs::write(
            dir.join(format!("{name}-{label}.png")),
            browser.screenshot().await,
        )
        .unwrap();
        let violations = serious_violations(browser).await;
        assert!(
            violations.is_empty(),
            "{name} ({label}): axe-core found\n{}",
            violations.join("\n")
        );
        let overflow = browser
            .eval(
                "const width = document.documentElement.clientWidth;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('.table-scroll > *'))
                   .map(e => e.tagName + '.' + e.className).slice(0, 5);
                 return [document.documentElement.scrollWidth - width, wide];",
                json!([]),
            )
            .await;
        assert!(
            overflow[0].as_i64().unwrap_or(0) <= 0,
            "{name} is wider than a {width} px screen: {overflow}"
        );
    }
    browser.resize(DESKTOP.0, DESKTOP.1).await;
}

/// Signs `subject` in through the provider's login page.
async fn sign_in(browser: &Browser, app: &TestApp, subject: &str, expect: &str) {
    browser.goto(&format!("{}/app/", app.address)).await;
    browser.wait_text("Se connecter").await;
    browser.click_on("#connexion-oidc").await;
    browser.wait_text("Qui êtes-vous").await;
    browser
        .click_on(&format!("button[name=person][value='{subject}']"))
        .await;
    browser.wait_text(expect).await;
}

async fn sign_out(browser: &Browser) {
    browser.click_on("#compte button").await;
    browser.wait_text("Connexion").await;
}

async fn open_section(browser: &Browser, suffix: &str, heading: &str) {
    browser
        .click_on(&format!("nav.steps a[href$='{suffix}']"))
        .await;
    browser
        .wait_for(
            heading,
            &format!(
                "const h = document.querySelector('main h1'); return Boolean(h && h.textContent.startsWith({}));",
                serde_json::to_string(heading).unwrap()
            ),
            Duration::from_secs(20),
        )
        .await;
}

/// Submits the form the CSS names and waits for the confirmation.
async fn submit(browser: &Browser, form: &str, confirmation: &str) {
    browser
        .click_on(&format!("{form} button[type=submit]"))
        .await;
    browser.wait_text(confirmation).await;
}

/// Records what the upload's status line says, across the screen's re-render.
async fn watch_upload_status(browser: &Browser) {
    browser
        .eval(
            "window.__uploadSteps = [];
             new MutationObserver(() => { const s = document.getElementById('etat-envoi');
               if (s && window.__uploadSteps.at(-1) !== s.textContent) window.__uploadSteps.push(s.textContent); })
               .observe(document.body, { subtree: true, childList: true, characterData: true });",
            json!([]),
        )
        .await;
}

fn people() -> Vec<Person> {
    vec![
        Person {
            subject: "claire",
            name: "Claire Martin",
            roles: &["CANDIDATE"],
        },
        Person {
            subject: "admin-1",
            name: "Agnès Durand",
            roles: &["ADMIN"],
        },
        Person {
            subject: "conseil-1",
            name: "Hugo Bernard",
            roles: &["ADVISOR"],
        },
        Person {
            subject: "jury-1",
            name: "Juliette Petit",
            roles: &["JURY"],
        },
    ]
}

fn temp_file(name: &str, bytes: &[u8]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("acquis-web-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[tokio::test]
async fn a_dossier_goes_from_sign_in_to_the_jury_decision_in_the_browser_and_every_screen_passes_axe()
 {
    let Some(browser) = Browser::start("web_app").await else {
        return;
    };
    let provider = Provider::start(people()).await;
    let app = spawn_app_with(|c| {
        c.jwks_url = Some(provider.jwks_url().parse().unwrap());
        c.jwt_issuer = Some(provider.issuer.clone());
        c.jwt_audience = Some(CLIENT_ID.to_owned());
        c.oidc = Some(OidcClient {
            issuer: provider.issuer.parse().unwrap(),
            client_id: CLIENT_ID.to_owned(),
            scopes: "openid profile".to_owned(),
        });
        c.dev_sign_in = false;
    })
    .await;

    // The candidate signs in through the provider and lands on their (empty) list.
    browser.goto(&format!("{}/app/", app.address)).await;
    browser.wait_text("Se connecter").await;
    check_screen(&browser, "connexion").await;
    assert_eq!(
        browser
            .eval(
                "return document.body.innerText.includes('Connexion de développement');",
                json!([])
            )
            .await,
        json!(false),
        "a configured provider leaves no development sign-in"
    );
    sign_in(&browser, &app, "claire", "Mes dossiers").await;
    browser.wait_text("Claire Martin").await;
    assert_eq!(provider.exchanges(), (1, Vec::new()));

    browser.click_on("a[href='/app/nouveau']").await;
    browser.wait_text("Certification visée").await;
    check_screen(&browser, "nouveau-dossier").await;
    browser
        .click_on("input[name=programmeCode][value=DEIS]")
        .await;
    submit(&browser, "form:not([role=search])", "Vue d'ensemble").await;
    let dossier_url = browser.eval("return location.pathname;", json!([])).await;
    let dossier_id = dossier_url
        .as_str()
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    browser.wait_text("Votre dossier pas à pas").await;

    // Parcours: a wrong period is refused at the field it concerns, then the experience is added.
    open_section(&browser, "/parcours", "Parcours").await;
    let add = "form[aria-labelledby=titre-ajout-experience]";
    browser
        .fill(&format!("{add} [name=title]"), "Cheffe de service")
        .await;
    browser
        .fill(
            &format!("{add} [name=organisation]"),
            "Association d'insertion",
        )
        .await;
    browser
        .set_value(&format!("{add} [name=startDate]"), "2015-09-01")
        .await;
    browser
        .set_value(&format!("{add} [name=endDate]"), "2014-06-30")
        .await;
    browser
        .fill(
            &format!("{add} [name=description]"),
            "Conduite de l'évaluation interne des établissements",
        )
        .await;
    submit(
        &browser,
        add,
        "La date de fin doit suivre la date de début.",
    )
    .await;
    let invalid = browser
        .eval(
            &format!(
                "const e = document.querySelector('{add} [name=endDate]');
                 const ids = (e.getAttribute('aria-describedby') || '').split(' ');
                 return e.getAttribute('aria-invalid') === 'true'
                   && ids.some(id => document.getElementById(id)?.textContent.includes('date de fin'));"
            ),
            json!([]),
        )
        .await;
    assert_eq!(
        invalid,
        json!(true),
        "the error is tied to the end date field"
    );
    browser
        .set_value(&format!("{add} [name=endDate]"), "")
        .await;
    submit(&browser, add, "Expérience ajoutée.").await;
    let qualification = "form[aria-labelledby=titre-ajout-diplome]";
    browser
        .fill(&format!("{qualification} [name=code]"), "CAFERUIS")
        .await;
    browser
        .fill(
            &format!("{qualification} [name=title]"),
            "Certificat d'aptitude aux fonctions d'encadrement",
        )
        .await;
    browser
        .fill(&format!("{qualification} [name=level]"), "6")
        .await;
    browser
        .set_value(&format!("{qualification} [name=obtainedOn]"), "2014-06-30")
        .await;
    submit(&browser, qualification, "Diplôme ajouté").await;
    check_screen(&browser, "parcours").await;

    // Preuves: bytes that are not a document are refused at the file field; a diploma goes
    // in one request and a large report is staged, both with their progress shown.
    open_section(&browser, "/preuves", "Preuves").await;
    let upload = "form[aria-labelledby=titre-depot]";
    let fake = temp_file("attestation.pdf", &elf());
    browser
        .type_text(
            &browser.element(&format!("{upload} input[type=file]")).await,
            fake.to_str().unwrap(),
        )
        .await;
    browser
        .fill(&format!("{upload} [name=title]"), "Attestation")
        .await;
    submit(&browser, upload, "Ce type de fichier n'est pas accepté").await;
    let marked = browser
        .eval(
            &format!(
                "return document.querySelector('{upload} input[type=file]').getAttribute('aria-invalid');"
            ),
            json!([]),
        )
        .await;
    assert_eq!(marked, json!("true"));

    let diploma = temp_file("caferuis.pdf", &pdf("CAFERUIS Claire Martin"));
    browser
        .type_text(
            &browser.element(&format!("{upload} input[type=file]")).await,
            diploma.to_str().unwrap(),
        )
        .await;
    browser
        .fill(&format!("{upload} [name=title]"), "Diplôme CAFERUIS")
        .await;
    browser
        .set_value(&format!("{upload} [name=kind]"), "DIPLOMA")
        .await;
    let qualification_id = browser
        .eval(
            &format!(
                "return document.querySelector('{upload} [name=qualificationId] option:nth-child(2)').value;"
            ),
            json!([]),
        )
        .await;
    browser
        .set_value(
            &format!("{upload} [name=qualificationId]"),
            qualification_id.as_str().unwrap(),
        )
        .await;
    watch_upload_status(&browser).await;
    submit(&browser, upload, "« Diplôme CAFERUIS » est déposé").await;
    let steps = browser
        .eval("return window.__uploadSteps;", json!([]))
        .await;
    assert!(
        steps.as_array().unwrap().contains(&json!("Envoi : 100 %")),
        "{steps}"
    );

    let report = temp_file("rapport-evaluation.pdf", &pdf_of_size(9 * 1024 * 1024));
    browser
        .type_text(
            &browser.element(&format!("{upload} input[type=file]")).await,
            report.to_str().unwrap(),
        )
        .await;
    browser
        .fill(
            &format!("{upload} [name=title]"),
            "Rapport d'évaluation interne",
        )
        .await;
    browser
        .set_value(&format!("{upload} [name=kind]"), "WORK_PRODUCT")
        .await;
    let experience_id = browser
        .eval(
            &format!(
                "return document.querySelector('{upload} [name=experienceId] option:nth-child(2)').value;"
            ),
            json!([]),
        )
        .await;
    browser
        .set_value(
            &format!("{upload} [name=experienceId]"),
            experience_id.as_str().unwrap(),
        )
        .await;
    watch_upload_status(&browser).await;
    submit(
        &browser,
        upload,
        "« Rapport d'évaluation interne » est déposé",
    )
    .await;
    let steps = browser
        .eval("return window.__uploadSteps;", json!([]))
        .await;
    for step in ["Envoi : 100 %", "Vérification du fichier reçu…"] {
        assert!(
            steps.as_array().unwrap().contains(&json!(step)),
            "{step} missing from {steps}"
        );
    }
    check_screen(&browser, "preuves").await;

    // Correspondance: the experience claims two competences, the report supports one.
    open_section(
        &browser,
        "/correspondance",
        "Correspondance avec le référentiel",
    )
    .await;
    let claims = "form[aria-label='Compétences de Cheffe de service']";
    for code in ["DC1.1", "DC2.3"] {
        browser
            .click_on(&format!("{claims} input[name=claim][value='{code}']"))
            .await;
    }
    browser
        .fill(
            &format!("{claims} [name='justification-DC2.3']"),
            "Pilotage de l'évaluation interne",
        )
        .await;
    submit(&browser, claims, "2 compétences revendiquées").await;
    let supports = "form[aria-label=\"Compétences appuyées par Rapport d'évaluation interne\"]";
    browser
        .click_on(&format!(
            "{supports} input[name=competenceCodes][value='DC2.3']"
        ))
        .await;
    submit(&browser, supports, "appuie 1 compétence").await;
    check_screen(&browser, "correspondance").await;

    // Couverture: DC2.3 is proven, the matrix says which file proves it.
    open_section(&browser, "/couverture", "Couverture").await;
    let row = browser
        .eval(
            "const th = [...document.querySelectorAll('table.matrix tbody th')].find(t => t.textContent.startsWith('DC2.3'));
             return th ? th.parentElement.innerText : null;",
            json!([]),
        )
        .await;
    let row = row.as_str().unwrap_or_default().to_owned();
    assert!(
        row.contains("Prouvée") && row.contains("✓"),
        "DC2.3 row: {row}"
    );
    check_screen(&browser, "couverture").await;

    // Dispenses: the CAFERUIS allègement is justified, with its legal reference.
    open_section(&browser, "/dispenses", "Dispenses et allègements").await;
    let candidate = app.candidate("claire");
    let rule = app
        .data(
            &candidate,
            "{ programme(code: \"DEIS\") { exemptionRules { id legalReference } } }",
            json!({}),
        )
        .await["programme"]["exemptionRules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "deis.caferuis.uf1-1")
        .cloned()
        .unwrap();
    let flag = browser
        .eval(
            "return document.getElementById('regle-deis-caferuis-uf1-1')?.closest('article')?.innerText;",
            json!([]),
        )
        .await;
    let flag = flag.as_str().unwrap_or_default().to_owned();
    assert!(flag.contains("Justifiée"), "{flag}");
    assert!(
        flag.contains(rule["legalReference"].as_str().unwrap()),
        "{flag}"
    );
    check_screen(&browser, "dispenses").await;

    // The candidate sends the dossier.
    open_section(&browser, &dossier_id, "Vue d'ensemble").await;
    check_screen(&browser, "vue-ensemble").await;
    submit(
        &browser,
        "section[aria-labelledby=titre-actions] form",
        "Votre dossier est envoyé",
    )
    .await;
    sign_out(&browser).await;

    // The administration declares it admissible and assigns an advisor and a jury member.
    sign_in(&browser, &app, "admin-1", "Tous les dossiers").await;
    check_screen(&browser, "dossiers").await;
    browser
        .click_on(&format!("a[href='/app/dossiers/{dossier_id}']"))
        .await;
    browser.wait_text("Décision de recevabilité").await;
    browser.click_on("input[name=admissible][value=true]").await;
    submit(
        &browser,
        "section[aria-labelledby=titre-actions] form:first-of-type",
        "Le dossier est déclaré recevable.",
    )
    .await;
    browser
        .fill(
            "form[aria-label='Affecter un conseiller ou une conseillère'] [name=subject]",
            "conseil-1",
        )
        .await;
    submit(
        &browser,
        "form[aria-label='Affecter un conseiller ou une conseillère']",
        "Conseiller ou conseillère affecté.",
    )
    .await;
    browser
        .fill(
            "form[aria-label='Affecter un membre du jury'] [name=subject]",
            "jury-1",
        )
        .await;
    submit(
        &browser,
        "form[aria-label='Affecter un membre du jury']",
        "Membre du jury affecté.",
    )
    .await;
    sign_out(&browser).await;

    // The advisor agrees with a claim, recommends the allègement and sends to the jury.
    sign_in(&browser, &app, "conseil-1", "Dossiers qui me sont confiés").await;
    browser
        .click_on(&format!("a[href='/app/dossiers/{dossier_id}']"))
        .await;
    browser.wait_text("Transmettre au jury").await;
    open_section(
        &browser,
        "/correspondance",
        "Correspondance avec le référentiel",
    )
    .await;
    let review = "form[aria-label='Avis sur DC2.3 pour Cheffe de service']";
    browser
        .click_on(&format!("{review} input[name=agrees][value=true]"))
        .await;
    browser
        .fill(
            &format!("{review} [name=comment]"),
            "Bien étayé par le rapport",
        )
        .await;
    submit(&browser, review, "Avis enregistré sur DC2.3.").await;
    open_section(&browser, "/dispenses", "Dispenses et allègements").await;
    let recommend = "form[aria-label='Recommandation sur deis.caferuis.uf1-1']";
    browser
        .click_on(&format!(
            "{recommend} input[name=recommendation][value=RECOMMEND]"
        ))
        .await;
    browser
        .fill(&format!("{recommend} [name=rationale]"), "Diplôme fourni")
        .await;
    submit(&browser, recommend, "Recommandation enregistrée.").await;
    open_section(&browser, &dossier_id, "Vue d'ensemble").await;
    submit(
        &browser,
        "section[aria-labelledby=titre-actions] form",
        "Le dossier est transmis au jury.",
    )
    .await;
    sign_out(&browser).await;

    // The jury member searches, opens the report, assesses each domain and decides.
    sign_in(&browser, &app, "jury-1", "Dossiers qui me sont confiés").await;
    browser
        .click_on(&format!("a[href='/app/dossiers/{dossier_id}']"))
        .await;
    browser.wait_text("Vue d'ensemble").await;
    open_section(&browser, "/jury", "Jury").await;
    browser
        .fill("form[role=search] [name=query]", "évaluation")
        .await;
    submit(&browser, "form[role=search]", "résultat").await;
    let found = browser
        .eval(
            "return document.getElementById('resultats-recherche').innerText;",
            json!([]),
        )
        .await;
    assert!(
        found
            .as_str()
            .unwrap_or_default()
            .contains("Rapport d'évaluation interne"),
        "{found}"
    );
    let link = browser
        .eval(
            "return document.querySelector('#resultats-recherche a[href*=\"/files/\"]').href;",
            json!([]),
        )
        .await;
    browser
        .click_on("#resultats-recherche a[href*='/files/']")
        .await;
    // The click opened a tab; the same link fetched here must be the file, and be audited.
    let fetched = app.client.get(link.as_str().unwrap()).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    for domain in ["DC1", "DC2", "DC3"] {
        let form = format!("form[aria-label='Évaluation de {domain}']");
        let outcome = if domain == "DC3" {
            "NOT_VALIDATED"
        } else {
            "VALIDATED"
        };
        browser
            .click_on(&format!("{form} input[name=outcome][value={outcome}]"))
            .await;
        submit(&browser, &form, &format!("{domain} : ")).await;
    }
    let suggested = browser
        .eval(
            "return document.querySelector('form[aria-labelledby=titre-decision] input[name=outcome]:checked')?.value;",
            json!([]),
        )
        .await;
    assert_eq!(
        suggested,
        json!("PARTIAL"),
        "the assessments suggest the decision"
    );
    submit(
        &browser,
        "form[aria-labelledby=titre-decision]",
        "Décision enregistrée : validation partielle.",
    )
    .await;
    check_screen(&browser, "jury").await;
    submit(
        &browser,
        "section[aria-labelledby=titre-archive] form",
        "Télécharger le dossier complet",
    )
    .await;
    let bundle = browser
        .eval(
            "return document.getElementById('lien-dossier-complet').href;",
            json!([]),
        )
        .await;
    let zip = app
        .client
        .get(bundle.as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(zip.status(), 200);
    assert!(zip.bytes().await.unwrap().starts_with(b"PK\x03\x04"));

    // What the browser did is what the service holds.
    let admin = app.token("admin-1", &[Role::Admin]);
    let held = app
        .data(
            &admin,
            "query($id: ID!) { dossier(id: $id) { status decision { outcome validatedDomainCodes }
               experiences { edges { node { claims { competence { code } advisorAgrees } } } }
               exemptions { rule { id } status recommendation }
               auditTrail(first: 100) { edges { node { action actorId } } } } }",
            json!({ "id": dossier_id }),
        )
        .await;
    let dossier = &held["dossier"];
    assert_eq!(dossier["status"], "DECIDED");
    assert_eq!(
        dossier["decision"],
        json!({ "outcome": "PARTIAL", "validatedDomainCodes": ["DC1", "DC2"] })
    );
    assert_eq!(
        dossier["experiences"]["edges"][0]["node"]["claims"],
        json!([
            { "competence": { "code": "DC1.1" }, "advisorAgrees": null },
            { "competence": { "code": "DC2.3" }, "advisorAgrees": true },
        ])
    );
    let uf11: Vec<&Value> = dossier["exemptions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"]["id"] == "deis.caferuis.uf1-1")
        .collect();
    assert_eq!(
        uf11,
        vec![
            &json!({ "rule": { "id": "deis.caferuis.uf1-1" }, "status": "JUSTIFIED", "recommendation": "RECOMMEND" })
        ]
    );
    let actions: Vec<&str> = dossier["auditTrail"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["node"]["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"evidence.downloaded"),
        "the opened file is audited: {actions:?}"
    );
    assert_eq!(provider.exchanges(), (4, Vec::new()));
    let errors: Vec<String> = browser
        .console()
        .await
        .into_iter()
        .filter(|line| line.starts_with("\"SEVERE\"") && !line.contains("favicon"))
        .collect();
    assert!(errors.is_empty(), "console errors: {errors:#?}");
}

#[tokio::test]
async fn on_the_embedded_defaults_the_development_sign_in_opens_the_app_with_the_keyboard() {
    let Some(browser) = Browser::start("web_app dev sign-in").await else {
        return;
    };
    let app = spawn_app().await;
    assert!(app.config.dev_sign_in, "the test app runs on the defaults");
    browser.goto(&format!("{}/app/", app.address)).await;
    browser.wait_text("Connexion de développement").await;
    // The first Tab reaches the skip link, which leads to the content.
    browser.press("\u{E004}").await;
    let focused = browser
        .eval("return document.activeElement.textContent;", json!([]))
        .await;
    assert_eq!(focused, json!("Aller au contenu"));
    browser.fill("[name=subject]", "camille").await;
    browser.fill("[name=name]", "Camille Roux").await;
    // Enter in a field submits the form, as it would for someone without a mouse.
    let name = browser.element("[name=name]").await;
    browser.type_text(&name, "\u{E007}").await;
    browser.wait_text("Mes dossiers").await;
    browser.wait_text("Camille Roux").await;
    let heading = browser
        .eval(
            "return document.activeElement.tagName + ' ' + document.activeElement.textContent;",
            json!([]),
        )
        .await;
    assert_eq!(
        heading,
        json!("H1 Mes dossiers"),
        "focus moves to the new screen's heading"
    );
    // A domain validated earlier is declared; its dispense waits for the jury's record.
    browser.click_on("a[href='/app/nouveau']").await;
    browser.wait_text("Certification visée").await;
    browser
        .click_on("input[name=programmeCode][value=DEIS]")
        .await;
    submit(&browser, "form:not([role=search])", "Vue d'ensemble").await;
    open_section(&browser, "/parcours", "Parcours").await;
    let prior = "form[aria-labelledby=titre-ajout-validation]";
    browser
        .set_value(&format!("{prior} [name=domainCode]"), "DC2")
        .await;
    browser
        .set_value(&format!("{prior} [name=validatedOn]"), "2021-11-20")
        .await;
    browser
        .fill(
            &format!("{prior} [name=source]"),
            "Jury DEIS, DREETS Bretagne",
        )
        .await;
    submit(&browser, prior, "Validation déclarée").await;
    browser
        .wait_text("Déclaré : joignez le relevé de décisions")
        .await;
    open_section(&browser, "/dispenses", "Dispenses et allègements").await;
    let flag = browser
        .eval(
            "return [...document.querySelectorAll('article')].map(a => a.innerText).find(t => t.startsWith('Dispense de domaine — DC2'));",
            json!([]),
        )
        .await;
    assert!(
        flag.as_str()
            .is_some_and(|f| f.contains("Preuve manquante")),
        "{flag}"
    );

    let me = browser
        .eval_async(
            "const done = arguments[arguments.length - 1];
             const s = JSON.parse(sessionStorage.getItem('acquis.session'));
             fetch('/graphql', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + s.token },
               body: JSON.stringify({ query: '{ me { subject roles displayName } }' }) }).then(r => r.json()).then(done);",
            json!([]),
        )
        .await;
    assert_eq!(
        me["data"]["me"],
        json!({ "subject": "camille", "roles": ["CANDIDATE"], "displayName": "Camille Roux" })
    );

    // A token the service no longer accepts sends the person back to the sign-in, then to
    // where they were going.
    browser
        .eval(
            "const s = JSON.parse(sessionStorage.getItem('acquis.session'));
             s.token = s.token.slice(0, -6) + (s.token.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA');
             sessionStorage.setItem('acquis.session', JSON.stringify(s)); return true;",
            json!([]),
        )
        .await;
    browser.goto(&format!("{}/app/nouveau", app.address)).await;
    browser.wait_text("Votre session a pris fin").await;
    let back = browser
        .eval(
            "return new URLSearchParams(location.search).get('retour');",
            json!([]),
        )
        .await;
    assert_eq!(back, json!("/app/nouveau"));
}

#[tokio::test]
async fn the_app_is_served_with_a_strict_policy_and_its_development_sign_in_only_where_it_is_on() {
    let app = spawn_app().await;
    let page = app
        .client
        .get(format!("{}/app/dossiers/123/preuves", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200, "the app's own routes answer the page");
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    // The page talks to this service only, and to the bucket where a presigning store
    // receives staged uploads.
    let connect = if app.uses_s3() {
        let endpoint = std::env::var("AWS_ENDPOINT_URL").unwrap_or_default();
        format!("connect-src 'self' {};", endpoint.trim_end_matches('/'))
    } else {
        "connect-src 'self';".to_owned()
    };
    assert!(
        policy.contains("script-src 'self'") && policy.contains(&connect),
        "{policy}"
    );
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("/app/assets/js/main.js")
    );
    let missing = app
        .client
        .get(format!("{}/app/assets/js/nothing.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404, "a missing file is not the page");
    let module = app
        .client
        .get(format!("{}/app/assets/js/main.js", app.address))
        .send()
        .await
        .unwrap();
    assert_eq!(module.status(), 200);
    assert!(
        module.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/javascript")
    );
    let tag = module.headers()["etag"].clone();
    let again = app
        .client
        .get(format!("{}/app/assets/js/main.js", app.address))
        .header("if-none-match", tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);

    let sign_in = |origin: Option<&str>, body: Value| {
        let mut request = app
            .client
            .post(format!("{}/app/dev-sign-in", app.address))
            .json(&body);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let host = app.address.trim_start_matches("http://").to_owned();
    let own = format!("http://{host}");
    let minted = sign_in(Some(&own), json!({ "subject": "alex", "role": "ADVISOR" }))
        .await
        .unwrap();
    assert_eq!(minted.status(), 200);
    let minted: Value = minted.json().await.unwrap();
    let me = app
        .data(
            minted["token"].as_str().unwrap(),
            "{ me { subject roles } }",
            json!({}),
        )
        .await;
    assert_eq!(me["me"], json!({ "subject": "alex", "roles": ["ADVISOR"] }));
    let foreign = sign_in(
        Some("http://evil.example"),
        json!({ "subject": "alex", "role": "ADMIN" }),
    )
    .await
    .unwrap();
    assert_eq!(foreign.status(), 403, "another site may not mint tokens");
    for (body, code) in [
        (
            json!({ "subject": "a b", "role": "ADMIN" }),
            "INVALID_SUBJECT",
        ),
        (json!({ "subject": "alex", "role": "ROOT" }), "INVALID_ROLE"),
        (
            json!({ "subject": "alex", "role": "ADMIN", "name": "x".repeat(81) }),
            "INVALID_NAME",
        ),
    ] {
        let refused = sign_in(Some(&own), body).await.unwrap();
        assert_eq!(refused.status(), 400);
        let refused: Value = refused.json().await.unwrap();
        assert_eq!(refused["code"], code);
    }

    let locked = spawn_app_with(|c| c.dev_sign_in = false).await;
    let settings: Value = locked
        .client
        .get(format!("{}/app/config.json", locked.address))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(settings["devSignIn"], json!(false));
    assert_eq!(settings["oidc"], Value::Null);
    let refused = locked
        .client
        .post(format!("{}/app/dev-sign-in", locked.address))
        .json(&json!({ "subject": "alex", "role": "ADMIN" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
}
