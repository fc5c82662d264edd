//! The referential catalog: programmes are validated on import, stored as versioned documents,
//! and kept in memory by every instance (refreshed from the database when a lookup misses, so
//! an import on one instance reaches the others).

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use crate::db::programmes::SaveOutcome;
use crate::db::{self, Db};
use crate::domain::programme::{DEIS_JSON, Programme};
use crate::error::{AppError, AppResult};

#[derive(Default)]
pub struct Catalog {
    inner: RwLock<CatalogState>,
}

#[derive(Default)]
struct CatalogState {
    /// (code, version) → programme.
    versions: HashMap<(String, String), Arc<Programme>>,
    /// code → current version.
    current: HashMap<String, String>,
}

impl Catalog {
    /// Reads every stored programme version. A stored document that no longer validates is a
    /// bug in an import, reported with the programme it concerns.
    pub async fn reload(&self, db: &Db) -> anyhow::Result<()> {
        let stored = db::programmes::all(db).await?;
        let mut state = CatalogState::default();
        for row in stored {
            let programme = Programme::from_json(&row.document).map_err(|e| {
                anyhow::anyhow!(
                    "stored referential {} {} is invalid: {e}",
                    row.code,
                    row.version
                )
            })?;
            if row.current {
                state.current.insert(row.code.clone(), row.version.clone());
            }
            state
                .versions
                .insert((row.code, row.version), Arc::new(programme));
        }
        *self.inner.write().unwrap_or_else(|p| p.into_inner()) = state;
        Ok(())
    }

    /// Current version of every programme, sorted by code.
    pub fn all_current(&self) -> Vec<Arc<Programme>> {
        let state = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let mut list: Vec<_> = state
            .current
            .iter()
            .filter_map(|(code, version)| {
                state
                    .versions
                    .get(&(code.clone(), version.clone()))
                    .cloned()
            })
            .collect();
        list.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
        list
    }

    pub fn current(&self, code: &str) -> Option<Arc<Programme>> {
        let state = self.inner.read().unwrap_or_else(|p| p.into_inner());
        let version = state.current.get(code)?;
        state
            .versions
            .get(&(code.to_owned(), version.clone()))
            .cloned()
    }

    fn version_cached(&self, code: &str, version: &str) -> Option<Arc<Programme>> {
        let state = self.inner.read().unwrap_or_else(|p| p.into_inner());
        state
            .versions
            .get(&(code.to_owned(), version.to_owned()))
            .cloned()
    }

    /// A programme version, reloading the catalog once if another instance imported it.
    pub async fn version(&self, db: &Db, code: &str, version: &str) -> AppResult<Arc<Programme>> {
        if let Some(p) = self.version_cached(code, version) {
            return Ok(p);
        }
        self.reload(db).await?;
        self.version_cached(code, version)
            .ok_or(AppError::NotFound("programme"))
    }
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
    )
    .await?;
    catalog.reload(db).await?;
    Ok((Arc::new(programme), outcome))
}

/// Loads the embedded DEIS referential (idempotent: unchanged documents are not rewritten).
pub async fn load_fixtures(db: &Db, catalog: &Catalog) -> anyhow::Result<()> {
    let (programme, outcome) = import(db, catalog, DEIS_JSON).await?;
    tracing::info!(programme.code = programme.code.as_str(), programme.version = %programme.version, ?outcome, "embedded referential loaded");
    Ok(())
}
