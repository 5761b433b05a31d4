//! Connections (list, search, sort, pages, removal), follows and blocks through `/api/v1`.

use std::time::Duration;

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::api_network::{get_json, handles, invite, invite_id, list, members, profile};

/// Connections made in this order have distinct times.
async fn connect_in_order(app: &TestApp, pairs: &[(&TestMember, &TestMember)]) {
    for (a, b) in pairs {
        app.connect(a, b).await;
        tokio::time::sleep(Duration::from_millis(3)).await;
    }
}

#[tokio::test]
async fn connections_are_searched_sorted_and_paged() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let (bob, cyd, dan) = (
        app.member("bob").await,
        app.member("cyd-stone").await,
        app.member("dan").await,
    );
    connect_in_order(&app, &[(&ann, &dan), (&bob, &ann), (&ann, &cyd)]).await;
    let all = get_json(&app, &ann, "/api/v1/connections").await;
    assert_eq!(handles(&all), ["cyd-stone", "bob", "dan"], "newest first");
    assert_eq!(
        (
            all["items"][0]["member"]["degree"].as_u64(),
            all["items"][0]["member"]["relation"].as_str()
        ),
        (Some(1), Some("connected"))
    );
    assert!(all["items"][0]["since"].as_str().unwrap().ends_with('Z'));
    assert_eq!(
        list(&app, &ann, "/api/v1/connections?sort=recent").await,
        ["cyd-stone", "bob", "dan"]
    );
    assert_eq!(
        list(&app, &ann, "/api/v1/connections?sort=name").await,
        ["bob", "cyd-stone", "dan"]
    );
    assert_eq!(
        list(&app, &ann, "/api/v1/connections?q=sto").await,
        ["cyd-stone"],
        "start of any word"
    );
    assert_eq!(list(&app, &ann, "/api/v1/connections?q=D").await, ["dan"]);
    assert!(list(&app, &ann, "/api/v1/connections?q=ton")
        .await
        .is_empty());
    for sort in ["recent", "name"] {
        let mut seen = Vec::new();
        let mut path = format!("/api/v1/connections?sort={sort}&limit=2");
        loop {
            let page = get_json(&app, &ann, &path).await;
            assert!(handles(&page).len() <= 2);
            seen.extend(handles(&page));
            match page["next_cursor"].as_str() {
                Some(c) => path = format!("/api/v1/connections?sort={sort}&limit=2&cursor={c}"),
                None => break,
            }
        }
        assert_eq!(
            seen,
            list(&app, &ann, &format!("/api/v1/connections?sort={sort}")).await,
            "{sort}"
        );
    }
    for q in ["sort=oldest", "limit=0", "limit=101", "cursor=@@@"] {
        let r = app
            .get(&format!("/api/v1/connections?{q}"))
            .token(&ann)
            .send()
            .await;
        r.assert_status(422);
        assert!(r.json()["error"]["fields"].is_object(), "{q}");
    }
    app.get("/api/v1/connections?colour=red")
        .token(&ann)
        .send()
        .await
        .assert_status(400);
    assert_eq!(list(&app, &bob, "/api/v1/connections").await, ["ann"]);
}

#[tokio::test]
async fn removing_a_connection_keeps_the_follows() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    app.connect(&ann, &bob).await;
    // Connecting means following each other.
    assert_eq!(list(&app, &ann, "/api/v1/me/following").await, ["bob"]);
    assert_eq!(list(&app, &ann, "/api/v1/me/followers").await, ["bob"]);
    assert_eq!(profile(&app, &ann, "bob").await.json()["following"], true);
    app.delete("/api/v1/connections/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    let p = profile(&app, &ann, "bob").await.json();
    assert!(p["degree"].is_null(), "{p}");
    assert_eq!(p["relation"], "none");
    assert_eq!(p["following"], true);
    assert!(list(&app, &ann, "/api/v1/connections").await.is_empty());
    assert!(list(&app, &bob, "/api/v1/connections").await.is_empty());
    assert_eq!(
        get_json(&app, &bob, "/api/v1/network/stats").await["first"],
        0
    );
    assert_eq!(list(&app, &ann, "/api/v1/me/following").await, ["bob"]);
    assert_eq!(list(&app, &bob, "/api/v1/me/following").await, ["ann"]);
    app.delete("/api/v1/connections/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    app.delete("/api/v1/connections/nobody-here")
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    // No cool-down after a removed connection.
    invite_id(&app, &bob, &ann).await;
}

#[tokio::test]
async fn follows_need_no_consent_and_unfollowing_keeps_the_connection() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    app.put("/api/v1/follows/ann")
        .token(&cyd)
        .send()
        .await
        .assert_status(204);
    app.put("/api/v1/follows/ann")
        .token(&cyd)
        .send()
        .await
        .assert_status(204);
    assert_eq!(list(&app, &ann, "/api/v1/me/followers").await, ["cyd"]);
    assert_eq!(list(&app, &cyd, "/api/v1/me/following").await, ["ann"]);
    assert!(
        list(&app, &ann, "/api/v1/me/following").await.is_empty(),
        "following is one way"
    );
    let p = profile(&app, &cyd, "ann").await.json();
    assert_eq!(
        (p["following"].as_bool(), p["follower_count"].as_u64()),
        (Some(true), Some(1))
    );
    assert!(p["degree"].is_null(), "a follow is not a connection");
    app.delete("/api/v1/follows/ann")
        .token(&cyd)
        .send()
        .await
        .assert_status(204);
    assert!(list(&app, &ann, "/api/v1/me/followers").await.is_empty());

    app.connect(&ann, &bob).await;
    app.delete("/api/v1/follows/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    assert!(list(&app, &ann, "/api/v1/me/following").await.is_empty());
    assert_eq!(list(&app, &bob, "/api/v1/me/following").await, ["ann"]);
    assert_eq!(list(&app, &ann, "/api/v1/connections").await, ["bob"]);
    assert_eq!(profile(&app, &ann, "bob").await.json()["degree"], 1);

    assert_eq!(
        app.put("/api/v1/follows/ann")
            .token(&ann)
            .send()
            .await
            .status,
        422,
        "not oneself"
    );
    app.put("/api/v1/follows/nobody-here")
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    app.patch("/api/v1/me/profile")
        .token(&bob)
        .json(json!({"visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    app.put("/api/v1/follows/bob")
        .token(&cyd)
        .send()
        .await
        .assert_status(403);
    app.put("/api/v1/follows/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
}

#[tokio::test]
async fn blocking_severs_everything_and_hides_each_from_the_other() {
    let app = TestApp::new().await;
    let m: Vec<TestMember> =
        members(&app, &["ann", "bob", "cyd", "dan", "eve", "fay", "gus"]).await;
    let (ann, bob, cyd, dan, eve, fay, gus) = (&m[0], &m[1], &m[2], &m[3], &m[4], &m[5], &m[6]);
    for (a, b) in [
        (ann, bob),
        (ann, cyd),
        (bob, cyd),
        (bob, dan),
        (cyd, eve),
        (eve, dan),
        (bob, fay),
    ] {
        app.connect(a, b).await;
    }
    invite_id(&app, gus, ann).await;
    let path = |v: Value| -> Vec<String> {
        v["path"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["handle"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        path(get_json(&app, ann, "/api/v1/members/dan/path").await),
        ["ann", "bob", "dan"]
    );
    assert_eq!(
        list(&app, ann, "/api/v1/members/dan/mutuals").await,
        ["bob"]
    );
    assert_eq!(
        list(&app, ann, "/api/v1/members/cyd/mutuals").await,
        ["bob"]
    );
    let mut pymk = list(&app, ann, "/api/v1/pymk").await;
    pymk.sort();
    assert_eq!(pymk, ["dan", "eve", "fay"]);

    app.put("/api/v1/blocks/bob")
        .token(ann)
        .send()
        .await
        .assert_status(204);
    app.put("/api/v1/blocks/gus")
        .token(ann)
        .send()
        .await
        .assert_status(204);
    assert_eq!(list(&app, ann, "/api/v1/blocks").await, ["gus", "bob"]);
    assert!(list(&app, bob, "/api/v1/blocks").await.is_empty());
    // Connection, follows and the pending invitation are gone.
    assert_eq!(list(&app, ann, "/api/v1/connections").await, ["cyd"]);
    assert!(!list(&app, bob, "/api/v1/connections")
        .await
        .contains(&"ann".to_string()));
    assert_eq!(list(&app, ann, "/api/v1/me/following").await, ["cyd"]);
    assert!(!list(&app, bob, "/api/v1/me/following")
        .await
        .contains(&"ann".to_string()));
    assert!(!list(&app, bob, "/api/v1/me/followers")
        .await
        .contains(&"ann".to_string()));
    assert!(list(&app, ann, "/api/v1/invitations").await.is_empty());
    assert!(list(&app, gus, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    // Neither sees nor reaches the other.
    profile(&app, ann, "bob").await.assert_status(404);
    profile(&app, bob, "ann").await.assert_status(404);
    invite(&app, ann, bob).await.assert_status(404);
    invite(&app, bob, ann).await.assert_status(404);
    app.put("/api/v1/follows/ann")
        .token(bob)
        .send()
        .await
        .assert_status(404);
    app.get("/api/v1/members/bob/mutuals")
        .token(ann)
        .send()
        .await
        .assert_status(404);
    app.get("/api/v1/members/ann/path")
        .token(bob)
        .send()
        .await
        .assert_status(404);
    assert!(list(&app, ann, "/api/v1/members?q=bo").await.is_empty());
    assert!(!list(&app, ann, "/api/v1/members")
        .await
        .contains(&"bob".to_string()));
    assert!(!list(&app, bob, "/api/v1/members")
        .await
        .contains(&"ann".to_string()));
    assert_eq!(list(&app, cyd, "/api/v1/members?q=bo").await, ["bob"]);
    // bob is now 2nd degree to ann through cyd, and ann to bob: neither is suggested.
    assert!(!list(&app, ann, "/api/v1/pymk")
        .await
        .contains(&"bob".to_string()));
    assert!(!list(&app, bob, "/api/v1/pymk")
        .await
        .contains(&"ann".to_string()));
    assert!(list(&app, ann, "/api/v1/members/cyd/mutuals")
        .await
        .is_empty());
    // Paths go around bob, or there is none.
    assert_eq!(
        path(get_json(&app, ann, "/api/v1/members/dan/path").await),
        ["ann", "cyd", "eve", "dan"]
    );
    app.get("/api/v1/members/fay/path")
        .token(ann)
        .send()
        .await
        .assert_status(404);
    // Degrees count only chains around bob too: dan is 3rd through cyd and eve, and fay,
    // reachable only through bob, is out of network.
    assert_eq!(
        get_json(&app, ann, "/api/v1/members/dan").await["degree"],
        3
    );
    assert!(get_json(&app, ann, "/api/v1/members/fay").await["degree"].is_null());
    assert!(!get_json(&app, ann, "/api/v1/members/dan/mutuals")
        .await
        .to_string()
        .contains("bob"));

    app.delete("/api/v1/blocks/ann")
        .token(bob)
        .send()
        .await
        .assert_status(404);
    // Blocked back: both blocks must go before they see each other again.
    app.put("/api/v1/blocks/Ann")
        .token(bob)
        .send()
        .await
        .assert_status(204);
    assert_eq!(list(&app, bob, "/api/v1/blocks").await, ["ann"]);
    app.delete("/api/v1/blocks/bob")
        .token(ann)
        .send()
        .await
        .assert_status(204);
    profile(&app, ann, "bob").await.assert_status(404);
    profile(&app, bob, "ann").await.assert_status(404);
    invite(&app, ann, bob).await.assert_status(404);
    app.delete("/api/v1/blocks/ANN")
        .token(bob)
        .send()
        .await
        .assert_status(204);
    app.delete("/api/v1/blocks/bob")
        .token(ann)
        .send()
        .await
        .assert_status(404);
    app.delete("/api/v1/blocks/gus")
        .token(ann)
        .send()
        .await
        .assert_status(204);
    let p = profile(&app, ann, "bob").await;
    p.assert_status(200);
    let p = p.json();
    assert_eq!(
        (
            p["degree"].as_u64(),
            p["relation"].as_str(),
            p["following"].as_bool()
        ),
        (Some(2), Some("none"), Some(false))
    );
    assert_eq!(
        list(&app, ann, "/api/v1/connections").await,
        ["cyd"],
        "nothing comes back"
    );
    assert_eq!(list(&app, ann, "/api/v1/me/following").await, ["cyd"]);
    assert!(!list(&app, bob, "/api/v1/me/following")
        .await
        .contains(&"ann".to_string()));
    assert!(list(&app, gus, "/api/v1/invitations?box=sent")
        .await
        .is_empty());
    assert!(list(&app, ann, "/api/v1/invitations").await.is_empty());
}
