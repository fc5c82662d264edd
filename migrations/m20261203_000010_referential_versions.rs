//! Versions of referentials on what candidates hold: the version of a qualification's
//! referential (the CAFERUIS of 2004 or of 2022), and the version of the programme a prior
//! validation was awarded under, which a newer version's transition table carries over.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

const COLUMNS: &[(&str, &str)] = &[
    ("qualification", "version"),
    ("prior_validation", "programme_version"),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .add_column(ColumnDef::new(Alias::new(*column)).string_len(32).null())
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .drop_column(Alias::new(*column))
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
