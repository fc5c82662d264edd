//! SQLite as libsqlite3-sys bundles it is built with STAT4, which makes a prepared statement
//! plan itself again every time a parameter compared with an analysed index is bound anew.
//! Every statement of ours binds its ids, and FTS5 binds its own statements on its shadow
//! tables for every term it looks up: a jury member's search through 70 dossiers spent 20 of
//! its 25 ms re-preparing. The query planner stability guarantee keeps each statement's first
//! plan for as long as it is cached; the values written into the text (statuses, search words)
//! still inform the planner.

use std::ffi::c_int;
use std::ptr::NonNull;

use sea_orm::sqlx;

pub(super) fn enable_plan_stability(
    db: NonNull<libsqlite3_sys::sqlite3>,
) -> Result<(), sqlx::Error> {
    let mut enabled: c_int = 0;
    // SAFETY: the handle is locked for this call (no other thread uses it meanwhile), and this
    // option takes an int and a pointer to an int that receives the new setting.
    let rc = unsafe {
        libsqlite3_sys::sqlite3_db_config(
            db.as_ptr(),
            libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
            1 as c_int,
            &mut enabled as *mut c_int,
        )
    };
    if rc != libsqlite3_sys::SQLITE_OK || enabled != 1 {
        return Err(sqlx::Error::Configuration(
            format!("SQLite refused its query planner stability guarantee (code {rc})").into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn every_connection_of_the_pool_keeps_its_plans() {
        let mut config = crate::config::Config::from_lookup(|_| None).unwrap();
        let dir =
            std::env::temp_dir().join(format!("acquis-plans-{}", uuid::Uuid::new_v4().simple()));
        config.database_url = format!("sqlite://{}?mode=rwc", dir.join("plans.db").display());
        let db = crate::db::connect(&config, crate::db::Purpose::Serving)
            .await
            .unwrap();
        let pool = db.get_sqlite_connection_pool();
        let mut connections = Vec::new();
        for _ in 0..3 {
            connections.push(pool.acquire().await.unwrap());
        }
        for connection in &mut connections {
            let mut handle = connection.lock_handle().await.unwrap();
            let mut setting: c_int = -1;
            // SAFETY: as above; -1 reads the setting without changing it.
            let rc = unsafe {
                libsqlite3_sys::sqlite3_db_config(
                    handle.as_raw_handle().as_ptr(),
                    libsqlite3_sys::SQLITE_DBCONFIG_ENABLE_QPSG,
                    -1 as c_int,
                    &mut setting as *mut c_int,
                )
            };
            assert_eq!((rc, setting), (libsqlite3_sys::SQLITE_OK, 1));
        }
        drop(connections);
        let _ = std::fs::remove_dir_all(dir);
    }
}
