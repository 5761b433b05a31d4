//! Suggestions measured on a real network: an edge list read from a file, the engine built from
//! it exactly as People You May Know builds it, and a hold-out test — hide a share of the
//! connections, ask each sampled member's top 10, count the hidden ones recovered — with the
//! classic predictors computed in the same run for comparison: common neighbours,
//! Adamic-Adar, resource allocation and random.

use std::collections::HashMap;

use crate::rng::Rng;
use crate::{Graph, Node, SuggestOptions};

/// A network read from an edge list: the members' own ids, and the edges between their
/// positions in `ids` (sorted ascending, so node order is id order).
#[derive(Debug, Clone, PartialEq)]
pub struct EdgeList {
    pub ids: Vec<u64>,
    pub edges: Vec<(Node, Node)>,
}

impl EdgeList {
    /// One `a,b` or `a b` pair of integer ids per line; blank lines and lines starting with
    /// `#` are skipped; self-loops and repeats are dropped. Errors name the line.
    pub fn parse(text: &str) -> Result<EdgeList, String> {
        let mut pairs = Vec::new();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|p| !p.is_empty());
            let bad = || format!("line {}: expected two integer ids, found {line:?}", i + 1);
            let a: u64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            let b: u64 = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
            if parts.next().is_some() {
                return Err(bad());
            }
            if a != b {
                pairs.push((a.min(b), a.max(b)));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let mut ids: Vec<u64> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.len() > u32::MAX as usize {
            return Err("too many members".into());
        }
        let pos: HashMap<u64, Node> = ids
            .iter()
            .enumerate()
            .map(|(i, &id)| (id, i as Node))
            .collect();
        let edges = pairs.iter().map(|(a, b)| (pos[a], pos[b])).collect();
        Ok(EdgeList { ids, edges })
    }

    pub fn node_of(&self, id: u64) -> Option<Node> {
        self.ids.binary_search(&id).ok().map(|i| i as Node)
    }

    /// The engine People You May Know uses, over these edges.
    pub fn graph(&self) -> Graph {
        Graph::from_edges(self.ids.len() as u32, &self.edges)
    }

    /// Member `id`'s top `limit` suggestions as ids, best first: the engine's own ranking
    /// (`None` for an id not in the list).
    pub fn suggest(&self, graph: &Graph, id: u64, limit: usize) -> Option<Vec<u64>> {
        let node = self.node_of(id)?;
        let opts = SuggestOptions {
            limit,
            ..SuggestOptions::default()
        };
        Some(
            graph
                .snapshot()
                .suggestions(node, opts, |_| false)
                .into_iter()
                .map(|s| self.ids[s.node as usize])
                .collect(),
        )
    }
}

/// A predictor compared with Guild's ranking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Baseline {
    /// Each mutual counts 1.
    CommonNeighbours,
    /// Each mutual `w` counts `1 / ln deg(w)`.
    AdamicAdar,
    /// Each mutual `w` counts `1 / deg(w)`.
    ResourceAllocation,
    /// Any members not yet connected, at random.
    Random,
}

impl Baseline {
    pub const ALL: [Baseline; 4] = [
        Baseline::CommonNeighbours,
        Baseline::AdamicAdar,
        Baseline::ResourceAllocation,
        Baseline::Random,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Baseline::CommonNeighbours => "common_neighbours",
            Baseline::AdamicAdar => "adamic_adar",
            Baseline::ResourceAllocation => "resource_allocation",
            Baseline::Random => "random",
        }
    }
}

/// Adjacency lists, sorted.
pub type Adjacency = Vec<Vec<Node>>;

/// Member `u`'s top `k` by `b` over `adj`, best first (ties: lower node first); never `u`
/// nor a connection of `u`.
pub fn baseline_top(adj: &Adjacency, u: Node, b: Baseline, k: usize, rng: &mut Rng) -> Vec<Node> {
    let mine = &adj[u as usize];
    let out = |c: Node| c == u || mine.binary_search(&c).is_ok();
    if b == Baseline::Random {
        let others = adj.len().saturating_sub(mine.len() + 1);
        let mut picked: Vec<Node> = Vec::with_capacity(k);
        while picked.len() < k.min(others) {
            let c = rng.below(adj.len() as u64) as Node;
            if !out(c) && !picked.contains(&c) {
                picked.push(c);
            }
        }
        return picked;
    }
    let mut score: HashMap<Node, f64> = HashMap::new();
    for &w in mine {
        let d = adj[w as usize].len();
        if d < 2 {
            continue;
        }
        let weight = match b {
            Baseline::CommonNeighbours => 1.0,
            Baseline::AdamicAdar => 1.0 / (d as f64).ln(),
            _ => 1.0 / d as f64,
        };
        for &c in &adj[w as usize] {
            if !out(c) {
                *score.entry(c).or_default() += weight;
            }
        }
    }
    let mut ranked: Vec<(Node, f64)> = score.into_iter().collect();
    ranked.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    ranked.into_iter().take(k).map(|(c, _)| c).collect()
}

/// Precision and recall at `k`, averaged over the sampled members.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Accuracy {
    pub precision: f64,
    pub recall: f64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HoldoutReport {
    pub members: usize,
    pub edges: usize,
    pub hidden: usize,
    pub sampled: usize,
    pub k: usize,
    pub guild: Accuracy,
    pub baselines: Vec<(Baseline, Accuracy)>,
    /// Guild's queries, each timed (µs), sorted.
    pub guild_us: Vec<f64>,
}

/// Hides `holdout` of the edges (chosen by `seed`), builds the engine from the rest, and
/// scores the top `k` of `sample` members that lost at least one connection and kept one.
/// `caps` are the engine's hub and work caps (its `limit` is `k`).
pub fn holdout(
    list: &EdgeList,
    holdout: f64,
    seed: u64,
    sample: usize,
    k: usize,
    caps: SuggestOptions,
) -> HoldoutReport {
    let mut rng = Rng::stream(seed, 0);
    let mut edges = list.edges.clone();
    rng.shuffle(&mut edges);
    let hidden_n = ((edges.len() as f64) * holdout.clamp(0.0, 1.0)) as usize;
    let (hidden, kept) = edges.split_at(hidden_n);
    let n = list.ids.len();
    let mut adj: Adjacency = vec![Vec::new(); n];
    for &(a, b) in kept {
        adj[a as usize].push(b);
        adj[b as usize].push(a);
    }
    for l in &mut adj {
        l.sort_unstable();
    }
    let mut lost: Vec<Vec<Node>> = vec![Vec::new(); n];
    for &(a, b) in hidden {
        lost[a as usize].push(b);
        lost[b as usize].push(a);
    }
    let mut eligible: Vec<Node> = (0..n as Node)
        .filter(|&u| !lost[u as usize].is_empty() && !adj[u as usize].is_empty())
        .collect();
    rng.shuffle(&mut eligible);
    eligible.truncate(sample);
    eligible.sort_unstable();
    let graph = Graph::from_edges(n as u32, kept);
    let snap = graph.snapshot();
    let score = |top: &[Node], u: Node| {
        let truth = &lost[u as usize];
        let hits = top.iter().filter(|c| truth.contains(c)).count() as f64;
        (hits / k as f64, hits / truth.len() as f64)
    };
    let mut guild = Accuracy::default();
    let mut guild_us = Vec::with_capacity(eligible.len());
    let opts = SuggestOptions { limit: k, ..caps };
    for &u in &eligible {
        let t = std::time::Instant::now();
        let top: Vec<Node> = snap
            .suggestions(u, opts, |_| false)
            .into_iter()
            .map(|s| s.node)
            .collect();
        guild_us.push(t.elapsed().as_secs_f64() * 1e6);
        let (p, r) = score(&top, u);
        guild.precision += p;
        guild.recall += r;
    }
    let m = eligible.len().max(1) as f64;
    guild.precision /= m;
    guild.recall /= m;
    guild_us.sort_by(f64::total_cmp);
    let baselines = Baseline::ALL
        .iter()
        .map(|&b| {
            let mut acc = Accuracy::default();
            let mut brng = Rng::stream(seed, 7);
            for &u in &eligible {
                let (p, r) = score(&baseline_top(&adj, u, b, k, &mut brng), u);
                acc.precision += p;
                acc.recall += r;
            }
            acc.precision /= m;
            acc.recall /= m;
            (b, acc)
        })
        .collect();
    HoldoutReport {
        members: n,
        edges: list.edges.len(),
        hidden: hidden.len(),
        sampled: eligible.len(),
        k,
        guild,
        baselines,
        guild_us,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edge_lists_take_commas_or_spaces_and_name_a_bad_line() {
        let l = EdgeList::parse("# a comment\n10,20\n20 30\n\n30\t10\n20,10\n7 7\n").unwrap();
        assert_eq!(l.ids, vec![10, 20, 30]);
        assert_eq!(l.edges, vec![(0, 1), (0, 2), (1, 2)]);
        assert_eq!(l.node_of(30), Some(2));
        let e = EdgeList::parse("1 2\n3 x\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(EdgeList::parse("1 2 3\n").is_err());
    }

    /// 0 knows 1, 2, 3; 1 knows 4; 2 knows 4 and 5; 3 knows 5, 6, 7, 8.
    fn tiny() -> Adjacency {
        let edges = [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 4),
            (2, 4),
            (2, 5),
            (3, 5),
            (3, 6),
            (3, 7),
            (3, 8),
        ];
        let mut adj: Adjacency = vec![Vec::new(); 9];
        for (a, b) in edges {
            adj[a as usize].push(b);
            adj[b as usize].push(a);
        }
        for l in &mut adj {
            l.sort_unstable();
        }
        adj
    }

    #[test]
    fn baselines_match_hand_computed_scores() {
        let adj = tiny();
        let mut rng = Rng::new(1);
        // Degrees: 1 → 2, 2 → 3, 3 → 5.
        // CN: 4 = 2 (via 1, 2), 5 = 2 (via 2, 3), 6 = 7 = 8 = 1.
        let cn = baseline_top(&adj, 0, Baseline::CommonNeighbours, 5, &mut rng);
        assert_eq!(cn, vec![4, 5, 6, 7, 8]);
        // AA: 4 = 1/ln2 + 1/ln3 = 2.353; 5 = 1/ln3 + 1/ln5 = 1.531; 6..8 = 1/ln5 = 0.621.
        let aa = baseline_top(&adj, 0, Baseline::AdamicAdar, 2, &mut rng);
        assert_eq!(aa, vec![4, 5]);
        // RA: 4 = 1/2 + 1/3 = 0.833; 5 = 1/3 + 1/5 = 0.533; 6..8 = 0.2.
        let ra = baseline_top(&adj, 0, Baseline::ResourceAllocation, 3, &mut rng);
        assert_eq!(ra, vec![4, 5, 6]);
        // Random: never 0 nor a connection, never twice, all there are.
        let r = baseline_top(&adj, 0, Baseline::Random, 10, &mut rng);
        let mut sorted = r.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![4, 5, 6, 7, 8]);
    }

    #[test]
    fn guild_and_resource_allocation_agree_where_the_damping_cannot_reorder() {
        // Same tiny graph through the engine: 4 and 5 keep their resource-allocation order.
        let edges = [
            (0, 1),
            (0, 2),
            (0, 3),
            (1, 4),
            (2, 4),
            (2, 5),
            (3, 5),
            (3, 6),
            (3, 7),
            (3, 8),
        ];
        let g = Graph::from_edges(9, &edges);
        let top: Vec<Node> = g
            .snapshot()
            .suggestions(0, SuggestOptions::default(), |_| false)
            .iter()
            .map(|s| s.node)
            .collect();
        assert_eq!(&top[..2], &[4, 5]);
    }

    #[test]
    fn the_holdout_recovers_a_hidden_triangle_edge() {
        // Cliques of 6: hiding a share of edges inside them, the predictors find most.
        let mut text = String::new();
        for c in 0..20u64 {
            for i in 0..6 {
                for j in i + 1..6 {
                    text.push_str(&format!("{} {}\n", c * 6 + i, c * 6 + j));
                }
            }
            text.push_str(&format!("{} {}\n", c * 6, (c + 1) % 20 * 6));
        }
        let l = EdgeList::parse(&text).unwrap();
        let r = holdout(&l, 0.1, 3, 50, 10, SuggestOptions::default());
        assert_eq!(r.hidden, l.edges.len() / 10);
        assert!(r.sampled > 0);
        assert!(r.guild.recall > 0.8, "{:?}", r.guild);
        let random = r
            .baselines
            .iter()
            .find(|b| b.0 == Baseline::Random)
            .unwrap()
            .1;
        assert!(random.precision < r.guild.precision);
        // Precision at 10 is at most the hidden connections per member over 10.
        assert!(r.guild.precision <= 1.0);
    }
}
