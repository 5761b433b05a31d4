//! `guild bench feed`: generates the network of `guild bench graph` and a fortnight of posts
//! on it ([`crate::gen`]), builds the index, asks for many viewers' pages, and reports
//! latencies, sizes, fairness, the machine and the budget of DESIGN.md as one JSON object
//! ([`FeedBenchReport::to_json`]).
//!
//! Viewers come from a fixed seed: half drawn uniformly, half as the end of a random
//! connection — so in proportion to their connections, which puts the members with
//! thousands of connections (the costly pages) well inside the p99. Each viewer follows five
//! members picked the same way (popular members are followed more) and zero to three
//! hashtags; degrees come from the graph, as the server's do. For each viewer, in turn:
//! `feed_page` (the first relevant page of 20), `feed_page_next` (its second page),
//! `feed_page_recent` (the first recent page) and `hashtag_page` (20 items of one of the
//! viewer's hashtags, or a popular one). One thread, one query at a time: latencies.
//!
//! **Fairness.** The top 1 % of authors by connections get some share of all engagement;
//! `top_1pct_slot_share` is their share of the slots of every `feed_page` served. Ranking by
//! rate rather than reach keeps the first at or below the second.

use std::hint::black_box;
use std::time::Instant;

use guild_graph::bench::{percentile, Budget, Machine, OpStats};
use guild_graph::{gen as net, Graph, Snapshot};

use crate::gen::{self, WorldSpec};
use crate::{Cursor, FeedIndex, FeedQuery, Member, Sort, Sources};
use guild_graph::rng::Rng;

mod json;

/// What to generate and how many viewers to ask; the default is the network of the budgets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedBenchOptions {
    pub members: u32,
    pub avg_connections: u32,
    pub posts: u64,
    /// Reactions, comments and reposts in all.
    pub reactions: u64,
    pub seed: u64,
    pub queries: usize,
}

impl Default for FeedBenchOptions {
    fn default() -> Self {
        FeedBenchOptions {
            members: 1_000_000,
            avg_connections: 100,
            posts: 10_000_000,
            reactions: 100_000_000,
            seed: 42,
            queries: 5_000,
        }
    }
}

/// Engagement of the most connected members against their share of what feeds served.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Fairness {
    pub top_1pct_slot_share: f64,
    pub top_1pct_engagement_share: f64,
    /// How many members the top 1 % is, and the fewest connections among them.
    pub top_1pct_members: u32,
    pub top_1pct_min_connections: u32,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FeedBenchReport {
    pub machine: Machine,
    pub members: u32,
    pub edges: u64,
    pub world: gen::World,
    /// Generating the network, then the posts and events (not part of `build_s`).
    pub network_s: f64,
    /// Generating the world and filling the index with it: inserts and replays.
    pub build_s: f64,
    pub memory_bytes: usize,
    /// The process's peak resident memory (`VmHWM`), network and generator included.
    pub peak_rss_bytes: u64,
    /// Items per `feed_page` on average (20 unless the viewer's feed is short).
    pub items_per_page: f64,
    pub ops: Vec<(&'static str, OpStats)>,
    pub fairness: Fairness,
    pub budgets: Vec<Budget>,
}

const STREAM_VIEWERS: u64 = 0xFEED;
const PAGE: usize = 20;
const FOLLOWS: usize = 5;
/// Untimed viewers before the timed ones: caches warm, allocators settle.
const WARM_UP: usize = 50;

/// One viewer's question: who, and what they follow.
struct Viewer {
    id: Member,
    following: Vec<Member>,
    hashtags: Vec<String>,
}

pub fn run(opts: FeedBenchOptions, progress: &mut dyn FnMut(&str)) -> FeedBenchReport {
    let machine = Machine::detect();
    progress(&format!(
        "generating {} members, {} connections each on average, seed {}",
        opts.members, opts.avg_connections, opts.seed
    ));
    let t = Instant::now();
    let network = net::generate(opts.members, opts.avg_connections, opts.seed);
    let graph = Graph::from_edges(network.members, &network.edges);
    let snap = graph.snapshot();
    let mut rng = Rng::stream(opts.seed, STREAM_VIEWERS);
    let edges = &network.edges;
    let by_connection = |rng: &mut Rng| -> Member {
        if edges.is_empty() {
            return rng.below(u64::from(opts.members.max(1))) as Member;
        }
        let (a, b) = edges[rng.below(edges.len() as u64) as usize];
        if rng.below(2) == 0 {
            a
        } else {
            b
        }
    };
    let viewers: Vec<Viewer> = (0..opts.queries + WARM_UP)
        .map(|i| {
            let id = if i % 2 == 0 {
                rng.below(u64::from(opts.members.max(1))) as Member
            } else {
                by_connection(&mut rng)
            };
            let mut following: Vec<Member> = (0..FOLLOWS)
                .map(|_| by_connection(&mut rng))
                .filter(|&m| m != id)
                .collect();
            following.sort_unstable();
            following.dedup();
            let hashtags = (0..rng.below(4))
                .map(|_| gen::tag(gen::popular_tag(&mut rng)))
                .collect();
            Viewer {
                id,
                following,
                hashtags,
            }
        })
        .collect();
    drop(network);
    let network_s = t.elapsed().as_secs_f64();
    progress(&format!(
        "network ready in {network_s:.1} s: {} connections",
        snap.edge_count()
    ));

    let t = Instant::now();
    let index = FeedIndex::new();
    let spec = WorldSpec {
        posts: opts.posts,
        reactions: opts.reactions,
        activity_events: opts.reactions / 10,
        seen_events: opts.posts / 2,
        seed: opts.seed,
        now_ms: NOW_MS,
    };
    let world = gen::populate(&index, &snap, &spec, progress);
    let build_s = t.elapsed().as_secs_f64();
    let memory_bytes = index.memory_bytes();
    progress(&format!(
        "built in {build_s:.1} s: {} items, {:.0} MB",
        index.len(),
        memory_bytes as f64 / 1e6
    ));

    let top = top_connected(&snap);
    let (ops, served, top_served, pages) = ask(&index, &snap, &viewers, progress);
    let engagement: u64 = world.engagement_by_author.iter().sum();
    let top_engagement: u64 = top
        .iter()
        .map(|&m| world.engagement_by_author[m as usize])
        .sum();
    let fairness = Fairness {
        top_1pct_slot_share: top_served as f64 / served.max(1) as f64,
        top_1pct_engagement_share: top_engagement as f64 / engagement.max(1) as f64,
        top_1pct_members: top.len() as u32,
        top_1pct_min_connections: top.last().map_or(0, |&m| snap.connection_count(m) as u32),
    };
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
        budget("feed_page_p99_us", 20_000.0, op("feed_page").p99_us),
        budget(
            "feed_page_recent_p99_us",
            20_000.0,
            op("feed_page_recent").p99_us,
        ),
    ];
    FeedBenchReport {
        machine,
        members: snap.node_count(),
        edges: snap.edge_count(),
        world,
        network_s,
        build_s,
        memory_bytes,
        peak_rss_bytes: peak_rss(),
        items_per_page: served as f64 / pages.max(1) as f64,
        ops,
        fairness,
        budgets,
    }
}

/// "Now" for the generated world: a fixed instant, so runs compare.
const NOW_MS: i64 = 1_700_000_000_000;

/// The 1 % of members with the most connections (at least one member), most first.
fn top_connected(snap: &Snapshot) -> Vec<Member> {
    let mut all: Vec<Member> = (0..snap.node_count()).collect();
    let k = (all.len() / 100).max(1).min(all.len());
    all.sort_unstable_by_key(|&m| (std::cmp::Reverse(snap.connection_count(m)), m));
    all.truncate(k);
    all
}

type Asked = (Vec<(&'static str, OpStats)>, u64, u64, u64);

/// Every viewer's pages, timed; also the slots served and those by the top 1 %.
fn ask(
    index: &FeedIndex,
    snap: &Snapshot,
    viewers: &[Viewer],
    progress: &mut dyn FnMut(&str),
) -> Asked {
    progress(&format!(
        "timing feed pages for {} viewers",
        viewers.len().saturating_sub(WARM_UP)
    ));
    let top = top_connected(snap);
    let mut is_top = vec![false; snap.node_count() as usize];
    for &m in &top {
        is_top[m as usize] = true;
    }
    let names = [
        "feed_page",
        "feed_page_next",
        "feed_page_recent",
        "hashtag_page",
    ];
    let mut us: [Vec<f64>; 4] = Default::default();
    let (mut served, mut top_served, mut pages) = (0u64, 0u64, 0u64);
    let hidden = |_m: Member| false;
    for (i, v) in viewers.iter().enumerate() {
        let connections = snap.neighbours(v.id);
        let degree = |m: Member| snap.degree(v.id, m);
        let s = Sources {
            connections,
            following: &v.following,
            hashtags: &v.hashtags,
            hidden: &hidden,
            degree: &degree,
        };
        let mut q = FeedQuery {
            viewer: v.id,
            now_ms: NOW_MS,
            sort: Sort::Relevant,
            cursor: Cursor::Start,
            limit: PAGE,
        };
        let timed = i >= WARM_UP;
        let t = Instant::now();
        let first = index.feed(&q, &s);
        let t0 = t.elapsed().as_secs_f64() * 1e6;
        q.cursor = first.next.unwrap_or(Cursor::Start);
        let t = Instant::now();
        black_box(index.feed(&q, &s));
        let t1 = t.elapsed().as_secs_f64() * 1e6;
        q.sort = Sort::Recent;
        q.cursor = Cursor::Start;
        let t = Instant::now();
        black_box(index.feed(&q, &s));
        let t2 = t.elapsed().as_secs_f64() * 1e6;
        let tag = v.hashtags.first().cloned().unwrap_or_else(|| gen::tag(0));
        let t = Instant::now();
        black_box(index.hashtag(&tag, connections, v.id, &hidden, None, PAGE));
        let t3 = t.elapsed().as_secs_f64() * 1e6;
        if timed {
            for (k, x) in [t0, t1, t2, t3].into_iter().enumerate() {
                us[k].push(x);
            }
            pages += 1;
            served += first.items.len() as u64;
            top_served += first
                .items
                .iter()
                .filter(|r| is_top[r.author as usize])
                .count() as u64;
        }
        if (i + 1) % 1_000 == 0 {
            progress(&format!("{} viewers asked", i + 1));
        }
    }
    let ops = names
        .iter()
        .zip(us.iter_mut())
        .map(|(&name, v)| {
            v.sort_unstable_by(f64::total_cmp);
            let stats = OpStats {
                p50_us: percentile(v, 50.0),
                p99_us: percentile(v, 99.0),
                p999_us: percentile(v, 99.9),
                count: v.len(),
            };
            (name, stats)
        })
        .collect();
    (ops, served, top_served, pages)
}

/// `VmHWM` of this process in bytes (Linux), 0 elsewhere.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb * 1024)
}

#[cfg(test)]
mod tests;
