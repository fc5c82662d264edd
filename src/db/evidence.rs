//! Evidence rows, their links, and staged uploads that are not evidence yet.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sea_orm::ExprTrait;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::entities::{
    evidence, evidence_competence, evidence_experience, evidence_prior_validation,
    evidence_qualification, staged_upload,
};
use super::records::{EvidenceLinks, EvidenceRecord, StagedUploadRecord};
use crate::domain::experience::EvidenceKind;

/// Inserts a fully stored file with its links (a new file has no links yet, so none repeat).
pub async fn insert(
    db: &impl ConnectionTrait,
    ev: &EvidenceRecord,
    links: &EvidenceLinks,
    uploaded_by: Uuid,
) -> Result<(), DbErr> {
    insert_many(db, &[(ev.clone(), links.clone(), uploaded_by)]).await
}

/// Adds links; links that already exist are kept once.
pub async fn add_links(
    db: &impl ConnectionTrait,
    evidence_id: Uuid,
    links: &EvidenceLinks,
) -> Result<(), DbErr> {
    let current = links_of(db, &[evidence_id])
        .await?
        .remove(&evidence_id)
        .unwrap_or_default();
    let new_experiences: Vec<_> = links
        .experience_ids
        .iter()
        .filter(|id| !current.experience_ids.contains(id))
        .collect();
    if !new_experiences.is_empty() {
        evidence_experience::Entity::insert_many(new_experiences.into_iter().map(
            |&experience_id| evidence_experience::ActiveModel {
                evidence_id: Set(evidence_id),
                experience_id: Set(experience_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let new_qualifications: Vec<_> = links
        .qualification_ids
        .iter()
        .filter(|id| !current.qualification_ids.contains(id))
        .collect();
    if !new_qualifications.is_empty() {
        evidence_qualification::Entity::insert_many(new_qualifications.into_iter().map(
            |&qualification_id| evidence_qualification::ActiveModel {
                evidence_id: Set(evidence_id),
                qualification_id: Set(qualification_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let new_priors: Vec<_> = links
        .prior_validation_ids
        .iter()
        .filter(|id| !current.prior_validation_ids.contains(id))
        .collect();
    if !new_priors.is_empty() {
        evidence_prior_validation::Entity::insert_many(new_priors.into_iter().map(
            |&prior_validation_id| evidence_prior_validation::ActiveModel {
                evidence_id: Set(evidence_id),
                prior_validation_id: Set(prior_validation_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let new_codes: Vec<_> = links
        .competence_codes
        .iter()
        .filter(|c| !current.competence_codes.contains(c))
        .collect();
    if !new_codes.is_empty() {
        evidence_competence::Entity::insert_many(new_codes.into_iter().map(|code| {
            evidence_competence::ActiveModel {
                evidence_id: Set(evidence_id),
                competence_code: Set(code.clone()),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Replaces the competences a file supports.
pub async fn replace_competences(
    db: &impl ConnectionTrait,
    evidence_id: Uuid,
    codes: &[String],
) -> Result<(), DbErr> {
    evidence_competence::Entity::delete_many()
        .filter(evidence_competence::Column::EvidenceId.eq(evidence_id))
        .exec(db)
        .await?;
    add_links(
        db,
        evidence_id,
        &EvidenceLinks {
            competence_codes: codes.to_vec(),
            ..Default::default()
        },
    )
    .await
}

pub async fn get(db: &impl ConnectionTrait, id: Uuid) -> Result<Option<EvidenceRecord>, DbErr> {
    Ok(evidence::Entity::find_by_id(id).one(db).await?.map(record))
}

pub async fn delete(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    evidence::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn of_dossiers(
    db: &impl ConnectionTrait,
    dossier_ids: &[Uuid],
) -> Result<Vec<EvidenceRecord>, DbErr> {
    Ok(evidence::Entity::find()
        .filter(evidence::Column::DossierId.is_in(dossier_ids.iter().copied()))
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

pub async fn by_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<EvidenceRecord>, DbErr> {
    Ok(evidence::Entity::find()
        .filter(evidence::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(record)
        .collect())
}

/// Links of many files at once.
pub async fn links_of(
    db: &impl ConnectionTrait,
    evidence_ids: &[Uuid],
) -> Result<HashMap<Uuid, EvidenceLinks>, DbErr> {
    let mut links: HashMap<Uuid, EvidenceLinks> = HashMap::new();
    if evidence_ids.is_empty() {
        return Ok(links);
    }
    let ids = || evidence_ids.iter().copied();
    for row in evidence_experience::Entity::find()
        .filter(evidence_experience::Column::EvidenceId.is_in(ids()))
        .all(db)
        .await?
    {
        links
            .entry(row.evidence_id)
            .or_default()
            .experience_ids
            .push(row.experience_id);
    }
    for row in evidence_qualification::Entity::find()
        .filter(evidence_qualification::Column::EvidenceId.is_in(ids()))
        .all(db)
        .await?
    {
        links
            .entry(row.evidence_id)
            .or_default()
            .qualification_ids
            .push(row.qualification_id);
    }
    for row in evidence_prior_validation::Entity::find()
        .filter(evidence_prior_validation::Column::EvidenceId.is_in(ids()))
        .all(db)
        .await?
    {
        links
            .entry(row.evidence_id)
            .or_default()
            .prior_validation_ids
            .push(row.prior_validation_id);
    }
    for row in evidence_competence::Entity::find()
        .filter(evidence_competence::Column::EvidenceId.is_in(ids()))
        .order_by_asc(evidence_competence::Column::CompetenceCode)
        .all(db)
        .await?
    {
        links
            .entry(row.evidence_id)
            .or_default()
            .competence_codes
            .push(row.competence_code);
    }
    Ok(links)
}

/// The competences each of these files supports: (evidence id, competence code), in one query.
pub async fn competences_of(
    db: &impl ConnectionTrait,
    evidence_ids: &[Uuid],
) -> Result<Vec<(Uuid, String)>, DbErr> {
    Ok(evidence_competence::Entity::find()
        .filter(evidence_competence::Column::EvidenceId.is_in(evidence_ids.iter().copied()))
        .order_by_asc(evidence_competence::Column::CompetenceCode)
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.evidence_id, row.competence_code))
        .collect())
}

/// Ids of the files linked to these experiences or qualifications: (owner id, evidence id).
pub async fn linked_to_experiences(
    db: &impl ConnectionTrait,
    experience_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    Ok(evidence_experience::Entity::find()
        .filter(evidence_experience::Column::ExperienceId.is_in(experience_ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.experience_id, row.evidence_id))
        .collect())
}

pub async fn linked_to_qualifications(
    db: &impl ConnectionTrait,
    qualification_ids: &[Uuid],
) -> Result<Vec<(Uuid, Uuid)>, DbErr> {
    Ok(evidence_qualification::Entity::find()
        .filter(
            evidence_qualification::Column::QualificationId
                .is_in(qualification_ids.iter().copied()),
        )
        .all(db)
        .await?
        .into_iter()
        .map(|row| (row.qualification_id, row.evidence_id))
        .collect())
}

/// Object keys of a dossier's files, so deleting the dossier can delete its objects.
pub async fn object_keys_of_dossier(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
) -> Result<Vec<String>, DbErr> {
    let files = evidence::Entity::find()
        .filter(evidence::Column::DossierId.eq(dossier_id))
        .all(db)
        .await?;
    let staged = staged_upload::Entity::find()
        .filter(staged_upload::Column::DossierId.eq(dossier_id))
        .all(db)
        .await?;
    Ok(files
        .into_iter()
        .map(|f| f.object_key)
        .chain(staged.into_iter().map(|s| s.object_key))
        .collect())
}

/// Of these object keys, those some evidence row or staged upload still owns.
pub async fn owned_keys(db: &impl ConnectionTrait, keys: &[String]) -> Result<Vec<String>, DbErr> {
    let mut owned: Vec<String> = evidence::Entity::find()
        .select_only()
        .column(evidence::Column::ObjectKey)
        .filter(evidence::Column::ObjectKey.is_in(keys.iter().cloned()))
        .into_tuple::<String>()
        .all(db)
        .await?;
    owned.extend(
        staged_upload::Entity::find()
            .select_only()
            .column(staged_upload::Column::ObjectKey)
            .filter(staged_upload::Column::ObjectKey.is_in(keys.iter().cloned()))
            .into_tuple::<String>()
            .all(db)
            .await?,
    );
    Ok(owned)
}

pub async fn insert_staged(db: &impl ConnectionTrait, s: &StagedUploadRecord) -> Result<(), DbErr> {
    let row = staged_upload::ActiveModel {
        id: Set(s.id),
        dossier_id: Set(s.dossier_id),
        kind: Set(s.kind.as_str().to_owned()),
        title: Set(s.title.clone()),
        file_name: Set(s.file_name.clone()),
        expected_size: Set(i64::try_from(s.expected_size).unwrap_or(i64::MAX)),
        expected_sha256: Set(s.expected_sha256.clone()),
        object_key: Set(s.object_key.clone()),
        links: Set(serde_json::to_string(&s.links).unwrap_or_else(|_| "{}".into())),
        created_by: Set(s.created_by),
        created_at: Set(Utc::now()),
        expires_at: Set(s.expires_at),
        completing_until: Set(None),
    };
    staged_upload::Entity::insert(row)
        .exec_without_returning(db)
        .await
        .map(|_| ())
}

pub async fn staged(
    db: &impl ConnectionTrait,
    id: Uuid,
) -> Result<Option<StagedUploadRecord>, DbErr> {
    Ok(staged_upload::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(staged_record))
}

pub async fn delete_staged(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    staged_upload::Entity::delete_by_id(id)
        .exec(db)
        .await
        .map(|_| ())
}

pub async fn expired_staged(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
    limit: u64,
) -> Result<Vec<StagedUploadRecord>, DbErr> {
    Ok(staged_upload::Entity::find()
        .filter(staged_upload::Column::ExpiresAt.lt(now))
        .filter(unclaimed())
        .limit(limit)
        .all(db)
        .await?
        .into_iter()
        .map(staged_record)
        .collect())
}

/// No completion holds the upload (or its claim has lapsed).
fn unclaimed() -> sea_orm::sea_query::SimpleExpr {
    staged_upload::Column::CompletingUntil
        .is_null()
        .or(staged_upload::Column::CompletingUntil.lt(Utc::now()))
}

/// Claims a staged upload for one completion until `until`; false when another completion
/// holds it (or it is gone), so two completions never move bytes at once.
pub async fn claim_completion(
    db: &impl ConnectionTrait,
    id: Uuid,
    until: DateTime<Utc>,
) -> Result<bool, DbErr> {
    let result = staged_upload::Entity::update_many()
        .col_expr(
            staged_upload::Column::CompletingUntil,
            sea_orm::sea_query::Expr::value(until),
        )
        .filter(staged_upload::Column::Id.eq(id))
        .filter(unclaimed())
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Ends a completion's claim that did not make the upload evidence.
pub async fn release_completion(db: &impl ConnectionTrait, id: Uuid) -> Result<(), DbErr> {
    staged_upload::Entity::update_many()
        .col_expr(
            staged_upload::Column::CompletingUntil,
            sea_orm::sea_query::Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(staged_upload::Column::Id.eq(id))
        .exec(db)
        .await
        .map(|_| ())
}

/// Of these staged upload ids, those still staged: their evidence key may hold bytes a
/// completion moved there and has not committed yet.
pub async fn staged_ids(db: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Uuid>, DbErr> {
    staged_upload::Entity::find()
        .select_only()
        .column(staged_upload::Column::Id)
        .filter(staged_upload::Column::Id.is_in(ids.iter().copied()))
        .into_tuple::<Uuid>()
        .all(db)
        .await
}

/// Deletes a staged upload only if it is still there; true when this call removed it, so two
/// concurrent completions cannot both succeed.
pub async fn claim_staged(db: &impl ConnectionTrait, id: Uuid) -> Result<bool, DbErr> {
    let result = staged_upload::Entity::delete_many()
        .filter(staged_upload::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

pub fn record(row: evidence::Model) -> EvidenceRecord {
    EvidenceRecord {
        id: row.id,
        dossier_id: row.dossier_id,
        kind: EvidenceKind::parse(&row.kind).unwrap_or(EvidenceKind::Other),
        title: row.title,
        file_name: row.file_name,
        content_type: row.content_type,
        size: u64::try_from(row.size).unwrap_or(0),
        sha256: row.sha256,
        object_key: row.object_key,
        uploaded_at: row.uploaded_at,
    }
}

fn staged_record(row: staged_upload::Model) -> StagedUploadRecord {
    StagedUploadRecord {
        id: row.id,
        dossier_id: row.dossier_id,
        kind: EvidenceKind::parse(&row.kind).unwrap_or(EvidenceKind::Other),
        title: row.title,
        file_name: row.file_name,
        expected_size: u64::try_from(row.expected_size).unwrap_or(0),
        expected_sha256: row.expected_sha256,
        object_key: row.object_key,
        links: serde_json::from_str(&row.links).unwrap_or_default(),
        created_by: row.created_by,
        expires_at: row.expires_at,
        completing_until: row.completing_until,
    }
}

/// Inserts many fully stored files with their links and uploaders, in a few statements per
/// table; for bulk loads such as `acquis seed`. The links must not repeat.
pub async fn insert_many(
    db: &impl ConnectionTrait,
    files: &[(EvidenceRecord, EvidenceLinks, Uuid)],
) -> Result<(), DbErr> {
    // A few hundred rows per statement stays far below every backend's bound-parameter limit.
    const ROWS: usize = 500;
    for chunk in files.chunks(ROWS) {
        let rows = chunk
            .iter()
            .map(|(ev, _, uploaded_by)| evidence::ActiveModel {
                id: Set(ev.id),
                dossier_id: Set(ev.dossier_id),
                kind: Set(ev.kind.as_str().to_owned()),
                title: Set(ev.title.clone()),
                file_name: Set(ev.file_name.clone()),
                content_type: Set(ev.content_type.clone()),
                size: Set(i64::try_from(ev.size).unwrap_or(i64::MAX)),
                sha256: Set(ev.sha256.clone()),
                object_key: Set(ev.object_key.clone()),
                uploaded_by: Set(*uploaded_by),
                uploaded_at: Set(ev.uploaded_at),
            });
        evidence::Entity::insert_many(rows)
            .exec_without_returning(db)
            .await?;
    }
    let experiences: Vec<_> = files
        .iter()
        .flat_map(|(ev, links, _)| links.experience_ids.iter().map(|&id| (ev.id, id)))
        .collect();
    for chunk in experiences.chunks(ROWS) {
        evidence_experience::Entity::insert_many(chunk.iter().map(
            |&(evidence_id, experience_id)| evidence_experience::ActiveModel {
                evidence_id: Set(evidence_id),
                experience_id: Set(experience_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let qualifications: Vec<_> = files
        .iter()
        .flat_map(|(ev, links, _)| links.qualification_ids.iter().map(|&id| (ev.id, id)))
        .collect();
    for chunk in qualifications.chunks(ROWS) {
        evidence_qualification::Entity::insert_many(chunk.iter().map(
            |&(evidence_id, qualification_id)| evidence_qualification::ActiveModel {
                evidence_id: Set(evidence_id),
                qualification_id: Set(qualification_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let priors: Vec<_> = files
        .iter()
        .flat_map(|(ev, links, _)| links.prior_validation_ids.iter().map(|&id| (ev.id, id)))
        .collect();
    for chunk in priors.chunks(ROWS) {
        evidence_prior_validation::Entity::insert_many(chunk.iter().map(
            |&(evidence_id, prior_validation_id)| evidence_prior_validation::ActiveModel {
                evidence_id: Set(evidence_id),
                prior_validation_id: Set(prior_validation_id),
            },
        ))
        .exec_without_returning(db)
        .await?;
    }
    let codes: Vec<_> = files
        .iter()
        .flat_map(|(ev, links, _)| links.competence_codes.iter().map(|c| (ev.id, c)))
        .collect();
    for chunk in codes.chunks(ROWS) {
        evidence_competence::Entity::insert_many(chunk.iter().map(|&(evidence_id, code)| {
            evidence_competence::ActiveModel {
                evidence_id: Set(evidence_id),
                competence_code: Set(code.clone()),
            }
        }))
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}
