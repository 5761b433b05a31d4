//! What health and metrics need from storage: whether the database answers, how its pool is
//! used, how long statements take, and how deep the outbox is.

use async_trait::async_trait;

use super::histogram::HistogramSnapshot;
use crate::error::StoreResult;

/// The connection pool as it stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// `"sqlite"` or `"postgres"`.
    pub backend: &'static str,
    /// Connections lent out to a statement or transaction right now.
    pub in_use: u64,
    /// Connections open and waiting in the pool.
    pub idle: u64,
    /// The most the pool will open.
    pub max: u64,
}

/// The outbox's jobs of one kind (`mail`, `signup`, `password_reset`), across every node.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OutboxDepth {
    pub kind: String,
    /// Not done yet (queued, waiting for a retry, or running).
    pub pending: i64,
    /// Not done and due now: work a healthy worker would be doing already.
    pub due: i64,
    /// Not done, after at least one failed attempt.
    pub retrying: i64,
    /// Given up after the last attempt, among the done jobs still kept (a week).
    pub abandoned: i64,
}

#[async_trait]
pub trait OpsStore: Send + Sync {
    /// A trivial statement (`SELECT 1`): whether the database answers at all.
    async fn ping(&self) -> StoreResult<()>;
    fn pool_stats(&self) -> PoolStats;
    /// How long each statement run through the store's query helpers took, waiting for a
    /// connection included (what a request feels).
    fn query_times(&self) -> HistogramSnapshot;
    /// The outbox's depth by kind; `now` decides what is due.
    async fn outbox_depth(&self, now: i64) -> StoreResult<Vec<OutboxDepth>>;
}
