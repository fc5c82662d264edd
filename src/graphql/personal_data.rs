//! The dossier leaving the system and a person's rights: links to the jury bundle and to the
//! personal-data export, erasure, restriction of processing and legal holds.

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::context::{actor, state};
use super::dossier::{DossierPayload, DossierTransitionInput};
use super::errors::{GqlResult, UserError, payload};
use crate::app::access::parse_id;
use crate::app::{self};

#[derive(Default)]
pub struct PersonalDataMutation;

#[derive(InputObject)]
pub struct RequestJuryBundleInput {
    pub dossier_id: ID,
}

/// Whose data: yourself when `subject` is omitted; admins name any user by token subject.
#[derive(InputObject)]
pub struct PersonInput {
    pub subject: Option<String>,
}

#[derive(InputObject)]
pub struct PlaceLegalHoldInput {
    pub dossier_id: ID,
    /// Why (litigation, appeal); shown to admins only, kept out of the audit trail.
    pub reason: String,
    pub expected_version: Option<i32>,
}

/// A short-lived signed link; using it is checked again and audited.
#[derive(SimpleObject)]
pub struct DownloadLinkPayload {
    pub url: Option<String>,
    pub expires_at: Option<chrono::DateTime<chrono::Utc>>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct ErasurePayload {
    pub erased_dossier_ids: Vec<ID>,
    /// Objects deleted from the store; none of the person's is listed there afterwards.
    pub deleted_objects: i32,
    /// Per-domain decisions kept in the ledger under a pseudonym.
    pub kept_ledger_entries: i32,
    pub user_errors: Vec<UserError>,
}

fn link_payload(
    result: Result<app::exports::DownloadLink, crate::error::AppError>,
) -> async_graphql::Result<DownloadLinkPayload> {
    let (link, user_errors) = payload(result)?;
    Ok(DownloadLinkPayload {
        url: link.as_ref().map(|l| l.url.clone()),
        expires_at: link.map(|l| l.expires_at),
        user_errors,
    })
}

#[Object]
impl PersonalDataMutation {
    /// A link to the dossier's jury bundle: a zip of `summary.pdf` (in French, PDF/A),
    /// `evidence/<domain>/<file>` (original bytes) and `manifest.json` (every entry with its
    /// SHA-256). Anyone who may read the dossier; the download is audited.
    async fn request_jury_bundle(
        &self,
        ctx: &Context<'_>,
        input: RequestJuryBundleInput,
    ) -> async_graphql::Result<DownloadLinkPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        link_payload(app::exports::bundle_link(state(ctx), &actor, id).await)
    }

    /// A link to everything held about a person (GDPR art. 15 and 20): every record as JSON,
    /// their files, the audit events about them and the ledger, in one zip. The person
    /// themselves, or an admin.
    async fn request_personal_data_export(
        &self,
        ctx: &Context<'_>,
        input: PersonInput,
    ) -> async_graphql::Result<DownloadLinkPayload> {
        let actor = actor(ctx).await.gql()?;
        link_payload(
            app::exports::personal_data_link(state(ctx), &actor, input.subject.as_deref()).await,
        )
    }

    /// Erases a person (GDPR art. 17): account, dossiers, files (deleted from the store and
    /// checked by listing it), full-text rows. Jury decisions stay in the ledger and audit
    /// events stay with the person replaced by a pseudonym. Refused as a whole
    /// (`LEGAL_HOLD`) while any dossier of theirs is under a legal hold. The person, or an admin.
    async fn erase_personal_data(
        &self,
        ctx: &Context<'_>,
        input: PersonInput,
    ) -> async_graphql::Result<ErasurePayload> {
        let actor = actor(ctx).await.gql()?;
        let (report, user_errors) = payload(
            app::personal_data::erase_person(state(ctx), &actor, input.subject.as_deref()).await,
        )?;
        let report = report.unwrap_or_default();
        Ok(ErasurePayload {
            erased_dossier_ids: report
                .dossier_ids
                .iter()
                .map(|id| ID(id.to_string()))
                .collect(),
            deleted_objects: i32::try_from(report.deleted_objects).unwrap_or(i32::MAX),
            kept_ledger_entries: i32::try_from(report.ledger_entries).unwrap_or(i32::MAX),
            user_errors,
        })
    }

    /// Restricts processing (GDPR art. 18): the dossier is kept and read but nothing changes
    /// it (`DOSSIER_RESTRICTED`) and retention skips it. The candidate or an admin.
    async fn restrict_processing(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let result = app::personal_data::set_restriction(
            state(ctx),
            &actor,
            id,
            true,
            input.expected_version,
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// Lifts a restriction of processing. Admins only.
    async fn lift_restriction(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let result = app::personal_data::set_restriction(
            state(ctx),
            &actor,
            id,
            false,
            input.expected_version,
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// Places a legal hold: no erasure (by request or retention) until it is lifted. Admins only.
    async fn place_legal_hold(
        &self,
        ctx: &Context<'_>,
        input: PlaceLegalHoldInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let result = app::personal_data::legal_hold(
            state(ctx),
            &actor,
            id,
            Some(input.reason),
            input.expected_version,
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// Lifts a legal hold. Admins only.
    async fn lift_legal_hold(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let result =
            app::personal_data::legal_hold(state(ctx), &actor, id, None, input.expected_version)
                .await;
        DossierPayload::from_result(&actor, result)
    }
}
