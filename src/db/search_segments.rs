//! SQLite's full-text tables (FTS5) write each transaction's terms as a new segment, and a
//! search reads every segment of its table. FTS5 merges them while writes go on (automerge), on
//! the writer's time; the sweep merges them off the request path, in short steps, so that a
//! search after a bulk load or a busy day reads a few b-trees. PostgreSQL's GIN indexes merge
//! their pending lists themselves.

use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, DbErr, Statement};

const TABLES: [&str; 3] = ["evidence_fts", "experience_fts", "claim_fts"];

/// Leaf pages one step may write. A step is its own write transaction, so a request waiting
/// for SQLite's write lock waits for one step at most (a few milliseconds).
const PAGES_PER_STEP: u32 = 256;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Merged {
    /// Steps that merged something.
    pub steps: u32,
    /// Whether every table was left with nothing more to merge (false when the budget ran out).
    pub complete: bool,
}

/// Merges the full-text tables' segments for at most `max_steps` steps in all.
pub async fn merge(db: &DatabaseConnection, max_steps: u32) -> Result<Merged, DbErr> {
    let mut merged = Merged {
        steps: 0,
        complete: true,
    };
    if db.get_database_backend() != DbBackend::Sqlite {
        return Ok(merged);
    }
    for table in TABLES {
        loop {
            if merged.steps >= max_steps {
                merged.complete = false;
                return Ok(merged);
            }
            if !step(db, table).await? {
                break;
            }
            merged.steps += 1;
        }
    }
    Ok(merged)
}

/// One merge step on `table`; whether it found anything to merge. FTS5 tells only through the
/// connection's change counter (a step that wrote fewer than two rows had nothing to do), so the
/// counter is read on the transaction's own connection, before and after.
async fn step(db: &DatabaseConnection, table: &str) -> Result<bool, DbErr> {
    let tx = super::begin_write(db).await?;
    let before = total_changes(&tx).await?;
    tx.execute_unprepared(&format!(
        "INSERT INTO {table}({table}, rank) VALUES ('merge', {PAGES_PER_STEP})"
    ))
    .await?;
    let after = total_changes(&tx).await?;
    tx.commit().await?;
    Ok(after - before >= 2)
}

async fn total_changes(tx: &super::Tx) -> Result<i64, DbErr> {
    let row = tx
        .query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            "SELECT total_changes()",
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("total_changes() returned no row".into()))?;
    row.try_get_by_index::<i64>(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The real schema: its migration sets `usermerge` to 2 on the three tables.
    async fn database() -> DatabaseConnection {
        let db = sea_orm::Database::connect("sqlite::memory:").await.unwrap();
        crate::db::migrate(&db).await.unwrap();
        db
    }

    async fn write_segments(db: &DatabaseConnection, table: &str, count: usize) {
        for i in 0..count {
            db.execute_unprepared(&format!(
                "INSERT INTO {table}(body) VALUES ('attestation numéro {i}')"
            ))
            .await
            .unwrap();
        }
    }

    async fn matches(db: &DatabaseConnection, table: &str) -> i64 {
        db.query_one_raw(Statement::from_string(
            DbBackend::Sqlite,
            format!("SELECT count(*) FROM {table} WHERE {table} MATCH 'attestation'"),
        ))
        .await
        .unwrap()
        .unwrap()
        .try_get_by_index(0)
        .unwrap()
    }

    #[tokio::test]
    async fn segments_left_by_separate_writes_are_merged_and_a_second_pass_finds_nothing_to_do() {
        let db = database().await;
        write_segments(&db, "experience_fts", 3).await;
        let first = merge(&db, 100).await.unwrap();
        assert!(first.steps > 0 && first.complete, "{first:?}");
        assert_eq!(
            merge(&db, 100).await.unwrap(),
            Merged {
                steps: 0,
                complete: true
            }
        );
        assert_eq!(matches(&db, "experience_fts").await, 3);
    }

    #[tokio::test]
    async fn a_pass_stops_at_its_budget_and_the_next_one_goes_on() {
        let db = database().await;
        for table in TABLES {
            write_segments(&db, table, 3).await;
        }
        let first = merge(&db, 1).await.unwrap();
        assert_eq!(
            first,
            Merged {
                steps: 1,
                complete: false
            }
        );
        let rest = merge(&db, 100).await.unwrap();
        assert!(rest.steps >= 2 && rest.complete, "{rest:?}");
        for table in TABLES {
            assert_eq!(matches(&db, table).await, 3);
        }
    }
}
