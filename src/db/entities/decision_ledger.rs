//! Row of `decision_ledger`; mirrors the migration, never leaves `db/`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "decision_ledger")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub subject: String,
    pub dossier_id: Uuid,
    pub programme_code: String,
    pub programme_version: String,
    pub domain_code: String,
    pub validated: bool,
    pub decided_on: Date,
    pub outcome: String,
    pub recorded_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
