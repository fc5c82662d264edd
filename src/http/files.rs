//! Signed routes for evidence bytes: every download link (served here from the local store,
//! redirected to a short presigned URL on S3), and staged uploads to the local store. Tokens are short-lived and name one evidence or staged upload, one
//! operation and the person they were issued to; everything else comes from the database when
//! the link is used, and that person's right to it is checked again then.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use futures::TryStreamExt;

use super::HttpState;
use crate::app::evidence::{
    StagedReceipt, presigned_download, receive_staged_bytes, still_downloadable,
};
use crate::app::signed_links::content_disposition;
use crate::error::AppError;
use crate::storage::ObjectKey;

pub async fn download(State(state): State<HttpState>, Path(token): Path<String>) -> Response {
    let Some(grant) = state.app.links.verify(&token).filter(|g| g.op == "get") else {
        return problem(
            StatusCode::FORBIDDEN,
            "this link is invalid or has expired; ask for a new one",
        );
    };
    // The dossier may have been withdrawn, or its jury changed, since the link was issued.
    let evidence = match still_downloadable(&state.app, grant.actor_id, grant.id).await {
        Ok(evidence) => evidence,
        Err(AppError::NotFound(_)) => {
            return problem(
                StatusCode::NOT_FOUND,
                "this file no longer exists or is no longer yours to read",
            );
        }
        Err(err) => {
            tracing::warn!(error = %err, "download: database unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    };
    match presigned_download(&state.app, &evidence).await {
        Ok(Some(url)) => {
            if let Err(err) =
                crate::app::evidence::audit_download(&state.app, grant.actor_id, &evidence).await
            {
                tracing::warn!(error = %err, "download refused: it could not be audited");
                return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
            }
            let mut response = StatusCode::FOUND.into_response();
            if let Ok(location) = HeaderValue::from_str(&url) {
                response.headers_mut().insert(header::LOCATION, location);
            }
            response.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            return response;
        }
        Ok(None) => {}
        Err(err) => {
            tracing::warn!(error = %err, "download: object store unavailable");
            return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
        }
    }
    let Some(key) = ObjectKey::parse(&evidence.object_key) else {
        tracing::error!(evidence.id = %evidence.id, "evidence with a bad object key");
        return problem(StatusCode::NOT_FOUND, "this file no longer exists");
    };
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
    if let Err(err) =
        crate::app::evidence::audit_download(&state.app, grant.actor_id, &evidence).await
    {
        tracing::warn!(error = %err, "download refused: it could not be audited");
        return problem(StatusCode::SERVICE_UNAVAILABLE, "try again later");
    }
    let mut response = Body::from_stream(stream.map_err(std::io::Error::other)).into_response();
    let headers = response.headers_mut();
    let content_type = HeaderValue::from_str(&evidence.content_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    headers.insert(header::CONTENT_TYPE, content_type);
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(size));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(&evidence.file_name)) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    response
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
    match receive_staged_bytes(&state.app, &grant, body.into_data_stream()).await {
        Ok(StagedReceipt::Stored { size }) => {
            tracing::info!(evidence.id = %grant.id, upload.size = size, "staged bytes received");
            StatusCode::OK.into_response()
        }
        Ok(StagedReceipt::Closed) => problem(
            StatusCode::CONFLICT,
            "this upload was completed or discarded; these bytes were not kept. Start a new upload",
        ),
        Ok(StagedReceipt::TooLarge { limit }) => problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("more than the announced {limit} bytes were sent"),
        ),
        Ok(StagedReceipt::Interrupted(message)) => problem(
            StatusCode::BAD_REQUEST,
            &format!("the upload was interrupted: {message}"),
        ),
        Err(err) => {
            tracing::warn!(error = %err, code = err.code(), "upload: a dependency is unavailable");
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
