//! The life of personal data: when a dossier's path ended (retention counts from there), a
//! restriction (GDPR art. 18) and a legal hold that stop edits or erasure, the decision ledger
//! that outlives an erasure under a pseudonym, and erasure tombstones, which let an erasure be
//! applied again to a database restored from a backup taken before it.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Dossier {
    Table,
    EndedOn,
    RestrictedOn,
    LegalHoldReason,
}

#[derive(DeriveIden)]
enum DecisionLedger {
    Table,
    Id,
    Subject,
    DossierId,
    ProgrammeCode,
    ProgrammeVersion,
    DomainCode,
    Validated,
    DecidedOn,
    Outcome,
    RecordedAt,
}

#[derive(DeriveIden)]
enum ErasureTombstone {
    Table,
    Id,
    Subject,
    DossierIds,
    Reason,
    ErasedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            date_null(Dossier::EndedOn),
            date_null(Dossier::RestrictedOn),
            text_null(Dossier::LegalHoldReason),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Dossier::Table)
                        .add_column(column)
                        .to_owned(),
                )
                .await?;
        }
        // Dossiers that ended before this migration: their last change is when they ended.
        let ended_on = match manager.get_database_backend() {
            sea_orm::DatabaseBackend::Sqlite => "substr(updated_at, 1, 10)",
            _ => "CAST(updated_at AS date)",
        };
        manager
            .get_connection()
            .execute_unprepared(&format!(
                "UPDATE dossier SET ended_on = {ended_on} \
                 WHERE status IN ('DECIDED', 'WITHDRAWN', 'NOT_ADMISSIBLE')"
            ))
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_dossier_ended_on")
                    .table(Dossier::Table)
                    .col(Dossier::EndedOn)
                    .to_owned(),
            )
            .await?;

        // No foreign key: a ledger row must survive the dossier and the person it was about.
        manager
            .create_table(
                Table::create()
                    .table(DecisionLedger::Table)
                    .col(pk_uuid(DecisionLedger::Id))
                    .col(string_len(DecisionLedger::Subject, 64))
                    .col(uuid(DecisionLedger::DossierId))
                    .col(string_len(DecisionLedger::ProgrammeCode, 64))
                    .col(string_len(DecisionLedger::ProgrammeVersion, 32))
                    .col(string_len(DecisionLedger::DomainCode, 64))
                    .col(boolean(DecisionLedger::Validated))
                    .col(date(DecisionLedger::DecidedOn))
                    .col(string_len(DecisionLedger::Outcome, 16))
                    .col(timestamp_with_time_zone(DecisionLedger::RecordedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_decision_ledger_dossier_domain")
                    .table(DecisionLedger::Table)
                    .col(DecisionLedger::DossierId)
                    .col(DecisionLedger::DomainCode)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_decision_ledger_subject")
                    .table(DecisionLedger::Table)
                    .col(DecisionLedger::Subject)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(ErasureTombstone::Table)
                    .col(pk_uuid(ErasureTombstone::Id))
                    .col(string_len(ErasureTombstone::Subject, 64))
                    .col(text(ErasureTombstone::DossierIds))
                    .col(string_len(ErasureTombstone::Reason, 32))
                    .col(timestamp_with_time_zone(ErasureTombstone::ErasedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            ErasureTombstone::Table.into_iden(),
            DecisionLedger::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .drop_index(
                Index::drop()
                    .name("ix_dossier_ended_on")
                    .table(Dossier::Table)
                    .to_owned(),
            )
            .await?;
        for column in [
            Dossier::EndedOn,
            Dossier::RestrictedOn,
            Dossier::LegalHoldReason,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Dossier::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
