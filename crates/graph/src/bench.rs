//! `guild bench graph`: generates a network ([`crate::gen`]), builds the engine from its edge
//! list, times every query over many random samples, and reports latencies, sizes, the machine
//! and the budgets of DESIGN.md as one JSON object ([`BenchReport::to_json`]).
//!
//! Samples come from a fixed seed, so two runs ask the same questions. Queries run one at a
//! time on one thread: these are latencies, not throughput.
//!
//! Which questions:
//! - Pairs (`degree`, `mutual_count`, `mutual_list`, `path`): half are two members drawn
//!   uniformly — mostly 3rd degree or beyond, the long search that ends in "not connected" —
//!   and half are the two ends of a random walk of 2 or 3 steps: 1st to 3rd degree, the pairs
//!   a member meets browsing their own network. Walks reach well-connected members more often,
//!   as browsing does, which makes these the costlier half.
//! - Members (`network_counts`, `pymk`): drawn uniformly.
//!
//! Reading `/proc` for the machine description is the only file the crate opens itself.

use std::hint::black_box;
use std::time::Instant;

use crate::rng::Rng;
use crate::{gen, Graph, Node, Snapshot, SuggestOptions};

pub mod json;

/// What to generate; [`BenchOptions::default`] is the network of the budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BenchOptions {
    pub members: u32,
    pub avg_connections: u32,
    pub seed: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            members: 1_000_000,
            avg_connections: 100,
            seed: 42,
        }
    }
}

/// Latency percentiles of one query, in microseconds, over `count` samples.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct OpStats {
    pub p50_us: f64,
    pub p99_us: f64,
    pub p999_us: f64,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// `model name` from `/proc/cpuinfo`, or `"unknown"`.
    pub cpu: String,
    /// Logical cores this process may use.
    pub cores: usize,
    /// `MemTotal` from `/proc/meminfo`, 0 when unknown.
    pub memory_bytes: u64,
    pub os: &'static str,
    pub arch: &'static str,
    /// Built without optimisations: figures are not comparable to a release build's.
    pub debug_build: bool,
}

/// One budget of DESIGN.md: met when `value ≤ limit`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    pub name: &'static str,
    pub limit: f64,
    pub value: f64,
    pub met: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    pub machine: Machine,
    pub members: u32,
    /// Undirected connections.
    pub edges: u64,
    /// Building the engine from the edge list.
    pub build_s: f64,
    /// Engine memory per directed edge (each connection counts twice).
    pub bytes_per_edge: f64,
    /// Generating the network (not part of `build_s`).
    pub generate_s: f64,
    /// In the order they ran: `degree`, `mutual_count`, `mutual_list`, `network_counts`,
    /// `path`, `pymk`.
    pub ops: Vec<(&'static str, OpStats)>,
    pub budgets: Vec<Budget>,
}

/// Samples per query: many for the cheap ones, fewer for those that walk much of the graph.
#[derive(Debug, Clone, Copy)]
struct Samples {
    /// For `degree`, `mutual_count`, `mutual_list` and `path` (the same pairs for each).
    pairs: usize,
    pymk: usize,
    /// The first of the `pymk` members: each call walks most of the network.
    network_counts: usize,
}

const SAMPLES: Samples = Samples {
    pairs: 100_000,
    pymk: 10_000,
    network_counts: 100,
};
/// Untimed calls before each series: thread-local scratch space gets allocated, caches warm.
const WARM_UP: usize = 100;
const STREAM_BENCH: u64 = 0xBE4C;

/// Runs the whole benchmark; `progress` hears what is going on (for stderr).
pub fn run(opts: BenchOptions, progress: &mut dyn FnMut(&str)) -> BenchReport {
    run_with(opts, SAMPLES, progress)
}

fn run_with(opts: BenchOptions, samples: Samples, progress: &mut dyn FnMut(&str)) -> BenchReport {
    let machine = Machine::detect();
    progress(&format!(
        "generating {} members, {} connections each on average, seed {}",
        opts.members, opts.avg_connections, opts.seed
    ));
    let t = Instant::now();
    let network = gen::generate(opts.members, opts.avg_connections, opts.seed);
    let generate_s = t.elapsed().as_secs_f64();
    progress(&format!(
        "generated {} connections in {generate_s:.1} s; building the graph",
        network.edges.len()
    ));
    let t = Instant::now();
    let graph = Graph::from_edges(network.members, &network.edges);
    let build_s = t.elapsed().as_secs_f64();
    drop(network);
    let snap = graph.snapshot();
    let edges = snap.edge_count();
    let bytes_per_edge = snap.memory_bytes() as f64 / (2 * edges).max(1) as f64;
    progress(&format!(
        "built in {build_s:.1} s, {bytes_per_edge:.2} bytes per directed edge"
    ));

    let mut rng = Rng::stream(opts.seed, STREAM_BENCH);
    let pairs = sample_pairs(&snap, &mut rng, samples.pairs);
    let people: Vec<Node> = (0..samples.pymk)
        .map(|_| rng.below(u64::from(snap.node_count().max(1))) as Node)
        .collect();
    let few = &people[..samples.network_counts.min(people.len())];
    let s = &*snap;
    let pymk = |&a: &Node| s.suggestions(a, SuggestOptions::default(), |_| false);
    let ops = vec![
        time(progress, "degree", &pairs, |&(a, b)| s.degree(a, b)),
        time(progress, "mutual_count", &pairs, |&(a, b)| {
            s.mutual_count(a, b)
        }),
        time(progress, "mutual_list", &pairs, |&(a, b)| {
            s.mutuals(a, b, 100)
        }),
        time(progress, "network_counts", few, |&a| s.network_counts(a)),
        time(progress, "path", &pairs, |&(a, b)| s.path(a, b)),
        time(progress, "pymk", &people, pymk),
    ];
    let op = |name: &str| {
        ops.iter()
            .find(|(n, _)| *n == name)
            .map_or_else(OpStats::default, |(_, s)| *s)
    };
    let budget = |name, limit, value| Budget {
        name,
        limit,
        value,
        met: value <= limit,
    };
    let budgets = vec![
        budget("degree_p99_us", 100.0, op("degree").p99_us),
        budget("mutual_count_p50_us", 2.0, op("mutual_count").p50_us),
        budget("mutual_list_p99_us", 200.0, op("mutual_list").p99_us),
        budget("pymk_p99_us", 10_000.0, op("pymk").p99_us),
        budget("path_p99_us", 5_000.0, op("path").p99_us),
        budget("build_s", 60.0, build_s),
        budget("bytes_per_edge", 6.0, bytes_per_edge),
    ];
    BenchReport {
        machine,
        members: snap.node_count(),
        edges,
        build_s,
        bytes_per_edge,
        generate_s,
        ops,
        budgets,
    }
}

/// Half uniform pairs, half ends of 2- and 3-step random walks (see the module doc).
fn sample_pairs(snap: &Snapshot, rng: &mut Rng, count: usize) -> Vec<(Node, Node)> {
    let n = u64::from(snap.node_count());
    if n < 2 {
        return vec![(0, 0); count.min(1)];
    }
    let uniform = |rng: &mut Rng| {
        let a = rng.below(n) as Node;
        let b = (a as u64 + 1 + rng.below(n - 1)) % n;
        (a, b as Node)
    };
    (0..count)
        .map(|i| {
            if i % 2 == 0 {
                return uniform(rng);
            }
            let steps = 2 + (i / 2) % 2;
            for _ in 0..32 {
                let a = rng.below(n) as Node;
                let mut z = Some(a);
                for _ in 0..steps {
                    z = z.and_then(|z| {
                        let l = snap.neighbours(z);
                        (!l.is_empty()).then(|| l[rng.below(l.len() as u64) as usize])
                    });
                }
                match z {
                    Some(z) if z != a => return (a, z),
                    _ => {}
                }
            }
            uniform(rng)
        })
        .collect()
}

/// Times `op` once per sample, after a few untimed calls.
fn time<S, T>(
    progress: &mut dyn FnMut(&str),
    name: &'static str,
    samples: &[S],
    op: impl Fn(&S) -> T,
) -> (&'static str, OpStats) {
    progress(&format!("timing {name} over {} samples", samples.len()));
    for s in samples.iter().take(WARM_UP) {
        black_box(op(s));
    }
    let mut us: Vec<f64> = samples
        .iter()
        .map(|s| {
            let t = Instant::now();
            black_box(op(black_box(s)));
            t.elapsed().as_secs_f64() * 1e6
        })
        .collect();
    us.sort_unstable_by(f64::total_cmp);
    let stats = OpStats {
        p50_us: percentile(&us, 50.0),
        p99_us: percentile(&us, 99.0),
        p999_us: percentile(&us, 99.9),
        count: us.len(),
    };
    (name, stats)
}

/// Nearest-rank percentile of ascending `sorted` (`p` in 0..=100): the smallest value with at
/// least `p` % of the samples at or below it. 0 for no samples.
pub fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    // The epsilon keeps 99.9 % of 1000 at rank 999 despite 99.9 having no exact binary form.
    let rank = (p / 100.0 * sorted.len() as f64 - 1e-9).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

impl Machine {
    /// Describes this machine (Linux `/proc`; elsewhere the unknown fields stay empty).
    pub fn detect() -> Machine {
        let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
        let field = |text: &str, key: &str| -> Option<String> {
            text.lines()
                .filter_map(|l| l.split_once(':'))
                .find(|(k, _)| k.trim() == key)
                .map(|(_, v)| v.trim().to_owned())
        };
        let memory_kb = field(&read("/proc/meminfo"), "MemTotal")
            .and_then(|v| v.trim_end_matches("kB").trim().parse::<u64>().ok());
        Machine {
            cpu: field(&read("/proc/cpuinfo"), "model name").unwrap_or_else(|| "unknown".into()),
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes: memory_kb.unwrap_or(0) * 1024,
            os: std::env::consts::OS,
            arch: std::env::consts::ARCH,
            debug_build: cfg!(debug_assertions),
        }
    }
}

#[cfg(test)]
mod tests;
