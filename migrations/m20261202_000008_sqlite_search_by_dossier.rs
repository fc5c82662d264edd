//! SQLite's full-text tables learn which dossier each row belongs to, as a token of its own
//! column (`d` and the dossier id in hex; `x` and the experience id for claims):
//!
//! - a search within a few dossiers (a jury member's, one dossier) asks FTS5 for those tokens
//!   together with the words, instead of joining every match of a common word to its dossier:
//!   a jury member's search of "attestation" among 100,000 dossiers read 100,000 matches;
//! - the delete triggers find a row through that token instead of scanning the whole table by
//!   an unindexed id: an advisor's review of one claim rewrote nothing but scanned 1.4 million
//!   claim rows (a second, holding the write lock); updates now touch the full-text rows only
//!   when the searched text or the row's identity changes.
//!
//! The tables are rebuilt from their source rows. PostgreSQL is unchanged (its search vectors
//! are columns of the rows themselves).

use sea_orm_migration::prelude::*;

use super::m20261129_000005_full_text_search::{SQLITE_UP as EARLIER_SQLITE_UP, run, statements};

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Drops the triggers and the tables (the same names before and after this migration).
const SQLITE_DROP: &[&str] = &[
    "DROP TRIGGER evidence_fts_insert",
    "DROP TRIGGER evidence_fts_delete",
    "DROP TRIGGER evidence_fts_update",
    "DROP TRIGGER experience_fts_insert",
    "DROP TRIGGER experience_fts_delete",
    "DROP TRIGGER experience_fts_update",
    "DROP TRIGGER claim_fts_insert",
    "DROP TRIGGER claim_fts_delete",
    "DROP TRIGGER claim_fts_update",
    "DROP TABLE evidence_fts",
    "DROP TABLE experience_fts",
    "DROP TABLE claim_fts",
];

const SQLITE_UP: &[&str] = &[
    "CREATE VIRTUAL TABLE evidence_fts USING fts5(evidence_id UNINDEXED, dossier, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE experience_fts USING fts5(experience_id UNINDEXED, dossier, body, tokenize = 'unicode61 remove_diacritics 2')",
    "CREATE VIRTUAL TABLE claim_fts USING fts5(experience_id UNINDEXED, competence_code UNINDEXED, dossier, experience, body, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO evidence_fts (evidence_id, dossier, body)
        SELECT id, 'd' || hex(dossier_id), title || ' ' || file_name FROM evidence",
    "INSERT INTO experience_fts (experience_id, dossier, body)
        SELECT id, 'd' || hex(dossier_id), title || ' ' || coalesce(description, '') FROM experience",
    "INSERT INTO claim_fts (experience_id, competence_code, dossier, experience, body)
        SELECT c.experience_id, c.competence_code, 'd' || hex(x.dossier_id), 'x' || hex(c.experience_id), coalesce(c.justification, '')
        FROM competence_claim c JOIN experience x ON x.id = c.experience_id",
    "CREATE TRIGGER evidence_fts_insert AFTER INSERT ON evidence BEGIN
        INSERT INTO evidence_fts (evidence_id, dossier, body)
        VALUES (new.id, 'd' || hex(new.dossier_id), new.title || ' ' || new.file_name); END",
    "CREATE TRIGGER evidence_fts_delete AFTER DELETE ON evidence BEGIN
        DELETE FROM evidence_fts WHERE evidence_fts MATCH 'dossier : \"d' || hex(old.dossier_id) || '\"'
        AND evidence_id = old.id; END",
    "CREATE TRIGGER evidence_fts_update AFTER UPDATE OF id, dossier_id, title, file_name ON evidence BEGIN
        DELETE FROM evidence_fts WHERE evidence_fts MATCH 'dossier : \"d' || hex(old.dossier_id) || '\"'
        AND evidence_id = old.id;
        INSERT INTO evidence_fts (evidence_id, dossier, body)
        VALUES (new.id, 'd' || hex(new.dossier_id), new.title || ' ' || new.file_name); END",
    "CREATE TRIGGER experience_fts_insert AFTER INSERT ON experience BEGIN
        INSERT INTO experience_fts (experience_id, dossier, body)
        VALUES (new.id, 'd' || hex(new.dossier_id), new.title || ' ' || coalesce(new.description, '')); END",
    "CREATE TRIGGER experience_fts_delete AFTER DELETE ON experience BEGIN
        DELETE FROM experience_fts WHERE experience_fts MATCH 'dossier : \"d' || hex(old.dossier_id) || '\"'
        AND experience_id = old.id; END",
    "CREATE TRIGGER experience_fts_update AFTER UPDATE OF id, dossier_id, title, description ON experience BEGIN
        DELETE FROM experience_fts WHERE experience_fts MATCH 'dossier : \"d' || hex(old.dossier_id) || '\"'
        AND experience_id = old.id;
        INSERT INTO experience_fts (experience_id, dossier, body)
        VALUES (new.id, 'd' || hex(new.dossier_id), new.title || ' ' || coalesce(new.description, '')); END",
    // A claim's experience may already be gone when a cascade deletes the claim, so the delete
    // finds the row by the experience token, which the claim itself carries.
    "CREATE TRIGGER claim_fts_insert AFTER INSERT ON competence_claim BEGIN
        INSERT INTO claim_fts (experience_id, competence_code, dossier, experience, body)
        VALUES (new.experience_id, new.competence_code,
                'd' || hex((SELECT x.dossier_id FROM experience x WHERE x.id = new.experience_id)),
                'x' || hex(new.experience_id), coalesce(new.justification, '')); END",
    "CREATE TRIGGER claim_fts_delete AFTER DELETE ON competence_claim BEGIN
        DELETE FROM claim_fts WHERE claim_fts MATCH 'experience : \"x' || hex(old.experience_id) || '\"'
        AND competence_code = old.competence_code; END",
    "CREATE TRIGGER claim_fts_update AFTER UPDATE OF experience_id, competence_code, justification ON competence_claim BEGIN
        DELETE FROM claim_fts WHERE claim_fts MATCH 'experience : \"x' || hex(old.experience_id) || '\"'
        AND competence_code = old.competence_code;
        INSERT INTO claim_fts (experience_id, competence_code, dossier, experience, body)
        VALUES (new.experience_id, new.competence_code,
                'd' || hex((SELECT x.dossier_id FROM experience x WHERE x.id = new.experience_id)),
                'x' || hex(new.experience_id), coalesce(new.justification, '')); END",
];

/// Fills the earlier tables (which `m20261129_000005` creates empty) from their source rows.
const SQLITE_DOWN_FILL: &[&str] = &[
    "INSERT INTO evidence_fts (evidence_id, body) SELECT id, title || ' ' || file_name FROM evidence",
    "INSERT INTO experience_fts (experience_id, body) SELECT id, title || ' ' || coalesce(description, '') FROM experience",
    "INSERT INTO claim_fts (experience_id, competence_code, body) SELECT experience_id, competence_code, coalesce(justification, '') FROM competence_claim",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, &[], SQLITE_DROP)).await?;
        run(manager, statements(manager, &[], SQLITE_UP)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, &[], SQLITE_DROP)).await?;
        run(manager, statements(manager, &[], EARLIER_SQLITE_UP)).await?;
        run(manager, statements(manager, &[], SQLITE_DOWN_FILL)).await
    }
}
