use super::*;
use crate::domain::dossier_status::DossierStatus;

fn scope(everything: bool, own: bool, advised: bool, jury: bool) -> ListScope {
    ListScope {
        everything,
        own,
        advised,
        jury_statuses: if jury {
            vec![DossierStatus::ReadyForJury]
        } else {
            Vec::new()
        },
    }
}

fn request<'a>(scope: &'a ListScope, dossier_id: Option<Uuid>) -> SearchRequest<'a> {
    SearchRequest {
        user_id: Uuid::nil(),
        scope,
        text: "évaluation",
        dossier_id,
        domain_code: None,
        after: None,
        limit: 21,
        gather: 1000,
    }
}

#[test]
fn an_admin_searches_every_dossier_without_a_visibility_filter() {
    let all = scope(true, false, false, false);
    assert_eq!(
        visible_dossiers(&request(&all, None), &mut Sql::default()),
        Some(None)
    );
}

#[test]
fn a_jury_member_searches_assigned_dossiers_in_the_jury_statuses_only() {
    let jury = scope(false, false, false, true);
    let visible = visible_dossiers(&request(&jury, None), &mut Sql::default())
        .unwrap()
        .unwrap();
    assert!(
        visible.contains("a.role = 'JURY'") && visible.contains("d.status IN ('READY_FOR_JURY')"),
        "{visible}"
    );
    assert!(!visible.contains("candidate_id"), "{visible}");
}

#[test]
fn a_scope_that_shows_nothing_searches_nothing() {
    let none = scope(false, false, false, false);
    assert_eq!(
        visible_dossiers(&request(&none, None), &mut Sql::default()),
        None
    );
}

#[test]
fn the_search_text_is_a_closed_string_literal() {
    assert_eq!(
        literal("\"évaluation\"* AND \"diagnostic\"*"),
        "'\"évaluation\"* AND \"diagnostic\"*'"
    );
    assert_eq!(literal("l'eau"), "'l''eau'");
}

#[test]
fn one_dossier_narrows_any_scope() {
    let all = scope(true, false, false, false);
    let mut sql = Sql::default();
    let visible = visible_dossiers(&request(&all, Some(Uuid::nil())), &mut sql)
        .unwrap()
        .unwrap();
    assert_eq!(visible, "SELECT d.id FROM dossier d WHERE d.id = $1");
    assert_eq!(sql.values.len(), 1);
}

/// An application state on a fresh SQLite file, seeded with `dossiers` dossiers.
async fn seeded(dossiers: u64) -> (crate::app::AppState, std::path::PathBuf) {
    use crate::app::seed::{SeedOptions, run};
    use crate::config::{Config, StorageConfig};

    let dir = std::env::temp_dir().join(format!("acquis-search-{}", Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut config = Config::from_lookup(|_| None).unwrap();
    config.database_url = format!("sqlite://{}?mode=rwc", dir.join("search.db").display());
    config.data_dir = dir.clone();
    config.storage = StorageConfig::Memory;
    let state = crate::startup::build_state(
        config,
        b"search-test-secret-0123456789",
        crate::db::Purpose::Serving,
    )
    .await
    .unwrap();
    let options = SeedOptions {
        dossiers,
        experiences: 3,
        files: 2,
        seed: 11,
        batch: 8,
        as_of: chrono::NaiveDate::from_ymd_opt(2026, 6, 30).unwrap(),
    };
    run(&state, &options).await.unwrap();
    (state, dir)
}

fn admin_search<'a>(text: &'a str, scope: &'a ListScope) -> SearchRequest<'a> {
    SearchRequest {
        user_id: Uuid::nil(),
        scope,
        text,
        dossier_id: None,
        domain_code: None,
        after: None,
        limit: 1000,
        gather: 1000,
    }
}

/// Databases created before the dossier tokens get their full-text tables rebuilt from the
/// rows already there; rolled back, the earlier tables are filled again.
#[tokio::test]
async fn the_full_text_tables_are_rebuilt_from_existing_rows_when_migrating() {
    use sea_orm_migration::MigratorTrait;

    let (state, dir) = seeded(12).await;
    let everything = scope(true, false, false, false);
    let words = ["attestation", "diagnostic territorial", "Évaluations"];
    let mut before = Vec::new();
    for text in words {
        before.push(
            search(&state.db, admin_search(text, &everything))
                .await
                .unwrap(),
        );
    }
    assert!(
        before.iter().all(|page| page.total > 0),
        "every word is found"
    );
    crate::migrations::Migrator::down(&state.db, Some(1))
        .await
        .unwrap();
    let earlier = state
        .db
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT count(*) FROM claim_fts WHERE claim_fts MATCH '\"evaluation\"*'",
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index::<i64>(0)
        .unwrap();
    assert!(earlier > 0, "the earlier tables hold the claims again");
    crate::migrations::Migrator::up(&state.db, None)
        .await
        .unwrap();
    for (text, found) in words.into_iter().zip(before) {
        let again = search(&state.db, admin_search(text, &everything))
            .await
            .unwrap();
        assert_eq!(again, found, "{text}");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// SQLite answers a search within a few dossiers by naming them to FTS5, and within many
/// by testing each match's dossier: both must find the same files.
#[tokio::test]
async fn naming_the_dossiers_or_testing_each_match_finds_the_same_files() {
    let (state, dir) = seeded(24).await;
    let advisor = crate::db::users::by_subject(&state.db, "seed-advisor")
        .await
        .unwrap()
        .expect("the seed's advisor")
        .id;
    let advised = scope(false, false, true, false);
    let mut found_some = false;
    for text in [
        "attestation",
        "diagnostic territorial",
        "Évaluations",
        "introuvable",
    ] {
        let mut after = None;
        loop {
            let request = |after| SearchRequest {
                user_id: advisor,
                scope: &advised,
                text,
                dossier_id: None,
                domain_code: None,
                after,
                limit: 7,
                gather: 1000,
            };
            let always = Naming {
                most: 500,
                share: 0,
            };
            let never = Naming { most: 0, share: 0 };
            let named = search_naming(&state.db, request(after), always)
                .await
                .unwrap();
            let tested = search_naming(&state.db, request(after), never)
                .await
                .unwrap();
            let ranked = |page: &SearchPage| {
                page.rows
                    .iter()
                    .map(|(e, score)| (e.id, *score))
                    .collect::<Vec<_>>()
            };
            assert_eq!(ranked(&named), ranked(&tested), "{text} after {after:?}");
            assert_eq!(named.total, tested.total, "{text}");
            found_some |= !named.rows.is_empty();
            match named.rows.last() {
                Some((last, score)) => {
                    after = Some(Ranked {
                        score: *score,
                        id: last.id,
                    })
                }
                None => break,
            }
        }
    }
    assert!(found_some, "the seeded files match the searched words");
    let _ = std::fs::remove_dir_all(dir);
}
