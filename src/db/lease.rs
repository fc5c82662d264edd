//! Work that one instance at a time must do (the periodic sweep): on PostgreSQL a transaction
//! holds an advisory lock for the length of the work, so instances sharing the database skip
//! their turn while another holds it, and a killed holder frees it with its connection. An
//! SQLite file has one process writing it, which needs no lease.

use sea_orm::{ConnectionTrait, DatabaseBackend, Statement, TransactionTrait};

use super::Db;

/// Advisory lock keys: one per kind of exclusive work, stable across releases.
pub const SWEEP: i64 = 0x4143_5155_4953_0001;
/// Migrations and the embedded referentials: instances starting together apply them once.
pub const START_UP: i64 = 0x4143_5155_4953_0002;

/// Runs `work` if this instance takes the lease `key`; `None` when another holds it.
pub async fn exclusively<T>(
    db: &Db,
    key: i64,
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<Option<T>> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return work.await.map(Some);
    }
    let tx = db.begin().await?;
    let taken = tx
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT pg_try_advisory_xact_lock($1) AS taken",
            [key.into()],
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "taken"))
        .transpose()?
        .unwrap_or(false);
    if !taken {
        tx.rollback().await?;
        return Ok(None);
    }
    let outcome = work.await;
    // Ending the transaction releases the lock, whatever the work's outcome.
    tx.rollback().await?;
    outcome.map(Some)
}

/// Runs `work` holding the lease `key`, waiting for it as long as another instance holds it
/// (start-up: a second instance waits for the first one's migrations, then finds them done).
pub async fn serialized<T>(
    db: &Db,
    key: i64,
    work: impl std::future::Future<Output = anyhow::Result<T>>,
) -> anyhow::Result<T> {
    if db.get_database_backend() != DatabaseBackend::Postgres {
        return work.await;
    }
    let tx = db.begin().await?;
    // The serving pool's statement time limit would end the wait for a long migration.
    tx.execute_unprepared("SET LOCAL statement_timeout = 0")
        .await?;
    tx.execute_raw(Statement::from_sql_and_values(
        DatabaseBackend::Postgres,
        "SELECT pg_advisory_xact_lock($1)",
        [key.into()],
    ))
    .await?;
    let outcome = work.await;
    tx.rollback().await?;
    outcome
}
