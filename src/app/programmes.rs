//! The referential catalog: programmes are validated on import and stored as versioned
//! documents; every instance keeps the ones it uses parsed, in a bounded cache. A version never
//! changes meaning once dossiers use it, so a cached version is served without asking the
//! database; which version is current is asked each time, so an import on one instance reaches
//! the others at once. Thousands of imported certifications are never all held in memory.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use lru::LruCache;

use crate::db::programmes::{SaveOutcome, StoredProgramme};
use crate::db::{self, Db};
use crate::domain::programme::{DEES_JSON, DEIS_JSON, Programme};
use crate::error::{AppError, AppResult};

/// Parsed programme versions kept per instance.
const CACHED_VERSIONS: usize = 1024;

/// (code, version) → (checksum of the stored document, programme).
type Parsed = LruCache<(String, String), (String, Arc<Programme>)>;

pub struct Catalog {
    parsed: Mutex<Parsed>,
}

impl Default for Catalog {
    fn default() -> Self {
        Catalog {
            parsed: Mutex::new(LruCache::new(
                NonZeroUsize::new(CACHED_VERSIONS).expect("a positive capacity"),
            )),
        }
    }
}

impl Catalog {
    fn lock(&self) -> std::sync::MutexGuard<'_, Parsed> {
        self.parsed.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn cached(&self, code: &str, version: &str, checksum: Option<&str>) -> Option<Arc<Programme>> {
        let mut cache = self.lock();
        let (stored, programme) = cache.get(&(code.to_owned(), version.to_owned()))?;
        checksum
            .is_none_or(|wanted| wanted == stored)
            .then(|| programme.clone())
    }

    /// Parses a stored row (or takes it from the cache when its checksum matches). A stored
    /// document that no longer validates is a bug of an import, reported with its programme.
    fn parsed(&self, row: StoredProgramme) -> AppResult<Arc<Programme>> {
        if let Some(programme) = self.cached(&row.code, &row.version, Some(&row.checksum)) {
            return Ok(programme);
        }
        let programme = Arc::new(Programme::from_json(&row.document).map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "stored referential {} {} is invalid: {e}",
                row.code,
                row.version
            ))
        })?);
        self.lock()
            .put((row.code, row.version), (row.checksum, programme.clone()));
        Ok(programme)
    }

    /// The current version of `code`, or `None` when no programme has that code.
    pub async fn current(&self, db: &Db, code: &str) -> AppResult<Option<Arc<Programme>>> {
        let Some((version, checksum)) = db::programmes::current_of(db, code).await? else {
            return Ok(None);
        };
        if let Some(programme) = self.cached(code, &version, Some(&checksum)) {
            return Ok(Some(programme));
        }
        match db::programmes::get(db, code, &version).await? {
            Some(row) => self.parsed(row).map(Some),
            None => Ok(None),
        }
    }

    /// One version of a programme, as a dossier created under it uses it.
    pub async fn version(&self, db: &Db, code: &str, version: &str) -> AppResult<Arc<Programme>> {
        if let Some(programme) = self.cached(code, version, None) {
            return Ok(programme);
        }
        let row = db::programmes::get(db, code, version)
            .await?
            .ok_or(AppError::NotFound("programme"))?;
        self.parsed(row)
    }

    /// Current versions in code order: at most `limit` after the code `after`, those whose
    /// code or title contains `search` when given.
    pub async fn current_page(
        &self,
        db: &Db,
        after: Option<&str>,
        limit: u64,
        search: Option<&str>,
    ) -> AppResult<Vec<Arc<Programme>>> {
        db::programmes::current_page(db, after, limit, search)
            .await?
            .into_iter()
            .map(|row| self.parsed(row))
            .collect()
    }

    /// Drops what an import replaced.
    pub fn forget(&self, code: &str, version: &str) {
        self.lock().pop(&(code.to_owned(), version.to_owned()));
    }
}

/// The programme version whose CASE document identifier is `id`, with when it was stored.
/// Identifiers are derived from codes and versions, so the stored ones are derived again.
pub async fn by_case_id(
    state: &super::AppState,
    id: uuid::Uuid,
) -> AppResult<Option<(Arc<Programme>, chrono::DateTime<chrono::Utc>)>> {
    let found = db::programmes::all_versions(&state.db)
        .await?
        .into_iter()
        .find(|(code, version, _)| crate::case::document_id(code, version) == id);
    match found {
        Some((code, version, at)) => Ok(Some((
            state.catalog.version(&state.db, &code, &version).await?,
            at,
        ))),
        None => Ok(None),
    }
}

/// Current versions in code order, `limit` from `offset`, with when each was stored; and
/// how many there are.
pub async fn current_window(
    state: &super::AppState,
    offset: u64,
    limit: u64,
) -> AppResult<(Vec<(Arc<Programme>, chrono::DateTime<chrono::Utc>)>, u64)> {
    let (rows, total) = db::programmes::current_window(&state.db, offset, limit).await?;
    let mut out = Vec::with_capacity(rows.len());
    for (row, at) in rows {
        out.push((
            state
                .catalog
                .version(&state.db, &row.code, &row.version)
                .await?,
            at,
        ));
    }
    Ok((out, total))
}

/// One stored version, as listed.
pub struct VersionSummary {
    pub version: String,
    pub current: bool,
    pub valid_from: Option<chrono::NaiveDate>,
    pub valid_until: Option<chrono::NaiveDate>,
}

/// Every stored version of `code`, oldest first, with its dates.
pub async fn versions(state: &super::AppState, code: &str) -> AppResult<Vec<VersionSummary>> {
    let mut out = Vec::new();
    for (version, current, _) in db::programmes::versions_of(&state.db, code).await? {
        let programme = state.catalog.version(&state.db, code, &version).await?;
        out.push(VersionSummary {
            version,
            current,
            valid_from: programme.valid_from,
            valid_until: programme.valid_until,
        });
    }
    Ok(out)
}

/// Validates and stores a referential, then refreshes the catalog.
pub async fn import(
    db: &Db,
    catalog: &Catalog,
    json: &str,
) -> anyhow::Result<(Arc<Programme>, SaveOutcome)> {
    let programme =
        Programme::from_json(json).map_err(|e| anyhow::anyhow!("invalid referential: {e}"))?;
    let outcome = db::programmes::save(
        db,
        programme.code.as_str(),
        &programme.version,
        &programme.title,
        json,
        programme.source.as_ref().map(|s| s.checksum.as_str()),
    )
    .await?;
    catalog.forget(programme.code.as_str(), &programme.version);
    Ok((Arc::new(programme), outcome))
}

/// Loads the embedded referentials, the DEIS and the DEES (idempotent: unchanged documents
/// are not rewritten).
pub async fn load_fixtures(db: &Db, catalog: &Catalog) -> anyhow::Result<()> {
    for json in [DEIS_JSON, DEES_JSON] {
        let (programme, outcome) = import(db, catalog, json).await?;
        tracing::info!(programme.code = programme.code.as_str(), programme.version = %programme.version, ?outcome, "embedded referential loaded");
    }
    Ok(())
}
