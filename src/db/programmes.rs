//! Referential documents, one row per programme version.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
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
    source_checksum: Option<&str>,
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
            active.source_checksum = Set(source_checksum.map(str::to_owned));
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
                source_checksum: Set(source_checksum.map(str::to_owned)),
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

fn stored(row: programme::Model) -> StoredProgramme {
    StoredProgramme {
        code: row.code,
        version: row.version,
        document: row.document,
        checksum: row.checksum,
        current: row.current,
    }
}

/// One version of a programme.
pub async fn get(
    db: &impl ConnectionTrait,
    code: &str,
    version: &str,
) -> Result<Option<StoredProgramme>, DbErr> {
    Ok(programme::Entity::find()
        .filter(programme::Column::Code.eq(code))
        .filter(programme::Column::Version.eq(version))
        .one(db)
        .await?
        .map(stored))
}

/// The current version of `code` and its checksum, without the document.
pub async fn current_of(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Option<(String, String)>, DbErr> {
    programme::Entity::find()
        .select_only()
        .column(programme::Column::Version)
        .column(programme::Column::Checksum)
        .filter(programme::Column::Code.eq(code))
        .filter(programme::Column::Current.eq(true))
        .into_tuple::<(String, String)>()
        .one(db)
        .await
}

/// Current versions by code, after `after` (exclusive), at most `limit`, those whose code or
/// title contains `search` (case-insensitive) when given.
pub async fn current_page(
    db: &impl ConnectionTrait,
    after: Option<&str>,
    limit: u64,
    search: Option<&str>,
) -> Result<Vec<StoredProgramme>, DbErr> {
    use sea_orm::ExprTrait;
    use sea_orm::sea_query::{Expr, Func};
    let mut query = programme::Entity::find()
        .filter(programme::Column::Current.eq(true))
        .order_by_asc(programme::Column::Code)
        .limit(limit);
    if let Some(after) = after {
        query = query.filter(programme::Column::Code.gt(after));
    }
    if let Some(search) = search.map(str::trim).filter(|s| !s.is_empty()) {
        let pattern = format!(
            "%{}%",
            search
                .to_lowercase()
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_")
        );
        let lower = |column| Expr::expr(Func::lower(Expr::col(column)));
        query = query.filter(
            sea_orm::Condition::any()
                .add(
                    lower(programme::Column::Code)
                        .like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')),
                )
                .add(
                    lower(programme::Column::Title)
                        .like(sea_orm::sea_query::LikeExpr::new(&pattern).escape('\\')),
                ),
        );
    }
    Ok(query.all(db).await?.into_iter().map(stored).collect())
}

/// Current versions in code order, `limit` from `offset`, with the time each was stored;
/// and how many there are.
pub async fn current_window(
    db: &impl ConnectionTrait,
    offset: u64,
    limit: u64,
) -> Result<(Vec<(StoredProgramme, chrono::DateTime<Utc>)>, u64), DbErr> {
    use sea_orm::PaginatorTrait;
    let query = programme::Entity::find()
        .filter(programme::Column::Current.eq(true))
        .order_by_asc(programme::Column::Code);
    let total = query.clone().count(db).await?;
    let rows = query
        .offset(offset)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let at = row.loaded_at;
            (stored(row), at)
        })
        .collect();
    Ok((rows, total))
}

/// Every stored (code, version) with the time it was stored.
pub async fn all_versions(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, String, chrono::DateTime<Utc>)>, DbErr> {
    programme::Entity::find()
        .select_only()
        .column(programme::Column::Code)
        .column(programme::Column::Version)
        .column(programme::Column::LoadedAt)
        .into_tuple::<(String, String, chrono::DateTime<Utc>)>()
        .all(db)
        .await
}

/// The current version and source digest of each of `codes` that has one.
pub async fn current_sources(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> Result<Vec<(String, String, Option<String>)>, DbErr> {
    programme::Entity::find()
        .select_only()
        .column(programme::Column::Code)
        .column(programme::Column::Version)
        .column(programme::Column::SourceChecksum)
        .filter(programme::Column::Current.eq(true))
        .filter(programme::Column::Code.is_in(codes.iter().cloned()))
        .into_tuple::<(String, String, Option<String>)>()
        .all(db)
        .await
}

/// Whether `code` already has a version `version`.
pub async fn has_version(
    db: &impl ConnectionTrait,
    code: &str,
    version: &str,
) -> Result<bool, DbErr> {
    Ok(programme::Entity::find()
        .select_only()
        .column(programme::Column::Id)
        .filter(programme::Column::Code.eq(code))
        .filter(programme::Column::Version.eq(version))
        .into_tuple::<uuid::Uuid>()
        .one(db)
        .await?
        .is_some())
}

/// Every version of `code`, oldest first: (version, current, loaded at).
pub async fn versions_of(
    db: &impl ConnectionTrait,
    code: &str,
) -> Result<Vec<(String, bool, chrono::DateTime<Utc>)>, DbErr> {
    programme::Entity::find()
        .select_only()
        .column(programme::Column::Version)
        .column(programme::Column::Current)
        .column(programme::Column::LoadedAt)
        .filter(programme::Column::Code.eq(code))
        .order_by_asc(programme::Column::LoadedAt)
        .into_tuple::<(String, bool, chrono::DateTime<Utc>)>()
        .all(db)
        .await
}
