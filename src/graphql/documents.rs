//! Parsed documents of recent queries, so that a client sending the same query text again (as
//! every front-end does) skips the parser. Validation still runs on every request: it depends
//! on the variables, and its limits must hold whatever the cache holds. Documents beyond
//! [`document_limits`] are refused here, before async-graphql parses or validates them.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex};

use async_graphql::parser::parse_query;
use async_graphql::parser::types::ExecutableDocument;
use lru::LruCache;

use super::document_limits::{self, DocumentRefusal};

/// Distinct query texts kept; a front-end has a few dozen.
const ENTRIES: usize = 512;
/// Longer texts are parsed every time: a cache of large documents would hold memory for what
/// are mostly one-off queries (GraphiQL explorations, introspection).
const MAX_QUERY_BYTES: usize = 16 * 1024;

pub struct DocumentCache {
    entries: Mutex<LruCache<String, Arc<ExecutableDocument>>>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        DocumentCache {
            entries: Mutex::new(LruCache::new(
                NonZeroUsize::new(ENTRIES).expect("a positive capacity"),
            )),
        }
    }
}

impl DocumentCache {
    /// Gives the request its parsed document, and returns it for what follows execution: the
    /// kept one when the text was seen before, otherwise the text is checked, parsed,
    /// summarised and kept. Only documents within [`document_limits`] are kept, so a hit needs
    /// no check. A text that does not parse is left to the executor, which reports the error
    /// the usual way (`None`).
    pub fn prepare(
        &self,
        request: &mut async_graphql::Request,
    ) -> Result<Option<Arc<ExecutableDocument>>, DocumentRefusal> {
        let cacheable = request.query.len() <= MAX_QUERY_BYTES;
        if cacheable && let Some(document) = self.lock().get(&request.query).cloned() {
            request.set_parsed_query((*document).clone());
            return Ok(Some(document));
        }
        document_limits::check_text(&request.query)?;
        let Ok(document) = parse_query(&request.query) else {
            return Ok(None);
        };
        document_limits::check_document(&document)?;
        let document = Arc::new(document);
        if cacheable {
            self.lock().put(request.query.clone(), document.clone());
        }
        request.set_parsed_query((*document).clone());
        Ok(Some(document))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, LruCache<String, Arc<ExecutableDocument>>> {
        self.entries.lock().unwrap_or_else(|p| p.into_inner())
    }
}
