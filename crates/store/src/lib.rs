//! The SQL store: Guild's source of truth, on SQLite (default) or PostgreSQL, chosen by URL.
//!
//! One [`SqlStore`] implements [`guild_core::store::Store`] for both backends, one module per
//! feature as in core (`accounts`, `profiles`, `directory`, `network`, `invitations`, `posts`,
//! `comments`, `reactions`, `notifications`, `messaging`, `media`, `signups`, `outbox`), each with the row types it
//! reads; [`DiskMedia`] keeps uploaded files under the data directory.
//! Queries are written once in portable SQL with `$n` placeholders (numbered in order of first
//! use, which SQLite also accepts) and run through the helpers of `sql.rs`; [`with_pool!`]
//! runs the same code against whichever pool is open, for transactions. Database errors are
//! mapped in `errors.rs`. Dialect differences (auto-increment ids) stay in the per-backend
//! migrations, which a test keeps 1:1.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

use std::str::FromStr;
use std::time::Duration;

use guild_core::store::StoreError;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

mod accounts;
mod comments;
mod directory;
mod errors;
mod files;
mod impressions;
mod invitations;
mod media;
mod messaging;
mod network;
mod notifications;
mod outbox;
mod posts;
mod profiles;
mod reactions;
mod signups;
mod sql;

pub(crate) use errors::{backend, db_err};
pub use errors::{UniqueKey, UNIQUE_KEYS, UNKNOWN_KEY_FIELD};
pub use files::DiskMedia;

pub static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../../migrations/postgres");

/// How long a PostgreSQL request waits for a connection before it fails as unreachable.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Runs `$body` with `$p` bound to the open pool, whichever backend it is. The body is
/// compiled once per backend, so it must be portable SQL.
macro_rules! with_pool {
    ($self:expr, |$p:ident| $body:expr) => {
        match &$self.pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Pg($p) => $body,
        }
    };
}
pub(crate) use with_pool;

#[derive(Clone, Debug)]
pub struct SqlStore {
    pub pool: Pool,
}

impl SqlStore {
    /// Opens (creating a SQLite file if needed) the database at `url`.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Pool::Pg(
                PgPoolOptions::new()
                    .max_connections(16)
                    // Fail fast when the database is away: a request waits at most this long
                    // for a connection (sqlx retries a refused connect until then), then
                    // answers 503 `database_unavailable` instead of hanging. Each connection
                    // is pinged before it is handed out (`test_before_acquire`, sqlx's
                    // default, kept explicit), so ones PostgreSQL closed while it restarted
                    // are dropped and replaced, and the pool recovers by itself.
                    .acquire_timeout(PG_ACQUIRE_TIMEOUT)
                    .test_before_acquire(true)
                    .connect(url)
                    .await
                    .map_err(backend)?,
            )
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(backend)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            Pool::Sqlite(
                SqlitePoolOptions::new()
                    .max_connections(8)
                    .connect_with(opts)
                    .await
                    .map_err(backend)?,
            )
        } else {
            return Err(StoreError::Backend(format!(
                "unsupported database URL {url:?}: use sqlite://FILE or postgres://…"
            )));
        };
        Ok(SqlStore { pool })
    }

    /// Applies the migrations that have not run yet.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        match &self.pool {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await.map_err(backend),
            Pool::Pg(p) => POSTGRES_MIGRATIONS.run(p).await.map_err(backend),
        }?;
        // What SQL cannot compute (0009: names folded as core folds them) is filled here.
        self.fill_search_names().await
    }

    pub fn backend_name(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Pg(_) => "postgres",
        }
    }

    pub async fn close(&self) {
        with_pool!(self, |p| p.close().await)
    }
}

#[cfg(test)]
mod tests {
    /// The two migration folders must hold the same steps, so both backends have one schema.
    #[test]
    fn migrations_are_one_to_one() {
        let names = |m: &sqlx::migrate::Migrator| {
            m.iter()
                .map(|m| (m.version, m.description.to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            names(&super::SQLITE_MIGRATIONS),
            names(&super::POSTGRES_MIGRATIONS)
        );
        assert!(super::SQLITE_MIGRATIONS.iter().next().is_some());
    }
}
