//! What the outbox needs from storage: a durable queue of jobs that nodes claim for a while,
//! finish, or put back for later.

use async_trait::async_trait;

use crate::error::StoreResult;

/// A job as claimed: its payload is the serialised [`super::Job`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedJob {
    pub id: i64,
    pub kind: String,
    pub payload: String,
    /// Including the one just claimed.
    pub attempts: i32,
}

#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Queues a job to run at `run_at`; its id.
    async fn enqueue_job(
        &self,
        kind: &str,
        payload: &str,
        now: i64,
        run_at: i64,
    ) -> StoreResult<i64>;
    /// Claims up to `limit` jobs due at `now` that no one holds (oldest first) until
    /// `claimed_until`, counting an attempt for each. A job claimed by one caller is not
    /// given to another before its claim ends.
    async fn claim_jobs(
        &self,
        now: i64,
        claimed_until: i64,
        limit: u32,
    ) -> StoreResult<Vec<QueuedJob>>;
    /// Marks a job done and forgets its payload (emails hold links that open accounts).
    /// `error` is kept when the job was given up.
    async fn finish_job(&self, id: i64, now: i64, error: Option<&str>) -> StoreResult<()>;
    /// Puts a job back to run again at `run_at`, noting why it failed.
    async fn retry_job(&self, id: i64, run_at: i64, error: &str) -> StoreResult<()>;
    /// Jobs not yet done (queued, or claimed and running).
    async fn pending_jobs(&self) -> StoreResult<i64>;
    /// Deletes jobs done before `before`; how many.
    async fn purge_jobs(&self, before: i64) -> StoreResult<u64>;
}
