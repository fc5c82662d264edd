//! PostgreSQL keeps the search vectors in generated columns instead of computing them in the
//! query: with expression indexes, the planner often judged the GIN index dearer than running
//! `to_tsvector` row by row, and a search then took tens of milliseconds on a few hundred
//! dossiers. A stored vector is cheap to test even where the index is not used. SQLite's FTS5
//! tables already hold their terms, so nothing changes there.

use sea_orm_migration::prelude::*;

use super::m20261129_000005_full_text_search::{run, statements};

#[derive(DeriveMigrationName)]
pub struct Migration;

const POSTGRES_UP: &[&str] = &[
    "ALTER TABLE evidence ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('french', title || ' ' || file_name)) STORED",
    "ALTER TABLE experience ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('french', title || ' ' || coalesce(description, ''))) STORED",
    "ALTER TABLE competence_claim ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (to_tsvector('french', coalesce(justification, ''))) STORED",
    "CREATE INDEX ix_evidence_search_vector ON evidence USING GIN (search_vector)",
    "CREATE INDEX ix_experience_search_vector ON experience USING GIN (search_vector)",
    "CREATE INDEX ix_claim_search_vector ON competence_claim USING GIN (search_vector)",
    "DROP INDEX ix_evidence_search",
    "DROP INDEX ix_experience_search",
    "DROP INDEX ix_claim_search",
];

const POSTGRES_DOWN: &[&str] = &[
    "CREATE INDEX ix_evidence_search ON evidence USING GIN (to_tsvector('french', title || ' ' || file_name))",
    "CREATE INDEX ix_experience_search ON experience USING GIN (to_tsvector('french', title || ' ' || coalesce(description, '')))",
    "CREATE INDEX ix_claim_search ON competence_claim USING GIN (to_tsvector('french', coalesce(justification, '')))",
    "ALTER TABLE evidence DROP COLUMN search_vector",
    "ALTER TABLE experience DROP COLUMN search_vector",
    "ALTER TABLE competence_claim DROP COLUMN search_vector",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_UP, &[])).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, POSTGRES_DOWN, &[])).await
    }
}
