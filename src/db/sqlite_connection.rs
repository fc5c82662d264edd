//! What every new SQLite connection of a pool gets before its first statement: plans that stay
//! (see `sqlite_plans`) and the search's ranking function (see `sqlite_ranking`).

use sea_orm::ConnectOptions;

use super::{sqlite_plans, sqlite_ranking};

pub fn set_up(options: &mut ConnectOptions) {
    options.map_sqlx_sqlite_pool_opts(|pool| {
        pool.after_connect(|connection, _| {
            Box::pin(async move {
                let mut handle = connection.lock_handle().await?;
                sqlite_plans::enable_plan_stability(handle.as_raw_handle())?;
                sqlite_ranking::register(handle.as_raw_handle())
            })
        })
    });
}
