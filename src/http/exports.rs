//! `/exports/{token}`: the jury bundle and the personal-data export, streamed as zips. The
//! link is checked again at use; every check, the summary and the audit entries are done
//! before the status line goes out, so a refusal is a clean error and not a broken zip.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::HttpState;
use crate::app::exports::{self, BUNDLE, PERSONAL_DATA};
use crate::app::signed_links::content_disposition;
use crate::error::AppError;
use crate::export::zip_stream;

pub async fn download(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let grant = state
        .app
        .links
        .verify(&token)
        .filter(|g| g.op == BUNDLE || g.op == PERSONAL_DATA);
    let Some(grant) = grant else {
        return problem(
            StatusCode::FORBIDDEN,
            "this link is invalid or has expired; ask for a new one",
        );
    };
    let prepared = if grant.op == BUNDLE {
        exports::prepare_bundle(&state.app, &grant).await
    } else {
        exports::prepare_personal_data(&state.app, &grant).await
    };
    let prepared = match prepared {
        Ok(prepared) => prepared,
        Err(AppError::NotFound(_)) => {
            return problem(
                StatusCode::NOT_FOUND,
                "this dossier no longer exists or is no longer yours to read",
            );
        }
        Err(AppError::Forbidden(message)) => return problem(StatusCode::FORBIDDEN, &message),
        Err(err @ (AppError::StorageUnavailable(_) | AppError::DatabaseUnavailable(_))) => {
            tracing::warn!(error = %err, "export: a dependency is unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
        Err(err) => {
            tracing::error!(error = %err, code = err.code(), "export could not be prepared");
            return problem(
                StatusCode::INTERNAL_SERVER_ERROR,
                "the archive could not be prepared; nothing was sent. Try again later",
            );
        }
    };
    let body = Body::from_stream(zip_stream::stream(
        state.app.storage.clone(),
        prepared.archive,
    ));
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/zip"),
    );
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&prepared.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

fn problem(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}
