//! Full-text search of evidence, restricted to the dossiers a scope shows. See the
//! full-text-search migrations for the indexes behind each backend.
//!
//! The statement is a union of one arm per source (the file's own title and name, the text of
//! the experiences it supports, the justifications of their claims), each arm restricted to the
//! visible dossiers itself: the planner can then pick, per arm, the text index or the dossier
//! index, whichever is narrower (a jury member's few dossiers, or a rare word among all).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, EntityTrait, QueryResult, Statement, Value};
use uuid::Uuid;

use super::entities::evidence;
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
    /// Count every match, not only the page (0 otherwise).
    pub with_total: bool,
}

/// Evidence whose title or file name matches, or that is linked to an experience whose title,
/// description or claim justifications match; one page of it in id order, and the total.
pub async fn search(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
) -> Result<(Vec<evidence::Model>, u64), DbErr> {
    let backend = db.get_database_backend();
    let mut sql = Sql::default();
    let Some(matches) = matching_ids(backend, &request, &mut sql) else {
        return Ok((Vec::new(), 0));
    };
    let mut total = 0;
    if request.with_total {
        let count = sql.statement(backend, format!("SELECT count(*) AS n FROM ({matches}) m"));
        total = db
            .query_one_raw(count)
            .await?
            .map(|row: QueryResult| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
        if total == 0 {
            return Ok((Vec::new(), 0));
        }
    }
    let after = match request.after {
        Some(after) => format!(" AND e.id > {}", sql.param(after)),
        None => String::new(),
    };
    let limit = sql.param(i64::try_from(request.limit).unwrap_or(i64::MAX));
    let page = sql.statement(
        backend,
        format!(
            "SELECT e.id, e.dossier_id, e.kind, e.title, e.file_name, e.content_type, e.size, e.sha256, \
             e.object_key, e.uploaded_by, e.uploaded_at FROM evidence e \
             WHERE e.id IN (SELECT m.id FROM ({matches}) m){after} ORDER BY e.id LIMIT {limit}"
        ),
    );
    let rows = evidence::Entity::find().from_raw_sql(page).all(db).await?;
    Ok((rows, u64::try_from(total).unwrap_or(0)))
}

/// `SELECT id …` of the matching files the request may show, or `None` when nothing can match
/// (no searchable word, or a scope that shows no dossier).
fn matching_ids(backend: DbBackend, request: &SearchRequest<'_>, sql: &mut Sql) -> Option<String> {
    let text = match backend {
        DbBackend::Postgres => {
            let words = search_terms::words(request.text).join(" ");
            (!words.is_empty()).then_some(words)?
        }
        _ => search_terms::fts5_query(request.text)?,
    };
    let visible = visible_dossiers(request, sql)?;
    let within = |column: &str| match &visible {
        Some(dossiers) => format!(" AND {column} IN ({dossiers})"),
        None => String::new(),
    };
    let q = literal(&text);
    let arms = match backend {
        DbBackend::Postgres => {
            let q = format!("plainto_tsquery('french', {q})");
            [
                format!(
                    "SELECT v.id AS id FROM evidence v WHERE v.search_vector @@ {q}{}",
                    within("v.dossier_id")
                ),
                format!(
                    "SELECT ee.evidence_id FROM experience x JOIN evidence_experience ee ON ee.experience_id = x.id \
                     WHERE x.search_vector @@ {q}{}",
                    within("x.dossier_id")
                ),
                format!(
                    "SELECT ee.evidence_id FROM competence_claim c JOIN experience x ON x.id = c.experience_id \
                     JOIN evidence_experience ee ON ee.experience_id = x.id WHERE c.search_vector @@ {q}{}",
                    within("x.dossier_id")
                ),
            ]
        }
        _ => [
            format!(
                "SELECT v.id AS id FROM evidence_fts JOIN evidence v ON v.id = evidence_fts.evidence_id \
                 WHERE evidence_fts MATCH {q}{}",
                within("v.dossier_id")
            ),
            format!(
                "SELECT ee.evidence_id FROM experience_fts JOIN experience x ON x.id = experience_fts.experience_id \
                 JOIN evidence_experience ee ON ee.experience_id = x.id WHERE experience_fts MATCH {q}{}",
                within("x.dossier_id")
            ),
            format!(
                "SELECT ee.evidence_id FROM claim_fts JOIN experience x ON x.id = claim_fts.experience_id \
                 JOIN evidence_experience ee ON ee.experience_id = x.id WHERE claim_fts MATCH {q}{}",
                within("x.dossier_id")
            ),
        ],
    };
    let mut matches = arms.join(" UNION ");
    if let Some(domain) = request.domain_code {
        let prefix = sql.param(format!("{}.%", domain.trim().to_ascii_uppercase()));
        matches = format!(
            "SELECT u.id FROM ({matches}) u WHERE u.id IN \
             (SELECT k.evidence_id FROM evidence_competence k WHERE k.competence_code LIKE {prefix})"
        );
    }
    Some(matches)
}

/// The search text as an SQL string literal. It is written into the statement rather than bound
/// so that the planner sees it: bound, PostgreSQL soon plans the statement once for any text (a
/// generic plan) and cannot tell a word found in every dossier from a rare one, so a jury
/// member's search of a common word through a few dozen dossiers went through the whole text
/// index. `search_terms` keeps letters and digits only (and, for FTS5, adds double quotes, stars
/// and `AND`); single quotes are doubled all the same.
fn literal(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// The ids of the dossiers the request may search, as a subquery; `Some(None)` when that is
/// every dossier (no restriction), `None` when it is none.
fn visible_dossiers(request: &SearchRequest<'_>, sql: &mut Sql) -> Option<Option<String>> {
    let scope = request.scope;
    let only = request.dossier_id.map(|id| sql.param(id));
    if scope.everything {
        return Some(only.map(|id| format!("SELECT d.id FROM dossier d WHERE d.id = {id}")));
    }
    let user = sql.param(request.user_id);
    let mut shown = Vec::new();
    if scope.own {
        shown.push(format!("d.candidate_id = {user}"));
    }
    let assigned = |role: &str| {
        format!(
            "d.id IN (SELECT a.dossier_id FROM assignment a WHERE a.user_id = {user} AND a.role = '{role}')"
        )
    };
    if scope.advised {
        shown.push(assigned("ADVISOR"));
    }
    if !scope.jury_statuses.is_empty() {
        // Status names come from the closed enum, never from the request.
        let statuses: Vec<String> = scope
            .jury_statuses
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        shown.push(format!(
            "({} AND d.status IN ({}))",
            assigned("JURY"),
            statuses.join(", ")
        ));
    }
    if shown.is_empty() {
        return None;
    }
    let only = only
        .map(|id| format!(" AND d.id = {id}"))
        .unwrap_or_default();
    Some(Some(format!(
        "SELECT d.id FROM dossier d WHERE ({}){only}",
        shown.join(" OR ")
    )))
}

/// Statement text with `$n` parameters, which both backends read; a value is bound once and
/// its parameter may appear several times.
#[derive(Default)]
struct Sql {
    values: Vec<Value>,
}

impl Sql {
    fn param(&mut self, value: impl Into<Value>) -> String {
        self.values.push(value.into());
        format!("${}", self.values.len())
    }

    /// A statement with the values bound so far: the count and the page share the text of the
    /// match, and its parameters.
    fn statement(&self, backend: DbBackend, text: String) -> Statement {
        Statement::from_sql_and_values(backend, text, self.values.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dossier_status::DossierStatus;

    fn scope(everything: bool, own: bool, advised: bool, jury: bool) -> ListScope {
        ListScope {
            everything,
            own,
            advised,
            jury_statuses: if jury {
                vec![DossierStatus::ReadyForJury]
            } else {
                Vec::new()
            },
        }
    }

    fn request<'a>(scope: &'a ListScope, dossier_id: Option<Uuid>) -> SearchRequest<'a> {
        SearchRequest {
            user_id: Uuid::nil(),
            scope,
            text: "évaluation",
            dossier_id,
            domain_code: None,
            after: None,
            limit: 21,
            with_total: true,
        }
    }

    #[test]
    fn an_admin_searches_every_dossier_without_a_visibility_filter() {
        let all = scope(true, false, false, false);
        assert_eq!(
            visible_dossiers(&request(&all, None), &mut Sql::default()),
            Some(None)
        );
    }

    #[test]
    fn a_jury_member_searches_assigned_dossiers_in_the_jury_statuses_only() {
        let jury = scope(false, false, false, true);
        let visible = visible_dossiers(&request(&jury, None), &mut Sql::default())
            .unwrap()
            .unwrap();
        assert!(
            visible.contains("a.role = 'JURY'")
                && visible.contains("d.status IN ('READY_FOR_JURY')"),
            "{visible}"
        );
        assert!(!visible.contains("candidate_id"), "{visible}");
    }

    #[test]
    fn a_scope_that_shows_nothing_searches_nothing() {
        let none = scope(false, false, false, false);
        assert_eq!(
            visible_dossiers(&request(&none, None), &mut Sql::default()),
            None
        );
    }

    #[test]
    fn the_search_text_is_a_closed_string_literal() {
        assert_eq!(
            literal("\"évaluation\"* AND \"diagnostic\"*"),
            "'\"évaluation\"* AND \"diagnostic\"*'"
        );
        assert_eq!(literal("l'eau"), "'l''eau'");
    }

    #[test]
    fn one_dossier_narrows_any_scope() {
        let all = scope(true, false, false, false);
        let mut sql = Sql::default();
        let visible = visible_dossiers(&request(&all, Some(Uuid::nil())), &mut sql)
            .unwrap()
            .unwrap();
        assert_eq!(visible, "SELECT d.id FROM dossier d WHERE d.id = $1");
        assert_eq!(sql.values.len(), 1);
    }
}
