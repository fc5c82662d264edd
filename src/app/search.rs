//! Evidence search for jury members, advisors and candidates, limited to what they may read.

use std::collections::HashMap;

use uuid::Uuid;

use super::AppState;
use super::pagination::{Page, PageRequest};
use crate::db::records::{DossierRecord, EvidenceRecord};
use crate::db::search::SearchRequest;
use crate::db::{self};
use crate::domain::policy::{Actor, list_scope};
use crate::error::{AppError, AppResult};

/// Matching files with the dossier each belongs to.
pub async fn search(
    state: &AppState,
    actor: &Actor,
    text: &str,
    dossier_id: Option<Uuid>,
    domain_code: Option<&str>,
    page: PageRequest,
) -> AppResult<Page<(EvidenceRecord, DossierRecord)>> {
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
        with_total: page.with_total,
    };
    let (rows, total) = db::search::search(&state.db, request).await?;
    let records: Vec<EvidenceRecord> = rows.into_iter().map(db::evidence::record).collect();
    let mut dossier_ids: Vec<Uuid> = records.iter().map(|r| r.dossier_id).collect();
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
        .filter_map(|r| dossiers.get(&r.dossier_id).cloned().map(|d| (r, d)))
        .collect();
    Ok(Page::from_rows(items, &page, total))
}
