//! `StreamStore` for [`SqlStore`]: the change stream (`changes`, written by the triggers of
//! `0011_change_stream.sql`), the nodes' positions, the pruning horizon and leases.
//!
//! PostgreSQL hands out ids before commit, so a reader that went by id alone could pass a
//! transaction that commits late. There a position is (writing transaction, id), and only
//! transactions older than every one still running *in this database* are read
//! ([`SqlStore::settled_below`]): once read past, nothing new can appear behind. (The
//! snapshot's own `xmin` would do, but it counts every database of the cluster, so another
//! database's long transaction would hold the stream back.) SQLite commits one writer at a
//! time, so ids are enough.

use std::time::Duration;

use async_trait::async_trait;
use guild_core::store::StoreResult;
use guild_core::stream::model::{Change, ChangeKind, ChangeOp, Position};
use guild_core::stream::store::StreamStore;

use crate::sql::vals;
use crate::{db_err, Pool, SqlStore};

/// The channel the triggers notify on commit.
pub(crate) const CHANNEL: &str = "guild_changes";

#[derive(sqlx::FromRow)]
struct ChangeRow {
    id: i64,
    tx: i64,
    kind: String,
    op: String,
    a: Option<i64>,
    b: Option<i64>,
    c: Option<i64>,
    origin: Option<String>,
    at: i64,
}

impl From<ChangeRow> for Change {
    fn from(r: ChangeRow) -> Change {
        Change {
            at: Position { tx: r.tx, id: r.id },
            kind: ChangeKind::parse(&r.kind),
            op: ChangeOp::parse(&r.op),
            a: r.a,
            b: r.b,
            c: r.c,
            origin: r.origin,
            written_at: r.at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct PositionRow {
    tx: i64,
    change_id: i64,
}

impl From<PositionRow> for Position {
    fn from(r: PositionRow) -> Position {
        Position {
            tx: r.tx,
            id: r.change_id,
        }
    }
}

impl SqlStore {
    /// PostgreSQL: a transaction id below which every transaction of this database has
    /// ended, so every change written below it is committed (and visible to the next
    /// statement) or never will be. Read in two statements, in this order: the next id to be
    /// handed out, then the oldest transaction still running here. A transaction that got its
    /// id after the first has an id above the answer; one running at the second is at or
    /// above it; any other had ended before the second statement, so the statements after it
    /// see what it committed. Needs the nodes to connect as one role (or one with
    /// `pg_read_all_stats`), which may read each other's `backend_xid`.
    async fn settled_below(&self) -> StoreResult<i64> {
        let next: i64 = self
            .scalar(
                "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint",
                &[],
            )
            .await?;
        let running: Vec<i64> = self
            .scalars(
                "SELECT backend_xid::text::bigint FROM pg_stat_activity \
                 WHERE datname = current_database() AND backend_xid IS NOT NULL",
                &[],
            )
            .await?;
        Ok(running
            .into_iter()
            .map(|x| full_xid(next, x))
            .fold(next, i64::min))
    }
}

/// The 64-bit id of a running transaction from its 32-bit one (what `pg_stat_activity`
/// shows), given `next` (64-bit, from the same moment): the id with those low 32 bits
/// nearest to `next`. A running transaction is within 2³¹ of it either way (it may be newer
/// than the last one that completed, so above `next`; PostgreSQL keeps every live id within
/// half the circle).
fn full_xid(next: i64, xid32: i64) -> i64 {
    const EPOCH: i64 = 1 << 32;
    let ahead = (xid32 - next).rem_euclid(EPOCH);
    if ahead < EPOCH / 2 {
        next + ahead
    } else {
        next + ahead - EPOCH
    }
}

#[async_trait]
impl StreamStore for SqlStore {
    fn node_id(&self) -> &str {
        &self.node
    }

    fn origin_recorded(&self) -> bool {
        matches!(self.pool, Pool::Pg(_))
    }

    async fn stream_head(&self) -> StoreResult<Position> {
        match &self.pool {
            // Everything from the oldest running transaction on is still to come (what
            // already committed there is read again: applying a change twice is harmless).
            Pool::Pg(_) => Ok(Position {
                tx: self.settled_below().await? - 1,
                id: i64::MAX,
            }),
            // The last id handed out (AUTOINCREMENT never hands one out again), which a
            // prune that emptied the table does not take back.
            Pool::Sqlite(_) => {
                let id: i64 = self
                    .scalar(
                        "SELECT COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'changes'), 0)",
                        &[],
                    )
                    .await?;
                Ok(Position { tx: 0, id })
            }
        }
    }

    async fn changes_after(&self, after: Position, limit: u32) -> StoreResult<Vec<Change>> {
        match &self.pool {
            Pool::Pg(_) => {
                let below = self.settled_below().await?;
                let sql = "SELECT id, tx::text::bigint AS tx, kind, op, a, b, c, origin, at \
                           FROM changes \
                           WHERE (tx, id) > ($1::text::xid8, $2) AND tx < $3::text::xid8 \
                           ORDER BY tx, id LIMIT $4";
                self.fetch_all::<ChangeRow, Change>(
                    sql,
                    &vals![after.tx.to_string(), after.id, below.to_string(), limit],
                )
                .await
            }
            Pool::Sqlite(_) => {
                let sql = "SELECT id, tx, kind, op, a, b, c, origin, at FROM changes \
                           WHERE id > $1 ORDER BY id LIMIT $2";
                self.fetch_all::<ChangeRow, Change>(sql, &vals![after.id, limit])
                    .await
            }
        }
    }

    async fn stream_horizon(&self) -> StoreResult<Position> {
        self.fetch_one::<PositionRow, Position>("SELECT tx, change_id FROM stream_horizon", &[])
            .await
    }

    async fn record_position(
        &self,
        node: &str,
        at: Position,
        started_at: i64,
        now: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO stream_nodes (node, tx, change_id, started_at, seen_at) \
                   VALUES ($1, $2, $3, $4, $5) \
                   ON CONFLICT (node) DO UPDATE SET tx = excluded.tx, \
                   change_id = excluded.change_id, seen_at = excluded.seen_at";
        self.run(sql, &vals![node, at.tx, at.id, started_at, now])
            .await
            .map(|_| ())
    }

    async fn prune_changes(&self, dead_before: i64) -> StoreResult<u64> {
        self.run(
            "DELETE FROM stream_nodes WHERE seen_at < $1",
            &vals![dead_before],
        )
        .await?;
        let oldest = self
            .fetch_optional::<PositionRow, Position>(
                "SELECT tx, change_id FROM stream_nodes ORDER BY tx, change_id LIMIT 1",
                &[],
            )
            .await?;
        let Some(oldest) = oldest else {
            return Ok(0);
        };
        // The horizon moves first: a node that reads it after the delete must not think it
        // is still ahead of what was deleted.
        self.run(
            "UPDATE stream_horizon SET tx = $1, change_id = $2 \
             WHERE tx < $1 OR (tx = $1 AND change_id < $2)",
            &vals![oldest.tx, oldest.id],
        )
        .await?;
        let deleted = match &self.pool {
            Pool::Pg(_) => {
                self.run(
                    "DELETE FROM changes WHERE (tx, id) <= ($1::text::xid8, $2)",
                    &vals![oldest.tx.to_string(), oldest.id],
                )
                .await?
            }
            Pool::Sqlite(_) => {
                self.run("DELETE FROM changes WHERE id <= $1", &vals![oldest.id])
                    .await?
            }
        };
        Ok(deleted)
    }

    async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: i64,
        until: i64,
    ) -> StoreResult<bool> {
        // One statement: the row is locked while the condition is checked, so of two nodes
        // asking at once exactly one gets it.
        let sql = "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) \
                   ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, \
                   expires_at = excluded.expires_at \
                   WHERE leases.holder = excluded.holder OR leases.expires_at <= $4";
        Ok(self.run(sql, &vals![name, holder, until, now]).await? == 1)
    }

    async fn wait_for_changes(&self, timeout: Duration) {
        let Pool::Pg(pool) = &self.pool else {
            // One node: nobody else writes, so there is nothing to wake up for early.
            tokio::time::sleep(timeout).await;
            return;
        };
        let mut guard = self.listener.lock().await;
        if guard.is_none() {
            match sqlx::postgres::PgListener::connect_with(pool).await {
                Ok(mut l) => match l.listen(CHANNEL).await {
                    Ok(()) => *guard = Some(l),
                    Err(e) => tracing::warn!("listening for changes: {}", db_err(e)),
                },
                Err(e) => tracing::warn!("listening for changes: {}", db_err(e)),
            }
        }
        let Some(listener) = guard.as_mut() else {
            drop(guard);
            tokio::time::sleep(timeout).await;
            return;
        };
        match tokio::time::timeout(timeout, listener.recv()).await {
            Ok(Ok(_)) => {
                // One catch-up reads everything committed so far: the wake-ups already
                // waiting are for changes it will read too.
                while listener.next_buffered().is_some() {}
            }
            Err(_) => {}
            Ok(Err(e)) => {
                // The listener reconnects by itself on its next use; a pause keeps a
                // database that is down from being asked in a tight loop.
                tracing::debug!("waiting for changes: {}", db_err(e));
                *guard = None;
                drop(guard);
                tokio::time::sleep(timeout).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::full_xid;

    #[test]
    fn a_32_bit_transaction_id_is_placed_in_its_epoch() {
        let epoch = 1_i64 << 32;
        assert_eq!(full_xid(1_000, 990), 990);
        assert_eq!(full_xid(3 * epoch + 10, 5), 3 * epoch + 5);
        // Newer than the last transaction that completed: above `next`.
        assert_eq!(full_xid(1_000, 1_003), 1_003);
        assert_eq!(full_xid(3 * epoch + 10, 12), 3 * epoch + 12);
        // Started before the counter wrapped into the current epoch…
        assert_eq!(full_xid(3 * epoch + 10, epoch - 6), 3 * epoch - 6);
        // …or after it wrapped, when `next` was read just before.
        assert_eq!(full_xid(4 * epoch - 2, 1), 4 * epoch + 1);
    }
}
