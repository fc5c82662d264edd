//! `/healthz`: the process answers. `/readyz`: its database and object store answer too.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::HttpState;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn readyz(State(state): State<HttpState>) -> (StatusCode, Json<serde_json::Value>) {
    let (database, storage) =
        tokio::join!(crate::db::ping(&state.app.db), state.app.storage.ping());
    let status = |ok: bool| if ok { "ok" } else { "unavailable" };
    let ready = database.is_ok() && storage.is_ok();
    if let Err(err) = &database {
        tracing::warn!(error = %err, "readiness: database unavailable");
    }
    if let Err(err) = &storage {
        tracing::warn!(error = %err, "readiness: object store unavailable");
    }
    let code = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (
        code,
        Json(
            json!({ "ready": ready, "database": status(database.is_ok()), "storage": status(storage.is_ok()) }),
        ),
    )
}

/// Prometheus text exposition; with `ACQUIS_METRICS_TOKEN` set, only for that bearer token.
pub async fn metrics(State(state): State<HttpState>, headers: HeaderMap) -> Response {
    if let Some(expected) = &state.app.config.metrics_token {
        let given = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        // Digests compared, so the time taken says nothing about the token.
        if Sha256::digest(given.trim().as_bytes()) != Sha256::digest(expected.as_bytes()) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                "/metrics needs the bearer token of ACQUIS_METRICS_TOKEN\n",
            )
                .into_response();
        }
    }
    let (size, idle) = crate::db::pool_stats(&state.app.db);
    state.app.metrics.db_pool_size.set(i64::from(size));
    state.app.metrics.db_pool_idle.set(idle as i64);
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.app.metrics.render(),
    )
        .into_response()
}
