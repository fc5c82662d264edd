//! Evidence search for jury members, advisors and candidates, limited to what they may read.

use std::collections::HashMap;

use uuid::Uuid;

use super::AppState;
use super::pagination::{Page, PageRequest, Ranked};
use crate::db::records::{DossierRecord, EvidenceRecord};
use crate::db::search::SearchRequest;
use crate::db::{self};
use crate::domain::policy::{Actor, list_scope};
use crate::error::{AppError, AppResult};

/// A file found, with its dossier and its place in the ranking.
pub struct Found {
    pub evidence: EvidenceRecord,
    pub dossier: DossierRecord,
    pub rank: Ranked,
}

/// Matching files with the dossier each belongs to, best first.
pub async fn search(
    state: &AppState,
    actor: &Actor,
    text: &str,
    dossier_id: Option<Uuid>,
    domain_code: Option<&str>,
    page: PageRequest<Ranked>,
) -> AppResult<Page<Found>> {
    if text.trim().chars().count() > 200 {
        return Err(AppError::invalid(
            &["query"],
            "TOO_LONG",
            "the search text must be at most 200 characters",
        ));
    }
    let scope = list_scope(actor);
    let request = SearchRequest {
        user_id: actor.user_id,
        scope: &scope,
        text,
        dossier_id,
        domain_code,
        after: page.after,
        limit: page.fetch_limit(),
        gather: state.config.search_gather_per_source,
    };
    let found = db::search::search(&state.db, request).await?;
    let records: Vec<(EvidenceRecord, f64)> = found
        .rows
        .into_iter()
        .map(|(row, score)| (db::evidence::record(row), score))
        .collect();
    let mut dossier_ids: Vec<Uuid> = records.iter().map(|(r, _)| r.dossier_id).collect();
    dossier_ids.sort();
    dossier_ids.dedup();
    let dossiers: HashMap<Uuid, DossierRecord> = if dossier_ids.is_empty() {
        HashMap::new()
    } else {
        db::dossiers::by_ids(&state.db, &dossier_ids)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect()
    };
    let items = records
        .into_iter()
        .filter_map(|(evidence, score)| {
            let dossier = dossiers.get(&evidence.dossier_id)?.clone();
            let rank = Ranked {
                score,
                id: evidence.id,
            };
            Some(Found {
                evidence,
                dossier,
                rank,
            })
        })
        .collect();
    Ok(Page {
        total_is_exact: found.total_is_exact,
        ..Page::from_rows(items, &page, found.total)
    })
}
