//! Use-cases: load what is needed, ask the policy, call the domain, persist in one
//! transaction with its audit event. GraphQL resolvers and HTTP handlers call these and
//! nothing deeper.

pub mod access;
pub mod actors;
pub mod dossier_contents;
pub mod dossiers;
pub mod evidence;
pub mod experiences;
pub mod exports;
pub mod jury;
pub mod pagination;
pub mod personal_data;
pub mod programmes;
pub mod retention;
pub mod rncp_import;
pub mod rules;
pub mod search;
pub mod seed;
pub mod signed_links;
pub mod sweep;

use std::sync::Arc;

use crate::auth::Authenticator;
use crate::config::Config;
use crate::db::Db;
use crate::storage::Storage;

/// Everything a request needs, shared by all requests. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub db: Db,
    pub storage: Storage,
    pub config: Arc<Config>,
    pub auth: Arc<Authenticator>,
    pub catalog: Arc<programmes::Catalog>,
    pub links: Arc<signed_links::LinkSigner>,
    pub actors: Arc<actors::ActorCache>,
    pub metrics: Arc<crate::metrics::Metrics>,
    /// Names erased people in what outlives them (ledger, audit trail).
    pub pseudonyms: Arc<crate::domain::pseudonym::PseudonymKey>,
}

/// Today in the service's calendar (dates of experiences and decisions are calendar dates).
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}
