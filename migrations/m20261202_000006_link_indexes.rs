//! Indexes on the foreign keys that had none: reading the files of an experience (the jury
//! read) or of a qualification scanned the whole link table, and so did every cascade that
//! deletes an experience, a qualification, a prior validation or a dossier's staged uploads.

use sea_orm_migration::prelude::*;

use super::m20261129_000002_dossiers::index;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (index, table, column), each on a foreign key column that is not the first of an index.
const INDEXES: &[(&str, &str, &str)] = &[
    (
        "ix_evidence_experience_experience",
        "evidence_experience",
        "experience_id",
    ),
    (
        "ix_evidence_qualification_qualification",
        "evidence_qualification",
        "qualification_id",
    ),
    (
        "ix_evidence_prior_validation_prior_validation",
        "evidence_prior_validation",
        "prior_validation_id",
    ),
    (
        "ix_prior_validation_dossier",
        "prior_validation",
        "dossier_id",
    ),
    ("ix_staged_upload_dossier", "staged_upload", "dossier_id"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, column) in INDEXES {
            index(manager, name, Alias::new(*table), Alias::new(*column)).await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (name, table, _) in INDEXES {
            manager
                .drop_index(
                    Index::drop()
                        .name(*name)
                        .table(Alias::new(*table))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
