//! Invitations through `/api/v1`: sending with a note, the received and sent boxes, the
//! answers (accept, ignore, "I don't know", spam, withdraw), crossing invitations, refusals,
//! and who may touch an invitation. Their limits are in `api_network_rules`; connections,
//! follows and blocks in `api_network_links`; degrees, paths and PYMK in `api_network_graph`.
//! The helpers here are shared by those files.

use guild_testkit::{Resp, TestApp, TestMember};
use serde_json::{json, Value};

pub(crate) async fn invite(app: &TestApp, from: &TestMember, to: &TestMember) -> Resp {
    app.post("/api/v1/invitations")
        .token(from)
        .json(json!({"to": to.handle}))
        .send()
        .await
}

/// Sends an invitation that must be created, and returns its id.
pub(crate) async fn invite_id(app: &TestApp, from: &TestMember, to: &TestMember) -> String {
    let r = invite(app, from, to).await;
    r.assert_status(201);
    r.json()["invitation"]["id"].as_str().unwrap().to_string()
}

/// `POST /api/v1/invitations/{id}/{action}` as `who`.
pub(crate) async fn act(app: &TestApp, who: &TestMember, id: &str, action: &str) -> Resp {
    app.post(&format!("/api/v1/invitations/{id}/{action}"))
        .token(who)
        .send()
        .await
}

pub(crate) async fn get_json(app: &TestApp, who: &TestMember, path: &str) -> Value {
    let r = app.get(path).token(who).send().await;
    r.assert_status(200);
    r.json()
}

/// The handles of a list's items, whether items are members or wrap one in `member`.
pub(crate) fn handles(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|i| {
            let m = if i["member"].is_object() {
                &i["member"]
            } else {
                i
            };
            m["handle"].as_str().unwrap().to_string()
        })
        .collect()
}

pub(crate) async fn list(app: &TestApp, who: &TestMember, path: &str) -> Vec<String> {
    handles(&get_json(app, who, path).await)
}

pub(crate) async fn profile(app: &TestApp, who: &TestMember, handle: &str) -> Resp {
    app.get(&format!("/api/v1/members/{handle}"))
        .token(who)
        .send()
        .await
}

/// Creates members with these handles, in this order.
pub(crate) async fn members(app: &TestApp, handles: &[&str]) -> Vec<TestMember> {
    let mut out = Vec::new();
    for h in handles {
        out.push(app.member(h).await);
    }
    out
}

#[tokio::test]
async fn invitation_with_a_note_is_listed_both_ways_and_accepted() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    app.member("cyd").await;
    let r = app
        .post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "cyd", "note": "n".repeat(301)}))
        .send()
        .await;
    r.assert_status(422);
    assert!(
        r.json()["error"]["fields"]["note"].is_string(),
        "{}",
        r.text()
    );
    let r = app
        .post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "bob", "note": "We met at RustConf"}))
        .send()
        .await;
    r.assert_status(201);
    let inv = r.json()["invitation"].clone();
    assert_eq!(
        (inv["member"]["handle"].as_str(), inv["state"].as_str()),
        (Some("bob"), Some("pending"))
    );
    assert_eq!(inv["note"], "We met at RustConf");
    let id = inv["id"].as_str().unwrap().to_string();
    app.post("/api/v1/invitations")
        .token(&ann)
        // 300 characters, not bytes.
        .json(json!({"to": "cyd", "note": "é".repeat(300)}))
        .send()
        .await
        .assert_status(201);

    let received = get_json(&app, &bob, "/api/v1/invitations?box=received").await;
    assert_eq!(handles(&received), ["ann"]);
    assert_eq!(received["items"][0]["id"], id.as_str());
    assert_eq!(received["items"][0]["note"], "We met at RustConf");
    assert_eq!(received["items"][0]["member"]["relation"], "invited_me");
    assert_eq!(
        list(&app, &bob, "/api/v1/invitations").await,
        ["ann"],
        "received is the default box"
    );
    assert_eq!(
        list(&app, &ann, "/api/v1/invitations?box=sent").await,
        ["cyd", "bob"],
        "newest first"
    );
    assert!(list(&app, &ann, "/api/v1/invitations?box=received")
        .await
        .is_empty());
    assert!(list(&app, &bob, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    let r = app
        .get("/api/v1/invitations?box=junk")
        .token(&bob)
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["box"].is_string());

    let s = get_json(&app, &bob, "/api/v1/invitations/summary").await;
    assert_eq!(s["pending_received"], 1);
    assert_eq!(s["quota"]["left"], 100);
    let s = get_json(&app, &ann, "/api/v1/invitations/summary").await;
    assert_eq!(s["pending_received"], 0);
    assert_eq!(
        (
            s["quota"]["limit"].as_u64(),
            s["quota"]["used"].as_u64(),
            s["quota"]["left"].as_u64()
        ),
        (Some(100), Some(2), Some(98))
    );
    assert_eq!(
        s["quota"]["label"],
        "98 of 100 left this week, resets Monday"
    );
    assert_eq!(
        profile(&app, &ann, "bob").await.json()["relation"],
        "invited_by_me"
    );

    let r = act(&app, &bob, &id, "accept").await;
    r.assert_status(200);
    assert_eq!(r.json()["connection"]["handle"], "ann");
    assert_eq!(r.json()["connection"]["degree"], 1);
    let p = profile(&app, &ann, "bob").await.json();
    assert_eq!(
        (p["degree"].as_u64(), p["relation"].as_str()),
        (Some(1), Some("connected"))
    );
    assert_eq!(
        profile(&app, &bob, "ann").await.json()["relation"],
        "connected"
    );
    let stats = get_json(&app, &ann, "/api/v1/network/stats").await;
    assert_eq!(
        (stats["first"].as_u64(), stats["second"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(
        get_json(&app, &bob, "/api/v1/invitations/summary").await["pending_received"],
        0
    );
    assert_eq!(
        list(&app, &ann, "/api/v1/invitations?box=sent").await,
        ["cyd"]
    );
    assert_eq!(list(&app, &bob, "/api/v1/connections").await, ["ann"]);
    act(&app, &bob, &id, "accept").await.assert_status(404);
}

#[tokio::test]
async fn inviting_someone_who_invited_you_connects_at_once() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    invite_id(&app, &ann, &bob).await;
    let r = invite(&app, &bob, &ann).await;
    r.assert_status(200);
    assert_eq!(r.json()["connection"]["handle"], "ann");
    assert_eq!(r.json()["connection"]["relation"], "connected");
    assert!(list(&app, &ann, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    assert!(list(&app, &bob, "/api/v1/invitations").await.is_empty());
    assert_eq!(list(&app, &ann, "/api/v1/connections").await, ["bob"]);
    assert_eq!(profile(&app, &ann, "bob").await.json()["degree"], 1);

    // Also when the second had ignored the first: to its sender that one was still pending.
    let (cyd, dan) = (app.member("cyd").await, app.member("dan").await);
    let id = invite_id(&app, &cyd, &dan).await;
    act(&app, &dan, &id, "ignore").await.assert_status(200);
    let r = invite(&app, &dan, &cyd).await;
    r.assert_status(200);
    assert_eq!(r.json()["connection"]["handle"], "cyd");
    assert!(list(&app, &cyd, "/api/v1/invitations").await.is_empty());
    assert!(list(&app, &cyd, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    assert_eq!(list(&app, &cyd, "/api/v1/connections").await, ["dan"]);
}

#[tokio::test]
async fn the_received_box_pages_newest_first() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    for m in members(&app, &["bob", "cyd", "dan"]).await {
        invite_id(&app, &m, &ann).await;
    }
    let mut seen = Vec::new();
    let mut path = "/api/v1/invitations?limit=2".to_string();
    loop {
        let page = get_json(&app, &ann, &path).await;
        assert!(handles(&page).len() <= 2);
        seen.extend(handles(&page));
        match page["next_cursor"].as_str() {
            Some(c) => path = format!("/api/v1/invitations?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, ["dan", "cyd", "bob"]);
    for q in ["limit=0", "limit=101", "cursor=@@@"] {
        let r = app
            .get(&format!("/api/v1/invitations?{q}"))
            .token(&ann)
            .send()
            .await;
        assert_eq!(r.status, 422, "{q}: {}", r.text());
    }
}

#[tokio::test]
async fn ignoring_is_silent_and_the_sender_can_withdraw() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    let id = invite_id(&app, &ann, &bob).await;
    let r = act(&app, &bob, &id, "ignore").await;
    r.assert_status(200);
    assert_eq!(r.json()["state"], "ignored");
    assert!(list(&app, &bob, "/api/v1/invitations").await.is_empty());
    assert_eq!(
        get_json(&app, &bob, "/api/v1/invitations/summary").await["pending_received"],
        0
    );
    // The sender sees nothing change.
    let sent = get_json(&app, &ann, "/api/v1/invitations?box=sent").await;
    assert_eq!(handles(&sent), ["bob"]);
    assert_eq!(sent["items"][0]["state"], "pending");
    assert!(!sent.to_string().contains("ignored"));
    assert_eq!(
        profile(&app, &ann, "bob").await.json()["relation"],
        "invited_by_me"
    );
    assert_eq!(
        invite(&app, &ann, &bob)
            .await
            .assert_status(409)
            .error_code(),
        "invitation_pending"
    );
    act(&app, &bob, &id, "accept").await.assert_status(404);

    let r = act(&app, &ann, &id, "withdraw").await;
    r.assert_status(200);
    assert_eq!(r.json()["state"], "withdrawn");
    assert!(list(&app, &ann, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    act(&app, &ann, &id, "withdraw").await.assert_status(404);
    assert_eq!(profile(&app, &ann, "bob").await.json()["relation"], "none");
}

#[tokio::test]
async fn dont_know_and_spam_stop_that_sender_for_good() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    let id = invite_id(&app, &ann, &bob).await;
    let r = act(&app, &bob, &id, "dont-know").await;
    r.assert_status(200);
    assert_eq!(r.json()["state"], "dont_know");
    assert!(list(&app, &bob, "/api/v1/invitations").await.is_empty());
    assert!(list(&app, &ann, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    for _ in 0..2 {
        let r = invite(&app, &ann, &bob).await;
        r.assert_status(403);
        assert_eq!(r.error_code(), "invitation_not_allowed");
    }
    act(&app, &bob, &id, "accept").await.assert_status(404);
    // Not a block: each still sees the other.
    profile(&app, &ann, "bob").await.assert_status(200);

    let id = invite_id(&app, &cyd, &bob).await;
    let r = act(&app, &bob, &id, "spam").await;
    r.assert_status(200);
    assert_eq!(r.json()["state"], "spam");
    assert_eq!(
        invite(&app, &cyd, &bob)
            .await
            .assert_status(403)
            .error_code(),
        "invitation_not_allowed"
    );
    // Others may still invite bob, and bob may still invite ann.
    invite_id(&app, &cyd, &ann).await;
    invite_id(&app, &bob, &ann).await;
}

#[tokio::test]
async fn invitations_that_cannot_be_sent() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    let r = invite(&app, &ann, &ann).await;
    r.assert_status(422);
    assert!(
        r.json()["error"]["fields"]["to"].is_string(),
        "{}",
        r.text()
    );
    app.post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "nobody-here"}))
        .send()
        .await
        .assert_status(404);
    // Handles are not case-sensitive, here as in /members/{handle}.
    let r = app
        .post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": " Cyd "}))
        .send()
        .await;
    assert_eq!(
        r.assert_status(201).json()["invitation"]["member"]["handle"],
        "cyd"
    );
    app.post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "bob", "extra": 1}))
        .send()
        .await
        .assert_status(400);
    app.connect(&ann, &bob).await;
    assert_eq!(
        invite(&app, &ann, &bob)
            .await
            .assert_status(409)
            .error_code(),
        "already_connected"
    );
    assert_eq!(
        invite(&app, &bob, &ann)
            .await
            .assert_status(409)
            .error_code(),
        "already_connected"
    );
    let r = invite(&app, &ann, &cyd).await;
    r.assert_status(409);
    assert_eq!(r.error_code(), "invitation_pending");
    assert_eq!(
        list(&app, &cyd, "/api/v1/invitations").await,
        ["ann"],
        "one invitation, not two"
    );
}

#[tokio::test]
async fn only_the_addressee_answers_and_only_the_sender_withdraws() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    let id = invite_id(&app, &ann, &bob).await;
    for action in ["accept", "ignore", "dont-know", "spam", "withdraw"] {
        let r = act(&app, &cyd, &id, action).await;
        assert_eq!(r.status, 404, "cyd {action}: {}", r.text());
    }
    for action in ["accept", "ignore", "dont-know", "spam"] {
        assert_eq!(
            act(&app, &ann, &id, action).await.status,
            404,
            "the sender cannot {action}"
        );
    }
    act(&app, &bob, &id, "withdraw").await.assert_status(404);
    act(&app, &bob, "not-a-number", "accept")
        .await
        .assert_status(404);
    act(&app, &bob, "999999", "accept").await.assert_status(404);
    for action in ["accept", "ignore", "withdraw"] {
        app.post(&format!("/api/v1/invitations/{id}/{action}"))
            .send()
            .await
            .assert_status(401);
    }
    // Nothing changed: the real recipient still has it and accepts it.
    assert_eq!(list(&app, &bob, "/api/v1/invitations").await, ["ann"]);
    assert_eq!(
        list(&app, &ann, "/api/v1/invitations?box=sent").await,
        ["bob"]
    );
    assert!(list(&app, &cyd, "/api/v1/connections").await.is_empty());
    act(&app, &bob, &id, "accept").await.assert_status(200);
    assert_eq!(list(&app, &ann, "/api/v1/connections").await, ["bob"]);

    for path in [
        "/api/v1/invitations",
        "/api/v1/invitations/summary",
        "/api/v1/connections",
        "/api/v1/me/followers",
        "/api/v1/me/following",
        "/api/v1/blocks",
        "/api/v1/network/stats",
        "/api/v1/pymk",
        "/api/v1/members/ann/mutuals",
        "/api/v1/members/ann/path",
    ] {
        assert_eq!(app.get(path).send().await.status, 401, "{path}");
    }
    app.post("/api/v1/invitations")
        .json(json!({"to": "ann"}))
        .send()
        .await
        .assert_status(401);
    app.delete("/api/v1/connections/bob")
        .send()
        .await
        .assert_status(401);
    app.put("/api/v1/follows/ann")
        .send()
        .await
        .assert_status(401);
    app.put("/api/v1/blocks/ann")
        .send()
        .await
        .assert_status(401);
    app.post("/api/v1/pymk/ann/dismiss")
        .send()
        .await
        .assert_status(401);
    app.put("/api/v1/me/invite-policy")
        .json(json!({"invite_policy": "email"}))
        .send()
        .await
        .assert_status(401);
}
