//! The one integration-test binary: every module talks HTTP to a freshly started Acquis.

mod access;
mod auth;
mod dossiers;
mod evidence;
mod jury;
mod jwks;
mod referential;
mod rules;
mod schema;
mod support;
