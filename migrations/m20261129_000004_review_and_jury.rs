//! What advisors, jury members and admins record: assignments, exemption recommendations,
//! per-domain assessments, the jury decision, and the audit trail of every mutation and every
//! evidence download.

use sea_orm_migration::{prelude::*, schema::*};

use super::m20261129_000001_programmes_and_users::AppUser;
use super::m20261129_000002_dossiers::{cascade, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Assignment::Table)
                    .col(uuid(Assignment::DossierId))
                    .col(uuid(Assignment::UserId))
                    .col(string_len(Assignment::Role, 16))
                    .col(timestamp_with_time_zone(Assignment::CreatedAt))
                    .primary_key(
                        Index::create()
                            .col(Assignment::DossierId)
                            .col(Assignment::UserId)
                            .col(Assignment::Role),
                    )
                    .foreign_key(&mut cascade(Assignment::Table, Assignment::DossierId))
                    .foreign_key(&mut user_fk(Assignment::Table, Assignment::UserId))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_assignment_user",
            Assignment::Table,
            Assignment::UserId,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table(ExemptionRecommendation::Table)
                    .col(uuid(ExemptionRecommendation::DossierId))
                    .col(string_len(ExemptionRecommendation::RuleId, 64))
                    .col(string_len(ExemptionRecommendation::Recommendation, 24))
                    .col(text(ExemptionRecommendation::Rationale))
                    .col(uuid(ExemptionRecommendation::AdvisorId))
                    .col(timestamp_with_time_zone(ExemptionRecommendation::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(ExemptionRecommendation::DossierId)
                            .col(ExemptionRecommendation::RuleId),
                    )
                    .foreign_key(&mut cascade(
                        ExemptionRecommendation::Table,
                        ExemptionRecommendation::DossierId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(DomainAssessment::Table)
                    .col(uuid(DomainAssessment::DossierId))
                    .col(string_len(DomainAssessment::DomainCode, 32))
                    .col(string_len(DomainAssessment::Outcome, 16))
                    .col(text_null(DomainAssessment::Comment))
                    .col(uuid(DomainAssessment::AssessorId))
                    .col(timestamp_with_time_zone(DomainAssessment::UpdatedAt))
                    .primary_key(
                        Index::create()
                            .col(DomainAssessment::DossierId)
                            .col(DomainAssessment::DomainCode),
                    )
                    .foreign_key(&mut cascade(
                        DomainAssessment::Table,
                        DomainAssessment::DossierId,
                    ))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(JuryDecision::Table)
                    .col(pk_uuid(JuryDecision::DossierId))
                    .col(string_len(JuryDecision::Outcome, 16))
                    .col(text(JuryDecision::ValidatedDomainCodes))
                    .col(date(JuryDecision::DecidedOn))
                    .col(text_null(JuryDecision::Comment))
                    .col(uuid(JuryDecision::DecidedBy))
                    .foreign_key(&mut cascade(JuryDecision::Table, JuryDecision::DossierId))
                    .to_owned(),
            )
            .await?;

        // The audit trail outlives what it records (a deleted dossier keeps its history), so it
        // has no foreign keys; it holds ids and action names, never personal data.
        manager
            .create_table(
                Table::create()
                    .table(AuditEvent::Table)
                    .col(pk_uuid(AuditEvent::Id))
                    .col(timestamp_with_time_zone(AuditEvent::At))
                    .col(uuid_null(AuditEvent::ActorId))
                    .col(string_len(AuditEvent::Action, 64))
                    .col(uuid_null(AuditEvent::DossierId))
                    .col(uuid_null(AuditEvent::TargetId))
                    .col(text_null(AuditEvent::Detail))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "ix_audit_event_dossier",
            AuditEvent::Table,
            AuditEvent::DossierId,
        )
        .await?;
        index(
            manager,
            "ix_audit_event_at",
            AuditEvent::Table,
            AuditEvent::At,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            AuditEvent::Table.into_iden(),
            JuryDecision::Table.into_iden(),
            DomainAssessment::Table.into_iden(),
            ExemptionRecommendation::Table.into_iden(),
            Assignment::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}

fn user_fk<T: IntoIden + Copy + 'static, C: IntoIden + 'static>(
    table: T,
    column: C,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .from(table, column)
        .to(AppUser::Table, AppUser::Id)
        .on_delete(ForeignKeyAction::Cascade)
        .to_owned()
}

#[derive(DeriveIden, Clone, Copy)]
enum Assignment {
    Table,
    DossierId,
    UserId,
    Role,
    CreatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum ExemptionRecommendation {
    Table,
    DossierId,
    RuleId,
    Recommendation,
    Rationale,
    AdvisorId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum DomainAssessment {
    Table,
    DossierId,
    DomainCode,
    Outcome,
    Comment,
    AssessorId,
    UpdatedAt,
}

#[derive(DeriveIden, Clone, Copy)]
enum JuryDecision {
    Table,
    DossierId,
    Outcome,
    ValidatedDomainCodes,
    DecidedOn,
    Comment,
    DecidedBy,
}

#[derive(DeriveIden, Clone, Copy)]
enum AuditEvent {
    Table,
    Id,
    At,
    ActorId,
    Action,
    DossierId,
    TargetId,
    Detail,
}
