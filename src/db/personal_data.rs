//! What the life cycle of personal data reads and writes: a person's dossiers, the decision
//! ledger, pseudonymised audit events, erasure tombstones, restrictions and holds, and the
//! rows retention finds past their time.

use chrono::{NaiveDate, Utc};
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{
    app_user, audit_event, decision_ledger, dossier, erasure_tombstone, prior_validation,
};
use super::records::{AuditRecord, DecisionOutcome, DossierRecord, LedgerRecord};
use crate::domain::dossier_status::DossierStatus;

/// Every dossier of a candidate, oldest first.
pub async fn dossiers_of(
    db: &impl ConnectionTrait,
    person: Uuid,
) -> Result<Vec<DossierRecord>, DbErr> {
    Ok(dossier::Entity::find()
        .filter(dossier::Column::CandidateId.eq(person))
        .order_by_asc(dossier::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(super::dossiers::record)
        .collect())
}

/// Writes the ledger rows of a dossier's decision (one per domain assessed or validated);
/// rows already there are kept. Returns how many the decision has.
pub async fn record_ledger(
    db: &impl ConnectionTrait,
    subject: &str,
    dossier: &DossierRecord,
) -> Result<usize, DbErr> {
    let Some((_, decision)) = super::jury::decisions_of(db, &[dossier.id]).await?.pop() else {
        return Ok(0);
    };
    let mut domains: Vec<(String, bool)> = super::jury::assessments_of(db, &[dossier.id])
        .await?
        .into_iter()
        .map(|(_, a)| {
            (
                a.domain_code.clone(),
                decision.validated_domain_codes.contains(&a.domain_code),
            )
        })
        .collect();
    for code in &decision.validated_domain_codes {
        if !domains.iter().any(|(c, _)| c == code) {
            domains.push((code.clone(), true));
        }
    }
    let rows: Vec<decision_ledger::ActiveModel> = domains
        .iter()
        .map(|(code, validated)| decision_ledger::ActiveModel {
            id: Set(Uuid::now_v7()),
            subject: Set(subject.to_owned()),
            dossier_id: Set(dossier.id),
            programme_code: Set(dossier.programme_code.clone()),
            programme_version: Set(dossier.programme_version.clone()),
            domain_code: Set(code.clone()),
            validated: Set(*validated),
            decided_on: Set(decision.decided_on),
            outcome: Set(decision.outcome.as_str().to_owned()),
            recorded_at: Set(Utc::now()),
        })
        .collect();
    let count = rows.len();
    if !rows.is_empty() {
        use decision_ledger::Column as C;
        decision_ledger::Entity::insert_many(rows)
            .on_conflict(
                OnConflict::columns([C::DossierId, C::DomainCode])
                    .do_nothing()
                    .to_owned(),
            )
            .exec_without_returning(db)
            .await?;
    }
    Ok(count)
}

/// The ledger rows of a pseudonymous subject.
pub async fn ledger_of(
    db: &impl ConnectionTrait,
    subject: &str,
) -> Result<Vec<LedgerRecord>, DbErr> {
    Ok(decision_ledger::Entity::find()
        .filter(decision_ledger::Column::Subject.eq(subject))
        .order_by_asc(decision_ledger::Column::DossierId)
        .order_by_asc(decision_ledger::Column::DomainCode)
        .all(db)
        .await?
        .into_iter()
        .map(|row| LedgerRecord {
            subject: row.subject,
            dossier_id: row.dossier_id,
            programme_code: row.programme_code,
            programme_version: row.programme_version,
            domain_code: row.domain_code,
            validated: row.validated,
            decided_on: row.decided_on,
            outcome: DecisionOutcome::parse(&row.outcome).unwrap_or(DecisionOutcome::Refused),
        })
        .collect())
}

/// Puts `stand_in` wherever the audit trail names `person`, as actor or as target.
pub async fn pseudonymise_audit(
    db: &impl ConnectionTrait,
    person: Uuid,
    stand_in: Uuid,
) -> Result<u64, DbErr> {
    let actor = audit_event::Entity::update_many()
        .col_expr(audit_event::Column::ActorId, Expr::value(stand_in))
        .filter(audit_event::Column::ActorId.eq(person))
        .exec(db)
        .await?;
    let target = audit_event::Entity::update_many()
        .col_expr(audit_event::Column::TargetId, Expr::value(stand_in))
        .filter(audit_event::Column::TargetId.eq(person))
        .exec(db)
        .await?;
    Ok(actor.rows_affected + target.rows_affected)
}

/// Audit events about a person: what they did, what was done to their dossiers (reads of
/// their evidence included) and what named them; in time order.
pub async fn audit_about(
    db: &impl ConnectionTrait,
    person: Uuid,
    dossier_ids: &[Uuid],
) -> Result<Vec<AuditRecord>, DbErr> {
    let mut about = Condition::any()
        .add(audit_event::Column::ActorId.eq(person))
        .add(audit_event::Column::TargetId.eq(person));
    if !dossier_ids.is_empty() {
        about = about.add(audit_event::Column::DossierId.is_in(dossier_ids.iter().copied()));
    }
    Ok(audit_event::Entity::find()
        .filter(about)
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| AuditRecord {
            id: row.id,
            at: row.at,
            actor_id: row.actor_id,
            action: row.action,
            dossier_id: row.dossier_id,
            target_id: row.target_id,
            detail: row.detail,
        })
        .collect())
}

/// Deletes a person's account and what hangs on it: their dossiers with every row below them
/// (cascading; the full-text rows go with them), and their prior validations.
pub async fn delete_person(db: &impl ConnectionTrait, person: Uuid) -> Result<(), DbErr> {
    dossier::Entity::delete_many()
        .filter(dossier::Column::CandidateId.eq(person))
        .exec(db)
        .await?;
    prior_validation::Entity::delete_many()
        .filter(prior_validation::Column::CandidateId.eq(person))
        .exec(db)
        .await?;
    app_user::Entity::delete_by_id(person).exec(db).await?;
    Ok(())
}

/// Records an erasure, so that a restore from an older backup can apply it again; returns
/// the tombstone's id.
pub async fn insert_tombstone(
    db: &impl ConnectionTrait,
    subject: &str,
    dossier_ids: &[Uuid],
    reason: &str,
) -> Result<Uuid, DbErr> {
    let id = Uuid::now_v7();
    let row = erasure_tombstone::ActiveModel {
        id: Set(id),
        subject: Set(subject.to_owned()),
        dossier_ids: Set(dossier_ids
            .iter()
            .map(Uuid::to_string)
            .collect::<Vec<_>>()
            .join(",")),
        reason: Set(reason.to_owned()),
        erased_at: Set(Utc::now()),
    };
    erasure_tombstone::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| id)
}

/// Every tombstone: (subject, erased dossier ids, reason).
pub async fn tombstones(
    db: &impl ConnectionTrait,
) -> Result<Vec<(String, Vec<Uuid>, String)>, DbErr> {
    Ok(erasure_tombstone::Entity::find()
        .order_by_asc(erasure_tombstone::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let ids = row
                .dossier_ids
                .split(',')
                .filter_map(|id| Uuid::try_parse(id).ok())
                .collect();
            (row.subject, ids, row.reason)
        })
        .collect())
}

/// Every user id, a page at a time (the caller compares their pseudonyms with tombstones).
pub async fn user_ids_page(
    db: &impl ConnectionTrait,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    let mut query = app_user::Entity::find();
    if let Some(after) = after {
        query = query.filter(app_user::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(app_user::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(|u| u.id)
        .collect())
}

pub async fn set_restriction(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    since: Option<NaiveDate>,
) -> Result<(), DbErr> {
    dossier::Entity::update_many()
        .col_expr(dossier::Column::RestrictedOn, Expr::value(since))
        .filter(dossier::Column::Id.eq(dossier_id))
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn set_legal_hold(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    reason: Option<&str>,
) -> Result<(), DbErr> {
    dossier::Entity::update_many()
        .col_expr(
            dossier::Column::LegalHoldReason,
            Expr::value(reason.map(str::to_owned)),
        )
        .filter(dossier::Column::Id.eq(dossier_id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Dossiers that may be past their time on `today`, neither restricted nor held: ended before
/// `ended_before`, or drafts unchanged since before `draft_before`. The caller asks the
/// retention policy about each one.
pub async fn retention_candidates(
    db: &impl ConnectionTrait,
    ended_before: NaiveDate,
    draft_before: NaiveDate,
    after: Option<Uuid>,
    limit: u64,
) -> Result<Vec<DossierRecord>, DbErr> {
    let finals: Vec<&str> = DossierStatus::ALL
        .into_iter()
        .filter(|s| s.is_final())
        .map(DossierStatus::as_str)
        .collect();
    let draft_cutoff = draft_before
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let mut query = dossier::Entity::find()
        .filter(
            Condition::any()
                .add(
                    Condition::all()
                        .add(dossier::Column::Status.is_in(finals))
                        .add(dossier::Column::EndedOn.lt(ended_before)),
                )
                .add(
                    Condition::all()
                        .add(dossier::Column::Status.eq(DossierStatus::Draft.as_str()))
                        .add(dossier::Column::UpdatedAt.lt(draft_cutoff)),
                ),
        )
        .filter(dossier::Column::RestrictedOn.is_null())
        .filter(dossier::Column::LegalHoldReason.is_null());
    if let Some(after) = after {
        query = query.filter(dossier::Column::Id.gt(after));
    }
    Ok(query
        .order_by_asc(dossier::Column::Id)
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(super::dossiers::record)
        .collect())
}

/// Candidates with no dossier left whose account has been idle since before `idle_before`.
pub async fn idle_candidates_without_dossier(
    db: &impl ConnectionTrait,
    idle_before: chrono::DateTime<Utc>,
    limit: u64,
) -> Result<Vec<Uuid>, DbErr> {
    let rows = app_user::Entity::find()
        .filter(app_user::Column::LastSeenAt.lt(idle_before))
        .filter(app_user::Column::Roles.eq("CANDIDATE"))
        .filter(
            app_user::Column::Id.not_in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(dossier::Column::CandidateId)
                    .from(dossier::Entity)
                    .to_owned(),
            ),
        )
        .order_by_asc(app_user::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|u| u.id).collect())
}

/// Audit events before `cutoff`: counted, or deleted.
pub async fn count_audit_before(
    db: &impl ConnectionTrait,
    cutoff: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    audit_event::Entity::find()
        .filter(audit_event::Column::At.lt(cutoff))
        .count(db)
        .await
}

pub async fn delete_audit_before(
    db: &impl ConnectionTrait,
    cutoff: chrono::DateTime<Utc>,
) -> Result<u64, DbErr> {
    Ok(audit_event::Entity::delete_many()
        .filter(audit_event::Column::At.lt(cutoff))
        .exec(db)
        .await?
        .rows_affected)
}
