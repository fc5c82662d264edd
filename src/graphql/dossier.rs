//! Dossiers: the node, its queries and its life-cycle mutations.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, Object, SimpleObject};

use super::analysis::{
    DomainCoverageNode, EligibilityNode, ExemptionFlagNode, ExemptionTotals, TrainingAdmission,
};
use super::connection::{connection, parts};
use super::context::{actor, state};
use super::enums::DossierStatus;
use super::errors::{GqlResult, UserError, payload};
use super::evidence::{EvidenceConnection, EvidenceNode};
use super::experience::{ExperienceNode, PriorValidation, QualificationNode};
use super::jury::{AuditEvent, AuditEventConnection, DomainAssessment, JuryDecision};
use super::loaders::Loaders;
use super::referential::ProgrammeNode;
use super::scalars::Date;
use super::viewer::Viewer;
use crate::app::access::parse_id;
use crate::app::pagination::PageRequest;
use crate::app::rules::Analysis;
use crate::app::{self};
use crate::db::dossier_tree::{ExperiencePage, TreeRequest};
use crate::db::records::DossierRecord;
use crate::db::{self};
use crate::domain::dossier_status::Transition;
use crate::domain::policy::{Action, Actor};
use crate::error::AppError;

/// One candidate's application for one programme version.
#[derive(Clone)]
pub struct DossierNode {
    pub record: DossierRecord,
    pub actor: Actor,
}

impl DossierNode {
    async fn analysis(&self, ctx: &Context<'_>) -> async_graphql::Result<Arc<Analysis>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        loaders
            .analysis
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .ok_or_else(|| super::errors::gql(AppError::NotFound("dossier")))
    }

    async fn programme_arc(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Arc<crate::domain::programme::Programme>> {
        let state = state(ctx);
        state
            .catalog
            .version(
                &state.db,
                &self.record.programme_code,
                &self.record.programme_version,
            )
            .await
            .gql()
    }
}

#[Object(name = "Dossier")]
impl DossierNode {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    async fn status(&self) -> DossierStatus {
        self.record.status.into()
    }
    /// Increases with every change; send it back as `expectedVersion` to refuse stale writes.
    async fn version(&self) -> i32 {
        self.record.version
    }
    /// Decides the VAE regime; defaults to the creation date.
    async fn application_date(&self) -> Option<Date> {
        Some(Date(self.record.application_date))
    }
    /// The comment given with the last admissibility decision, if any.
    async fn status_comment(&self) -> Option<&str> {
        self.record.status_comment.as_deref()
    }
    async fn created_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.record.created_at
    }
    async fn updated_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.record.updated_at
    }
    /// When the path ended (decision, withdrawal, refusal); retention counts from here.
    async fn ended_on(&self) -> Option<Date> {
        self.record.ended_on.map(Date)
    }
    /// The last day this dossier's personal data is kept under the retention policy, once its
    /// path has ended (or, for a draft, counted from its last change); null while in progress.
    /// A restriction or a legal hold keeps it longer.
    async fn retained_until(&self, ctx: &Context<'_>) -> Option<Date> {
        state(ctx)
            .config
            .retention
            .retain_until(
                self.record.status,
                self.record.ended_on,
                self.record.updated_at.date_naive(),
            )
            .map(|(until, _)| Date(until))
    }
    /// Since when processing is restricted (GDPR art. 18): the dossier is read, never changed.
    async fn restricted_on(&self) -> Option<Date> {
        self.record.restricted_on.map(Date)
    }
    /// Whether a legal hold stops every erasure of this dossier.
    async fn legal_hold(&self) -> bool {
        self.record.legal_hold.is_some()
    }
    /// Why the dossier is held; admins only (null for others).
    async fn legal_hold_reason(&self) -> Option<&str> {
        if self.actor.has(crate::domain::policy::Role::Admin) {
            self.record.legal_hold.as_deref()
        } else {
            None
        }
    }
    async fn programme(&self, ctx: &Context<'_>) -> async_graphql::Result<ProgrammeNode> {
        Ok(ProgrammeNode(self.programme_arc(ctx).await?))
    }
    async fn candidate(&self, ctx: &Context<'_>) -> async_graphql::Result<Viewer> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let user = loaders
            .users
            .load_one(self.record.candidate_id)
            .await
            .map_err(|e| e.into_gql())?;
        user.map(Viewer::from)
            .ok_or_else(|| super::errors::gql(AppError::NotFound("candidate")))
    }
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn experiences(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<ExperienceConnection> {
        let page = PageRequest::parse(first, after.as_deref()).gql()?;
        let loaders = ctx.data_unchecked::<Loaders>();
        let all = loaders
            .experiences
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        let programme = self.programme_arc(ctx).await?;
        let page = app::pagination::Page::of_sorted(all, &page, |e| e.id);
        prefetch_experience_children(ctx, &page.items).await?;
        Ok(ExperienceConnection::new(parts(
            page,
            |e| e.id,
            |record| ExperienceNode {
                record,
                programme: programme.clone(),
                actor: self.actor.clone(),
            },
        )))
    }
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn qualifications(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<QualificationNode>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let list = loaders
            .qualifications
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(list
            .into_iter()
            .map(|record| QualificationNode {
                record,
                actor: self.actor.clone(),
            })
            .collect())
    }
    /// Domains validated earlier: declared on this dossier, or recorded by a jury of Acquis
    /// on an earlier dossier of the same candidate.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn prior_validations(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<PriorValidation>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let list = loaders
            .prior_validations
            .load_one((self.record.id, self.record.candidate_id))
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(list.into_iter().map(PriorValidation::from).collect())
    }
    /// Files of the dossier, optionally only those supporting a domain or a competence.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn evidence(
        &self,
        ctx: &Context<'_>,
        domain_code: Option<String>,
        competence_code: Option<String>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<EvidenceConnection> {
        let page = PageRequest::parse(first, after.as_deref()).gql()?;
        let loaders = ctx.data_unchecked::<Loaders>();
        let mut all = loaders
            .evidence
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        let competence = competence_code.map(|c| c.trim().to_ascii_uppercase());
        let domain_prefix = domain_code.map(|c| format!("{}.", c.trim().to_ascii_uppercase()));
        if competence.is_some() || domain_prefix.is_some() {
            let links = loaders
                .links
                .load_many(all.iter().map(|e| e.id))
                .await
                .map_err(|e| e.into_gql())?;
            all.retain(|e| {
                let codes = links
                    .get(&e.id)
                    .map(|l| l.competence_codes.as_slice())
                    .unwrap_or_default();
                competence.as_ref().is_none_or(|c| codes.contains(c))
                    && domain_prefix
                        .as_ref()
                        .is_none_or(|d| codes.iter().any(|c| c.starts_with(d.as_str())))
            });
        }
        let programme = self.programme_arc(ctx).await?;
        let page = app::pagination::Page::of_sorted(all, &page, |e| e.id);
        let ids = page.items.iter().map(|e| e.id).collect();
        super::evidence::prefetch_links(ctx, ctx.look_ahead().field("edges").field("node"), ids)
            .await?;
        Ok(EvidenceConnection::new(parts(
            page,
            |e| e.id,
            |record| EvidenceNode {
                record,
                programme: programme.clone(),
                actor: self.actor.clone(),
            },
        )))
    }
    /// What the experiences and files show, domain by domain.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn coverage(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DomainCoverageNode>> {
        let analysis = self.analysis(ctx).await?;
        Ok((0..analysis.coverage.len())
            .map(|index| DomainCoverageNode {
                analysis: analysis.clone(),
                index,
            })
            .collect())
    }
    /// VAE admissibility under the regime of the application date, with the reasons.
    async fn eligibility(&self, ctx: &Context<'_>) -> async_graphql::Result<EligibilityNode> {
        Ok(EligibilityNode(self.analysis(ctx).await?))
    }
    /// Admission to the training course (art. 2 routes), which the hybrid route depends on.
    async fn training_admission(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<TrainingAdmission> {
        Ok(TrainingAdmission::from(
            &self.analysis(ctx).await?.admission,
        ))
    }
    /// Dispenses and allègements the profile may justify, with the advisor's recommendations.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn exemptions(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<ExemptionFlagNode>> {
        let analysis = self.analysis(ctx).await?;
        let loaders = ctx.data_unchecked::<Loaders>();
        let recommendations = loaders
            .recommendations
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(analysis
            .exemptions
            .flags
            .iter()
            .cloned()
            .map(|flag| {
                let recommendation = recommendations
                    .iter()
                    .find(|r| r.rule_id == flag.rule_id)
                    .cloned();
                ExemptionFlagNode {
                    programme: analysis.programme.clone(),
                    flag,
                    recommendation,
                }
            })
            .collect())
    }
    /// Hours of training the flags may remove, in total.
    async fn exemption_totals(&self, ctx: &Context<'_>) -> async_graphql::Result<ExemptionTotals> {
        Ok(ExemptionTotals::from(
            &self.analysis(ctx).await?.exemptions.totals,
        ))
    }
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn assessments(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<DomainAssessment>> {
        let programme = self.programme_arc(ctx).await?;
        let loaders = ctx.data_unchecked::<Loaders>();
        let list = loaders
            .assessments
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(list
            .into_iter()
            .filter_map(|a| DomainAssessment::new(&programme, a))
            .collect())
    }
    async fn decision(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<JuryDecision>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let decision = loaders
            .decisions
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?;
        Ok(decision.map(JuryDecision::from))
    }
    /// Every mutation and evidence download on this dossier. Admins only.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn audit_trail(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
    ) -> async_graphql::Result<AuditEventConnection> {
        let state = state(ctx);
        app::dossiers::may(state, &self.actor, self.record.id, Action::ReadAuditTrail)
            .await
            .gql()?;
        let page = PageRequest::parse(first, after.as_deref()).gql()?;
        let (rows, total) = db::audit::page(
            &state.db,
            Some(self.record.id),
            page.after,
            page.fetch_limit(),
        )
        .await
        .map_err(AppError::from)
        .gql()?;
        let page = app::pagination::Page::from_rows(rows, &page, total);
        Ok(AuditEventConnection::new(parts(
            page,
            |e| e.id,
            AuditEvent::from,
        )))
    }
}

/// Loads what the selection asks for below the experiences of a page, one batch per level,
/// before the items resolve: the per-item loads then hit the request's cache, so the number of
/// statements is the same for 10 or 100 experiences, whatever the timing of the items.
async fn prefetch_experience_children(
    ctx: &Context<'_>,
    experiences: &[crate::db::records::ExperienceRecord],
) -> async_graphql::Result<()> {
    let node = ctx.look_ahead().field("edges").field("node");
    let loaders = ctx.data_unchecked::<Loaders>();
    let ids: Vec<uuid::Uuid> = experiences.iter().map(|e| e.id).collect();
    if ids.is_empty() {
        return Ok(());
    }
    if node.field("claims").exists() {
        loaders
            .claims
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| e.into_gql())?;
    }
    if node.field("evidence").exists() {
        let files = loaders
            .evidence_by_experience
            .load_many(ids.iter().copied())
            .await
            .map_err(|e| e.into_gql())?;
        let evidence_fields = node.field("evidence");
        let evidence_ids: Vec<uuid::Uuid> = files.values().flatten().map(|e| e.id).collect();
        super::evidence::prefetch_links(ctx, evidence_fields, evidence_ids).await?;
    }
    Ok(())
}

/// What the selection below a `dossier` field asks for that can be read together with the
/// dossier: its experiences and the children of the page shown. A selection the read cannot
/// serve whole (the field twice, invalid page arguments) reads the dossier alone and leaves the
/// rest to the loaders.
fn tree_request(ctx: &Context<'_>) -> TreeRequest {
    let experiences = ctx.look_ahead().field("experiences");
    let fields = experiences.selection_fields();
    let [field] = fields.as_slice() else {
        return TreeRequest::default();
    };
    let Ok(arguments) = field.arguments() else {
        return TreeRequest::default();
    };
    let argument = |name: &str| {
        arguments
            .iter()
            .find(|(n, _)| n.as_str() == name)
            .map(|(_, v)| v)
    };
    let first = match argument("first") {
        None | Some(async_graphql::Value::Null) => None,
        Some(async_graphql::Value::Number(n)) => {
            match n.as_i64().and_then(|n| i32::try_from(n).ok()) {
                Some(n) => Some(n),
                None => return TreeRequest::default(),
            }
        }
        Some(_) => return TreeRequest::default(),
    };
    let after = match argument("after") {
        None | Some(async_graphql::Value::Null) => None,
        Some(async_graphql::Value::String(s)) => Some(s.as_str()),
        Some(_) => return TreeRequest::default(),
    };
    let Ok(page) = PageRequest::parse(first, after) else {
        return TreeRequest::default();
    };
    let node = experiences.field("edges").field("node");
    let evidence = node.field("evidence");
    TreeRequest {
        experiences: Some(ExperiencePage {
            after: page.after,
            limit: page.fetch_limit(),
            claims: node.field("claims").exists(),
            evidence: evidence.exists(),
            evidence_competences: evidence.field("competences").exists(),
        }),
    }
}

connection!(DossierConnection, DossierEdge, DossierNode);
connection!(ExperienceConnection, ExperienceEdge, ExperienceNode);

#[derive(Default)]
pub struct DossierQuery;

#[Object]
impl DossierQuery {
    /// A dossier you may read; null when it does not exist or is not yours to see.
    async fn dossier(
        &self,
        ctx: &Context<'_>,
        id: ID,
    ) -> async_graphql::Result<Option<DossierNode>> {
        let actor = actor(ctx).await.gql()?;
        let Ok(id) = parse_id(&id, "dossier") else {
            return Ok(None);
        };
        let request = tree_request(ctx);
        match app::dossiers::read(state(ctx), &actor, id, &request).await {
            Ok(tree) => {
                let loaders = ctx.data_unchecked::<Loaders>();
                loaders
                    .prime(tree.dossier.id, tree.facts, tree.experiences)
                    .await;
                Ok(Some(DossierNode {
                    record: tree.dossier,
                    actor,
                }))
            }
            Err(AppError::NotFound(_)) => Ok(None),
            Err(err) => Err(super::errors::gql(err)),
        }
    }

    /// Candidate: own dossiers; advisor and jury: assigned ones; admin: all.
    #[graphql(complexity = "crate::graphql::page_cost(first, child_complexity)")]
    async fn dossiers(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        status: Option<DossierStatus>,
    ) -> async_graphql::Result<DossierConnection> {
        let actor = actor(ctx).await.gql()?;
        let page = PageRequest::parse(first, after.as_deref())
            .gql()?
            .total_if(ctx.look_ahead().field("totalCount").exists());
        let list = app::dossiers::list(state(ctx), &actor, status.map(Into::into), page)
            .await
            .gql()?;
        Ok(DossierConnection::new(parts(
            list,
            |d| d.id,
            |record| DossierNode {
                record,
                actor: actor.clone(),
            },
        )))
    }
}

#[derive(SimpleObject)]
pub struct DossierPayload {
    pub dossier: Option<DossierNode>,
    pub user_errors: Vec<UserError>,
}

impl DossierPayload {
    pub fn from_result(
        actor: &Actor,
        result: Result<DossierRecord, AppError>,
    ) -> async_graphql::Result<DossierPayload> {
        let (record, user_errors) = payload(result)?;
        Ok(DossierPayload {
            dossier: record.map(|record| DossierNode {
                record,
                actor: actor.clone(),
            }),
            user_errors,
        })
    }
}

#[derive(InputObject)]
pub struct CreateDossierInput {
    pub programme_code: String,
    pub application_date: Option<Date>,
}

#[derive(InputObject)]
pub struct DossierTransitionInput {
    pub dossier_id: ID,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct DecideAdmissibilityInput {
    pub dossier_id: ID,
    pub admissible: bool,
    pub comment: Option<String>,
}

#[derive(InputObject)]
pub struct AssignInput {
    pub dossier_id: ID,
    /// Token subject of the person to assign.
    pub subject: String,
}

#[derive(Default)]
pub struct DossierMutation;

#[Object]
impl DossierMutation {
    /// Starts a dossier for the current version of a programme.
    async fn create_dossier(
        &self,
        ctx: &Context<'_>,
        input: CreateDossierInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let result = app::dossiers::create(
            state(ctx),
            &actor,
            &input.programme_code,
            input.application_date.map(|d| d.0),
        )
        .await;
        DossierPayload::from_result(&actor, result)
    }

    /// DRAFT → SUBMITTED. The candidate's own dossier, with at least one experience.
    async fn submit_dossier(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        transition(
            ctx,
            &input.dossier_id,
            Transition::Submit,
            None,
            input.expected_version,
        )
        .await
    }

    /// Any non-final status → WITHDRAWN. The candidate or an admin.
    async fn withdraw_dossier(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        transition(
            ctx,
            &input.dossier_id,
            Transition::Withdraw,
            None,
            input.expected_version,
        )
        .await
    }

    /// SUBMITTED → ADMISSIBLE or NOT_ADMISSIBLE. Admins only.
    async fn decide_admissibility(
        &self,
        ctx: &Context<'_>,
        input: DecideAdmissibilityInput,
    ) -> async_graphql::Result<DossierPayload> {
        let transition_kind = if input.admissible {
            Transition::DeclareAdmissible
        } else {
            Transition::DeclareNotAdmissible
        };
        transition(
            ctx,
            &input.dossier_id,
            transition_kind,
            input.comment.as_deref(),
            None,
        )
        .await
    }

    /// ADMISSIBLE → READY_FOR_JURY. An admin or the assigned advisor.
    async fn mark_ready_for_jury(
        &self,
        ctx: &Context<'_>,
        input: DossierTransitionInput,
    ) -> async_graphql::Result<DossierPayload> {
        transition(
            ctx,
            &input.dossier_id,
            Transition::MarkReadyForJury,
            None,
            input.expected_version,
        )
        .await
    }

    /// Erases a dossier with its files: the candidate while DRAFT or WITHDRAWN, an admin always.
    async fn delete_dossier(
        &self,
        ctx: &Context<'_>,
        input: super::experience::DeleteInput,
    ) -> async_graphql::Result<super::experience::DeletePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.id, "dossier").gql()?;
        let (deleted, user_errors) =
            payload(app::dossiers::delete(state(ctx), &actor, id, input.expected_version).await)?;
        Ok(super::experience::DeletePayload {
            deleted_id: deleted.map(|id| ID(id.to_string())),
            user_errors,
        })
    }

    /// Assigns an advisor by token subject. Admins only.
    async fn assign_advisor(
        &self,
        ctx: &Context<'_>,
        input: AssignInput,
    ) -> async_graphql::Result<DossierPayload> {
        assign(ctx, input, "ADVISOR").await
    }

    /// Assigns a jury member by token subject. Admins only.
    async fn assign_jury_member(
        &self,
        ctx: &Context<'_>,
        input: AssignInput,
    ) -> async_graphql::Result<DossierPayload> {
        assign(ctx, input, "JURY").await
    }
}

async fn transition(
    ctx: &Context<'_>,
    dossier_id: &ID,
    transition: Transition,
    comment: Option<&str>,
    expected: Option<i32>,
) -> async_graphql::Result<DossierPayload> {
    let actor = actor(ctx).await.gql()?;
    let id = parse_id(dossier_id, "dossier").gql()?;
    let result =
        app::dossiers::transition(state(ctx), &actor, id, transition, comment, expected).await;
    DossierPayload::from_result(&actor, result)
}

async fn assign(
    ctx: &Context<'_>,
    input: AssignInput,
    role: &'static str,
) -> async_graphql::Result<DossierPayload> {
    let actor = actor(ctx).await.gql()?;
    let id = parse_id(&input.dossier_id, "dossier").gql()?;
    let result = app::dossiers::assign(state(ctx), &actor, id, &input.subject, role).await;
    DossierPayload::from_result(&actor, result)
}
