//! Full-text search over evidence titles and file names, experience titles and descriptions,
//! and claim justifications. PostgreSQL gets expression GIN indexes with the `french`
//! configuration (stemming: "évaluations" finds "évaluation"); SQLite gets FTS5 tables that
//! triggers keep in step with their source rows. This is the one migration whose statements
//! differ by backend, because full-text search is not part of portable SQL.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "CREATE INDEX ix_evidence_search ON evidence USING GIN (to_tsvector('french', title || ' ' || file_name))",
    "CREATE INDEX ix_experience_search ON experience USING GIN (to_tsvector('french', title || ' ' || coalesce(description, '')))",
    "CREATE INDEX ix_claim_search ON competence_claim USING GIN (to_tsvector('french', coalesce(justification, '')))",
];

const POSTGRES_DOWN: &[&str] = &[
    "DROP INDEX ix_evidence_search",
    "DROP INDEX ix_experience_search",
    "DROP INDEX ix_claim_search",
];

pub const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE evidence_fts USING fts5(evidence_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER evidence_fts_insert AFTER INSERT ON evidence BEGIN
        INSERT INTO evidence_fts (evidence_id, body) VALUES (new.id, new.title || ' ' || new.file_name); END",
    "CREATE TRIGGER evidence_fts_delete AFTER DELETE ON evidence BEGIN
        DELETE FROM evidence_fts WHERE evidence_id = old.id; END",
    "CREATE TRIGGER evidence_fts_update AFTER UPDATE ON evidence BEGIN
        DELETE FROM evidence_fts WHERE evidence_id = old.id;
        INSERT INTO evidence_fts (evidence_id, body) VALUES (new.id, new.title || ' ' || new.file_name); END",
    "CREATE VIRTUAL TABLE experience_fts USING fts5(experience_id UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER experience_fts_insert AFTER INSERT ON experience BEGIN
        INSERT INTO experience_fts (experience_id, body) VALUES (new.id, new.title || ' ' || coalesce(new.description, '')); END",
    "CREATE TRIGGER experience_fts_delete AFTER DELETE ON experience BEGIN
        DELETE FROM experience_fts WHERE experience_id = old.id; END",
    "CREATE TRIGGER experience_fts_update AFTER UPDATE ON experience BEGIN
        DELETE FROM experience_fts WHERE experience_id = old.id;
        INSERT INTO experience_fts (experience_id, body) VALUES (new.id, new.title || ' ' || coalesce(new.description, '')); END",
    "CREATE VIRTUAL TABLE claim_fts USING fts5(experience_id UNINDEXED, competence_code UNINDEXED, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE TRIGGER claim_fts_insert AFTER INSERT ON competence_claim BEGIN
        INSERT INTO claim_fts (experience_id, competence_code, body) VALUES (new.experience_id, new.competence_code, coalesce(new.justification, '')); END",
    "CREATE TRIGGER claim_fts_delete AFTER DELETE ON competence_claim BEGIN
        DELETE FROM claim_fts WHERE experience_id = old.experience_id AND competence_code = old.competence_code; END",
    "CREATE TRIGGER claim_fts_update AFTER UPDATE ON competence_claim BEGIN
        DELETE FROM claim_fts WHERE experience_id = old.experience_id AND competence_code = old.competence_code;
        INSERT INTO claim_fts (experience_id, competence_code, body) VALUES (new.experience_id, new.competence_code, coalesce(new.justification, '')); END",
];

const SQLITE_DOWN: &[&str] = &[
    "DROP TABLE claim_fts",
    "DROP TABLE experience_fts",
    "DROP TABLE evidence_fts",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_UP, SQLITE_UP)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_DOWN, SQLITE_DOWN)).await
    }
}

pub fn statements(
    manager: &SchemaManager,
    postgres: &'static [&'static str],
    sqlite: &'static [&'static str],
) -> &'static [&'static str] {
    match manager.get_database_backend() {
        sea_orm::DbBackend::Postgres => postgres,
        _ => sqlite,
    }
}

pub async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    let db = manager.get_connection();
    for statement in statements {
        db.execute_unprepared(statement).await?;
    }
    Ok(())
}
