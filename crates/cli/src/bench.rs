//! `guild bench graph`, `guild bench feed` and `guild export graph`: the graph engine measured
//! on a generated network (see `guild_graph::bench`), optionally loaded through the store the
//! way a server starts; the feed index on that network plus generated posts (see
//! `guild_feed::bench`); and that same network's edges written out for independent tools.

use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context, Result};
use guild_core::network::state::NetworkState;
use guild_core::store::Store;
use guild_graph::bench::{self, BenchOptions};
use guild_graph::{export, gen};
use guild_store::SqlStore;

use crate::bench_members::bench_member;
use crate::cli::{
    BenchCommand, BenchFeedArgs, BenchGraphArgs, BenchHttpArgs, BenchMessagingArgs,
    BenchSuggestionsArgs, ExportCommand, NetworkArgs, SuggestArgs,
};

pub async fn run(cmd: BenchCommand) -> Result<()> {
    match cmd {
        BenchCommand::Graph(args) => graph(args).await,
        BenchCommand::Feed(args) => feed(args).await,
        BenchCommand::Messaging(args) => messaging(args).await,
        BenchCommand::Suggestions(args) => suggestions(args),
        BenchCommand::Http(args) => http(args).await,
    }
}

async fn http(args: BenchHttpArgs) -> Result<()> {
    let start = Instant::now();
    let options = crate::bench_http::HttpOptions {
        members: args.members,
        seconds: args.seconds,
        connections: args.connections,
        postgres: args.postgres,
        nodes: args.nodes,
        only: args.only,
        seed: args.seed,
    };
    let json = crate::bench_http::run(options, &mut progress_since(start)).await?;
    print_json(&json, start);
    Ok(())
}

/// Progress lines for stderr, stamped with the time since `start`.
fn progress_since(start: Instant) -> impl FnMut(&str) {
    move |m| eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64())
}

/// A bench's JSON on stdout, and how long it took on stderr.
fn print_json(json: &serde_json::Value, start: Instant) {
    println!("{json}");
    eprintln!("done in {:.1} s", start.elapsed().as_secs_f64());
}

fn read_edges(path: &std::path::Path) -> Result<guild_graph::linkpred::EdgeList> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the edge list {}", path.display()))?;
    guild_graph::linkpred::EdgeList::parse(&text)
        .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))
}

/// `guild suggest`: each listed member's top N from the edges alone, as JSON.
pub fn suggest(args: SuggestArgs) -> Result<()> {
    let list = read_edges(&args.edges)?;
    let graph = list.graph();
    let mut out = serde_json::Map::new();
    for id in &args.for_ids {
        let top = list.suggest(&graph, *id, args.limit).unwrap_or_else(|| {
            eprintln!("note: {id} has no connections in {}", args.edges.display());
            Vec::new()
        });
        out.insert(id.to_string(), serde_json::json!(top));
    }
    println!("{}", serde_json::Value::Object(out));
    Ok(())
}

/// `guild bench suggestions`: the hold-out test on an edge list, as JSON.
fn suggestions(args: BenchSuggestionsArgs) -> Result<()> {
    let start = Instant::now();
    anyhow::ensure!(
        args.holdout > 0.0 && args.holdout < 1.0,
        "--holdout is a share between 0 and 1"
    );
    let list = read_edges(&args.edges)?;
    eprintln!(
        "[{:7.1} s] {} members, {} connections; hiding {}",
        start.elapsed().as_secs_f64(),
        list.ids.len(),
        list.edges.len(),
        args.holdout
    );
    let product = guild_graph::SuggestOptions::default();
    let caps = guild_graph::SuggestOptions {
        hub_cap: args.hub_cap.unwrap_or(product.hub_cap),
        work_cap: args.work_cap.unwrap_or(product.work_cap),
        ..product
    };
    let r = guild_graph::linkpred::holdout(&list, args.holdout, args.seed, args.sample, 10, caps);
    let acc = |a: &guild_graph::linkpred::Accuracy| serde_json::json!({"precision_at_10": a.precision, "recall_at_10": a.recall});
    let best = r
        .baselines
        .iter()
        .map(|(_, a)| a.precision)
        .fold(0.0, f64::max);
    let baselines: serde_json::Map<String, serde_json::Value> = r
        .baselines
        .iter()
        .map(|(b, a)| (b.name().to_string(), acc(a)))
        .collect();
    let machine: serde_json::Value = serde_json::from_str(&bench::Machine::detect().to_json())
        .context("reading the machine's JSON")?;
    let json = serde_json::json!({
        "machine": machine,
        "members": r.members,
        "edges": r.edges,
        "hidden": r.hidden,
        "holdout": args.holdout,
        "seed": args.seed,
        "sampled": r.sampled,
        "k": r.k,
        "hub_cap": caps.hub_cap,
        "work_cap": caps.work_cap,
        "guild": acc(&r.guild),
        "baselines": baselines,
        "guild_vs_best_baseline": r.guild.precision - best,
        "ops": {"suggest": {
            "p50_us": bench::percentile(&r.guild_us, 50.0),
            "p99_us": bench::percentile(&r.guild_us, 99.0),
            "p999_us": bench::percentile(&r.guild_us, 99.9),
            "count": r.guild_us.len(),
        }},
    });
    println!("{json}");
    eprintln!("done in {:.1} s", start.elapsed().as_secs_f64());
    Ok(())
}

/// Prints the messaging bench's JSON.
async fn messaging(args: BenchMessagingArgs) -> Result<()> {
    let start = Instant::now();
    let json = crate::bench_deliver::run(
        crate::bench_deliver::DeliverOptions {
            members: args.members,
            messages: args.messages,
            concurrency: args.concurrency,
            seed: args.seed,
        },
        &mut progress_since(start),
    )
    .await?;
    print_json(&json, start);
    Ok(())
}

/// Prints the feed bench's JSON. It is parsed back into a value (as the graph's is) so that
/// figures measured elsewhere — the notifications list, say — can be added to `ops`.
async fn feed(args: BenchFeedArgs) -> Result<()> {
    let start = Instant::now();
    let opts = guild_feed::bench::FeedBenchOptions {
        members: args.network.members,
        avg_connections: args.network.avg_connections,
        posts: args.posts,
        reactions: args.reactions,
        seed: args.network.seed,
        queries: args.queries,
    };
    let report = tokio::task::spawn_blocking(move || {
        guild_feed::bench::run(opts, &mut |m| {
            eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64())
        })
    })
    .await
    .context("the benchmark stopped")?;
    let mut json: serde_json::Value =
        serde_json::from_str(&report.to_json()).context("reading the benchmark's JSON")?;
    let (op, used) = crate::bench_notify::measure(
        crate::bench_notify::NotifyOptions {
            members: args.notification_members,
            per_member: args.notifications_per_member,
            queries: args.queries.min(2_000),
            seed: args.network.seed,
        },
        &mut |m| eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64()),
    )
    .await?;
    if let Some(ops) = json.get_mut("ops").and_then(|o| o.as_object_mut()) {
        ops.insert("notifications".into(), op);
    }
    if let Some(obj) = json.as_object_mut() {
        obj.insert("notifications_store".into(), used);
    }
    // The feed's fairness as a budget beside the latencies: the most connected 1% of authors
    // may not get a larger share of feed slots than of engagement.
    let share = |k: &str| json["fairness"][k].as_f64().unwrap_or(f64::NAN);
    let (slots, engagement) = (
        share("top_1pct_slot_share"),
        share("top_1pct_engagement_share"),
    );
    let fair = slots <= engagement;
    if let Some(b) = json.get_mut("budgets").and_then(|b| b.as_object_mut()) {
        b.insert(
            "fairness_top_1pct_slot_share".into(),
            serde_json::json!({"limit": engagement, "value": slots, "met": fair}),
        );
    }
    println!("{json}");
    eprintln!(
        "done in {:.1} s; budgets {}",
        start.elapsed().as_secs_f64(),
        if report.budgets_met() && fair {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

fn options(n: &NetworkArgs) -> BenchOptions {
    BenchOptions {
        members: n.members,
        avg_connections: n.avg_connections,
        seed: n.seed,
    }
}

async fn graph(args: BenchGraphArgs) -> Result<()> {
    let start = Instant::now();
    let mut progress = |m: &str| eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64());
    let store_figures = if args.through_store {
        Some(through_store(&args, &mut progress).await?)
    } else {
        None
    };
    let opts = options(&args.network);
    let report = tokio::task::spawn_blocking(move || {
        bench::run(opts, &mut |m| {
            eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64())
        })
    })
    .await
    .context("the benchmark stopped")?;
    let mut json: serde_json::Value =
        serde_json::from_str(&report.to_json()).context("reading the benchmark's JSON")?;
    if let (Some(obj), Some(store)) = (json.as_object_mut(), store_figures) {
        obj.insert("store".into(), store);
    }
    println!("{json}");
    eprintln!(
        "done in {:.1} s; budgets {}",
        start.elapsed().as_secs_f64(),
        if report.budgets_met() {
            "met"
        } else {
            "NOT met"
        }
    );
    Ok(())
}

/// Writes the generated network through the store and loads it back as `guild serve` does,
/// checking that the graph read from the store has every edge.
async fn through_store(
    args: &BenchGraphArgs,
    progress: &mut dyn FnMut(&str),
) -> Result<serde_json::Value> {
    let n = &args.network;
    let network = gen::generate(n.members, n.avg_connections, n.seed);
    let dir = tempfile::tempdir().context("creating a temporary directory")?;
    let url = match &args.database_url {
        Some(u) => u.clone(),
        None => format!("sqlite://{}", dir.path().join("bench.db").display()),
    };
    let store = SqlStore::connect(&url)
        .await
        .with_context(|| format!("opening {}", crate::app::redact_url(&url)))?;
    store
        .migrate()
        .await
        .context("migrating the bench database")?;
    let store: Arc<dyn Store> = Arc::new(store);
    if store.count_members().await? > 0 {
        anyhow::bail!("the bench database must be empty");
    }

    progress("writing members through the store");
    let t = Instant::now();
    let all: Vec<u32> = (0..network.members).collect();
    for chunk in all.chunks(crate::demo::CHUNK) {
        let batch = chunk
            .iter()
            .map(|&i| bench_member(i as usize, false, 0, None))
            .collect::<Result<Vec<_>>>()?;
        store
            .seed_members(&batch)
            .await
            .context("writing members")?;
    }
    let members_s = t.elapsed().as_secs_f64();
    // Generated node i is the member with handle bench-<i>; ids were assigned in insertion order
    // from 1, checked here rather than assumed.
    let first = store
        .member_by_handle("bench-0")
        .await?
        .context("the first bench member is missing")?
        .id;
    let last = store
        .member_by_handle(&format!("bench-{}", network.members.saturating_sub(1)))
        .await?
        .context("the last bench member is missing")?
        .id;
    anyhow::ensure!(
        last - first + 1 == i64::from(network.members),
        "member ids are not contiguous"
    );

    progress("writing connections through the store");
    let t = Instant::now();
    let rows: Vec<(i64, i64, i64)> = network
        .edges
        .iter()
        .map(|&(a, b)| (first + i64::from(a), first + i64::from(b), 0))
        .collect();
    for chunk in rows.chunks(50_000) {
        store
            .seed_connections(chunk)
            .await
            .context("writing connections")?;
    }
    let connections_s = t.elapsed().as_secs_f64();

    progress("loading the graph back from the store");
    let t = Instant::now();
    let max = store.max_member_id().await?;
    let edges = store.all_connections().await?;
    let read_s = t.elapsed().as_secs_f64();
    let state = NetworkState::load(max, &edges, &[]).map_err(crate::app::core_error)?;
    let load_s = t.elapsed().as_secs_f64();
    let loaded = state.snapshot().edge_count();
    anyhow::ensure!(
        loaded == network.edges.len() as u64,
        "the store gave back {loaded} connections, not {}",
        network.edges.len()
    );
    Ok(serde_json::json!({
        "backend": if url.starts_with("postgres") { "postgres" } else { "sqlite" },
        "write_members_s": members_s,
        "write_connections_s": connections_s,
        "read_connections_s": read_s,
        "load_s": load_s,
        "edges": loaded,
    }))
}

pub fn export(cmd: ExportCommand) -> Result<()> {
    match cmd {
        ExportCommand::Graph(args) => {
            let n = &args.network;
            let network = gen::generate(n.members, n.avg_connections, n.seed);
            let file = std::fs::File::create(&args.csv)
                .with_context(|| format!("creating {}", args.csv.display()))?;
            export::write_edges_csv(&network, file)
                .with_context(|| format!("writing {}", args.csv.display()))?;
            eprintln!(
                "wrote {} connections among {} members to {}",
                network.edges.len(),
                network.members,
                args.csv.display()
            );
            Ok(())
        }
    }
}
