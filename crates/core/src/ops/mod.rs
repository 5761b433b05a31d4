//! Health and metrics: whether this node should get traffic ([`Guild::readiness`]), and what
//! an operator's monitoring reads ([`Guild::ops_report`]). The web layer only writes these
//! as `/healthz`, `/readyz` and `/metrics`; who may read metrics is decided in [`access`].
//!
//! [`OpsState`] holds what cannot be read from elsewhere: whether the in-memory indexes are
//! loaded, open live streams, and counters of emails and jobs. Everything is an atomic, so
//! the paths that count never wait. Where the node stands in the change stream is the
//! stream's own ([`Guild::stream_status`]).

pub mod access;
pub mod histogram;
pub mod requests;
pub mod store;

use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use self::histogram::HistogramSnapshot;
use self::requests::RequestMetrics;
use self::store::{OutboxDepth, PoolStats};
use crate::stream::StreamStatus;
use crate::Guild;

/// How long `/readyz` and `/metrics` wait for the database: a load balancer's health check
/// times out in a few seconds, and a database that takes longer than this to answer
/// `SELECT 1` is not one to send members to.
pub const DATABASE_TIMEOUT: Duration = Duration::from_secs(2);

/// What this node counts about itself (see the module's documentation).
#[derive(Debug)]
pub struct OpsState {
    started: Instant,
    started_ms: i64,
    network_loaded: AtomicBool,
    feed_loaded: AtomicBool,
    live_streams: Arc<AtomicI64>,
    live_streams_opened: AtomicU64,
    pub(crate) emails_sent: AtomicU64,
    pub(crate) emails_failed: AtomicU64,
    pub(crate) job_attempts_failed: AtomicU64,
    pub(crate) jobs_given_up: AtomicU64,
    /// Requests served, recorded by the web layer.
    pub requests: RequestMetrics,
}

impl Default for OpsState {
    fn default() -> Self {
        OpsState {
            started: Instant::now(),
            started_ms: crate::now_ms(),
            network_loaded: AtomicBool::new(false),
            feed_loaded: AtomicBool::new(false),
            live_streams: Arc::default(),
            live_streams_opened: AtomicU64::new(0),
            emails_sent: AtomicU64::new(0),
            emails_failed: AtomicU64::new(0),
            job_attempts_failed: AtomicU64::new(0),
            jobs_given_up: AtomicU64::new(0),
            requests: RequestMetrics::default(),
        }
    }
}

impl OpsState {
    pub(crate) fn network_loaded(&self) {
        self.network_loaded.store(true, Ordering::Release);
    }
    pub(crate) fn feed_loaded(&self) {
        self.feed_loaded.store(true, Ordering::Release);
    }
    pub(crate) fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts a live stream open until the guard is dropped (the client went away, or the
    /// server is stopping).
    pub(crate) fn stream_opened(&self) -> StreamGuard {
        self.live_streams_opened.fetch_add(1, Ordering::Relaxed);
        self.live_streams.fetch_add(1, Ordering::Relaxed);
        StreamGuard(Arc::clone(&self.live_streams))
    }
}

/// Held by an open [`crate::live::LiveStream`]; dropping it counts the stream closed.
#[derive(Debug)]
pub(crate) struct StreamGuard(Arc<AtomicI64>);

impl Drop for StreamGuard {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Why a node should not get traffic yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unready {
    /// `SELECT 1` failed or took longer than [`DATABASE_TIMEOUT`].
    DatabaseUnreachable,
    /// The graph or the feed index is not loaded yet.
    LoadingIndexes,
    /// The change stream's follower has not read to the stream's end since the node
    /// started, or lost the database, or is reloading after falling behind the pruning.
    CatchingUp,
}

impl std::fmt::Display for Unready {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Unready::DatabaseUnreachable => "database unreachable",
            Unready::LoadingIndexes => "loading indexes",
            Unready::CatchingUp => "catching up with the change stream",
        })
    }
}

/// The answer of [`Guild::readiness`]: ready when nothing is in the way.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Readiness {
    pub unready: Vec<Unready>,
}

impl Readiness {
    pub fn is_ready(&self) -> bool {
        self.unready.is_empty()
    }
}

/// Everything `/metrics` shows, read at one moment. Counters count since this process
/// started; gauges read from the database (`outbox`) are the whole installation's.
#[derive(Debug, Clone, PartialEq)]
pub struct OpsReport {
    pub version: &'static str,
    pub started_ms: i64,
    pub uptime: Duration,
    /// The process's resident memory, where the system says (Linux's `/proc`).
    pub resident_bytes: Option<u64>,
    pub pool: PoolStats,
    pub query_times: HistogramSnapshot,
    /// Member slots of the in-memory graph (the highest member id + 1).
    pub graph_nodes: u64,
    /// Connections in the in-memory graph (each pair once).
    pub graph_connections: u64,
    /// Posts in the in-memory feed index.
    pub feed_posts: u64,
    /// Where the node is in the change stream, which feeds every index above (one follower
    /// for all, so one lag). Its lag is in time only: on PostgreSQL a position is (oldest
    /// running transaction, id), so no difference of positions counts the changes between.
    pub stream: StreamStatus,
    pub live_streams_open: i64,
    pub live_streams_opened: u64,
    /// `None` when the database did not answer within [`DATABASE_TIMEOUT`].
    pub outbox: Option<Vec<OutboxDepth>>,
    pub job_attempts_failed: u64,
    pub jobs_given_up: u64,
    pub emails_sent: u64,
    pub emails_failed: u64,
    pub requests: Vec<requests::RequestSeries>,
}

impl Guild {
    /// Whether this node should get traffic: the indexes are loaded, the change stream's
    /// follower has read to the end, and the database answers within [`DATABASE_TIMEOUT`].
    /// The database is asked even when another reason already holds, so the answer lists
    /// every reason.
    pub async fn readiness(&self) -> Readiness {
        let mut unready = Vec::new();
        let ops = &self.ops;
        if !(ops.network_loaded.load(Ordering::Acquire) && ops.feed_loaded.load(Ordering::Acquire))
        {
            unready.push(Unready::LoadingIndexes);
        }
        if !self.stream_status().caught_up {
            unready.push(Unready::CatchingUp);
        }
        match tokio::time::timeout(DATABASE_TIMEOUT, self.store.ping()).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::warn!("readiness: the database does not answer: {e}");
                unready.push(Unready::DatabaseUnreachable);
            }
            Err(_) => {
                tracing::warn!("readiness: the database took over {DATABASE_TIMEOUT:?} to answer");
                unready.push(Unready::DatabaseUnreachable);
            }
        }
        Readiness { unready }
    }

    /// Where the web layer records the requests it answers.
    pub fn request_metrics(&self) -> &RequestMetrics {
        &self.ops.requests
    }

    /// What `/metrics` shows. Only the outbox's depth asks the database (within
    /// [`DATABASE_TIMEOUT`]); the rest is read from memory, so metrics still answer, and
    /// show what is wrong, while the database is away.
    pub async fn ops_report(&self) -> OpsReport {
        let outbox =
            match tokio::time::timeout(DATABASE_TIMEOUT, self.store.outbox_depth(crate::now_ms()))
                .await
            {
                Ok(Ok(depth)) => Some(every_kind(depth)),
                Ok(Err(e)) => {
                    tracing::warn!("metrics: reading the outbox's depth: {e}");
                    None
                }
                Err(_) => {
                    tracing::warn!("metrics: the outbox's depth took over {DATABASE_TIMEOUT:?}");
                    None
                }
            };
        let graph = self.network.snapshot();
        let ops = &self.ops;
        let n = |c: &AtomicU64| c.load(Ordering::Relaxed);
        OpsReport {
            version: env!("CARGO_PKG_VERSION"),
            started_ms: ops.started_ms,
            uptime: ops.started.elapsed(),
            resident_bytes: resident_bytes(),
            pool: self.store.pool_stats(),
            query_times: self.store.query_times(),
            graph_nodes: u64::from(graph.node_count()),
            graph_connections: graph.edge_count(),
            feed_posts: self.feed.index.len() as u64,
            stream: self.stream_status(),
            live_streams_open: ops.live_streams.load(Ordering::Relaxed),
            live_streams_opened: n(&ops.live_streams_opened),
            outbox,
            job_attempts_failed: n(&ops.job_attempts_failed),
            jobs_given_up: n(&ops.jobs_given_up),
            emails_sent: n(&ops.emails_sent),
            emails_failed: n(&ops.emails_failed),
            requests: ops.requests.snapshot(),
        }
    }
}

/// `VmRSS` of `/proc/self/status`, in bytes; `None` where there is no such file.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))?
        .trim()
        .strip_suffix("kB")?
        .trim()
        .parse::<u64>()
        .ok()?;
    Some(kb * 1024)
}

/// The store's rows, plus a row of zeros for each kind of job none is kept of, so a
/// dashboard shows 0 rather than no data.
fn every_kind(mut depth: Vec<OutboxDepth>) -> Vec<OutboxDepth> {
    for kind in crate::outbox::Job::KINDS {
        if !depth.iter().any(|d| d.kind == kind) {
            depth.push(OutboxDepth {
                kind: kind.into(),
                ..OutboxDepth::default()
            });
        }
    }
    depth.sort_by(|a, b| a.kind.cmp(&b.kind));
    depth
}
