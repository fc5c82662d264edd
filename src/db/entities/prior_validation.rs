//! Row of `prior_validation`; mirrors the migration, never leaves `db/`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "prior_validation")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub candidate_id: Uuid,
    pub dossier_id: Option<Uuid>,
    pub decision_dossier_id: Option<Uuid>,
    pub programme_code: String,
    pub programme_version: Option<String>,
    pub domain_code: String,
    pub validated_on: Date,
    pub source: String,
    pub verified: bool,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
