//! Evidence files: streamed uploads, staged direct-to-storage uploads, links, deletion and
//! audited download URLs. An evidence row is written only after its object is fully stored
//! and checked; when the row cannot be written the object is removed (or swept later).

use bytes::Bytes;
use chrono::Utc;
use futures::Stream;
use sea_orm::{ConnectionTrait, TransactionTrait};
use uuid::Uuid;

use super::AppState;
use super::access::{denial, dossier_for};
use super::dossiers::audit;
use super::experiences::{competence_code, hide_dossier, required_text};
use super::signed_links::{FileGrant, content_disposition};
use crate::db::records::{DossierRecord, EvidenceLinks, EvidenceRecord, StagedUploadRecord};
use crate::db::{self, Tx};
use crate::domain::evidence_file::{AcceptedType, FileName};
use crate::domain::experience::EvidenceKind;
use crate::domain::policy::{Action, Actor, DossierFacts, authorize};
use crate::error::{AppError, AppResult};
use crate::storage::{ObjectKey, StoredObject, UploadError};

/// What a new file is linked to, as the client named it.
#[derive(Clone, Debug, Default)]
pub struct LinkInput {
    pub experience_id: Option<String>,
    pub qualification_id: Option<String>,
    pub prior_validation_id: Option<String>,
    pub competence_codes: Option<Vec<String>>,
}

/// Description of a file about to be uploaded.
#[derive(Clone, Debug)]
pub struct NewEvidence {
    pub dossier_id: Uuid,
    pub kind: EvidenceKind,
    pub title: String,
    pub links: LinkInput,
}

/// Uploads through the GraphQL multipart request: the body streams to the store.
#[tracing::instrument(skip_all, fields(dossier.id = %new.dossier_id))]
pub async fn upload<S, E>(
    state: &AppState,
    actor: &Actor,
    new: NewEvidence,
    file_name: &str,
    body: S,
) -> AppResult<EvidenceRecord>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let file_name = FileName::parse(file_name)
        .map_err(|e| AppError::invalid(&["file"], "INVALID_FILE_NAME", e.to_string()))?;
    let title = required_text(new.title.clone(), "title", 300)?;
    let (dossier, links) = {
        let tx = state.db.begin().await?;
        let dossier = accepting_evidence(&tx, actor, new.dossier_id).await?;
        let links = resolve_links(&tx, state, &dossier, &new.links).await?;
        tx.commit().await?;
        (dossier, links)
    };
    let evidence_id = Uuid::now_v7();
    let key = ObjectKey::evidence(dossier.id, evidence_id);
    let stored = state
        .storage
        .put_stream(&key, body, &file_name, state.config.max_upload_bytes)
        .await
        .map_err(upload_error)?;
    let record = EvidenceRecord {
        id: evidence_id,
        dossier_id: dossier.id,
        kind: new.kind,
        title,
        file_name: file_name.as_str().to_owned(),
        content_type: stored.content_type.mime().to_owned(),
        size: stored.size,
        sha256: stored.sha256.clone(),
        object_key: key.as_str().to_owned(),
        uploaded_at: Utc::now(),
    };
    if let Err(err) = commit_evidence(state, actor, &record, &links, None).await {
        remove_object(state, &key).await;
        return Err(err);
    }
    tracing::info!(evidence.id = %evidence_id, evidence.size = stored.size, "evidence uploaded");
    Ok(record)
}

/// A staged upload the client will PUT directly.
#[derive(Clone, Debug)]
pub struct StagedUpload {
    pub evidence_id: Uuid,
    pub upload_url: String,
    pub headers: Vec<(String, String)>,
    pub expires_at: chrono::DateTime<Utc>,
}

#[tracing::instrument(skip_all, fields(dossier.id = %new.dossier_id))]
pub async fn start_staged(
    state: &AppState,
    actor: &Actor,
    new: NewEvidence,
    file_name: &str,
    size: i64,
    sha256: &str,
) -> AppResult<StagedUpload> {
    let file_name = FileName::parse(file_name)
        .map_err(|e| AppError::invalid(&["fileName"], "INVALID_FILE_NAME", e.to_string()))?;
    if !accepted_extension(&file_name) {
        return Err(AppError::invalid(
            &["fileName"],
            "UNSUPPORTED_FILE_TYPE",
            format!(
                ".{} files are not accepted (accepted: PDF, JPEG, PNG, WebP, ODT, ODS, DOCX, XLSX, plain text)",
                file_name.extension()
            ),
        ));
    }
    let max = state.config.max_upload_bytes;
    let size = match u64::try_from(size) {
        Ok(0) | Err(_) => {
            return Err(AppError::invalid(
                &["size"],
                "INVALID_SIZE",
                "the size must be a positive number of bytes",
            ));
        }
        Ok(size) if size > max => {
            return Err(AppError::invalid(
                &["size"],
                "FILE_TOO_LARGE",
                format!("the file is larger than the limit of {max} bytes"),
            ));
        }
        Ok(size) => size,
    };
    let sha256 = sha256.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid(
            &["sha256"],
            "INVALID_CHECKSUM",
            "sha256 must be 64 hexadecimal characters",
        ));
    }
    let title = required_text(new.title.clone(), "title", 300)?;
    let tx = state.db.begin().await?;
    let dossier = accepting_evidence(&tx, actor, new.dossier_id).await?;
    let links = resolve_links(&tx, state, &dossier, &new.links).await?;
    let evidence_id = Uuid::now_v7();
    let key = ObjectKey::evidence(dossier.id, evidence_id);
    let expires_at = state.links.expires_at();
    let staged = StagedUploadRecord {
        id: evidence_id,
        dossier_id: dossier.id,
        kind: new.kind,
        title,
        file_name: file_name.as_str().to_owned(),
        expected_size: size,
        expected_sha256: sha256,
        object_key: key.as_str().to_owned(),
        links,
        created_by: actor.user_id,
        expires_at,
    };
    db::evidence::insert_staged(&tx, &staged).await?;
    audit(
        &tx,
        actor,
        "evidence.upload_started",
        dossier.id,
        Some(evidence_id),
    )
    .await?;
    tx.commit().await?;
    let url = match state
        .storage
        .presign(
            object_store::signer::Method::PUT,
            &key,
            state.links.ttl,
            Vec::new(),
        )
        .await?
    {
        Some(url) => url,
        None => state.links.sign(FileGrant {
            op: "put".into(),
            key: key.as_str().to_owned(),
            evidence_id,
            dossier_id: dossier.id,
            actor_id: actor.user_id,
            file_name: staged.file_name.clone(),
            content_type: String::new(),
            max_bytes: size,
        })?,
    };
    Ok(StagedUpload {
        evidence_id,
        upload_url: url.to_string(),
        headers: Vec::new(),
        expires_at,
    })
}

/// Checks the uploaded bytes against what was announced, then makes the file evidence.
#[tracing::instrument(skip_all, fields(evidence.id = %evidence_id))]
pub async fn complete_staged(
    state: &AppState,
    actor: &Actor,
    evidence_id: Uuid,
) -> AppResult<EvidenceRecord> {
    let staged = db::evidence::staged(&state.db, evidence_id)
        .await?
        .ok_or(AppError::NotFound("upload"))?;
    {
        let tx = state.db.begin().await?;
        accepting_evidence(&tx, actor, staged.dossier_id)
            .await
            .map_err(hide_dossier("upload"))?;
        tx.commit().await?;
    }
    if staged.created_by != actor.user_id {
        return Err(AppError::NotFound("upload"));
    }
    let key = ObjectKey::parse(&staged.object_key)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("staged upload with a bad key")))?;
    if staged.expires_at < Utc::now() && state.storage.size(&key).await?.is_none() {
        discard_staged(state, &staged, &key).await;
        return Err(AppError::invalid(
            &["evidenceId"],
            "UPLOAD_EXPIRED",
            "the upload URL expired before any bytes arrived; start a new upload",
        ));
    }
    let Some(size) = state.storage.size(&key).await? else {
        return Err(AppError::invalid(
            &["evidenceId"],
            "UPLOAD_MISSING",
            "no bytes were uploaded yet: PUT the file to the upload URL first",
        ));
    };
    if size != staged.expected_size {
        discard_staged(state, &staged, &key).await;
        return Err(AppError::invalid(
            &["evidenceId"],
            "SIZE_MISMATCH",
            format!(
                "{size} bytes arrived but {} were announced; start a new upload",
                staged.expected_size
            ),
        ));
    }
    let file_name = FileName::parse(&staged.file_name)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    let stored: StoredObject = match state.storage.inspect(&key, &file_name).await {
        Ok(stored) => stored,
        Err(err @ (UploadError::FileType(_) | UploadError::TooLarge { .. })) => {
            discard_staged(state, &staged, &key).await;
            return Err(upload_error(err));
        }
        Err(err) => return Err(upload_error(err)),
    };
    if stored.sha256 != staged.expected_sha256 {
        discard_staged(state, &staged, &key).await;
        return Err(AppError::invalid(
            &["evidenceId"],
            "CHECKSUM_MISMATCH",
            "the uploaded bytes do not match the announced SHA-256; the upload was discarded, start a new one",
        ));
    }
    let record = EvidenceRecord {
        id: staged.id,
        dossier_id: staged.dossier_id,
        kind: staged.kind,
        title: staged.title.clone(),
        file_name: staged.file_name.clone(),
        content_type: stored.content_type.mime().to_owned(),
        size: stored.size,
        sha256: stored.sha256,
        object_key: staged.object_key.clone(),
        uploaded_at: Utc::now(),
    };
    commit_evidence(state, actor, &record, &staged.links, Some(staged.id)).await?;
    Ok(record)
}

/// Adds links from an existing file to an experience or qualification and sets the
/// competences it supports.
#[tracing::instrument(skip_all, fields(evidence.id = %evidence_id))]
pub async fn link(
    state: &AppState,
    actor: &Actor,
    evidence_id: Uuid,
    links: LinkInput,
) -> AppResult<EvidenceRecord> {
    let tx = state.db.begin().await?;
    let evidence = db::evidence::get(&tx, evidence_id)
        .await?
        .ok_or(AppError::NotFound("evidence"))?;
    let dossier = accepting_evidence(&tx, actor, evidence.dossier_id)
        .await
        .map_err(hide_dossier("evidence"))?;
    let resolved = resolve_links(&tx, state, &dossier, &links).await?;
    db::dossiers::bump_version(&tx, dossier.id, None).await?;
    db::evidence::add_links(
        &tx,
        evidence_id,
        &EvidenceLinks {
            competence_codes: Vec::new(),
            ..resolved.clone()
        },
    )
    .await?;
    if links.competence_codes.is_some() {
        db::evidence::replace_competences(&tx, evidence_id, &resolved.competence_codes).await?;
    }
    audit(&tx, actor, "evidence.linked", dossier.id, Some(evidence_id)).await?;
    tx.commit().await?;
    Ok(evidence)
}

#[tracing::instrument(skip_all, fields(evidence.id = %evidence_id))]
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    evidence_id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<Uuid> {
    let tx = state.db.begin().await?;
    let evidence = db::evidence::get(&tx, evidence_id)
        .await?
        .ok_or(AppError::NotFound("evidence"))?;
    accepting_evidence(&tx, actor, evidence.dossier_id)
        .await
        .map_err(hide_dossier("evidence"))?;
    db::dossiers::bump_version(&tx, evidence.dossier_id, expected_version).await?;
    db::evidence::delete(&tx, evidence_id).await?;
    audit(
        &tx,
        actor,
        "evidence.deleted",
        evidence.dossier_id,
        Some(evidence_id),
    )
    .await?;
    tx.commit().await?;
    if let Some(key) = ObjectKey::parse(&evidence.object_key) {
        remove_object(state, &key).await;
    }
    Ok(evidence_id)
}

/// Records that download URLs were issued: (actor, dossier, evidence) triples, in one statement.
pub async fn audit_downloads(state: &AppState, grants: &[(Uuid, Uuid, Uuid)]) -> AppResult<()> {
    let now = Utc::now();
    let events: Vec<crate::db::records::AuditRecord> = grants
        .iter()
        .map(
            |&(actor_id, dossier_id, evidence_id)| crate::db::records::AuditRecord {
                id: Uuid::now_v7(),
                at: now,
                actor_id: Some(actor_id),
                action: "evidence.download_url_issued".to_owned(),
                dossier_id: Some(dossier_id),
                target_id: Some(evidence_id),
                detail: None,
            },
        )
        .collect();
    db::audit::record_many(&state.db, &events).await?;
    Ok(())
}

/// A short-lived URL serving the original bytes. Issuing it is audited, because on S3 the
/// download itself never reaches this service.
pub async fn download_url(
    state: &AppState,
    actor: &Actor,
    evidence: &EvidenceRecord,
    facts: &DossierFacts,
) -> AppResult<String> {
    authorize(actor, Action::DownloadEvidence, facts)
        .map_err(denial)
        .map_err(hide_dossier("evidence"))?;
    let key = ObjectKey::parse(&evidence.object_key)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("evidence with a bad key")))?;
    let query = vec![
        (
            "response-content-disposition".to_owned(),
            content_disposition(&evidence.file_name),
        ),
        (
            "response-content-type".to_owned(),
            evidence.content_type.clone(),
        ),
    ];
    let url = match state
        .storage
        .presign(
            object_store::signer::Method::GET,
            &key,
            state.links.ttl,
            query,
        )
        .await?
    {
        Some(url) => url,
        None => state.links.sign(FileGrant {
            op: "get".into(),
            key: evidence.object_key.clone(),
            evidence_id: evidence.id,
            dossier_id: evidence.dossier_id,
            actor_id: actor.user_id,
            file_name: evidence.file_name.clone(),
            content_type: evidence.content_type.clone(),
            max_bytes: evidence.size,
        })?,
    };
    Ok(url.to_string())
}

/// The candidate may add files while the dossier is a draft or waits for the jury.
async fn accepting_evidence(tx: &Tx, actor: &Actor, dossier_id: Uuid) -> AppResult<DossierRecord> {
    let (dossier, _) = dossier_for(tx, actor, dossier_id, Action::EditContent).await?;
    if !dossier.status.candidate_may_add_evidence() {
        return Err(AppError::InvalidTransition(format!(
            "evidence cannot be changed while the dossier is {}",
            dossier.status
        )));
    }
    Ok(dossier)
}

/// Checks that every linked record belongs to the dossier and every code to its programme.
async fn resolve_links(
    db: &impl ConnectionTrait,
    state: &AppState,
    dossier: &DossierRecord,
    input: &LinkInput,
) -> AppResult<EvidenceLinks> {
    let mut links = EvidenceLinks::default();
    if let Some(raw) = &input.experience_id {
        let id = Uuid::try_parse(raw).map_err(|_| unknown("experienceId", "experience"))?;
        let exp = db::experiences::get(db, id)
            .await?
            .filter(|e| e.dossier_id == dossier.id)
            .ok_or_else(|| unknown("experienceId", "experience"))?;
        links.experience_ids.push(exp.id);
    }
    if let Some(raw) = &input.qualification_id {
        let id = Uuid::try_parse(raw).map_err(|_| unknown("qualificationId", "qualification"))?;
        let q = db::experiences::qualification(db, id)
            .await?
            .filter(|q| q.dossier_id == dossier.id)
            .ok_or_else(|| unknown("qualificationId", "qualification"))?;
        links.qualification_ids.push(q.id);
    }
    if let Some(raw) = &input.prior_validation_id {
        let id =
            Uuid::try_parse(raw).map_err(|_| unknown("priorValidationId", "prior validation"))?;
        let p = db::experiences::prior_validation(db, id)
            .await?
            .filter(|p| p.dossier_id == Some(dossier.id))
            .ok_or_else(|| unknown("priorValidationId", "prior validation"))?;
        links.prior_validation_ids.push(p.id);
    }
    if let Some(codes) = &input.competence_codes {
        let programme = state
            .catalog
            .version(
                &state.db,
                &dossier.programme_code,
                &dossier.programme_version,
            )
            .await?;
        for (index, raw) in codes.iter().enumerate() {
            let code = competence_code(&programme, raw, &["competenceCodes", &index.to_string()])?;
            if !links.competence_codes.iter().any(|c| c == code.as_str()) {
                links.competence_codes.push(code.as_str().to_owned());
            }
        }
    }
    Ok(links)
}

fn unknown(field: &'static str, what: &str) -> AppError {
    AppError::invalid(
        &[field],
        "UNKNOWN_REFERENCE",
        format!("this dossier has no such {what}"),
    )
}

/// Writes the evidence row, its links and the audit event in one transaction, after checking
/// again that the dossier still accepts files (it may have changed during a long upload).
async fn commit_evidence(
    state: &AppState,
    actor: &Actor,
    record: &EvidenceRecord,
    links: &EvidenceLinks,
    staged: Option<Uuid>,
) -> AppResult<()> {
    let tx = state.db.begin().await?;
    accepting_evidence(&tx, actor, record.dossier_id).await?;
    if let Some(staged_id) = staged
        && !db::evidence::claim_staged(&tx, staged_id).await?
    {
        return Err(AppError::NotFound("upload"));
    }
    db::dossiers::bump_version(&tx, record.dossier_id, None).await?;
    db::evidence::insert(&tx, record, links, actor.user_id).await?;
    audit(
        &tx,
        actor,
        "evidence.uploaded",
        record.dossier_id,
        Some(record.id),
    )
    .await?;
    tx.commit().await?;
    state.metrics.upload_bytes.inc_by(record.size);
    Ok(())
}

async fn discard_staged(state: &AppState, staged: &StagedUploadRecord, key: &ObjectKey) {
    remove_object(state, key).await;
    if let Err(err) = db::evidence::delete_staged(&state.db, staged.id).await {
        tracing::warn!(error = %err, upload.id = %staged.id, "could not remove a discarded staged upload; the sweep will");
    }
}

async fn remove_object(state: &AppState, key: &ObjectKey) {
    if let Err(err) = state.storage.delete(key).await {
        tracing::warn!(error = %err, object.key = key.as_str(), "could not delete an object; the sweep will");
    }
}

fn accepted_extension(file_name: &FileName) -> bool {
    let ext = file_name.extension();
    [
        AcceptedType::Pdf,
        AcceptedType::Jpeg,
        AcceptedType::Png,
        AcceptedType::Webp,
        AcceptedType::Odt,
        AcceptedType::Ods,
        AcceptedType::Docx,
        AcceptedType::Xlsx,
        AcceptedType::PlainText,
    ]
    .iter()
    .any(|t| t.extensions().contains(&ext.as_str()))
}

pub fn upload_error(err: UploadError) -> AppError {
    match err {
        UploadError::TooLarge { limit } => AppError::invalid(
            &["file"],
            "FILE_TOO_LARGE",
            format!("the file is larger than the limit of {limit} bytes"),
        ),
        UploadError::FileType(e) => AppError::invalid(&["file"], e.code(), e.to_string()),
        UploadError::Body(e) => AppError::invalid(
            &["file"],
            "UPLOAD_INTERRUPTED",
            format!("the upload was interrupted: {e}"),
        ),
        UploadError::Store(e) => AppError::from(e),
    }
}
