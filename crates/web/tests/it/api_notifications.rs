//! Notifications through `/api/v1`: each kind, reactions gathered per post, reading them
//! (another member's ids change nothing), per-kind settings, the email digest through the
//! outbox, and the live stream (`/api/v1/events`) on a real socket.

use std::time::Duration;

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::api_posts::{id, new_post};

async fn notes(app: &TestApp, who: &TestMember) -> Value {
    let r = app.get("/api/v1/notifications").token(who).send().await;
    r.assert_status(200);
    r.json()
}

fn texts(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn each_kind_arrives_once_and_reactions_are_gathered_per_post() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let dia = app.member("dia").await;
    // Invitation received, then accepted.
    let inv = app
        .post("/api/v1/invitations")
        .token(&bob)
        .json(json!({"to": "ann"}))
        .send()
        .await;
    inv.assert_status(201);
    assert_eq!(
        texts(&notes(&app, &ann).await),
        ["Bob invited you to connect."]
    );
    let inv_id = inv.json()["invitation"]["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/invitations/{inv_id}/accept"))
        .token(&ann)
        .send()
        .await
        .assert_status(200);
    assert_eq!(
        texts(&notes(&app, &bob).await),
        ["Ann accepted your invitation."]
    );
    // Accepting settled it: Ann's "invited you" is read.
    let n = notes(&app, &ann).await;
    assert_eq!(n["unread"], 0, "{n}");
    assert_eq!(n["items"][0]["read"], true, "{n}");

    let p = new_post(&app, &ann, "Hello world", "anyone").await;
    let react = |who: &TestMember, kind: &str| {
        app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
            .token(who)
            .json(json!({"kind": kind}))
            .send()
    };
    react(&bob, "like").await.assert_status(200);
    react(&cyd, "celebrate").await.assert_status(200);
    react(&bob, "support").await.assert_status(200); // a change, not a new reaction
    react(&dia, "like").await.assert_status(200);
    let n = notes(&app, &ann).await;
    let reaction: Vec<&Value> = n["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "reaction")
        .collect();
    assert_eq!(reaction.len(), 1, "one notification per post: {n}");
    assert_eq!(reaction[0]["count"], 3);
    assert_eq!(
        reaction[0]["text"],
        "Dia and 2 others reacted to your post."
    );
    assert_eq!(reaction[0]["actor"]["handle"], "dia");

    // Comment, reply, mention, repost.
    let c = app
        .post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&cyd)
        .json(json!({"body": "Nice, @bob"}))
        .send()
        .await;
    c.assert_status(201);
    let cid = c.json()["comment"]["id"].clone();
    app.post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&bob)
        .json(json!({"body": "Agreed", "parent_id": cid}))
        .send()
        .await
        .assert_status(201);
    app.post(&format!("/api/v1/posts/{}/reposts", id(&p)))
        .token(&dia)
        .send()
        .await
        .assert_status(201);
    let ann_texts = texts(&notes(&app, &ann).await);
    for t in [
        "Cyd commented on your post.",
        "Bob commented on your post.",
        "Dia reposted your post.",
    ] {
        assert!(
            ann_texts.contains(&t.to_string()),
            "{t} missing: {ann_texts:?}"
        );
    }
    let cy_texts = texts(&notes(&app, &cyd).await);
    assert!(
        cy_texts.contains(&"Bob replied to your comment.".to_string()),
        "{cy_texts:?}"
    );
    let bo_texts = texts(&notes(&app, &bob).await);
    assert!(
        bo_texts.contains(&"Cyd mentioned you.".to_string()),
        "{bo_texts:?}"
    );
    // Nobody is told about their own actions.
    assert!(
        !ann_texts.iter().any(|t| t.starts_with("Ann ")),
        "{ann_texts:?}"
    );
}

#[tokio::test]
async fn reading_marks_only_ones_own_and_a_new_reaction_makes_it_unread_again() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let p = new_post(&app, &ann, "Read me", "anyone").await;
    app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&bob)
        .json(json!({"kind": "like"}))
        .send()
        .await
        .assert_status(200);
    let n = notes(&app, &ann).await;
    assert_eq!(n["unread"], 1);
    let nid = n["items"][0]["id"].clone();
    // Cyd tries to mark Ann's notification read: nothing changes.
    app.post("/api/v1/notifications/read")
        .token(&cyd)
        .json(json!({"ids": [nid]}))
        .send()
        .await
        .assert_status(204);
    assert_eq!(notes(&app, &ann).await["unread"], 1);
    let bad = app
        .post("/api/v1/notifications/read")
        .token(&ann)
        .json(json!({"ids": ["x"]}))
        .send()
        .await;
    bad.assert_status(422);
    app.post("/api/v1/notifications/read")
        .token(&ann)
        .json(json!({"ids": [nid]}))
        .send()
        .await
        .assert_status(204);
    let n = notes(&app, &ann).await;
    assert_eq!(n["unread"], 0);
    assert_eq!(n["items"][0]["read"], true);
    // Another reaction: the same notification, unread again, count 2.
    app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&cyd)
        .json(json!({"kind": "curious"}))
        .send()
        .await
        .assert_status(200);
    let n = notes(&app, &ann).await;
    assert_eq!(n["unread"], 1);
    assert_eq!(n["items"][0]["count"], 2);
    // Mark all.
    app.post("/api/v1/notifications/read")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    assert_eq!(notes(&app, &ann).await["unread"], 0);
}

#[tokio::test]
async fn a_kind_switched_off_is_not_listed_and_the_digest_mails_what_is_unread() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let r = app
        .put("/api/v1/me/notification-settings")
        .token(&ann)
        .json(json!({"kinds": [{"kind": "reaction", "in_app": false, "email": true}], "digest": "daily"}))
        .send()
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["digest"], "daily");
    let bad = app
        .put("/api/v1/me/notification-settings")
        .token(&ann)
        .json(json!({"digest": "hourly"}))
        .send()
        .await;
    bad.assert_status(422);
    assert!(bad.json()["error"]["fields"]["digest"].is_string());

    let p = new_post(&app, &ann, "Quiet please", "anyone").await;
    app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&bob)
        .json(json!({"kind": "like"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&bob)
        .json(json!({"body": "Hi"}))
        .send()
        .await
        .assert_status(201);
    let n = notes(&app, &ann).await;
    assert_eq!(
        texts(&n),
        ["Bob commented on your post."],
        "reactions are off in-app"
    );
    assert_eq!(n["unread"], 1);

    // The digest: a day later, one email with both (reactions are on by email).
    let day = 86_400_000;
    let sent = app
        .guild
        .send_due_digests(guild_core::now_ms() + day + 1000)
        .await
        .unwrap();
    assert_eq!(sent, 1);
    let mail = app
        .emails()
        .await
        .into_iter()
        .find(|e| e.to.contains("ann@example.com") && e.subject.contains("notification"))
        .expect("a digest for Ann");
    assert!(
        mail.body.contains("Bob commented on your post."),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains("Bob reacted to your post."),
        "{}",
        mail.body
    );
    assert!(
        mail.body.contains("http://guild.test/posts/"),
        "{}",
        mail.body
    );
    // Not due again the same day; Bob (weekly, nothing new) gets nothing.
    let again = app
        .guild
        .send_due_digests(guild_core::now_ms() + day + 2000)
        .await
        .unwrap();
    assert_eq!(again, 0);
}

/// Opens `who`'s event stream on a real socket, resuming after `last` if given.
pub(crate) async fn open_events(
    addr: std::net::SocketAddr,
    who: &TestMember,
    last: Option<String>,
) -> tokio::net::TcpStream {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let last = last
        .map(|l| format!("Last-Event-ID: {l}\r\n"))
        .unwrap_or_default();
    let req = format!(
        "GET /api/v1/events HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {}\r\nAccept: text/event-stream\r\n{last}\r\n",
        who.token
    );
    s.write_all(req.as_bytes()).await.unwrap();
    s
}

/// Reads from the stream until `needle` appears (or fails after a few seconds).
pub(crate) async fn read_until(s: &mut tokio::net::TcpStream, buf: &mut String, needle: &str) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !buf.contains(needle) {
        let mut chunk = [0u8; 4096];
        let n = tokio::time::timeout_at(deadline, s.read(&mut chunk))
            .await
            .unwrap_or_else(|_| panic!("no {needle:?} in the stream: {buf}"))
            .unwrap();
        assert!(n > 0, "stream closed before {needle:?}: {buf}");
        buf.push_str(&String::from_utf8_lossy(&chunk[..n]));
    }
}

#[tokio::test]
async fn the_event_stream_pushes_notifications_and_counts_live_and_catches_up() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let addr = app.spawn_server().await;
    let open = |last: Option<String>| open_events(addr, &bob, last);
    let mut s = open(None).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;
    assert!(buf.contains("text/event-stream"), "{buf}");
    assert!(buf.contains("\"notifications\":0"), "{buf}");

    // Ann mentions Bob: the stream carries the notification and the new count.
    let p = new_post(&app, &ann, "Hi @bob", "anyone").await;
    read_until(&mut s, &mut buf, "event: notification").await;
    read_until(&mut s, &mut buf, "\"notifications\":1").await;
    assert!(buf.contains("Ann mentioned you."), "{buf}");
    let first_id = buf
        .split("id: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    drop(s);

    // While Bob is away, Ann comments mentioning him again; reconnecting with the last id
    // brings exactly what was missed.
    app.post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&ann)
        .json(json!({"body": "Also @bob"}))
        .send()
        .await
        .assert_status(201);
    let mut s = open(Some(first_id)).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;
    assert!(buf.contains("event: notification"), "{buf}");
    assert_eq!(buf.matches("event: notification").count(), 1, "{buf}");
    assert!(buf.contains("\"notifications\":2"), "{buf}");

    // Without a session or token: 401, no stream.
    let r = app.get("/api/v1/events").send().await;
    r.assert_status(401);
}

#[tokio::test]
async fn a_reply_in_a_post_one_can_no_longer_read_is_not_notified() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;
    let p = new_post(&app, &ann, "Open for now", "anyone").await;
    let c = app
        .post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&zed)
        .json(json!({"body": "Zed was here"}))
        .send()
        .await;
    c.assert_status(201);
    let cid = c.json()["comment"]["id"].clone();
    // Ann narrows the post to her connections; Zed is not one.
    app.patch(&format!("/api/v1/posts/{}", id(&p)))
        .token(&ann)
        .json(json!({"body": "Open for now", "visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/posts/{}/comments", id(&p)))
        .token(&bob)
        .json(json!({"body": "Replying, @zed", "parent_id": cid}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(
        notes(&app, &zed).await["items"],
        json!([]),
        "neither the reply nor the mention"
    );
}
