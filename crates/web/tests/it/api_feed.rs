//! The home feed and hashtags through `/api/v1`: where items come from and why, "Most recent"
//! (strictly by time, remembered), pages that neither repeat nor skip, the per-author cap,
//! network updates, and the one visibility rule: a connections-only post never reaches a
//! non-connection — not in the feed, a profile, a hashtag page, notifications or the API.

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::api_posts::{get_post, id, new_post};

async fn feed(app: &TestApp, who: &TestMember, query: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/feed{query}"))
        .token(who)
        .send()
        .await;
    r.assert_status(200);
    r.json()
}

fn bodies(f: &Value) -> Vec<String> {
    f["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["post"]["body"].as_str().unwrap().to_string())
        .collect()
}

fn reason_of(f: &Value, body: &str) -> String {
    f["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["post"]["body"] == body)
        .unwrap_or_else(|| panic!("{body:?} not in the feed: {f}"))["reasons"][0]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn the_feed_brings_connections_follows_hashtags_and_activity_each_with_its_reason() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let dia = app.member("dia").await;
    let eda = app.member("eda").await;
    app.connect(&ann, &bob).await;
    // Ann follows Cyd without being connected; she follows #rust.
    app.put("/api/v1/follows/cyd")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    app.put("/api/v1/hashtags/Rust/follow")
        .token(&ann)
        .send()
        .await
        .assert_status(204);

    new_post(&app, &ann, "Mine", "anyone").await;
    new_post(&app, &bob, "From Bob", "anyone").await;
    new_post(&app, &cyd, "From Cyd", "anyone").await;
    new_post(&app, &dia, "Tagged #rust", "anyone").await;
    let eds = new_post(&app, &eda, "Eda's thought", "anyone").await;
    new_post(&app, &eda, "Eda, unrelated", "anyone").await;
    // Bob (Ann's connection) comments on Eda's post: it reaches Ann as network activity.
    app.post(&format!("/api/v1/posts/{}/comments", id(&eds)))
        .token(&bob)
        .json(json!({"body": "Good point"}))
        .send()
        .await
        .assert_status(201);

    let f = feed(&app, &ann, "").await;
    assert_eq!(reason_of(&f, "Mine"), "Your post");
    assert_eq!(reason_of(&f, "From Bob"), "Bob is one of your connections");
    assert_eq!(reason_of(&f, "From Cyd"), "You follow Cyd");
    assert_eq!(reason_of(&f, "Tagged #rust"), "You follow #rust");
    assert_eq!(reason_of(&f, "Eda's thought"), "Bob commented on this");
    assert!(!bodies(&f).contains(&"Eda, unrelated".to_string()), "{f}");
    // Every item explains itself with the ranking's factors, never the follower count.
    let item = &f["items"][0];
    let lines = item["reasons"].as_array().unwrap();
    assert!(lines.len() >= 3, "{item}");
    assert!(
        lines
            .iter()
            .any(|l| l.as_str().unwrap().contains("Engagement")),
        "{item}"
    );
    assert!(item["why"]["score"].as_f64().unwrap() > 0.0);
    assert_eq!(f["sort"], "relevant");
}

#[tokio::test]
async fn most_recent_is_strictly_by_time_remembered_and_pages_neither_repeat_nor_skip() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let mut authors = Vec::new();
    for h in ["bob", "cyd", "dia", "eda", "fyn"] {
        let m = app.member(h).await;
        app.connect(&ann, &m).await;
        authors.push(m);
    }
    let mut written = Vec::new();
    for round in 0..4 {
        for a in &authors {
            let text = format!("{} {round}", a.handle);
            new_post(&app, a, &text, "anyone").await;
            written.push(text);
        }
    }
    // Most recent, in pages of 6: exactly every post, newest first.
    let mut seen = Vec::new();
    let mut cursor = String::new();
    loop {
        let q = if cursor.is_empty() {
            "?sort=recent&limit=6".to_string()
        } else {
            format!("?limit=6&cursor={cursor}")
        };
        let f = feed(&app, &ann, &q).await;
        assert_eq!(f["sort"], "recent", "the choice is remembered");
        seen.extend(bodies(&f));
        match f["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let mut newest_first = written.clone();
    newest_first.reverse();
    assert_eq!(seen, newest_first);
    // Still remembered on a new visit; switching back is one parameter.
    assert_eq!(feed(&app, &ann, "").await["sort"], "recent");
    assert_eq!(feed(&app, &ann, "?sort=relevant").await["sort"], "relevant");
    assert_eq!(feed(&app, &ann, "").await["sort"], "relevant");

    // Relevant, in pages of 7: every post once, and never more than 2 of one author in 10.
    let mut ranked = Vec::new();
    let mut cursor = String::new();
    loop {
        let q = if cursor.is_empty() {
            "?limit=7".to_string()
        } else {
            format!("?limit=7&cursor={cursor}")
        };
        let f = feed(&app, &ann, &q).await;
        ranked.extend(f["items"].as_array().unwrap().iter().map(|i| {
            i["post"]["author"]["handle"].as_str().unwrap().to_string()
                + "|"
                + i["post"]["body"].as_str().unwrap()
        }));
        match f["next_cursor"].as_str() {
            Some(c) => cursor = c.to_string(),
            None => break,
        }
    }
    let mut unique = ranked.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ranked.len(), "no repeats: {ranked:?}");
    for w in ranked.windows(10) {
        for a in &authors {
            let n = w
                .iter()
                .filter(|x| x.starts_with(&format!("{}|", a.handle)))
                .count();
            assert!(n <= 2, "{} has {n} of 10: {w:?}", a.handle);
        }
    }
    // Bad input.
    let r = app
        .get("/api/v1/feed?sort=popular")
        .token(&ann)
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["sort"].is_string());
    let r = app
        .get("/api/v1/feed?cursor=garbage")
        .token(&ann)
        .send()
        .await;
    r.assert_status(422);
    app.get("/api/v1/feed").send().await.assert_status(401);
}

#[tokio::test]
async fn a_connections_only_post_never_reaches_a_non_connection() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await; // connected to Ann
    let zed = app.member("zed").await; // not connected, follows Ann and #secret
    app.connect(&ann, &bob).await;
    app.connect(&bob, &zed).await; // Zed is 2nd degree: still not Ann's connection
    app.put("/api/v1/follows/ann")
        .token(&zed)
        .send()
        .await
        .assert_status(204);
    app.put("/api/v1/hashtags/secret/follow")
        .token(&zed)
        .send()
        .await
        .assert_status(204);

    let p = new_post(
        &app,
        &ann,
        "Only for you @bob and @zed #secret",
        "connections",
    )
    .await;
    // Bob, a connection, reacts and comments: activity Zed would see for an open post.
    app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&bob)
        .json(json!({"kind": "like"}))
        .send()
        .await
        .assert_status(200);

    // Bob sees it everywhere.
    get_post(&app, &bob, &id(&p)).await.assert_status(200);
    assert!(bodies(&feed(&app, &bob, "").await)
        .iter()
        .any(|b| b.starts_with("Only for you")));

    // Zed: not by id, not in the feed (either order), not on Ann's profile, not on the
    // hashtag page, no mention notification, no repost, no comment, no reaction.
    get_post(&app, &zed, &id(&p)).await.assert_status(404);
    for q in ["", "?sort=recent"] {
        assert!(
            !bodies(&feed(&app, &zed, q).await)
                .iter()
                .any(|b| b.starts_with("Only for you")),
            "leaked into Zed's feed {q}"
        );
    }
    let profile = app
        .get("/api/v1/members/ann/posts")
        .token(&zed)
        .send()
        .await
        .json();
    assert_eq!(profile["items"], json!([]), "{profile}");
    let tag = app
        .get("/api/v1/hashtags/secret")
        .token(&zed)
        .send()
        .await
        .json();
    assert_eq!(tag["items"], json!([]), "{tag}");
    let notes = app
        .get("/api/v1/notifications")
        .token(&zed)
        .send()
        .await
        .json();
    assert!(
        !notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "mention"),
        "{notes}"
    );
    for (method, path, body) in [
        (
            "post",
            format!("/api/v1/posts/{}/comments", id(&p)),
            json!({"body": "hi"}),
        ),
        (
            "put",
            format!("/api/v1/posts/{}/reaction", id(&p)),
            json!({"kind": "like"}),
        ),
        (
            "post",
            format!("/api/v1/posts/{}/reposts", id(&p)),
            json!({}),
        ),
        (
            "get",
            format!("/api/v1/posts/{}/comments", id(&p)),
            json!(null),
        ),
    ] {
        let req = match method {
            "post" => app.post(&path),
            "put" => app.put(&path),
            _ => app.get(&path),
        };
        let req = if body.is_null() { req } else { req.json(body) };
        req.token(&zed).send().await.assert_status(404);
    }
    // Bob was mentioned and may read it: he was told.
    let bo_notes = app
        .get("/api/v1/notifications")
        .token(&bob)
        .send()
        .await
        .json();
    assert!(
        bo_notes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["kind"] == "mention"),
        "{bo_notes}"
    );
    // A visitor who is not signed in sees nothing of it either.
    app.get(&format!("/api/v1/posts/{}", id(&p)))
        .send()
        .await
        .assert_status(404);
}

#[tokio::test]
async fn blocked_members_vanish_from_each_others_feeds_and_posts() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let p = new_post(&app, &bob, "Bob speaks", "anyone").await;
    app.put("/api/v1/blocks/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    assert!(!bodies(&feed(&app, &ann, "").await).contains(&"Bob speaks".to_string()));
    get_post(&app, &ann, &id(&p)).await.assert_status(404);
    let mine = new_post(&app, &ann, "Ann speaks", "anyone").await;
    get_post(&app, &bob, &id(&mine)).await.assert_status(404);
}

#[tokio::test]
async fn a_new_position_is_a_network_update_in_connections_feeds_and_notifications() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;
    app.post("/api/v1/me/positions")
        .token(&ann)
        .json(json!({"company": "Acme", "title": "CTO", "start": "2026-10"}))
        .send()
        .await
        .assert_status(201);
    let f = feed(&app, &bob, "").await;
    let update = f["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["post"]["kind"] == "update")
        .unwrap_or_else(|| panic!("no update in {f}"));
    assert_eq!(
        update["post"]["body"],
        "started a new position as CTO at Acme."
    );
    let notes = app
        .get("/api/v1/notifications")
        .token(&bob)
        .send()
        .await
        .json();
    let n = &notes["items"][0];
    assert_eq!(n["kind"], "new_position");
    assert_eq!(n["text"], "Ann started a new position as CTO at Acme.");
    // Not Ann's connection: no update, no notification.
    assert!(feed(&app, &zed, "").await["items"]
        .as_array()
        .unwrap()
        .is_empty());
    let z = app
        .get("/api/v1/notifications")
        .token(&zed)
        .send()
        .await
        .json();
    assert_eq!(z["items"], json!([]));
}

#[tokio::test]
async fn openapi_lists_every_feed_route_with_its_methods() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json").send().await;
    doc.assert_status(200);
    let paths = doc.json()["paths"].clone();
    for (p, methods) in [
        ("/api/v1/posts", &["post"][..]),
        ("/api/v1/posts/{id}", &["get", "patch", "delete"][..]),
        ("/api/v1/posts/{id}/reaction", &["put", "delete"][..]),
        ("/api/v1/posts/{id}/reactions", &["get"][..]),
        ("/api/v1/posts/{id}/comments", &["post", "get"][..]),
        ("/api/v1/posts/{id}/reposts", &["post"][..]),
        ("/api/v1/posts/{id}/stats", &["get"][..]),
        ("/api/v1/comments/{id}", &["patch", "delete"][..]),
        ("/api/v1/comments/{id}/reaction", &["put", "delete"][..]),
        ("/api/v1/media", &["post"][..]),
        ("/api/v1/members/{handle}/posts", &["get"][..]),
        ("/api/v1/feed", &["get"][..]),
        ("/api/v1/hashtags/{tag}", &["get"][..]),
        ("/api/v1/hashtags/{tag}/follow", &["put", "delete"][..]),
        ("/api/v1/me/hashtags", &["get"][..]),
        ("/api/v1/mentions", &["get"][..]),
        ("/api/v1/notifications", &["get"][..]),
        ("/api/v1/notifications/read", &["post"][..]),
        ("/api/v1/me/notification-settings", &["get", "put"][..]),
        ("/api/v1/events", &["get"][..]),
    ] {
        for m in methods {
            assert!(
                paths[p][m].is_object(),
                "{m} {p} missing from the OpenAPI document"
            );
        }
    }
}

#[tokio::test]
async fn mention_suggestions_come_from_ones_connections_and_bad_hashtags_are_refused() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let _bobby = app.member("bobby").await; // not connected
    app.connect(&ann, &bob).await;
    let r = app.get("/api/v1/mentions?q=Bo").token(&ann).send().await;
    r.assert_status(200);
    let list = r.json();
    let handles: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["handle"].as_str().unwrap())
        .collect();
    assert_eq!(handles, ["bob"], "bobby is not a connection");
    for bad in ["%20", "-", "123", "a%3Cb"] {
        let r = app
            .put(&format!("/api/v1/hashtags/{bad}/follow"))
            .token(&ann)
            .send()
            .await;
        r.assert_status(422);
        assert!(r.json()["error"]["fields"]["tag"].is_string());
    }
    assert_eq!(
        app.get("/api/v1/me/hashtags")
            .token(&ann)
            .send()
            .await
            .json(),
        json!([])
    );
}
