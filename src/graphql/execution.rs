//! Running requests: each operation in a span named after it, counted and timed in the metrics,
//! query operations within the query time limit.
//!
//! This is done around the executor rather than as an async-graphql extension: a schema with
//! any extension pays, on every field it resolves, for a registry look-up and a hook chain, which
//! on a nested read costs more than the whole HTTP layer.

use std::time::{Duration, Instant};

use async_graphql::parser::types::{DocumentOperations, OperationType};
use async_graphql::{BatchRequest, BatchResponse, Pos, Request, Response, ServerError};
use futures::future::join_all;
use tracing::Instrument;

use super::AcquisSchema;
use super::document_limits::DocumentRefusal;
use super::documents::DocumentCache;
use super::errors::gql;
use crate::error::AppError;
use crate::metrics::{Metrics, OperationLabel, RequestLabels, operation_label};

/// Executes a request or a batch; the operations of a batch run concurrently, as
/// async-graphql's own `execute_batch` runs them.
pub async fn execute_batch(
    schema: &AcquisSchema,
    documents: &DocumentCache,
    metrics: &Metrics,
    query_timeout: Duration,
    batch: BatchRequest,
) -> BatchResponse {
    let run = |request| execute(schema, documents, metrics, query_timeout, request);
    match batch {
        BatchRequest::Single(request) => BatchResponse::Single(run(request).await),
        BatchRequest::Batch(list) => {
            BatchResponse::Batch(join_all(list.into_iter().map(run)).await)
        }
    }
}

async fn execute(
    schema: &AcquisSchema,
    documents: &DocumentCache,
    metrics: &Metrics,
    query_timeout: Duration,
    mut request: Request,
) -> Response {
    let started = Instant::now();
    // Kept for putting the answer back in selection order (`response_order`).
    let document = match documents.prepare(&mut request) {
        Ok(document) => document,
        Err(refusal) => {
            record(metrics, started, REJECTED.to_owned(), "rejected");
            return refused_response(&refusal);
        }
    };
    let operation = operation_of(&mut request);
    let operation_name = request.operation_name.clone();
    let span = tracing::info_span!(
        "graphql",
        operation = operation
            .as_ref()
            .map_or("unknown", |(name, _)| name.as_str())
    );
    let running = schema.execute(request).instrument(span);
    // A read past its limit is dropped where it stands, with nothing to commit. Its statement
    // is cancelled by PostgreSQL's own statement timeout (set to the same limit); SQLite's
    // worker thread finishes it and drops the rows.
    // Mutations run to the end of the request timeout: dropping one mid-way could cut a file
    // transfer that the object store has to clean up anyway.
    let (response, timed_out) = match &operation {
        Some((_, OperationType::Query)) => match tokio::time::timeout(query_timeout, running).await
        {
            Ok(response) => (response, false),
            Err(_) => (timed_out_response(), true),
        },
        _ => (running.await, false),
    };
    let mut response = response;
    if let Some(document) = document.as_deref() {
        super::response_order::reorder(document, operation_name.as_deref(), &mut response.data);
    }
    add_codes(&mut response, document.is_some());
    let (operation, outcome) = match operation {
        _ if failed_before_execution(&response) => (REJECTED.to_owned(), "rejected"),
        None => (REJECTED.to_owned(), "rejected"),
        // Ended by this limit, or by the database's (statement timeout, lock wait).
        Some((operation, _)) if timed_out || response.errors.iter().any(is_timeout) => {
            (operation, "timeout")
        }
        Some((operation, _)) if response.errors.is_empty() => (operation, "ok"),
        Some((operation, _)) => (operation, "error"),
    };
    record(metrics, started, operation, outcome);
    response
}

/// Gives every error a code (the README promises one): async-graphql's own errors have none.
/// Before execution they are a document that does not parse, or one that fails validation or
/// a limit; during it, an argument or variable that does not coerce to its type.
fn add_codes(response: &mut Response, parsed: bool) {
    for error in &mut response.errors {
        if error
            .extensions
            .as_ref()
            .is_some_and(|ext| ext.get("code").is_some())
        {
            continue;
        }
        let code = if !error.path.is_empty() {
            "BAD_USER_INPUT"
        } else if !parsed {
            "GRAPHQL_PARSE_FAILED"
        } else {
            match error.message.as_str() {
                "Query is too complex." => "QUERY_TOO_COMPLEX",
                "Query is nested too deep." => "QUERY_TOO_DEEP",
                _ => "GRAPHQL_VALIDATION_FAILED",
            }
        };
        error
            .extensions
            .get_or_insert_with(Default::default)
            .set("code", code);
    }
}

/// The label of requests that never ran; their operation names are the client's, unchecked.
const REJECTED: &str = "unknown";

fn record(metrics: &Metrics, started: Instant, operation: String, outcome: &'static str) {
    let operation = metrics.operation_label(operation);
    metrics
        .graphql_seconds
        .get_or_create(&OperationLabel {
            operation: operation.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .graphql_requests
        .get_or_create(&RequestLabels { operation, outcome })
        .inc();
}

/// A document refused before async-graphql saw it: no data, one error with its code, and no
/// path, so it answers like any other request error (400 with graphql-response+json).
fn refused_response(refusal: &DocumentRefusal) -> Response {
    let mut error = ServerError::new(refusal.to_string(), None);
    let mut extensions = async_graphql::ErrorExtensionValues::default();
    extensions.set("code", refusal.code());
    error.extensions = Some(extensions);
    Response::from_errors(vec![error])
}

/// A query stopped at its time limit: `data` is null and the one error says why. It is an
/// execution failure (the operation ran), so it is not answered with a 4xx.
fn timed_out_response() -> Response {
    Response::from_errors(vec![
        gql(AppError::Timeout).into_server_error(Pos::default()),
    ])
}

/// The metrics label and the type of the operation a request runs, as the executor will pick
/// it: the one named by `operationName`, or the document's only operation. `None` when it
/// cannot run.
fn operation_of(request: &mut Request) -> Option<(String, OperationType)> {
    let wanted = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    match (&document.operations, wanted) {
        (DocumentOperations::Multiple(map), Some(name)) => map
            .get(name.as_str())
            .map(|op| (operation_label(Some(&name)), op.node.ty)),
        (DocumentOperations::Multiple(map), None) if map.len() == 1 => map
            .iter()
            .next()
            .map(|(name, op)| (operation_label(Some(name.as_str())), op.node.ty)),
        (DocumentOperations::Single(op), None) => Some((operation_label(None), op.node.ty)),
        _ => None,
    }
}

/// Errors raised while executing carry the path of their field; the ones raised before
/// execution (document, validation, limits, variable coercion) have none and leave no data.
pub fn failed_before_execution(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response
            .errors
            .iter()
            .all(|e| e.path.is_empty() && !is_timeout(e))
}

fn is_timeout(error: &async_graphql::ServerError) -> bool {
    error
        .extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .is_some_and(|code| *code == async_graphql::Value::from(AppError::Timeout.code()))
}
