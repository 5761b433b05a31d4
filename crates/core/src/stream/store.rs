//! What the change stream needs from storage: the ordered table of committed changes (written
//! by the database's triggers, in the writing transaction), each node's position in it, the
//! pruning horizon, and leases for work one node at a time must do.

use std::time::Duration;

use async_trait::async_trait;

use super::model::{Change, Position};
use crate::error::StoreResult;

#[async_trait]
pub trait StreamStore: Send + Sync {
    /// This node's name: made when the store was opened, unique to this process. Its
    /// connections write it as the `origin` of their changes where the backend can
    /// ([`StreamStore::origin_recorded`]).
    fn node_id(&self) -> &str;
    /// Whether changes name the node that wrote them. SQLite cannot (a trigger sees no
    /// session), and needs not: one node serves it, so every change is that node's own.
    fn origin_recorded(&self) -> bool;
    /// The position after every change committed so far: a node that loads its indexes now
    /// reads the stream from here.
    async fn stream_head(&self) -> StoreResult<Position>;
    /// Up to `limit` committed changes after `after`, in stream order. On PostgreSQL only
    /// transactions older than every running one are read, so no change can later appear
    /// behind a position already passed.
    async fn changes_after(&self, after: Position, limit: u32) -> StoreResult<Vec<Change>>;
    /// Everything at or before this position was pruned.
    async fn stream_horizon(&self) -> StoreResult<Position>;
    /// Records how far `node` has read (and that it is alive at `now`).
    async fn record_position(
        &self,
        node: &str,
        at: Position,
        started_at: i64,
        now: i64,
    ) -> StoreResult<()>;
    /// Forgets nodes not seen since `dead_before`, then deletes the changes every node seen
    /// since then has read, moving the horizon; how many changes went.
    async fn prune_changes(&self, dead_before: i64) -> StoreResult<u64>;
    /// Takes (or renews) the lease `name` for `holder` until `until`, if nobody else holds it
    /// at `now`: whether `holder` has it.
    async fn take_lease(&self, name: &str, holder: &str, now: i64, until: i64)
        -> StoreResult<bool>;
    /// Waits until another node may have committed changes (PostgreSQL's NOTIFY), or at most
    /// `timeout`. Returns early on any wake-up; a missed one costs at most `timeout`.
    async fn wait_for_changes(&self, timeout: Duration);
}
