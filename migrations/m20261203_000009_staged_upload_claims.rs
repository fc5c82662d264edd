//! A staged upload is claimed while it is being completed: the bytes are moved from the key
//! clients `PUT` to the evidence key and checked there, and no second completion may move other
//! bytes over them meanwhile. The claim lapses on its own if the completing process dies.

use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("staged_upload"))
                    .add_column(
                        ColumnDef::new(Alias::new("completing_until"))
                            .timestamp_with_time_zone()
                            .null(),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new("staged_upload"))
                    .drop_column(Alias::new("completing_until"))
                    .to_owned(),
            )
            .await
    }
}
