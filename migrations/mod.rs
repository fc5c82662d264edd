//! Database migrations, written with sea-orm-migration's schema builder so the same files run
//! unchanged on SQLite and PostgreSQL. One file per migration: its file name is its identity.

use sea_orm_migration::prelude::*;

mod m20261129_000001_programmes_and_users;
mod m20261129_000002_dossiers;
mod m20261129_000003_evidence;
mod m20261129_000004_review_and_jury;
mod m20261129_000005_full_text_search;
mod m20261202_000006_link_indexes;
mod m20261202_000007_stored_search_vectors;
mod m20261202_000008_sqlite_search_by_dossier;
mod m20261203_000009_staged_upload_claims;
mod m20261203_000010_referential_versions;
mod m20261203_000011_personal_data_lifecycle;
mod m20261203_000012_dossier_counts;
mod m20261204_000013_search_segment_merging;
mod m20261204_000014_dossier_status_then_id;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        let migrations: Vec<Box<dyn MigrationTrait>> = vec![
            Box::new(m20261129_000001_programmes_and_users::Migration),
            Box::new(m20261129_000002_dossiers::Migration),
            Box::new(m20261129_000003_evidence::Migration),
            Box::new(m20261129_000004_review_and_jury::Migration),
            Box::new(m20261129_000005_full_text_search::Migration),
            Box::new(m20261202_000006_link_indexes::Migration),
            Box::new(m20261202_000007_stored_search_vectors::Migration),
            Box::new(m20261202_000008_sqlite_search_by_dossier::Migration),
            Box::new(m20261203_000009_staged_upload_claims::Migration),
            Box::new(m20261203_000010_referential_versions::Migration),
            Box::new(m20261203_000011_personal_data_lifecycle::Migration),
            Box::new(m20261203_000012_dossier_counts::Migration),
            Box::new(m20261204_000013_search_segment_merging::Migration),
            Box::new(m20261204_000014_dossier_status_then_id::Migration),
        ];
        migrations
            .into_iter()
            .map(|migration| Box::new(Atomic(migration)) as Box<dyn MigrationTrait>)
            .collect()
    }
}

/// A migration applied in one transaction with its record, on SQLite too, where sea-orm's
/// default is none: a process stopped half-way through a migration that rebuilds tables would
/// otherwise leave them dropped, the migration unrecorded, and every later start failing on
/// the objects it can no longer drop. SQLite's DDL, FTS5 tables included, is transactional.
struct Atomic(Box<dyn MigrationTrait>);

impl MigrationName for Atomic {
    fn name(&self) -> &str {
        self.0.name()
    }
}

#[async_trait::async_trait]
impl MigrationTrait for Atomic {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.up(manager).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        self.0.down(manager).await
    }

    fn use_transaction(&self) -> Option<bool> {
        Some(true)
    }
}
