//! SQLite's full-text tables merge two segments of a level as soon as the sweep asks
//! (`usermerge` 2, FTS5's default being 4), so the periodic merge keeps about one segment per
//! level and a search reads a handful of b-trees however many small writes came before.
//! PostgreSQL's GIN indexes merge their pending lists themselves: nothing to do there.

use sea_orm_migration::prelude::*;

use super::m20261129_000005_full_text_search::{run, statements};

#[derive(DeriveMigrationName)]
pub struct Migration;

const SQLITE_UP: &[&str] = &[
    "INSERT INTO evidence_fts(evidence_fts, rank) VALUES ('usermerge', 2)",
    "INSERT INTO experience_fts(experience_fts, rank) VALUES ('usermerge', 2)",
    "INSERT INTO claim_fts(claim_fts, rank) VALUES ('usermerge', 2)",
];

const SQLITE_DOWN: &[&str] = &[
    "INSERT INTO evidence_fts(evidence_fts, rank) VALUES ('usermerge', 4)",
    "INSERT INTO experience_fts(experience_fts, rank) VALUES ('usermerge', 4)",
    "INSERT INTO claim_fts(claim_fts, rank) VALUES ('usermerge', 4)",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, &[], SQLITE_UP)).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, statements(manager, &[], SQLITE_DOWN)).await
    }
}
