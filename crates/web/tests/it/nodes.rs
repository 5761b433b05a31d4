//! Several nodes of one installation: two services over one PostgreSQL database, each with
//! its own indexes, following the change stream. What is done through one node is seen
//! through the other at once — degrees, suggestions, the feed, blocks, the directory,
//! notifications and live events — a node that fell behind reloads, and the background
//! round runs on one node at a time. On SQLite an installation has one node; there the same
//! checks run through it with its follower on (its stream carries only its own changes,
//! which it must not apply twice).

use std::future::Future;
use std::time::{Duration, Instant};

use guild_core::stream::store::StreamStore;
use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::api_network::{act, invite_id, profile};
use crate::api_notifications::{open_events, read_until};
use crate::api_posts::{id, new_post};

/// How long a change may take to show through another node. The design gives well under a
/// second (NOTIFY wakes the reader; it also looks every half second); the margin is for a
/// busy test machine, where other tests' transactions share the database cluster.
const SOON: Duration = Duration::from_secs(5);

/// The second node on PostgreSQL; on SQLite the one node, following its own stream.
pub(crate) async fn other_node(app: &TestApp) -> Option<TestApp> {
    app.follow_changes();
    if app.backend() == "postgres" {
        let node = app.another_node().await;
        node.follow_changes();
        Some(node)
    } else {
        None
    }
}

pub(crate) async fn soon<F, Fut>(what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let start = Instant::now();
    while !check().await {
        assert!(start.elapsed() < SOON, "{what}: not seen within {SOON:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub(crate) async fn json_of(node: &TestApp, who: &TestMember, path: &str) -> (u16, Value) {
    let r = node.get(path).token(who).send().await;
    let status = r.status.as_u16();
    (status, if status == 200 { r.json() } else { Value::Null })
}

/// Sends a request that answers 204 No Content.
async fn done(r: guild_testkit::Req<'_>) {
    r.send().await.assert_status(204);
}

async fn degree(node: &TestApp, who: &TestMember, of: &str) -> Option<u64> {
    profile(node, who, of).await.json()["degree"].as_u64()
}

async fn connect_across(one: &TestApp, two: &TestApp, a: &TestMember, b: &TestMember) {
    let inv = invite_id(one, a, b).await;
    act(two, b, &inv, "accept").await.assert_status(200);
}

#[tokio::test]
async fn what_one_node_does_the_other_shows() {
    let app = TestApp::new().await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;

    // Invited through one node, accepted through the other: each node's graph has it.
    connect_across(one, two, &ann, &bob).await;
    soon("ann and bob connected, through node one", || async {
        degree(one, &ann, "bob").await == Some(1)
    })
    .await;
    assert_eq!(degree(two, &bob, "ann").await, Some(1));
    connect_across(two, one, &bob, &cyd).await;
    soon(
        "cyd a 2nd-degree contact of ann, through node one",
        || async { degree(one, &ann, "cyd").await == Some(2) },
    )
    .await;
    // People You May Know on node one comes from its graph.
    soon("cyd suggested to ann through node one", || async {
        let (_, v) = json_of(one, &ann, "/api/v1/pymk").await;
        v.to_string().contains("\"cyd\"")
    })
    .await;

    // A post written through node two is in ann's feed through node one.
    let p = new_post(two, &bob, "Hello from the second node", "connections").await;
    soon("bob's post in ann's feed on node one", || async {
        let (_, v) = json_of(one, &ann, "/api/v1/feed?sort=recent").await;
        v.to_string().contains("Hello from the second node")
    })
    .await;
    // Ann reacts through node one: bob's notifications through node two say so.
    one.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&ann)
        .json(json!({"kind": "celebrate"}))
        .send()
        .await
        .assert_status(200);
    let (_, notes) = json_of(two, &bob, "/api/v1/notifications").await;
    assert!(notes.to_string().contains("Ann"), "{notes}");
    // Deleted through node one: gone from bob's feed on node two.
    one.delete(&format!("/api/v1/posts/{}", id(&p)))
        .token(&bob)
        .send()
        .await
        .assert_status(204);
    soon(
        "the deleted post gone from bob's feed on node two",
        || async {
            let (_, v) = json_of(two, &bob, "/api/v1/feed?sort=recent").await;
            !v.to_string().contains("Hello from the second node")
        },
    )
    .await;

    // A block through node two hides each from the other through node one.
    two.put("/api/v1/blocks/ann")
        .token(&cyd)
        .send()
        .await
        .assert_status(204);
    soon("cyd hidden from ann on node one", || async {
        profile(one, &ann, "cyd").await.status.as_u16() == 404
    })
    .await;

    // A member who joins through one node is in the directory through the other.
    let dan = one.member("dan").await;
    let (_, dir) = json_of(two, &ann, "/api/v1/members?q=dan").await;
    assert!(dir.to_string().contains(&dan.handle), "{dir}");
}

#[tokio::test]
async fn a_follow_made_through_one_node_feeds_the_feed_read_through_the_other() {
    let app = TestApp::new().await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    new_post(one, &bob, "Bob, followed later", "anyone").await;
    new_post(one, &cyd, "Cyd on #rustlang", "anyone").await;
    // Ann's feed through node two, read once: nobody followed yet (what node two keeps of
    // whom she follows must not outlive the follows below).
    let ann = &ann;
    let feed = |node| async move {
        json_of(node, ann, "/api/v1/feed?sort=recent")
            .await
            .1
            .to_string()
    };
    let before = feed(two).await;
    assert!(!before.contains("Bob, followed later"), "{before}");
    assert!(!before.contains("Cyd on #rustlang"), "{before}");

    done(one.put("/api/v1/follows/bob").token(ann)).await;
    soon("bob's post in ann's feed on node two", || async {
        feed(two).await.contains("Bob, followed later")
    })
    .await;
    done(one.put("/api/v1/hashtags/rustlang/follow").token(ann)).await;
    soon("the #rustlang post in ann's feed on node two", || async {
        feed(two).await.contains("Cyd on #rustlang")
    })
    .await;
    done(one.delete("/api/v1/follows/bob").token(ann)).await;
    soon("bob's post gone from ann's feed on node two", || async {
        !feed(two).await.contains("Bob, followed later")
    })
    .await;
}

#[tokio::test]
async fn the_feed_order_chosen_through_one_node_is_the_default_through_the_other() {
    let app = TestApp::new().await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let order = |node| {
        let ann = &ann;
        async move { json_of(node, ann, "/api/v1/feed").await.1["sort"].clone() }
    };
    assert_eq!(order(two).await, "relevant");
    let (status, chosen) = json_of(one, &ann, "/api/v1/feed?sort=recent").await;
    assert_eq!((status, chosen["sort"].as_str()), (200, Some("recent")));
    soon("ann's choice of order on node two", || async {
        order(two).await == "recent"
    })
    .await;
    json_of(two, &ann, "/api/v1/feed?sort=relevant").await;
    soon("ann's choice again, back on node one", || async {
        order(one).await == "relevant"
    })
    .await;
}

#[tokio::test]
async fn live_events_reach_a_stream_open_on_the_other_node() {
    let app = TestApp::new().await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let addr = two.spawn_server().await;
    let mut s = open_events(addr, &bob, None).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;

    // A message sent through node one arrives on bob's stream on node two.
    let r = one
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob"], "body": "Sent through the first node"}))
        .send()
        .await;
    r.assert_status(201);
    let started = Instant::now();
    read_until(&mut s, &mut buf, "Sent through the first node").await;
    assert!(buf.contains("event: message"), "{buf}");
    assert!(started.elapsed() < SOON);

    // A reaction through node one is a notification on bob's stream on node two.
    let p = new_post(two, &bob, "Live across nodes", "anyone").await;
    one.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&ann)
        .json(json!({"kind": "like"}))
        .send()
        .await
        .assert_status(200);
    read_until(&mut s, &mut buf, "event: notification").await;
}

#[tokio::test]
async fn a_node_catches_up_from_the_stream_and_reloads_only_when_it_fell_behind_the_pruning() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    // A node opened now reads what happens next from the stream (on SQLite, the one node).
    let late = if app.backend() == "postgres" {
        Some(app.another_node().await)
    } else {
        None
    };
    let node = late.as_ref().unwrap_or(&app);
    app.connect(&ann, &bob).await;
    soon("the connection read from the stream", || async {
        node.guild.catch_up().await.unwrap();
        degree(node, &ann, "bob").await == Some(1)
    })
    .await;
    assert_eq!(node.guild.stream_status().reloads, 0);
    assert!(node.guild.stream_status().caught_up);

    // Pruning what every live node has read changes nothing for them.
    app.guild.catch_up().await.unwrap();
    app.guild.prune_changes().await.unwrap();
    node.guild.catch_up().await.unwrap();
    assert_eq!(node.guild.stream_status().reloads, 0);

    // The node stops reading; a while later it is taken for dead, and what it had not read
    // is pruned once the live nodes have: it cannot catch up from the stream, so it reloads.
    let behind = node.guild.stream_status().position;
    let stopped = guild_core::now_ms();
    tokio::time::sleep(Duration::from_millis(200)).await;
    let cyd = app.member("cyd").await;
    app.connect(&bob, &cyd).await;
    soon("the new connection in the stream", || async {
        let changes = app.store.changes_after(behind, 1_000).await.unwrap();
        changes.iter().any(|c| {
            c.kind == Some(guild_core::stream::model::ChangeKind::Connection) && c.a == Some(cyd.id)
        })
    })
    .await;
    let end = app
        .store
        .changes_after(behind, 1_000)
        .await
        .unwrap()
        .last()
        .unwrap()
        .at;
    app.store
        .record_position("a-node-that-kept-reading", end, 0, guild_core::now_ms())
        .await
        .unwrap();
    // Dead: not seen since it stopped; live: the node that kept reading.
    let pruned = app.store.prune_changes(stopped + 100).await.unwrap();
    assert!(
        pruned > 0,
        "behind {behind:?}, end {end:?}, horizon {:?}",
        app.store.stream_horizon().await
    );
    node.guild.catch_up().await.unwrap();
    assert_eq!(node.guild.stream_status().reloads, 1);
    assert_eq!(
        degree(node, &ann, "cyd").await,
        Some(2),
        "the reload has it"
    );
}

#[tokio::test]
async fn the_background_round_runs_on_one_node_and_each_email_is_sent_once() {
    let app = TestApp::new().await;
    let other = if app.backend() == "postgres" {
        Some(app.another_node().await)
    } else {
        None
    };
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    one.put("/api/v1/me/notification-settings")
        .token(&ann)
        .json(json!({"digest": "daily"}))
        .send()
        .await
        .assert_status(200);
    let p = new_post(one, &ann, "Due for a digest", "anyone").await;
    two.post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&bob)
        .json(json!({"body": "Nice"}))
        .send()
        .await
        .assert_status(201);

    // Both nodes' rounds come due at once.
    let later = guild_core::now_ms() + 86_400_000 + 1_000;
    let (r1, r2) = tokio::join!(
        one.guild.background_round(later),
        two.guild.background_round(later)
    );
    let digests = r1.map_or(0, |r| r.digests) + r2.map_or(0, |r| r.digests);
    assert_eq!(digests, 1, "one digest for ann: {r1:?} {r2:?}");
    assert!(r1.is_some() != r2.is_some(), "one round ran: {r1:?} {r2:?}");
    // Both nodes run the outbox at once: the email goes out once.
    let (a, b) = tokio::join!(one.guild.run_outbox(later), two.guild.run_outbox(later));
    let mut emails = one.emails().await;
    if other.is_some() {
        emails.extend(two.emails().await);
    }
    let digests: Vec<_> = emails
        .iter()
        .filter(|e| e.to.contains("ann@example.com") && e.body.contains("Bob commented"))
        .collect();
    assert_eq!(digests.len(), 1, "ran {a:?} and {b:?}: {emails:?}");
}

#[tokio::test]
async fn a_limit_counts_the_attempts_made_through_every_node_once() {
    let app = TestApp::with_settings(|s| s.limits.posts_per_hour = 3).await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let post = |node: &'static str| {
        let (app, ann) = (if node == "one" { one } else { two }, &ann);
        async move {
            app.post("/api/v1/posts")
                .token(ann)
                .json(json!({"body": format!("Through node {node}"), "visibility": "anyone"}))
                .send()
                .await
        }
    };
    // Three at once, through both nodes: all three fit.
    let (a, b, c) = tokio::join!(post("one"), post("two"), post("one"));
    for r in [&a, &b, &c] {
        r.assert_status(201);
    }
    // The fourth is refused whichever node it reaches, saying when the limit lifts.
    for node in ["two", "one"] {
        let r = post(node).await;
        r.assert_status(429);
        assert_eq!(r.json()["error"]["code"], "rate_limited", "{}", r.text());
    }
}

#[tokio::test]
async fn the_weekly_invitation_quota_is_exact_when_invitations_arrive_through_both_nodes_at_once() {
    let app = TestApp::with_settings(|s| s.limits.invitations_per_week = 2).await;
    let other = other_node(&app).await;
    let (one, two) = (&app, other.as_ref().unwrap_or(&app));
    let ann = app.member("ann").await;
    let mut them = Vec::new();
    for h in ["bob", "cyd", "dan", "eve"] {
        them.push(app.member(h).await);
    }
    let invite = |node: &'static str, to: &TestMember| {
        let (app, ann, to) = (
            if node == "one" { one } else { two },
            &ann,
            to.handle.clone(),
        );
        async move {
            app.post("/api/v1/invitations")
                .token(ann)
                .json(json!({"to": to}))
                .send()
                .await
        }
    };
    let (a, b, c, d) = tokio::join!(
        invite("one", &them[0]),
        invite("two", &them[1]),
        invite("one", &them[2]),
        invite("two", &them[3])
    );
    let statuses: Vec<u16> = [&a, &b, &c, &d].iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == 201).count(),
        2,
        "{statuses:?}"
    );
    for r in [&a, &b, &c, &d]
        .into_iter()
        .filter(|r| r.status.as_u16() != 201)
    {
        r.assert_status(429);
        assert_eq!(r.json()["error"]["code"], "invitation_quota_exceeded");
    }
    let (_, sent) = json_of(one, &ann, "/api/v1/invitations?box=sent").await;
    assert_eq!(sent["items"].as_array().map(Vec::len), Some(2), "{sent}");
}
