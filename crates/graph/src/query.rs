//! Questions asked of one snapshot: degree of connection, mutual connections, network counts
//! and the shortest "how you're connected" path (up to 3 hops).

use crate::scratch::{clear, set, test, SCRATCH};
use crate::{Node, Snapshot};

/// 1st, 2nd or 3rd degree; `None` beyond (or the member themself).
pub type Degree = Option<u8>;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NetworkCounts {
    pub first: u64,
    pub second: u64,
    pub third: u64,
}

fn popcount(bits: &[u64]) -> u64 {
    bits.iter().map(|w| u64::from(w.count_ones())).sum()
}

/// Calls `f` on the common elements of two sorted lists, in ascending order, until it returns
/// false. A merge when the sizes are alike; when one list is far longer (a member against a
/// hub), a galloping search of each element of the short one through the rest of the long one.
pub(crate) fn intersect(a: &[Node], b: &[Node], mut f: impl FnMut(Node) -> bool) {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() {
        return;
    }
    if large.len() / small.len() > 16 {
        let mut rest = large;
        for &x in small {
            // Gallop: find a window `rest[lo..hi]` that must hold `x` if anything does.
            let mut hi = 1;
            while hi < rest.len() && rest[hi - 1] < x {
                hi *= 2;
            }
            let lo = hi / 2;
            let hi = hi.min(rest.len());
            let i = lo + rest[lo..hi].partition_point(|&y| y < x);
            if i == rest.len() {
                return;
            }
            if rest[i] == x && !f(x) {
                return;
            }
            rest = &rest[i..];
        }
        return;
    }
    let (mut i, mut j) = (0, 0);
    while i < small.len() && j < large.len() {
        match small[i].cmp(&large[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                if !f(small[i]) {
                    return;
                }
                i += 1;
                j += 1;
            }
        }
    }
}

/// Count of common elements of two sorted lists. The merge is branch-free: whether the next
/// step advances one list or the other is a coin toss a branch predictor would lose.
pub(crate) fn intersect_count(a: &[Node], b: &[Node]) -> usize {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if small.is_empty() || large.len() / small.len() > 16 {
        let mut n = 0;
        intersect(small, large, |_| {
            n += 1;
            true
        });
        return n;
    }
    let (mut i, mut j, mut n) = (0, 0, 0);
    // Blocks of four against four: all sixteen comparisons (vector instructions), then the
    // block with the smaller last element moves on — neither can match anything further on
    // in the other list. Each pair of blocks meets once, so nothing is counted twice.
    while let (Some(x), Some(y)) = (small.get(i..i + 4), large.get(j..j + 4)) {
        for &p in x {
            n += y.iter().filter(|&&q| p == q).count();
        }
        i += 4 * usize::from(x[3] <= y[3]);
        j += 4 * usize::from(y[3] <= x[3]);
    }
    while let (Some(&x), Some(&y)) = (small.get(i), large.get(j)) {
        n += usize::from(x == y);
        i += usize::from(x <= y);
        j += usize::from(y <= x);
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
        let mut out = Vec::new();
        if a == b || limit == 0 {
            return out;
        }
        intersect(self.neighbours(a), self.neighbours(b), |m| {
            out.push(m);
            out.len() < limit
        });
        out
    }

    /// 1 = connected, 2 = shares a connection, 3 = a connection of a 2nd; else `None`.
    pub fn degree(&self, a: Node, b: Node) -> Degree {
        if a == b {
            return None;
        }
        if self.are_connected(a, b) {
            return Some(1);
        }
        let mut shared = false;
        intersect(self.neighbours(a), self.neighbours(b), |_| {
            shared = true;
            false
        });
        if shared {
            return Some(2);
        }
        self.bridge(a, b, &|_| false).map(|_| 3)
    }

    /// For nodes at distance 3: some `(x, y)` with `a—x—y—b` and neither `x` nor `y` avoided.
    /// Marks the neighbours of the side with the larger list and walks two hops from the
    /// smaller one, in node order, stopping at the first hit.
    fn bridge(&self, a: Node, b: Node, avoid: &impl Fn(Node) -> bool) -> Option<(Node, Node)> {
        let (na, nb) = (self.neighbours(a), self.neighbours(b));
        if na.is_empty() || nb.is_empty() {
            return None;
        }
        let swap = na.len() > nb.len();
        let (from, to) = if swap { (nb, na) } else { (na, nb) };
        let found = SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            let marks = &mut s.seen;
            for &y in to.iter().filter(|&&y| !avoid(y)) {
                set(marks, y);
            }
            let found = from.iter().filter(|&&x| !avoid(x)).find_map(|&x| {
                let nx = self.neighbours(x);
                nx.iter().find(|&&y| test(marks, y)).map(|&y| (x, y))
            });
            clear(marks, to);
            s.end();
            found
        })?;
        Some(if swap { (found.1, found.0) } else { found })
    }

    /// How many members are 1st, 2nd and 3rd degree from `a`.
    ///
    /// A BFS over a bitset of seen members. The third level, which usually reaches much of the
    /// network, is counted by popcount after setting bits without a test, or, when the second
    /// level is so large that expanding it would cost more, bottom-up (Beamer's
    /// direction-optimising BFS): every unseen member looks for one 2nd-degree member among
    /// its own connections and stops at the first.
    pub fn network_counts(&self, a: Node) -> NetworkCounts {
        if a >= self.nodes {
            return NetworkCounts::default();
        }
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            let s = &mut *s;
            let (seen, frontier) = (&mut s.seen, &mut s.frontier);
            let first = self.neighbours(a);
            set(seen, a);
            for &x in first {
                set(seen, x);
            }
            let mut seen_edges = first.len() as u64;
            let mut second = std::mem::take(&mut s.list);
            second.clear();
            for &x in first {
                let nx = self.neighbours(x);
                seen_edges += nx.len() as u64;
                for &y in nx {
                    if !test(seen, y) {
                        set(seen, y);
                        second.push(y);
                    }
                }
            }
            let frontier_edges: u64 = second
                .iter()
                .map(|&y| self.connection_count(y) as u64)
                .sum();
            let unseen_edges = (2 * self.edges).saturating_sub(seen_edges + frontier_edges);
            // Bottom-up streams through every list of the graph (memory bandwidth: ~60 ms a
            // million members); top-down reads only the frontier's lists, at random. Measured
            // on 1M × 100, the crossover is near a third of the unseen edges (Beamer's paper
            // says a fourteenth, for graphs whose lists are read less evenly).
            let third = if frontier_edges > unseen_edges / 3 {
                for &y in &second {
                    set(frontier, y);
                }
                let third = (0..self.nodes)
                    .filter(|&v| !test(seen, v))
                    .filter(|&v| self.neighbours(v).iter().any(|&y| test(frontier, y)))
                    .count() as u64;
                clear(frontier, &second);
                third
            } else {
                let before = popcount(seen);
                for &y in &second {
                    for &z in self.neighbours(y) {
                        set(seen, z);
                    }
                }
                popcount(seen) - before
            };
            seen.fill(0);
            let counts = NetworkCounts {
                first: first.len() as u64,
                second: second.len() as u64,
                third,
            };
            s.list = second;
            s.end();
            counts
        })
    }

    /// A shortest path `a, …, b` of at most 3 hops, or `None` when they are further apart.
    /// Deterministic: the lowest mutual for 2 hops; for 3, the first bridge found walking the
    /// smaller side's connections in node order.
    pub fn path(&self, a: Node, b: Node) -> Option<Vec<Node>> {
        self.path_avoiding(a, b, |_| false)
    }

    /// As [`Snapshot::path`], but never through an intermediate member for which `avoid` is
    /// true (someone the viewer blocked, or who blocked them). `a` and `b` themselves are never
    /// tested. The path is a shortest one among those that avoid, still at most 3 hops.
    pub fn path_avoiding(
        &self,
        a: Node,
        b: Node,
        avoid: impl Fn(Node) -> bool,
    ) -> Option<Vec<Node>> {
        if a == b {
            return Some(vec![a]);
        }
        if self.are_connected(a, b) {
            return Some(vec![a, b]);
        }
        let mut mutual = None;
        intersect(self.neighbours(a), self.neighbours(b), |m| {
            if avoid(m) {
                return true;
            }
            mutual = Some(m);
            false
        });
        if let Some(m) = mutual {
            return Some(vec![a, m, b]);
        }
        self.bridge(a, b, &avoid).map(|(x, y)| vec![a, x, y, b])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    #[test]
    fn intersections_match_a_naive_count() {
        let mut rng = Rng::new(5);
        for round in 0..400u64 {
            let mut list = |len: u64| {
                let mut l: Vec<Node> = (0..len).map(|_| rng.below(300) as Node).collect();
                l.sort_unstable();
                l.dedup();
                l
            };
            let (a, b) = (list(round % 40), list(round % 7 * 30));
            let naive = a.iter().filter(|x| b.contains(x)).count();
            assert_eq!(intersect_count(&a, &b), naive, "{a:?} {b:?}");
            let mut listed = Vec::new();
            intersect(&a, &b, |m| {
                listed.push(m);
                true
            });
            let want: Vec<Node> = a.iter().copied().filter(|x| b.contains(x)).collect();
            assert_eq!(listed, want);
        }
    }
}
