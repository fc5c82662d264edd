//! Full-text search of evidence, restricted to the dossiers a scope shows. See the
//! full-text-search migrations for the indexes behind each backend.
//!
//! The statement is a union of one arm per source (the file's own title and name, the text of
//! the experiences it supports, the justifications of their claims), each arm restricted to the
//! visible dossiers itself: the planner can then pick, per arm, the text index or the dossier
//! index, whichever is narrower (a jury member's few dossiers, or a rare word among all).
//! SQLite's planner cannot weigh FTS5 matches against a dossier filter, so there a search within
//! a few dossiers names them to FTS5 itself (each full-text row carries its dossier as a token).

use sea_orm::{ConnectionTrait, DbBackend, DbErr, FromQueryResult, Statement, Value};
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

/// The place of a file in a search's results, best first, ties in id order.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ranked {
    pub score: f64,
    pub id: Uuid,
}

pub struct SearchRequest<'a> {
    pub user_id: Uuid,
    pub scope: &'a ListScope,
    pub text: &'a str,
    pub dossier_id: Option<Uuid>,
    pub domain_code: Option<&'a str>,
    pub after: Option<Ranked>,
    pub limit: u64,
    /// How many rows each source (the files' own text, experiences, claims) yields at most
    /// before ranking. A common word among 100,000 dossiers matches some 60,000 files: ranking
    /// and counting them all cost seconds for a list nobody reads to its end, so the search
    /// ranks what it gathered and says that its total is a lower bound. A search within a few
    /// dossiers, or of a rarer word, stays under the bound and is ranked and counted exactly.
    pub gather: u64,
}

/// One page of matching files, best first, with their scores and the number of matches.
#[derive(Debug, Default, PartialEq)]
pub struct SearchPage {
    pub rows: Vec<(evidence::Model, f64)>,
    pub total: u64,
    /// False when a source had more matches than the request gathers.
    pub total_is_exact: bool,
}

impl SearchPage {
    fn nothing() -> SearchPage {
        SearchPage {
            total_is_exact: true,
            ..SearchPage::default()
        }
    }
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
/// description or claim justifications match; one page of it ranked by relevance (the best
/// score of its sources: `ts_rank` on PostgreSQL, BM25's term-frequency part on SQLite), and the total.
pub async fn search(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
) -> Result<SearchPage, DbErr> {
    search_naming(db, request, NAMING).await
}

async fn search_naming(
    db: &impl ConnectionTrait,
    request: SearchRequest<'_>,
    naming: Naming,
) -> Result<SearchPage, DbErr> {
    let backend = db.get_database_backend();
    let Some(text) = search_text(backend, request.text) else {
        return Ok(SearchPage::nothing());
    };
    let named = match backend {
        DbBackend::Postgres => None,
        _ => match named_dossiers(db, &request, naming).await? {
            Some(ids) if ids.is_empty() => return Ok(SearchPage::nothing()),
            ids => ids,
        },
    };
    let mut sql = Sql::default();
    let within = match (named, visible_dossiers(&request, &mut sql)) {
        (_, None) => return Ok(SearchPage::nothing()),
        (Some(ids), Some(_)) => {
            // The dossiers are named in the text: the subquery's parameters are not bound.
            sql = Sql::default();
            Within::Named(ids)
        }
        (None, Some(None)) => Within::Everything,
        (None, Some(Some(subquery))) => Within::Subquery(subquery),
    };
    let gather = request.gather.max(1);
    let hits = gathered_hits(backend, &text, &within, gather, &mut sql);
    let visible = match &within {
        Within::Subquery(subquery) => format!("visible AS MATERIALIZED ({subquery}), "),
        _ => String::new(),
    };
    let domain = match request.domain_code {
        Some(domain) => {
            let prefix = sql.param(format!("{}.%", domain.trim().to_ascii_uppercase()));
            format!(
                " WHERE h.id IN (SELECT k.evidence_id FROM evidence_competence k \
                 WHERE k.competence_code LIKE {prefix})"
            )
        }
        None => String::new(),
    };
    let mut after = String::new();
    if let Some(cursor) = request.after {
        let (score, id) = (sql.param(cursor.score), sql.param(cursor.id));
        after = format!(" WHERE r.score < {score} OR (r.score = {score} AND r.id > {id})");
    }
    let limit = sql.param(i64::try_from(request.limit).unwrap_or(i64::MAX));
    // One statement: the gathered hits once, ranked per file, counted, and the page. The
    // counts come from a one-row table the page is joined to, so that a page past the last
    // match still says how many there are.
    let page = sql.statement(
        backend,
        format!(
            "WITH {visible}hits AS MATERIALIZED ({hits}), \
             ranked AS MATERIALIZED (SELECT h.id, max(h.score) AS score FROM hits h{domain} GROUP BY h.id), \
             counts AS (SELECT (SELECT count(*) FROM ranked) AS total, \
               (SELECT count(*) FROM (SELECT h.source FROM hits h GROUP BY h.source \
                HAVING count(*) > {gather}) g) AS overflowing), \
             p AS (SELECT r.id, r.score FROM ranked r{after} ORDER BY r.score DESC, r.id LIMIT {limit}) \
             SELECT e.id, e.dossier_id, e.kind, e.title, e.file_name, e.content_type, e.size, \
             e.sha256, e.object_key, e.uploaded_by, e.uploaded_at, p.score AS score, \
             CAST(c.total AS bigint) AS total, CAST(c.overflowing AS bigint) AS overflowing \
             FROM counts c LEFT JOIN p ON true LEFT JOIN evidence e ON e.id = p.id \
             ORDER BY p.score DESC, p.id"
        ),
    );
    let rows = db.query_all_raw(page).await?;
    let mut found = SearchPage::nothing();
    for row in &rows {
        found.total = u64::try_from(row.try_get::<i64>("", "total")?).unwrap_or(0);
        found.total_is_exact = row.try_get::<i64>("", "overflowing")? == 0;
        if row.try_get::<Option<Uuid>>("", "id")?.is_some() {
            let score = row.try_get::<f64>("", "score")?;
            found
                .rows
                .push((evidence::Model::from_query_result(row, "")?, score));
        }
    }
    Ok(found)
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

/// `SELECT id, score, source …`: the matching files within the dossiers `within` allows, at
/// most `gather` (and one more, which tells that there were more) per source.
fn gathered_hits(
    backend: DbBackend,
    text: &str,
    within: &Within,
    gather: u64,
    sql: &mut Sql,
) -> String {
    let limit = gather + 1;
    match backend {
        DbBackend::Postgres => postgres_arms(text, within, sql)
            .iter()
            .enumerate()
            .map(|(source, arm)| {
                format!("SELECT a.id, a.score, {source} AS source FROM ({arm} LIMIT {limit}) a")
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL "),
        _ => sqlite_arms(text, within)
            .iter()
            .enumerate()
            .map(|(source, arm)| sqlite_scored(arm, source, limit))
            .collect::<Vec<_>>()
            .join(" UNION ALL "),
    }
}

/// Each arm's matches scored by `acquis_tf`, BM25 without its inverse document frequency (see
/// `sqlite_ranking`, which reads the score from the index instead of the matched text).
fn sqlite_scored(arm: &str, source: usize, limit: u64) -> String {
    format!("SELECT a.id, a.score, {source} AS source FROM ({arm} LIMIT {limit}) a")
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
    let score = |vector: &str| format!("CAST(ts_rank({vector}, {q}) AS double precision) AS score");
    [
        format!(
            "SELECT v.id AS id, {} FROM evidence v WHERE v.search_vector @@ {q}{}",
            score("v.search_vector"),
            within("v.dossier_id")
        ),
        format!(
            "SELECT ee.evidence_id AS id, {} FROM experience x \
             JOIN evidence_experience ee ON ee.experience_id = x.id WHERE x.search_vector @@ {q}{}",
            score("x.search_vector"),
            within("x.dossier_id")
        ),
        format!(
            "SELECT ee.evidence_id AS id, {} FROM competence_claim c JOIN experience x ON x.id = c.experience_id \
             JOIN evidence_experience ee ON ee.experience_id = x.id WHERE c.search_vector @@ {q}{}",
            score("c.search_vector"),
            within("x.dossier_id")
        ),
    ]
}

/// Each FTS5 row carries its dossier as the token `d<id in hex>` (see the migration that added
/// it): named dossiers join the words in the MATCH expression, a larger scope is tested on each
/// match's dossier column. Each arm scores its matches in the text column.
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
            "SELECT evidence_fts.evidence_id AS id, acquis_tf(evidence_fts, 2) AS score \
             FROM evidence_fts WHERE {}",
            arm("evidence_fts")
        ),
        format!(
            "SELECT ee.evidence_id AS id, acquis_tf(experience_fts, 2) AS score \
             FROM experience_fts \
             JOIN evidence_experience ee ON ee.experience_id = experience_fts.experience_id WHERE {}",
            arm("experience_fts")
        ),
        format!(
            "SELECT ee.evidence_id AS id, acquis_tf(claim_fts, 4) AS score \
             FROM claim_fts \
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

    /// A statement with the values bound so far.
    fn statement(&self, backend: DbBackend, text: String) -> Statement {
        Statement::from_sql_and_values(backend, text, self.values.clone())
    }
}

#[cfg(test)]
mod tests;
