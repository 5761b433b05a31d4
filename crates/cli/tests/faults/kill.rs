//! kill -9 under load: every write the server acknowledged is there after it restarts.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::load::{self, ClientState, Ledger};
use super::verify;
use crate::common::node::{Install, Node};
use crate::common::{pg, seed};

const CLIENTS: usize = 8;
const INVITEES: usize = 12;
const KILLS: usize = 3;

/// Seeds `install`, then `KILLS` times: load from eight clients, SIGKILL mid-load, restart
/// on the same data, and check every acknowledged write and the indexes.
async fn kill_under_load(install: Install, dir: &std::path::Path) {
    let url = install.url();
    std::fs::create_dir_all(&install.data_dir).unwrap();
    let members = seed::members(&url, "client", CLIENTS + INVITEES).await;
    let (clients, invitees) = members.split_at(CLIENTS);
    let mut node = Node::start(&install, &dir.join("serve.log")).await;
    let cast = Arc::new(load::set_up(&node.addr, clients.to_vec(), invitees.to_vec()).await);
    let ledger = Arc::new(Mutex::new(Ledger::default()));
    let mut states = vec![ClientState::default(); CLIENTS];
    for kill in 0..KILLS {
        let stop = Arc::new(AtomicBool::new(false));
        let before = ledger.lock().unwrap().acknowledged();
        let addr = node.addr.clone();
        let (cast2, ledger2, stop2, states2) = (cast.clone(), ledger.clone(), stop.clone(), states);
        let running =
            tokio::spawn(async move { load::run(&addr, &cast2, &ledger2, &states2, &stop2).await });
        // Kill at a different moment each time, once writes are flowing.
        let started = Instant::now();
        while ledger.lock().unwrap().acknowledged() < before + 40 + 25 * kill {
            assert!(
                started.elapsed() < Duration::from_secs(10),
                "the load does not get going"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        node.kill9().await;
        stop.store(true, Ordering::SeqCst);
        states = running.await.unwrap();
        node.restart().await;
        let l = ledger.lock().unwrap().clone();
        assert!(
            l.failures.is_empty(),
            "server errors under load: {:?}",
            l.failures
        );
        eprintln!(
            "kill {}: {} writes acknowledged so far ({} posts, {} reactions, {} messages, {} invitations, {} accepted)",
            kill + 1,
            l.acknowledged(),
            l.posts.len(),
            l.reactions.len(),
            l.messages.len(),
            l.invitations.len(),
            l.accepted.len()
        );
        verify::everything(&node.addr, &cast, &l, &url).await;
    }
    let l = ledger.lock().unwrap().clone();
    assert!(
        !l.posts.is_empty()
            && !l.reactions.is_empty()
            && !l.messages.is_empty()
            && !l.accepted.is_empty(),
        "every kind of write was acknowledged at least once"
    );
    assert!(node.running());
    assert!(!node.log_text().contains("panicked"), "{}", node.log_text());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_on_sqlite_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let install = Install::sqlite(&dir.path().join("data"));
    kill_under_load(install, dir.path()).await;
}

/// On the test script's PostgreSQL when `TEST_DATABASE_URL` is set (a database of its own),
/// otherwise on a cluster of the test's own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_load_on_postgres_loses_nothing_acknowledged() {
    let dir = tempfile::tempdir().unwrap();
    let (url, _cluster) = pg::database().await;
    let install = Install::postgres(&dir.path().join("data"), &url);
    kill_under_load(install, dir.path()).await;
}
