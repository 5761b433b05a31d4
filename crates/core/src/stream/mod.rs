//! The change stream: how every node's in-memory indexes and live streams learn what the
//! other nodes committed.
//!
//! The database's triggers append each change an index or a live stream cares about to
//! `changes`, in the transaction that makes it (see `0011_change_stream.sql`), so no write
//! path can forget to announce one. A node's own services change its memory right after their
//! commit, as before; [`Guild::catch_up`] reads the stream from the node's position and
//! applies what *other* nodes wrote (`apply.rs`). PostgreSQL's NOTIFY wakes the readers at
//! once; without it they look every half second. On SQLite one node serves, every change is
//! its own, and the same reader only moves its position: one code path.
//!
//! A node records its position in `stream_nodes` as it reads; the five-minute round deletes
//! what every node seen in the last ten minutes has read ([`Guild::prune_changes`]). A node
//! that was away longer finds its position behind the pruning horizon and reloads its indexes
//! from the store instead.

pub mod model;
pub mod store;

mod apply;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use model::Position;

use crate::error::CoreResult;
use crate::{now_ms, Guild};

/// Changes read per query.
const BATCH: u32 = 1_000;
/// How long a reader waits for a wake-up before it looks anyway.
const POLL: Duration = Duration::from_millis(500);
/// A node that has not recorded its position for this long is taken for dead: its position
/// no longer holds back pruning.
pub const DEAD_AFTER_MS: i64 = 10 * 60 * 1_000;
/// How often a node that reads nothing still says it is alive.
const HEARTBEAT_MS: i64 = 5_000;

/// Where this node is in the stream, and what the operator's metrics read.
pub struct StreamState {
    position: Mutex<Position>,
    started_at: i64,
    /// One reader at a time: the loop, and tests or requests that catch up on demand.
    reading: tokio::sync::Mutex<()>,
    /// False until the first catch-up after start has read to the end of the stream, and
    /// while a reload or a long catch-up runs: the node is not ready.
    caught_up: AtomicBool,
    recorded_at: AtomicI64,
    /// Changes read (own and others') and applied (others') since start.
    read: AtomicU64,
    applied: AtomicU64,
    reloads: AtomicU64,
    /// The age, when read, of the newest change last read (ms): how far behind the node is.
    lag_ms: AtomicI64,
}

impl StreamState {
    pub fn new(start: Position) -> StreamState {
        StreamState {
            position: Mutex::new(start),
            started_at: now_ms(),
            reading: tokio::sync::Mutex::new(()),
            caught_up: AtomicBool::new(false),
            recorded_at: AtomicI64::new(0),
            read: AtomicU64::new(0),
            applied: AtomicU64::new(0),
            reloads: AtomicU64::new(0),
            lag_ms: AtomicI64::new(0),
        }
    }

    pub fn position(&self) -> Position {
        *self.position.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn set_position(&self, p: Position) {
        *self.position.lock().unwrap_or_else(|e| e.into_inner()) = p;
    }
}

/// What `/metrics` and `/readyz` say about the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StreamStatus {
    pub position: Position,
    pub caught_up: bool,
    pub read: u64,
    pub applied: u64,
    pub reloads: u64,
    pub lag_ms: i64,
}

impl Guild {
    /// This node's place in the change stream.
    pub fn stream_status(&self) -> StreamStatus {
        let s = &self.stream;
        StreamStatus {
            position: s.position(),
            caught_up: s.caught_up.load(Ordering::Acquire),
            read: s.read.load(Ordering::Relaxed),
            applied: s.applied.load(Ordering::Relaxed),
            reloads: s.reloads.load(Ordering::Relaxed),
            lag_ms: s.lag_ms.load(Ordering::Relaxed),
        }
    }

    /// Reads the stream until the end and applies what other nodes changed; how many changes
    /// were read. A node whose position was pruned away reloads its indexes instead.
    pub async fn catch_up(&self) -> CoreResult<usize> {
        let _one = self.stream.reading.lock().await;
        let mut pos = self.stream.position();
        let mut total = 0;
        let mut reloaded = false;
        loop {
            let batch = self.store.changes_after(pos, BATCH).await?;
            // Read after the batch: pruning moves the horizon before it deletes, so a batch
            // that lost changes to a prune running meanwhile is caught here.
            if pos < self.store.stream_horizon().await? {
                if reloaded {
                    return Err(crate::CoreError::Internal(
                        "the change stream's head is behind its pruning horizon".into(),
                    ));
                }
                reloaded = true;
                tracing::warn!(
                    "this node fell behind the change stream's pruning horizon: reloading its indexes"
                );
                self.stream.caught_up.store(false, Ordering::Release);
                pos = self.reload_indexes().await?;
                continue;
            }
            let Some(last) = batch.last() else { break };
            let newest_age = now_ms() - last.written_at;
            let applied = self.apply_changes(&batch).await?;
            pos = last.at;
            self.stream.set_position(pos);
            self.stream
                .lag_ms
                .store(newest_age.max(0), Ordering::Relaxed);
            self.stream
                .read
                .fetch_add(batch.len() as u64, Ordering::Relaxed);
            self.stream.applied.fetch_add(applied, Ordering::Relaxed);
            total += batch.len();
            if batch.len() < BATCH as usize {
                break;
            }
        }
        if total == 0 {
            self.stream.lag_ms.store(0, Ordering::Relaxed);
        }
        self.stream.caught_up.store(true, Ordering::Release);
        let now = now_ms();
        if total > 0 || now - self.stream.recorded_at.load(Ordering::Relaxed) >= HEARTBEAT_MS {
            self.store
                .record_position(self.store.node_id(), pos, self.stream.started_at, now)
                .await?;
            self.stream.recorded_at.store(now, Ordering::Relaxed);
        }
        Ok(total)
    }

    /// Follows the stream until the process ends: catches up whenever another node may have
    /// committed (or every half second). A failure (the database away) is logged, marks the
    /// node not ready, and is retried.
    pub async fn follow_changes(&self) {
        loop {
            if let Err(e) = self.catch_up().await {
                self.stream.caught_up.store(false, Ordering::Release);
                tracing::warn!("reading the change stream: {e}");
            }
            self.store.wait_for_changes(POLL).await;
        }
    }

    /// Deletes what every live node has read (the five-minute round); how many changes went.
    pub async fn prune_changes(&self) -> CoreResult<u64> {
        Ok(self.store.prune_changes(now_ms() - DEAD_AFTER_MS).await?)
    }

    /// Takes the lease `name` for this node for `ms` (or renews it): whether this node holds
    /// it. Work that must run on one node at a time runs only where this says true.
    pub async fn take_lease(&self, name: &str, ms: i64) -> CoreResult<bool> {
        let now = now_ms();
        Ok(self
            .store
            .take_lease(name, self.store.node_id(), now, now + ms)
            .await?)
    }

    /// Records `head` as this node's position before its indexes load from the store, so
    /// that no prune deletes what commits while they load (what the load will not hold).
    pub(crate) async fn hold_stream_from(&self, head: Position) -> CoreResult<()> {
        let now = now_ms();
        self.store
            .record_position(self.store.node_id(), head, self.stream.started_at, now)
            .await?;
        self.stream.recorded_at.store(now, Ordering::Relaxed);
        Ok(())
    }

    /// Loads the network, the affinities and the feed index again from the store and swaps
    /// them in; the
    /// position they are current from.
    async fn reload_indexes(&self) -> CoreResult<Position> {
        let head = self.store.stream_head().await?;
        self.hold_stream_from(head).await?;
        let network = self.read_network().await?;
        let feed = self.read_feed_index().await?;
        self.reload_affinities().await?;
        self.network.replace_with(network);
        self.feed.index.replace_with(feed.index);
        self.feed_sources.forget_all();
        self.stream.set_position(head);
        self.stream.reloads.fetch_add(1, Ordering::Relaxed);
        Ok(head)
    }
}
