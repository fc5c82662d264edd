//! The one integration-test binary: every module talks HTTP to a freshly started Acquis.

mod auth;
mod dossiers;
mod evidence;
mod referential;
mod rules;
mod schema;
mod support;
