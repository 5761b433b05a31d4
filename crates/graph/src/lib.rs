//! The in-memory social graph: who is connected to whom, and the questions asked of it on every
//! page — degree of connection, mutual connections, network size by degree, "how you're
//! connected", and People You May Know candidates.
//!
//! Synchronous and free of I/O: the store is the source of truth; whoever owns a [`Graph`]
//! loads it at start and applies each committed write with [`Graph::connect`] /
//! [`Graph::disconnect`].
//!
//! # Layout and invariants
//! - Members are dense `u32` node ids (the store's member ids). Node `n` exists when
//!   `n < node_count()`; a node with no connections simply has an empty list.
//! - A [`Snapshot`] is an immutable view: a compressed-sparse-row `base` (all neighbour lists
//!   in one `Vec<u32>`, each list sorted, no duplicates, no self-loops) plus `delta`, the full
//!   replacement list of each member whose connections changed since `base` was built.
//! - The relation is symmetric in every snapshot: `b ∈ N(a) ⇔ a ∈ N(b)`. A write replaces
//!   both lists in one new snapshot, so no reader ever sees half an edge.
//! - Readers take the current snapshot (`Arc` clone under a read lock held for nanoseconds) and
//!   then work lock-free; a writer builds the next snapshot and swaps the pointer. Writers are
//!   serialised by their own mutex so readers never wait for one.
//! - When `delta` grows past a threshold, [`Graph::compact`] folds it into a new `base`. It
//!   builds outside every lock and then keeps only the delta entries written meanwhile
//!   (recognised by pointer identity), so writes are never lost to a compaction.
//!
//! Memory: 4 bytes per directed edge in `base`, plus 8 bytes per node of offsets.
//!
//! Beside the engine: [`gen`] generates realistic networks (deterministic by seed),
//! [`export`] writes one out as CSV, and [`mod@bench`] times every query on one (`guild bench
//! graph`; `cargo run --release -p guild-graph --example bench`).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, RwLock};

pub mod bench;
pub mod export;
pub mod gen;
pub mod linkpred;
mod query;
pub mod rng;
mod scratch;
mod suggest;

pub use query::{Degree, NetworkCounts};
pub use suggest::{SuggestOptions, Suggestion};

pub type Node = u32;

/// Compressed sparse rows: the neighbours of `n` are `targets[offsets[n]..offsets[n + 1]]`.
#[derive(Debug, Default)]
pub(crate) struct Csr {
    pub(crate) offsets: Vec<u64>,
    pub(crate) targets: Vec<Node>,
}

impl Csr {
    /// Builds from an undirected edge list; duplicates and self-loops are dropped.
    ///
    /// Peak memory is the final arrays plus one `u64` per node: lists are filled in place,
    /// then sorted and de-duplicated in place. An edge list sorted by `(a, b)` (as the
    /// generator makes) fills every list already sorted, and the sort is skipped.
    fn from_edges(nodes: u32, edges: &[(Node, Node)]) -> Csr {
        let n = nodes as usize;
        let valid = |a: Node, b: Node| a != b && (a as usize) < n && (b as usize) < n;
        let mut offsets = vec![0u64; n + 1];
        for &(a, b) in edges {
            if valid(a, b) {
                offsets[a as usize + 1] += 1;
                offsets[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let mut fill: Vec<u64> = offsets[..n].to_vec();
        let mut targets = vec![0; offsets[n] as usize];
        for &(a, b) in edges {
            if valid(a, b) {
                targets[fill[a as usize] as usize] = b;
                fill[a as usize] += 1;
                targets[fill[b as usize] as usize] = a;
                fill[b as usize] += 1;
            }
        }
        drop(fill);
        let mut csr = Csr { offsets, targets };
        csr.sort_and_dedup();
        csr
    }

    /// Sorts every list and drops repeats, compacting `targets` in place.
    pub(crate) fn sort_and_dedup(&mut self) {
        let n = self.offsets.len().saturating_sub(1);
        let (mut write, mut start) = (0usize, 0usize);
        for i in 0..n {
            let end = self.offsets[i + 1] as usize;
            let list = &mut self.targets[start..end];
            let strictly_sorted = list.windows(2).all(|w| w[0] < w[1]);
            if !strictly_sorted {
                list.sort_unstable();
            }
            self.offsets[i] = write as u64;
            if strictly_sorted && write == start {
                write = end;
            } else {
                for r in start..end {
                    let t = self.targets[r];
                    if r == start || self.targets[write - 1] != t {
                        self.targets[write] = t;
                        write += 1;
                    }
                }
            }
            start = end;
        }
        if let Some(last) = self.offsets.last_mut() {
            *last = write as u64;
        }
        self.targets.truncate(write);
        self.targets.shrink_to_fit();
    }

    pub(crate) fn list(&self, n: Node) -> &[Node] {
        let i = n as usize;
        match (self.offsets.get(i), self.offsets.get(i + 1)) {
            (Some(&s), Some(&e)) => &self.targets[s as usize..e as usize],
            _ => &[],
        }
    }
}

/// An immutable, consistent view of the graph. Every query method lives here.
#[derive(Debug, Default)]
pub struct Snapshot {
    base: Arc<Csr>,
    delta: HashMap<Node, Arc<[Node]>>,
    nodes: u32,
    edges: u64,
}

impl Snapshot {
    /// The sorted connections of `n` (empty for an unknown node).
    pub fn neighbours(&self, n: Node) -> &[Node] {
        if self.delta.is_empty() {
            return self.base.list(n);
        }
        match self.delta.get(&n) {
            Some(l) => l,
            None => self.base.list(n),
        }
    }

    pub fn node_count(&self) -> u32 {
        self.nodes
    }

    /// Undirected connections.
    pub fn edge_count(&self) -> u64 {
        self.edges
    }

    pub fn connection_count(&self, n: Node) -> usize {
        self.neighbours(n).len()
    }

    pub fn are_connected(&self, a: Node, b: Node) -> bool {
        let (x, y) = if self.neighbours(a).len() <= self.neighbours(b).len() {
            (a, b)
        } else {
            (b, a)
        };
        self.neighbours(x).binary_search(&y).is_ok()
    }

    /// Bytes held by the base arrays plus the delta lists.
    pub fn memory_bytes(&self) -> usize {
        self.base.offsets.len() * 8
            + self.base.targets.len() * 4
            + self.delta.values().map(|l| l.len() * 4 + 48).sum::<usize>()
    }

    fn with_list(&self, n: Node, f: impl FnOnce(&mut Vec<Node>) -> bool) -> Option<Arc<[Node]>> {
        let mut l = self.neighbours(n).to_vec();
        f(&mut l).then(|| Arc::from(l))
    }
}

/// Delta size (members with replaced lists) past which a compaction is worthwhile.
pub const COMPACT_AFTER: usize = 50_000;

/// A cheap-to-clone handle on the shared graph.
#[derive(Clone, Default)]
pub struct Graph {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    /// The current snapshot. Held only to clone or replace the `Arc`.
    current: RwLock<Arc<Snapshot>>,
    /// Serialises writers (and the swap at the end of a compaction).
    write: Mutex<()>,
}

impl Graph {
    pub fn new() -> Graph {
        Graph::default()
    }

    /// Builds from an undirected edge list over nodes `0..nodes`.
    pub fn from_edges(nodes: u32, edges: &[(Node, Node)]) -> Graph {
        let base = Csr::from_edges(nodes, edges);
        let edges = base.targets.len() as u64 / 2;
        let snap = Snapshot {
            base: Arc::new(base),
            delta: HashMap::new(),
            nodes,
            edges,
        };
        Graph {
            shared: Arc::new(Shared {
                current: RwLock::new(Arc::new(snap)),
                write: Mutex::new(()),
            }),
        }
    }

    /// The current view; consistent for as long as it is held.
    pub fn snapshot(&self) -> Arc<Snapshot> {
        match self.shared.current.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    fn swap(&self, next: Snapshot) {
        let mut g = match self.shared.current.write() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        *g = Arc::new(next);
    }

    fn writer(&self) -> std::sync::MutexGuard<'_, ()> {
        match self.shared.write.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// Makes sure nodes `0..nodes` exist.
    pub fn ensure_nodes(&self, nodes: u32) {
        let _w = self.writer();
        let cur = self.snapshot();
        if nodes > cur.nodes {
            self.swap(Snapshot {
                base: cur.base.clone(),
                delta: cur.delta.clone(),
                nodes,
                edges: cur.edges,
            });
        }
    }

    /// Adds the connection `a — b`; false if it existed (or `a == b`).
    pub fn connect(&self, a: Node, b: Node) -> bool {
        self.change(a, b, true)
    }

    /// Removes the connection `a — b`; false if it did not exist.
    pub fn disconnect(&self, a: Node, b: Node) -> bool {
        self.change(a, b, false)
    }

    fn change(&self, a: Node, b: Node, add: bool) -> bool {
        if a == b {
            return false;
        }
        let _w = self.writer();
        let cur = self.snapshot();
        let edit = |other: Node| {
            move |l: &mut Vec<Node>| match (l.binary_search(&other), add) {
                (Err(i), true) => {
                    l.insert(i, other);
                    true
                }
                (Ok(i), false) => {
                    l.remove(i);
                    true
                }
                _ => false,
            }
        };
        let (Some(la), Some(lb)) = (cur.with_list(a, edit(b)), cur.with_list(b, edit(a))) else {
            return false;
        };
        let mut delta = cur.delta.clone();
        delta.insert(a, la);
        delta.insert(b, lb);
        let nodes = cur.nodes.max(a.max(b) + 1);
        let edges = if add { cur.edges + 1 } else { cur.edges - 1 };
        self.swap(Snapshot {
            base: cur.base.clone(),
            delta,
            nodes,
            edges,
        });
        true
    }

    /// Members whose lists are in the delta (a compaction is due past [`COMPACT_AFTER`]).
    pub fn delta_len(&self) -> usize {
        self.snapshot().delta.len()
    }

    /// Folds the delta into a new base. Safe to run while others read and write.
    pub fn compact(&self) {
        let start = self.snapshot();
        if start.delta.is_empty() {
            return;
        }
        // Build without any lock: readers and writers go on meanwhile.
        let n = start.nodes as usize;
        let mut offsets = Vec::with_capacity(n + 1);
        let mut targets = Vec::with_capacity((start.edges * 2) as usize);
        offsets.push(0u64);
        for i in 0..n {
            targets.extend_from_slice(start.neighbours(i as Node));
            offsets.push(targets.len() as u64);
        }
        let base = Arc::new(Csr { offsets, targets });
        let _w = self.writer();
        let cur = self.snapshot();
        // Keep what was written after `start`: entries that are not the very same list.
        let delta = cur
            .delta
            .iter()
            .filter(|(k, v)| start.delta.get(k).is_none_or(|old| !Arc::ptr_eq(old, v)))
            .map(|(k, v)| (*k, v.clone()))
            .collect();
        self.swap(Snapshot {
            base,
            delta,
            nodes: cur.nodes,
            edges: cur.edges,
        });
    }
}
