//! What advisors and jury members record on a dossier.

use chrono::Utc;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use super::entities::{domain_assessment, exemption_recommendation, jury_decision};
use super::records::{AssessmentRecord, DecisionOutcome, DecisionRecord, RecommendationRecord};

pub async fn upsert_recommendation(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    rec: &RecommendationRecord,
) -> Result<(), DbErr> {
    let row = exemption_recommendation::ActiveModel {
        dossier_id: Set(dossier_id),
        rule_id: Set(rec.rule_id.clone()),
        recommendation: Set(if rec.recommend {
            "RECOMMEND"
        } else {
            "DO_NOT_RECOMMEND"
        }
        .to_owned()),
        rationale: Set(rec.rationale.clone()),
        advisor_id: Set(rec.advisor_id),
        updated_at: Set(Utc::now()),
    };
    use exemption_recommendation::Column as C;
    exemption_recommendation::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::DossierId, C::RuleId])
                .update_columns([C::Recommendation, C::Rationale, C::AdvisorId, C::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Recommendations of many dossiers in one query: (dossier id, recommendation).
pub async fn recommendations_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<(Uuid, RecommendationRecord)>, DbErr> {
    Ok(exemption_recommendation::Entity::find()
        .filter(exemption_recommendation::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let record = RecommendationRecord {
                rule_id: row.rule_id,
                recommend: row.recommendation == "RECOMMEND",
                rationale: row.rationale,
                advisor_id: row.advisor_id,
            };
            (row.dossier_id, record)
        })
        .collect())
}

pub async fn upsert_assessment(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    a: &AssessmentRecord,
) -> Result<(), DbErr> {
    let row = domain_assessment::ActiveModel {
        dossier_id: Set(dossier_id),
        domain_code: Set(a.domain_code.clone()),
        outcome: Set(if a.validated {
            "VALIDATED"
        } else {
            "NOT_VALIDATED"
        }
        .to_owned()),
        comment: Set(a.comment.clone()),
        assessor_id: Set(a.assessor_id),
        updated_at: Set(Utc::now()),
    };
    use domain_assessment::Column as C;
    domain_assessment::Entity::insert(row)
        .on_conflict(
            OnConflict::columns([C::DossierId, C::DomainCode])
                .update_columns([C::Outcome, C::Comment, C::AssessorId, C::UpdatedAt])
                .to_owned(),
        )
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn assessments(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
) -> Result<Vec<AssessmentRecord>, DbErr> {
    Ok(assessments_of(db, &[dossier_id])
        .await?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// Assessments of many dossiers in one query, by domain code: (dossier id, assessment).
pub async fn assessments_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<(Uuid, AssessmentRecord)>, DbErr> {
    Ok(domain_assessment::Entity::find()
        .filter(domain_assessment::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .order_by_asc(domain_assessment::Column::DomainCode)
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let record = AssessmentRecord {
                domain_code: row.domain_code,
                validated: row.outcome == "VALIDATED",
                comment: row.comment,
                assessor_id: row.assessor_id,
            };
            (row.dossier_id, record)
        })
        .collect())
}

pub async fn insert_decision(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    d: &DecisionRecord,
    decided_by: Uuid,
) -> Result<(), DbErr> {
    let row = jury_decision::ActiveModel {
        dossier_id: Set(dossier_id),
        outcome: Set(d.outcome.as_str().to_owned()),
        validated_domain_codes: Set(d.validated_domain_codes.join(",")),
        decided_on: Set(d.decided_on),
        comment: Set(d.comment.clone()),
        decided_by: Set(decided_by),
    };
    jury_decision::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

/// Decisions of many dossiers in one query: (dossier id, decision).
pub async fn decisions_of(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<(Uuid, DecisionRecord)>, DbErr> {
    Ok(jury_decision::Entity::find()
        .filter(jury_decision::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| {
            let record = DecisionRecord {
                outcome: DecisionOutcome::parse(&row.outcome).unwrap_or(DecisionOutcome::Refused),
                validated_domain_codes: row
                    .validated_domain_codes
                    .split(',')
                    .filter(|c| !c.is_empty())
                    .map(str::to_owned)
                    .collect(),
                decided_on: row.decided_on,
                comment: row.comment,
            };
            (row.dossier_id, record)
        })
        .collect())
}
