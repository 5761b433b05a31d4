//! `guild bench http`: a mixed load over real HTTP against real `guild serve` processes —
//! one node on SQLite, or one or more nodes on one PostgreSQL database — and what it got:
//! requests per second, p50/p99/p999 per route, errors, and each node's CPU.
//!
//! The mix is 80 % reads (feed 30, profile 15, notifications 15, People You May Know 10,
//! directory 10) and 20 % writes (post 4, reaction 6, comment 4, message 6), spread over
//! `--connections` keep-alive connections, each a member of a seeded network (a ring: each
//! member connected to the next eight) who posted once before the clock starts. The nodes are
//! this binary's own `serve`, as an operator runs it, with the hourly limits raised.

mod client;
mod live;
mod nodes;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use guild_core::network::store::NetworkStore;
use guild_core::profiles::store::DirectoryStore;
use guild_core::store::Store;
use guild_core::Guild;
use guild_graph::bench::{percentile, Machine};
use guild_store::{DiskMedia, SqlStore};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};

use crate::bench_members::bench_member;
use client::Conn;
use nodes::{Database, Node};

/// Each member is connected to the next this many around the ring.
const RING: usize = 8;

pub struct HttpOptions {
    pub members: usize,
    pub seconds: u64,
    pub connections: usize,
    /// An administrator's URL of a PostgreSQL server: the bench makes a database there (and
    /// drops it after). Without it, one node on a SQLite file.
    pub postgres: Option<String>,
    pub nodes: usize,
    /// One route of the mix alone.
    pub only: Option<String>,
    pub seed: u64,
}

/// The routes of the mix, with their weights (of 100).
const MIX: [(&str, u32); 9] = [
    ("feed", 30),
    ("profile", 15),
    ("notifications", 15),
    ("pymk", 10),
    ("directory", 10),
    ("post", 4),
    ("reaction", 6),
    ("comment", 4),
    ("message", 6),
];

fn pick(rng: &mut StdRng) -> &'static str {
    let mut n = rng.gen_range(0..100);
    for (name, w) in MIX {
        if n < w {
            return name;
        }
        n -= w;
    }
    "feed"
}

/// Seeds `members` bench members in a ring and gives each an API token.
async fn seed(url: &str, members: usize, dir: &std::path::Path) -> Result<Vec<String>> {
    let store = SqlStore::connect(url)
        .await
        .context("opening the bench database")?;
    store
        .migrate()
        .await
        .context("migrating the bench database")?;
    let now = guild_core::now_ms();
    let seeds = (0..members)
        .map(|i| bench_member(i, true, now - 86_400_000, Some("Engineer")))
        .collect::<Result<Vec<_>>>()?;
    for chunk in seeds.chunks(1_000) {
        store.seed_members(chunk).await.context("seeding members")?;
    }
    let max = store.max_member_id().await.context("reading ids")?;
    let first = max - members as i64 + 1;
    let pairs: Vec<(i64, i64, i64)> = (0..members)
        .flat_map(|i| {
            (1..=RING).map(move |k| (first + i as i64, first + ((i + k) % members) as i64, now))
        })
        .collect();
    store
        .seed_connections(&pairs)
        .await
        .context("seeding connections")?;
    let store: Arc<dyn Store> = Arc::new(store);
    let guild = Guild::open(
        store.clone(),
        Arc::new(crate::bench_deliver::NoMail),
        Arc::new(DiskMedia::new(dir.join("seed-media"))),
        guild_core::settings::Settings::default(),
    )
    .await
    .map_err(|e| anyhow::anyhow!("opening Guild on the bench store: {e}"))?;
    let tokens = crate::bench_members::tokens(store.as_ref(), &guild, first, members).await?;
    Ok(tokens)
}

/// What one worker measured: per route, the latencies (µs) of the answers that succeeded,
/// and the failures.
#[derive(Default)]
struct Tally {
    ok: BTreeMap<&'static str, Vec<f64>>,
    errors: BTreeMap<String, u64>,
}

struct World {
    tokens: Vec<String>,
    posts: Vec<String>,
    /// The bench's clock, which messages are stamped with (see `live`).
    clock: Instant,
}

async fn one(conn: &mut Conn, w: &World, me: usize, what: &str, rng: &mut StdRng) -> Result<u16> {
    let n = w.tokens.len();
    let token = &w.tokens[me];
    let other = (me + rng.gen_range(1..=RING)) % n;
    let post = &w.posts[rng.gen_range(0..w.posts.len())];
    let a = match what {
        "feed" => conn.send("GET", "/api/v1/feed", token, None).await?,
        "profile" => {
            let path = format!("/api/v1/members/bench-{}", rng.gen_range(0..n));
            conn.send("GET", &path, token, None).await?
        }
        "notifications" => {
            conn.send("GET", "/api/v1/notifications", token, None)
                .await?
        }
        "pymk" => conn.send("GET", "/api/v1/pymk", token, None).await?,
        "directory" => {
            let path = format!("/api/v1/members?q=member%20{}", rng.gen_range(1..10));
            conn.send("GET", &path, token, None).await?
        }
        "post" => {
            let body =
                json!({"body": format!("Bench post {}", rng.gen::<u32>()), "visibility": "anyone"});
            conn.send("POST", "/api/v1/posts", token, Some(&body.to_string()))
                .await?
        }
        "reaction" => {
            let path = format!("/api/v1/posts/{post}/reaction");
            let body = json!({"kind": "like"}).to_string();
            conn.send("PUT", &path, token, Some(&body)).await?
        }
        "comment" => {
            let path = format!("/api/v1/posts/{post}/comments");
            let body = json!({"body": "Well said"}).to_string();
            conn.send("POST", &path, token, Some(&body)).await?
        }
        _ => {
            let body = json!({"to": [format!("bench-{other}")], "body": live::stamp(w.clock)});
            conn.send(
                "POST",
                "/api/v1/conversations",
                token,
                Some(&body.to_string()),
            )
            .await?
        }
    };
    Ok(a.status)
}

/// Every member posts once (the posts the load reacts to and comments on).
async fn warm_up(nodes: &[Node], tokens: &[String], connections: usize) -> Result<Vec<String>> {
    let tokens = Arc::new(tokens.to_vec());
    let mut tasks = Vec::new();
    for w in 0..connections {
        let (tokens, addr) = (tokens.clone(), nodes[w % nodes.len()].addr.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::new(&addr);
            let mut ids = Vec::new();
            for me in (w..tokens.len()).step_by(connections) {
                let body = json!({"body": format!("Hello from bench member {me}"), "visibility": "anyone"});
                let a = conn
                    .send("POST", "/api/v1/posts", &tokens[me], Some(&body.to_string()))
                    .await?;
                anyhow::ensure!(a.status == 201, "a warm-up post answered {}", a.status);
                let v: Value = serde_json::from_slice(&a.body).context("a post's JSON")?;
                ids.push(v["post"]["id"].as_str().unwrap_or_default().to_string());
            }
            Ok::<_, anyhow::Error>(ids)
        }));
    }
    let mut posts = Vec::new();
    for t in tasks {
        posts.extend(t.await.context("a warm-up worker stopped")??);
    }
    Ok(posts)
}

fn summary(samples: &mut [f64], seconds: f64) -> Value {
    samples.sort_by(f64::total_cmp);
    json!({
        "count": samples.len(),
        "per_s": samples.len() as f64 / seconds,
        "p50_ms": percentile(samples, 50.0) / 1e3,
        "p99_ms": percentile(samples, 99.0) / 1e3,
        "p999_ms": percentile(samples, 99.9) / 1e3,
    })
}

pub async fn run(o: HttpOptions, progress: &mut dyn FnMut(&str)) -> Result<Value> {
    anyhow::ensure!(
        o.members > RING + 1,
        "--members must be more than {}",
        RING + 1
    );
    anyhow::ensure!(o.nodes >= 1, "--nodes must be at least 1");
    let only: Option<&'static str> = match o.only.as_deref() {
        None => None,
        Some(r) => Some(
            MIX.iter()
                .map(|(name, _)| *name)
                .find(|name| *name == r)
                .with_context(|| {
                    let names: Vec<&str> = MIX.iter().map(|(n, _)| *n).collect();
                    format!("--only takes one of {}", names.join(", "))
                })?,
        ),
    };
    anyhow::ensure!(
        o.nodes == 1 || o.postgres.is_some(),
        "several nodes share one PostgreSQL database: give --postgres"
    );
    let dir = tempfile::tempdir().context("a temporary directory")?;
    let db = Database::create(o.postgres.as_deref(), dir.path()).await?;
    progress(&format!("seeding {} members ({})", o.members, db.backend()));
    let tokens = seed(db.url(), o.members, dir.path()).await?;
    progress(&format!("starting {} node(s)", o.nodes));
    let mut nodes = Vec::new();
    for n in 0..o.nodes {
        nodes.push(Node::start(db.url(), &dir.path().join(format!("node-{n}"))).await?);
    }
    progress("every member posts once");
    let posts = warm_up(&nodes, &tokens, o.connections.max(1)).await?;
    let clock = Instant::now();
    let seen = live::Seen::default();
    let mut listeners = Vec::new();
    if only.is_none_or(|r| r == "message") {
        // Everyone a message can go to: the next RING members of each sender.
        let n = tokens.len();
        let mut to: Vec<usize> = (0..o.connections.max(1))
            .flat_map(|w| (1..=RING).map(move |k| (w % n + k) % n))
            .collect();
        to.sort_unstable();
        to.dedup();
        progress(&format!("{} event streams open", to.len()));
        for r in to {
            let addr = &nodes[r % nodes.len()].addr;
            listeners.push(live::listen(addr, &tokens[r], clock, seen.clone()).await?);
        }
    }
    let world = Arc::new(World {
        tokens,
        posts,
        clock,
    });
    let cpu_before: Vec<f64> = nodes.iter().map(Node::cpu_seconds).collect();
    progress(&format!(
        "{} s of load over {} connections",
        o.seconds, o.connections
    ));
    let started = Instant::now();
    let deadline = started + Duration::from_secs(o.seconds);
    let mut workers = Vec::new();
    for w in 0..o.connections.max(1) {
        let world = world.clone();
        let addr = nodes[w % nodes.len()].addr.clone();
        let seed = o.seed ^ w as u64;
        workers.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(seed);
            let mut conn = Conn::new(&addr);
            let mut tally = Tally::default();
            let me = w % world.tokens.len();
            while Instant::now() < deadline {
                let what = only.unwrap_or_else(|| pick(&mut rng));
                let t = Instant::now();
                match one(&mut conn, &world, me, what, &mut rng).await {
                    Ok(s) if (200..300).contains(&s) => tally
                        .ok
                        .entry(what)
                        .or_default()
                        .push(t.elapsed().as_secs_f64() * 1e6),
                    Ok(s) => *tally.errors.entry(format!("{what} {s}")).or_default() += 1,
                    Err(e) => *tally.errors.entry(format!("{what}: {e}")).or_default() += 1,
                }
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for w in workers {
        let t = w.await.context("a load worker stopped")?;
        for (k, v) in t.ok {
            all.ok.entry(k).or_default().extend(v);
        }
        for (k, v) in t.errors {
            *all.errors.entry(k).or_default() += v;
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    // Messages sent at the very end still arrive: give them a moment.
    tokio::time::sleep(Duration::from_millis(500)).await;
    for l in &listeners {
        l.abort();
    }
    let mut delivered = seen.lock().map(|s| s.clone()).unwrap_or_default();
    let cpu: Vec<Value> = nodes
        .iter()
        .zip(&cpu_before)
        .map(|(n, before)| {
            let used = n.cpu_seconds() - before;
            json!({"pid": n.pid(), "cpu_s": used, "cpu_percent": 100.0 * used / elapsed})
        })
        .collect();
    for n in &mut nodes {
        n.stop().await;
    }
    db.drop_it().await;
    let total: usize = all.ok.values().map(Vec::len).sum();
    let errors: u64 = all.errors.values().sum();
    let mut routes = serde_json::Map::new();
    // The slowest read route's p99; none when no read route ran.
    let mut reads_p99_ms: Option<f64> = None;
    for (k, v) in &mut all.ok {
        let s = summary(v, elapsed);
        if matches!(
            *k,
            "feed" | "profile" | "notifications" | "pymk" | "directory"
        ) {
            let p99 = s["p99_ms"].as_f64().unwrap_or(f64::INFINITY);
            reads_p99_ms = Some(reads_p99_ms.map_or(p99, |r| r.max(p99)));
        }
        routes.insert((*k).to_string(), s);
    }
    let route = |name: &str, field: &str| {
        routes
            .get(name)
            .and_then(|r| r[field].as_f64())
            .unwrap_or(f64::NAN)
    };
    let delivery = summary(&mut delivered, elapsed);
    let delivery_p99 = delivery["p99_ms"].as_f64().unwrap_or(f64::NAN);
    // Throughput budgets hold for a route driven alone (`--only`); in the mix they are null.
    let alone = |name: &str, budget: bool| (only == Some(name)).then_some(budget);
    let machine: Value =
        serde_json::from_str(&Machine::detect().to_json()).context("reading the machine's JSON")?;
    Ok(json!({
        "machine": machine,
        "setup": {
            "database": db.backend(),
            "nodes": o.nodes,
            "members": o.members,
            "connections": o.connections,
            "seconds": elapsed,
        },
        "requests": total,
        "requests_per_s": total as f64 / elapsed,
        "errors": errors,
        "error_kinds": all.errors,
        "routes": routes,
        "live_delivery": delivery,
        "nodes_cpu": cpu,
        "budgets": {
            "no_errors": errors == 0,
            "feed_p99_ms_at_most_50": routes.contains_key("feed").then(|| route("feed", "p99_ms") <= 50.0),
            "read_routes_p99_ms_at_most_20": reads_p99_ms.map(|r| r <= 20.0),
            "feed_at_least_2000_per_s": alone("feed", route("feed", "per_s") >= 2_000.0),
            "messages_at_least_1000_per_s": alone("message", route("message", "per_s") >= 1_000.0),
            "live_delivery_p99_ms_at_most_50": (!listeners.is_empty()).then_some(delivery_p99 <= 50.0),
        },
    }))
}
