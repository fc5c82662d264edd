//! The CASE 1.1 read API (`/ims/case/v1p1/...`): every programme version as a framework,
//! public like the referential it is. Answers carry an `ETag`; a matching `If-None-Match`
//! gets a 304. Errors use the binding's `imsx_StatusInfo`.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::HttpState;
use crate::case::{self, Base};

#[derive(Deserialize)]
pub struct ListParams {
    limit: Option<String>,
    offset: Option<String>,
}

fn base(state: &HttpState) -> String {
    format!("{}ims/case/v1p1", state.app.links.base_url())
}

pub async fn documents(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Query(params): Query<ListParams>,
) -> Response {
    let parse = |value: Option<&str>, default: u64, max: u64| -> Option<u64> {
        match value {
            None => Some(default),
            Some(text) => text.parse::<u64>().ok().filter(|n| *n <= max),
        }
    };
    let (Some(limit), Some(offset)) = (
        parse(params.limit.as_deref(), 100, 1000).filter(|l| *l >= 1),
        parse(params.offset.as_deref(), 0, u64::MAX / 2),
    ) else {
        return problem(
            StatusCode::BAD_REQUEST,
            "invaliddata",
            "limit must be 1 to 1000 and offset 0 or more",
        );
    };
    let (page, total) =
        match crate::app::programmes::current_window(&state.app, offset, limit).await {
            Ok(found) => found,
            Err(err) => return unavailable(err),
        };
    let base = base(&state);
    let documents: Vec<serde_json::Value> = page
        .iter()
        .map(|(programme, at)| case::document(programme, &Base(&base), *at))
        .collect();
    let mut response = json(&headers, &serde_json::json!({ "CFDocuments": documents }));
    if let Ok(value) = HeaderValue::from_str(&total.to_string()) {
        response.headers_mut().insert("X-Total-Count", value);
    }
    response
}

pub async fn document(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    framework(&state, &headers, &id, |programme, base, at| {
        case::document(programme, base, at)
    })
    .await
}

pub async fn package(
    State(state): State<HttpState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Response {
    framework(&state, &headers, &id, |programme, base, at| {
        case::package(programme, base, at)
    })
    .await
}

async fn framework(
    state: &HttpState,
    headers: &HeaderMap,
    id: &str,
    render: impl Fn(
        &crate::domain::programme::Programme,
        &Base,
        chrono::DateTime<chrono::Utc>,
    ) -> serde_json::Value,
) -> Response {
    let Ok(id) = uuid::Uuid::try_parse(id) else {
        return problem(
            StatusCode::NOT_FOUND,
            "unknownobject",
            "no framework has this identifier",
        );
    };
    match crate::app::programmes::by_case_id(&state.app, id).await {
        Ok(Some((programme, at))) => {
            let base = base(state);
            json(headers, &render(&programme, &Base(&base), at))
        }
        Ok(None) => problem(
            StatusCode::NOT_FOUND,
            "unknownobject",
            "no framework has this identifier",
        ),
        Err(err) => unavailable(err),
    }
}

/// A JSON answer with its ETag, or a 304 when the client has it already.
fn json(headers: &HeaderMap, value: &serde_json::Value) -> Response {
    let body = value.to_string();
    let etag = format!("\"{}\"", hex::encode(Sha256::digest(body.as_bytes())));
    let cached = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',')
                .any(|tag| tag.trim() == etag || tag.trim() == "*")
        });
    let mut response = if cached {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        ([(header::CONTENT_TYPE, "application/json")], body).into_response()
    };
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response.headers_mut().insert(header::ETAG, value);
    }
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    response
}

fn problem(status: StatusCode, minor: &str, description: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        case::status_info("failure", minor, description).to_string(),
    )
        .into_response()
}

fn unavailable(err: crate::error::AppError) -> Response {
    tracing::warn!(error = %err, code = err.code(), "CASE: a dependency is unavailable");
    problem(
        StatusCode::SERVICE_UNAVAILABLE,
        "server_busy",
        "try again later",
    )
}
