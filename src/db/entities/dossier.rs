//! Row of `dossier`; mirrors the migration, never leaves `db/`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "dossier")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub programme_code: String,
    pub programme_version: String,
    pub status: String,
    pub version: i32,
    pub application_date: Date,
    pub status_comment: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub ended_on: Option<Date>,
    pub restricted_on: Option<Date>,
    pub legal_hold_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
