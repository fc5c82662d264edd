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
use crate::error::{AppError, AppResult, Checks};
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
    let mut checks = Checks::default();
    let file_name = checks.check(
        FileName::parse(file_name)
            .map_err(|e| AppError::invalid(&["file"], "INVALID_FILE_NAME", e.to_string())),
    );
    let title = checks.check(required_text(new.title.clone(), "title", 300));
    let (Some(file_name), Some(title)) = (file_name, title) else {
        return Err(checks.into_error());
    };
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
    let mut checks = Checks::default();
    let file_name = checks.check(staged_file_name(file_name));
    let size = checks.check(staged_size(size, state.config.max_upload_bytes));
    let sha256 = checks.check(staged_checksum(sha256));
    let title = checks.check(required_text(new.title.clone(), "title", 300));
    let (Some(file_name), Some(size), Some(sha256), Some(title)) = (file_name, size, sha256, title)
    else {
        return Err(checks.into_error());
    };
    let tx = crate::db::begin_write(&state.db).await?;
    let dossier = accepting_evidence(&tx, actor, new.dossier_id).await?;
    let links = resolve_links(&tx, state, &dossier, &new.links).await?;
    let evidence_id = Uuid::now_v7();
    let key = ObjectKey::staging(dossier.id, evidence_id);
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
        completing_until: None,
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
            id: evidence_id,
            actor_id: actor.user_id,
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

fn staged_file_name(raw: &str) -> AppResult<FileName> {
    let file_name = FileName::parse(raw)
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
    Ok(file_name)
}

fn staged_size(size: i64, max: u64) -> AppResult<u64> {
    match u64::try_from(size) {
        Ok(0) | Err(_) => Err(AppError::invalid(
            &["size"],
            "INVALID_SIZE",
            "the size must be a positive number of bytes",
        )),
        Ok(size) if size > max => Err(AppError::invalid(
            &["size"],
            "FILE_TOO_LARGE",
            format!("the file is larger than the limit of {max} bytes"),
        )),
        Ok(size) => Ok(size),
    }
}

fn staged_checksum(raw: &str) -> AppResult<String> {
    let sha256 = raw.trim().to_ascii_lowercase();
    if sha256.len() != 64 || !sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::invalid(
            &["sha256"],
            "INVALID_CHECKSUM",
            "sha256 must be 64 hexadecimal characters",
        ));
    }
    Ok(sha256)
}

/// Checks the uploaded bytes against what was announced, then makes the file evidence.
///
/// The upload is claimed first, then its bytes are moved from the key clients `PUT` to the
/// evidence key, and checked there: what becomes evidence is exactly what was checked, whatever
/// a client still sends to the upload URL (that lands on the staging key, which nothing serves).
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
    let until = Utc::now()
        + chrono::Duration::seconds(
            i64::try_from(state.config.request_timeout_secs).unwrap_or(i64::MAX / 2_000),
        );
    if !db::evidence::claim_completion(&state.db, staged.id, until).await? {
        return Err(AppError::invalid(
            &["evidenceId"],
            "UPLOAD_IN_PROGRESS",
            "this upload is being completed by another request; wait for its answer",
        ));
    }
    let result = complete_claimed(state, actor, &staged).await;
    if result.is_err()
        && let Err(err) = db::evidence::release_completion(&state.db, staged.id).await
    {
        tracing::warn!(error = %err, "a failed completion could not release its upload; the claim lapses by itself");
    }
    result
}

async fn complete_claimed(
    state: &AppState,
    actor: &Actor,
    staged: &StagedUploadRecord,
) -> AppResult<EvidenceRecord> {
    let staging = ObjectKey::parse(&staged.object_key)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("staged upload with a bad key")))?;
    let key = ObjectKey::evidence(staged.dossier_id, staged.id);
    // An earlier completion may have moved the bytes already and failed after.
    if staging != key && state.storage.size(&staging).await?.is_some() {
        state.storage.rename(&staging, &key).await?;
    }
    let Some(size) = state.storage.size(&key).await? else {
        if staged.expires_at < Utc::now() {
            discard_staged(state, staged, &key).await;
            return Err(AppError::invalid(
                &["evidenceId"],
                "UPLOAD_EXPIRED",
                "the upload URL expired before any bytes arrived; start a new upload",
            ));
        }
        return Err(AppError::invalid(
            &["evidenceId"],
            "UPLOAD_MISSING",
            "no bytes were uploaded yet: PUT the file to the upload URL first",
        ));
    };
    if size != staged.expected_size {
        discard_staged(state, staged, &key).await;
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
            discard_staged(state, staged, &key).await;
            return Err(upload_error(err));
        }
        Err(err) => return Err(upload_error(err)),
    };
    if stored.sha256 != staged.expected_sha256 {
        discard_staged(state, staged, &key).await;
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
        object_key: key.as_str().to_owned(),
        uploaded_at: Utc::now(),
    };
    commit_evidence(state, actor, &record, &staged.links, Some(staged.id)).await?;
    // Bytes a client sent after the move; they were never checked and nothing serves them.
    remove_object(state, &staging).await;
    Ok(record)
}

/// How a `PUT` to a staged upload's URL ended.
pub enum StagedReceipt {
    Stored {
        size: u64,
    },
    /// Completed, discarded or being completed: the bytes were not kept.
    Closed,
    TooLarge {
        limit: u64,
    },
    Interrupted(String),
}

/// Receives the bytes of a staged upload on the local store's signed route. The upload must be
/// open when the request starts and still open once its last byte arrived; only then do the
/// bytes become visible at the staging key, for the completion to move and check.
pub async fn receive_staged_bytes<S, E>(
    state: &AppState,
    grant: &FileGrant,
    body: S,
) -> AppResult<StagedReceipt>
where
    S: Stream<Item = Result<Bytes, E>> + Send,
    E: std::fmt::Display,
{
    let open = |staged: &Option<StagedUploadRecord>| {
        staged
            .as_ref()
            .filter(|s| s.created_by == grant.actor_id && s.is_open(Utc::now()))
            .and_then(|s| ObjectKey::parse(&s.object_key))
    };
    let staged = db::evidence::staged(&state.db, grant.id).await?;
    let Some(key) = open(&staged) else {
        return Ok(StagedReceipt::Closed);
    };
    let pending = match state
        .storage
        .receive_unchecked(&key, body, grant.max_bytes)
        .await
    {
        Ok(pending) => pending,
        Err(UploadError::TooLarge { limit }) => return Ok(StagedReceipt::TooLarge { limit }),
        Err(UploadError::Body(message)) => return Ok(StagedReceipt::Interrupted(message)),
        Err(err) => return Err(upload_error(err)),
    };
    let staged = db::evidence::staged(&state.db, grant.id).await?;
    if open(&staged).as_ref() != Some(&key) {
        pending.discard().await;
        return Ok(StagedReceipt::Closed);
    }
    let size = pending.commit().await.map_err(AppError::from)?;
    Ok(StagedReceipt::Stored { size })
}

/// The evidence a download link names, when the person it was issued to may still download
/// it: the dossier may have been withdrawn, or its jury changed, since.
pub async fn still_downloadable(
    state: &AppState,
    actor_id: Uuid,
    evidence_id: Uuid,
) -> AppResult<EvidenceRecord> {
    let evidence = db::evidence::get(&state.db, evidence_id)
        .await?
        .ok_or(AppError::NotFound("evidence"))?;
    let roles = db::users::by_ids(&state.db, &[actor_id])
        .await?
        .into_iter()
        .next()
        .map(|user| user.roles)
        .ok_or(AppError::NotFound("evidence"))?;
    let actor = Actor {
        user_id: actor_id,
        roles,
    };
    dossier_for(
        &state.db,
        &actor,
        evidence.dossier_id,
        Action::DownloadEvidence,
    )
    .await
    .map_err(hide_dossier("evidence"))?;
    Ok(evidence)
}

/// Records a download through the local store's route.
pub async fn audit_download(
    state: &AppState,
    actor_id: Uuid,
    evidence: &EvidenceRecord,
) -> Result<(), sea_orm::DbErr> {
    db::audit::record(
        &state.db,
        db::audit::AuditEntry {
            actor_id: Some(actor_id),
            action: "evidence.downloaded",
            dossier_id: Some(evidence.dossier_id),
            target_id: Some(evidence.id),
            detail: None,
        },
    )
    .await
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
    let tx = crate::db::begin_write(&state.db).await?;
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
    let tx = crate::db::begin_write(&state.db).await?;
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

/// A short-lived URL serving the original bytes, on this service's own route whatever the
/// store: the right to download is checked again when the link is used (a dossier withdrawn
/// in between closes it), and the download itself is audited. On S3 the route answers with a
/// redirect to a URL the bucket presigns for [`REDIRECT_TTL`], so the bytes never pass here.
/// Issuing the link is audited too, by the caller.
pub async fn download_url(
    state: &AppState,
    actor: &Actor,
    evidence: &EvidenceRecord,
    facts: &DossierFacts,
) -> AppResult<String> {
    authorize(actor, Action::DownloadEvidence, facts)
        .map_err(denial)
        .map_err(hide_dossier("evidence"))?;
    let url = state.links.sign(FileGrant {
        op: "get".into(),
        id: evidence.id,
        actor_id: actor.user_id,
        max_bytes: evidence.size,
    })?;
    Ok(url.to_string())
}

/// Lifetime of the bucket URL a download link redirects to: long enough to follow a redirect,
/// short enough that a revoked right does not outlive it by much.
pub const REDIRECT_TTL: std::time::Duration = std::time::Duration::from_secs(60);

/// Where the bytes of `evidence` can be fetched directly, when the store presigns (S3).
pub async fn presigned_download(
    state: &AppState,
    evidence: &EvidenceRecord,
) -> AppResult<Option<String>> {
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
    Ok(state
        .storage
        .presign(object_store::signer::Method::GET, &key, REDIRECT_TTL, query)
        .await?
        .map(|url| url.to_string()))
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
    let tx = crate::db::begin_write(&state.db).await?;
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
    if let Some(staging) = ObjectKey::parse(&staged.object_key) {
        remove_object(state, &staging).await;
    }
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
