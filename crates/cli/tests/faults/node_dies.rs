//! A node dies: two `guild serve` on one PostgreSQL database, one killed with SIGKILL under
//! load; the other keeps serving every member's reads and writes, its indexes hold what the
//! dead one took (through the change stream), and the dead one, started again, has
//! everything.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::load::{self, ClientState, Ledger};
use super::verify;
use crate::common::http::req;
use crate::common::node::{Install, Node};
use crate::common::{pg, seed};

const CLIENTS: usize = 4;

/// Runs the load on `addr` until `more` writes more are acknowledged (or the node dies
/// when `kill` is given: then it is killed once `more` are in).
async fn load_until(
    node: &mut Node,
    cast: &Arc<load::Cast>,
    ledger: &Arc<Mutex<Ledger>>,
    states: Vec<ClientState>,
    more: usize,
    kill: bool,
) -> Vec<ClientState> {
    let stop = Arc::new(AtomicBool::new(false));
    let target = ledger.lock().unwrap().acknowledged() + more;
    let (a, c, l, s) = (
        node.addr.clone(),
        cast.clone(),
        ledger.clone(),
        stop.clone(),
    );
    let running = tokio::spawn(async move { load::run(&a, &c, &l, &states, &s).await });
    let started = Instant::now();
    while ledger.lock().unwrap().acknowledged() < target {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the load stalls"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if kill {
        node.kill9().await;
    }
    stop.store(true, Ordering::SeqCst);
    running.await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_nodes_one_killed_the_other_serves_every_member_and_the_restart_catches_up() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _cluster) = pg::database().await;
    let install = Install::postgres(&dir.path().join("data"), &url);
    let members = seed::members(&url, "member", CLIENTS * 2).await;
    let (clients, invitees) = members.split_at(CLIENTS);
    let mut nodes = Node::start_many(&install, 2, dir.path()).await;
    let cast = Arc::new(load::set_up(&nodes[0].addr, clients.to_vec(), invitees.to_vec()).await);
    let ledger = Arc::new(Mutex::new(Ledger::default()));

    let states = vec![ClientState::default(); CLIENTS];
    let states = load_until(&mut nodes[0], &cast, &ledger, states, 30, true).await;
    // Node B goes on serving every member: their writes, and reads of what node A took.
    load_until(&mut nodes[1], &cast, &ledger, states, 40, false).await;
    let b = nodes[1].addr.clone();
    {
        let l = ledger.lock().unwrap().clone();
        assert!(l.failures.is_empty(), "{:?}", l.failures);
        for (post, author) in &l.posts {
            let r = req(
                &b,
                "GET",
                &format!("/api/v1/posts/{post}"),
                &cast.clients[*author].token,
                None,
            )
            .await
            .unwrap();
            assert_eq!(
                r.status, 200,
                "post {post} through the surviving node: {}",
                r.body
            );
        }
    }
    for m in cast.clients.iter().chain(&cast.invitees) {
        let r = req(&b, "GET", "/api/v1/me", &m.token, None).await.unwrap();
        assert_eq!(r.status, 200, "{}: {}", m.handle, r.body);
    }
    // Node B's indexes (graph, feed) learned node A's writes from the change stream: every
    // invitation A took is still open or is a connection in B's graph (within a second by
    // design; the bound leaves room for a test machine busy with other tests), then
    // everything agrees with the store.
    let started = Instant::now();
    let settled = ledger.lock().unwrap().clone();
    while !invitations_settled(&b, &cast, &settled).await {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "node B's graph lacks connections node A made"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!(
        "node B had node A's connections {} ms after the load",
        started.elapsed().as_millis()
    );
    {
        let l = ledger.lock().unwrap().clone();
        verify::everything(&b, &cast, &l, &url).await;
    }
    // The dead node, started again, has every acknowledged write, whichever node took it,
    // and its indexes agree with the store.
    nodes[0].restart().await;
    let l = ledger.lock().unwrap().clone();
    verify::everything(&nodes[0].addr, &cast, &l, &url).await;
    for n in &mut nodes {
        assert!(n.running());
        assert!(!n.log_text().contains("panicked"), "{}", n.log_text());
    }
}

/// Whether every invitation of the ledger is in its sender's sent list or a connection of
/// degree 1, as `addr` answers.
async fn invitations_settled(addr: &str, cast: &load::Cast, l: &Ledger) -> bool {
    for (c, client) in cast.clients.iter().enumerate() {
        let r = req(
            addr,
            "GET",
            "/api/v1/invitations?box=sent&limit=100",
            &client.token,
            None,
        )
        .await
        .unwrap();
        let sent = r.body.clone();
        for (inv, _, j) in l.invitations.iter().filter(|(_, from, _)| *from == c) {
            if sent.contains(&format!("\"{inv}\"")) {
                continue;
            }
            let path = format!("/api/v1/members/{}", cast.invitees[*j].handle);
            let r = req(addr, "GET", &path, &client.token, None).await.unwrap();
            if r.json()["degree"] != 1 {
                return false;
            }
        }
    }
    true
}
