//! Per-thread scratch space for queries: node bitsets and suggestion scores, allocated once
//! per thread and reused, so that a query allocates (almost) nothing and clears only what it
//! touched.
//!
//! Bitsets rather than per-node stamps: a million members fit in 128 KB, which stays in the
//! core's own cache, and the walks that test a mark per step (a path search, a BFS level) run
//! several times faster than over a 4 MB array of stamps.

use std::cell::RefCell;

use crate::Node;

pub(crate) struct Scratch {
    /// A bit per node; all clear between queries (whoever sets bits clears them).
    pub(crate) seen: Vec<u64>,
    /// A second bitset, same rule.
    pub(crate) frontier: Vec<u64>,
    /// Suggestion scores; meaningful only where the query set a bit in `seen`.
    pub(crate) score: Vec<f32>,
    /// A list of nodes for the query to fill (kept for its capacity).
    pub(crate) list: Vec<Node>,
    /// Between `begin` and `end`. Still set at the next `begin` when a query was cut short (a
    /// caller's closure panicked inside it), whose bits are then cleared the slow way.
    busy: bool,
}

impl Scratch {
    /// Starts a query over nodes `0..nodes`: makes room, and guarantees clear bitsets.
    pub(crate) fn begin(&mut self, nodes: u32) {
        if self.busy {
            self.seen.fill(0);
            self.frontier.fill(0);
        }
        self.busy = true;
        let n = nodes as usize;
        if self.score.len() < n {
            self.score.resize(n, 0.0);
            self.seen.resize(n.div_ceil(64), 0);
            self.frontier.resize(n.div_ceil(64), 0);
        }
    }

    /// Ends a query that has cleared every bit it set.
    pub(crate) fn end(&mut self) {
        self.busy = false;
    }
}

pub(crate) fn set(bits: &mut [u64], n: Node) {
    bits[n as usize / 64] |= 1 << (n % 64);
}

pub(crate) fn test(bits: &[u64], n: Node) -> bool {
    bits[n as usize / 64] & (1 << (n % 64)) != 0
}

/// Clears the words holding these nodes' bits (all of whose set bits the caller owns).
pub(crate) fn clear<'a>(bits: &mut [u64], nodes: impl IntoIterator<Item = &'a Node>) {
    for &n in nodes {
        bits[n as usize / 64] = 0;
    }
}

thread_local! {
    pub(crate) static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch {
            seen: Vec::new(),
            frontier: Vec::new(),
            score: Vec::new(),
            list: Vec::new(),
            busy: false,
        })
    };
}
