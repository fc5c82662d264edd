//! Full-text search of evidence, restricted to the dossiers a scope shows. See the
//! full-text-search migration for the indexes behind each backend.

use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, DbBackend, DbErr, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use super::dossiers::visible;
use super::entities::{evidence, evidence_competence};
use crate::domain::policy::ListScope;
use crate::domain::search_terms;

pub struct SearchRequest<'a> {
    pub user_id: Uuid,
    pub scope: &'a ListScope,
    pub text: &'a str,
    pub dossier_id: Option<Uuid>,
    pub domain_code: Option<&'a str>,
    pub after: Option<Uuid>,
    pub limit: u64,
}

/// Evidence whose title or file name matches, or that is linked to an experience whose title,
/// description or claim justifications match.
pub async fn search(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
) -> Result<(Vec<evidence::Model>, u64), DbErr> {
    let Some(matches) = text_condition(db.get_database_backend(), request.text) else {
        return Ok((Vec::new(), 0));
    };
    let visible_dossiers = Query::select()
        .column(super::entities::dossier::Column::Id)
        .from(super::entities::dossier::Entity)
        .cond_where(visible(request.user_id, request.scope))
        .to_owned();
    let mut filter = Condition::all()
        .add(evidence::Column::DossierId.in_subquery(visible_dossiers))
        .add(matches);
    if let Some(dossier_id) = request.dossier_id {
        filter = filter.add(evidence::Column::DossierId.eq(dossier_id));
    }
    if let Some(domain) = request.domain_code {
        let supporting = Query::select()
            .column(evidence_competence::Column::EvidenceId)
            .from(evidence_competence::Entity)
            .and_where(
                evidence_competence::Column::CompetenceCode
                    .like(format!("{}.%", domain.trim().to_ascii_uppercase())),
            )
            .to_owned();
        filter = filter.add(evidence::Column::Id.in_subquery(supporting));
    }
    let total = evidence::Entity::find()
        .filter(filter.clone())
        .count(db)
        .await?;
    let mut query = evidence::Entity::find().filter(filter);
    if let Some(after) = request.after {
        query = query.filter(evidence::Column::Id.gt(after));
    }
    let rows = query
        .order_by_asc(evidence::Column::Id)
        .limit(request.limit)
        .all(db)
        .await?;
    Ok((rows, total))
}

fn text_condition(backend: DbBackend, text: &str) -> Option<Condition> {
    match backend {
        DbBackend::Postgres => {
            let words = search_terms::words(text).join(" ");
            if words.is_empty() {
                return None;
            }
            // One arm per source, each served by the GIN index of its stored vector: an OR of
            // the three made PostgreSQL scan the evidence table.
            let matching = Expr::cust_with_values(
                "\"evidence\".\"id\" IN (\
                 SELECT v.id FROM evidence v WHERE v.search_vector @@ plainto_tsquery('french', $1) \
                 UNION ALL SELECT ee.evidence_id FROM evidence_experience ee JOIN experience x ON x.id = ee.experience_id \
                 WHERE x.search_vector @@ plainto_tsquery('french', $2) \
                 UNION ALL SELECT ee.evidence_id FROM evidence_experience ee JOIN competence_claim c ON c.experience_id = ee.experience_id \
                 WHERE c.search_vector @@ plainto_tsquery('french', $3))",
                [words.clone(), words.clone(), words],
            );
            Some(Condition::all().add(matching))
        }
        _ => {
            let fts = search_terms::fts5_query(text)?;
            let matching = Expr::cust_with_values(
                "\"evidence\".\"id\" IN (\
                 SELECT evidence_id FROM evidence_fts WHERE evidence_fts MATCH ? \
                 UNION ALL SELECT ee.evidence_id FROM evidence_experience ee WHERE ee.experience_id IN \
                 (SELECT experience_id FROM experience_fts WHERE experience_fts MATCH ?) \
                 UNION ALL SELECT ee.evidence_id FROM evidence_experience ee WHERE ee.experience_id IN \
                 (SELECT experience_id FROM claim_fts WHERE claim_fts MATCH ?))",
                [fts.clone(), fts.clone(), fts],
            );
            Some(Condition::all().add(matching))
        }
    }
}
