//! What the candidate records: experiences and their competence claims, qualifications, prior
//! validations; and the advisor's review of each claim.

use chrono::NaiveDate;

use crate::domain::text::{self, TextError, TextShape};
use uuid::Uuid;

use super::access::dossier_for;
use super::dossiers::audit;
use super::{AppState, today};
use crate::db::records::{
    ClaimRecord, DossierRecord, ExperienceRecord, PriorValidationRecord, QualificationRecord,
};
use crate::db::{self, Tx};
use crate::domain::codes::{CompetenceCode, DomainCode, ProgrammeCode, QualificationCode};
use crate::domain::experience::{ExperienceKind, SelfAssessment};
use crate::domain::period::{self, Period, PeriodError, WorkingTime};
use crate::domain::policy::{Action, Actor};
use crate::domain::programme::Programme;
use crate::error::{AppError, AppResult, Checks};

/// Fields of an experience as the candidate typed them.
#[derive(Clone, Debug)]
pub struct ExperienceInput {
    pub title: String,
    pub organisation: String,
    pub kind: ExperienceKind,
    pub start_date: NaiveDate,
    pub end_date: Option<NaiveDate>,
    pub working_time_percent: i32,
    pub description: Option<String>,
}

/// A partial change; `None` keeps the current value. `end_date: Some(None)` makes it ongoing.
#[derive(Clone, Debug, Default)]
pub struct ExperiencePatch {
    pub title: Option<String>,
    pub organisation: Option<String>,
    pub kind: Option<ExperienceKind>,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<Option<NaiveDate>>,
    pub working_time_percent: Option<i32>,
    pub description: Option<Option<String>>,
}

#[derive(Clone, Debug)]
pub struct ClaimInput {
    pub competence_code: String,
    pub self_assessment: SelfAssessment,
    pub justification: Option<String>,
}

/// Loads a dossier the candidate may still edit, inside `tx`.
pub async fn editable(tx: &Tx, actor: &Actor, dossier_id: Uuid) -> AppResult<DossierRecord> {
    let (dossier, _) = dossier_for(tx, actor, dossier_id, Action::EditContent).await?;
    if !dossier.status.candidate_may_edit() {
        return Err(AppError::InvalidTransition(format!(
            "the dossier is {} and can no longer be changed; only a DRAFT dossier can be edited",
            dossier.status
        )));
    }
    Ok(dossier)
}

#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn add(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    input: ExperienceInput,
    expected_version: Option<i32>,
) -> AppResult<ExperienceRecord> {
    let record = validate(Uuid::now_v7(), dossier_id, input)?;
    let tx = crate::db::begin_write(&state.db).await?;
    editable(&tx, actor, dossier_id).await?;
    db::dossiers::bump_version(&tx, dossier_id, expected_version).await?;
    db::experiences::insert(&tx, &record).await?;
    audit(&tx, actor, "experience.added", dossier_id, Some(record.id)).await?;
    tx.commit().await?;
    Ok(record)
}

#[tracing::instrument(skip_all, fields(experience.id = %id))]
pub async fn update(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    patch: ExperiencePatch,
    expected_version: Option<i32>,
) -> AppResult<ExperienceRecord> {
    let tx = crate::db::begin_write(&state.db).await?;
    let current = db::experiences::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("experience"))?;
    editable(&tx, actor, current.dossier_id)
        .await
        .map_err(hide_dossier("experience"))?;
    let merged = ExperienceInput {
        title: patch.title.unwrap_or(current.title),
        organisation: patch.organisation.unwrap_or(current.organisation),
        kind: patch.kind.unwrap_or(current.kind),
        start_date: patch.start_date.unwrap_or(current.start_date),
        end_date: patch.end_date.unwrap_or(current.end_date),
        working_time_percent: patch
            .working_time_percent
            .unwrap_or(i32::from(current.working_time_percent)),
        description: patch.description.unwrap_or(current.description),
    };
    let record = validate(id, current.dossier_id, merged)?;
    db::dossiers::bump_version(&tx, current.dossier_id, expected_version).await?;
    db::experiences::update(&tx, &record).await?;
    audit(
        &tx,
        actor,
        "experience.updated",
        current.dossier_id,
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

#[tracing::instrument(skip_all, fields(experience.id = %id))]
pub async fn delete(
    state: &AppState,
    actor: &Actor,
    id: Uuid,
    expected_version: Option<i32>,
) -> AppResult<Uuid> {
    let tx = crate::db::begin_write(&state.db).await?;
    let current = db::experiences::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("experience"))?;
    editable(&tx, actor, current.dossier_id)
        .await
        .map_err(hide_dossier("experience"))?;
    db::dossiers::bump_version(&tx, current.dossier_id, expected_version).await?;
    db::experiences::delete(&tx, id).await?;
    audit(
        &tx,
        actor,
        "experience.deleted",
        current.dossier_id,
        Some(id),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Replaces the competences an experience claims. Codes must belong to the dossier's programme.
#[tracing::instrument(skip_all, fields(experience.id = %experience_id, claims = claims.len()))]
pub async fn claim(
    state: &AppState,
    actor: &Actor,
    experience_id: Uuid,
    claims: Vec<ClaimInput>,
) -> AppResult<ExperienceRecord> {
    let tx = crate::db::begin_write(&state.db).await?;
    let experience = db::experiences::get(&tx, experience_id)
        .await?
        .ok_or(AppError::NotFound("experience"))?;
    let dossier = editable(&tx, actor, experience.dossier_id)
        .await
        .map_err(hide_dossier("experience"))?;
    let programme = state
        .catalog
        .version(
            &state.db,
            &dossier.programme_code,
            &dossier.programme_version,
        )
        .await?;
    let mut records: Vec<ClaimRecord> = Vec::with_capacity(claims.len());
    for (index, claim) in claims.into_iter().enumerate() {
        let code = competence_code(
            &programme,
            &claim.competence_code,
            &["claims", &index.to_string(), "competenceCode"],
        )?;
        if records.iter().any(|r| r.competence_code == code.as_str()) {
            return Err(AppError::invalid(
                &["claims", &index.to_string(), "competenceCode"],
                "DUPLICATE_CLAIM",
                format!("{code} is claimed twice"),
            ));
        }
        records.push(ClaimRecord {
            experience_id,
            competence_code: code.as_str().to_owned(),
            self_assessment: claim.self_assessment,
            justification: optional_text(claim.justification, "justification", 10_000)?,
            advisor_agrees: None,
            advisor_comment: None,
        });
    }
    db::dossiers::bump_version(&tx, dossier.id, None).await?;
    db::experiences::replace_claims(&tx, experience_id, &records).await?;
    audit(
        &tx,
        actor,
        "experience.claims_replaced",
        dossier.id,
        Some(experience_id),
    )
    .await?;
    tx.commit().await?;
    Ok(experience)
}

#[tracing::instrument(skip_all, fields(experience.id = %experience_id))]
pub async fn review_claim(
    state: &AppState,
    actor: &Actor,
    experience_id: Uuid,
    competence_code: &str,
    agrees: bool,
    comment: Option<String>,
) -> AppResult<ExperienceRecord> {
    let tx = crate::db::begin_write(&state.db).await?;
    let experience = db::experiences::get(&tx, experience_id)
        .await?
        .ok_or(AppError::NotFound("experience"))?;
    let (dossier, _) = dossier_for(&tx, actor, experience.dossier_id, Action::ReviewClaim)
        .await
        .map_err(hide_dossier("experience"))?;
    if matches!(
        dossier.status,
        crate::domain::dossier_status::DossierStatus::Draft
    ) || dossier.status.is_final()
    {
        return Err(AppError::InvalidTransition(format!(
            "claims cannot be reviewed while the dossier is {}",
            dossier.status
        )));
    }
    let code = CompetenceCode::parse(competence_code)
        .map_err(|e| AppError::invalid(&["competenceCode"], "UNKNOWN_COMPETENCE", e.to_string()))?;
    let comment = optional_text(comment, "comment", 10_000)?;
    if !db::experiences::review_claim(
        &tx,
        experience_id,
        code.as_str(),
        agrees,
        comment.as_deref(),
        actor.user_id,
    )
    .await?
    {
        return Err(AppError::invalid(
            &["competenceCode"],
            "UNKNOWN_CLAIM",
            format!("this experience does not claim {code}"),
        ));
    }
    db::dossiers::bump_version(&tx, dossier.id, None).await?;
    audit(
        &tx,
        actor,
        "claim.reviewed",
        dossier.id,
        Some(experience_id),
    )
    .await?;
    tx.commit().await?;
    Ok(experience)
}

pub struct QualificationInput {
    pub code: String,
    pub title: String,
    pub level: Option<i32>,
    pub obtained_on: Option<NaiveDate>,
    /// Version of the qualification's referential, when the candidate knows it.
    pub version: Option<String>,
}

#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn add_qualification(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    input: QualificationInput,
) -> AppResult<QualificationRecord> {
    let mut checks = Checks::default();
    let code = checks.check(
        QualificationCode::parse(&input.code)
            .map_err(|e| AppError::invalid(&["code"], "INVALID_CODE", e.to_string())),
    );
    let level = checks.check(match input.level {
        None => Ok(None),
        Some(l @ 1..=8) => Ok(Some(l as u8)),
        Some(_) => Err(AppError::invalid(
            &["level"],
            "INVALID_LEVEL",
            "the level must be between 1 and 8 (national framework)",
        )),
    });
    if let Some(day) = input.obtained_on {
        checks.check(past_day(day, "obtainedOn"));
    }
    let title = checks.check(required_text(input.title, "title", 300));
    let version = checks.check(optional_line(input.version, "version", 32));
    let (Some(code), Some(level), Some(title), Some(version), true) =
        (code, level, title, version, checks.is_empty())
    else {
        return Err(checks.into_error());
    };
    let record = QualificationRecord {
        id: Uuid::now_v7(),
        dossier_id,
        code: code.as_str().to_owned(),
        title,
        level,
        obtained_on: input.obtained_on,
        version,
    };
    let tx = crate::db::begin_write(&state.db).await?;
    editable(&tx, actor, dossier_id).await?;
    db::dossiers::bump_version(&tx, dossier_id, None).await?;
    db::experiences::insert_qualification(&tx, &record).await?;
    audit(
        &tx,
        actor,
        "qualification.added",
        dossier_id,
        Some(record.id),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

pub struct PriorValidationInput {
    pub programme_code: String,
    pub domain_code: String,
    pub validated_on: NaiveDate,
    pub source: String,
    /// The programme version it was awarded under, when known; the current one otherwise.
    pub programme_version: Option<String>,
}

#[tracing::instrument(skip_all, fields(dossier.id = %dossier_id))]
pub async fn add_prior_validation(
    state: &AppState,
    actor: &Actor,
    dossier_id: Uuid,
    input: PriorValidationInput,
) -> AppResult<PriorValidationRecord> {
    let programme_code = ProgrammeCode::parse(&input.programme_code)
        .map_err(|e| AppError::invalid(&["programmeCode"], "UNKNOWN_PROGRAMME", e.to_string()))?;
    let unknown = || {
        AppError::invalid(
            &["programmeCode"],
            "UNKNOWN_PROGRAMME",
            format!("no programme has the code {}", programme_code),
        )
    };
    let programme = match input.programme_version.as_deref().map(str::trim) {
        None | Some("") => state
            .catalog
            .current(&state.db, programme_code.as_str())
            .await?
            .ok_or_else(unknown)?,
        Some(version) => match state
            .catalog
            .version(&state.db, programme_code.as_str(), version)
            .await
        {
            Ok(programme) => programme,
            Err(AppError::NotFound(_)) => {
                return Err(AppError::invalid(
                    &["programmeVersion"],
                    "UNKNOWN_PROGRAMME_VERSION",
                    format!("{programme_code} has no version {version:?}"),
                ));
            }
            Err(other) => return Err(other),
        },
    };
    let domain_code = DomainCode::parse(&input.domain_code)
        .ok()
        .filter(|code| programme.domain(code).is_some())
        .ok_or_else(|| {
            AppError::invalid(
                &["domainCode"],
                "UNKNOWN_DOMAIN",
                format!("{} has no domain {:?}", programme_code, input.domain_code),
            )
        })?;
    past_day(input.validated_on, "validatedOn")?;
    let tx = crate::db::begin_write(&state.db).await?;
    let dossier = editable(&tx, actor, dossier_id).await?;
    let record = PriorValidationRecord {
        id: Uuid::now_v7(),
        candidate_id: dossier.candidate_id,
        dossier_id: Some(dossier_id),
        programme_code: programme_code.as_str().to_owned(),
        programme_version: Some(programme.version.clone()),
        domain_code: domain_code.as_str().to_owned(),
        validated_on: input.validated_on,
        source: required_text(input.source, "source", 300)?,
        verified: false,
    };
    db::dossiers::bump_version(&tx, dossier_id, None).await?;
    db::experiences::insert_prior_validation(&tx, &record, None).await?;
    audit(
        &tx,
        actor,
        "prior_validation.added",
        dossier_id,
        Some(record.id),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// Parses a competence code and checks it belongs to the programme.
pub fn competence_code(
    programme: &Programme,
    raw: &str,
    field: &[&str],
) -> AppResult<CompetenceCode> {
    CompetenceCode::parse(raw)
        .ok()
        .filter(|code| programme.competence(code).is_some())
        .ok_or_else(|| {
            AppError::invalid(
                field,
                "UNKNOWN_COMPETENCE",
                format!("{} has no competence {raw:?}", programme.code.as_str()),
            )
        })
}

/// Every field checked, and every problem reported at once.
fn validate(id: Uuid, dossier_id: Uuid, input: ExperienceInput) -> AppResult<ExperienceRecord> {
    let mut checks = Checks::default();
    let period = checks
        .check(Period::parse(input.start_date, input.end_date, today()).map_err(period_error));
    let working_time = checks
        .check(WorkingTime::parse(i64::from(input.working_time_percent)).map_err(period_error));
    let title = checks.check(required_text(input.title, "title", 300));
    let organisation = checks.check(required_text(input.organisation, "organisation", 300));
    let description = checks.check(optional_text(input.description, "description", 20_000));
    match (period, working_time, title, organisation, description) {
        (Some(period), Some(working_time), Some(title), Some(organisation), Some(description)) => {
            Ok(ExperienceRecord {
                id,
                dossier_id,
                title,
                organisation,
                kind: input.kind,
                start_date: period.start(),
                end_date: period.end(),
                working_time_percent: working_time.percent(),
                description,
            })
        }
        _ => Err(checks.into_error()),
    }
}

fn period_error(err: PeriodError) -> AppError {
    let (field, code) = match err {
        PeriodError::EndBeforeStart { .. } => ("endDate", "INVALID_DATE_RANGE"),
        PeriodError::StartTooEarly { .. } => ("startDate", "DATE_TOO_EARLY"),
        PeriodError::StartInFuture { .. } => ("startDate", "DATE_IN_FUTURE"),
        PeriodError::EndInFuture { .. } => ("endDate", "DATE_IN_FUTURE"),
        PeriodError::WorkingTimeOutOfRange { .. } => {
            ("workingTimePercent", "WORKING_TIME_OUT_OF_RANGE")
        }
    };
    AppError::invalid(&[field], code, err.to_string())
}

/// A day in the past, or the user error naming `field`.
pub fn past_day(date: NaiveDate, field: &'static str) -> AppResult<NaiveDate> {
    period::past_day(date, today())
        .map_err(|e| AppError::invalid(&[field], e.code(), e.to_string()))
}

/// One line of text the user must give (a title, an organisation).
pub fn required_text(raw: String, field: &'static str, max_chars: usize) -> AppResult<String> {
    required(raw, field, TextShape::Line, max_chars)
}

/// One optional line (a version label); blank is none.
pub fn optional_line(
    raw: Option<String>,
    field: &'static str,
    max_chars: usize,
) -> AppResult<Option<String>> {
    match raw {
        None => Ok(None),
        Some(raw) => {
            text::parse(&raw, TextShape::Line, max_chars).map_err(|e| text_error(field, e))
        }
    }
}

/// Paragraphs the user must give (a rationale).
pub fn required_paragraphs(
    raw: String,
    field: &'static str,
    max_chars: usize,
) -> AppResult<String> {
    required(raw, field, TextShape::Paragraphs, max_chars)
}

/// Optional paragraphs (a description, a comment); blank is none.
pub fn optional_text(
    raw: Option<String>,
    field: &'static str,
    max_chars: usize,
) -> AppResult<Option<String>> {
    match raw {
        None => Ok(None),
        Some(raw) => {
            text::parse(&raw, TextShape::Paragraphs, max_chars).map_err(|e| text_error(field, e))
        }
    }
}

fn required(
    raw: String,
    field: &'static str,
    shape: TextShape,
    max_chars: usize,
) -> AppResult<String> {
    text::parse(&raw, shape, max_chars)
        .map_err(|e| text_error(field, e))?
        .ok_or_else(|| text_error(field, TextError::Blank))
}

fn text_error(field: &'static str, err: TextError) -> AppError {
    AppError::invalid(&[field], err.code(), format!("{field} {err}"))
}

/// A child record of a dossier the actor may not see is itself missing.
pub fn hide_dossier(what: &'static str) -> impl Fn(AppError) -> AppError {
    move |err| match err {
        AppError::NotFound("dossier") => AppError::NotFound(what),
        other => other,
    }
}
