//! People You May Know candidates: 2nd-degree members scored by Adamic-Adar over the mutual
//! connections (a mutual with few connections says more than a hub does), with hubs capped.
//!
//! The cost of a query is one step per (connection `w`, connection of `w`) pair: millions for a
//! well-connected member. Two caps bound it, both by sampling the longest lists evenly:
//! `hub_cap` per connection, `work_cap` per query. The short lists — the connections that say
//! the most — are always read whole.
//!
//! A step touches two per-node arrays: a bit ("touched", in 128 KB per million members, which
//! stays in the core's cache) and an `f32` score (4 MB). Keeping them that small, rather than
//! one 16-byte record per node, halves the time of a step: the accesses are random, and the
//! smaller array misses the caches and the TLB far less often.

use std::collections::BinaryHeap;

use crate::query::intersect_count;
use crate::scratch::{clear, SCRATCH};
use crate::{Node, Snapshot};

#[derive(Debug, Clone, Copy)]
pub struct SuggestOptions {
    /// Best-first results wanted.
    pub limit: usize,
    /// A mutual connection with more connections than this is expanded only through
    /// `hub_cap` of its neighbours (evenly spread), so one hub does not flood every list nor
    /// cost tens of thousands of steps.
    pub hub_cap: usize,
    /// About the most steps one query takes. When the connections' lists add up to more, the
    /// cap per connection is lowered until they fit (water-filling): the longest lists are
    /// sampled more thinly, lists shorter than the lowered cap stay whole. Without it the
    /// 1 % best-connected members cost tens of milliseconds each.
    pub work_cap: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            limit: 20,
            hub_cap: 2_000,
            work_cap: 200_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub node: Node,
    /// Σ 1 / ln(deg(w)) over the mutual connections `w` reached (the caps may skip some).
    pub score: f32,
    /// Mutual connections, all of them (counted exactly, whatever the caps skipped).
    pub mutuals: u32,
}

/// Orders suggestions worst last: higher score first, then lower node id.
#[derive(Debug, PartialEq)]
struct Ranked {
    node: Node,
    score: f32,
}

impl Eq for Ranked {}

impl PartialOrd for Ranked {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ranked {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        (other.score.total_cmp(&self.score)).then(self.node.cmp(&other.node))
    }
}

impl Snapshot {
    /// Candidates for `a`, best first: not `a`, not already connected, not `excluded`
    /// (pending invitations, dismissed, blocked — the caller knows those). `excluded` is asked
    /// only about candidates good enough to make the list.
    pub fn suggestions(
        &self,
        a: Node,
        opts: SuggestOptions,
        excluded: impl Fn(Node) -> bool,
    ) -> Vec<Suggestion> {
        if a >= self.nodes || opts.limit == 0 {
            return Vec::new();
        }
        let na = self.neighbours(a);
        let best = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            let s = &mut *s;
            let (seen, score) = (&mut s.seen, &mut s.score);
            let mut touched = std::mem::take(&mut s.list);
            touched.clear();
            // `a` and its connections are marked seen with a score of -∞ (which stays -∞
            // whatever is added), so they cost no test in the loop and never rank.
            for &x in na.iter().chain([&a]) {
                seen[x as usize / 64] |= 1 << (x % 64);
                score[x as usize] = f32::NEG_INFINITY;
            }
            let cap = expansion_cap(
                na.iter().map(|&w| self.connection_count(w)),
                opts.hub_cap.max(1),
                opts.work_cap,
            );
            for &w in na {
                let nw = self.neighbours(w);
                if nw.len() < 2 {
                    continue;
                }
                let weight = 1.0 / (nw.len() as f32).ln();
                for &c in nw.iter().step_by(nw.len().div_ceil(cap)) {
                    let (word, bit) = (&mut seen[c as usize / 64], 1 << (c % 64));
                    if *word & bit == 0 {
                        *word |= bit;
                        score[c as usize] = weight;
                        touched.push(c);
                    } else {
                        score[c as usize] += weight;
                    }
                }
            }
            let best = top(&touched, score, opts.limit, excluded);
            clear(seen, touched.iter().chain(na).chain([&a]));
            s.list = touched;
            s.end();
            best
        });
        best.into_iter()
            .map(|r| Suggestion {
                node: r.node,
                score: r.score,
                mutuals: intersect_count(na, self.neighbours(r.node)) as u32,
            })
            .collect()
    }
}

/// The largest per-list cap `c ≤ hub_cap` with `Σ min(len, c)` within `work_cap` (at least 1):
/// the water level that fits the lists into the budget.
fn expansion_cap(
    lens: impl Iterator<Item = usize> + Clone,
    hub_cap: usize,
    work_cap: usize,
) -> usize {
    let work = |c: usize| lens.clone().map(|l| l.min(c)).sum::<usize>();
    if work(hub_cap) <= work_cap {
        return hub_cap;
    }
    let (mut lo, mut hi) = (1, hub_cap);
    while lo < hi {
        let mid = lo + (hi - lo).div_ceil(2);
        if work(mid) <= work_cap {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    lo
}

/// The best `limit` of the touched candidates, best first, through a heap of the `limit` best
/// so far (its top the worst of them), so most candidates cost one comparison.
fn top(
    touched: &[Node],
    score: &[f32],
    limit: usize,
    excluded: impl Fn(Node) -> bool,
) -> Vec<Ranked> {
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(limit.min(touched.len()) + 1);
    let mut floor = f32::NEG_INFINITY; // the worst kept score once the heap is full
    for &c in touched {
        let cand = Ranked {
            node: c,
            score: score[c as usize],
        };
        if cand.score < floor {
            continue; // the common case: one float comparison
        }
        if heap.len() == limit && heap.peek().is_some_and(|worst| cand >= *worst) {
            continue;
        }
        if excluded(c) {
            continue;
        }
        heap.push(cand);
        if heap.len() > limit {
            heap.pop();
        }
        if heap.len() == limit {
            floor = heap.peek().map_or(floor, |worst| worst.score);
        }
    }
    heap.into_sorted_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn water_level() {
        let lens = [1usize, 5, 10, 100];
        let cap = |h, w| expansion_cap(lens.iter().copied(), h, w);
        assert_eq!(cap(2_000, 1_000), 2_000, "fits: the hub cap alone");
        assert_eq!(cap(50, 1_000), 50);
        assert_eq!(cap(2_000, 36), 20, "1 + 5 + 10 + 20 = 36");
        assert_eq!(cap(2_000, 35), 19);
        assert_eq!(cap(2_000, 2), 1, "never below one each");
    }
}
