//! Referentials are versioned documents: one row per programme version, the validated JSON kept
//! whole because the service reads a referential as one unit and never queries inside it.
//! Users are known by their token subject and created on first sight.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Programme::Table)
                    .col(pk_uuid(Programme::Id))
                    .col(string_len(Programme::Code, 32))
                    .col(string_len(Programme::Version, 32))
                    .col(string(Programme::Title))
                    .col(text(Programme::Document))
                    .col(string_len(Programme::Checksum, 64))
                    .col(boolean(Programme::Current))
                    .col(timestamp_with_time_zone(Programme::LoadedAt))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_programme_code_version")
                    .table(Programme::Table)
                    .col(Programme::Code)
                    .col(Programme::Version)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AppUser::Table)
                    .col(pk_uuid(AppUser::Id))
                    .col(string_len_uniq(AppUser::Subject, 255))
                    .col(string_null(AppUser::DisplayName))
                    .col(string(AppUser::Roles))
                    .col(timestamp_with_time_zone(AppUser::CreatedAt))
                    .col(timestamp_with_time_zone(AppUser::LastSeenAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AppUser::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Programme::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum Programme {
    Table,
    Id,
    Code,
    Version,
    Title,
    Document,
    Checksum,
    Current,
    LoadedAt,
}

#[derive(DeriveIden)]
pub enum AppUser {
    Table,
    Id,
    Subject,
    DisplayName,
    Roles,
    CreatedAt,
    LastSeenAt,
}
