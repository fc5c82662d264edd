//! Row of `competence_claim`; mirrors the migration, never leaves `db/`.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "competence_claim")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub experience_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub competence_code: String,
    pub self_assessment: String,
    pub justification: Option<String>,
    pub advisor_agrees: Option<bool>,
    pub advisor_comment: Option<String>,
    pub reviewed_by: Option<Uuid>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
