//! Dossiers: creation, reads, the scoped list, optimistic versioning and status changes.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{assignment, dossier};
use super::records::DossierRecord;
use crate::domain::dossier_status::DossierStatus;
use crate::domain::policy::{DossierFacts, ListScope};
use crate::error::{AppError, AppResult};

pub async fn create(
    db: &impl ConnectionTrait,
    candidate_id: Uuid,
    programme_code: &str,
    programme_version: &str,
    application_date: NaiveDate,
) -> Result<DossierRecord, DbErr> {
    let now = Utc::now();
    let row = dossier::Model {
        id: Uuid::now_v7(),
        candidate_id,
        programme_code: programme_code.to_owned(),
        programme_version: programme_version.to_owned(),
        status: DossierStatus::Draft.as_str().to_owned(),
        version: 1,
        application_date,
        status_comment: None,
        created_at: now,
        updated_at: now,
        ended_on: None,
        restricted_on: None,
        legal_hold_reason: None,
    };
    dossier::Entity::insert(dossier::ActiveModel::from(row.clone()))
        .exec_without_returning(db)
        .await?;
    Ok(record(row))
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<DossierRecord>, DbErr> {
    Ok(dossier::Entity::find_by_id(id).one(db).await?.map(record))
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<DossierRecord>, DbErr> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

/// A dossier with the assignments the policy needs, in one statement.
pub async fn facts(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<(DossierRecord, DossierFacts)>, DbErr> {
    let tree =
        super::dossier_tree::read(db, id, &super::dossier_tree::TreeRequest::default()).await?;
    Ok(tree.map(|t| (t.dossier, t.facts)))
}

/// [`facts`] of many dossiers in two queries; missing dossiers are absent from the map.
pub async fn facts_many(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> Result<std::collections::HashMap<Uuid, DossierFacts>, DbErr> {
    let dossiers = by_ids(db, ids).await?;
    let assignments = assignment::Entity::find()
        .filter(assignment::Column::DossierId.is_in(ids.iter().copied()))
        .all(db)
        .await?;
    Ok(dossiers
        .into_iter()
        .map(|d| {
            let ids_for = |role: &str| {
                assignments
                    .iter()
                    .filter(|a| a.dossier_id == d.id && a.role == role)
                    .map(|a| a.user_id)
                    .collect()
            };
            let facts = DossierFacts {
                candidate_id: d.candidate_id,
                status: d.status,
                advisor_ids: ids_for("ADVISOR"),
                jury_ids: ids_for("JURY"),
                restricted: d.restricted_on.is_some(),
                legal_hold: d.legal_hold.is_some(),
            };
            (d.id, facts)
        })
        .collect())
}

/// One page of the dossiers a scope shows, ordered by id (ids are time-ordered UUIDv7), and
/// the total count.
pub async fn list(
    db: &impl ConnectionTrait,
    user_id: Uuid,
    scope: &ListScope,
    status: Option<DossierStatus>,
    after: Option<Uuid>,
    limit: u64,
    with_total: bool,
) -> Result<(Vec<DossierRecord>, u64), DbErr> {
    let mut filter = Condition::all().add(visible(user_id, scope));
    if let Some(status) = status {
        filter = filter.add(dossier::Column::Status.eq(status.as_str()));
    }
    let total = if !with_total {
        0
    } else if scope.everything {
        maintained_count(db, status).await?
    } else {
        dossier::Entity::find()
            .filter(filter.clone())
            .count(db)
            .await?
    };
    let mut query = dossier::Entity::find().filter(filter);
    if let Some(after) = after {
        query = query.filter(dossier::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(dossier::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(record).collect(), total))
}

/// Every dossier, or those of one status, from the counts the triggers of `dossier_count`
/// keep: a few rows to add up instead of the whole table to scan.
async fn maintained_count(
    db: &impl ConnectionTrait,
    status: Option<DossierStatus>,
) -> Result<u64, DbErr> {
    let backend = db.get_database_backend();
    let statement = match status {
        Some(status) => sea_orm::Statement::from_sql_and_values(
            backend,
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM dossier_count WHERE status = $1",
            [status.as_str().into()],
        ),
        None => sea_orm::Statement::from_string(
            backend,
            "SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS n FROM dossier_count",
        ),
    };
    let n: i64 = db
        .query_one_raw(statement)
        .await?
        .map(|row| row.try_get("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

/// The dossiers a scope shows, as a filter on `dossier`.
pub fn visible(user_id: Uuid, scope: &ListScope) -> Condition {
    let mut visible = Condition::any();
    if scope.everything {
        visible = visible.add(Expr::cust("1 = 1"));
    }
    if scope.own {
        visible = visible.add(dossier::Column::CandidateId.eq(user_id));
    }
    if scope.advised {
        visible = visible.add(dossier::Column::Id.in_subquery(assigned(user_id, "ADVISOR")));
    }
    if !scope.jury_statuses.is_empty() {
        visible = visible.add(
            Condition::all()
                .add(dossier::Column::Id.in_subquery(assigned(user_id, "JURY")))
                .add(dossier::Column::Status.is_in(scope.jury_statuses.iter().map(|s| s.as_str()))),
        );
    }
    visible
}

fn assigned(user_id: Uuid, role: &str) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(assignment::Column::DossierId)
        .from(assignment::Entity)
        .and_where(assignment::Column::UserId.eq(user_id))
        .and_where(assignment::Column::Role.eq(role))
        .to_owned()
}

/// Bumps the dossier's version, refusing when the caller's `expected` version is stale.
/// Run inside the transaction of the change it guards, so the check and the change are atomic.
pub async fn bump_version(
    db: &impl ConnectionTrait,
    id: Uuid,
    expected: Option<i32>,
) -> AppResult<i32> {
    let mut update = dossier::Entity::update_many()
        .col_expr(
            dossier::Column::Version,
            Expr::col(dossier::Column::Version).add(1),
        )
        .col_expr(dossier::Column::UpdatedAt, Expr::value(Utc::now()))
        .filter(dossier::Column::Id.eq(id));
    if let Some(expected) = expected {
        update = update.filter(dossier::Column::Version.eq(expected));
    }
    let result = update.exec(db).await?;
    let current = get(db, id).await?.ok_or(AppError::NotFound("dossier"))?;
    match expected {
        Some(expected) if result.rows_affected == 0 => Err(AppError::StaleVersion {
            expected,
            actual: current.version,
        }),
        _ => Ok(current.version),
    }
}

/// Changes the status (after the transition table allowed it) and bumps the version.
pub async fn set_status(
    db: &impl ConnectionTrait,
    id: Uuid,
    from: DossierStatus,
    to: DossierStatus,
    comment: Option<&str>,
    expected: Option<i32>,
) -> AppResult<()> {
    bump_version(db, id, expected).await?;
    let mut update = dossier::Entity::update_many()
        .col_expr(dossier::Column::Status, Expr::value(to.as_str()))
        .filter(dossier::Column::Id.eq(id))
        .filter(dossier::Column::Status.eq(from.as_str()));
    if let Some(comment) = comment {
        update = update.col_expr(dossier::Column::StatusComment, Expr::value(comment));
    }
    if to.is_final() {
        update = update.col_expr(dossier::Column::EndedOn, Expr::value(crate::app::today()));
    }
    let result = update.exec(db).await?;
    if result.rows_affected == 0 {
        // Someone changed the status between our read and this write.
        let current = get(db, id).await?.ok_or(AppError::NotFound("dossier"))?;
        return Err(AppError::StaleVersion {
            expected: expected.unwrap_or(current.version - 1),
            actual: current.version,
        });
    }
    Ok(())
}

pub async fn assign(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    user_id: Uuid,
    role: &str,
) -> Result<bool, DbErr> {
    let existing = assignment::Entity::find_by_id((dossier_id, user_id, role.to_owned()))
        .one(db)
        .await?;
    if existing.is_some() {
        return Ok(false);
    }
    let row = assignment::ActiveModel {
        dossier_id: Set(dossier_id),
        user_id: Set(user_id),
        role: Set(role.to_owned()),
        created_at: Set(Utc::now()),
    };
    assignment::Entity::insert(row)
        .exec_without_returning(db)
        .await?;
    Ok(true)
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    dossier::Entity::delete_by_id(id).exec(db).await.map(|_| ())
}

pub(super) fn record(row: dossier::Model) -> DossierRecord {
    DossierRecord {
        id: row.id,
        candidate_id: row.candidate_id,
        programme_code: row.programme_code,
        programme_version: row.programme_version,
        // Only this module writes the column, always from `DossierStatus::as_str`.
        status: DossierStatus::parse(&row.status).unwrap_or(DossierStatus::Draft),
        version: row.version,
        application_date: row.application_date,
        status_comment: row.status_comment,
        created_at: row.created_at,
        updated_at: row.updated_at,
        ended_on: row.ended_on,
        restricted_on: row.restricted_on,
        legal_hold: row.legal_hold_reason,
    }
}

/// Inserts many dossiers as they are (status, version and dates included), in a few
/// statements; for bulk loads such as `acquis seed`.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    dossiers: &[DossierRecord],
) -> Result<(), DbErr> {
    // A few hundred rows per statement stays far below every backend's bound-parameter limit.
    const ROWS: usize = 500;
    for chunk in dossiers.chunks(ROWS) {
        let rows = chunk.iter().map(|d| dossier::ActiveModel {
            id: Set(d.id),
            candidate_id: Set(d.candidate_id),
            programme_code: Set(d.programme_code.clone()),
            programme_version: Set(d.programme_version.clone()),
            status: Set(d.status.as_str().to_owned()),
            version: Set(d.version),
            application_date: Set(d.application_date),
            status_comment: Set(d.status_comment.clone()),
            created_at: Set(d.created_at),
            updated_at: Set(d.updated_at),
            ended_on: Set(d.ended_on),
            restricted_on: Set(d.restricted_on),
            legal_hold_reason: Set(d.legal_hold.clone()),
        });
        dossier::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
