//! Persisting generated dossiers: their files stored through `Storage::put_stream` (the
//! upload path, so the service itself sniffs, size-checks and hashes them), then their rows
//! written in one transaction per batch through the `db` batch functions, and on failure the
//! objects of unwritten batches removed. Apart because this is the only part that writes to
//! the database and the store, and its order (objects before rows, whole batches) is what
//! leaves an interrupted run consistent.

use std::convert::Infallible;

use anyhow::Context;
use futures::{StreamExt, TryStreamExt};
use sea_orm::TransactionTrait;
use uuid::Uuid;

use super::{Batch, Candidate};
use crate::app::AppState;
use crate::db::records::{
    AuditRecord, ClaimRecord, DossierRecord, EvidenceLinks, EvidenceRecord, ExperienceRecord,
    QualificationRecord, UserRecord,
};
use crate::db::{self};
use crate::storage::ObjectKey;

/// Objects stored at once while a batch is prepared.
const STORE_CONCURRENCY: usize = 16;

pub(super) async fn write_owned(state: &AppState, batch: Batch) -> (Batch, anyhow::Result<()>) {
    let written = write_batch(state, &batch).await;
    (batch, written)
}

pub(super) async fn remove_objects(
    state: &AppState,
    files: &[(EvidenceRecord, EvidenceLinks, Uuid)],
) {
    for (evidence, _, _) in files {
        if let Some(key) = ObjectKey::parse(&evidence.object_key) {
            let _ = state.storage.delete(&key).await;
        }
    }
}

/// Stores every planned file of a batch through the same streaming path as uploads.
pub(super) async fn store_files(
    state: &AppState,
    batch: &[Candidate],
) -> anyhow::Result<Vec<(EvidenceRecord, EvidenceLinks, Uuid)>> {
    let max = state.config.max_upload_bytes;
    let planned = batch
        .iter()
        .flat_map(|c| c.files.iter().map(move |f| (c, f)));
    futures::stream::iter(planned)
        .map(|(candidate, file)| async move {
            let key = ObjectKey::evidence(candidate.dossier.id, file.id);
            let body =
                futures::stream::once(std::future::ready(Ok::<_, Infallible>(file.bytes.clone())));
            let stored = state
                .storage
                .put_stream(&key, body, &file.file_name, max)
                .await
                .with_context(|| format!("storing {}", key.as_str()))?;
            let record = EvidenceRecord {
                id: file.id,
                dossier_id: candidate.dossier.id,
                kind: file.kind,
                title: file.title.clone(),
                file_name: file.file_name.as_str().to_owned(),
                content_type: stored.content_type.mime().to_owned(),
                size: stored.size,
                sha256: stored.sha256,
                object_key: key.as_str().to_owned(),
                uploaded_at: file.uploaded_at,
            };
            anyhow::Ok((record, file.links.clone(), candidate.user.id))
        })
        .buffered(STORE_CONCURRENCY)
        .try_collect()
        .await
}

async fn write_batch(state: &AppState, batch: &Batch) -> anyhow::Result<()> {
    let candidates = &batch.candidates;
    if candidates.is_empty() {
        return Ok(());
    }
    let users: Vec<UserRecord> = candidates.iter().map(|c| c.user.clone()).collect();
    let dossiers: Vec<DossierRecord> = candidates.iter().map(|c| c.dossier.clone()).collect();
    let experiences: Vec<ExperienceRecord> = candidates
        .iter()
        .flat_map(|c| c.experiences.iter().cloned())
        .collect();
    let claims: Vec<(ClaimRecord, Option<Uuid>)> = candidates
        .iter()
        .flat_map(|c| c.claims.iter().cloned())
        .collect();
    let qualifications: Vec<QualificationRecord> =
        candidates.iter().map(|c| c.qualification.clone()).collect();
    let audit: Vec<AuditRecord> = candidates
        .iter()
        .flat_map(|c| c.audit.iter().cloned())
        .collect();

    let tx = state.db.begin().await?;
    db::users::insert_many(&tx, &users).await?;
    db::dossiers::insert_many(&tx, &dossiers).await?;
    db::experiences::insert_many(&tx, &experiences).await?;
    db::experiences::insert_claims(&tx, &claims).await?;
    db::experiences::insert_qualifications(&tx, &qualifications).await?;
    db::evidence::insert_many(&tx, &batch.files).await?;
    for candidate in candidates {
        let dossier = candidate.dossier.id;
        db::dossiers::assign(&tx, dossier, candidate.advisor, "ADVISOR").await?;
        if let Some(jury_member) = candidate.jury_member {
            db::dossiers::assign(&tx, dossier, jury_member, "JURY").await?;
        }
    }
    db::audit::record_many(&tx, &audit).await?;
    tx.commit().await?;
    Ok(())
}
