//! People You May Know candidates: 2nd-degree members scored over the mutual connections,
//! then damped by the candidate's own degree (`deg(c)^-0.1`), with hubs capped.
//!
//! Each mutual `w` adds `1 / (1 + new(w))`, where `new(w)` counts `w`'s connections that are
//! neither `a` nor `a`'s connections: `w` shares its attention among `a` and the people `a`
//! does not know yet, so a mutual who introduces few strangers says more than a hub does, and
//! one whose friends are mostly `a`'s own friends (the same circle) says more than one who
//! merely has few friends. This is resource allocation (`1 / deg(w)`) with `a`'s own circle
//! taken out of the degree. Each ingredient was kept because it measured better on a real
//! friendship network (`docs/SUGGESTIONS.md`).
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
use crate::scratch::{clear, set, test, SCRATCH};
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

/// A mutual's connections examined to tell how many are new to the asker.
const NEW_SAMPLE: usize = 64;

/// How much a candidate's own connection count damps its score: `score / deg(c)^DAMPING`.
/// Popular members are everyone's 2nd degree; a little of that is noise.
pub const DEGREE_DAMPING: f32 = 0.1;

/// What one mutual connection `w` adds to a candidate's score, given how many of its
/// connections are new to the asker (neither the asker nor the asker's connections).
pub fn mutual_weight(new: f32) -> f32 {
    1.0 / (1.0 + new.max(0.0))
}

/// The damping of a candidate with `deg` connections: `deg^-DEGREE_DAMPING` (1 for 0 or 1).
pub fn damping(deg: usize) -> f32 {
    (deg.max(1) as f32).powf(-DEGREE_DAMPING)
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub node: Node,
    /// Σ [`mutual_weight`] over the mutual connections `w` reached (the caps may skip some),
    /// times [`damping`] of the candidate's degree.
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
            let (seen, score, mine) = (&mut s.seen, &mut s.score, &mut s.frontier);
            let mut touched = std::mem::take(&mut s.list);
            touched.clear();
            // `a` and its connections are marked seen with a score of -∞ (which stays -∞
            // whatever is added), so they cost no test in the loop and never rank; `mine`
            // marks them too, for counting what each mutual brings that is new.
            for &x in na.iter().chain([&a]) {
                seen[x as usize / 64] |= 1 << (x % 64);
                score[x as usize] = f32::NEG_INFINITY;
                set(mine, x);
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
                // The share of w's connections new to `a`, scaled to the whole list: counted on
                // at most `NEW_SAMPLE` of them, evenly spread (exact for shorter lists), so
                // it costs little beside the walk below.
                let step = nw.len().div_ceil(cap);
                let (mut sampled, mut known) = (0usize, 0usize);
                for &c in nw.iter().step_by(nw.len().div_ceil(NEW_SAMPLE).max(1)) {
                    sampled += 1;
                    known += usize::from(test(mine, c));
                }
                let new = (sampled - known) as f32 * nw.len() as f32 / sampled as f32;
                let weight = mutual_weight(new);
                for &c in nw.iter().step_by(step) {
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
            let best = top(
                &touched,
                score,
                |c| damping(self.connection_count(c)),
                opts.limit,
                excluded,
            );
            clear(seen, touched.iter().chain(na).chain([&a]));
            clear(mine, na.iter().chain([&a]));
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
/// so far (its top the worst of them), so most candidates cost one comparison. A candidate's
/// score is its sum times `damp(c)` (at most 1): a sum already below the floor cannot make it,
/// so the damping is computed only for the few that might.
fn top(
    touched: &[Node],
    score: &[f32],
    damp: impl Fn(Node) -> f32,
    limit: usize,
    excluded: impl Fn(Node) -> bool,
) -> Vec<Ranked> {
    let mut heap: BinaryHeap<Ranked> = BinaryHeap::with_capacity(limit.min(touched.len()) + 1);
    let mut floor = f32::NEG_INFINITY; // the worst kept score once the heap is full
    for &c in touched {
        let sum = score[c as usize];
        if sum < floor {
            continue; // the common case: one float comparison
        }
        let cand = Ranked {
            node: c,
            score: sum * damp(c),
        };
        if cand.score < floor {
            continue;
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
    use crate::Graph;

    fn ranked(nodes: u32, edges: &[(Node, Node)], a: Node) -> Vec<Suggestion> {
        Graph::from_edges(nodes, edges)
            .snapshot()
            .suggestions(a, SuggestOptions::default(), |_| false)
    }

    #[test]
    fn a_mutual_with_few_connections_counts_more_than_a_hub() {
        // 0's connections: 1 (knows only 0 and 2) and 3 (a hub of 0, 4 and 10..18).
        let mut edges = vec![(0, 1), (1, 2), (0, 3), (3, 4)];
        edges.extend((10..18).map(|x| (3, x)));
        let s = ranked(20, &edges, 0);
        assert_eq!(s[0].node, 2, "through the quiet mutual");
        // 1 brings one stranger (2): 1 / (1 + 1); 3 brings nine: 1 / (1 + 9).
        assert!((s[0].score - mutual_weight(1.0) * damping(1)).abs() < 1e-6);
        assert!((s[0].score - 0.5).abs() < 1e-6);
        assert!(s[0].score > s[1].score);
        // Common neighbours would tie 2 and 4 (one mutual each); Adamic-Adar favours 2 by
        // ln 10 / ln 2 ≈ 3.3; resource allocation, and Guild here, by 10 / 2 = 5.
        let four = s.iter().find(|x| x.node == 4).unwrap();
        assert!((s[0].score / four.score - 5.0).abs() < 1e-4);
    }

    #[test]
    fn of_two_candidates_with_the_same_mutuals_the_less_connected_comes_first() {
        // 0 — 1 — {2, 3}; 3 also knows 10..30 (a popular candidate).
        let mut edges = vec![(0, 1), (1, 2), (1, 3)];
        edges.extend((10..30).map(|x| (3, x)));
        let s = ranked(30, &edges, 0);
        assert_eq!(s[0].node, 2);
        assert_eq!(s[1].node, 3);
        let ratio = s[1].score / s[0].score;
        assert!(
            (ratio - 21f32.powf(-DEGREE_DAMPING)).abs() < 1e-5,
            "{ratio}"
        );
        assert!(ratio > 0.7, "a light damping: mutuals still decide");
    }

    #[test]
    fn a_mutual_inside_my_circle_counts_more_than_one_of_the_same_degree_outside_it() {
        // 0 knows 1, 2, 3, 4, 5. Mutual 1 knows 0, 2, 3, 4 (0's circle) and 10; mutual 5
        // knows 0 and 11, 12, 13, 14 — the same degree (5), all strangers to 0.
        let edges = [
            (0, 1),
            (0, 2),
            (0, 3),
            (0, 4),
            (0, 5),
            (1, 2),
            (1, 3),
            (1, 4),
            (1, 10),
            (5, 11),
            (5, 12),
            (5, 13),
            (5, 14),
        ];
        let s = ranked(20, &edges, 0);
        assert_eq!(s[0].node, 10, "through the mutual inside 0's circle");
        assert!(
            (s[0].score - 0.5).abs() < 1e-6,
            "1 brings one stranger: 1 / 2"
        );
        assert!((s[1].score - 0.2).abs() < 1e-6, "5 brings four: 1 / 5");
        // Resource allocation would tie them: both mutuals have 5 connections.
    }

    #[test]
    fn more_mutuals_beat_damping() {
        // 2 shares two mutuals with 0 and has 40 connections; 3 shares one and has 2.
        let mut edges = vec![(0, 1), (0, 4), (1, 2), (4, 2), (1, 3), (4, 5)];
        edges.extend((10..48).map(|x| (2, x)));
        let s = ranked(50, &edges, 0);
        assert_eq!(s[0].node, 2);
        assert_eq!(s[0].mutuals, 2);
    }

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
