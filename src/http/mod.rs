//! The HTTP surface: GraphQL, GraphiQL, health, and the signed file routes of the local store.
//! Only this module knows axum.

mod case;
mod exports;
mod files;
mod graphiql;
mod graphql;
mod health;
mod multipart;
mod web_app;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderValue, header};
use axum::routing::{get, post};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::cors::CorsLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultMakeSpan, DefaultOnResponse, TraceLayer};

use crate::app::AppState;
use crate::graphql::AcquisSchema;
use crate::graphql::documents::DocumentCache;

/// Shared by the handlers.
#[derive(Clone)]
pub struct HttpState {
    pub app: AppState,
    pub schema: AcquisSchema,
    pub documents: Arc<DocumentCache>,
    /// Set when the development sign-in is on: the HS256 secret its tokens are signed with.
    pub dev_secret: Option<Arc<Vec<u8>>>,
    /// Where browsers PUT staged uploads when the store presigns them (S3).
    pub upload_origin: Option<String>,
}

/// `secret` signs the development sign-in's tokens, when the configuration turns it on;
/// `upload_origin` is where a presigning store receives staged uploads.
pub fn router(
    app: AppState,
    schema: AcquisSchema,
    secret: &[u8],
    upload_origin: Option<String>,
) -> Router {
    let graphiql = app.config.graphiql;
    let web = app.config.web_app;
    let dev_secret = web_app::dev_secret(&app.config, secret);
    let timeout = Duration::from_secs(app.config.request_timeout_secs);
    let state = HttpState {
        app,
        schema,
        documents: Arc::new(DocumentCache::default()),
        dev_secret,
        upload_origin,
    };
    let mut router = Router::new()
        .route("/graphql", post(graphql::post).get(graphql::get))
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(health::metrics))
        .route("/files/{token}", get(files::download).put(files::upload))
        .route("/exports/{token}", get(exports::download))
        .route("/ims/case/v1p1/CFDocuments", get(case::documents))
        .route("/ims/case/v1p1/CFDocuments/{id}", get(case::document))
        .route("/ims/case/v1p1/CFPackages/{id}", get(case::package));
    if graphiql {
        router = router
            .route("/", get(graphiql::page))
            .route("/graphiql/{name}", get(graphiql::asset));
    }
    if web {
        router = router
            .route("/app", get(web_app::to_page))
            .route("/app/", get(web_app::page))
            .route("/app/config.json", get(web_app::settings))
            .route("/app/dev-sign-in", post(web_app::dev_sign_in))
            .route("/app/assets/{*name}", get(web_app::asset))
            .route("/app/{*path}", get(web_app::route));
    }
    router
        .with_state(state)
        .layer(CorsLayer::permissive().max_age(Duration::from_secs(600)))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            timeout,
        ))
        .layer(CatchPanicLayer::new())
        // Every answer is what its Content-Type says; a browser must not guess otherwise.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(
            // Spans carry method and path only: never headers (tokens) nor bodies (personal data).
            TraceLayer::new_for_http()
                .make_span_with(DefaultMakeSpan::new().include_headers(false))
                .on_response(DefaultOnResponse::new().level(tracing::Level::DEBUG)),
        )
}
