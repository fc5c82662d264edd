//! GraphQL over HTTP: POST with JSON or the multipart request spec, GET for queries, and the
//! response media type negotiated from `Accept` (graphql-response+json unless the client asks
//! for plain JSON), with 4xx statuses for requests that fail before execution.

use async_graphql::http::{GraphiQLSource, MultipartOptions};
use async_graphql::{BatchRequest, BatchResponse};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use futures::TryStreamExt;

use super::HttpState;
use crate::graphql::context::RequestAuth;
use crate::graphql::loaders::Loaders;

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
/// Operations accepted in one batched request.
const MAX_BATCH: usize = 10;
/// Files accepted in one multipart request.
const MAX_FILES: usize = 5;

pub async fn graphiql() -> Html<String> {
    Html(
        GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Acquis")
            .finish(),
    )
}

pub async fn post(State(state): State<HttpState>, headers: HeaderMap, body: Body) -> Response {
    let media = negotiate(&headers);
    let Some(media) = media else {
        return not_acceptable();
    };
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    if let Some(ct) = &content_type {
        let essence = ct
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        if essence != JSON
            && !essence.starts_with("multipart/form-data")
            && essence != GRAPHQL_RESPONSE
        {
            return error_response(
                media,
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "send application/json or multipart/form-data (GraphQL multipart request spec)",
            );
        }
    }
    let options = MultipartOptions::default()
        .max_file_size(state.app.config.max_upload_bytes as usize)
        .max_num_files(MAX_FILES);
    let reader = body
        .into_data_stream()
        .map_err(std::io::Error::other)
        .into_async_read();
    let batch =
        match async_graphql::http::receive_batch_body(content_type.as_deref(), reader, options)
            .await
        {
            Ok(batch) => batch,
            Err(err) => return parse_error(media, err),
        };
    if let BatchRequest::Batch(list) = &batch {
        if list.len() > MAX_BATCH {
            return error_response(
                media,
                StatusCode::BAD_REQUEST,
                &format!("a batch may hold at most {MAX_BATCH} operations"),
            );
        }
    }
    execute(&state, &headers, batch, media).await
}

pub async fn get(
    State(state): State<HttpState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let request =
        match async_graphql::http::parse_query_string(query.as_deref().unwrap_or_default()) {
            Ok(request) => request,
            Err(err) => return parse_error(media, err),
        };
    if request.query.trim().is_empty() {
        return error_response(
            media,
            StatusCode::BAD_REQUEST,
            "the query parameter is missing",
        );
    }
    // GET must not change anything: mutations are only accepted over POST.
    if let Ok(document) = async_graphql::parser::parse_query(&request.query) {
        let is_mutation = document.operations.iter().any(|(name, op)| {
            let selected = request
                .operation_name
                .as_deref()
                .is_none_or(|wanted| name.map(|n| n.as_str()) == Some(wanted));
            selected && op.node.ty == async_graphql::parser::types::OperationType::Mutation
        });
        if is_mutation {
            let mut response = error_response(
                media,
                StatusCode::METHOD_NOT_ALLOWED,
                "mutations must be sent with POST",
            );
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("POST"));
            return response;
        }
    }
    execute(&state, &headers, BatchRequest::Single(request), media).await
}

async fn execute(
    state: &HttpState,
    headers: &HeaderMap,
    batch: BatchRequest,
    media: &'static str,
) -> Response {
    let token = bearer(headers);
    let batch = batch
        .data(RequestAuth::new(token))
        .data(Loaders::new(&state.app));
    let response = state.schema.execute_batch(batch).await;
    let status = status_of(&response, media);
    let body = match serde_json::to_vec(&response) {
        Ok(body) => body,
        Err(err) => {
            tracing::error!(error = %err, "could not serialise a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    (status, [(header::CONTENT_TYPE, media)], body).into_response()
}

/// With graphql-response+json, a request that never reached execution (no `data`) is a 400;
/// with plain JSON every well-formed request answers 200, as older clients expect.
fn status_of(response: &BatchResponse, media: &str) -> StatusCode {
    if media != GRAPHQL_RESPONSE {
        return StatusCode::OK;
    }
    match response {
        BatchResponse::Single(r)
            if r.data == async_graphql::Value::Null && !r.errors.is_empty() =>
        {
            if r.errors
                .iter()
                .any(|e| e.extensions.as_ref().and_then(|x| x.get("code")).is_some())
            {
                StatusCode::OK
            } else {
                StatusCode::BAD_REQUEST
            }
        }
        _ => StatusCode::OK,
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
        .filter(|t| !t.is_empty())
}

/// The response media type the client accepts, or `None` when it accepts neither.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(GRAPHQL_RESPONSE);
    };
    let mut best: Option<(&'static str, f32)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let range = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .filter_map(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|v| v.parse::<f32>().ok())
            })
            .next()
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let candidate = match range.as_str() {
            GRAPHQL_RESPONSE => GRAPHQL_RESPONSE,
            JSON => JSON,
            "application/*" | "*/*" => GRAPHQL_RESPONSE,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((current, best_q)) => {
                q > best_q
                    || (q == best_q
                        && candidate == GRAPHQL_RESPONSE
                        && current != GRAPHQL_RESPONSE
                        && range != "*/*")
            }
        };
        if better {
            best = Some((candidate, q));
        }
    }
    best.map(|(m, _)| m)
}

fn parse_error(media: &'static str, err: async_graphql::ParseRequestError) -> Response {
    use async_graphql::ParseRequestError as E;
    let (status, message) = match &err {
        E::PayloadTooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "the uploaded file is larger than the configured limit".to_owned()),
        E::InvalidMultipart(inner) => (StatusCode::BAD_REQUEST, format!("invalid multipart request: {inner}")),
        E::MissingOperatorsPart => (StatusCode::BAD_REQUEST, "invalid multipart request: the 'operations' part must come first, before 'map' and the files".to_owned()),
        E::MissingMapPart => (StatusCode::BAD_REQUEST, "invalid multipart request: the 'map' part is missing or comes after the files".to_owned()),
        E::NotUpload => (StatusCode::BAD_REQUEST, "invalid multipart request: a mapped variable is not an Upload".to_owned()),
        E::MissingFiles => (StatusCode::BAD_REQUEST, "invalid multipart request: a file named in 'map' is missing".to_owned()),
        other => (StatusCode::BAD_REQUEST, format!("invalid GraphQL request: {other}")),
    };
    error_response(media, status, &message)
}

fn error_response(media: &'static str, status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (status, [(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

fn not_acceptable() -> Response {
    (StatusCode::NOT_ACCEPTABLE, [(header::CONTENT_TYPE, JSON)], r#"{"errors":[{"message":"accept application/graphql-response+json or application/json"}]}"#).into_response()
}
