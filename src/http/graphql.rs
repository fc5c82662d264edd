//! GraphQL over HTTP: POST with JSON or the multipart request spec, GET for queries, and the
//! response media type negotiated from `Accept` (graphql-response+json when the client names it,
//! plain JSON otherwise), with 4xx statuses for requests that fail before execution.
//! `.ci/audit` checks this file against the GraphQL-over-HTTP audit of the `graphql-http` package.

use async_graphql::{BatchRequest, BatchResponse};
use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures::{Stream, StreamExt, TryStreamExt};
use serde_json::{Map, Value};

use std::sync::Arc;
use std::time::Duration;

use super::HttpState;
use crate::graphql::context::RequestAuth;
use crate::graphql::document_limits;
use crate::graphql::execution::{self, failed_before_execution};
use crate::graphql::loaders::Loaders;
use crate::graphql::uploads::{UploadSource, UploadStreams, contains_placeholder};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";
const MULTIPART: &str = "multipart/form-data";
/// Operations accepted in one batched request.
const MAX_BATCH: usize = 10;
/// Largest JSON request body; files go through multipart or staged uploads.
const MAX_JSON_BODY: usize = 2 << 20;
/// How much of a multipart body may precede the headers of its second part: the `operations`
/// JSON has to fit in it, since its order is checked before the files are read.
const MAX_MULTIPART_HEAD: usize = 1 << 20;

pub async fn post(State(state): State<HttpState>, headers: HeaderMap, body: Body) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let received = match body_kind(&headers) {
        Ok(BodyKind::Json) => receive_json(body).await.map(|batch| (batch, None)),
        Ok(BodyKind::Multipart { boundary }) => {
            receive_multipart(body, &boundary, drain_budget(&state))
                .await
                .map(|(batch, files)| (batch, Some(files)))
        }
        Err(reason) => Err(Refusal::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, reason)),
    };
    let (batch, files) = match received {
        Ok(received) => received,
        Err(refusal) => return refusal_response(media, &refusal),
    };
    if let BatchRequest::Batch(list) = &batch
        && list.len() > MAX_BATCH
    {
        return error_response(
            media,
            StatusCode::BAD_REQUEST,
            &format!("a batch may hold at most {MAX_BATCH} operations"),
        );
    }
    execute(&state, &headers, batch, files, media).await
}

pub async fn get(
    State(state): State<HttpState>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let request = match get_params(query.as_deref().unwrap_or_default()).and_then(request_of) {
        Ok(request) => request,
        Err(err) => {
            let message = format!("invalid GraphQL request: {err}");
            return error_response(media, StatusCode::BAD_REQUEST, &message);
        }
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
    execute(&state, &headers, BatchRequest::Single(request), None, media).await
}

/// How much of a refused multipart body is read and dropped before answering: the files it may
/// carry at most. Past it (or past the request timeout), closing the connection is the better deal.
fn drain_budget(state: &HttpState) -> u64 {
    let files = super::multipart::MAX_FILES as u64;
    state
        .app
        .config
        .max_upload_bytes
        .saturating_mul(files)
        .saturating_add(MAX_MULTIPART_HEAD as u64)
}

/// Why a request body was refused before execution: the status, a code and a message for the
/// client.
struct Refusal {
    status: StatusCode,
    code: &'static str,
    message: String,
}

impl Refusal {
    fn new(status: StatusCode, message: impl Into<String>) -> Refusal {
        Refusal {
            status,
            code: "BAD_REQUEST",
            message: message.into(),
        }
    }
}

enum BodyKind {
    Json,
    Multipart { boundary: String },
}

/// What the body holds, from `Content-Type`; `Err` is the reason for a 415. A missing type is
/// refused rather than guessed, as the GraphQL-over-HTTP spec recommends.
fn body_kind(headers: &HeaderMap) -> Result<BodyKind, &'static str> {
    const EXPECTED: &str =
        "send application/json or multipart/form-data (GraphQL multipart request spec)";
    let Some(content_type) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return Err(EXPECTED);
    };
    let mut pieces = content_type.split(';');
    let essence = pieces
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    let params: Vec<(String, String)> = pieces.filter_map(media_param).collect();
    let param = |key: &str| {
        params
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    };
    match essence.as_str() {
        // graphql-response+json is accepted as a request type too, as before.
        JSON | GRAPHQL_RESPONSE => match param("charset") {
            None => Ok(BodyKind::Json),
            Some(charset) if charset.eq_ignore_ascii_case("utf-8") => Ok(BodyKind::Json),
            // The spec only requires UTF-8, and serde_json reads nothing else.
            Some(_) => Err("only UTF-8 request bodies are accepted (charset=utf-8)"),
        },
        MULTIPART => Ok(BodyKind::Multipart {
            boundary: param("boundary").unwrap_or_default().to_owned(),
        }),
        _ => Err(EXPECTED),
    }
}

/// One `key=value` parameter of a media type, key lower-cased and quotes removed.
fn media_param(piece: &str) -> Option<(String, String)> {
    let (key, value) = piece.split_once('=')?;
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    Some((key.trim().to_ascii_lowercase(), value.to_owned()))
}

async fn receive_json(body: Body) -> Result<BatchRequest, Refusal> {
    // Read by hand rather than with a size-less `to_bytes`: a JSON request is a few kilobytes,
    // and a huge one must not be held in memory before it is refused.
    let mut stream = body.into_data_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|err| {
            Refusal::new(
                StatusCode::BAD_REQUEST,
                format!("the request body could not be read: {err}"),
            )
        })?;
        if bytes.len() + chunk.len() > MAX_JSON_BODY {
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!("a JSON request body may be at most {MAX_JSON_BODY} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    parse_json_body(&bytes).map_err(|message| Refusal::new(StatusCode::BAD_REQUEST, message))
}

/// A JSON body as a request or a batch. The parameters are checked here because async-graphql's
/// deserializer defaults a missing query to "" and ignores misspelt keys, which would turn a
/// malformed request into a misleading document error; null optional parameters mean "absent".
fn parse_json_body(bytes: &[u8]) -> Result<BatchRequest, String> {
    let value: Value = serde_json::from_slice(bytes)
        .map_err(|err| format!("invalid GraphQL request: the body is not valid JSON: {err}"))?;
    if contains_placeholder(&value) {
        return Err("invalid GraphQL request: files are sent with a multipart request".to_owned());
    }
    match value {
        Value::Array(items) if items.is_empty() => {
            Err("invalid GraphQL request: a batch must hold at least one operation".to_owned())
        }
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| {
                request_of(item)
                    .map_err(|err| format!("invalid GraphQL request: operation {i}: {err}"))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(BatchRequest::Batch),
        single => request_of(single)
            .map(BatchRequest::Single)
            .map_err(|err| format!("invalid GraphQL request: {err}")),
    }
}

/// One request object with the parameter types of the GraphQL-over-HTTP spec.
fn request_of(value: Value) -> Result<async_graphql::Request, String> {
    let Value::Object(mut params) = value else {
        return Err("the request must be a JSON object".to_owned());
    };
    match params.get("query") {
        // Checked before anything parses it: the parser recurses once per bracket.
        Some(Value::String(query)) => {
            document_limits::check_text(query).map_err(|refusal| refusal.to_string())?
        }
        None | Some(Value::Null) => return Err("the query parameter is missing".to_owned()),
        Some(_) => return Err("the query parameter must be a string".to_owned()),
    }
    optional_param(&mut params, "operationName", Value::is_string, "a string")?;
    optional_param(&mut params, "variables", Value::is_object, "an object")?;
    optional_param(&mut params, "extensions", Value::is_object, "an object")?;
    serde_json::from_value(Value::Object(params)).map_err(|err| err.to_string())
}

/// The parameters of a GET as the object a POST would carry, so both are checked alike.
/// async-graphql's `parse_query_string` reads `operation_name` instead of the spec's
/// `operationName`, which made a GET of a multi-operation document fail.
fn get_params(query_string: &str) -> Result<Value, String> {
    let mut params = Map::new();
    for (key, value) in url::form_urlencoded::parse(query_string.as_bytes()) {
        let value = match key.as_ref() {
            "query" | "operationName" => Value::String(value.into_owned()),
            "variables" | "extensions" => serde_json::from_str(&value)
                .map_err(|err| format!("the {key} parameter is not valid JSON: {err}"))?,
            _ => continue,
        };
        params.insert(key.into_owned(), value);
    }
    let params = Value::Object(params);
    if contains_placeholder(&params) {
        return Err("files are sent with a multipart POST request".to_owned());
    }
    Ok(params)
}

/// Checks the type of an optional parameter and drops it when null, which async-graphql would
/// otherwise refuse for `variables` and `extensions`.
fn optional_param(
    params: &mut Map<String, Value>,
    key: &str,
    is_valid: fn(&Value) -> bool,
    expected: &str,
) -> Result<(), String> {
    match params.get(key) {
        None => Ok(()),
        Some(Value::Null) => {
            params.remove(key);
            Ok(())
        }
        Some(value) if is_valid(value) => Ok(()),
        Some(_) => Err(format!("the {key} parameter must be {expected} or null")),
    }
}

async fn receive_multipart(
    body: Body,
    boundary: &str,
    drain_budget: u64,
) -> Result<(BatchRequest, UploadStreams), Refusal> {
    let invalid = |message: String| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("invalid multipart request: {message}"),
        )
    };
    let stream = body.into_data_stream().map_err(std::io::Error::other);
    let stream = check_part_order(stream, boundary).await?;
    let received = super::multipart::receive(stream, boundary, drain_budget)
        .await
        .map_err(|err| Refusal {
            code: err.code,
            ..invalid(err.message)
        })?;
    let request = match request_of(received.operations) {
        Ok(request) => request,
        Err(err) => {
            received.files.finish().await;
            return Err(invalid(format!("operations: {err}")));
        }
    };
    Ok((
        BatchRequest::Single(request),
        UploadStreams(Arc::new(received.files)),
    ))
}

/// The multipart request spec orders the parts `operations`, `map`, then the files, so that a
/// server can stream; async-graphql accepts any order, so the head of the body is read here
/// (up to the headers of the second part) and handed back untouched with the rest.
async fn check_part_order<S>(
    mut stream: S,
    boundary: &str,
) -> Result<impl Stream<Item = std::io::Result<Bytes>> + Send + use<S>, Refusal>
where
    S: Stream<Item = std::io::Result<Bytes>> + Send + Unpin,
{
    let invalid = |message: &str| {
        Refusal::new(
            StatusCode::BAD_REQUEST,
            format!("invalid multipart request: {message}"),
        )
    };
    if boundary.is_empty() {
        return Err(invalid("the Content-Type has no boundary"));
    }
    let mut head = Vec::new();
    let names = loop {
        let names = leading_part_names(&head, boundary.as_bytes(), 2);
        // A wrong first part is refused without waiting for the second.
        if names.len() == 2 || part_order_error(&names).is_some() {
            break names;
        }
        if head.len() > MAX_MULTIPART_HEAD {
            drain(&mut stream).await;
            return Err(Refusal::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "invalid multipart request: the 'operations' part must come first and fit in {MAX_MULTIPART_HEAD} bytes"
                ),
            ));
        }
        match stream.try_next().await {
            Ok(Some(chunk)) => head.extend_from_slice(&chunk),
            // Fewer than two parts: async-graphql names the missing one.
            Ok(None) => break names,
            Err(err) => return Err(invalid(&format!("the body could not be read: {err}"))),
        }
    };
    if let Some(message) = part_order_error(&names) {
        drain(&mut stream).await;
        return Err(invalid(message));
    }
    let head = futures::stream::iter([Ok(Bytes::from(head))]);
    Ok(head.chain(stream))
}

/// What is wrong with the order of the leading parts, if anything; missing parts are left to
/// async-graphql, which names them.
fn part_order_error(names: &[String]) -> Option<&'static str> {
    match (
        names.first().map(String::as_str),
        names.get(1).map(String::as_str),
    ) {
        (Some(first), _) if first != "operations" => {
            Some("the 'operations' part must come first, before 'map' and the files")
        }
        (_, Some(second)) if second != "map" => {
            Some("the 'map' part must come right after 'operations', before the files")
        }
        _ => None,
    }
}

/// Reads and drops the rest of a refused body, up to a bound: hyper closes a connection whose
/// request body was left unread, and a client still sending then sees a broken pipe instead of
/// the 4xx. Past the bound, closing is the better deal.
async fn drain<S>(stream: &mut S)
where
    S: Stream<Item = std::io::Result<Bytes>> + Unpin,
{
    let mut left = MAX_MULTIPART_HEAD;
    while let Ok(Some(chunk)) = stream.try_next().await {
        if chunk.len() >= left {
            break;
        }
        left -= chunk.len();
    }
}

/// The `name`s of the first `wanted` parts whose headers are complete in `head`, a prefix of a
/// multipart body (RFC 7578: a preamble, then `--boundary` lines each followed by headers).
fn leading_part_names(head: &[u8], boundary: &[u8], wanted: usize) -> Vec<String> {
    let mut delimiter = b"--".to_vec();
    delimiter.extend_from_slice(boundary);
    let mut names = Vec::new();
    let mut rest = head;
    while names.len() < wanted {
        let Some(at) = find(rest, &delimiter) else {
            break;
        };
        rest = &rest[at + delimiter.len()..];
        if rest.starts_with(b"--") {
            break; // the closing delimiter
        }
        let Some(end) = find(rest, b"\r\n\r\n") else {
            break;
        };
        names.push(part_name(&rest[..end]).unwrap_or_default());
        rest = &rest[end + 4..];
    }
    names
}

/// The `name` parameter of the Content-Disposition header in a part's header block.
fn part_name(headers: &[u8]) -> Option<String> {
    let headers = std::str::from_utf8(headers).ok()?;
    let disposition = headers.split("\r\n").find_map(|line| {
        let (key, value) = line.split_once(':')?;
        key.trim()
            .eq_ignore_ascii_case("content-disposition")
            .then_some(value)
    })?;
    disposition
        .split(';')
        .filter_map(media_param)
        .find(|(key, _)| key == "name")
        .map(|(_, value)| value)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

async fn execute(
    state: &HttpState,
    headers: &HeaderMap,
    batch: BatchRequest,
    files: Option<UploadStreams>,
    media: &'static str,
) -> Response {
    let token = bearer(headers);
    let mut batch = batch
        .data(RequestAuth::new(token))
        .data(Loaders::new(&state.app));
    if let Some(files) = &files {
        batch = batch.data(files.clone());
    }
    let response = execution::execute_batch(
        &state.schema,
        &state.documents,
        &state.app.metrics,
        Duration::from_secs(state.app.config.query_timeout_secs),
        batch,
    )
    .await;
    // Files no resolver read (a refused upload) are read to the end before answering.
    if let Some(files) = &files {
        files.0.finish().await;
    }
    let status = status_of(&response, media);
    let limit = state.app.config.max_response_bytes;
    let body = match response_body(&response, limit) {
        Ok(body) => body,
        Err(err) if err.is_io() => too_large_body(&response, limit),
        Err(err) => {
            tracing::error!(error = %err, "could not serialise a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    (status, [(header::CONTENT_TYPE, media)], body).into_response()
}

/// With graphql-response+json, a request that never reached execution (parse, validation or
/// variable errors) is a 400; with plain JSON every well-formed request answers 200, as older
/// clients expect. Batches answer 200: their items may differ.
fn status_of(response: &BatchResponse, media: &str) -> StatusCode {
    match response {
        BatchResponse::Single(r) if media == GRAPHQL_RESPONSE && failed_before_execution(r) => {
            StatusCode::BAD_REQUEST
        }
        _ => StatusCode::OK,
    }
}

/// The JSON body, at most `limit` bytes (an I/O error past it); a result that failed before
/// execution has no `data` entry at all, as the GraphQL spec asks (async-graphql would write
/// `"data": null`).
fn response_body(response: &BatchResponse, limit: usize) -> serde_json::Result<Vec<u8>> {
    let mut body = CappedBody {
        bytes: Vec::with_capacity(4096),
        limit,
    };
    match response {
        BatchResponse::Single(r) => write_result(&mut body, r)?,
        BatchResponse::Batch(list) => {
            body.push(b"[")?;
            for (i, r) in list.iter().enumerate() {
                if i > 0 {
                    body.push(b",")?;
                }
                write_result(&mut body, r)?;
            }
            body.push(b"]")?;
        }
    }
    Ok(body.bytes)
}

/// What replaces an answer larger than the limit: the operations ran (a mutation's changes
/// stand), but their data is not sent; each result says why.
fn too_large_body(response: &BatchResponse, limit: usize) -> Vec<u8> {
    let one = serde_json::json!({
        "data": null,
        "errors": [{
            "message": format!("the answer is larger than {limit} bytes and was not sent; ask for fewer items or fields"),
            "extensions": { "code": "RESPONSE_TOO_LARGE" },
        }],
    });
    let value = match response {
        BatchResponse::Single(_) => one,
        BatchResponse::Batch(list) => Value::Array(vec![one; list.len()]),
    };
    value.to_string().into_bytes()
}

/// A response body that refuses to grow past its limit, so an oversized answer stops being
/// serialised as soon as it is known to be too large.
struct CappedBody {
    bytes: Vec<u8>,
    limit: usize,
}

impl CappedBody {
    fn push(&mut self, piece: &[u8]) -> serde_json::Result<()> {
        std::io::Write::write_all(self, piece).map_err(serde_json::Error::io)
    }
}

impl std::io::Write for CappedBody {
    fn write(&mut self, piece: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len() + piece.len() > self.limit {
            return Err(std::io::Error::other("response too large"));
        }
        self.bytes.extend_from_slice(piece);
        Ok(piece.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Serialises straight from the response, without an intermediate JSON tree.
fn write_result(
    body: &mut CappedBody,
    response: &async_graphql::Response,
) -> serde_json::Result<()> {
    if failed_before_execution(response) {
        serde_json::to_writer(
            body,
            &Refused {
                errors: &response.errors,
                extensions: &response.extensions,
            },
        )
    } else {
        serde_json::to_writer(body, response)
    }
}

/// A result without `data`, with what async-graphql would write besides.
#[derive(serde::Serialize)]
struct Refused<'a> {
    errors: &'a [async_graphql::ServerError],
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    extensions: &'a std::collections::BTreeMap<String, async_graphql::Value>,
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
/// graphql-response+json only when named (it wins ties); plain JSON for a missing `Accept`
/// and for wildcards, which is what legacy clients get and what the audit expects.
fn negotiate(headers: &HeaderMap) -> Option<&'static str> {
    let accept = headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect::<Vec<_>>()
        .join(",");
    if accept.trim().is_empty() {
        return Some(JSON);
    }
    let mut best: Option<(&'static str, f32)> = None;
    for part in accept.split(',') {
        let mut pieces = part.split(';');
        let range = pieces
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let q = pieces
            .filter_map(media_param)
            .find(|(key, _)| key == "q")
            .and_then(|(_, v)| v.parse::<f32>().ok())
            .unwrap_or(1.0);
        if q <= 0.0 {
            continue;
        }
        let candidate = match range.as_str() {
            GRAPHQL_RESPONSE => GRAPHQL_RESPONSE,
            JSON | "application/*" | "*/*" => JSON,
            _ => continue,
        };
        let better = match best {
            None => true,
            Some((current, best_q)) => {
                q > best_q
                    || (q == best_q && candidate == GRAPHQL_RESPONSE && current != GRAPHQL_RESPONSE)
            }
        };
        if better {
            best = Some((candidate, q));
        }
    }
    best.map(|(m, _)| m)
}

fn refusal_response(media: &'static str, refusal: &Refusal) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": refusal.message, "extensions": { "code": refusal.code } }] });
    (
        refusal.status,
        [(header::CONTENT_TYPE, media)],
        body.to_string(),
    )
        .into_response()
}

fn error_response(media: &'static str, status: StatusCode, message: &str) -> Response {
    let body = serde_json::json!({ "errors": [{ "message": message, "extensions": { "code": "BAD_REQUEST" } }] });
    (status, [(header::CONTENT_TYPE, media)], body.to_string()).into_response()
}

fn not_acceptable() -> Response {
    (StatusCode::NOT_ACCEPTABLE, [(header::CONTENT_TYPE, JSON)], r#"{"errors":[{"message":"accept application/graphql-response+json or application/json"}]}"#).into_response()
}
