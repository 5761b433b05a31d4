//! People You May Know candidates: 2nd-degree members scored by Adamic-Adar over the mutual
//! connections (a mutual with few connections says more than a hub does), with hubs capped.

use crate::query::SCRATCH;
use crate::{Node, Snapshot};

#[derive(Debug, Clone, Copy)]
pub struct SuggestOptions {
    /// Best-first results wanted.
    pub limit: usize,
    /// A mutual connection with more connections than this is expanded only through its
    /// first `hub_cap` neighbours (evenly spread), so one hub does not flood every list nor
    /// cost tens of thousands of steps.
    pub hub_cap: usize,
}

impl Default for SuggestOptions {
    fn default() -> Self {
        SuggestOptions {
            limit: 20,
            hub_cap: 2_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Suggestion {
    pub node: Node,
    /// Σ 1 / ln(deg(w)) over the mutual connections `w` reached.
    pub score: f32,
    /// Mutual connections reached (all of them unless a hub was capped).
    pub mutuals: u32,
}

impl Snapshot {
    /// Candidates for `a`, best first: not `a`, not already connected, not `excluded`
    /// (pending invitations, dismissed, blocked — the caller knows those).
    pub fn suggestions(
        &self,
        a: Node,
        opts: SuggestOptions,
        excluded: impl Fn(Node) -> bool,
    ) -> Vec<Suggestion> {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            s.begin(self.nodes);
            s.touched.clear();
            s.mark(a);
            for &w in self.neighbours(a) {
                s.mark(w); // connections are not candidates
            }
            for &w in self.neighbours(a) {
                let nw = self.neighbours(w);
                if nw.len() < 2 {
                    continue;
                }
                let weight = 1.0 / (nw.len() as f32).ln();
                let step = nw.len().div_ceil(opts.hub_cap.max(1));
                for &c in nw.iter().step_by(step.max(1)) {
                    if s.marked(c) {
                        continue;
                    }
                    let i = c as usize;
                    if s.count[i] == 0 {
                        s.touched.push(c);
                    }
                    s.count[i] += 1;
                    s.score[i] += weight;
                }
            }
            let touched = std::mem::take(&mut s.touched);
            let mut out: Vec<Suggestion> = touched
                .iter()
                .filter(|&&c| !excluded(c))
                .map(|&c| Suggestion {
                    node: c,
                    score: s.score[c as usize],
                    mutuals: s.count[c as usize],
                })
                .collect();
            for &c in &touched {
                s.score[c as usize] = 0.0;
                s.count[c as usize] = 0;
            }
            s.touched = touched;
            let by_rank = |x: &Suggestion, y: &Suggestion| {
                y.score.total_cmp(&x.score).then(x.node.cmp(&y.node))
            };
            if out.len() > opts.limit {
                out.select_nth_unstable_by(opts.limit, by_rank);
                out.truncate(opts.limit);
            }
            out.sort_unstable_by(by_rank);
            out
        })
    }
}
