//! A list of one status is ordered by id: with the status index alone, SQLite read the 15,000
//! READY_FOR_JURY dossiers of 100,000 and sorted them for each page of 20. Holding the id after
//! the status, the index gives the page in order on both backends.

use sea_orm_migration::prelude::*;

use super::m20261129_000005_full_text_search::run;

#[derive(DeriveMigrationName)]
pub struct Migration;

const UP: &[&str] = &[
    "CREATE INDEX ix_dossier_status_id ON dossier (status, id)",
    "DROP INDEX ix_dossier_status",
];

const DOWN: &[&str] = &[
    "CREATE INDEX ix_dossier_status ON dossier (status)",
    "DROP INDEX ix_dossier_status_id",
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
