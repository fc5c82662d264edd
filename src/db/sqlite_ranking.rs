//! The FTS5 auxiliary function `acquis_tf(table, column)`: BM25's term-frequency and length
//! part (k1 = 1.2, b = 0.75) of the current match, read from the full-text index alone.
//!
//! Built from SQL, the same score needed each match's text: `highlight()` fetched it from the
//! content table and tokenized it again to count the marked words. A rare word among 100,000
//! dossiers gathers a thousand matches per source, and that fetch cost 3.3 ms of the statement's
//! 11 against 0.12 ms for the matches themselves. FTS5 already holds what the score needs: the
//! place of every matched word (`xInst`), the number of words of each row (`xColumnSize`, from
//! its size table) and of the whole column (`xColumnTotalSize`, `xRowCount`).
//!
//! BM25's inverse document frequency is left out, as FTS5's own `bm25()` would compute it by
//! reading, once per statement, every row of the index that holds each word: among a million
//! files a search of a common word within one dossier spent 45 ms there. Within one source the
//! words weigh alike, then.

use std::ffi::{c_int, c_void};
use std::ptr::{NonNull, null_mut};

use libsqlite3_sys as ffi;
use sea_orm::sqlx;

const K1: f64 = 1.2;
const B: f64 = 0.75;

/// Registers `acquis_tf` on one connection.
pub fn register(db: NonNull<ffi::sqlite3>) -> Result<(), sqlx::Error> {
    let api = fts5_api(db)?;
    // SAFETY: `api` is the connection's FTS5 API, valid for the connection's life; the name is
    // a NUL-terminated literal and the function has the signature FTS5 calls.
    let rc = unsafe {
        match (*api.as_ptr()).xCreateFunction {
            Some(create) => create(
                api.as_ptr(),
                c"acquis_tf".as_ptr(),
                null_mut(),
                Some(term_frequency),
                None,
            ),
            None => ffi::SQLITE_MISUSE,
        }
    };
    if rc != ffi::SQLITE_OK {
        return Err(refused(format!(
            "FTS5 refused the ranking function (code {rc})"
        )));
    }
    Ok(())
}

/// The connection's `fts5_api`, which FTS5 hands out through `SELECT fts5(?1)` with a pointer
/// bound to the parameter (the documented way to reach it).
fn fts5_api(db: NonNull<ffi::sqlite3>) -> Result<NonNull<ffi::fts5_api>, sqlx::Error> {
    let mut api: *mut ffi::fts5_api = null_mut();
    let mut statement: *mut ffi::sqlite3_stmt = null_mut();
    // SAFETY: the handle is locked by the caller; the statement is finalized on every path, and
    // `api` outlives the step that writes it.
    let rc = unsafe {
        let rc = ffi::sqlite3_prepare_v2(
            db.as_ptr(),
            c"SELECT fts5(?1)".as_ptr(),
            -1,
            &mut statement,
            null_mut(),
        );
        if rc != ffi::SQLITE_OK {
            rc
        } else {
            let mut rc = ffi::sqlite3_bind_pointer(
                statement,
                1,
                (&mut api as *mut *mut ffi::fts5_api).cast::<c_void>(),
                c"fts5_api_ptr".as_ptr(),
                None,
            );
            if rc == ffi::SQLITE_OK {
                rc = ffi::sqlite3_step(statement);
            }
            ffi::sqlite3_finalize(statement);
            if rc == ffi::SQLITE_ROW || rc == ffi::SQLITE_DONE {
                ffi::SQLITE_OK
            } else {
                rc
            }
        }
    };
    match NonNull::new(api) {
        Some(api) if rc == ffi::SQLITE_OK => Ok(api),
        _ => Err(refused(format!(
            "SQLite gave no FTS5 API (code {rc}); it must be built with FTS5"
        ))),
    }
}

fn refused(message: String) -> sqlx::Error {
    sqlx::Error::Configuration(message.into())
}

/// BM25's saturation of `tf` words matched in a row of `len` words, against a column whose
/// rows hold `mean` words on average.
pub fn bm25_tf(tf: f64, len: f64, mean: f64) -> f64 {
    tf * (K1 + 1.0) / (tf + K1 * (1.0 - B + B * len / mean.max(1.0)))
}

/// `acquis_tf(table, column)`: FTS5 passes the table itself as the context and `column` (the
/// index of the ranked column) as the one argument.
unsafe extern "C" fn term_frequency(
    api: *const ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    context: *mut ffi::sqlite3_context,
    arguments: c_int,
    values: *mut *mut ffi::sqlite3_value,
) {
    // SAFETY: FTS5 calls this with its API, the current match and `arguments` values.
    unsafe {
        if arguments != 1 {
            ffi::sqlite3_result_error(
                context,
                c"acquis_tf takes the table and a column index".as_ptr(),
                -1,
            );
            return;
        }
        let column = ffi::sqlite3_value_int(*values);
        match read(&*api, fts, column) {
            Ok(score) => ffi::sqlite3_result_double(context, score),
            Err(rc) => ffi::sqlite3_result_error_code(context, rc),
        }
    }
}

/// The score of the current match in `column`, or the first failing FTS5 code.
///
/// # Safety
/// `fts` is the context FTS5 passed along with `api`.
unsafe fn read(
    api: &ffi::Fts5ExtensionApi,
    fts: *mut ffi::Fts5Context,
    column: c_int,
) -> Result<f64, c_int> {
    let check = |rc: c_int| {
        if rc == ffi::SQLITE_OK {
            Ok(())
        } else {
            Err(rc)
        }
    };
    let (Some(inst_count), Some(inst), Some(column_size), Some(total_size), Some(row_count)) = (
        api.xInstCount,
        api.xInst,
        api.xColumnSize,
        api.xColumnTotalSize,
        api.xRowCount,
    ) else {
        return Err(ffi::SQLITE_MISUSE);
    };
    // SAFETY: every out-pointer is a local; FTS5 reads the index of the current match.
    unsafe {
        let mut places: c_int = 0;
        check(inst_count(fts, &mut places))?;
        let mut tf = 0u32;
        for place in 0..places {
            let (mut phrase, mut place_column, mut offset): (c_int, c_int, c_int) = (0, 0, 0);
            check(inst(
                fts,
                place,
                &mut phrase,
                &mut place_column,
                &mut offset,
            ))?;
            // Words matched in another column (the dossier token) are not relevance.
            if place_column == column {
                tf += 1;
            }
        }
        let mut len: c_int = 0;
        check(column_size(fts, column, &mut len))?;
        let (mut total, mut rows): (i64, i64) = (0, 0);
        check(total_size(fts, column, &mut total))?;
        check(row_count(fts, &mut rows))?;
        let mean = total as f64 / rows.max(1) as f64;
        Ok(bm25_tf(f64::from(tf), f64::from(len), mean))
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::{ConnectionTrait, Statement};

    use super::bm25_tf;

    /// The score of each row for `words`, from a pool connection (which registered the function).
    async fn scores(rows: &[(&str, &str)], words: &str) -> Vec<(String, f64)> {
        let mut config = crate::config::Config::from_lookup(|_| None).unwrap();
        let dir =
            std::env::temp_dir().join(format!("acquis-rank-{}", uuid::Uuid::new_v4().simple()));
        config.database_url = format!("sqlite://{}?mode=rwc", dir.join("rank.db").display());
        let db = crate::db::connect(&config, crate::db::Purpose::Serving)
            .await
            .unwrap();
        let backend = db.get_database_backend();
        db.execute_unprepared("CREATE VIRTUAL TABLE t USING fts5(name UNINDEXED, dossier, body)")
            .await
            .unwrap();
        for (name, body) in rows {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                "INSERT INTO t (name, dossier, body) VALUES ($1, 'dx', $2)",
                [(*name).into(), (*body).into()],
            ))
            .await
            .unwrap();
        }
        let found = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT name, acquis_tf(t, 2) AS score FROM t WHERE t MATCH '{words}' ORDER BY score DESC, name"),
            ))
            .await
            .unwrap()
            .iter()
            .map(|row| (row.try_get("", "name").unwrap(), row.try_get("", "score").unwrap()))
            .collect();
        drop(db);
        let _ = std::fs::remove_dir_all(dir);
        found
    }

    #[tokio::test]
    async fn the_function_ranks_rows_with_more_of_the_words_first_and_ignores_other_columns() {
        let found = scores(
            &[
                (
                    "once",
                    "une attestation de stage parmi les pièces du dossier",
                ),
                (
                    "twice",
                    "attestation et attestation de stage parmi les pièces jointes",
                ),
                (
                    "none",
                    "un compte rendu de réunion parmi les pièces jointes",
                ),
            ],
            "body : attestation AND dossier : dx",
        )
        .await;
        let names: Vec<&str> = found.iter().map(|(name, _)| name.as_str()).collect();
        assert_eq!(names, ["twice", "once"]);
        // Rows of 9 words against a mean of 9: the length factor is 1, the score tf's saturation.
        let expected = [bm25_tf(2.0, 9.0, 9.0), bm25_tf(1.0, 9.0, 9.0)];
        for ((_, score), expected) in found.iter().zip(expected) {
            assert!((score - expected).abs() < 1e-9, "{found:?}");
        }
    }

    #[test]
    fn more_matched_words_score_higher_in_a_row_of_the_same_length() {
        assert!(bm25_tf(2.0, 10.0, 10.0) > bm25_tf(1.0, 10.0, 10.0));
    }

    #[test]
    fn the_same_matches_in_a_longer_row_score_lower() {
        assert!(bm25_tf(1.0, 40.0, 10.0) < bm25_tf(1.0, 5.0, 10.0));
    }

    #[test]
    fn a_row_of_average_length_scores_its_saturated_term_frequency() {
        assert!((bm25_tf(1.0, 10.0, 10.0) - 1.0).abs() < 1e-12);
    }
}
