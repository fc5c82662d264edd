//! Signed routes serving and receiving evidence bytes when the object store cannot presign
//! (the local filesystem). Tokens are short-lived and name exactly one object and operation.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;

use super::HttpState;
use crate::app::signed_links::{FileGrant, content_disposition};
use crate::db::{self};
use crate::storage::{ObjectKey, UploadError};

pub async fn download(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let Some(grant) = state.app.links.verify(&token).filter(|g| g.op == "get") else {
        return problem(
            StatusCode::FORBIDDEN,
            "this link is invalid or has expired; ask for a new one",
        );
    };
    let Some(key) = ObjectKey::parse(&grant.key) else {
        return problem(StatusCode::FORBIDDEN, "this link is invalid");
    };
    // The row may have been deleted after the link was issued.
    match db::evidence::get(&state.app.db, grant.evidence_id).await {
        Ok(Some(_)) => {}
        Ok(None) => return problem(StatusCode::NOT_FOUND, "this file no longer exists"),
        Err(err) => {
            tracing::warn!(error = %err, "download: database unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    }
    let (size, stream) = match state.app.storage.get_stream(&key).await {
        Ok(found) => found,
        Err(object_store::Error::NotFound { .. }) => {
            return problem(StatusCode::NOT_FOUND, "this file no longer exists");
        }
        Err(err) => {
            tracing::warn!(error = %err, "download: object store unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    };
    if let Err(err) = audit_download(&state, &grant).await {
        tracing::warn!(error = %err, "download refused: it could not be audited");
        return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    }
    let mut response = Body::from_stream(stream.map_err(std::io::Error::other)).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&grant.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&grant.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
}

async fn audit_download(state: &HttpState, grant: &FileGrant) -> Result<(), sea_orm::DbErr> {
    db::audit::record(
        &state.app.db,
        db::audit::AuditEntry {
            actor_id: Some(grant.actor_id),
            action: "evidence.downloaded",
            dossier_id: Some(grant.dossier_id),
            target_id: Some(grant.evidence_id),
            detail: None,
        },
    )
    .await
}

pub async fn upload(
    State(state): State<HttpState>,
    Path(token): Path<String>,
    body: Body,
) -> Response {
    let Some(grant) = state.app.links.verify(&token).filter(|g| g.op == "put") else {
        return problem(
            StatusCode::FORBIDDEN,
            "this upload link is invalid or has expired; start a new upload",
        );
    };
    let Some(key) = ObjectKey::parse(&grant.key) else {
        return problem(StatusCode::FORBIDDEN, "this upload link is invalid");
    };
    match db::evidence::staged(&state.app.db, grant.evidence_id).await {
        Ok(Some(staged)) if staged.object_key == grant.key => {}
        Ok(_) => {
            return problem(
                StatusCode::NOT_FOUND,
                "this upload was completed or discarded; start a new upload",
            );
        }
        Err(err) => {
            tracing::warn!(error = %err, "upload: database unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    }
    match state
        .app
        .storage
        .put_unchecked(&key, body.into_data_stream(), grant.max_bytes)
        .await
    {
        Ok(size) => {
            tracing::info!(evidence.id = %grant.evidence_id, upload.size = size, "staged bytes received");
            StatusCode::OK.into_response()
        }
        Err(UploadError::TooLarge { limit }) => problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("more than the announced {limit} bytes were sent"),
        ),
        Err(UploadError::Body(e)) => problem(
            StatusCode::BAD_REQUEST,
            &format!("the upload was interrupted: {e}"),
        ),
        Err(err) => {
            tracing::warn!(error = %err, "upload: object store unavailable");
            problem(StatusCode::SERVICE_UNAVAILABLE, "try again later")
        }
    }
}

fn problem(status: StatusCode, message: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{message}\n"),
    )
        .into_response()
}
