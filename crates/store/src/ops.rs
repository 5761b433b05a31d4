//! `OpsStore` for [`SqlStore`]: `SELECT 1`, the pool's use, the query-time histogram that
//! `sql.rs` fills, and the outbox's depth by kind.

use async_trait::async_trait;
use guild_core::ops::histogram::HistogramSnapshot;
use guild_core::ops::store::{OpsStore, OutboxDepth, PoolStats};
use guild_core::store::StoreResult;

use crate::sql::vals;
use crate::{Pool, SqlStore};

#[derive(sqlx::FromRow)]
struct DepthRow {
    kind: String,
    pending: i64,
    due: i64,
    retrying: i64,
    abandoned: i64,
}

impl From<DepthRow> for OutboxDepth {
    fn from(r: DepthRow) -> OutboxDepth {
        OutboxDepth {
            kind: r.kind,
            pending: r.pending,
            due: r.due,
            retrying: r.retrying,
            abandoned: r.abandoned,
        }
    }
}

#[async_trait]
impl OpsStore for SqlStore {
    async fn ping(&self) -> StoreResult<()> {
        self.scalar::<i32>("SELECT 1", &[]).await.map(|_| ())
    }

    fn pool_stats(&self) -> PoolStats {
        let stats = |pool: &Pool| match pool {
            Pool::Sqlite(p) => (
                "sqlite",
                p.size(),
                p.num_idle(),
                p.options().get_max_connections(),
            ),
            Pool::Pg(p) => (
                "postgres",
                p.size(),
                p.num_idle(),
                p.options().get_max_connections(),
            ),
        };
        let (backend, mut size, mut idle, mut max) = stats(&self.pool);
        // SQLite's readers are a pool of their own beside the writer (PostgreSQL: one pool).
        if let Pool::Sqlite(_) = &self.reads {
            let (_, s, i, m) = stats(&self.reads);
            (size, idle, max) = (size + s, idle + i, max + m);
        }
        let idle = idle as u64;
        PoolStats {
            backend,
            // `size` counts every open connection, idle ones too; read apart from `idle`, so
            // clamped at 0 when a connection came back between the two reads.
            in_use: u64::from(size).saturating_sub(idle),
            idle,
            max: u64::from(max),
        }
    }

    fn query_times(&self) -> HistogramSnapshot {
        self.query_times.snapshot()
    }

    async fn outbox_depth(&self, now: i64) -> StoreResult<Vec<OutboxDepth>> {
        // Jobs not done are few and indexed (`outbox_due`); the given-up ones are read from
        // the done jobs of the last week (`outbox_done`), so a scrape stays cheap.
        let sql = "SELECT kind, \
                   COUNT(CASE WHEN done_at IS NULL THEN 1 END) AS pending, \
                   COUNT(CASE WHEN done_at IS NULL AND run_at <= $1 THEN 1 END) AS due, \
                   COUNT(CASE WHEN done_at IS NULL AND last_error IS NOT NULL THEN 1 END) AS retrying, \
                   COUNT(CASE WHEN done_at IS NOT NULL AND last_error IS NOT NULL THEN 1 END) AS abandoned \
                   FROM outbox WHERE done_at IS NULL OR last_error IS NOT NULL \
                   GROUP BY kind ORDER BY kind";
        self.fetch_all::<DepthRow, _>(sql, &vals![now]).await
    }
}
