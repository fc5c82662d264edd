//! One constructor for the whole service, used by `main` and by the tests alike.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use sha2::Digest;
use tokio::net::TcpListener;

use crate::app::signed_links::LinkSigner;
use crate::app::{AppState, actors::ActorCache, programmes, sweep};
use crate::auth::{self, Authenticator};
use crate::config::Config;
use crate::domain::pseudonym::PseudonymKey;
use crate::metrics::Metrics;
use crate::storage::Storage;
use crate::{db, graphql, http};

pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    pub state: AppState,
}

impl Application {
    /// Binds the listener (port 0 picks a free one), then connects, migrates and loads the
    /// referential. The port comes first: a busy one must stop start-up before anything is
    /// written (the secret file, the database, the object directory).
    pub async fn build(config: Config) -> anyhow::Result<Application> {
        let listener = TcpListener::bind(config.listen).await.map_err(|e| {
            anyhow::anyhow!("cannot listen on {} (ACQUIS_LISTEN): {e}", config.listen)
        })?;
        let secret = auth::resolve_secret(&config)?;
        let state = build_state(config, &secret, db::Purpose::Serving).await?;
        let bound = listener.local_addr()?;
        let base = state.config.public_base_url(bound);
        let state = AppState {
            links: Arc::new(LinkSigner::new(
                &secret,
                base,
                Duration::from_secs(state.config.signed_url_ttl_secs),
            )?),
            ..state
        };
        let schema = graphql::build_schema(state.clone());
        let upload_origin = state.storage.direct_upload_origin().await;
        let router = http::router(state.clone(), schema, &secret, upload_origin);
        if state.config.web_app && state.config.dev_sign_in {
            tracing::warn!(
                "development sign-in is on (ACQUIS_DEV_SIGN_IN): whoever reaches this port may act as anyone"
            );
        }
        // Leftovers of interrupted uploads are removed once they are older than any request can last.
        let grace = Duration::from_secs(state.config.sweep_grace_secs);
        sweep::spawn_periodic(
            state.clone(),
            grace,
            Duration::from_secs(state.config.sweep_interval_secs.max(1)),
        );
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .unwrap_or(self.state.config.listen)
    }

    pub fn port(&self) -> u16 {
        self.local_addr().port()
    }

    /// Serves until SIGINT or SIGTERM, then finishes the requests in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.run_until(shutdown_signal()).await
    }

    pub async fn run_until(
        self,
        signal: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        tracing::info!(address = %self.local_addr(), "serving Acquis");
        if self.state.config.web_app {
            tracing::info!(url = %format!("http://{}/app/", self.local_addr()), "web application");
        }
        let served = axum::serve(self.listener, self.router)
            .with_graceful_shutdown(signal)
            .await;
        match &served {
            Ok(()) => {
                tracing::info!("every request in flight was answered; the listener is closed")
            }
            Err(err) => tracing::error!(error = %err, "serving stopped"),
        }
        match self.state.db.close_by_ref().await {
            Ok(()) => tracing::info!("database connections closed"),
            Err(err) => tracing::warn!(error = %err, "closing the database connections failed"),
        }
        served
    }
}

/// Everything but the listener: shared with the CLI commands that need the database, which
/// use a maintenance pool.
pub async fn build_state(
    config: Config,
    secret: &[u8],
    purpose: db::Purpose,
) -> anyhow::Result<AppState> {
    let metrics = Arc::new(Metrics::default());
    let mut db = db::connect(&config, purpose).await?;
    db::count_statements(&mut db, metrics.clone());
    let storage = Storage::from_config(&config.storage)
        .map_err(|e| anyhow::anyhow!("object store (ACQUIS_STORAGE_URL): {e}"))?;
    let catalog = Arc::new(programmes::Catalog::default());
    // The lease sits on a connection of its own, so a pool of one connection still serves
    // the work it guards.
    let lease_db = match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => db::connect(&config, db::Purpose::Maintenance).await?,
        _ => db.clone(),
    };
    let started = db::lease::serialized(&lease_db, db::lease::START_UP, async {
        db::migrate_for(&config, &db, purpose).await?;
        if config.load_fixtures {
            programmes::load_fixtures(&db, &catalog).await?;
        }
        Ok(())
    })
    .await;
    if db.get_database_backend() == sea_orm::DbBackend::Postgres {
        let _ = lease_db.close().await;
    }
    started?;
    let auth = Arc::new(Authenticator::new(&config, Some(secret.to_vec())));
    let base = config.public_base_url(config.listen);
    let links = Arc::new(LinkSigner::new(
        secret,
        base,
        Duration::from_secs(config.signed_url_ttl_secs),
    )?);
    let pseudonyms = Arc::new(match &config.pseudonym_secret {
        Some(own) => PseudonymKey::new(own.as_bytes()),
        None => {
            let derived = sha2::Sha256::new()
                .chain_update(b"acquis-pseudonyms:")
                .chain_update(secret)
                .finalize();
            PseudonymKey::new(&derived)
        }
    });
    Ok(AppState {
        db,
        storage,
        pseudonyms,
        config: Arc::new(config),
        auth,
        catalog,
        links,
        actors: Arc::new(ActorCache::default()),
        metrics,
    })
}

/// Installs the handlers at once, not when the future is first polled: axum polls it from a
/// task of its own, which may start after the first request is answered, and a SIGTERM in that
/// gap would kill the process without a graceful end.
fn shutdown_signal() -> impl std::future::Future<Output = ()> + Send + 'static {
    #[cfg(unix)]
    let terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
    #[cfg(unix)]
    let interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt());
    async move {
        #[cfg(unix)]
        {
            let wait = |installed: std::io::Result<tokio::signal::unix::Signal>| async move {
                match installed {
                    Ok(mut signal) => {
                        signal.recv().await;
                    }
                    Err(_) => std::future::pending::<()>().await,
                }
            };
            tokio::select! {
                () = wait(terminate) => {},
                () = wait(interrupt) => {},
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
        tracing::info!("shutdown requested; finishing requests in flight");
    }
}
