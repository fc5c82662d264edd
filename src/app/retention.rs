//! Applies the retention policy: dossiers past their time are erased (their decisions stay in
//! the pseudonymised ledger), candidates' accounts left without any dossier go once idle for
//! as long, and audit events older than their period are deleted. Restricted dossiers and
//! dossiers under a legal hold are never touched. `dry_run` lists what would go and changes
//! nothing.

use chrono::{Months, NaiveDate};
use uuid::Uuid;

use super::AppState;
use super::personal_data::{Tombstone, erase_objects, erase_rows, keep_tombstone};
use crate::db::audit::AuditEntry;
use crate::db::{self};
use crate::domain::dossier_status::DossierStatus;
use crate::domain::retention::Expiry;
use crate::error::AppResult;

const PAGE: u64 = 200;

/// The reason of a tombstone that erased one dossier and not its candidate's account.
const DOSSIER_ONLY: &str = "RETENTION_DOSSIER";

/// A dossier past its time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expired {
    pub dossier_id: Uuid,
    pub status: DossierStatus,
    pub expiry: Expiry,
    pub retained_until: NaiveDate,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub dossiers: Vec<Expired>,
    /// Candidates' accounts with no dossier left, idle past the draft period.
    pub accounts: usize,
    pub audit_events: u64,
    pub audit_cutoff: Option<NaiveDate>,
    pub deleted_objects: usize,
}

pub async fn apply(
    state: &AppState,
    today: NaiveDate,
    dry_run: bool,
) -> AppResult<RetentionReport> {
    let policy = state.config.retention;
    let before = |months: u32| {
        today
            .checked_sub_months(Months::new(months))
            .unwrap_or(NaiveDate::MIN)
    };
    let (ended_before, draft_before) =
        (before(policy.after_end_months), before(policy.draft_months));
    let mut report = RetentionReport {
        dry_run,
        ..RetentionReport::default()
    };
    let mut after = None;
    loop {
        let page = db::personal_data::retention_candidates(
            &state.db,
            ended_before,
            draft_before,
            after,
            PAGE,
        )
        .await?;
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        for dossier in page {
            let last_change = dossier.updated_at.date_naive();
            let Some(expiry) = policy.expired(dossier.status, dossier.ended_on, last_change, today)
            else {
                continue;
            };
            let retained_until = policy
                .retain_until(dossier.status, dossier.ended_on, last_change)
                .map_or(today, |(until, _)| until);
            if !dry_run {
                report.deleted_objects += erase_dossier(state, dossier.id, expiry).await?;
            }
            report.dossiers.push(Expired {
                dossier_id: dossier.id,
                status: dossier.status,
                expiry,
                retained_until,
            });
        }
    }
    let idle_before = draft_before
        .and_hms_opt(0, 0, 0)
        .unwrap_or_default()
        .and_utc();
    let mut seen = std::collections::HashSet::new();
    loop {
        let idle = db::personal_data::idle_candidates_without_dossier(&state.db, idle_before, PAGE)
            .await?;
        let fresh: Vec<Uuid> = idle.into_iter().filter(|id| seen.insert(*id)).collect();
        if fresh.is_empty() {
            break;
        }
        report.accounts += fresh.len();
        if dry_run {
            // Nothing is deleted, so the same page would come back.
            break;
        }
        for person in fresh {
            let tx = crate::db::begin_write(&state.db).await?;
            let (_, tombstone) = erase_rows(state, &tx, person, &[], "RETENTION").await?;
            tx.commit().await?;
            state.actors.forget_user(person);
            keep_tombstone(state, &tombstone).await;
        }
    }
    let cutoff = policy.audit_cutoff(today);
    let cutoff_at = cutoff.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc();
    report.audit_cutoff = Some(cutoff);
    report.audit_events = if dry_run {
        db::personal_data::count_audit_before(&state.db, cutoff_at).await?
    } else {
        db::personal_data::delete_audit_before(&state.db, cutoff_at).await?
    };
    if !dry_run && (!report.dossiers.is_empty() || report.accounts > 0 || report.audit_events > 0) {
        tracing::info!(
            retention.dossiers = report.dossiers.len(),
            retention.accounts = report.accounts,
            retention.audit_events = report.audit_events,
            "retention applied"
        );
    }
    Ok(report)
}

/// Erases one dossier whose time is up, unless a hold or a restriction arrived meanwhile.
async fn erase_dossier(state: &AppState, dossier_id: Uuid, expiry: Expiry) -> AppResult<usize> {
    let tx = crate::db::begin_write(&state.db).await?;
    let Some(dossier) = db::dossiers::get(&tx, dossier_id).await? else {
        return Ok(0);
    };
    if dossier.legal_hold.is_some() || dossier.restricted_on.is_some() {
        return Ok(0);
    }
    let subject = state.pseudonyms.subject(dossier.candidate_id);
    db::personal_data::record_ledger(&tx, &subject, &dossier).await?;
    db::dossiers::delete(&tx, dossier_id).await?;
    let id =
        db::personal_data::insert_tombstone(&tx, &subject, &[dossier_id], DOSSIER_ONLY).await?;
    db::audit::record(
        &tx,
        AuditEntry {
            actor_id: None,
            action: "dossier.erased_by_retention",
            dossier_id: Some(dossier_id),
            target_id: None,
            detail: Some(expiry.code().to_owned()),
        },
    )
    .await?;
    tx.commit().await?;
    let tombstone = Tombstone {
        id,
        subject,
        dossier_ids: vec![dossier_id],
        reason: DOSSIER_ONLY.to_owned(),
    };
    keep_tombstone(state, &tombstone).await;
    erase_objects(state, &[dossier_id]).await
}

/// What applying the tombstones again found (after a restore from a backup older than some
/// erasures).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reapplied {
    pub dossiers: usize,
    pub accounts: usize,
    pub deleted_objects: usize,
}

/// Erases again what tombstones say was erased, those in the database and those in the object
/// store (which a restored database may predate): dossiers by id, accounts by pseudonym, and
/// every object left under an erased dossier's prefix.
pub async fn reapply_tombstones(state: &AppState, dry_run: bool) -> AppResult<Reapplied> {
    let mut tombstones = db::personal_data::tombstones(&state.db).await?;
    let kept = state
        .storage
        .tombstones()
        .await
        .map_err(|e| crate::error::AppError::StorageUnavailable(e.into()))?;
    for record in kept {
        match serde_json::from_slice::<Tombstone>(&record) {
            Ok(t) => tombstones.push((t.subject, t.dossier_ids, t.reason)),
            Err(e) => tracing::warn!(error = %e, "an unreadable tombstone in the store"),
        }
    }
    let mut out = Reapplied::default();
    if tombstones.is_empty() {
        return Ok(out);
    }
    tombstones.sort();
    tombstones.dedup();
    // Only the erasure of a person names accounts to erase again.
    let subjects: std::collections::HashSet<&str> = tombstones
        .iter()
        .filter(|(_, _, reason)| reason != DOSSIER_ONLY)
        .map(|(s, _, _)| s.as_str())
        .collect();
    let mut after = None;
    while !subjects.is_empty() {
        let ids = db::personal_data::user_ids_page(&state.db, after, 1_000).await?;
        let Some(last) = ids.last() else { break };
        after = Some(*last);
        for person in ids {
            if !subjects.contains(state.pseudonyms.subject(person).as_str()) {
                continue;
            }
            out.accounts += 1;
            if !dry_run {
                let tx = crate::db::begin_write(&state.db).await?;
                let dossiers = db::personal_data::dossiers_of(&tx, person).await?;
                erase_rows(state, &tx, person, &dossiers, "RESTORE").await?;
                tx.commit().await?;
                // The store already holds the first erasure's tombstone.
                state.actors.forget_user(person);
            }
        }
    }
    for (_, dossier_ids, _) in &tombstones {
        for id in dossier_ids {
            if db::dossiers::get(&state.db, *id).await?.is_some() {
                out.dossiers += 1;
                if !dry_run {
                    db::dossiers::delete(&state.db, *id).await?;
                }
            }
            if !dry_run {
                out.deleted_objects += erase_objects(state, &[*id]).await?;
            } else {
                out.deleted_objects += state
                    .storage
                    .list_dossier(*id)
                    .await
                    .map_err(|e| crate::error::AppError::StorageUnavailable(e.into()))?
                    .len();
            }
        }
    }
    Ok(out)
}
