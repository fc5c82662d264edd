//! A dossier is one candidate applying for one programme version. Its children cascade on
//! delete so erasing a dossier (GDPR) never leaves orphans. Prior validations belong to the
//! candidate: those recorded by a jury (dossier_id null, verified) carry over to later dossiers.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261129_000001_programmes_and_users::AppUser;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Dossier::Table)
                    .col(pk_uuid(Dossier::Id))
                    .col(uuid(Dossier::CandidateId))
                    .col(string_len(Dossier::ProgrammeCode, 32))
                    .col(string_len(Dossier::ProgrammeVersion, 32))
                    .col(string_len(Dossier::Status, 24))
                    .col(integer(Dossier::Version))
                    .col(date(Dossier::ApplicationDate))
                    .col(text_null(Dossier::StatusComment))
                    .col(timestamp_with_time_zone(Dossier::CreatedAt))
                    .col(timestamp_with_time_zone(Dossier::UpdatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Dossier::Table, Dossier::CandidateId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_dossier_candidate",
            Dossier::Table,
            Dossier::CandidateId,
        )
        .await?;
        index(
            manager,
            "ix_dossier_status",
            Dossier::Table,
            Dossier::Status,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(Experience::Table)
                    .col(pk_uuid(Experience::Id))
                    .col(uuid(Experience::DossierId))
                    .col(string(Experience::Title))
                    .col(string(Experience::Organisation))
                    .col(string_len(Experience::Kind, 24))
                    .col(date(Experience::StartDate))
                    .col(date_null(Experience::EndDate))
                    .col(integer(Experience::WorkingTimePercent))
                    .col(text_null(Experience::Description))
                    .col(timestamp_with_time_zone(Experience::CreatedAt))
                    .foreign_key(&mut cascade(Experience::Table, Experience::DossierId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_experience_dossier",
            Experience::Table,
            Experience::DossierId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(CompetenceClaim::Table)
                    .col(uuid(CompetenceClaim::ExperienceId))
                    .col(string_len(CompetenceClaim::CompetenceCode, 32))
                    .col(string_len(CompetenceClaim::SelfAssessment, 16))
                    .col(text_null(CompetenceClaim::Justification))
                    .col(boolean_null(CompetenceClaim::AdvisorAgrees))
                    .col(text_null(CompetenceClaim::AdvisorComment))
                    .col(uuid_null(CompetenceClaim::ReviewedBy))
                    .primary_key(
                        Index::create()
                            .col(CompetenceClaim::ExperienceId)
                            .col(CompetenceClaim::CompetenceCode),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(CompetenceClaim::Table, CompetenceClaim::ExperienceId)
                            .to(Experience::Table, Experience::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Qualification::Table)
                    .col(pk_uuid(Qualification::Id))
                    .col(uuid(Qualification::DossierId))
                    .col(string_len(Qualification::Code, 32))
                    .col(string(Qualification::Title))
                    .col(integer_null(Qualification::Level))
                    .col(date_null(Qualification::ObtainedOn))
                    .col(timestamp_with_time_zone(Qualification::CreatedAt))
                    .foreign_key(&mut cascade(Qualification::Table, Qualification::DossierId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_qualification_dossier",
            Qualification::Table,
            Qualification::DossierId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(PriorValidation::Table)
                    .col(pk_uuid(PriorValidation::Id))
                    .col(uuid(PriorValidation::CandidateId))
                    .col(uuid_null(PriorValidation::DossierId))
                    .col(uuid_null(PriorValidation::DecisionDossierId))
                    .col(string_len(PriorValidation::ProgrammeCode, 32))
                    .col(string_len(PriorValidation::DomainCode, 32))
                    .col(date(PriorValidation::ValidatedOn))
                    .col(string(PriorValidation::Source))
                    .col(boolean(PriorValidation::Verified))
                    .col(timestamp_with_time_zone(PriorValidation::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .from(PriorValidation::Table, PriorValidation::CandidateId)
                            .to(AppUser::Table, AppUser::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .foreign_key(&mut cascade(
                        PriorValidation::Table,
                        PriorValidation::DossierId,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_prior_validation_candidate",
            PriorValidation::Table,
            PriorValidation::CandidateId,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            PriorValidation::Table.into_iden(),
            Qualification::Table.into_iden(),
            CompetenceClaim::Table.into_iden(),
            Experience::Table.into_iden(),
            Dossier::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

/// A foreign key to `dossier.id` that deletes the child with its dossier.
pub fn cascade<T: IntoIden + Copy + 'static, C: IntoIden + 'static>(
    table: T,
    column: C,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(Dossier::Table, Dossier::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

pub async fn index<T: IntoIden + 'static, C: IntoIden + 'static>(
    manager: &SchemaManager<'_>,
    name: &str,
    table: T,
    column: C,
) -> Result<(), DbErr> {
    manager
        .create_index(
            Index::create()
                .name(name)
                .table(table)
                .col(column)
                .to_owned(),
        )
        .await
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Dossier {
    Table,
    Id,
    CandidateId,
    ProgrammeCode,
    ProgrammeVersion,
    Status,
    Version,
    ApplicationDate,
    StatusComment,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Experience {
    Table,
    Id,
    DossierId,
    Title,
    Organisation,
    Kind,
    StartDate,
    EndDate,
    WorkingTimePercent,
    Description,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum CompetenceClaim {
    Table,
    ExperienceId,
    CompetenceCode,
    SelfAssessment,
    Justification,
    AdvisorAgrees,
    AdvisorComment,
    ReviewedBy,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum Qualification {
    Table,
    Id,
    DossierId,
    Code,
    Title,
    Level,
    ObtainedOn,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
pub enum PriorValidation {
    Table,
    Id,
    CandidateId,
    DossierId,
    DecisionDossierId,
    ProgrammeCode,
    DomainCode,
    ValidatedOn,
    Source,
    Verified,
    CreatedAt,
}
