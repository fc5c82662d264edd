//! The audit trail: ids and action names only, never personal data. Written through the same
//! connection or transaction as the change it records.

use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::audit_event;
use super::records::AuditRecord;

/// One audited action.
#[derive(Clone, Debug)]
pub struct AuditEntry<'a> {
    pub actor_id: Option<Uuid>,
    pub action: &'a str,
    pub dossier_id: Option<Uuid>,
    pub target_id: Option<Uuid>,
    pub detail: Option<String>,
}

pub async fn record(db: &impl ConnectionTrait, entry: AuditEntry<'_>) -> Result<(), DbErr> {
    let row = audit_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        at: Set(Utc::now()),
        actor_id: Set(entry.actor_id),
        action: Set(entry.action.to_owned()),
        dossier_id: Set(entry.dossier_id),
        target_id: Set(entry.target_id),
        detail: Set(entry.detail),
    };
    audit_event::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn page(
    db: &impl ConnectionTrait,
    dossier_id: Option<Uuid>,
    after: Option<Uuid>,
    limit: u64,
) -> Result<(Vec<AuditRecord>, u64), DbErr> {
    let mut base = audit_event::Entity::find();
    if let Some(dossier_id) = dossier_id {
        base = base.filter(audit_event::Column::DossierId.eq(dossier_id));
    }
    let total = base.clone().count(db).await?;
    let mut query = base;
    if let Some(after) = after {
        query = query.filter(audit_event::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(audit_event::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((
        rows.into_iter()
            .map(|row| AuditRecord {
                id: row.id,
                at: row.at,
                actor_id: row.actor_id,
                action: row.action,
                dossier_id: row.dossier_id,
                target_id: row.target_id,
                detail: row.detail,
            })
            .collect(),
        total,
    ))
}

/// Inserts many audit events as they are (ids and times included), in a few statements; for
/// bulk loads such as `acquis seed`, whose history is dated in the past.
pub async fn record_many(db: &impl ConnectionTrait, events: &[AuditRecord]) -> Result<(), DbErr> {
    // A few hundred rows per statement stays far below every backend's bound-parameter limit.
    const ROWS: usize = 500;
    for chunk in events.chunks(ROWS) {
        let rows = chunk.iter().map(|e| audit_event::ActiveModel {
            id: Set(e.id),
            at: Set(e.at),
            actor_id: Set(e.actor_id),
            action: Set(e.action.clone()),
            dossier_id: Set(e.dossier_id),
            target_id: Set(e.target_id),
            detail: Set(e.detail.clone()),
        });
        audit_event::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
