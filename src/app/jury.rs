//! What advisors and jury members decide: exemption recommendations, domain assessments, and
//! the jury decision, whose validated domains join the candidate's ledger of prior validations.

use uuid::Uuid;

use super::access::dossier_for;
use super::dossiers::audit;
use super::experiences::{optional_text, required_paragraphs};
use super::{AppState, today};
use crate::db::records::{
    AssessmentRecord, DecisionOutcome, DecisionRecord, DossierRecord, PriorValidationRecord,
    RecommendationRecord,
};
use crate::db::{self};
use crate::domain::codes::DomainCode;
use crate::domain::dossier_status::{DossierStatus, Transition};
use crate::domain::policy::{Action, Actor};
use crate::error::{AppError, AppResult};

#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id, rule.id = rule_id))]
pub async fn recommend(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    rule_id: &str,
    recommend: bool,
    rationale: String,
) -> AppResult<DossierRecord> {
    let rationale = required_paragraphs(rationale, "rationale", 10_000)?;
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::RecommendExemption).await?;
    if dossier.status == DossierStatus::Draft || dossier.status.is_final() {
        return Err(AppError::InvalidTransition(format!(
            "exemptions cannot be recommended while the dossier is {}",
            dossier.status
        )));
    }
    let programme = state
        .catalog
        .version(
            &state.db,
            &dossier.programme_code,
            &dossier.programme_version,
        )
        .await?;
    if programme.rule(rule_id).is_none() {
        return Err(AppError::invalid(
            &["ruleId"],
            "UNKNOWN_RULE",
            format!(
                "{} has no exemption rule {rule_id:?}",
                programme.code.as_str()
            ),
        ));
    }
    let record = RecommendationRecord {
        rule_id: rule_id.to_owned(),
        recommend,
        rationale,
        advisor_id: actor.user_id,
    };
    db::jury::upsert_recommendation(&tx, dossier_id, &record).await?;
    db::dossiers::bump_version(&tx, dossier_id, None).await?;
    audit(&tx, actor, "exemption.recommended", dossier_id, None).await?;
    tx.commit().await?;
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}

#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id, domain.code = domain_code))]
pub async fn assess(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    domain_code: &str,
    validated: bool,
    comment: Option<String>,
) -> AppResult<DossierRecord> {
    let comment = optional_text(comment, "comment", 10_000)?;
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::AssessDomain).await?;
    if dossier.status != DossierStatus::ReadyForJury {
        return Err(AppError::InvalidTransition(format!(
            "domains can be assessed only when the dossier is READY_FOR_JURY, not {}",
            dossier.status
        )));
    }
    let programme = state
        .catalog
        .version(
            &state.db,
            &dossier.programme_code,
            &dossier.programme_version,
        )
        .await?;
    let code = DomainCode::parse(domain_code)
        .ok()
        .filter(|c| programme.domain(c).is_some())
        .ok_or_else(|| {
            AppError::invalid(
                &["domainCode"],
                "UNKNOWN_DOMAIN",
                format!("{} has no domain {domain_code:?}", programme.code.as_str()),
            )
        })?;
    let record = AssessmentRecord {
        domain_code: code.as_str().to_owned(),
        validated,
        comment,
        assessor_id: actor.user_id,
    };
    db::jury::upsert_assessment(&tx, dossier_id, &record).await?;
    db::dossiers::bump_version(&tx, dossier_id, None).await?;
    audit(&tx, actor, "domain.assessed", dossier_id, None).await?;
    tx.commit().await?;
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}

/// Records the decision, which must agree with the assessments: FULL when every domain is
/// validated, PARTIAL when some are, REFUSED when none is. The validated domains of a partial
/// decision become verified prior validations of the candidate.
#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn decide(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    outcome: DecisionOutcome,
    comment: Option<String>,
) -> AppResult<DossierRecord> {
    let comment = optional_text(comment, "comment", 10_000)?;
    let tx = crate::db::begin_write(&state.db).await?;
    let (dossier, _) = dossier_for(&tx, actor, dossier_id, Action::RecordDecision).await?;
    let next = dossier
        .status
        .apply(Transition::RecordDecision)
        .map_err(|e| AppError::InvalidTransition(e.to_string()))?;
    let programme = state
        .catalog
        .version(
            &state.db,
            &dossier.programme_code,
            &dossier.programme_version,
        )
        .await?;
    let assessments = db::jury::assessments(&tx, dossier_id).await?;
    let missing: Vec<&str> = programme
        .domains
        .iter()
        .map(|d| d.code.as_str())
        .filter(|code| !assessments.iter().any(|a| a.domain_code == *code))
        .collect();
    if !missing.is_empty() {
        return Err(AppError::invalid(
            &["outcome"],
            "ASSESSMENTS_MISSING",
            format!("assess every domain first; missing: {}", missing.join(", ")),
        ));
    }
    let validated: Vec<String> = programme
        .domains
        .iter()
        .map(|d| d.code.as_str().to_owned())
        .filter(|code| {
            assessments
                .iter()
                .any(|a| &a.domain_code == code && a.validated)
        })
        .collect();
    let consistent = match outcome {
        DecisionOutcome::Full => validated.len() == programme.domains.len(),
        DecisionOutcome::Partial => {
            !validated.is_empty() && validated.len() < programme.domains.len()
        }
        DecisionOutcome::Refused => validated.is_empty(),
    };
    if !consistent {
        return Err(AppError::invalid(
            &["outcome"],
            "DECISION_INCONSISTENT",
            format!(
                "a {} decision does not match the assessments ({} of {} domains validated)",
                outcome.as_str(),
                validated.len(),
                programme.domains.len()
            ),
        ));
    }
    let decided_on = today();
    let record = DecisionRecord {
        outcome,
        validated_domain_codes: validated.clone(),
        decided_on,
        comment,
    };
    db::jury::insert_decision(&tx, dossier_id, &record, actor.user_id).await?;
    for domain_code in &validated {
        let ledger = PriorValidationRecord {
            id: Uuid::now_v7(),
            candidate_id: dossier.candidate_id,
            dossier_id: None,
            programme_code: dossier.programme_code.clone(),
            programme_version: Some(dossier.programme_version.clone()),
            domain_code: domain_code.clone(),
            validated_on: decided_on,
            source: format!("VAE jury decision ({})", outcome.as_str()),
            verified: true,
        };
        db::experiences::insert_prior_validation(&tx, &ledger, Some(dossier_id)).await?;
    }
    db::dossiers::set_status(&tx, dossier_id, dossier.status, next, None, None).await?;
    audit(&tx, actor, "dossier.decided", dossier_id, None).await?;
    tx.commit().await?;
    db::dossiers::get(&state.db, dossier_id)
        .await?
        .ok_or(AppError::NotFound("dossier"))
}
