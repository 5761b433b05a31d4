//! Questions asked of one snapshot: degree of connection, mutual connections, network counts
//! and the shortest "how you're connected" path (up to 3 hops).

use std::cell::RefCell;

use crate::{Node, Snapshot};

/// 1st, 2nd or 3rd degree; `None` beyond (or the member themself).
pub type Degree = Option<u8>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkCounts {
    pub first: u64,
    pub second: u64,
    pub third: u64,
}

/// Per-thread scratch space: a stamp per node (so "visited" needs no clearing between queries)
/// and score slots for suggestions. Grows with the graph, never shrinks.
pub(crate) struct Scratch {
    stamp: Vec<u32>,
    epoch: u32,
    pub(crate) score: Vec<f32>,
    pub(crate) count: Vec<u32>,
    pub(crate) touched: Vec<Node>,
}

impl Scratch {
    /// Starts a new query over `nodes` nodes: every node reads as unmarked.
    pub(crate) fn begin(&mut self, nodes: u32) {
        let n = nodes as usize;
        if self.stamp.len() < n {
            self.stamp.resize(n, 0);
            self.score.resize(n, 0.0);
            self.count.resize(n, 0);
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
    }
    pub(crate) fn mark(&mut self, n: Node) -> bool {
        let s = &mut self.stamp[n as usize];
        if *s == self.epoch {
            false
        } else {
            *s = self.epoch;
            true
        }
    }
    pub(crate) fn marked(&self, n: Node) -> bool {
        self.stamp.get(n as usize) == Some(&self.epoch)
    }
}

thread_local! {
    pub(crate) static SCRATCH: RefCell<Scratch> = const {
        RefCell::new(Scratch { stamp: Vec::new(), epoch: 0, score: Vec::new(), count: Vec::new(), touched: Vec::new() })
    };
}

/// Count of common elements of two sorted lists: a merge when sizes are alike, binary search
/// of the small one into the large one when they are not (a member against a hub).
pub(crate) fn intersect_count(a: &[Node], b: &[Node]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return 0;
    }
    if large.len() / small.len() > 16 {
        return small
            .iter()
            .filter(|x| large.binary_search(x).is_ok())
            .count();
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

impl Snapshot {
    /// Connections `a` and `b` share.
    pub fn mutual_count(&self, a: Node, b: Node) -> usize {
        if a == b {
            return 0;
        }
        intersect_count(self.neighbours(a), self.neighbours(b))
    }

    /// The shared connections, in node order, at most `limit`.
    pub fn mutuals(&self, a: Node, b: Node, limit: usize) -> Vec<Node> {
        if a == b {
            return Vec::new();
        }
        let (x, y) = (self.neighbours(a), self.neighbours(b));
        let (small, large) = if x.len() <= y.len() { (x, y) } else { (y, x) };
        small
            .iter()
            .copied()
            .filter(|n| large.binary_search(n).is_ok())
            .take(limit)
            .collect()
    }

    /// 1 = connected, 2 = shares a connection, 3 = a connection of a 2nd; else `None`.
    pub fn degree(&self, a: Node, b: Node) -> Degree {
        if a == b {
            return None;
        }
        if self.are_connected(a, b) {
            return Some(1);
        }
        if self.mutual_count(a, b) > 0 {
            return Some(2);
        }
        self.bridge(a, b).map(|_| 3)
    }

    /// For nodes at distance 3: some `(x, y)` with `a—x—y—b`. Marks the neighbours of the side
    /// with the larger list and walks two hops from the smaller one.
    fn bridge(&self, a: Node, b: Node) -> Option<(Node, Node)> {
        let (na, nb) = (self.neighbours(a), self.neighbours(b));
        if na.is_empty() || nb.is_empty() {
            return None;
        }
        let swap = na.len() > nb.len();
        let (from, to) = if swap { (nb, na) } else { (na, nb) };
        let found = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            for &y in to {
                s.mark(y);
            }
            for &x in from {
                for &y in self.neighbours(x) {
                    if s.marked(y) {
                        return Some((x, y));
                    }
                }
            }
            None
        })?;
        Some(if swap { (found.1, found.0) } else { found })
    }

    /// How many members are 1st, 2nd and 3rd degree from `a`.
    pub fn network_counts(&self, a: Node) -> NetworkCounts {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            s.mark(a);
            let mut frontier: Vec<Node> = Vec::new();
            for &x in self.neighbours(a) {
                s.mark(x);
                frontier.push(x);
            }
            let first = frontier.len() as u64;
            let mut counts = [first, 0, 0];
            for slot in counts.iter_mut().skip(1) {
                let mut next = Vec::new();
                for &x in &frontier {
                    for &y in self.neighbours(x) {
                        if s.mark(y) {
                            next.push(y);
                        }
                    }
                }
                *slot = next.len() as u64;
                frontier = next;
            }
            NetworkCounts {
                first: counts[0],
                second: counts[1],
                third: counts[2],
            }
        })
    }

    /// A shortest path `a, …, b` of at most 3 hops, or `None` when they are further apart.
    /// Among equals, the one through the lowest node ids (deterministic).
    pub fn path(&self, a: Node, b: Node) -> Option<Vec<Node>> {
        if a == b {
            return Some(vec![a]);
        }
        if self.are_connected(a, b) {
            return Some(vec![a, b]);
        }
        if let Some(&m) = self.mutuals(a, b, 1).first() {
            return Some(vec![a, m, b]);
        }
        self.bridge(a, b).map(|(x, y)| vec![a, x, y, b])
    }
}
