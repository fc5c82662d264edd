//! Evidence files: the node, its connection, uploads (multipart and staged), links, deletion
//! and the search.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::connection::{connection, parts_by};
use super::context::{actor, state};
use super::enums::EvidenceKind;
use super::errors::{GqlResult, UserError, payload};
use super::experience::DeletePayload;
use super::loaders::Loaders;
use super::referential::CompetenceNode;
use super::uploads::{FileRef, UploadStreams};
use crate::app::access::parse_id;
use crate::app::evidence::{LinkInput, NewEvidence};
use crate::app::pagination::{Cursor, PageRequest, Ranked};
use crate::app::{self};
use crate::db::records::EvidenceRecord;
use crate::domain::policy::Actor;
use crate::domain::programme::Programme;
use crate::error::AppError;

/// A file in object storage that supports experiences, qualifications and competences.
#[derive(Clone)]
pub struct EvidenceNode {
    pub record: EvidenceRecord,
    pub programme: Arc<Programme>,
    pub actor: Actor,
}

#[Object(name = "Evidence")]
impl EvidenceNode {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    async fn kind(&self) -> EvidenceKind {
        self.record.kind.into()
    }
    async fn title(&self) -> &str {
        &self.record.title
    }
    /// The name the file was uploaded with.
    async fn file_name(&self) -> &str {
        &self.record.file_name
    }
    /// Sniffed from the bytes, never taken from the client.
    async fn content_type(&self) -> &str {
        &self.record.content_type
    }
    /// Bytes.
    async fn size(&self) -> i32 {
        i32::try_from(self.record.size).unwrap_or(i32::MAX)
    }
    /// Hex SHA-256 of the bytes, computed while they were stored.
    async fn sha256(&self) -> &str {
        &self.record.sha256
    }
    async fn uploaded_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.record.uploaded_at
    }
    /// Competences this file supports.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn competences(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CompetenceNode>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let codes = loaders
            .competences
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(codes
            .iter()
            .filter_map(|code| CompetenceNode::find(&self.programme, code))
            .collect())
    }
    /// Ids of the experiences this file supports.
    async fn experience_ids(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ID>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let links = loaders
            .links
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(links
            .experience_ids
            .iter()
            .map(|id| ID(id.to_string()))
            .collect())
    }
    /// Ids of the qualifications this file proves.
    async fn qualification_ids(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ID>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let links = loaders
            .links
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(links
            .qualification_ids
            .iter()
            .map(|id| ID(id.to_string()))
            .collect())
    }
    /// Short-lived signed URL serving the original bytes; every issued URL is audited.
    async fn download_url(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let facts = loaders
            .facts
            .load_one(self.record.dossier_id)
            .await
            .map_err(|e| e.into_gql())?
            .ok_or_else(|| super::errors::gql(AppError::NotFound("evidence")))?;
        let url = app::evidence::download_url(state(ctx), &self.actor, &self.record, &facts)
            .await
            .gql()?;
        // The URL is handed out only once its issue is on record.
        loaders
            .download_audit
            .load_one((self.actor.user_id, self.record.dossier_id, self.record.id))
            .await
            .map_err(|e| e.into_gql())?;
        Ok(url)
    }
}

connection!(EvidenceConnection, EvidenceEdge, EvidenceNode);

/// Loads the links of a list of files in one batch when the selection (`node`, an `Evidence`)
/// asks for them, before the items resolve one by one.
pub async fn prefetch_links(
    ctx: &Context<'_>,
    node: async_graphql::Lookahead<'_>,
    evidence_ids: Vec<uuid::Uuid>,
) -> async_graphql::Result<()> {
    if evidence_ids.is_empty() {
        return Ok(());
    }
    let loaders = ctx.data_unchecked::<Loaders>();
    if node.field("competences").exists() {
        loaders
            .competences
            .load_many(evidence_ids.iter().copied())
            .await
            .map_err(|e| e.into_gql())?;
    }
    if node.field("experienceIds").exists() || node.field("qualificationIds").exists() {
        loaders
            .links
            .load_many(evidence_ids)
            .await
            .map_err(|e| e.into_gql())?;
    }
    Ok(())
}

#[derive(SimpleObject)]
pub struct EvidencePayload {
    pub evidence: Option<EvidenceNode>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

#[derive(SimpleObject)]
pub struct StagedUploadPayload {
    /// Id the evidence will have once the upload is completed.
    pub evidence_id: Option<ID>,
    /// PUT the bytes here, before `expiresAt`.
    pub upload_url: Option<String>,
    /// Headers to send with the PUT.
    pub upload_headers: Vec<HttpHeader>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct UploadEvidenceInput {
    pub dossier_id: ID,
    pub kind: EvidenceKind,
    pub title: String,
    /// The file part of the multipart request (GraphQL multipart request spec). Each part may
    /// be mapped to one variable only: a part mapped to several is refused with a 400 and
    /// `UPLOAD_MAPPED_TWICE` before anything is stored (upload once, then `linkEvidence`).
    pub file: FileRef,
    pub experience_id: Option<ID>,
    pub qualification_id: Option<ID>,
    /// A prior validation this file proves (e.g. a jury's relevé de décisions).
    pub prior_validation_id: Option<ID>,
    pub competence_codes: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct StartEvidenceUploadInput {
    pub dossier_id: ID,
    pub kind: EvidenceKind,
    pub title: String,
    pub file_name: String,
    /// Exact size in bytes.
    pub size: i32,
    /// Hex SHA-256 of the bytes that will be PUT.
    pub sha256: String,
    pub experience_id: Option<ID>,
    pub qualification_id: Option<ID>,
    pub prior_validation_id: Option<ID>,
    pub competence_codes: Option<Vec<String>>,
}

#[derive(InputObject)]
pub struct CompleteEvidenceUploadInput {
    pub evidence_id: ID,
}

#[derive(InputObject)]
pub struct LinkEvidenceInput {
    pub evidence_id: ID,
    pub experience_id: Option<ID>,
    pub qualification_id: Option<ID>,
    pub prior_validation_id: Option<ID>,
    /// Replaces the competences the file supports.
    pub competence_codes: Vec<String>,
}

#[derive(Default)]
pub struct EvidenceMutation;

#[Object]
impl EvidenceMutation {
    /// Uploads a file with the GraphQL multipart request spec; the bytes stream to storage.
    async fn upload_evidence(
        &self,
        ctx: &Context<'_>,
        input: UploadEvidenceInput,
    ) -> async_graphql::Result<EvidencePayload> {
        let actor = actor(ctx).await.gql()?;
        let dossier_id = parse_id(&input.dossier_id, "dossier").gql()?;
        let new = NewEvidence {
            dossier_id,
            kind: input.kind.into(),
            title: input.title,
            links: LinkInput {
                experience_id: input.experience_id.map(|i| i.0),
                qualification_id: input.qualification_id.map(|i| i.0),
                prior_validation_id: input.prior_validation_id.map(|i| i.0),
                competence_codes: input.competence_codes,
            },
        };
        let Some(files) = ctx.data_opt::<UploadStreams>() else {
            let err = AppError::invalid(
                &["file"],
                "INVALID_UPLOAD",
                "send the file with a multipart request (GraphQL multipart request spec)",
            );
            return evidence_payload(ctx, actor, Err(err)).await;
        };
        let file = match files.0.take(input.file.0).await {
            Ok(file) => file,
            Err(message) => {
                return evidence_payload(
                    ctx,
                    actor,
                    Err(AppError::invalid(&["file"], "INVALID_UPLOAD", message)),
                )
                .await;
            }
        };
        let result =
            app::evidence::upload(state(ctx), &actor, new, &file.file_name, file.bytes).await;
        evidence_payload(ctx, actor, result).await
    }

    /// Asks for a short-lived URL to PUT a (large) file directly, then call `completeEvidenceUpload`.
    async fn start_evidence_upload(
        &self,
        ctx: &Context<'_>,
        input: StartEvidenceUploadInput,
    ) -> async_graphql::Result<StagedUploadPayload> {
        let actor = actor(ctx).await.gql()?;
        let dossier_id = parse_id(&input.dossier_id, "dossier").gql()?;
        let new = NewEvidence {
            dossier_id,
            kind: input.kind.into(),
            title: input.title,
            links: LinkInput {
                experience_id: input.experience_id.map(|i| i.0),
                qualification_id: input.qualification_id.map(|i| i.0),
                prior_validation_id: input.prior_validation_id.map(|i| i.0),
                competence_codes: input.competence_codes,
            },
        };
        let result = app::evidence::start_staged(
            state(ctx),
            &actor,
            new,
            &input.file_name,
            i64::from(input.size),
            &input.sha256,
        )
        .await;
        let (staged, user_errors) = payload(result)?;
        Ok(match staged {
            Some(s) => StagedUploadPayload {
                evidence_id: Some(ID(s.evidence_id.to_string())),
                upload_url: Some(s.upload_url),
                upload_headers: s
                    .headers
                    .into_iter()
                    .map(|(name, value)| HttpHeader { name, value })
                    .collect(),
                expires_at: Some(s.expires_at),
                user_errors,
            },
            None => StagedUploadPayload {
                evidence_id: None,
                upload_url: None,
                upload_headers: Vec::new(),
                expires_at: None,
                user_errors,
            },
        })
    }

    /// Verifies size, checksum and content type of a staged upload; only then the file becomes evidence.
    async fn complete_evidence_upload(
        &self,
        ctx: &Context<'_>,
        input: CompleteEvidenceUploadInput,
    ) -> async_graphql::Result<EvidencePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.evidence_id, "upload").gql()?;
        let result = app::evidence::complete_staged(state(ctx), &actor, id).await;
        evidence_payload(ctx, actor, result).await
    }

    /// Links a file to an experience or qualification and sets the competences it supports.
    async fn link_evidence(
        &self,
        ctx: &Context<'_>,
        input: LinkEvidenceInput,
    ) -> async_graphql::Result<EvidencePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.evidence_id, "evidence").gql()?;
        let links = LinkInput {
            experience_id: input.experience_id.map(|i| i.0),
            qualification_id: input.qualification_id.map(|i| i.0),
            prior_validation_id: input.prior_validation_id.map(|i| i.0),
            competence_codes: Some(input.competence_codes),
        };
        let result = app::evidence::link(state(ctx), &actor, id, links).await;
        evidence_payload(ctx, actor, result).await
    }

    /// Deletes a file and its object.
    async fn delete_evidence(
        &self,
        ctx: &Context<'_>,
        input: super::experience::DeleteInput,
    ) -> async_graphql::Result<DeletePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.id, "evidence").gql()?;
        let (deleted, user_errors) =
            payload(app::evidence::delete(state(ctx), &actor, id, input.expected_version).await)?;
        Ok(DeletePayload {
            deleted_id: deleted.map(|id| ID(id.to_string())),
            user_errors,
        })
    }
}

async fn evidence_payload(
    ctx: &Context<'_>,
    actor: Actor,
    result: Result<EvidenceRecord, AppError>,
) -> async_graphql::Result<EvidencePayload> {
    let (record, user_errors) = payload(result)?;
    let Some(record) = record else {
        return Ok(EvidencePayload {
            evidence: None,
            user_errors,
        });
    };
    let state = state(ctx);
    let dossier = crate::db::dossiers::get(&state.db, record.dossier_id)
        .await
        .map_err(AppError::from)
        .gql()?
        .ok_or(AppError::NotFound("dossier"))
        .gql()?;
    let programme = state
        .catalog
        .version(
            &state.db,
            &dossier.programme_code,
            &dossier.programme_version,
        )
        .await
        .gql()?;
    Ok(EvidencePayload {
        evidence: Some(EvidenceNode {
            record,
            programme,
            actor,
        }),
        user_errors,
    })
}

#[derive(Default)]
pub struct EvidenceQuery;

#[Object]
impl EvidenceQuery {
    /// Full-text search (French stemming where the database offers it) over experiences and
    /// evidence the viewer may read, best matches first. Each of the three sources (the files'
    /// titles and names, the experiences they support, the claims' justifications) contributes
    /// at most its first 1,000 matches: beyond that `totalCountIsExact` is false, `totalCount`
    /// counts the files gathered and the ranking covers them only; narrow the search (a dossier,
    /// a domain, more words) to rank every match.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn search_evidence(
        &self,
        ctx: &Context<'_>,
        query: String,
        dossier_id: Option<ID>,
        domain_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EvidenceConnection> {
        let actor = actor(ctx).await.gql()?;
        let page = PageRequest::<Ranked>::parse(first, after.as_deref()).gql()?;
        let dossier_id = match dossier_id {
            None => None,
            Some(id) => Some(parse_id(&id, "dossier").gql()?),
        };
        let state = state(ctx);
        let found = app::search::search(
            state,
            &actor,
            &query,
            dossier_id,
            domain_code.as_deref(),
            page,
        )
        .await
        .gql()?;
        let mut programmes = std::collections::HashMap::new();
        for app::search::Found {
            evidence, dossier, ..
        } in &found.items
        {
            if let std::collections::hash_map::Entry::Vacant(e) =
                programmes.entry(evidence.dossier_id)
            {
                let programme = state
                    .catalog
                    .version(
                        &state.db,
                        &dossier.programme_code,
                        &dossier.programme_version,
                    )
                    .await
                    .gql()?;
                e.insert(programme);
            }
        }
        Ok(EvidenceConnection::new(parts_by(
            found,
            |found| found.rank.encode(),
            |found| {
                let programme = programmes[&found.evidence.dossier_id].clone();
                EvidenceNode {
                    record: found.evidence,
                    programme,
                    actor: actor.clone(),
                }
            },
        )))
    }
}
