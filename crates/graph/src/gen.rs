//! A deterministic generator of realistic professional networks — for `guild bench graph`,
//! `guild export graph` and demos: heavy-tailed degrees, communities by employer, school, city.
//!
//! # The model
//! 1. Every member gets an employer, a school and a city. Community sizes are heavy-tailed: the
//!    id is `⌊count · u²⌋` for a uniform `u`, so low ids are the big ones. At a million members:
//!    2,500 employers of ~20,000 down to ~200 people, 4,000 schools of ~16,000 down to ~125,
//!    200 cities of ~70,000 down to ~2,500.
//! 2. Every member gets a target degree from a Lomax (shifted Pareto) law of tail index 2,
//!    `x = 1/√u − 1`, scaled so that targets average `avg_connections`, and capped at
//!    `max_connections` (30,000, as on LinkedIn). The median is ≈ 0.42 × the mean, about 1 % of
//!    members have no connection, 1 in 10⁴ has over 100 × the mean.
//! 3. The target is split into stubs: 45 % employer, 20 % school, 20 % city, the rest anyone.
//!    A member pairs with at most a quarter of its employer and school and an eighth of its
//!    city (`ROOM`); the excess moves to the city, and from there to anyone.
//! 4. Inside each community, and in `POOLS` "anyone" pools that span everybody, stubs are
//!    paired at random (a configuration model), and self-loops and repeats are repaired by
//!    double-edge swaps within the community (see `pairing`).
//! 5. The few stubs no swap could place (and pairs made twice by two communities) are
//!    re-paired at random over the whole network for a few rounds. What is still missing then
//!    (stubs of the biggest members, which by now only repeat pairs among themselves) goes to
//!    strangers: half of the missing stubs each get a uniformly drawn partner, who goes one
//!    over their own target, and the total is whole again. No member exceeds the cap.
//!
//! At 1,000,000 members × 100 (seed 42): 50,000,000 connections, mean degree 100.0, median
//! 42, p99 903, max 28,776, 0.9 % of members unconnected; of the connections, 32 % share an
//! employer, 16 % a school, 31 % a city, 79 % at least one of these. About 8 s on 2 cores,
//! under 700 MB at the peak.
//!
//! # Determinism
//! Only integer arithmetic and IEEE-exact float operations (`+ − × ÷ √`; no `ln` or `powf`,
//! whose last bit differs between math libraries), and one random stream per job: jobs run on
//! any thread in any order and the result is sorted, so one spec gives the same edges on every
//! platform and with any number of cores.

use std::sync::atomic::{AtomicUsize, Ordering};

use crate::rng::Rng;
use crate::{Csr, Node};

mod pairing;

use pairing::{ends, key, pair_community, KeySet};

/// The most connections a generated member has (LinkedIn's limit).
pub const MAX_CONNECTIONS: u32 = 30_000;

/// Shares of each member's target degree, in percent: employer, school, city; the rest: anyone.
const SHARES: [u64; 3] = [45, 20, 20];
/// Members per community: one employer per 400 members, one school per 250, one city per 5,000.
const MEMBERS_PER: [u32; 3] = [400, 250, 5_000];
/// A member pairs with at most `1 / ROOM` of the other members of its employer, school, city.
/// Beyond that, stubs repeat pairs more than they make new ones (and the big cities would
/// cluster around their hubs); the excess moves to the city, then to anyone.
const ROOM: [u64; 3] = [4, 4, 8];
/// The "anyone" stubs are paired in this many independent pools, so that they too split into
/// jobs for several threads. A fixed number: the output must not depend on the core count.
const POOLS: u32 = 8;
/// Rounds of re-pairing, over the whole network, the stubs no swap could place.
const TOP_UP_ROUNDS: u64 = 4;

// Stream ids: one independent random stream per purpose and per job.
const STREAM_PROFILES: u64 = 1;
const STREAM_DEGREES: u64 = 2;
const STREAM_SPLIT: u64 = 3;
const STREAM_JOB: u64 = 1 << 40;
const STREAM_TOP_UP: u64 = 2 << 40;
const STREAM_STRANGERS: u64 = 3 << 40;

/// What to generate. [`NetworkSpec::new`] fills in the default cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NetworkSpec {
    pub members: u32,
    /// The mean degree aimed at.
    pub avg_connections: u32,
    pub seed: u64,
    /// No member gets more connections than this.
    pub max_connections: u32,
}

/// The communities a generated member belongs to (dense ids, low ids are the big ones).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Profile {
    pub employer: u32,
    pub school: u32,
    pub city: u32,
}

/// A generated network over members `0..members`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Network {
    pub members: u32,
    /// Each undirected connection once, as `(a, b)` with `a < b`, sorted; no repeats.
    pub edges: Vec<(Node, Node)>,
    /// Indexed by member.
    pub profiles: Vec<Profile>,
}

impl Network {
    /// Connections per member.
    pub fn degrees(&self) -> Vec<u32> {
        let mut deg = vec![0u32; self.members as usize];
        for &(a, b) in &self.edges {
            deg[a as usize] += 1;
            deg[b as usize] += 1;
        }
        deg
    }
}

/// The network `guild bench graph` and `guild export graph` use for these three numbers.
pub fn generate(members: u32, avg_connections: u32, seed: u64) -> Network {
    NetworkSpec::new(members, avg_connections, seed).generate()
}

impl NetworkSpec {
    pub fn new(members: u32, avg_connections: u32, seed: u64) -> NetworkSpec {
        NetworkSpec {
            members,
            avg_connections,
            seed,
            max_connections: MAX_CONNECTIONS,
        }
    }

    pub fn generate(&self) -> Network {
        let n = self.members;
        let counts = MEMBERS_PER.map(|per| (n / per).max(1));
        let mut rng = Rng::stream(self.seed, STREAM_PROFILES);
        let profiles: Vec<Profile> = (0..n)
            .map(|_| Profile {
                employer: pick(&mut rng, counts[0]),
                school: pick(&mut rng, counts[1]),
                city: pick(&mut rng, counts[2]),
            })
            .collect();
        let community = |k: usize, p: &Profile| [p.employer, p.school, p.city][k];
        let groups: Vec<Csr> = (0..3)
            .map(|k| group(counts[k], profiles.iter().map(|p| community(k, p))))
            .collect();
        let targets = self.target_degrees();
        let stubs = split_stubs(&profiles, &targets, &groups, self.seed);
        let parts = pair_communities(n, &groups, &stubs, self.seed);
        let upper = half_adjacency(n, parts);
        let extra = top_up(&upper, &targets, self.max_connections, self.seed);
        Network {
            members: n,
            edges: merge(&upper, &extra),
            profiles,
        }
    }

    /// Lomax(2) draws scaled so the capped, rounded targets sum to `members × avg`.
    fn target_degrees(&self) -> Vec<u32> {
        let cap = self.max_connections.min(self.members.saturating_sub(1));
        let mut rng = Rng::stream(self.seed, STREAM_DEGREES);
        let x: Vec<f64> = (0..self.members)
            .map(|_| 1.0 / rng.unit().sqrt() - 1.0)
            .collect();
        let degree = |scale: f64, x: f64| {
            let d = scale * x + 0.5;
            if d >= f64::from(cap) {
                cap
            } else {
                d as u32
            }
        };
        let total = |scale: f64| x.iter().map(|&x| u64::from(degree(scale, x))).sum::<u64>();
        let want = u64::from(self.members) * u64::from(self.avg_connections);
        let (mut lo, mut hi) = (0.0f64, f64::from(self.avg_connections.max(1)));
        while total(hi) < want && hi < 1e15 {
            hi *= 2.0;
        }
        for _ in 0..48 {
            let mid = (lo + hi) / 2.0;
            if total(mid) < want {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        x.iter().map(|&x| degree(hi, x)).collect()
    }
}

/// `⌊count · u²⌋`: community `c` draws `∝ 1/√c` of the members, `0` is the biggest.
fn pick(rng: &mut Rng, count: u32) -> u32 {
    let u = rng.unit();
    ((f64::from(count) * u * u) as u32).min(count - 1)
}

/// Members by community, as rows of a [`Csr`]: row `c` lists the members of community `c`.
fn group(count: u32, ids: impl Iterator<Item = u32> + Clone) -> Csr {
    let mut offsets = vec![0u64; count as usize + 1];
    for c in ids.clone() {
        offsets[c as usize + 1] += 1;
    }
    for i in 0..count as usize {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut targets = vec![0; offsets[count as usize] as usize];
    for (m, c) in ids.enumerate() {
        targets[fill[c as usize] as usize] = m as Node;
        fill[c as usize] += 1;
    }
    Csr { offsets, targets }
}

/// Stubs per member for employer, school, city and anyone (in that order).
fn split_stubs(profiles: &[Profile], targets: &[u32], groups: &[Csr], seed: u64) -> [Vec<u32>; 4] {
    let mut rng = Rng::stream(seed, STREAM_SPLIT);
    let mut out: [Vec<u32>; 4] = Default::default();
    for (p, &d) in profiles.iter().zip(targets) {
        let d = u64::from(d);
        let mut s = [0u64; 4];
        let mut left = d;
        for k in 0..3 {
            // Randomised rounding keeps every share exact on average, even for small degrees.
            s[k] = ((d * SHARES[k] + rng.below(100)) / 100).min(left);
            left -= s[k];
        }
        s[3] = left;
        let room = |k: usize, c: u32| (groups[k].list(c).len() as u64).saturating_sub(1) / ROOM[k];
        for (k, c) in [(0, p.employer), (1, p.school)] {
            let over = s[k].saturating_sub(room(k, c));
            s[k] -= over;
            s[2] += over;
        }
        let over = s[2].saturating_sub(room(2, p.city));
        s[2] -= over;
        s[3] += over;
        for k in 0..4 {
            out[k].push(s[k] as u32);
        }
    }
    out
}

/// Pairs the stubs of every community and pool, on all cores: one list of pair keys per
/// thread (distinct within a community, not across).
fn pair_communities(n: u32, groups: &[Csr], stubs: &[Vec<u32>; 4], seed: u64) -> Vec<Vec<u64>> {
    // Biggest first (cities, pools, schools, employers), for an even split between threads.
    let mut jobs: Vec<(usize, u32)> = (0..groups[2].offsets.len() as u32 - 1)
        .map(|c| (2, c))
        .collect();
    jobs.extend((0..POOLS).map(|p| (3, p)));
    for k in [1, 0] {
        jobs.extend((0..groups[k].offsets.len() as u32 - 1).map(|c| (k, c)));
    }
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(8));
    let work = || {
        let (mut tokens, mut out) = (Vec::new(), Vec::new());
        while let Some(&(k, c)) = jobs.get(next.fetch_add(1, Ordering::Relaxed)) {
            tokens.clear();
            if k < 3 {
                for &m in groups[k].list(c) {
                    let s = stubs[k][m as usize] as usize;
                    tokens.extend(std::iter::repeat_n(m, s));
                }
            } else {
                for m in 0..n {
                    tokens.extend(std::iter::repeat_n(
                        m,
                        pool_share(stubs[3][m as usize], m, c),
                    ));
                }
            }
            let stream = STREAM_JOB + ((k as u64) << 32) + u64::from(c);
            pair_community(&mut Rng::stream(seed, stream), &mut tokens, &mut out);
        }
        out
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads).map(|_| s.spawn(work)).collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

/// How many of a member's `r` anyone-stubs go to pool `p`: stub `j` goes to `(m + j) % POOLS`.
fn pool_share(r: u32, m: Node, p: u32) -> usize {
    let first = (p + POOLS - m % POOLS) % POOLS;
    if r > first {
        ((r - first - 1) / POOLS + 1) as usize
    } else {
        0
    }
}

/// Each pair once, under its smaller end: row `a` of the result lists the `b > a`, sorted.
fn half_adjacency(n: u32, parts: Vec<Vec<u64>>) -> Csr {
    let mut offsets = vec![0u64; n as usize + 1];
    for &k in parts.iter().flatten() {
        offsets[ends(k).0 as usize + 1] += 1;
    }
    for i in 0..n as usize {
        offsets[i + 1] += offsets[i];
    }
    let mut fill = offsets.clone();
    let mut targets = vec![0; offsets[n as usize] as usize];
    for part in parts {
        for k in part {
            let (a, b) = ends(k);
            targets[fill[a as usize] as usize] = b;
            fill[a as usize] += 1;
        }
    }
    let mut csr = Csr { offsets, targets };
    csr.sort_and_dedup();
    csr
}

/// Re-pairs, at random over the whole network, the stubs lost to self-loops and repeats
/// that no swap could place, then makes up what is still missing with strangers (see the
/// module doc). Returns the new pairs as sorted keys. Never takes a member past `cap`.
fn top_up(upper: &Csr, targets: &[u32], cap: u32, seed: u64) -> Vec<u64> {
    let mut deg = vec![0u32; targets.len()];
    for a in 0..targets.len() {
        let l = upper.list(a as Node);
        deg[a] += l.len() as u32;
        for &b in l {
            deg[b as usize] += 1;
        }
    }
    let missing = |deg: &[u32]| {
        let mut tokens: Vec<Node> = Vec::new();
        for (m, (&d, &t)) in deg.iter().zip(targets).enumerate() {
            tokens.extend(std::iter::repeat_n(m as Node, t.saturating_sub(d) as usize));
        }
        tokens
    };
    let known = |k: u64, extra: &[u64]| {
        let (a, b) = ends(k);
        upper.list(a).binary_search(&b).is_ok() || extra.binary_search(&k).is_ok()
    };
    let mut extra: Vec<u64> = Vec::new();
    for round in 0..TOP_UP_ROUNDS {
        let mut tokens = missing(&deg);
        let mut fresh = Vec::new();
        let rng = &mut Rng::stream(seed, STREAM_TOP_UP + round);
        pair_community(rng, &mut tokens, &mut fresh);
        fresh.retain(|&k| !known(k, &extra));
        for &k in &fresh {
            let (a, b) = ends(k);
            deg[a as usize] += 1;
            deg[b as usize] += 1;
        }
        extra.extend(fresh);
        extra.sort_unstable();
    }
    let mut tokens = missing(&deg);
    let rng = &mut Rng::stream(seed, STREAM_STRANGERS);
    rng.shuffle(&mut tokens);
    let (mut fresh, mut seen) = (Vec::new(), KeySet::default());
    let n = targets.len() as u64;
    for &u in &tokens[..tokens.len() / 2] {
        for _ in 0..16 {
            let v = rng.below(n) as Node;
            let k = key(u, v);
            if deg[u as usize] >= cap || deg[v as usize] >= cap || u == v || known(k, &extra) {
                continue;
            }
            if seen.insert(k) {
                deg[u as usize] += 1;
                deg[v as usize] += 1;
                fresh.push(k);
                break;
            }
        }
    }
    extra.extend(fresh);
    extra.sort_unstable();
    extra
}

/// The half adjacency and the sorted extra keys, merged into one sorted edge list.
fn merge(upper: &Csr, extra: &[u64]) -> Vec<(Node, Node)> {
    let mut out = Vec::with_capacity(upper.targets.len() + extra.len());
    let mut extra = extra.iter().map(|&k| ends(k)).peekable();
    for a in 0..upper.offsets.len().saturating_sub(1) as Node {
        let mut list = upper.list(a).iter().peekable();
        while let Some((_, eb)) = extra.next_if(|e| e.0 == a) {
            while let Some(&b) = list.next_if(|&&b| b < eb) {
                out.push((a, b));
            }
            out.push((a, eb));
        }
        out.extend(list.map(|&b| (a, b)));
    }
    out
}

#[cfg(test)]
mod tests;
