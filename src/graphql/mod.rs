//! The GraphQL transport: the only module that knows async-graphql. Resolvers read the request
//! context, call a use-case in `app`, and convert its result.

pub mod analysis;
pub mod connection;
pub mod context;
pub mod document_limits;
pub mod documents;
pub mod dossier;
pub mod enums;
pub mod errors;
pub mod evidence;
pub mod execution;
pub mod experience;
pub mod jury;
pub mod loaders;
pub mod personal_data;
pub mod referential;
pub mod response_order;
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
    personal_data::PersonalDataMutation,
);

pub type AcquisSchema = Schema<Query, Mutation, EmptySubscription>;

/// Limit of a query's cost, counted by async-graphql from the `complexity` of its fields: one
/// per field, a page its page size times its items ([`page_cost`]), other lists of objects
/// [`LIST_WEIGHT`] times their items ([`list_cost`]). A jury member's read of 100 experiences
/// with their claims and files costs about 18,000; 62 aliased lists of 100 dossiers with 100
/// experiences each cost over 100 million.
pub const MAX_COMPLEXITY: usize = 50_000;
/// What an unpaginated list of objects (claims, files, coverage, …) is assumed to hold.
pub const LIST_WEIGHT: usize = 10;

/// Complexity of a connection field: what one item costs, times the page size asked for.
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    use crate::app::pagination::{DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE};
    let size = first.map_or(DEFAULT_PAGE_SIZE, |n| {
        u64::try_from(n).unwrap_or(1).clamp(1, MAX_PAGE_SIZE)
    });
    usize::try_from(size)
        .unwrap_or(usize::MAX)
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

/// Complexity of an unpaginated list of objects.
pub fn list_cost(child_complexity: usize) -> usize {
    LIST_WEIGHT
        .saturating_mul(child_complexity)
        .saturating_add(1)
}

fn builder() -> SchemaBuilder<Query, Mutation, EmptySubscription> {
    // Depth and fragment expansion are checked before validation (`document_limits`), where
    // introspection can be told apart from data; async-graphql's own depth limit stays as a
    // backstop above the introspection queries' depth.
    Schema::build(Query::default(), Mutation::default(), EmptySubscription)
        .limit_depth(document_limits::MAX_INTROSPECTION_DEPTH + 2)
        .limit_complexity(MAX_COMPLEXITY)
        .limit_recursive_depth(32)
        .limit_directives(10)
}

/// The schema served by the application.
pub fn build_schema(state: AppState) -> AcquisSchema {
    let introspection = state.config.introspection;
    let mut builder = builder().data(state);
    if !introspection {
        // Suggestions ("Did you mean …") would name the fields introspection hides.
        builder = builder.disable_introspection().disable_suggestions();
    }
    builder.finish()
}

/// The SDL of the schema; `schema.graphql` at the project root is this text.
pub fn sdl() -> String {
    builder().finish().sdl()
}
