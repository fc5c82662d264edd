//! The one integration-test binary: every module talks HTTP to a freshly started Acquis.

mod access;
mod answers;

mod auth;
mod case;
mod cli;
mod clients;
mod dossier_read;
mod dossiers;
mod evidence;
mod faults;
mod fuzz;
mod graphiql;
mod hardening;
mod hostile_documents;
mod instances;
mod jury;
mod jwks;
mod limits;
mod readme;
mod records;
mod referential;
mod rncp;
mod rules;
mod schema;
mod search;
mod statements;
mod support;
mod tooling;
mod versions;
mod web_app;
