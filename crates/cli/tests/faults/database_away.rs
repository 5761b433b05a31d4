//! The database goes away: PostgreSQL stopped for ten seconds under load. Requests fail fast
//! (503 `database_unavailable`, a clear message, `Retry-After`; a clear page), the live
//! stream stays open, the server keeps running and recovers by itself when PostgreSQL is
//! back, and nothing acknowledged is lost.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use super::load::{self, ClientState, Ledger};
use super::verify;
use crate::common::http::{call, page, EventStream};
use crate::common::node::{Install, Node};
use crate::common::{pg, seed};

/// What "fail fast" means here: the server waits 3 s for a connection, then answers; the
/// rest is slack for a loaded machine (a pool that waited 10 s, as before, would fail this).
const FAST: Duration = Duration::from_secs(7);
const OUTAGE: Duration = Duration::from_secs(10);

/// Waits until the ledger holds `n` acknowledged writes; false if not within `within`.
async fn acknowledged(ledger: &Mutex<Ledger>, n: usize, within: Duration) -> bool {
    let until = Instant::now() + within;
    while Instant::now() < until {
        if ledger.lock().unwrap().acknowledged() >= n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    false
}

/// One round of asking while the database is away, all at once: API reads, an API write
/// and a page, each answered within [`FAST`] with 503 and the error shape (a clear page).
async fn ask_while_down(addr: &str, token: &str) {
    let post = json!({"body": "while the database is away", "visibility": "anyone"});
    let api = |method: &'static str, path: &'static str, body: Option<serde_json::Value>| async move {
        let r = call(addr, method, path, Some(token), body.as_ref(), FAST)
            .await
            .unwrap_or_else(|e| panic!("{method} {path} did not answer fast: {e}"));
        assert_eq!(r.status, 503, "{method} {path}: {}", r.body);
        assert_eq!(r.code(), "database_unavailable", "{}", r.body);
        let message = r.json()["error"]["message"]
            .as_str()
            .unwrap_or("")
            .to_string();
        assert!(message.contains("database"), "{message}");
        assert!(r.header("retry-after").is_some(), "{}", r.head);
    };
    let page = async {
        let p = page(addr, "/network", token, FAST)
            .await
            .unwrap_or_else(|e| panic!("the page did not answer fast: {e}"));
        assert_eq!(p.status, 503, "{}", p.body);
        assert!(p.body.contains("cannot reach its database"), "{}", p.body);
        assert!(p.header("retry-after").is_some(), "{}", p.head);
    };
    tokio::join!(
        api("GET", "/api/v1/me", None),
        api("GET", "/api/v1/feed", None),
        api("POST", "/api/v1/posts", Some(post)),
        page,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_stopped_under_load_fails_fast_keeps_streams_open_and_recovers() {
    let cluster = pg::Cluster::start().await;
    let dir = tempfile::tempdir().unwrap();
    let install = Install::postgres(&dir.path().join("data"), &cluster.url());
    let members = seed::members(&cluster.url(), "member", 8).await;
    let (clients, invitees) = members.split_at(4);
    let mut node = Node::start(&install, &dir.path().join("serve.log")).await;
    let addr = node.addr.clone();
    let cast = Arc::new(load::set_up(&addr, clients.to_vec(), invitees.to_vec()).await);
    // Client 1's live stream: client 0 writes to it in conversation 0.
    let stream = EventStream::open(&addr, &cast.clients[1].token).await;
    assert_eq!(stream.status, 200);
    assert!(
        stream.wait_for("event: counts", FAST).await,
        "{}",
        stream.text()
    );

    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let (a, c, l, s) = (addr.clone(), cast.clone(), ledger.clone(), stop.clone());
    let running =
        tokio::spawn(async move { load::run(&a, &c, &l, &[ClientState::default(); 4], &s).await });
    assert!(
        acknowledged(&ledger, 30, Duration::from_secs(10)).await,
        "no load"
    );

    cluster.stop().await;
    let down = Instant::now();
    let mut rounds = 0;
    // Counted after the first round: a write that committed just before the stop may still
    // be on its way back to its client meanwhile.
    let mut before = None;
    // Rounds of asking until the last one ends within the outage (a round takes ~3 s).
    while down.elapsed() + Duration::from_secs(3) < OUTAGE {
        ask_while_down(&addr, &cast.clients[2].token).await;
        before.get_or_insert_with(|| ledger.lock().unwrap().acknowledged());
        assert!(node.running(), "the server died:\n{}", node.log_text());
        assert!(
            !stream.ended(),
            "the stream closed while the database was away"
        );
        rounds += 1;
    }
    tokio::time::sleep(OUTAGE.saturating_sub(down.elapsed())).await;
    assert!(
        !stream.ended(),
        "the stream closed while the database was away"
    );
    let before = before.expect("at least one round");
    assert_eq!(
        ledger.lock().unwrap().acknowledged(),
        before,
        "a write acknowledged without a database"
    );

    cluster.resume().await;
    let back = Instant::now();
    loop {
        let r = call(
            &addr,
            "GET",
            "/api/v1/me",
            Some(&cast.clients[2].token),
            None,
            FAST,
        )
        .await
        .expect("an answer");
        if r.status == 200 {
            break;
        }
        assert_eq!(r.code(), "database_unavailable", "{}", r.body);
        assert!(
            back.elapsed() < Duration::from_secs(10),
            "no recovery within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    eprintln!(
        "{rounds} rounds of requests answered 503 while the database was away; serving again {:?} after it returned",
        back.elapsed()
    );
    // The load's own writes go through again.
    assert!(
        acknowledged(&ledger, before + 30, Duration::from_secs(10)).await,
        "writes do not resume"
    );
    stop.store(true, Ordering::SeqCst);
    running.await.unwrap();

    let l = ledger.lock().unwrap().clone();
    // What the load met meanwhile: only 503s, none slow.
    for (what, status, body) in &l.failures {
        assert_eq!(*status, 503, "{what}: {body}");
        assert!(body.contains("database_unavailable"), "{what}: {body}");
    }
    assert!(!l.failures.is_empty(), "the load met the outage");
    assert!(l.slowest < FAST, "a request took {:?}", l.slowest);

    // The stream opened before the outage still delivers.
    assert!(!stream.ended());
    let path = format!("/api/v1/conversations/{}/messages", cast.convs[0]);
    let marker = "after the database came back";
    let body = json!({"body": marker});
    let r = call(
        &addr,
        "POST",
        &path,
        Some(&cast.clients[0].token),
        Some(&body),
        FAST,
    )
    .await
    .unwrap();
    assert_eq!(r.status, 201, "{}", r.body);
    assert!(
        stream.wait_for(marker, FAST).await,
        "the stream did not deliver: {}",
        stream.text()
    );

    verify::everything(&addr, &cast, &l, &cluster.url()).await;
    assert!(node.running());
    let log = node.log_text();
    assert!(!log.contains("panicked"), "{log}");
    node.kill9().await;
}
