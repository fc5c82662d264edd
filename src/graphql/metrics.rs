//! Records every GraphQL request in the Prometheus metrics, with its operation name.

use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextRequest,
};
use async_graphql::{Response, async_trait};

use crate::metrics::{Metrics, OperationLabel, RequestLabels, operation_label};

pub struct RequestMetrics(pub Arc<Metrics>);

impl ExtensionFactory for RequestMetrics {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(RequestMetricsExtension {
            metrics: self.0.clone(),
            operation: Mutex::new(None),
        })
    }
}

struct RequestMetricsExtension {
    metrics: Arc<Metrics>,
    /// Known only once the document is parsed; a request that fails before that has none.
    operation: Mutex<Option<String>>,
}

#[async_trait::async_trait]
impl Extension for RequestMetricsExtension {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let started = Instant::now();
        let response = next.run(ctx).await;
        let executed = self.operation.lock().map(|o| o.clone()).ok().flatten();
        let (operation, outcome) = match executed {
            Some(operation) => (
                operation,
                if response.errors.is_empty() {
                    "ok"
                } else {
                    "error"
                },
            ),
            None => ("unknown".to_owned(), "rejected"),
        };
        self.metrics
            .graphql_seconds
            .get_or_create(&OperationLabel {
                operation: operation.clone(),
            })
            .observe(started.elapsed().as_secs_f64());
        self.metrics
            .graphql_requests
            .get_or_create(&RequestLabels { operation, outcome })
            .inc();
        response
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Ok(mut slot) = self.operation.lock() {
            *slot = Some(operation_label(operation_name));
        }
        next.run(ctx, operation_name).await
    }
}
