//! The `guild` binary as operators use it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

mod common;
use common::guild;

/// `GET path` over plain HTTP/1.1; returns the status line.
async fn get(addr: &str, path: &str) -> String {
    let mut stream = TcpStream::connect(addr).await.unwrap();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: text/html\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    text.lines().next().unwrap_or("").to_string()
}

#[tokio::test]
async fn demo_seeds_serves_and_prints_logins() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut child = guild(dir.path())
        .args([
            "demo",
            "--members",
            "50",
            "--bind",
            "127.0.0.1:0",
            "--data-dir",
        ])
        .arg(&data)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let read = async {
        let mut addr = None;
        let mut out = Vec::new();
        while let Some(line) = lines.next_line().await.unwrap() {
            if let Some(a) = line.strip_prefix("listening on http://") {
                addr = Some(a.to_string());
            }
            out.push(line);
            if addr.is_some() && out.iter().any(|l| l.contains("member@demo.guild")) {
                break;
            }
        }
        (addr, out)
    };
    let (addr, out) = tokio::time::timeout(Duration::from_secs(120), read)
        .await
        .expect("no listening line in time");
    let addr = addr.unwrap_or_else(|| panic!("no listening line in {out:?}"));
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");
    let all = out.join("\n");
    assert!(
        all.contains("admin@demo.guild") && all.contains("guild-demo-admin"),
        "{all}"
    );
    assert!(
        all.contains("member@demo.guild") && all.contains("guild-demo-member"),
        "{all}"
    );

    let status = get(&addr, "/").await;
    assert!(
        status.starts_with("HTTP/1.1 200") || status.starts_with("HTTP/1.1 3"),
        "GET / answered {status:?}"
    );
    // Health and metrics, the latter to this machine by the default `[metrics] allow`.
    for path in ["/healthz", "/metrics"] {
        let status = get(&addr, path).await;
        assert!(status.starts_with("HTTP/1.1 200"), "GET {path}: {status:?}");
    }
    // Ready once the change stream's follower has read to the end, which it does at start.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let status = get(&addr, "/readyz").await;
        if status.starts_with("HTTP/1.1 200") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "GET /readyz: {status:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    child.kill().await.unwrap();
    assert!(data.join("guild.db").exists());
    assert!(data.join("outbox").is_dir());

    // The demo is a network: members are connected and the demo member has invitations.
    use guild_core::accounts::store::AccountStore;
    use guild_core::network::store::{InvitationStore, NetworkStore};
    let url = format!("sqlite://{}", data.join("guild.db").display());
    let store = guild_store::SqlStore::connect(&url).await.unwrap();
    let edges = store.all_connections().await.unwrap();
    assert!(edges.len() > 100, "{} connections", edges.len());
    let me = store
        .member_by_email("member@demo.guild")
        .await
        .unwrap()
        .unwrap();
    assert!(edges.iter().any(|&(a, b)| a == me.id || b == me.id));
    let pending = store.count_pending_received(me.id, 0).await.unwrap();
    assert!(pending > 0);
    // …each of them a notification, and the network has been talking.
    use guild_core::feed::model::NotificationKind;
    use guild_core::feed::store::{FeedStore, NotificationStore};
    let unread = store
        .unread_count(me.id, &NotificationKind::ALL)
        .await
        .unwrap();
    assert_eq!(unread, pending);
    let posts = store.all_indexed_posts().await.unwrap();
    assert!(posts.len() >= 10, "{} posts", posts.len());
    assert!(
        posts.iter().any(|p| p.counts.reactions > 0),
        "nobody reacted"
    );
    // …and messaging: unread conversations, a waiting request, a group, someone away.
    use guild_core::messaging::model::MessageBox;
    use guild_core::messaging::store::MessageStore;
    let (unread, requests) = store.unread_totals(me.id).await.unwrap();
    assert!(unread >= 2, "{unread} unread conversations");
    assert_eq!(requests, 1);
    let inbox = store
        .conversations(me.id, MessageBox::Inbox, None, 20)
        .await
        .unwrap();
    assert!(inbox.iter().any(|c| c.conversation.group), "no group");
    let friends: Vec<i64> = edges
        .iter()
        .filter_map(|&(a, b)| (a == me.id).then_some(b).or((b == me.id).then_some(a)))
        .collect();
    let away = store
        .aways_at(&friends, guild_core::now_ms())
        .await
        .unwrap();
    assert_eq!(away.len(), 1);
}

#[tokio::test]
async fn unknown_config_key_exits_2_naming_it() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("guild.toml"),
        "[limits]\ninvitations_per_weak = 3\n",
    )
    .unwrap();
    let out = guild(dir.path()).args(["migrate"]).output().await.unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("error:") && err.contains("limits.invitations_per_weak"),
        "{err}"
    );

    let out = guild(dir.path())
        .args(["serve", "--config", "nope.toml"])
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn config_example_is_printed() {
    let dir = tempfile::tempdir().unwrap();
    let out = guild(dir.path())
        .args(["config", "example"])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[limits]") && text.contains("invitations_per_week = 100"),
        "{text}"
    );
    // It is a valid guild.toml.
    std::fs::write(dir.path().join("guild.toml"), &text).unwrap();
    let out = guild(dir.path())
        .args(["config", "show"])
        .env("GUILD_METRICS__TOKEN", "metrics-secret")
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Secrets are not shown.
    let shown = String::from_utf8(out.stdout).unwrap();
    assert!(
        shown.contains("[metrics]") && shown.contains("token = \"***\""),
        "{shown}"
    );
    assert!(!shown.contains("metrics-secret"), "{shown}");
}

#[tokio::test]
async fn migrate_and_admin_commands() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let data = data.to_str().unwrap();
    let run = |args: Vec<&str>| {
        let mut cmd = guild(dir.path());
        cmd.args(args).args(["--data-dir", data]);
        async move { cmd.output().await.unwrap() }
    };
    let out = run(vec!["migrate"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run(vec![
        "admin",
        "create-member",
        "--name",
        "Ann Smith",
        "--email",
        "ann@example.com",
        "--password",
        "long enough pw",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("@ann-smith"));

    let out = run(vec!["admin", "promote", "ann-smith"]).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("administrator"));
    let out = run(vec!["admin", "demote", "@ann-smith"]).await;
    assert!(out.status.success());

    let out = run(vec!["admin", "promote", "nobody-here"]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));

    // A taken email and a short password are clear errors.
    let out = run(vec![
        "admin",
        "create-member",
        "--name",
        "Ann Two",
        "--email",
        "ann@example.com",
        "--password",
        "long enough pw",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    let out = run(vec![
        "admin",
        "create-member",
        "--name",
        "Bo",
        "--email",
        "bo@example.com",
        "--password",
        "short",
    ])
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("password"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn bench_graph_prints_its_json_and_export_writes_the_same_network() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--members",
        "3000",
        "--avg-connections",
        "12",
        "--seed",
        "5",
    ];
    let out = guild(dir.path())
        .args(["bench", "graph", "--through-store"])
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["members"], 3000);
    for op in [
        "degree",
        "mutual_count",
        "mutual_list",
        "network_counts",
        "path",
        "pymk",
    ] {
        let o = &json["ops"][op];
        assert!(o["count"].as_u64().unwrap() > 0, "{op}: {o}");
        let (p50, p99, p999) = (
            o["p50_us"].as_f64().unwrap(),
            o["p99_us"].as_f64().unwrap(),
            o["p999_us"].as_f64().unwrap(),
        );
        assert!(p50 <= p99 && p99 <= p999, "{op}: {o}");
    }
    assert!(json["machine"]["cores"].as_u64().unwrap() >= 1);
    assert!(json["bytes_per_edge"].as_f64().unwrap() > 0.0);
    assert_eq!(
        json["store"]["edges"], json["edges"],
        "the store gave every edge back"
    );

    let csv = dir.path().join("edges.csv");
    let out = guild(dir.path())
        .args(["export", "graph", "--csv"])
        .arg(&csv)
        .args(args)
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut edges = std::collections::HashSet::new();
    for line in text.lines() {
        let (a, b) = line.split_once(',').unwrap();
        let (a, b): (u32, u32) = (a.parse().unwrap(), b.parse().unwrap());
        assert!(a < b && b < 3000, "{line}");
        assert!(edges.insert((a, b)), "duplicate {line}");
    }
    assert_eq!(edges.len() as u64, json["edges"].as_u64().unwrap());
}

#[tokio::test]
async fn bench_feed_prints_pages_notifications_and_fairness() {
    let dir = tempfile::tempdir().unwrap();
    let out = guild(dir.path())
        .args([
            "bench",
            "feed",
            "--members",
            "3000",
            "--avg-connections",
            "12",
        ])
        .args([
            "--posts",
            "20000",
            "--reactions",
            "100000",
            "--queries",
            "200",
        ])
        .args([
            "--notification-members",
            "50",
            "--notifications-per-member",
            "30",
        ])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["members"], 3000);
    assert_eq!(json["posts"], 20000);
    for op in ["feed_page", "feed_page_recent", "notifications"] {
        let o = &json["ops"][op];
        assert!(o["count"].as_u64().unwrap() > 0, "{op}: {o}");
        assert!(
            o["p50_us"].as_f64().unwrap() <= o["p99_us"].as_f64().unwrap(),
            "{op}: {o}"
        );
    }
    assert_eq!(json["notifications_store"]["notifications"], 1500);
    let f = &json["fairness"];
    for k in ["top_1pct_slot_share", "top_1pct_engagement_share"] {
        let v = f[k].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&v) && v > 0.0, "{k}: {f}");
    }
    let b = &json["budgets"]["fairness_top_1pct_slot_share"];
    assert_eq!(
        b["met"].as_bool().unwrap(),
        f["top_1pct_slot_share"].as_f64() <= f["top_1pct_engagement_share"].as_f64()
    );
}

#[tokio::test]
async fn bench_messaging_delivers_every_message_over_the_event_streams() {
    let dir = tempfile::tempdir().unwrap();
    let out = guild(dir.path())
        .args(["bench", "messaging", "--members", "20", "--messages", "60"])
        .args(["--concurrency", "4"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["members"], 20);
    assert_eq!(json["streams"], 20);
    assert_eq!(json["lost"], 0, "{json}");
    for op in ["deliver", "send"] {
        let o = &json["ops"][op];
        assert_eq!(o["count"], 60, "{json}");
        let (p50, p99) = (o["p50_us"].as_f64().unwrap(), o["p99_us"].as_f64().unwrap());
        assert!(p50 > 0.0 && p50 <= p99, "{op}: {o}");
    }
    assert!(json["stream_memory_bytes"].as_u64().is_some(), "{json}");
    assert!(json["machine"]["cores"].as_u64().unwrap() >= 1);
}

/// `guild bench http` starts real `guild serve` nodes, drives every route of the mix over
/// HTTP and reports each, with no errors.
#[tokio::test]
async fn bench_http_drives_every_route_of_the_mix_without_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = guild(dir.path())
        .args(["bench", "http", "--members", "30", "--seconds", "2"])
        .args(["--connections", "3"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["errors"], 0, "{json}");
    assert_eq!(json["setup"]["database"], "sqlite");
    for route in ["feed", "profile", "notifications", "pymk", "directory"] {
        let r = &json["routes"][route];
        assert!(r["count"].as_u64().unwrap_or(0) > 0, "{route}: {json}");
        assert!(r["p50_ms"].as_f64().unwrap() <= r["p99_ms"].as_f64().unwrap());
    }
    let cpu = &json["nodes_cpu"][0];
    assert!(
        cpu["pid"].as_u64().unwrap() > 0 && cpu["cpu_s"].as_f64().unwrap() > 0.0,
        "{json}"
    );
    assert!(json["requests_per_s"].as_f64().unwrap() > 0.0);
    // Messages sent in the mix reached their recipients' open event streams.
    let live = &json["live_delivery"];
    assert!(live["count"].as_u64().unwrap_or(0) > 0, "{json}");
    assert!(live["p50_ms"].as_f64().unwrap() <= live["p99_ms"].as_f64().unwrap());

    // One route alone: only it is driven, and its throughput budget is judged.
    let out = guild(dir.path())
        .args(["bench", "http", "--members", "30", "--seconds", "1"])
        .args(["--connections", "2", "--only", "feed"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let routes: Vec<&String> = json["routes"].as_object().unwrap().keys().collect();
    assert_eq!(routes, ["feed"], "{json}");
    assert!(
        json["budgets"]["feed_at_least_2000_per_s"].is_boolean(),
        "{json}"
    );
    assert!(
        json["budgets"]["messages_at_least_1000_per_s"].is_null(),
        "{json}"
    );
    let wrong = guild(dir.path())
        .args(["bench", "http", "--members", "30", "--only", "everything"])
        .output()
        .await
        .unwrap();
    assert!(!wrong.status.success());
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("--only takes one of feed"));
    // Several nodes share PostgreSQL: asked on SQLite, it says so.
    let two = guild(dir.path())
        .args(["bench", "http", "--members", "30", "--nodes", "2"])
        .output()
        .await
        .unwrap();
    assert!(!two.status.success());
    assert!(String::from_utf8_lossy(&two.stderr).contains("--postgres"));
}

/// `guild suggest` is People You May Know fed from a file: for the same connections, the same
/// members in the same order as `/api/v1/pymk`.
#[tokio::test]
async fn suggest_from_an_edge_list_matches_people_you_may_know() {
    let app = guild_testkit::TestApp::new().await;
    let handles = [
        "ann", "bob", "cyd", "dan", "eve", "fay", "gus", "hal", "ivy", "jay", "kim", "lea",
    ];
    let mut m = Vec::new();
    for h in handles {
        m.push(app.member(h).await);
    }
    // Two overlapping circles and a few bridges, so scores differ and ties are broken.
    let pairs = [
        (0, 1),
        (0, 2),
        (0, 3),
        (1, 2),
        (1, 4),
        (2, 4),
        (2, 5),
        (3, 5),
        (3, 6),
        (4, 7),
        (5, 7),
        (5, 8),
        (6, 8),
        (6, 9),
        (7, 10),
        (8, 10),
        (9, 11),
        (10, 11),
        (1, 5),
        (4, 8),
    ];
    let mut text = String::new();
    for (a, b) in pairs {
        app.connect(&m[a], &m[b]).await;
        text.push_str(&format!("{},{}\n", m[a].id, m[b].id));
    }
    let dir = tempfile::tempdir().unwrap();
    let edges = dir.path().join("edges.csv");
    std::fs::write(&edges, text).unwrap();
    let ids: Vec<String> = [0, 3, 6, 10].iter().map(|&i| m[i].id.to_string()).collect();
    let out = guild(dir.path())
        .args(["suggest", "--edges"])
        .arg(&edges)
        .args(["--for", &ids.join(","), "--limit", "5"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let by_id = |id: i64| m.iter().find(|x| x.id == id).unwrap().handle.clone();
    for (&i, id) in [0, 3, 6, 10].iter().zip(&ids) {
        let cli: Vec<String> = got[id]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| by_id(v.as_i64().unwrap()))
            .collect();
        let r = app.get("/api/v1/pymk?limit=5").token(&m[i]).send().await;
        r.assert_status(200);
        let api: Vec<String> = r.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x["member"]["handle"].as_str().unwrap().to_string())
            .collect();
        assert!(!api.is_empty());
        assert_eq!(cli, api, "for {}", handles[i]);
    }
    // A malformed line is named.
    std::fs::write(&edges, "1,2\n3;4\n").unwrap();
    let out = guild(dir.path())
        .args(["suggest", "--edges"])
        .arg(&edges)
        .args(["--for", "1"])
        .output()
        .await
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}

#[tokio::test]
async fn bench_suggestions_scores_guild_beside_the_baselines() {
    let dir = tempfile::tempdir().unwrap();
    // Twenty cliques of six in a ring.
    let mut text = String::new();
    for c in 0..20u64 {
        for i in 0..6 {
            for j in i + 1..6 {
                text.push_str(&format!("{} {}\n", c * 6 + i, c * 6 + j));
            }
        }
        text.push_str(&format!("{} {}\n", c * 6, (c + 1) % 20 * 6));
    }
    let edges = dir.path().join("edges.txt");
    std::fs::write(&edges, text).unwrap();
    let out = guild(dir.path())
        .args(["bench", "suggestions", "--edges"])
        .arg(&edges)
        .args(["--holdout", "0.1", "--seed", "7", "--sample", "40"])
        .output()
        .await
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["members"], 120);
    assert_eq!(j["edges"], 320);
    assert_eq!(j["hidden"], 32);
    assert!(j["sampled"].as_u64().unwrap() > 0);
    for b in [
        "common_neighbours",
        "adamic_adar",
        "resource_allocation",
        "random",
    ] {
        let p = j["baselines"][b]["precision_at_10"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&p), "{b}: {p}");
    }
    let guild_p = j["guild"]["precision_at_10"].as_f64().unwrap();
    let random_p = j["baselines"]["random"]["precision_at_10"]
        .as_f64()
        .unwrap();
    assert!(guild_p > random_p, "{j}");
    assert_eq!(j["ops"]["suggest"]["count"], j["sampled"]);
}
