//! Versions of referentials: the version of a qualification's referential (the CAFERUIS of
//! 2004 or of 2022), the version of the programme a prior validation was awarded under (which
//! a newer version's transition table carries over), and the digest of the source an imported
//! programme version was made from (an RNCP fiche), to tell a changed fiche from an unchanged
//! one without reading every stored document.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// (table, column, length).
const COLUMNS: &[(&str, &str, u32)] = &[
    ("qualification", "version", 32),
    ("prior_validation", "programme_version", 32),
    ("programme", "source_checksum", 64),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, length) in COLUMNS {
            manager
                .alter_table(
                    Table::alter()
                        .table(Alias::new(*table))
                        .add_column(
                            ColumnDef::new(Alias::new(*column))
                                .string_len(*length)
                                .null(),
                        )
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (table, column, _) in COLUMNS {
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
