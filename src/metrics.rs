//! Prometheus metrics: GraphQL requests by operation and outcome, their latency, evidence
//! bytes received, SQL statements and the database pool. Labels carry operation names only,
//! never arguments or personal data.

use std::collections::HashSet;
use std::sync::Mutex;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub operation: String,
    /// `ok`, `error` (GraphQL errors in the response) or `rejected` (never executed).
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// `ran`, `skipped` (another instance held the lease) or `failed`.
    pub outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OperationLabel {
    pub operation: String,
}

pub struct Metrics {
    registry: Registry,
    /// Operation names used as labels so far; past [`MAX_OPERATION_LABELS`] new names are
    /// counted as `other`, so anonymous clients cannot grow the exposition without bound.
    operations: Mutex<HashSet<String>>,
    pub graphql_requests: Family<RequestLabels, Counter>,
    pub graphql_seconds: Family<OperationLabel, Histogram>,
    pub upload_bytes: Counter,
    pub db_statements: Counter,
    pub db_statement_errors: Counter,
    pub db_pool_size: Gauge,
    pub db_pool_idle: Gauge,
    pub sweeps: Family<OutcomeLabel, Counter>,
}

fn latency_histogram() -> Histogram {
    // 1 ms to ~16 s.
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("acquis");
        let graphql_requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "graphql_requests",
            "GraphQL requests by operation and outcome",
            graphql_requests.clone(),
        );
        let graphql_seconds = Family::<OperationLabel, Histogram>::new_with_constructor(
            latency_histogram as fn() -> Histogram,
        );
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL request",
            graphql_seconds.clone(),
        );
        let upload_bytes = Counter::default();
        registry.register(
            "evidence_upload_bytes",
            "Bytes of evidence stored",
            upload_bytes.clone(),
        );
        let db_statements = Counter::default();
        registry.register(
            "db_statements",
            "SQL statements executed",
            db_statements.clone(),
        );
        let sweeps = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "sweeps",
            "Turns of the periodic sweep, by outcome",
            sweeps.clone(),
        );
        let db_statement_errors = Counter::default();
        registry.register(
            "db_statement_errors",
            "SQL statements that failed",
            db_statement_errors.clone(),
        );
        let db_pool_size = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open database connections",
            db_pool_size.clone(),
        );
        let db_pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            db_pool_idle.clone(),
        );
        Metrics {
            registry,
            operations: Mutex::new(HashSet::new()),
            graphql_requests,
            graphql_seconds,
            upload_bytes,
            db_statements,
            db_statement_errors,
            db_pool_size,
            db_pool_idle,
            sweeps,
        }
    }
}

/// Distinct operation labels kept; a front-end has a few dozen operations.
pub const MAX_OPERATION_LABELS: usize = 200;

impl Metrics {
    /// The label to count `operation` under: itself while the label set has room or already
    /// holds it, `other` once it is full.
    pub fn operation_label(&self, operation: String) -> String {
        let mut known = self.operations.lock().unwrap_or_else(|p| p.into_inner());
        if known.contains(&operation) {
            return operation;
        }
        if known.len() >= MAX_OPERATION_LABELS {
            return "other".to_owned();
        }
        known.insert(operation.clone());
        operation
    }

    /// The text exposition format.
    pub fn render(&self) -> String {
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            tracing::warn!("metrics could not be encoded");
        }
        out
    }
}

/// A client-chosen operation name reduced to something safe as a label value.
pub fn operation_label(name: Option<&str>) -> String {
    match name {
        Some(name) if !name.is_empty() => name
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '_')
            .take(64)
            .collect(),
        _ => "anonymous".to_owned(),
    }
}
