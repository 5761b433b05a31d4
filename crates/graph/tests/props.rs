//! Every answer of the engine checked against a plain BFS over a plain adjacency set, on random
//! graphs, after random updates and compactions, and while a writer runs concurrently.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeSet, HashMap, VecDeque};

use guild_graph::{Graph, Node, Snapshot, SuggestOptions};
use proptest::prelude::*;

type Adj = Vec<BTreeSet<Node>>;

fn adj_of(snap: &Snapshot) -> Adj {
    (0..snap.node_count())
        .map(|n| snap.neighbours(n).iter().copied().collect())
        .collect()
}

fn bfs(adj: &Adj, a: Node) -> HashMap<Node, u32> {
    let mut dist = HashMap::from([(a, 0)]);
    let mut q = VecDeque::from([a]);
    while let Some(x) = q.pop_front() {
        let d = dist[&x];
        for &y in &adj[x as usize] {
            if let std::collections::hash_map::Entry::Vacant(e) = dist.entry(y) {
                e.insert(d + 1);
                q.push_back(y);
            }
        }
    }
    dist
}

/// Distance from `a` to `b` over paths whose intermediate nodes are not avoided.
fn bfs_avoiding(adj: &Adj, a: Node, b: Node, avoid: &dyn Fn(Node) -> bool) -> Option<u32> {
    let mut dist = HashMap::from([(a, 0)]);
    let mut q = VecDeque::from([a]);
    while let Some(x) = q.pop_front() {
        let d = dist[&x];
        if x == b {
            return Some(d);
        }
        for &y in &adj[x as usize] {
            if (y == b || !avoid(y)) && !dist.contains_key(&y) {
                dist.insert(y, d + 1);
                q.push_back(y);
            }
        }
    }
    None
}

/// Checks `path_avoiding` for every pair against BFS that never enters an avoided node.
fn check_paths_avoiding(snap: &Snapshot, adj: &Adj, avoided: &BTreeSet<Node>) {
    let n = adj.len() as Node;
    let avoid = |v: Node| avoided.contains(&v);
    for a in 0..n {
        for b in 0..n {
            let want = bfs_avoiding(adj, a, b, &avoid).filter(|&d| d <= 3);
            let got = snap.path_avoiding(a, b, |v| {
                assert!(
                    v != a && v != b,
                    "avoid asked about an end ({v}) of {a}->{b}"
                );
                avoid(v)
            });
            match (got, want) {
                (Some(p), Some(d)) => {
                    assert_eq!(p.len() as u32 - 1, d, "length of {p:?} for {a}->{b}");
                    assert_eq!((p[0], p[p.len() - 1]), (a, b));
                    assert!(p.windows(2).all(|w| adj[w[0] as usize].contains(&w[1])));
                    assert!(
                        p.iter()
                            .skip(1)
                            .take(p.len().saturating_sub(2))
                            .all(|&v| !avoid(v)),
                        "{p:?} passes through an avoided member"
                    );
                }
                (None, None) => {}
                (got, want) => panic!("{a}->{b}: got {got:?}, BFS distance {want:?}"),
            }
        }
    }
}

/// Checks every query of `snap` against BFS on `adj`.
fn check(snap: &Snapshot, adj: &Adj) {
    let every_third: BTreeSet<Node> = (0..adj.len() as Node).filter(|v| v % 3 == 1).collect();
    check_paths_avoiding(snap, adj, &every_third);
    let n = adj.len() as Node;
    for a in 0..n {
        assert_eq!(
            snap.neighbours(a).iter().copied().collect::<BTreeSet<_>>(),
            adj[a as usize],
            "neighbours of {a}"
        );
        let dist = bfs(adj, a);
        let mut counts = [0u64; 4];
        for (&b, &d) in &dist {
            if (1..=3).contains(&d) {
                counts[d as usize] += 1;
            }
            let _ = b;
        }
        let nc = snap.network_counts(a);
        assert_eq!(
            (nc.first, nc.second, nc.third),
            (counts[1], counts[2], counts[3]),
            "counts of {a}"
        );
        for b in 0..n {
            let d = dist.get(&b).copied();
            let want = d.filter(|&d| (1..=3).contains(&d)).map(|d| d as u8);
            assert_eq!(
                snap.degree(a, b),
                if a == b { None } else { want },
                "degree {a}->{b}"
            );
            let mutual = adj[a as usize].intersection(&adj[b as usize]).count();
            assert_eq!(snap.mutual_count(a, b), if a == b { 0 } else { mutual });
            match snap.path(a, b) {
                Some(p) => {
                    assert_eq!(p.len() as u32 - 1, d.unwrap(), "path length {a}->{b}");
                    assert_eq!((p[0], p[p.len() - 1]), (a, b));
                    assert!(
                        p.windows(2).all(|w| adj[w[0] as usize].contains(&w[1])),
                        "path uses edges"
                    );
                }
                None => assert!(
                    d.is_none_or(|d| d > 3),
                    "path {a}->{b} missing at distance {d:?}"
                ),
            }
        }
        // suggestions: exactly the 2nd-degree members; each mutual w adds 1 / (1 + its
        // connections new to a), damped by the candidate's degree
        let sugg = snap.suggestions(
            a,
            SuggestOptions {
                limit: usize::MAX,
                hub_cap: usize::MAX,
                work_cap: usize::MAX,
            },
            |_| false,
        );
        let second: BTreeSet<Node> = dist
            .iter()
            .filter(|(_, &d)| d == 2)
            .map(|(&b, _)| b)
            .collect();
        assert_eq!(sugg.iter().map(|s| s.node).collect::<BTreeSet<_>>(), second);
        for s in &sugg {
            let sum: f32 = adj[a as usize]
                .intersection(&adj[s.node as usize])
                .map(|&w| {
                    let new = adj[w as usize]
                        .iter()
                        .filter(|&&x| x != a && !adj[a as usize].contains(&x))
                        .count();
                    1.0 / (1 + new) as f32
                })
                .sum();
            let want = sum * (adj[s.node as usize].len() as f32).powf(-0.1);
            assert!((want - s.score).abs() < 1e-4, "score of {} for {a}", s.node);
        }
        assert!(
            sugg.windows(2).all(|w| w[0].score >= w[1].score),
            "best first"
        );
        let excluded = snap.suggestions(a, SuggestOptions::default(), |c| c % 2 == 0);
        assert!(excluded.iter().all(|s| s.node % 2 == 1));
    }
}

fn graph_strategy() -> impl Strategy<Value = (u32, Vec<(Node, Node)>)> {
    (2u32..24).prop_flat_map(|n| {
        (
            Just(n),
            prop::collection::vec((0..n, 0..n), 0..(n as usize * 3)),
        )
    })
}

#[derive(Debug, Clone)]
enum Op {
    Connect(Node, Node),
    Disconnect(Node, Node),
    Compact,
}

fn ops(n: u32) -> impl Strategy<Value = Vec<Op>> {
    prop::collection::vec(
        prop_oneof![
            4 => (0..n, 0..n).prop_map(|(a, b)| Op::Connect(a, b)),
            2 => (0..n, 0..n).prop_map(|(a, b)| Op::Disconnect(a, b)),
            1 => Just(Op::Compact),
        ],
        0..60,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn paths_avoiding_match_bfs_without_the_avoided(
        ((n, edges), avoided) in graph_strategy()
            .prop_flat_map(|(n, e)| (Just((n, e)), prop::collection::btree_set(0..n, 0..n as usize)))
    ) {
        let g = Graph::from_edges(n, &edges);
        let snap = g.snapshot();
        check_paths_avoiding(&snap, &adj_of(&snap), &avoided);
        // Avoiding nobody is the plain path.
        for a in 0..n {
            for b in 0..n {
                prop_assert_eq!(snap.path_avoiding(a, b, |_| false), snap.path(a, b));
            }
        }
    }

    #[test]
    fn answers_match_bfs((n, edges) in graph_strategy()) {
        let g = Graph::from_edges(n, &edges);
        let mut adj: Adj = vec![BTreeSet::new(); n as usize];
        for &(a, b) in &edges {
            if a != b {
                adj[a as usize].insert(b);
                adj[b as usize].insert(a);
            }
        }
        let snap = g.snapshot();
        prop_assert_eq!(snap.edge_count(), adj.iter().map(|s| s.len() as u64).sum::<u64>() / 2);
        check(&snap, &adj);
    }

    #[test]
    fn answers_match_bfs_after_updates_and_compactions(((n, edges), seq) in graph_strategy().prop_flat_map(|(n, e)| (Just((n, e)), ops(n)))) {
        let g = Graph::from_edges(n, &edges);
        let mut adj = adj_of(&g.snapshot());
        for op in seq {
            match op {
                Op::Connect(a, b) => {
                    let fresh = a != b && !adj[a as usize].contains(&b);
                    prop_assert_eq!(g.connect(a, b), fresh);
                    if a != b { adj[a as usize].insert(b); adj[b as usize].insert(a); }
                }
                Op::Disconnect(a, b) => {
                    let had = adj[a as usize].contains(&b);
                    prop_assert_eq!(g.disconnect(a, b), had);
                    adj[a as usize].remove(&b); adj[b as usize].remove(&a);
                }
                Op::Compact => { g.compact(); prop_assert_eq!(g.delta_len(), 0); }
            }
        }
        let snap = g.snapshot();
        prop_assert_eq!(snap.edge_count(), adj.iter().map(|s| s.len() as u64).sum::<u64>() / 2);
        check(&snap, &adj);
    }
}

/// A member newer than the graph (an id at or past `node_count`) has no connections and no
/// suggestions; no query panics on one.
#[test]
fn members_unknown_to_the_graph_answer_empty() {
    let g = Graph::from_edges(3, &[(0, 1), (1, 2)]);
    let snap = g.snapshot();
    for (a, b) in [(7, 0), (0, 7), (7, 8), (7, 7)] {
        assert_eq!(snap.degree(a, b), None);
        assert_eq!(snap.mutual_count(a, b), 0);
        assert!(snap.mutuals(a, b, 10).is_empty());
        assert_eq!(snap.path(a, b), (a == b).then(|| vec![a]));
        assert_eq!(
            snap.path_avoiding(a, b, |_| true),
            (a == b).then(|| vec![a])
        );
    }
    assert_eq!(snap.network_counts(7), Default::default());
    assert!(snap
        .suggestions(7, SuggestOptions::default(), |_| false)
        .is_empty());
}

/// A caller's closure that panics halfway through a query leaves no trace in the next answers
/// (a web server catches the panic and goes on using the thread).
#[test]
fn a_panicking_closure_does_not_poison_later_queries() {
    let n = 500u32;
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let edges: Vec<(Node, Node)> = (0..1500)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            ((x % n as u64) as Node, ((x >> 32) % n as u64) as Node)
        })
        .collect();
    let g = Graph::from_edges(n, &edges);
    let snap = g.snapshot();
    let answers = |a: Node| {
        let far = (a + n / 2) % n;
        (
            snap.network_counts(a),
            snap.suggestions(a, SuggestOptions::default(), |_| false),
            snap.path(a, far),
        )
    };
    let before: Vec<_> = (0..n).map(answers).collect();
    for a in 0..n {
        let calls = std::cell::Cell::new(0);
        let far = (a + n / 2) % n;
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            snap.path_avoiding(a, far, |_| {
                calls.set(calls.get() + 1);
                calls.get() > 3 && panic!("boom")
            })
        }));
        assert_eq!(
            answers(a),
            before[a as usize],
            "after a panic in a path search"
        );
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            snap.suggestions(a, SuggestOptions::default(), |_| panic!("boom"))
        }));
        assert_eq!(
            answers(a),
            before[a as usize],
            "after a panic in suggestions"
        );
    }
}

/// Readers run while a writer connects, disconnects and compacts. Every snapshot a reader takes
/// must be symmetric and answer consistently with its own lists; at the end, the graph equals
/// the writer's reference.
#[test]
fn readers_see_consistent_snapshots_under_concurrent_writes() {
    let n = 60u32;
    let g = Graph::from_edges(n, &[(0, 1), (1, 2), (2, 3)]);
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let readers: Vec<_> = (0..2)
        .map(|r| {
            let (g, stop) = (g.clone(), stop.clone());
            std::thread::spawn(move || {
                let mut checked = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) || checked < 20 {
                    let snap = g.snapshot();
                    let adj = adj_of(&snap);
                    for a in 0..n {
                        for &b in &adj[a as usize] {
                            assert!(
                                adj[b as usize].contains(&a),
                                "half an edge {a}-{b} seen by reader {r}"
                            );
                        }
                    }
                    let a = (checked * 7 + r) % n;
                    let dist = bfs(&adj, a);
                    for b in 0..n {
                        let want = dist
                            .get(&b)
                            .copied()
                            .filter(|&d| (1..=3).contains(&d))
                            .map(|d| d as u8);
                        assert_eq!(snap.degree(a, b), if a == b { None } else { want });
                    }
                    checked += 1;
                }
                checked
            })
        })
        .collect();
    let mut adj: Adj = adj_of(&g.snapshot());
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    for i in 0..4000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let (a, b) = ((x % n as u64) as Node, ((x >> 20) % n as u64) as Node);
        if x.is_multiple_of(3) {
            g.disconnect(a, b);
            adj[a as usize].remove(&b);
            adj[b as usize].remove(&a);
        } else if a != b {
            g.connect(a, b);
            adj[a as usize].insert(b);
            adj[b as usize].insert(a);
        }
        if i % 500 == 0 {
            let g2 = g.clone();
            std::thread::spawn(move || g2.compact()).join().unwrap();
        }
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for r in readers {
        assert!(r.join().unwrap() >= 20);
    }
    g.compact();
    check(&g.snapshot(), &adj);
}
