//! Persistence adapter: the only module that builds queries and knows the sea-orm entities.
//! It hands out plain records (`db::records`) and keeps rows and API types apart.

pub mod audit;
pub mod dossier_tree;
pub mod dossiers;
pub mod entities;
pub mod evidence;
pub mod experiences;
pub mod jury;
pub mod lease;
pub mod personal_data;
pub mod programmes;
pub mod records;
pub mod search;
pub mod search_segments;
mod sqlite_connection;
mod sqlite_plans;
mod sqlite_ranking;
pub mod users;

use std::time::Duration;

use sea_orm::{ConnectOptions, ConnectionTrait, Database, DatabaseConnection, Statement};
use sea_orm_migration::MigratorTrait;

pub use sea_orm::{DatabaseConnection as Db, DatabaseTransaction as Tx, TransactionTrait};

use crate::config::Config;
use crate::migrations::Migrator;

/// A transaction that will write. On SQLite it takes the write lock with its first statement
/// (a write that changes nothing): a transaction that read first and wrote later would, once
/// another connection had committed in between, fail at once with SQLITE_BUSY (its snapshot is
/// stale, so the busy timeout does not apply) instead of waiting its turn.
pub async fn begin_write(db: &DatabaseConnection) -> Result<Tx, sea_orm::DbErr> {
    let tx = db.begin().await?;
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        tx.execute_unprepared("UPDATE dossier_count SET n = n WHERE 0")
            .await?;
    }
    Ok(tx)
}

/// What a pool is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// Answering requests: on PostgreSQL every statement is cancelled by the server after the
    /// query time limit, so a request that gave up does not leave its statement running and
    /// holding a connection.
    Serving,
    /// Migrations and bulk loads, whose statements may rightly take minutes.
    Maintenance,
}

/// Opens the pool. SQLite files get their directory created; every backend gets short
/// timeouts so an unreachable database fails fast with one clear line.
pub async fn connect(config: &Config, purpose: Purpose) -> anyhow::Result<DatabaseConnection> {
    let url = &config.database_url;
    if let Some(path) = sqlite_file(url)
        && let Some(dir) = std::path::Path::new(&path)
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
    {
        std::fs::create_dir_all(dir).map_err(|e| {
            anyhow::anyhow!(
                "cannot create the database directory {}: {e}",
                dir.display()
            )
        })?;
    }
    let mut options = ConnectOptions::new(url.clone());
    options
        .max_connections(config.db_max_connections)
        .min_connections(0)
        .connect_timeout(Duration::from_secs(5))
        .acquire_timeout(Duration::from_secs(5))
        .sqlx_logging(false)
        // Pinging every connection on every checkout costs a round trip per statement; a
        // connection that sat idle (as after a database restart) is still checked first.
        .test_before_acquire_if_idle_for(Duration::from_secs(1));
    sqlite_connection::set_up(&mut options);
    if purpose == Purpose::Serving {
        let limit_ms = config.query_timeout_secs.saturating_mul(1000);
        // No parallel workers for requests: a request's statement is short and others run
        // beside it, so starting workers costs more than it saves. Measured at 100,000
        // dossiers: a search of a rare word everywhere took 18 ms with the two workers the
        // planner chose for its empty arms, 10 ms without (8.8 ms among 1,000 dossiers).
        options.map_sqlx_postgres_opts(move |pg| {
            pg.options([
                ("statement_timeout", limit_ms.to_string()),
                ("max_parallel_workers_per_gather", "0".to_owned()),
            ])
        });
    }
    if url.starts_with("postgres") {
        probe_postgres(url).await?;
    }
    // sqlx already turns on SQLite foreign keys and a 5 s busy timeout on every connection.
    Database::connect(options)
        .await
        .map_err(|e| anyhow::anyhow!("cannot connect to the database ({}): {e}", redact(url)))
}

/// One connection opened by hand before the pool: a pool that cannot connect retries until it
/// gives up and says only "pool timed out", while the first attempt knows why (refused,
/// unknown host, authentication, missing database).
async fn probe_postgres(url: &str) -> anyhow::Result<()> {
    use sea_orm::sqlx::{ConnectOptions as _, Connection as _};
    let where_ = url::Url::parse(url)
        .ok()
        .map(|u| {
            format!(
                "{}:{}",
                u.host_str().unwrap_or("localhost"),
                u.port().unwrap_or(5432)
            )
        })
        .unwrap_or_else(|| "the configured address".to_owned());
    let fail = |cause: String| {
        anyhow::anyhow!(
            "cannot connect to the database at {where_} (DATABASE_URL={}): {cause}",
            redact(url)
        )
    };
    let options: sea_orm::sqlx::postgres::PgConnectOptions = url
        .parse()
        .map_err(|e: sea_orm::sqlx::Error| fail(e.to_string()))?;
    let attempt = tokio::time::timeout(Duration::from_secs(5), options.connect()).await;
    match attempt {
        Err(_) => Err(fail("no answer within 5 s".to_owned())),
        Ok(Err(sea_orm::sqlx::Error::Io(e))) => Err(fail(match e.kind() {
            std::io::ErrorKind::ConnectionRefused => {
                "connection refused (is PostgreSQL running and listening there?)".to_owned()
            }
            _ => e.to_string(),
        })),
        Ok(Err(e)) => Err(fail(e.to_string())),
        Ok(Ok(connection)) => {
            let _ = connection.close().await;
            Ok(())
        }
    }
}

/// Applies pending migrations.
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None)
        .await
        .map_err(|e| anyhow::anyhow!("database migration failed: {e}"))
}

/// Applies pending migrations before a pool of `purpose` is used. A PostgreSQL serving pool
/// cancels long statements, and an index built on a large table may take longer: its
/// migrations run on a maintenance pool of their own, closed afterwards.
pub async fn migrate_for(
    config: &Config,
    db: &DatabaseConnection,
    purpose: Purpose,
) -> anyhow::Result<()> {
    if purpose == Purpose::Maintenance || db.get_database_backend() != sea_orm::DbBackend::Postgres
    {
        return migrate(db).await;
    }
    let maintenance = connect(config, Purpose::Maintenance).await?;
    let migrated = migrate(&maintenance).await;
    let _ = maintenance.close().await;
    migrated
}

/// Lets SQLite refresh the statistics its planner uses, where they are missing or stale: without
/// them it judged a jury member's 70 dossiers as numerous as the 15,000 of a status and read a
/// list through the wrong index (a no-op most of the time; PostgreSQL's autovacuum does this).
/// The analysis is sampled (`analysis_limit`) so that it holds the write lock briefly.
pub async fn optimize(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    if db.get_database_backend() == sea_orm::DbBackend::Sqlite {
        db.execute_unprepared("PRAGMA analysis_limit=1000; PRAGMA optimize")
            .await?;
    }
    Ok(())
}

/// Gathers planner statistics now, after a bulk load such as `acquis seed`.
pub async fn analyze(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    db.execute_unprepared("ANALYZE").await.map(|_| ())
}

/// Counts every statement (and every failed one) in the metrics.
pub fn count_statements(
    db: &mut DatabaseConnection,
    metrics: std::sync::Arc<crate::metrics::Metrics>,
) {
    db.set_metric_callback(move |info| {
        metrics.db_statements.inc();
        if info.failed {
            metrics.db_statement_errors.inc();
        }
    });
}

/// Open and idle connections of the pool, for the metrics.
pub fn pool_stats(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
    }
}

/// Cheap round trip for `/readyz`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    let backend = db.get_database_backend();
    db.query_one_raw(Statement::from_string(backend, "SELECT 1"))
        .await
        .map(|_| ())
}

fn sqlite_file(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or_default();
    (!path.is_empty() && path != ":memory:").then(|| path.to_owned())
}

/// The URL without its password, for error messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    #[tokio::test]
    async fn sqlite_refreshes_its_planner_statistics_after_the_migrations() {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        super::migrate(&db).await.unwrap();
        super::optimize(&db).await.unwrap();
        super::analyze(&db).await.unwrap();
        let stats = db
            .query_one_raw(super::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(stats, 1, "ANALYZE wrote its statistics table");
    }

    #[tokio::test]
    async fn a_migration_that_fails_half_way_leaves_the_previous_schema_whole() {
        use sea_orm_migration::MigratorTrait;
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        let count = |name: &'static str| {
            let db = db.clone();
            async move {
                db.query_one_raw(super::Statement::from_string(
                    sea_orm::DbBackend::Sqlite,
                    format!("SELECT count(*) FROM sqlite_master WHERE name = '{name}'"),
                ))
                .await
                .unwrap()
                .unwrap()
                .try_get_by_index::<i64>(0)
                .unwrap()
            }
        };
        // The migration that rebuilds SQLite's full-text tables drops nine triggers, then the
        // tables; with one trigger already gone, its ninth drop fails after eight have run.
        const REBUILD: &str = "m20261202_000008_sqlite_search_by_dossier";
        let before = crate::migrations::Migrator::migrations()
            .iter()
            .position(|m| m.name() == REBUILD)
            .unwrap() as u32;
        crate::migrations::Migrator::up(&db, Some(before))
            .await
            .unwrap();
        db.execute_unprepared("DROP TRIGGER claim_fts_update")
            .await
            .unwrap();
        assert!(super::migrate(&db).await.is_err());
        assert_eq!(
            count("evidence_fts_insert").await,
            1,
            "the drops that ran were rolled back"
        );
        let pending = crate::migrations::Migrator::get_pending_migrations(&db)
            .await
            .unwrap();
        assert_eq!(
            pending[0].name(),
            REBUILD,
            "the failed migration is not recorded"
        );
    }
}
