//! Full-text search of evidence, restricted to the dossiers a scope shows. See the
//! full-text-search migrations for the indexes behind each backend.
//!
//! The statement is a union of one arm per source (the file's own title and name, the text of
//! the experiences it supports, the justifications of their claims), each arm restricted to the
//! visible dossiers itself: the planner can then pick, per arm, the text index or the dossier
//! index, whichever is narrower (a jury member's few dossiers, or a rare word among all).
//! SQLite's planner cannot weigh FTS5 matches against a dossier filter, so there a search within
//! a few dossiers names them to FTS5 itself (each full-text row carries its dossier as a token).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, QueryResult, Statement, Value};
use uuid::Uuid;

use super::entities::evidence;
use crate::domain::policy::ListScope;
use crate::domain::search_terms;

/// When SQLite's search names the visible dossiers in the MATCH expression rather than testing
/// the dossier of every match: testing costs with the number of matches, which grows with the
/// whole database, naming with the number of dossiers named. Measured on the seeded data, a jury
/// member's 70 dossiers: among 1,000 dossiers, 3 ms tested against 5 ms named; among 100,000,
/// 200 ms against 20 ms. Beyond a few hundred names FTS5's OR of them costs more than testing
/// (through 2,000 dossiers of 100,000: 0.3 s either way; through 20,000: 5.8 s against 0.3 s).
#[derive(Clone, Copy)]
struct Naming {
    /// At most this many dossiers are named,
    most: usize,
    /// and only when they are at most this share of all dossiers (one in `share`).
    share: usize,
}

const NAMING: Naming = Naming {
    most: 500,
    share: 20,
};

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

/// Where the matches may come from, as the statement will say it.
enum Within {
    /// Every dossier (an administrator's search).
    Everything,
    /// The dossiers a subquery selects (`SELECT d.id FROM dossier d WHERE …`), computed once
    /// for the whole statement as the table `visible`.
    Subquery(String),
    /// These dossiers, few enough to name (SQLite only).
    Named(Vec<Uuid>),
}

/// Evidence whose title or file name matches, or that is linked to an experience whose title,
/// description or claim justifications match; one page of it in id order, and the total.
pub async fn search(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
) -> Result<(Vec<evidence::Model>, u64), DbErr> {
    search_naming(db, request, NAMING).await
}

async fn search_naming(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
    naming: Naming,
) -> Result<(Vec<evidence::Model>, u64), DbErr> {
    let backend = db.get_database_backend();
    let Some(text) = search_text(backend, request.text) else {
        return Ok((Vec::new(), 0));
    };
    let named = match backend {
        DbBackend::Postgres => None,
        _ => match named_dossiers(db, &request, naming).await? {
            Some(ids) if ids.is_empty() => return Ok((Vec::new(), 0)),
            ids => ids,
        },
    };
    let mut sql = Sql::default();
    let within = match (named, visible_dossiers(&request, &mut sql)) {
        (_, None) => return Ok((Vec::new(), 0)),
        (Some(ids), Some(_)) => {
            // The dossiers are named in the text: the subquery's parameters are not bound.
            sql = Sql::default();
            Within::Named(ids)
        }
        (None, Some(None)) => Within::Everything,
        (None, Some(Some(subquery))) => Within::Subquery(subquery),
    };
    let matches = matching_ids(backend, &text, &within, request.domain_code, &mut sql);
    let visible = match &within {
        Within::Subquery(subquery) => format!("visible AS MATERIALIZED ({subquery}), "),
        _ => String::new(),
    };
    // What counting every match needs, before the page adds its own parameters.
    let count = request.with_total.then(|| {
        let count = format!("SELECT count(*) AS n FROM ({matches}) c");
        let count = match visible.strip_suffix(", ") {
            Some(visible) => format!("WITH {visible} {count}"),
            None => count,
        };
        sql.statement(backend, count)
    });
    let mut after = String::new();
    if let Some(id) = request.after {
        after = format!(" WHERE m.id > {}", sql.param(id));
    }
    let limit = sql.param(i64::try_from(request.limit).unwrap_or(i64::MAX));
    // The total is counted by a window over the same matches the page is taken from: one
    // evaluation of the union, not one for the count and another for the page.
    let (ids, total) = if request.with_total {
        (
            format!("SELECT u.id, count(*) OVER () AS total FROM ({matches}) u"),
            "p.total",
        )
    } else {
        (matches, "0")
    };
    let page = sql.statement(
        backend,
        format!(
            "WITH {visible}m AS ({ids}), \
             p AS (SELECT m.* FROM m{after} ORDER BY m.id LIMIT {limit}) \
             SELECT e.id, e.dossier_id, e.kind, e.title, e.file_name, e.content_type, e.size, \
             e.sha256, e.object_key, e.uploaded_by, e.uploaded_at, CAST({total} AS bigint) AS total \
             FROM p JOIN evidence e ON e.id = p.id ORDER BY e.id"
        ),
    );
    let rows = db.query_all_raw(page).await?;
    let mut total = 0i64;
    let mut found = Vec::with_capacity(rows.len());
    for row in &rows {
        total = row.try_get::<i64>("", "total")?;
        found.push(evidence::Model::from_query_result(row, "")?);
    }
    if let Some(count) = count.filter(|_| found.is_empty() && request.after.is_some()) {
        // A page past the last match still reports how many there are.
        total = db
            .query_one_raw(count)
            .await?
            .map(|row: QueryResult| row.try_get_by_index::<i64>(0))
            .transpose()?
            .unwrap_or(0);
    }
    Ok((found, u64::try_from(total).unwrap_or(0)))
}

/// What the backend's full-text engine is asked for: PostgreSQL's words (it stems them itself),
/// or an FTS5 expression; `None` when no word is worth searching.
fn search_text(backend: DbBackend, text: &str) -> Option<String> {
    match backend {
        DbBackend::Postgres => {
            let words = search_terms::words(text).join(" ");
            (!words.is_empty()).then_some(words)
        }
        _ => search_terms::fts5_query(text),
    }
}

/// The visible dossiers when `naming` says to name them (an empty list when there are none);
/// `None` for an administrator's search of everything or a scope better tested than named.
async fn named_dossiers(
    db: &impl ConnectionTrait,
    request: &SearchRequest<'_>,
    naming: Naming,
) -> Result<Option<Vec<Uuid>>, DbErr> {
    let mut sql = Sql::default();
    let subquery = match visible_dossiers(request, &mut sql) {
        None => return Ok(Some(Vec::new())),
        Some(None) => return Ok(None),
        Some(Some(subquery)) => subquery,
    };
    // The largest rowid stands for the number of dossiers: it costs one b-tree descent where a
    // count reads the whole table, and deleted dossiers do not matter to this choice.
    let statement = sql.statement(
        db.get_database_backend(),
        format!(
            "SELECT v.id, (SELECT max(rowid) FROM dossier) AS dossiers FROM ({subquery} LIMIT {}) v",
            naming.most + 1
        ),
    );
    let rows = db.query_all_raw(statement).await?;
    let ids = rows
        .iter()
        .map(|row| row.try_get_by_index::<Uuid>(0))
        .collect::<Result<Vec<_>, _>>()?;
    let dossiers = match rows.first() {
        Some(row) => usize::try_from(row.try_get_by_index::<i64>(1)?).unwrap_or(0),
        None => 0,
    };
    let name = ids.len() <= naming.most && ids.len().saturating_mul(naming.share) <= dossiers;
    Ok((ids.is_empty() || name).then_some(ids))
}

/// `SELECT id …` of the matching files within the dossiers `within` allows.
fn matching_ids(
    backend: DbBackend,
    text: &str,
    within: &Within,
    domain_code: Option<&str>,
    sql: &mut Sql,
) -> String {
    let arms = match backend {
        DbBackend::Postgres => postgres_arms(text, within, sql),
        _ => sqlite_arms(text, within),
    };
    let mut matches = arms.join(" UNION ");
    if let Some(domain) = domain_code {
        let prefix = sql.param(format!("{}.%", domain.trim().to_ascii_uppercase()));
        matches = format!(
            "SELECT u.id FROM ({matches}) u WHERE u.id IN \
             (SELECT k.evidence_id FROM evidence_competence k WHERE k.competence_code LIKE {prefix})"
        );
    }
    matches
}

fn postgres_arms(words: &str, within: &Within, sql: &mut Sql) -> [String; 3] {
    let dossiers = match within {
        Within::Everything => None,
        Within::Subquery(_) => Some("SELECT visible.id FROM visible".to_owned()),
        Within::Named(ids) => Some(
            ids.iter()
                .map(|id| sql.param(*id))
                .collect::<Vec<_>>()
                .join(", "),
        ),
    };
    let within = |column: &str| match &dossiers {
        Some(dossiers) => format!(" AND {column} IN ({dossiers})"),
        None => String::new(),
    };
    let q = format!("plainto_tsquery('french', {})", literal(words));
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

/// Each FTS5 row carries its dossier as the token `d<id in hex>` (see the migration that added
/// it): named dossiers join the words in the MATCH expression, a larger scope is tested on each
/// match's dossier column.
fn sqlite_arms(expression: &str, within: &Within) -> [String; 3] {
    let arm = |table: &str| {
        let (expression, filter) = match within {
            Within::Everything => (format!("body : ({expression})"), String::new()),
            Within::Named(ids) => {
                let tokens: Vec<String> = ids
                    .iter()
                    .map(|id| format!("\"d{}\"", id.simple()))
                    .collect();
                (
                    format!(
                        "body : ({expression}) AND dossier : ({})",
                        tokens.join(" OR ")
                    ),
                    String::new(),
                )
            }
            Within::Subquery(_) => (
                format!("body : ({expression})"),
                format!(" AND {table}.dossier IN (SELECT 'd' || hex(visible.id) FROM visible)"),
            ),
        };
        format!("{table} MATCH {}{filter}", literal(&expression))
    };
    [
        format!(
            "SELECT evidence_fts.evidence_id AS id FROM evidence_fts WHERE {}",
            arm("evidence_fts")
        ),
        format!(
            "SELECT ee.evidence_id FROM experience_fts \
             JOIN evidence_experience ee ON ee.experience_id = experience_fts.experience_id WHERE {}",
            arm("experience_fts")
        ),
        format!(
            "SELECT ee.evidence_id FROM claim_fts \
             JOIN evidence_experience ee ON ee.experience_id = claim_fts.experience_id WHERE {}",
            arm("claim_fts")
        ),
    ]
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
mod tests;
