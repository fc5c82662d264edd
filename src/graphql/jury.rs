//! Advisors' recommendations, jury assessments and decisions, and the audit trail.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::connection::connection;
use super::context::{actor, state};
use super::dossier::DossierPayload;
use super::enums::{AssessmentOutcome, DecisionOutcome, Recommendation};
use super::errors::GqlResult;
use super::loaders::Loaders;
use super::referential::DomainNode;
use super::scalars::Date;
use super::viewer::Viewer;
use crate::app::access::parse_id;
use crate::app::{self};
use crate::db::records::{AssessmentRecord, AuditRecord, DecisionRecord};
use crate::domain::programme::Programme;
use crate::error::AppError;

/// A jury member's verdict on one domain.
pub struct DomainAssessment {
    domain: DomainNode,
    record: AssessmentRecord,
}

impl DomainAssessment {
    pub fn new(programme: &Arc<Programme>, record: AssessmentRecord) -> Option<DomainAssessment> {
        Some(DomainAssessment {
            domain: DomainNode::find(programme, &record.domain_code)?,
            record,
        })
    }
}

#[Object(name = "DomainAssessment")]
impl DomainAssessment {
    async fn domain(&self) -> DomainNode {
        self.domain.clone()
    }
    async fn outcome(&self) -> AssessmentOutcome {
        if self.record.validated {
            AssessmentOutcome::Validated
        } else {
            AssessmentOutcome::NotValidated
        }
    }
    async fn comment(&self) -> Option<&str> {
        self.record.comment.as_deref()
    }
    async fn assessor(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let user = loaders
            .users
            .load_one(self.record.assessor_id)
            .await
            .map_err(|e| e.into_gql())?;
        user.map(Viewer::from)
            .ok_or_else(|| super::errors::gql(AppError::NotFound("assessor")))
    }
}

/// The jury's decision on a dossier.
#[derive(SimpleObject)]
pub struct JuryDecision {
    pub outcome: DecisionOutcome,
    pub validated_domain_codes: Vec<String>,
    pub decided_on: Date,
    pub comment: Option<String>,
}

impl From<DecisionRecord> for JuryDecision {
    fn from(d: DecisionRecord) -> Self {
        JuryDecision {
            outcome: d.outcome.into(),
            validated_domain_codes: d.validated_domain_codes,
            decided_on: Date(d.decided_on),
            comment: d.comment,
        }
    }
}

/// Who did or read what, and when. Holds ids and action names only.
#[derive(SimpleObject)]
pub struct AuditEvent {
    pub id: ID,
    pub at: chrono::DateTime<chrono::Utc>,
    pub actor_id: Option<ID>,
    /// e.g. "evidence.download_url_issued", "dossier.submitted".
    pub action: String,
    pub dossier_id: Option<ID>,
    pub target_id: Option<ID>,
}

impl From<AuditRecord> for AuditEvent {
    fn from(a: AuditRecord) -> Self {
        AuditEvent {
            id: ID(a.id.to_string()),
            at: a.at,
            actor_id: a.actor_id.map(|i| ID(i.to_string())),
            action: a.action,
            dossier_id: a.dossier_id.map(|i| ID(i.to_string())),
            target_id: a.target_id.map(|i| ID(i.to_string())),
        }
    }
}

connection!(AuditEventConnection, AuditEventEdge, AuditEvent);

#[derive(InputObject)]
pub struct RecommendExemptionInput {
    pub dossier_id: ID,
    pub rule_id: String,
    pub recommendation: Recommendation,
    pub rationale: String,
}

#[derive(InputObject)]
pub struct AssessDomainInput {
    pub dossier_id: ID,
    pub domain_code: String,
    pub outcome: AssessmentOutcome,
    pub comment: Option<String>,
}

#[derive(InputObject)]
pub struct RecordDecisionInput {
    pub dossier_id: ID,
    pub outcome: DecisionOutcome,
    pub comment: Option<String>,
}

#[derive(Default)]
pub struct JuryMutation;

#[Object]
impl JuryMutation {
    /// The assigned advisor recommends, or advises against, an exemption flag.
    async fn recommend_exemption(
        &self,
        ctx: &Context<'_>,
        input: RecommendExemptionInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let recommend = input.recommendation == Recommendation::Recommend;
        let result = app::jury::recommend(
            state(ctx),
            &actor,
            id,
            &input.rule_id,
            recommend,
            input.rationale,
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// An assigned jury member assesses one domain (the latest assessment of a domain counts).
    async fn assess_domain(
        &self,
        ctx: &Context<'_>,
        input: AssessDomainInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let validated = input.outcome == AssessmentOutcome::Validated;
        let result = app::jury::assess(
            state(ctx),
            &actor,
            id,
            &input.domain_code,
            validated,
            input.comment,
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// Records the decision; it must agree with the assessments of every domain.
    async fn record_decision(
        &self,
        ctx: &Context<'_>,
        input: RecordDecisionInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.dossier_id, "dossier").gql()?;
        let result =
            app::jury::decide(state(ctx), &actor, id, input.outcome.into(), input.comment).await;
        DossierPayload::from_result(&actor, result)
    }
}

#[derive(Default)]
pub struct AuditQuery;

#[Object]
impl AuditQuery {
    /// The audit trail, newest last; optionally of one dossier. Admins only.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn audit_events(
        &self,
        ctx: &Context<'_>,
        dossier_id: Option<ID>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEventConnection> {
        let actor = actor(ctx).await.gql()?;
        if !crate::domain::policy::may_read_audit_trail(&actor) {
            return Err(super::errors::gql(AppError::forbidden(
                "only an admin may read the audit trail",
            )));
        }
        let page = crate::app::pagination::PageRequest::parse(first, after.as_deref()).gql()?;
        let dossier_id = match dossier_id {
            None => None,
            Some(id) => Some(parse_id(&id, "dossier").gql()?),
        };
        let (rows, total) =
            crate::db::audit::page(&state(ctx).db, dossier_id, page.after, page.fetch_limit())
                .await
                .map_err(AppError::from)
                .gql()?;
        let page = crate::app::pagination::Page::from_rows(rows, &page, total);
        Ok(AuditEventConnection::new(super::connection::parts(
            page,
            |e| e.id,
            AuditEvent::from,
        )))
    }
}
