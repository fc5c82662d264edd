//! Running requests: each operation in a span named after it, counted and timed in the metrics.
//!
//! This is done around the executor rather than as an async-graphql extension: a schema with
//! any extension pays, on every field it resolves, for a registry look-up and a hook chain, which
//! on a nested read costs more than the whole HTTP layer.

use std::time::Instant;

use async_graphql::parser::types::DocumentOperations;
use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use futures::future::join_all;
use tracing::Instrument;

use super::AcquisSchema;
use super::documents::DocumentCache;
use crate::metrics::{Metrics, OperationLabel, RequestLabels, operation_label};

/// Executes a request or a batch; the operations of a batch run concurrently, as
/// async-graphql's own `execute_batch` runs them.
pub async fn execute_batch(
    schema: &AcquisSchema,
    documents: &DocumentCache,
    metrics: &Metrics,
    batch: BatchRequest,
) -> BatchResponse {
    match batch {
        BatchRequest::Single(request) => {
            BatchResponse::Single(execute(schema, documents, metrics, request).await)
        }
        BatchRequest::Batch(list) => BatchResponse::Batch(
            join_all(
                list.into_iter()
                    .map(|request| execute(schema, documents, metrics, request)),
            )
            .await,
        ),
    }
}

async fn execute(
    schema: &AcquisSchema,
    documents: &DocumentCache,
    metrics: &Metrics,
    mut request: Request,
) -> Response {
    documents.prepare(&mut request);
    let operation = operation_of(&mut request);
    let started = Instant::now();
    let span = tracing::info_span!(
        "graphql",
        operation = operation.as_deref().unwrap_or("unknown")
    );
    let response = schema.execute(request).instrument(span).await;
    let (operation, outcome) = match operation {
        _ if failed_before_execution(&response) => ("unknown".to_owned(), "rejected"),
        None => ("unknown".to_owned(), "rejected"),
        Some(operation) if response.errors.is_empty() => (operation, "ok"),
        Some(operation) => (operation, "error"),
    };
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
    response
}

/// The metrics label of the operation a request runs, as the executor will pick it: the one
/// named by `operationName`, or the document's only operation. `None` when it cannot run.
fn operation_of(request: &mut Request) -> Option<String> {
    let wanted = request.operation_name.clone();
    let document = request.parsed_query().ok()?;
    match (&document.operations, wanted) {
        (DocumentOperations::Multiple(map), Some(name)) => map
            .contains_key(name.as_str())
            .then(|| operation_label(Some(&name))),
        (DocumentOperations::Multiple(map), None) if map.len() == 1 => map
            .keys()
            .next()
            .map(|name| operation_label(Some(name.as_str()))),
        (DocumentOperations::Single(_), None) => Some(operation_label(None)),
        _ => None,
    }
}

/// Errors raised while executing carry the path of their field; the ones raised before
/// execution (document, validation, limits, variable coercion) have none and leave no data.
pub fn failed_before_execution(response: &Response) -> bool {
    response.data == async_graphql::Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty())
}
