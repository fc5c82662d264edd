//! Dossier life cycle: creation, scoped reads and lists, status transitions, assignments.

use chrono::NaiveDate;
use uuid::Uuid;

use super::access::{denial, dossier_for, dossier_tree_for};
use super::pagination::{Page, PageRequest};
use super::{AppState, today};
use crate::db::audit::AuditEntry;
use crate::db::dossier_tree::{DossierTree, TreeRequest};
use crate::db::records::DossierRecord;
use crate::db::{self};
use crate::domain::dossier_status::{DossierStatus, Transition};
use crate::domain::policy::{Action, Actor, authorize, list_scope, may_create_dossier};
use crate::error::{AppError, AppResult};

#[tracing::instrument(skip_all, fields(programme.code = programme_code))]
pub async fn create(
    state: &AppState,
    actor: &Actor,
    programme_code: &str,
    application_date: Option<NaiveDate>,
) -> AppResult<DossierRecord> {
    if !may_create_dossier(actor) {
        return Err(AppError::forbidden("only candidates may create a dossier"));
    }
    let code = programme_code.trim().to_ascii_uppercase();
    let programme = state
        .catalog
        .current(&state.db, &code)
        .await?
        .ok_or_else(|| {
            AppError::invalid(
                &["programmeCode"],
                "UNKNOWN_PROGRAMME",
                format!("no programme has the code {programme_code:?}"),
            )
        })?;
    let application_date =
        super::experiences::past_day(application_date.unwrap_or_else(today), "applicationDate")?;
    let tx = crate::db::begin_write(&state.db).await?;
    let dossier = db::dossiers::create(
        &tx,
        actor.user_id,
        programme.code.as_str(),
        &programme.version,
        application_date,
    )
    .await?;
    audit(&tx, actor, "dossier.created", dossier.id, None).await?;
    tx.commit().await?;
    tracing::info!(dossier.id = %dossier.id, "dossier created");
    Ok(dossier)
}

/// A dossier the actor may read; anything else is `NotFound`.
pub async fn get(state: &AppState, actor: &Actor, id: Uuid) -> AppResult<DossierRecord> {
    Ok(dossier_for(&state.db, actor, id, Action::Read).await?.0)
}

/// [`get`] with what `request` asks for below the dossier, read in the same statement.
pub async fn read(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    request: &TreeRequest,
) -> AppResult<DossierTree> {
    dossier_tree_for(&state.db, actor, id, request).await
}

pub async fn list(
    state: &AppState,
    actor: &Actor,
    status: Option<DossierStatus>,
    page: PageRequest,
) -> AppResult<Page<DossierRecord>> {
    let scope = list_scope(actor);
    let (rows, total) = db::dossiers::list(
        &state.db,
        actor.user_id,
        &scope,
        status,
        page.after,
        page.fetch_limit(),
        page.with_total,
    )
    .await?;
    Ok(Page::from_rows(rows, &page, total))
}

/// Applies a transition the actor is allowed to make, atomically with its version check.
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id, ?transition))]
pub async fn transition(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    transition: Transition,
    comment: Option<&str>,
    expected_version: Option<i32>,
) -> AppResult<DossierRecord> {
    let action = match transition {
        Transition::Submit => Action::Submit,
        Transition::Withdraw => Action::Withdraw,
        Transition::DeclareAdmissible | Transition::DeclareNotAdmissible => {
            Action::DecideAdmissibility
        }
        Transition::MarkReadyForJury => Action::MarkReadyForJury,
        Transition::RecordDecision => Action::RecordDecision,
    };
    let comment = super::experiences::optional_text(comment.map(str::to_owned), "comment", 10_000)?;
    let comment = comment.as_deref();
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, action).await?;
    let next = dossier
        .status
        .apply(transition)
        .map_err(|e| AppError::InvalidTransition(e.to_string()))?;
    if transition == Transition::Submit {
        super::rules::check_ready_to_submit(&tx, state, &dossier).await?;
    }
    db::dossiers::set_status(
        &tx,
        dossier_id,
        dossier.status,
        next,
        comment,
        expected_version,
    )
    .await?;
    audit(&tx, actor, transition_action(transition), dossier_id, None).await?;
    tx.commit().await?;
    tracing::info!(from = %dossier.status, to = %next, "dossier status changed");
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}

fn transition_action(transition: Transition) -> &'static str {
    match transition {
        Transition::Submit => "dossier.submitted",
        Transition::DeclareAdmissible => "dossier.declared_admissible",
        Transition::DeclareNotAdmissible => "dossier.declared_not_admissible",
        Transition::MarkReadyForJury => "dossier.ready_for_jury",
        Transition::RecordDecision => "dossier.decided",
        Transition::Withdraw => "dossier.withdrawn",
    }
}

/// Assigns an advisor or a jury member, named by their token subject.
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id, role))]
pub async fn assign(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    subject: &str,
    role: &'static str,
) -> AppResult<DossierRecord> {
    let subject = subject.trim();
    if subject.is_empty() || subject.len() > 255 || subject.chars().any(char::is_control) {
        return Err(AppError::invalid(
            &["subject"],
            "INVALID_SUBJECT",
            "the subject must be 1 to 255 characters, without control characters",
        ));
    }
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::Assign).await?;
    if dossier.status.is_final() {
        return Err(AppError::InvalidTransition(format!(
            "cannot assign people to a dossier whose status is {}",
            dossier.status
        )));
    }
    let user = db::users::ensure(&tx, subject).await?;
    if user.id == dossier.candidate_id {
        return Err(AppError::invalid(
            &["subject"],
            "SELF_ASSIGNMENT",
            "the candidate cannot review their own dossier",
        ));
    }
    if db::dossiers::assign(&tx, dossier_id, user.id, role).await? {
        db::dossiers::bump_version(&tx, dossier_id, None).await?;
        let action = if role == "ADVISOR" {
            "dossier.advisor_assigned"
        } else {
            "dossier.jury_member_assigned"
        };
        audit(&tx, actor, action, dossier_id, Some(user.id)).await?;
    }
    tx.commit().await?;
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}

/// Erases a dossier, its rows (cascading) and its objects. The audit trail keeps its history.
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<Uuid> {
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::Delete).await?;
    if !actor.has(crate::domain::policy::Role::Admin) && !dossier.status.candidate_may_delete() {
        return Err(AppError::InvalidTransition(format!(
            "a {} dossier cannot be deleted by the candidate; withdraw it first",
            dossier.status
        )));
    }
    db::dossiers::bump_version(&tx, dossier_id, expected_version).await?;
    let keys = db::evidence::object_keys_of_dossier(&tx, dossier_id).await?;
    db::dossiers::delete(&tx, dossier_id).await?;
    audit(&tx, actor, "dossier.deleted", dossier_id, None).await?;
    tx.commit().await?;
    for key in keys
        .iter()
        .filter_map(|k| crate::storage::ObjectKey::parse(k))
    {
        if let Err(err) = state.storage.delete(&key).await {
            tracing::warn!(error = %err, object.key = key.as_str(), "could not delete an object of a deleted dossier; the sweep will");
        }
    }
    tracing::info!("dossier deleted");
    Ok(dossier_id)
}

/// Whether the actor may see the audit trail of a dossier (used by field-level checks).
pub async fn may(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    action: Action,
) -> AppResult<()> {
    let (_, facts) = db::dossiers::facts(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))?;
    authorize(actor, action, &facts).map_err(denial)
}

/// Writes an audit event in the caller's transaction.
pub async fn audit(
    db: &impl sea_orm::ConnectionTrait,
    actor: &Actor,
    action: &str,
    dossier_id: Uuid,
    target_id: Option<Uuid>,
) -> AppResult<()> {
    db::audit::record(
        db,
        AuditEntry {
            actor_id: Some(actor.user_id),
            action,
            dossier_id: Some(dossier_id),
            target_id,
            detail: None,
        },
    )
    .await?;
    Ok(())
}
