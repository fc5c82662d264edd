//! Experiences and their claims, qualifications and prior validations.

use std::sync::Arc;

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, SimpleObject};

use super::context::{actor, state};
use super::dossier::DossierPayload;
use super::enums::{ExperienceKind, SelfAssessment};
use super::errors::{GqlResult, UserError, payload};
use super::evidence::EvidenceNode;
use super::loaders::Loaders;
use super::referential::CompetenceNode;
use super::scalars::Date;
use crate::app::access::parse_id;
use crate::app::experiences::{
    ClaimInput as AppClaim, ExperienceInput, ExperiencePatch, PriorValidationInput,
    QualificationInput,
};
use crate::app::{self, today};
use crate::db::records::{ExperienceRecord, PriorValidationRecord, QualificationRecord};
use crate::domain::period::shown_fte_months;
use crate::domain::policy::Actor;
use crate::domain::programme::Programme;
use crate::error::AppError;

/// A period of activity the candidate puts forward.
#[derive(Clone)]
pub struct ExperienceNode {
    pub record: ExperienceRecord,
    pub programme: Arc<Programme>,
    pub actor: Actor,
}

#[Object(name = "Experience")]
impl ExperienceNode {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    /// Role held.
    async fn title(&self) -> &str {
        &self.record.title
    }
    async fn organisation(&self) -> &str {
        &self.record.organisation
    }
    async fn kind(&self) -> ExperienceKind {
        self.record.kind.into()
    }
    async fn start_date(&self) -> Date {
        Date(self.record.start_date)
    }
    /// Null while the experience is ongoing.
    async fn end_date(&self) -> Option<Date> {
        self.record.end_date.map(Date)
    }
    /// 100 = full time.
    async fn working_time_percent(&self) -> i32 {
        i32::from(self.record.working_time_percent)
    }
    async fn description(&self) -> Option<&str> {
        self.record.description.as_deref()
    }
    /// Full-time-equivalent months of this experience alone (an ongoing one counts to today): a
    /// month is 365.25 / 12 full-time days, and like every month count of the API the figure is
    /// rounded to one decimal, half away from zero.
    async fn fte_months(&self) -> f64 {
        shown_fte_months(
            self.record.start_date,
            self.record.end_date,
            self.record.working_time_percent,
            today(),
        )
    }
    /// Competences this experience claims.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn claims(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<CompetenceClaim>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let claims = loaders
            .claims
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(claims
            .into_iter()
            .filter_map(|c| {
                Some(CompetenceClaim {
                    competence: CompetenceNode::find(&self.programme, &c.competence_code)?,
                    self_assessment: c.self_assessment.into(),
                    justification: c.justification,
                    advisor_agrees: c.advisor_agrees,
                    advisor_comment: c.advisor_comment,
                })
            })
            .collect())
    }
    /// Files linked to this experience.
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EvidenceNode>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let files = loaders
            .evidence_by_experience
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        Ok(files
            .into_iter()
            .map(|record| EvidenceNode {
                record,
                programme: self.programme.clone(),
                actor: self.actor.clone(),
            })
            .collect())
    }
}

/// An experience's claim to demonstrate a competence, with the advisor's review.
#[derive(SimpleObject)]
pub struct CompetenceClaim {
    pub competence: CompetenceNode,
    pub self_assessment: SelfAssessment,
    pub justification: Option<String>,
    /// Null until an advisor reviewed the claim.
    pub advisor_agrees: Option<bool>,
    pub advisor_comment: Option<String>,
}

/// A diploma the candidate holds.
pub struct QualificationNode {
    pub record: QualificationRecord,
    pub actor: Actor,
}

#[Object(name = "Qualification")]
impl QualificationNode {
    async fn id(&self) -> ID {
        ID(self.record.id.to_string())
    }
    /// e.g. "CAFERUIS", "DSTS", "CAFDES", "DEES", "MASTER".
    async fn code(&self) -> &str {
        &self.record.code
    }
    async fn title(&self) -> &str {
        &self.record.title
    }
    /// Level in the national framework (1–8).
    async fn level(&self) -> Option<i32> {
        self.record.level.map(i32::from)
    }
    async fn obtained_on(&self) -> Option<Date> {
        self.record.obtained_on.map(Date)
    }
    /// Files linked to this qualification (a copy of the diploma proves it).
    #[graphql(complexity = "crate::graphql::list_cost(child_complexity)")]
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<EvidenceNode>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let files = loaders
            .evidence_by_qualification
            .load_one(self.record.id)
            .await
            .map_err(|e| e.into_gql())?
            .unwrap_or_default();
        let state = state(ctx);
        let Some(first) = files.first() else {
            return Ok(Vec::new());
        };
        let dossier = crate::db::dossiers::get(&state.db, first.dossier_id)
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
        Ok(files
            .into_iter()
            .map(|record| EvidenceNode {
                record,
                programme: programme.clone(),
                actor: self.actor.clone(),
            })
            .collect())
    }
}

/// A domain already validated, by a jury or a training.
#[derive(SimpleObject)]
pub struct PriorValidation {
    pub id: ID,
    pub programme_code: String,
    pub domain_code: String,
    pub validated_on: Date,
    pub source: String,
    /// True when recorded by a jury decision in Acquis; false when declared by the candidate.
    pub verified: bool,
}

impl From<PriorValidationRecord> for PriorValidation {
    fn from(p: PriorValidationRecord) -> Self {
        PriorValidation {
            id: ID(p.id.to_string()),
            programme_code: p.programme_code,
            domain_code: p.domain_code,
            validated_on: Date(p.validated_on),
            source: p.source,
            verified: p.verified,
        }
    }
}

#[derive(SimpleObject)]
pub struct ExperiencePayload {
    pub experience: Option<ExperienceNode>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct QualificationPayload {
    pub qualification: Option<QualificationNode>,
    pub user_errors: Vec<UserError>,
}

#[derive(SimpleObject)]
pub struct DeletePayload {
    pub deleted_id: Option<ID>,
    pub user_errors: Vec<UserError>,
}

#[derive(InputObject)]
pub struct AddExperienceInput {
    pub dossier_id: ID,
    pub title: String,
    pub organisation: String,
    pub kind: ExperienceKind,
    pub start_date: Date,
    pub end_date: Option<Date>,
    pub working_time_percent: i32,
    pub description: Option<String>,
    pub expected_version: Option<i32>,
}

/// Omitted fields keep their value; `endDate: null` makes the experience ongoing.
#[derive(InputObject)]
pub struct UpdateExperienceInput {
    pub id: ID,
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub kind: Option<ExperienceKind>,
    pub start_date: Option<Date>,
    pub end_date: MaybeUndefined<Date>,
    pub working_time_percent: Option<i32>,
    pub description: MaybeUndefined<String>,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct DeleteInput {
    pub id: ID,
    pub expected_version: Option<i32>,
}

#[derive(InputObject)]
pub struct AddQualificationInput {
    pub dossier_id: ID,
    pub code: String,
    pub title: String,
    pub level: Option<i32>,
    pub obtained_on: Option<Date>,
    /// Version of the qualification's referential when known, e.g. "2004" or "2022" for the
    /// CAFERUIS: some exemption rules apply to one version only.
    pub version: Option<String>,
}

#[derive(InputObject)]
pub struct AddPriorValidationInput {
    pub dossier_id: ID,
    pub programme_code: String,
    pub domain_code: String,
    pub validated_on: Date,
    pub source: String,
    /// The version of the programme the validation was awarded under; the current one when
    /// omitted. A newer version carries validated domains over through its transition table.
    pub programme_version: Option<String>,
}

#[derive(InputObject)]
pub struct ClaimInput {
    pub competence_code: String,
    pub self_assessment: SelfAssessment,
    pub justification: Option<String>,
}

#[derive(InputObject)]
pub struct ClaimCompetencesInput {
    pub experience_id: ID,
    /// Replaces the whole set of claims of the experience.
    pub claims: Vec<ClaimInput>,
}

#[derive(InputObject)]
pub struct ReviewClaimInput {
    pub experience_id: ID,
    pub competence_code: String,
    pub agrees: bool,
    pub comment: Option<String>,
}

#[derive(Default)]
pub struct ExperienceMutation;

#[Object]
impl ExperienceMutation {
    async fn add_experience(
        &self,
        ctx: &Context<'_>,
        input: AddExperienceInput,
    ) -> async_graphql::Result<ExperiencePayload> {
        let actor = actor(ctx).await.gql()?;
        let dossier_id = parse_id(&input.dossier_id, "dossier").gql()?;
        let fields = ExperienceInput {
            title: input.title,
            organisation: input.organisation,
            kind: input.kind.into(),
            start_date: input.start_date.0,
            end_date: input.end_date.map(|d| d.0),
            working_time_percent: input.working_time_percent,
            description: input.description,
        };
        let result = app::experiences::add(
            state(ctx),
            &actor,
            dossier_id,
            fields,
            input.expected_version,
        )
        .await;
        experience_payload(ctx, actor, result).await
    }

    async fn update_experience(
        &self,
        ctx: &Context<'_>,
        input: UpdateExperienceInput,
    ) -> async_graphql::Result<ExperiencePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.id, "experience").gql()?;
        let patch = ExperiencePatch {
            title: input.title,
            organisation: input.organisation,
            kind: input.kind.map(Into::into),
            start_date: input.start_date.map(|d| d.0),
            end_date: maybe(input.end_date.map_value(|d| d.0)),
            working_time_percent: input.working_time_percent,
            description: maybe(input.description),
        };
        let result =
            app::experiences::update(state(ctx), &actor, id, patch, input.expected_version).await;
        experience_payload(ctx, actor, result).await
    }

    async fn delete_experience(
        &self,
        ctx: &Context<'_>,
        input: DeleteInput,
    ) -> async_graphql::Result<DeletePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.id, "experience").gql()?;
        let (deleted, user_errors) = payload(
            app::experiences::delete(state(ctx), &actor, id, input.expected_version).await,
        )?;
        Ok(DeletePayload {
            deleted_id: deleted.map(|id| ID(id.to_string())),
            user_errors,
        })
    }

    async fn add_qualification(
        &self,
        ctx: &Context<'_>,
        input: AddQualificationInput,
    ) -> async_graphql::Result<QualificationPayload> {
        let actor = actor(ctx).await.gql()?;
        let dossier_id = parse_id(&input.dossier_id, "dossier").gql()?;
        let fields = QualificationInput {
            code: input.code,
            title: input.title,
            level: input.level,
            obtained_on: input.obtained_on.map(|d| d.0),
            version: input.version,
        };
        let (record, user_errors) = payload(
            app::experiences::add_qualification(state(ctx), &actor, dossier_id, fields).await,
        )?;
        Ok(QualificationPayload {
            qualification: record.map(|record| QualificationNode { record, actor }),
            user_errors,
        })
    }

    async fn add_prior_validation(
        &self,
        ctx: &Context<'_>,
        input: AddPriorValidationInput,
    ) -> async_graphql::Result<DossierPayload> {
        let actor = actor(ctx).await.gql()?;
        let dossier_id = parse_id(&input.dossier_id, "dossier").gql()?;
        let fields = PriorValidationInput {
            programme_code: input.programme_code,
            domain_code: input.domain_code,
            validated_on: input.validated_on.0,
            source: input.source,
            programme_version: input.programme_version,
        };
        let state = state(ctx);
        let result =
            match app::experiences::add_prior_validation(state, &actor, dossier_id, fields).await {
                Ok(_) => app::dossiers::get(state, &actor, dossier_id).await,
                Err(err) => Err(err),
            };
        DossierPayload::from_result(&actor, result)
    }

    /// Replaces the competences an experience claims.
    async fn claim_competences(
        &self,
        ctx: &Context<'_>,
        input: ClaimCompetencesInput,
    ) -> async_graphql::Result<ExperiencePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.experience_id, "experience").gql()?;
        let claims = input
            .claims
            .into_iter()
            .map(|c| AppClaim {
                competence_code: c.competence_code,
                self_assessment: c.self_assessment.into(),
                justification: c.justification,
            })
            .collect();
        let result = app::experiences::claim(state(ctx), &actor, id, claims).await;
        experience_payload(ctx, actor, result).await
    }

    /// The assigned advisor agrees or disagrees with one claim.
    async fn review_claim(
        &self,
        ctx: &Context<'_>,
        input: ReviewClaimInput,
    ) -> async_graphql::Result<ExperiencePayload> {
        let actor = actor(ctx).await.gql()?;
        let id = parse_id(&input.experience_id, "experience").gql()?;
        let result = app::experiences::review_claim(
            state(ctx),
            &actor,
            id,
            &input.competence_code,
            input.agrees,
            input.comment,
        )
        .await;
        experience_payload(ctx, actor, result).await
    }
}

fn maybe<T>(value: MaybeUndefined<T>) -> Option<Option<T>> {
    match value {
        MaybeUndefined::Undefined => None,
        MaybeUndefined::Null => Some(None),
        MaybeUndefined::Value(v) => Some(Some(v)),
    }
}

async fn experience_payload(
    ctx: &Context<'_>,
    actor: Actor,
    result: Result<ExperienceRecord, AppError>,
) -> async_graphql::Result<ExperiencePayload> {
    let (record, user_errors) = payload(result)?;
    let Some(record) = record else {
        return Ok(ExperiencePayload {
            experience: None,
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
    Ok(ExperiencePayload {
        experience: Some(ExperienceNode {
            record,
            programme,
            actor,
        }),
        user_errors,
    })
}
