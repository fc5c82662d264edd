//! Referential documents, one row per programme version.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use super::entities::programme;

/// A stored referential: its JSON document and identity.
#[derive(Clone, Debug)]
pub struct StoredProgramme {
    pub code: String,
    pub version: String,
    pub document: String,
    pub checksum: String,
    pub current: bool,
}

/// What `save` did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SaveOutcome {
    Inserted,
    Updated,
    Unchanged,
}

/// Inserts or updates a programme version and makes it the current one for its code.
/// Saving the same document twice changes nothing.
pub async fn save(
    db: &impl ConnectionTrait,
    code: &str,
    version: &str,
    title: &str,
    document: &str,
) -> Result<SaveOutcome, DbErr> {
    let checksum = hex::encode(Sha256::digest(document.as_bytes()));
    let existing = programme::Entity::find()
        .filter(programme::Column::Code.eq(code))
        .filter(programme::Column::Version.eq(version))
        .one(db)
        .await?;
    let outcome = match existing {
        Some(row) if row.checksum == checksum && row.current => return Ok(SaveOutcome::Unchanged),
        Some(row) => {
            let mut active: programme::ActiveModel = row.into();
            active.document = Set(document.to_owned());
            active.title = Set(title.to_owned());
            active.checksum = Set(checksum);
            active.loaded_at = Set(Utc::now());
            programme::Entity::update(active).exec(db).await?;
            SaveOutcome::Updated
        }
        None => {
            let row = programme::ActiveModel {
                id: Set(Uuid::now_v7()),
                code: Set(code.to_owned()),
                version: Set(version.to_owned()),
                title: Set(title.to_owned()),
                document: Set(document.to_owned()),
                checksum: Set(checksum),
                current: Set(false),
                loaded_at: Set(Utc::now()),
            };
            programme::Entity::insert(row)
                .exec_without_returning(db)
                .await?;
            SaveOutcome::Inserted
        }
    };
    programme::Entity::update_many()
        .col_expr(
            programme::Column::Current,
            sea_orm::sea_query::ExprTrait::eq(
                sea_orm::sea_query::Expr::col(programme::Column::Version),
                version,
            ),
        )
        .filter(programme::Column::Code.eq(code))
        .exec(db)
        .await?;
    Ok(outcome)
}

pub async fn all(db: &impl ConnectionTrait) -> Result<Vec<StoredProgramme>, DbErr> {
    Ok(programme::Entity::find()
        .order_by_asc(programme::Column::Code)
        .order_by_asc(programme::Column::Version)
        .all(db)
        .await?
        .into_iter()
        .map(|row| StoredProgramme {
            code: row.code,
            version: row.version,
            document: row.document,
            checksum: row.checksum,
            current: row.current,
        })
        .collect())
}
