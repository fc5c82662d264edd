//! A person's rights over their data: erasure (GDPR art. 17) by the person or an admin, the
//! restriction of processing (art. 18) that freezes a dossier instead, and the legal hold that
//! stops every erasure while a dispute runs. What the law keeps outlives an erasure under a
//! pseudonym: the per-domain decision ledger and the audit trail with the person replaced.

use uuid::Uuid;

use super::AppState;
use super::access::{denial, dossier_for};
use super::dossiers::audit;
use crate::db::audit::AuditEntry;
use crate::db::records::{DossierRecord, UserRecord};
use crate::db::{self};
use crate::domain::policy::{Action, Actor, authorize, may_act_for_person};
use crate::error::{AppError, AppResult};

/// Longest legal-hold reason.
const REASON_CHARS: usize = 500;

/// What an erasure did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ErasureReport {
    pub dossier_ids: Vec<Uuid>,
    pub deleted_objects: usize,
    /// Ledger rows kept under the pseudonym (one per domain the jury decided on).
    pub ledger_entries: usize,
}

/// What an erasure leaves for later restores: kept in the database and in the object store,
/// whose backups are not the database's.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tombstone {
    pub id: Uuid,
    pub subject: String,
    pub dossier_ids: Vec<Uuid>,
    pub reason: String,
}

/// Copies a committed tombstone to the object store; a failure is logged, the database copy
/// remains.
pub(crate) async fn keep_tombstone(state: &AppState, tombstone: &Tombstone) {
    let record = match serde_json::to_vec(tombstone) {
        Ok(record) => record,
        Err(e) => {
            tracing::error!(error = %e, "tombstone not serialisable");
            return;
        }
    };
    if let Err(e) = state
        .storage
        .put_tombstone(tombstone.id, record.into())
        .await
    {
        tracing::warn!(error = %e, tombstone.id = %tombstone.id, "tombstone kept in the database only");
    }
}

/// The person an export or erasure is about: the actor themselves, or for an admin the user
/// with the token subject `subject`.
pub async fn person_for(
    state: &AppState,
    actor: &Actor,
    subject: Option<&str>,
) -> AppResult<UserRecord> {
    let person = match subject {
        None => db::users::by_ids(&state.db, &[actor.user_id]).await?.pop(),
        Some(subject) => db::users::by_subject(&state.db, subject).await?,
    }
    .ok_or(AppError::NotFound("user"))?;
    if !may_act_for_person(actor, person.id) {
        return Err(AppError::forbidden(
            "only the person themselves or an admin may export or erase a person's data",
        ));
    }
    Ok(person)
}

/// Erases everything held about a person, when no dossier of theirs is under a legal hold:
/// their account, dossiers with every row and file, prior validations and full-text rows.
/// Refused as a whole, changing nothing, when any dossier may not be erased.
#[tracing::instrument(skip_all)]
pub async fn erase_person(
    state: &AppState,
    actor: &Actor,
    subject: Option<&str>,
) -> AppResult<ErasureReport> {
    let person = person_for(state, actor, subject).await?;
    let tx = crate::db::begin_write(&state.db).await?;
    let dossiers = db::personal_data::dossiers_of(&tx, person.id).await?;
    let ids: Vec<Uuid> = dossiers.iter().map(|d| d.id).collect();
    let facts = db::dossiers::facts_many(&tx, &ids).await?;
    for dossier in &dossiers {
        if let Some(facts) = facts.get(&dossier.id) {
            authorize(actor, Action::Erase, facts).map_err(denial)?;
        }
    }
    let stand_in = state.pseudonyms.id(person.id);
    let by = if actor.user_id == person.id {
        stand_in
    } else {
        actor.user_id
    };
    let (mut report, tombstone) = erase_rows(state, &tx, person.id, &dossiers, "REQUEST").await?;
    db::audit::record(
        &tx,
        AuditEntry {
            actor_id: Some(by),
            action: "person.erased",
            dossier_id: None,
            target_id: Some(stand_in),
            detail: Some(format!("{} dossiers", dossiers.len())),
        },
    )
    .await?;
    tx.commit().await?;
    state.actors.forget_user(person.id);
    keep_tombstone(state, &tombstone).await;
    report.deleted_objects = erase_objects(state, &report.dossier_ids).await?;
    tracing::info!(
        erasure.dossiers = report.dossier_ids.len(),
        erasure.objects = report.deleted_objects,
        "person erased"
    );
    Ok(report)
}

/// In the caller's transaction: the ledger of every decided dossier, the audit trail
/// pseudonymised, then the rows deleted and a tombstone written.
pub(crate) async fn erase_rows(
    state: &AppState,
    tx: &impl sea_orm::ConnectionTrait,
    person: Uuid,
    dossiers: &[DossierRecord],
    reason: &str,
) -> AppResult<(ErasureReport, Tombstone)> {
    let subject = state.pseudonyms.subject(person);
    let mut ledger_entries = 0;
    for dossier in dossiers {
        ledger_entries += db::personal_data::record_ledger(tx, &subject, dossier).await?;
    }
    db::personal_data::pseudonymise_audit(tx, person, state.pseudonyms.id(person)).await?;
    db::personal_data::delete_person(tx, person).await?;
    let dossier_ids: Vec<Uuid> = dossiers.iter().map(|d| d.id).collect();
    let id = db::personal_data::insert_tombstone(tx, &subject, &dossier_ids, reason).await?;
    let tombstone = Tombstone {
        id,
        subject,
        dossier_ids: dossier_ids.clone(),
        reason: reason.to_owned(),
    };
    let report = ErasureReport {
        dossier_ids,
        deleted_objects: 0,
        ledger_entries,
    };
    Ok((report, tombstone))
}

/// Deletes the objects of erased dossiers and checks by listing that none is left. The rows
/// are already gone, so an object that survives a failure here is an orphan the sweep removes.
pub(crate) async fn erase_objects(state: &AppState, dossier_ids: &[Uuid]) -> AppResult<usize> {
    let mut deleted = 0;
    for id in dossier_ids {
        deleted += state.storage.erase_dossier(*id).await.map_err(|e| {
            tracing::warn!(error = %e, dossier.id = %id, "objects of an erased dossier remain; the sweep will remove them");
            AppError::StorageUnavailable(e.into())
        })?;
    }
    Ok(deleted)
}

/// Freezes a dossier (GDPR art. 18; `restricted`), asked by the candidate or an admin: it is
/// kept and read, and nothing changes it until an admin lifts the restriction (`!restricted`).
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn set_restriction(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    restricted: bool,
    expected_version: Option<i32>,
) -> AppResult<DossierRecord> {
    let (action, event, unchanged) = if restricted {
        (
            Action::Restrict,
            "dossier.restricted",
            "processing of this dossier is already restricted",
        )
    } else {
        (
            Action::LiftRestriction,
            "dossier.restriction_lifted",
            "processing of this dossier is not restricted",
        )
    };
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, action).await?;
    if dossier.restricted_on.is_some() == restricted {
        return Err(AppError::InvalidTransition(unchanged.to_owned()));
    }
    db::dossiers::bump_version(&tx, dossier_id, expected_version).await?;
    let since = restricted.then(super::today);
    db::personal_data::set_restriction(&tx, dossier_id, since).await?;
    audit(&tx, actor, event, dossier_id, None).await?;
    tx.commit().await?;
    reread(state, dossier_id).await
}

/// Places (`Some(reason)`) or lifts (`None`) a legal hold. Admins only. The reason stays on
/// the dossier, out of the audit trail.
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn legal_hold(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    reason: Option<String>,
    expected_version: Option<i32>,
) -> AppResult<DossierRecord> {
    let reason = reason
        .map(|r| super::experiences::required_text(r, "reason", REASON_CHARS))
        .transpose()?;
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::PlaceLegalHold).await?;
    let action = match (&reason, &dossier.legal_hold) {
        (Some(_), _) => "dossier.legal_hold_placed",
        (None, Some(_)) => "dossier.legal_hold_lifted",
        (None, None) => {
            return Err(AppError::InvalidTransition(
                "this dossier is not under a legal hold".to_owned(),
            ));
        }
    };
    db::dossiers::bump_version(&tx, dossier_id, expected_version).await?;
    db::personal_data::set_legal_hold(&tx, dossier_id, reason.as_deref()).await?;
    audit(&tx, actor, action, dossier_id, None).await?;
    tx.commit().await?;
    reread(state, dossier_id).await
}

async fn reread(state: &AppState, dossier_id: Uuid) -> AppResult<DossierRecord> {
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}
