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
use std::sync::Arc;
use std::time::Duration;

use guild_core::ops::histogram::Histogram;
use guild_core::store::StoreError;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

mod accounts;
mod affinity;
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
mod ops;
mod outbox;
mod posts;
mod profiles;
mod ratelimit;
mod reactions;
mod signups;
mod sql;
mod stream;

pub(crate) use errors::{backend, db_err};
pub use errors::{UniqueKey, UNIQUE_KEYS, UNKNOWN_KEY_FIELD};
pub use files::DiskMedia;

pub static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../../migrations/sqlite");
pub static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator =
    sqlx::migrate!("../../migrations/postgres");

/// Prepared statements each connection keeps: more than the store has, so none is prepared
/// twice (sqlx's default of 100 made the busiest evict each other).
const STATEMENT_CACHE: usize = 1_000;

/// How long a PostgreSQL request waits for a connection before it fails as unreachable.
pub const PG_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Debug)]
pub enum Pool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// Runs `$body` with `$p` bound to the store's writing pool (`with_pool!(store, …)`) or to a
/// given pool (`with_pool!(on &store.reads, …)`), whichever backend it is. The body is
/// compiled once per backend, so it must be portable SQL.
macro_rules! with_pool {
    (on $pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::Pool::Sqlite($p) => $body,
            $crate::Pool::Pg($p) => $body,
        }
    };
    ($self:expr, |$p:ident| $body:expr) => {
        $crate::with_pool!(on & $self.pool, |$p| $body)
    };
}
pub(crate) use with_pool;

#[derive(Clone)]
pub struct SqlStore {
    /// Where writes and transactions run. On SQLite one connection: writers queue for it in
    /// this process, in order, instead of retrying SQLite's lock with sleeps that grow to
    /// 100 ms (a write's wait is then the writes ahead of it, nothing more).
    pub pool: Pool,
    /// Where reads run. On SQLite several connections opened `query_only`, so a write sent
    /// here by mistake fails loudly; WAL lets them read while the writer writes. On
    /// PostgreSQL the same pool as [`SqlStore::pool`].
    pub reads: Pool,
    /// This process's name in the change stream: the `origin` its PostgreSQL connections
    /// write (the session setting `guild.node`, read by the triggers) and its row in
    /// `stream_nodes`. Made anew each time a store is opened.
    node: Arc<str>,
    /// PostgreSQL's LISTEN connection for the change stream, opened on first wait.
    listener: Arc<tokio::sync::Mutex<Option<sqlx::postgres::PgListener>>>,
    /// How long each statement of `sql.rs`'s helpers took (metrics; see `ops.rs`). Shared by
    /// the clones of one store, as the pool is.
    query_times: Arc<Histogram>,
}

impl std::fmt::Debug for SqlStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqlStore")
            .field("pool", &self.pool)
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

/// A name for this process in the change stream: host, process id and a random part (two
/// stores opened by one process, as tests do, are two nodes).
fn node_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname")
        .ok()
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "node".into());
    let random = guild_core::auth::new_secret("");
    let short: String = random
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect();
    format!("{host}-{}-{short}", std::process::id())
}

impl SqlStore {
    /// Opens (creating a SQLite file if needed) the database at `url`.
    pub async fn connect(url: &str) -> Result<SqlStore, StoreError> {
        let node: Arc<str> = Arc::from(node_name());
        let (pool, reads) = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let origin = Arc::clone(&node);
            let pool = Pool::Pg(
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
                    // Every change this connection writes names this node (see `stream.rs`).
                    .after_connect(move |conn, _meta| {
                        let origin = Arc::clone(&origin);
                        Box::pin(async move {
                            sqlx::query("SELECT set_config('guild.node', $1, false)")
                                .bind(&*origin)
                                .execute(conn)
                                .await
                                .map(|_| ())
                        })
                    })
                    .connect_with(
                        PgConnectOptions::from_str(url)
                            .map_err(backend)?
                            .statement_cache_capacity(STATEMENT_CACHE),
                    )
                    .await
                    .map_err(backend)?,
            );
            (pool.clone(), pool)
        } else if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)
                .map_err(backend)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .statement_cache_capacity(STATEMENT_CACHE);
            // The writer first: it creates the file and turns WAL on before readers open it.
            let writer = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts.clone())
                .await
                .map_err(backend)?;
            let readers = SqlitePoolOptions::new()
                .max_connections(8)
                .connect_with(opts.pragma("query_only", "1"))
                .await
                .map_err(backend)?;
            (Pool::Sqlite(writer), Pool::Sqlite(readers))
        } else {
            return Err(StoreError::Backend(format!(
                "unsupported database URL {url:?}: use sqlite://FILE or postgres://…"
            )));
        };
        Ok(SqlStore {
            pool,
            reads,
            node,
            listener: Arc::new(tokio::sync::Mutex::new(None)),
            query_times: Arc::default(),
        })
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
        with_pool!(self, |p| p.close().await);
        with_pool!(on & self.reads, |p| p.close().await)
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
