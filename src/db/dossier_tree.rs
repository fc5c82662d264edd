//! A dossier and what a read of it shows below it, in one statement: the dossier with its
//! assignments (what the policy needs), and on request its experiences with, for one page of
//! them, their claims, their evidence and the competences of that evidence.
//!
//! One statement instead of one per level, because on PostgreSQL a round trip (and the ping
//! the pool makes when the connection comes back) costs more than the rows it brings: the
//! jury read went from seven statements to this one. The branches of a `UNION ALL` share one
//! row shape, a kind tag followed by typed columns each kind fills as it needs; the same text
//! runs on SQLite and PostgreSQL (`$n` parameters, `CAST(NULL AS …)` for the types).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement, Value};
use uuid::Uuid;

use super::records::{ClaimRecord, DossierRecord, EvidenceRecord, ExperienceRecord};
use crate::domain::dossier_status::DossierStatus;
use crate::domain::experience::{EvidenceKind, ExperienceKind, SelfAssessment};
use crate::domain::policy::DossierFacts;

/// What to read below the dossier.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TreeRequest {
    /// Every experience of the dossier, and the page whose children are read.
    pub experiences: Option<ExperiencePage>,
}

/// A page of experiences by id (`after` excluded, at most `limit` rows) and which of their
/// children to read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExperiencePage {
    pub after: Option<Uuid>,
    pub limit: u64,
    pub claims: bool,
    pub evidence: bool,
    pub evidence_competences: bool,
}

/// What [`read`] found.
#[derive(Debug)]
pub struct DossierTree {
    pub dossier: DossierRecord,
    pub facts: DossierFacts,
    pub experiences: Option<ExperiencesRead>,
}

/// Experiences of a dossier, in id order, and the children of the requested page: every
/// experience of the page has an entry (maybe empty) in the maps that were asked for.
#[derive(Debug, Default)]
pub struct ExperiencesRead {
    pub all: Vec<ExperienceRecord>,
    pub claims: Option<HashMap<Uuid, Vec<ClaimRecord>>>,
    pub evidence: Option<HashMap<Uuid, Vec<EvidenceRecord>>>,
    pub evidence_competences: Option<HashMap<Uuid, Vec<String>>>,
}

const DOSSIER: i32 = 0;
const ASSIGNMENT: i32 = 1;
const EXPERIENCE: i32 = 2;
const CLAIM: i32 = 3;
const EVIDENCE: i32 = 4;
const COMPETENCE: i32 = 5;

/// Column order of every branch: k, u1, u2, u3, s1..s6, n1, b1, d1, d2, t1, t2.
const HEAD: &str = "SELECT 0 AS k, d.id AS u1, d.candidate_id AS u2, CAST(NULL AS uuid) AS u3, \
     d.programme_code AS s1, d.programme_version AS s2, d.status AS s3, d.status_comment AS s4, \
     d.legal_hold_reason AS s5, CAST(d.ended_on AS text) AS s6, CAST(d.version AS bigint) AS n1, \
     CAST(NULL AS boolean) AS b1, d.application_date AS d1, d.restricted_on AS d2, \
     d.created_at AS t1, d.updated_at AS t2 FROM dossier d WHERE d.id = $1";
const ASSIGNMENTS: &str = " UNION ALL SELECT 1, a.user_id, NULL, NULL, a.role, NULL, NULL, NULL, \
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM assignment a WHERE a.dossier_id = $1";
const EXPERIENCES: &str = " UNION ALL SELECT 2, e.id, NULL, NULL, e.title, e.organisation, \
     e.kind, e.description, NULL, NULL, e.working_time_percent, NULL, e.start_date, e.end_date, \
     NULL, NULL FROM experience e WHERE e.dossier_id = $1";
/// The page of experiences whose children are read, computed once for every branch using it.
const PAGE: &str = "WITH page AS (SELECT p.id FROM experience p WHERE p.dossier_id = $1 \
     AND p.id > $2 ORDER BY p.id LIMIT $3) ";
const CLAIMS: &str = " UNION ALL SELECT 3, c.experience_id, NULL, NULL, c.competence_code, \
     c.self_assessment, c.justification, c.advisor_comment, NULL, NULL, NULL, c.advisor_agrees, \
     NULL, NULL, NULL, NULL FROM competence_claim c WHERE c.experience_id IN (SELECT id FROM page)";
const EVIDENCE_FILES: &str = " UNION ALL SELECT 4, l.experience_id, v.id, v.dossier_id, v.kind, \
     v.title, v.file_name, v.content_type, v.sha256, v.object_key, v.size, NULL, NULL, NULL, \
     v.uploaded_at, NULL FROM evidence_experience l JOIN evidence v ON v.id = l.evidence_id \
     WHERE l.experience_id IN (SELECT id FROM page)";
const COMPETENCES: &str = " UNION ALL SELECT 5, ec.evidence_id, NULL, NULL, ec.competence_code, \
     NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL FROM evidence_competence ec \
     WHERE ec.evidence_id IN (SELECT l.evidence_id FROM evidence_experience l WHERE \
     l.experience_id IN (SELECT id FROM page))";
const ORDER: &str = " ORDER BY 1, 2, 3, 5";

/// The statement for a request; its text depends only on which parts are asked for, so each
/// variant is prepared once per connection.
fn sql(request: &TreeRequest) -> String {
    let mut sql = String::with_capacity(2048);
    let page = request.experiences.filter(|p| p.claims || p.evidence);
    if page.is_some() {
        sql.push_str(PAGE);
    }
    sql.push_str(HEAD);
    sql.push_str(ASSIGNMENTS);
    if request.experiences.is_some() {
        sql.push_str(EXPERIENCES);
    }
    if let Some(page) = &page {
        if page.claims {
            sql.push_str(CLAIMS);
        }
        if page.evidence {
            sql.push_str(EVIDENCE_FILES);
            if page.evidence_competences {
                sql.push_str(COMPETENCES);
            }
        }
    }
    sql.push_str(ORDER);
    sql
}

/// The dossier and what `request` asks for below it; `None` when there is no such dossier.
pub async fn read(
    db: &impl ConnectionTrait,
    dossier_id: Uuid,
    request: &TreeRequest,
) -> Result<Option<DossierTree>, DbErr> {
    let mut values: Vec<Value> = vec![dossier_id.into()];
    let wants_page = request.experiences.is_some_and(|p| p.claims || p.evidence);
    if let (Some(page), true) = (&request.experiences, wants_page) {
        // The nil id sorts before every other, so "after nothing" is "after nil".
        values.push(page.after.unwrap_or(Uuid::nil()).into());
        values.push(i64::try_from(page.limit).unwrap_or(i64::MAX).into());
    }
    let statement = Statement::from_sql_and_values(db.get_database_backend(), sql(request), values);
    let rows = db.query_all_raw(statement).await?;
    assemble(dossier_id, request, &rows)
}

fn assemble(
    dossier_id: Uuid,
    request: &TreeRequest,
    rows: &[QueryResult],
) -> Result<Option<DossierTree>, DbErr> {
    let mut dossier = None;
    let (mut advisor_ids, mut jury_ids) = (Vec::new(), Vec::new());
    let mut read = request.experiences.map(|page| ExperiencesRead {
        claims: page.claims.then(HashMap::new),
        evidence: page.evidence.then(HashMap::new),
        evidence_competences: (page.evidence && page.evidence_competences).then(HashMap::new),
        ..ExperiencesRead::default()
    });
    for row in rows {
        let kind: i32 = row.try_get_by_index(0)?;
        let owner: Uuid = row.try_get_by_index(1)?;
        match (kind, read.as_mut()) {
            (DOSSIER, _) => dossier = Some(dossier_record(row, owner)?),
            (ASSIGNMENT, _) => match text(row, 4)?.as_str() {
                "ADVISOR" => advisor_ids.push(owner),
                "JURY" => jury_ids.push(owner),
                _ => {}
            },
            (EXPERIENCE, Some(read)) => read.all.push(experience_record(row, owner, dossier_id)?),
            (CLAIM, Some(read)) => {
                if let Some(claims) = read.claims.as_mut() {
                    claims
                        .entry(owner)
                        .or_default()
                        .push(claim_record(row, owner)?);
                }
            }
            (EVIDENCE, Some(read)) => {
                if let Some(evidence) = read.evidence.as_mut() {
                    evidence
                        .entry(owner)
                        .or_default()
                        .push(evidence_record(row)?);
                }
            }
            (COMPETENCE, Some(read)) => {
                if let Some(codes) = read.evidence_competences.as_mut() {
                    codes.entry(owner).or_default().push(text(row, 4)?);
                }
            }
            _ => {}
        }
    }
    let Some(dossier) = dossier else {
        return Ok(None);
    };
    if let (Some(read), Some(page)) = (read.as_mut(), request.experiences) {
        fill_page_keys(read, &page);
    }
    let facts = DossierFacts {
        candidate_id: dossier.candidate_id,
        status: dossier.status,
        advisor_ids,
        jury_ids,
        restricted: dossier.restricted_on.is_some(),
        legal_hold: dossier.legal_hold.is_some(),
    };
    Ok(Some(DossierTree {
        dossier,
        facts,
        experiences: read,
    }))
}

/// Every experience of the page gets an entry, so that "no claims" is known, not missing; and
/// every file read gets its competence list.
fn fill_page_keys(read: &mut ExperiencesRead, page: &ExperiencePage) {
    let ids = read
        .all
        .iter()
        .map(|e| e.id)
        .filter(|id| page.after.is_none_or(|after| *id > after))
        .take(usize::try_from(page.limit).unwrap_or(usize::MAX));
    for id in ids {
        if let Some(claims) = read.claims.as_mut() {
            claims.entry(id).or_default();
        }
        if let Some(evidence) = read.evidence.as_mut() {
            evidence.entry(id).or_default();
        }
    }
    if let (Some(evidence), Some(codes)) = (&read.evidence, read.evidence_competences.as_mut()) {
        for file in evidence.values().flatten() {
            codes.entry(file.id).or_default();
        }
    }
}

fn text(row: &QueryResult, index: usize) -> Result<String, DbErr> {
    row.try_get_by_index(index)
}

fn dossier_record(row: &QueryResult, id: Uuid) -> Result<DossierRecord, DbErr> {
    let status = text(row, 6)?;
    Ok(DossierRecord {
        id,
        candidate_id: row.try_get_by_index(2)?,
        programme_code: text(row, 4)?,
        programme_version: text(row, 5)?,
        // Only `db::dossiers` writes the column, always from `DossierStatus::as_str`.
        status: DossierStatus::parse(&status).unwrap_or(DossierStatus::Draft),
        version: i32::try_from(row.try_get_by_index::<i64>(10)?).unwrap_or(i32::MAX),
        application_date: row.try_get_by_index(12)?,
        status_comment: row.try_get_by_index(7)?,
        created_at: row.try_get_by_index(14)?,
        updated_at: row.try_get_by_index(15)?,
        legal_hold: row.try_get_by_index(8)?,
        // Text in the union's shape; `YYYY-MM-DD` on both backends.
        ended_on: row
            .try_get_by_index::<Option<String>>(9)?
            .and_then(|day| chrono::NaiveDate::parse_from_str(day.get(..10)?, "%Y-%m-%d").ok()),
        restricted_on: row.try_get_by_index(13)?,
    })
}

fn experience_record(
    row: &QueryResult,
    id: Uuid,
    dossier_id: Uuid,
) -> Result<ExperienceRecord, DbErr> {
    Ok(ExperienceRecord {
        id,
        dossier_id,
        title: text(row, 4)?,
        organisation: text(row, 5)?,
        kind: ExperienceKind::parse(&text(row, 6)?).unwrap_or(ExperienceKind::Other),
        description: row.try_get_by_index(7)?,
        working_time_percent: u8::try_from(row.try_get_by_index::<i64>(10)?).unwrap_or(100),
        start_date: row.try_get_by_index(12)?,
        end_date: row.try_get_by_index(13)?,
    })
}

fn claim_record(row: &QueryResult, experience_id: Uuid) -> Result<ClaimRecord, DbErr> {
    Ok(ClaimRecord {
        experience_id,
        competence_code: text(row, 4)?,
        self_assessment: SelfAssessment::parse(&text(row, 5)?).unwrap_or(SelfAssessment::Partial),
        justification: row.try_get_by_index(6)?,
        advisor_comment: row.try_get_by_index(7)?,
        advisor_agrees: row.try_get_by_index(11)?,
    })
}

fn evidence_record(row: &QueryResult) -> Result<EvidenceRecord, DbErr> {
    Ok(EvidenceRecord {
        id: row.try_get_by_index(2)?,
        dossier_id: row.try_get_by_index(3)?,
        kind: EvidenceKind::parse(&text(row, 4)?).unwrap_or(EvidenceKind::Other),
        title: text(row, 5)?,
        file_name: text(row, 6)?,
        content_type: text(row, 7)?,
        sha256: text(row, 8)?,
        object_key: text(row, 9)?,
        size: u64::try_from(row.try_get_by_index::<i64>(10)?).unwrap_or(0),
        uploaded_at: row.try_get_by_index(14)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_statement_only_holds_the_branches_asked_for() {
        let facts_only = sql(&TreeRequest::default());
        assert!(facts_only.contains("FROM assignment"));
        assert!(!facts_only.contains("FROM experience"));
        let page = ExperiencePage {
            after: None,
            limit: 21,
            claims: true,
            evidence: false,
            evidence_competences: true,
        };
        let claims_only = sql(&TreeRequest {
            experiences: Some(page),
        });
        assert!(claims_only.contains("FROM competence_claim"));
        assert!(!claims_only.contains("FROM evidence_experience l JOIN evidence"));
        assert!(!claims_only.contains("FROM evidence_competence"));
    }
}
