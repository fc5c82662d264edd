//! Acquis: a GraphQL service for assembling VAE dossiers. See README.md, section Architecture,
//! for the codemap and the rules that keep the layers apart.

/// Use-cases: policy, domain and persistence put together, one transaction each.
pub mod app;
/// Bearer tokens (HS256 and JWKS).
pub mod auth;
/// Programmes as 1EdTech CASE 1.1 frameworks.
pub mod case;
/// The `acquis` command line.
pub mod cli;
/// Configuration from the environment.
pub mod config;
/// Persistence: the only module that knows sea-orm entities.
pub mod db;
/// The pure core: referential, rules, policy. No IO.
pub mod domain;
/// The error enum with stable codes.
pub mod error;
/// Files that leave the system: summary PDF, JSON records, streamed zips.
pub mod export;
/// GraphQL schema and resolvers.
pub mod graphql;
/// HTTP routes.
pub mod http;
/// Prometheus metrics.
pub mod metrics;
/// Schema migrations (in `migrations/` at the project root).
#[path = "../migrations/mod.rs"]
pub mod migrations;
/// Reading France compétences' RNCP export, fiche by fiche.
pub mod rncp;
/// Building and running the service.
pub mod startup;
/// Evidence objects and their keys.
pub mod storage;
/// Logging set-up.
pub mod telemetry;
