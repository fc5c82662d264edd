//! The GraphQL transport: the only module that knows async-graphql. Resolvers read the request
//! context, call a use-case in `app`, and convert its result.

pub mod analysis;
pub mod connection;
pub mod context;
pub mod documents;
pub mod dossier;
pub mod enums;
pub mod errors;
pub mod evidence;
pub mod execution;
pub mod experience;
pub mod jury;
pub mod loaders;
pub mod referential;
pub mod scalars;
pub mod uploads;
pub mod viewer;

use async_graphql::{EmptySubscription, MergedObject, Schema, SchemaBuilder};

use crate::app::AppState;

#[derive(MergedObject, Default)]
pub struct Query(
    viewer::ViewerQuery,
    referential::ReferentialQuery,
    dossier::DossierQuery,
    evidence::EvidenceQuery,
    jury::AuditQuery,
);

#[derive(MergedObject, Default)]
pub struct Mutation(
    dossier::DossierMutation,
    experience::ExperienceMutation,
    evidence::EvidenceMutation,
    jury::JuryMutation,
);

pub type AcquisSchema = Schema<Query, Mutation, EmptySubscription>;

/// Limits that keep one request from costing too much.
pub const MAX_DEPTH: usize = 12;
pub const MAX_COMPLEXITY: usize = 1_000;

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(MAX_DEPTH)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
}

/// The schema served by the application.
pub fn build_schema(state: AppState) -> AcquisSchema {
    let introspection = state.config.introspection;
    let mut builder = builder().data(state);
    if !introspection {
        builder = builder.disable_introspection();
    }
    builder.finish()
}

/// The SDL of the schema; `schema.graphql` at the project root is this text.
pub fn sdl() -> String {
    builder().finish().sdl()
}
