//! Experiences with their competence claims, qualifications and prior validations.

use std::collections::HashMap;

use chrono::Utc;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::entities::{competence_claim, experience, prior_validation, qualification};
use super::records::{ClaimRecord, ExperienceRecord, PriorValidationRecord, QualificationRecord};
use crate::domain::experience::{ExperienceKind, SelfAssessment};

pub async fn insert(db: &impl ConnectionTrait, exp: &ExperienceRecord) -> Result<(), DbErr> {
    experience::Entity::insert(active(exp))
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn update(db: &impl ConnectionTrait, exp: &ExperienceRecord) -> Result<(), DbErr> {
    let mut row = active(exp);
    row.created_at = sea_orm::ActiveValue::NotSet;
    experience::Entity::update(row).exec(db).await.map(|_| ())
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    experience::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<ExperienceRecord>, DbErr> {
    Ok(experience::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(record))
}

/// One page of a dossier's experiences in creation order, and their total.
pub async fn page(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    after: Option<Uuid>,
    limit: u64,
) -> Result<(Vec<ExperienceRecord>, u64), DbErr> {
    let base = experience::Entity::find().filter(experience::Column::DossierId.eq(dossier_id));
    let total = base.clone().count(db).await?;
    let mut query = base;
    if let Some(after) = after {
        query = query.filter(experience::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(experience::Column::Id)
        .limit(limit)
        .all(db)
        .await?;
    Ok((rows.into_iter().map(record).collect(), total))
}

/// Every experience of these dossiers (for the rules engine and batched loads).
pub async fn of_dossiers(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<ExperienceRecord>, DbErr> {
    Ok(experience::Entity::find()
        .filter(experience::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .order_by_asc(experience::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

pub async fn claims_of(
    db: &impl ConnectionTrait,
    experience_ids: &[Uuid],
) -> Result<Vec<ClaimRecord>, DbErr> {
    Ok(competence_claim::Entity::find()
        .filter(competence_claim::Column::ExperienceId.is_in(experience_ids.iter().copied()))
        .order_by_asc(competence_claim::Column::CompetenceCode)
        .all(db)
        .await?
        .into_iter()
        .map(claim_record)
        .collect())
}

/// Claims of every experience of a dossier, in one query.
pub async fn claims_of_dossiers(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<ClaimRecord>, DbErr> {
    let experiences = sea_orm::sea_query::Query::select()
        .column(experience::Column::Id)
        .from(experience::Entity)
        .and_where(experience::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .to_owned();
    Ok(competence_claim::Entity::find()
        .filter(competence_claim::Column::ExperienceId.in_subquery(experiences))
        .all(db)
        .await?
        .into_iter()
        .map(claim_record)
        .collect())
}

/// Replaces an experience's claims. An advisor's review stays on a claim that is kept.
pub async fn replace_claims(
    db: &impl ConnectionTrait,
    experience_id: Uuid,
    claims: &[ClaimRecord],
) -> Result<(), DbErr> {
    let existing: HashMap<String, competence_claim::Model> = competence_claim::Entity::find()
        .filter(competence_claim::Column::ExperienceId.eq(experience_id))
        .all(db)
        .await?
        .into_iter()
        .map(|c| (c.competence_code.clone(), c))
        .collect();
    competence_claim::Entity::delete_many()
        .filter(competence_claim::Column::ExperienceId.eq(experience_id))
        .exec(db)
        .await?;
    if claims.is_empty() {
        return Ok(());
    }
    let rows = claims.iter().map(|c| {
        let kept = existing.get(&c.competence_code);
        competence_claim::ActiveModel {
            experience_id: Set(experience_id),
            competence_code: Set(c.competence_code.clone()),
            self_assessment: Set(c.self_assessment.as_str().to_owned()),
            justification: Set(c.justification.clone()),
            advisor_agrees: Set(kept.and_then(|k| k.advisor_agrees)),
            advisor_comment: Set(kept.and_then(|k| k.advisor_comment.clone())),
            reviewed_by: Set(kept.and_then(|k| k.reviewed_by)),
        }
    });
    competence_claim::Entity::insert_many(rows)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Records an advisor's review; false when the experience has no such claim.
pub async fn review_claim(
    db: &impl ConnectionTrait,
    experience_id: Uuid,
    competence_code: &str,
    agrees: bool,
    comment: Option<&str>,
    reviewer: Uuid,
) -> Result<bool, DbErr> {
    let result = competence_claim::Entity::update_many()
        .col_expr(competence_claim::Column::AdvisorAgrees, Expr::value(agrees))
        .col_expr(
            competence_claim::Column::AdvisorComment,
            Expr::value(comment.map(str::to_owned)),
        )
        .col_expr(competence_claim::Column::ReviewedBy, Expr::value(reviewer))
        .filter(competence_claim::Column::ExperienceId.eq(experience_id))
        .filter(competence_claim::Column::CompetenceCode.eq(competence_code))
        .exec(db)
        .await?;
    Ok(result.rows_affected > 0)
}

pub async fn insert_qualification(
    db: &impl ConnectionTrait,
    q: &QualificationRecord,
) -> Result<(), DbErr> {
    let row = qualification::ActiveModel {
        id: Set(q.id),
        dossier_id: Set(q.dossier_id),
        code: Set(q.code.clone()),
        title: Set(q.title.clone()),
        level: Set(q.level.map(i32::from)),
        obtained_on: Set(q.obtained_on),
        version: Set(q.version.clone()),
        created_at: Set(Utc::now()),
    };
    qualification::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn qualification(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<QualificationRecord>, DbErr> {
    Ok(qualification::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(qualification_record))
}

pub async fn qualifications_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<QualificationRecord>, DbErr> {
    Ok(qualification::Entity::find()
        .filter(qualification::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .order_by_asc(qualification::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(qualification_record)
        .collect())
}

pub async fn insert_prior_validation(
    db: &impl ConnectionTrait,
    p: &PriorValidationRecord,
    decision_dossier: Option<Uuid>,
) -> Result<(), DbErr> {
    let row = prior_validation::ActiveModel {
        id: Set(p.id),
        candidate_id: Set(p.candidate_id),
        dossier_id: Set(p.dossier_id),
        decision_dossier_id: Set(decision_dossier),
        programme_code: Set(p.programme_code.clone()),
        programme_version: Set(p.programme_version.clone()),
        domain_code: Set(p.domain_code.clone()),
        validated_on: Set(p.validated_on),
        source: Set(p.source.clone()),
        verified: Set(p.verified),
        created_at: Set(Utc::now()),
    };
    prior_validation::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn prior_validation(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<PriorValidationRecord>, DbErr> {
    Ok(prior_validation::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(prior_record))
}

/// The prior validations shown on each dossier, for many dossiers in one query: its own
/// declared ones plus the ledger of domains validated by an earlier jury of Acquis.
pub async fn prior_validations_for_many(
    db: &impl ConnectionTrait,
    dossiers: &[(Uuid, Uuid)],
) -> Result<HashMap<Uuid, Vec<PriorValidationRecord>>, DbErr> {
    let rows = prior_validation::Entity::find()
        .filter(
            Condition::any()
                .add(prior_validation::Column::DossierId.is_in(dossiers.iter().map(|d| d.0)))
                .add(
                    Condition::all()
                        .add(
                            prior_validation::Column::CandidateId
                                .is_in(dossiers.iter().map(|d| d.1)),
                        )
                        .add(prior_validation::Column::DossierId.is_null()),
                ),
        )
        .order_by_asc(prior_validation::Column::Id)
        .all(db)
        .await?;
    let mut out: HashMap<Uuid, Vec<PriorValidationRecord>> = HashMap::new();
    for &(dossier_id, candidate_id) in dossiers {
        let mine = rows.iter().filter(|row| match row.dossier_id {
            Some(own) => own == dossier_id,
            None => row.candidate_id == candidate_id && row.decision_dossier_id != Some(dossier_id),
        });
        out.insert(dossier_id, mine.cloned().map(prior_record).collect());
    }
    Ok(out)
}

fn active(exp: &ExperienceRecord) -> experience::ActiveModel {
    experience::ActiveModel {
        id: Set(exp.id),
        dossier_id: Set(exp.dossier_id),
        title: Set(exp.title.clone()),
        organisation: Set(exp.organisation.clone()),
        kind: Set(exp.kind.as_str().to_owned()),
        start_date: Set(exp.start_date),
        end_date: Set(exp.end_date),
        working_time_percent: Set(i32::from(exp.working_time_percent)),
        description: Set(exp.description.clone()),
        created_at: Set(Utc::now()),
    }
}

fn record(row: experience::Model) -> ExperienceRecord {
    ExperienceRecord {
        id: row.id,
        dossier_id: row.dossier_id,
        title: row.title,
        organisation: row.organisation,
        kind: ExperienceKind::parse(&row.kind).unwrap_or(ExperienceKind::Other),
        start_date: row.start_date,
        end_date: row.end_date,
        working_time_percent: u8::try_from(row.working_time_percent).unwrap_or(100),
        description: row.description,
    }
}

fn claim_record(row: competence_claim::Model) -> ClaimRecord {
    ClaimRecord {
        experience_id: row.experience_id,
        competence_code: row.competence_code,
        self_assessment: SelfAssessment::parse(&row.self_assessment)
            .unwrap_or(SelfAssessment::Partial),
        justification: row.justification,
        advisor_agrees: row.advisor_agrees,
        advisor_comment: row.advisor_comment,
    }
}

fn qualification_record(row: qualification::Model) -> QualificationRecord {
    QualificationRecord {
        id: row.id,
        dossier_id: row.dossier_id,
        code: row.code,
        title: row.title,
        level: row.level.and_then(|l| u8::try_from(l).ok()),
        obtained_on: row.obtained_on,
        version: row.version,
    }
}

fn prior_record(row: prior_validation::Model) -> PriorValidationRecord {
    PriorValidationRecord {
        id: row.id,
        candidate_id: row.candidate_id,
        dossier_id: row.dossier_id,
        programme_code: row.programme_code,
        programme_version: row.programme_version,
        domain_code: row.domain_code,
        validated_on: row.validated_on,
        source: row.source,
        verified: row.verified,
    }
}

/// Inserts many experiences in a few statements; for bulk loads such as `acquis seed`.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    experiences: &[ExperienceRecord],
) -> Result<(), DbErr> {
    // A few hundred rows per statement stays far below every backend's bound-parameter limit.
    const ROWS: usize = 500;
    for chunk in experiences.chunks(ROWS) {
        experience::Entity::insert_many(chunk.iter().map(active))
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Inserts many claims, each with the advisor who reviewed it when its review is set; for
/// bulk loads such as `acquis seed`.
pub async fn insert_claims(
    db: &impl ConnectionTrait,
    claims: &[(ClaimRecord, Option<Uuid>)],
) -> Result<(), DbErr> {
    const ROWS: usize = 500;
    for chunk in claims.chunks(ROWS) {
        let rows = chunk
            .iter()
            .map(|(c, reviewer)| competence_claim::ActiveModel {
                experience_id: Set(c.experience_id),
                competence_code: Set(c.competence_code.clone()),
                self_assessment: Set(c.self_assessment.as_str().to_owned()),
                justification: Set(c.justification.clone()),
                advisor_agrees: Set(c.advisor_agrees),
                advisor_comment: Set(c.advisor_comment.clone()),
                reviewed_by: Set(*reviewer),
            });
        competence_claim::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// Inserts many qualifications in a few statements; for bulk loads such as `acquis seed`.
pub async fn insert_qualifications(
    db: &impl ConnectionTrait,
    qualifications: &[QualificationRecord],
) -> Result<(), DbErr> {
    const ROWS: usize = 500;
    let now = Utc::now();
    for chunk in qualifications.chunks(ROWS) {
        let rows = chunk.iter().map(|q| qualification::ActiveModel {
            id: Set(q.id),
            dossier_id: Set(q.dossier_id),
            code: Set(q.code.clone()),
            title: Set(q.title.clone()),
            level: Set(q.level.map(i32::from)),
            obtained_on: Set(q.obtained_on),
            version: Set(q.version.clone()),
            created_at: Set(now),
        });
        qualification::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}
