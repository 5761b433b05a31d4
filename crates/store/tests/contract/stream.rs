//! The change stream on both backends: the triggers append what the indexes need in the
//! writing transaction and in commit order, each change names the node that wrote it where
//! the backend can, pruning keeps what a live node has not read, and a lease has one holder.

use guild_core::accounts::store::AccountStore;
use guild_core::network::store::NetworkStore;
use guild_core::store::Store;
use guild_core::stream::model::{ChangeKind as K, ChangeOp as Op, Position};
use guild_core::stream::store::StreamStore;
use guild_store::{Pool, SqlStore};
use guild_testkit::TestApp;

use super::new_member;

pub(super) type Seen = (K, Op, Option<i64>, Option<i64>);

async fn kinds_after(s: &dyn Store, p: Position) -> Vec<Seen> {
    s.changes_after(p, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|c| (c.kind.unwrap(), c.op.unwrap(), c.a, c.b))
        .collect()
}

/// The changes after `p` once `until` holds of them. On PostgreSQL a write transaction open
/// anywhere in the cluster (other tests run beside this one) holds the stream back a moment.
pub(super) async fn settled(
    s: &dyn Store,
    p: Position,
    until: impl Fn(&[Seen]) -> bool,
) -> Vec<Seen> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let got = kinds_after(s, p).await;
        if until(&got) || std::time::Instant::now() > deadline {
            return got;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

#[tokio::test]
async fn every_change_the_indexes_need_is_appended_in_commit_order() {
    let app = TestApp::new().await;
    let s = &app.store;
    let head = s.stream_head().await.unwrap();
    let a = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let b = s.create_member(&new_member("bob"), None).await.unwrap().id;
    s.seed_connections(&[(a, b, 1_000)]).await.unwrap();
    s.block(a, b, 2_000).await.unwrap();
    s.unblock(a, b).await.unwrap();
    let got = settled(s, head, |g| {
        g.contains(&(K::Block, Op::Delete, Some(a), Some(b)))
    })
    .await;
    // Blocking severs the connection (both rows) in the same transaction as the block.
    let want = [
        (K::Member, Op::Insert, Some(a), None),
        (K::Member, Op::Insert, Some(b), None),
        (K::Connection, Op::Insert, Some(a), Some(b)),
        (K::Connection, Op::Insert, Some(b), Some(a)),
        (K::Block, Op::Insert, Some(a), Some(b)),
        (K::Block, Op::Delete, Some(a), Some(b)),
    ];
    for w in &want {
        assert!(got.contains(w), "{w:?} missing from {got:?}");
    }
    let order: Vec<_> = got.iter().filter(|g| want.contains(g)).collect();
    assert_eq!(order.len(), want.len(), "{got:?}");
    assert_eq!(*order[0], want[0]);
    assert_eq!(
        *order[4], want[4],
        "the block comes after the connection: {got:?}"
    );
    assert_eq!(*order[5], want[5]);
    // Reading on from the last change read finds nothing more.
    let all = s.changes_after(head, 100).await.unwrap();
    let last = all.last().unwrap().at;
    assert!(s.changes_after(last, 100).await.unwrap().is_empty());
    // The head now is past everything written.
    assert!(s.stream_head().await.unwrap() >= last);
}

#[tokio::test]
async fn each_change_names_the_node_that_wrote_it_where_the_backend_can() {
    let app = TestApp::new().await;
    let first = &app.store;
    let second = SqlStore::connect(&app.database_url).await.unwrap();
    assert_ne!(first.node_id(), second.node_id(), "two stores, two nodes");
    let head = first.stream_head().await.unwrap();
    let a = first
        .create_member(&new_member("ann"), None)
        .await
        .unwrap()
        .id;
    let b = second
        .create_member(&new_member("bob"), None)
        .await
        .unwrap()
        .id;
    settled(first, head, |g| {
        g.contains(&(K::Member, Op::Insert, Some(b), None))
    })
    .await;
    let changes = first.changes_after(head, 100).await.unwrap();
    let origin_of = |m: i64| {
        changes
            .iter()
            .find(|c| c.kind == Some(K::Member) && c.a == Some(m))
            .map(|c| c.origin.clone())
            .unwrap()
    };
    match first.pool {
        Pool::Pg(_) => {
            assert!(first.origin_recorded());
            assert_eq!(origin_of(a).as_deref(), Some(first.node_id()));
            assert_eq!(origin_of(b).as_deref(), Some(second.node_id()));
        }
        Pool::Sqlite(_) => {
            // One node serves SQLite: its triggers cannot tell writers apart.
            assert!(!first.origin_recorded());
            assert_eq!(origin_of(a), None);
            assert_eq!(origin_of(b), None);
        }
    }
    second.close().await;
}

#[tokio::test]
async fn a_change_committed_late_is_not_passed_by_a_reader() {
    let app = TestApp::new().await;
    let s = &app.store;
    let a = s.create_member(&new_member("ann"), None).await.unwrap().id;
    let b = s.create_member(&new_member("bob"), None).await.unwrap().id;
    let head = s.stream_head().await.unwrap();
    match &s.pool {
        Pool::Pg(pool) => {
            // The first transaction starts writing, a second one commits, then the first.
            let mut slow = pool.begin().await.unwrap();
            sqlx::query(
                "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, 1)",
            )
            .bind(a)
            .bind(b)
            .execute(&mut *slow)
            .await
            .unwrap();
            s.block(b, a, 2).await.unwrap();
            // A reader now must not take the block and move past the follow still to come.
            assert_eq!(kinds_after(s, head).await, vec![]);
            slow.commit().await.unwrap();
            let got = settled(s, head, |g| g.len() >= 2).await;
            assert!(
                got.contains(&(K::Follow, Op::Insert, Some(a), Some(b))),
                "{got:?}"
            );
            assert!(
                got.contains(&(K::Block, Op::Insert, Some(b), Some(a))),
                "{got:?}"
            );
        }
        Pool::Sqlite(pool) => {
            // One writer at a time: a transaction's changes appear whole, at its commit.
            let mut tx = pool.begin().await.unwrap();
            sqlx::query(
                "INSERT INTO follows (follower_id, followee_id, created_at) VALUES ($1, $2, 1)",
            )
            .bind(a)
            .bind(b)
            .execute(&mut *tx)
            .await
            .unwrap();
            assert_eq!(kinds_after(s, head).await, vec![]);
            tx.commit().await.unwrap();
            assert_eq!(
                kinds_after(s, head).await,
                vec![(K::Follow, Op::Insert, Some(a), Some(b))]
            );
        }
    }
}

#[tokio::test]
async fn pruning_keeps_what_a_live_node_has_not_read() {
    let app = TestApp::new().await;
    let s = &app.store;
    let start = s.stream_head().await.unwrap();
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    settled(s, start, |g| {
        g.iter().any(|c| c.0 == K::Profile && c.2 == Some(ann))
    })
    .await;
    let first = s.changes_after(start, 100).await.unwrap();
    let read_to = first.last().unwrap().at;
    let bob = s.create_member(&new_member("bob"), None).await.unwrap().id;
    // This live node has read the first change; a dead one (not seen for an hour) had read
    // nothing.
    let now = guild_core::now_ms();
    let me = s.node_id().to_string();
    s.record_position(&me, read_to, 0, now).await.unwrap();
    s.record_position("dead", start, 0, now - 3_600_000)
        .await
        .unwrap();
    s.prune_changes(now - 600_000).await.unwrap();
    assert!(s.stream_horizon().await.unwrap() >= read_to);
    assert!(s
        .changes_after(start, 100)
        .await
        .unwrap()
        .iter()
        .all(|c| c.at > read_to));
    let rest = settled(s, read_to, |g| g.iter().any(|c| c.0 == K::Profile)).await;
    assert!(
        rest.contains(&(K::Member, Op::Insert, Some(bob), None)),
        "bob's changes are kept: {rest:?}"
    );
    assert!(rest.iter().all(|r| r.2 == Some(bob)), "{rest:?}");
    // Once the live node has read it too, it goes.
    let end = s
        .changes_after(read_to, 100)
        .await
        .unwrap()
        .last()
        .unwrap()
        .at;
    s.record_position(&me, end, 0, now).await.unwrap();
    assert_eq!(
        s.prune_changes(now - 600_000).await.unwrap(),
        rest.len() as u64
    );
    assert!(s.changes_after(start, 100).await.unwrap().is_empty());
    assert!(s.stream_horizon().await.unwrap() >= end);
}

#[tokio::test]
async fn a_lease_has_one_holder_until_it_lapses() {
    let app = TestApp::new().await;
    let s = &app.store;
    assert!(s.take_lease("round", "a", 1_000, 5_000).await.unwrap());
    assert!(!s.take_lease("round", "b", 2_000, 6_000).await.unwrap());
    // Its holder renews it.
    assert!(s.take_lease("round", "a", 3_000, 7_000).await.unwrap());
    assert!(!s.take_lease("round", "b", 6_999, 9_000).await.unwrap());
    // Lapsed: the next asker takes it, and the old holder no longer has it.
    assert!(s.take_lease("round", "b", 7_000, 11_000).await.unwrap());
    assert!(!s.take_lease("round", "a", 8_000, 12_000).await.unwrap());
    // Another lease is another name.
    assert!(s.take_lease("other", "a", 8_000, 12_000).await.unwrap());
}

#[tokio::test]
async fn the_head_stays_past_everything_pruned_even_when_nothing_is_left() {
    let app = TestApp::new().await;
    let s = &app.store;
    let start = s.stream_head().await.unwrap();
    let ann = s.create_member(&new_member("ann"), None).await.unwrap().id;
    settled(s, start, |g| {
        g.iter().any(|c| c.0 == K::Profile && c.2 == Some(ann))
    })
    .await;
    let end = s
        .changes_after(start, 100)
        .await
        .unwrap()
        .last()
        .unwrap()
        .at;
    let now = guild_core::now_ms();
    s.record_position(s.node_id(), end, 0, now).await.unwrap();
    assert!(s.prune_changes(now - 600_000).await.unwrap() > 0);
    assert!(s.changes_after(start, 100).await.unwrap().is_empty());
    // A node opening now starts at or after the horizon: it has nothing to reload.
    assert!(s.stream_head().await.unwrap() >= s.stream_horizon().await.unwrap());
}
