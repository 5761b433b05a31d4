//! `OutboxStore` for [`SqlStore`]: the durable queue of jobs (`outbox`).

use async_trait::async_trait;
use guild_core::outbox::store::{OutboxStore, QueuedJob};
use guild_core::store::StoreResult;

use crate::sql::vals;
use crate::SqlStore;

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    payload: String,
    attempts: i32,
}

impl From<JobRow> for QueuedJob {
    fn from(r: JobRow) -> QueuedJob {
        QueuedJob {
            id: r.id,
            kind: r.kind,
            payload: r.payload,
            attempts: r.attempts,
        }
    }
}

/// Due and not held by anyone: a claim that has ended counts as none.
const CLAIMABLE: &str =
    "done_at IS NULL AND run_at <= $2 AND (claimed_until IS NULL OR claimed_until <= $2)";

#[async_trait]
impl OutboxStore for SqlStore {
    async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        now: i64,
        run_at: i64,
    ) -> StoreResult<i64> {
        let sql = "INSERT INTO outbox (kind, payload, created_at, run_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        self.scalar(sql, &vals![kind, payload, now, run_at]).await
    }

    async fn claim_jobs(
        &self,
        now: i64,
        claimed_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedJob>> {
        // The condition is checked again on each row as it is updated, so when two nodes
        // pick the same rows, PostgreSQL gives each row to one of them (the other finds it
        // claimed); SQLite runs one writer at a time.
        let sql = format!(
            "UPDATE outbox SET claimed_until = $1, attempts = attempts + 1 \
             WHERE id IN (SELECT id FROM outbox WHERE {CLAIMABLE} ORDER BY run_at, id LIMIT $3) \
             AND {CLAIMABLE} RETURNING id, kind, payload, attempts"
        );
        let mut jobs: Vec<QueuedJob> = self
            .fetch_all::<JobRow, _>(&sql, &vals![claimed_until, now, limit])
            .await?;
        jobs.sort_by_key(|j| j.id);
        Ok(jobs)
    }

    async fn finish_job(&self, id: i64, now: i64, error: Option<&str>) -> StoreResult<()> {
        let sql = "UPDATE outbox SET done_at = $1, payload = '', claimed_until = NULL, \
                   last_error = $2 WHERE id = $3";
        self.run(sql, &vals![now, error, id]).await.map(|_| ())
    }

    async fn retry_job(&self, id: i64, run_at: i64, error: &str) -> StoreResult<()> {
        let sql = "UPDATE outbox SET run_at = $1, claimed_until = NULL, last_error = $2 \
                   WHERE id = $3 AND done_at IS NULL";
        self.run(sql, &vals![run_at, error, id]).await.map(|_| ())
    }

    async fn pending_jobs(&self) -> StoreResult<i64> {
        self.scalar("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL", &[])
            .await
    }

    async fn purge_jobs(&self, before: i64) -> StoreResult<u64> {
        let sql = "DELETE FROM outbox WHERE done_at IS NOT NULL AND done_at < $1";
        self.run(sql, &vals![before]).await
    }
}
