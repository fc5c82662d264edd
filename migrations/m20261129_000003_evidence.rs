//! Evidence files. An `evidence` row exists only once its object is fully stored and checked;
//! a staged (direct-to-storage) upload lives in `staged_upload` until it is completed, so a
//! half-done upload is never visible. Links are many-to-many: one file can support several
//! experiences, qualifications, prior validations and competences.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261129_000002_dossiers::{
    Experience, PriorValidation, Qualification, cascade, index,
};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Evidence::Table)
                    .col(pk_uuid(Evidence::Id))
                    .col(uuid(Evidence::DossierId))
                    .col(string_len(Evidence::Kind, 32))
                    .col(string(Evidence::Title))
                    .col(string(Evidence::FileName))
                    .col(string_len(Evidence::ContentType, 128))
                    .col(big_integer(Evidence::Size))
                    .col(string_len(Evidence::Sha256, 64))
                    .col(string(Evidence::ObjectKey))
                    .col(uuid(Evidence::UploadedBy))
                    .col(timestamp_with_time_zone(Evidence::UploadedAt))
                    .foreign_key(&mut cascade(Evidence::Table, Evidence::DossierId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_evidence_dossier",
            Evidence::Table,
            Evidence::DossierId,
        )
        .await?;

        link_table(
            manager,
            EvidenceExperience::Table,
            EvidenceExperience::ExperienceId,
            Experience::Table,
            Experience::Id,
        )
        .await?;
        link_table(
            manager,
            EvidenceQualification::Table,
            EvidenceQualification::QualificationId,
            Qualification::Table,
            Qualification::Id,
        )
        .await?;
        link_table(
            manager,
            EvidencePriorValidation::Table,
            EvidencePriorValidation::PriorValidationId,
            PriorValidation::Table,
            PriorValidation::Id,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(EvidenceCompetence::Table)
                    .col(uuid(EvidenceCompetence::EvidenceId))
                    .col(string_len(EvidenceCompetence::CompetenceCode, 32))
                    .primary_key(
                        Index::create()
                            .col(EvidenceCompetence::EvidenceId)
                            .col(EvidenceCompetence::CompetenceCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(EvidenceCompetence::Table, EvidenceCompetence::EvidenceId)
                            .to(Evidence::Table, Evidence::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(StagedUpload::Table)
                    .col(pk_uuid(StagedUpload::Id))
                    .col(uuid(StagedUpload::DossierId))
                    .col(string_len(StagedUpload::Kind, 32))
                    .col(string(StagedUpload::Title))
                    .col(string(StagedUpload::FileName))
                    .col(big_integer(StagedUpload::ExpectedSize))
                    .col(string_len(StagedUpload::ExpectedSha256, 64))
                    .col(string(StagedUpload::ObjectKey))
                    .col(text(StagedUpload::Links))
                    .col(uuid(StagedUpload::CreatedBy))
                    .col(timestamp_with_time_zone(StagedUpload::CreatedAt))
                    .col(timestamp_with_time_zone(StagedUpload::ExpiresAt))
                    .foreign_key(&mut cascade(StagedUpload::Table, StagedUpload::DossierId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_staged_upload_expires",
            StagedUpload::Table,
            StagedUpload::ExpiresAt,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            StagedUpload::Table.into_iden(),
            EvidenceCompetence::Table.into_iden(),
            EvidencePriorValidation::Table.into_iden(),
            EvidenceQualification::Table.into_iden(),
            EvidenceExperience::Table.into_iden(),
            Evidence::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// `(evidence_id, <target>_id)` with both sides cascading.
async fn link_table<T, C, U, K>(
    manager: &SchemaManager<'_>,
    table: T,
    column: C,
    target: U,
    target_key: K,
) -> Result<(), DbErr>
where
    T: IntoIden + Copy + 'static,
    C: IntoIden + Copy + 'static,
    U: IntoIden + 'static,
    K: IntoIden + 'static,
{
    manager
        .create_table(
            Table::create()
                .table(table)
                .col(uuid(Link::EvidenceId))
                .col(uuid(column))
                .primary_key(Index::create().col(Link::EvidenceId).col(column))
                .foreign_key(
                    ForeignKey::create()
                        .from(table, Link::EvidenceId)
                        .to(Evidence::Table, Evidence::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(table, column)
                        .to(target, target_key)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy)]
enum Link {
    EvidenceId,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Evidence {
    Table,
    Id,
    DossierId,
    Kind,
    Title,
    FileName,
    ContentType,
    Size,
    Sha256,
    ObjectKey,
    UploadedBy,
    UploadedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceExperience {
    Table,
    ExperienceId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceQualification {
    Table,
    QualificationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidencePriorValidation {
    Table,
    PriorValidationId,
}

#[derive(DeriveIden, Clone, Copy)]
enum EvidenceCompetence {
    Table,
    EvidenceId,
    CompetenceCode,
}

#[derive(DeriveIden, Clone, Copy)]
enum StagedUpload {
    Table,
    Id,
    DossierId,
    Kind,
    Title,
    FileName,
    ExpectedSize,
    ExpectedSha256,
    ObjectKey,
    Links,
    CreatedBy,
    CreatedAt,
    ExpiresAt,
}
