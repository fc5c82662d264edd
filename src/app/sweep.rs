//! Removes what interrupted work leaves behind: staged uploads never completed, and objects no
//! evidence row owns (a process killed between storing a file and committing its row). Objects
//! younger than the grace period are left alone, as their upload may still be committing.

use std::time::Duration;

use chrono::Utc;
use uuid::Uuid;

use super::AppState;
use crate::db;
use crate::storage::ObjectKey;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SweepReport {
    pub expired_uploads: usize,
    pub orphan_objects: usize,
    /// Steps that merged SQLite's full-text segments (none on PostgreSQL).
    pub search_merge_steps: u32,
}

/// Merge steps one sweep may take (each a short write transaction of at most a few hundred
/// pages): what is left waits for the next sweep, so a sweep after a bulk load does not hold
/// the writers back for long.
pub const MERGE_STEPS_PER_SWEEP: u32 = 64;

pub async fn sweep(
    state: &AppState,
    grace: Duration,
    merge_steps: u32,
) -> anyhow::Result<SweepReport> {
    let mut report = SweepReport::default();
    let cutoff = Utc::now() - chrono::Duration::from_std(grace)?;
    loop {
        let expired = db::evidence::expired_staged(&state.db, cutoff, 200).await?;
        if expired.is_empty() {
            break;
        }
        for staged in expired {
            if let Some(key) = ObjectKey::parse(&staged.object_key) {
                state.storage.delete(&key).await?;
            }
            db::evidence::delete_staged(&state.db, staged.id).await?;
            report.expired_uploads += 1;
        }
    }
    let candidates: Vec<ObjectKey> = state
        .storage
        .list_evidence()
        .await?
        .into_iter()
        .filter(|(_, modified)| *modified < cutoff)
        .map(|(key, _)| key)
        .collect();
    for chunk in candidates.chunks(500) {
        let keys: Vec<String> = chunk.iter().map(|k| k.as_str().to_owned()).collect();
        let owned = db::evidence::owned_keys(&state.db, &keys).await?;
        // A completion moves a staged upload's bytes to its evidence key before it commits.
        let ids: Vec<Uuid> = chunk
            .iter()
            .filter_map(|k| k.ids())
            .map(|(_, id)| id)
            .collect();
        let completing = db::evidence::staged_ids(&state.db, &ids).await?;
        for key in chunk.iter().filter(|k| {
            !owned.iter().any(|o| o == k.as_str())
                && !k.ids().is_some_and(|(_, id)| completing.contains(&id))
        }) {
            state.storage.delete(key).await?;
            report.orphan_objects += 1;
        }
    }
    report.orphan_objects += state
        .storage
        .remove_stale_staging(std::time::SystemTime::now() - grace)
        .await?;
    report.search_merge_steps = db::search_segments::merge(&state.db, merge_steps)
        .await?
        .steps;
    if report != SweepReport::default() {
        tracing::info!(
            sweep.expired_uploads = report.expired_uploads,
            sweep.orphan_objects = report.orphan_objects,
            sweep.search_merge_steps = report.search_merge_steps,
            "sweep removed leftovers or merged the search index"
        );
    }
    Ok(report)
}

/// Sweeps now and then every `every`, for the life of the process. Instances sharing a
/// PostgreSQL database take turns: only the one holding the sweep lease works, the others
/// count a skipped turn.
pub fn spawn_periodic(state: AppState, grace: Duration, every: Duration) {
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let turn = db::lease::exclusively(&state.db, db::lease::SWEEP, async {
                sweep(&state, grace, MERGE_STEPS_PER_SWEEP).await?;
                // Not at start-up: a statistics refresh writes, and would race the first requests.
                if !first && let Err(err) = crate::db::optimize(&state.db).await {
                    tracing::warn!(error = %err, "refreshing the planner statistics failed");
                }
                Ok(())
            })
            .await;
            let outcome = match turn {
                Ok(Some(())) => "ran",
                Ok(None) => {
                    tracing::debug!("sweep skipped: another instance holds the lease");
                    "skipped"
                }
                Err(err) => {
                    tracing::warn!(error = %err, "sweep failed; it will run again");
                    "failed"
                }
            };
            state
                .metrics
                .sweeps
                .get_or_create(&crate::metrics::OutcomeLabel { outcome })
                .inc();
            first = false;
            tokio::time::sleep(every).await;
        }
    });
}
