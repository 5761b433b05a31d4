//! Posts through `/api/v1`: writing, reading, editing and deleting; reactions, comments,
//! reposts, impressions and the author's statistics; bad input; and other members trying to
//! change what is not theirs. Who may read a post is in `api_feed` (visibility).

use guild_testkit::{Resp, TestApp, TestMember};
use serde_json::{json, Value};

pub(crate) async fn post_as(app: &TestApp, who: &TestMember, body: Value) -> Resp {
    app.post("/api/v1/posts").token(who).json(body).send().await
}

/// Writes a post that must be created; returns its JSON.
pub(crate) async fn new_post(
    app: &TestApp,
    who: &TestMember,
    text: &str,
    visibility: &str,
) -> Value {
    let r = post_as(app, who, json!({"body": text, "visibility": visibility})).await;
    r.assert_status(201);
    r.json()["post"].clone()
}

pub(crate) async fn get_post(app: &TestApp, who: &TestMember, id: &str) -> Resp {
    app.get(&format!("/api/v1/posts/{id}"))
        .token(who)
        .send()
        .await
}

pub(crate) fn id(v: &Value) -> String {
    v["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_post_renders_mentions_hashtags_and_links_and_can_be_edited_and_deleted() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let p = new_post(
        &app,
        &ann,
        "Hello @bob and @nobody, see https://example.com/x. #Rust **bold**",
        "anyone",
    )
    .await;
    let html = p["body_html"].as_str().unwrap();
    assert!(
        html.contains("<a href=\"/in/bob\" class=\"mention\">Bob</a>"),
        "{html}"
    );
    assert!(
        !html.contains("/in/nobody"),
        "an unknown handle stays text: {html}"
    );
    assert!(html.contains("href=\"/hashtags/rust\""), "{html}");
    assert!(html.contains("href=\"https://example.com/x\""), "{html}");
    assert!(html.contains("<strong>bold</strong>"), "{html}");
    assert_eq!(p["hashtags"], json!(["rust"]));
    assert_eq!(p["author"]["handle"], "ann");
    assert_eq!(p["visibility"], "anyone");
    assert_eq!(p["mine"], true);
    assert!(p["edited_at"].is_null());

    // Bob reads it; it is not his.
    let seen = get_post(&app, &bob, &id(&p)).await;
    seen.assert_status(200);
    assert_eq!(seen.json()["post"]["mine"], false);

    // Bob may neither edit nor delete it: 404, and nothing changes.
    let r = app
        .patch(&format!("/api/v1/posts/{}", id(&p)))
        .token(&bob)
        .json(json!({"body": "hijacked"}))
        .send()
        .await;
    r.assert_status(404);
    app.delete(&format!("/api/v1/posts/{}", id(&p)))
        .token(&bob)
        .send()
        .await
        .assert_status(404);
    let still = get_post(&app, &ann, &id(&p)).await.json();
    assert!(still["post"]["body"]
        .as_str()
        .unwrap()
        .starts_with("Hello @bob"));

    // Ann edits: marked edited.
    let r = app
        .patch(&format!("/api/v1/posts/{}", id(&p)))
        .token(&ann)
        .json(json!({"body": "Better words #golang", "visibility": "connections"}))
        .send()
        .await;
    r.assert_status(200);
    let e = r.json()["post"].clone();
    assert_eq!(e["body"], "Better words #golang");
    assert_eq!(e["hashtags"], json!(["golang"]));
    assert_eq!(e["visibility"], "connections");
    assert!(e["edited_at"].is_string());

    // Ann deletes it: gone for everyone.
    app.delete(&format!("/api/v1/posts/{}", id(&p)))
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    get_post(&app, &ann, &id(&p)).await.assert_status(404);
}

#[tokio::test]
async fn bad_posts_are_refused_beside_the_field_and_nothing_is_written() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let cases = [
        (json!({"body": "   "}), "body"),
        (json!({"body": "x".repeat(3001)}), "body"),
        (
            json!({"body": "hi", "visibility": "everyone"}),
            "visibility",
        ),
        (json!({"body": "hi", "kind": "essay"}), "kind"),
        (json!({"body": "long form", "kind": "article"}), "title"),
        (json!({"body": "hi", "title": "A title"}), "title"),
        (
            json!({"body": "hi", "images": ["../../etc/passwd"]}),
            "images",
        ),
        (
            json!({"body": "hi", "images": ["a","b","c","d","e"]}),
            "images",
        ),
        (json!({"body": "bell \u{7}"}), "body"),
    ];
    for (body, field) in cases {
        let r = post_as(&app, &ann, body.clone()).await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{body} → {}",
            r.text()
        );
    }
    let r = post_as(&app, &ann, json!({"body": "hi", "colour": "red"})).await;
    r.assert_status(400);
    let mine = app
        .get("/api/v1/members/ann/posts")
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(
        mine["items"].as_array().unwrap().len(),
        0,
        "nothing was written"
    );

    // Exactly 3,000 characters is fine; an article may be longer and has a title.
    post_as(&app, &ann, json!({"body": "é".repeat(3000)}))
        .await
        .assert_status(201);
    let r = post_as(
        &app,
        &ann,
        json!({"body": "word ".repeat(2000), "kind": "article", "title": "On graphs"}),
    )
    .await;
    r.assert_status(201);
    assert_eq!(r.json()["post"]["kind"], "article");
    assert!(r.json()["post"]["url"]
        .as_str()
        .unwrap()
        .starts_with("/articles/"));
}

#[tokio::test]
async fn reactions_are_one_per_member_changeable_and_counted_by_kind() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let p = new_post(&app, &ann, "React to me", "anyone").await;
    let url = format!("/api/v1/posts/{}/reaction", id(&p));
    let r = app
        .put(&url)
        .token(&bob)
        .json(json!({"kind": "like"}))
        .send()
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["post"]["counts"]["reactions"], 1);
    assert_eq!(r.json()["post"]["my_reaction"], "like");
    // Changing the kind keeps one reaction.
    let r = app
        .put(&url)
        .token(&bob)
        .json(json!({"kind": "celebrate"}))
        .send()
        .await;
    assert_eq!(r.json()["post"]["counts"]["reactions"], 1);
    app.put(&url)
        .token(&cyd)
        .json(json!({"kind": "insightful"}))
        .send()
        .await
        .assert_status(200);
    let bad = app
        .put(&url)
        .token(&cyd)
        .json(json!({"kind": "love"}))
        .send()
        .await;
    bad.assert_status(422);
    assert!(bad.json()["error"]["fields"]["kind"].is_string());

    let stats = app
        .get(&format!("/api/v1/posts/{}/stats", id(&p)))
        .token(&ann)
        .send()
        .await;
    stats.assert_status(200);
    let s = stats.json();
    assert_eq!(s["reactions"], json!({"celebrate": 1, "insightful": 1}));

    // Only the author sees the statistics.
    app.get(&format!("/api/v1/posts/{}/stats", id(&p)))
        .token(&bob)
        .send()
        .await
        .assert_status(404);

    // Taking it back.
    app.delete(&url).token(&bob).send().await.assert_status(204);
    let after = get_post(&app, &ann, &id(&p)).await.json();
    assert_eq!(after["post"]["counts"]["reactions"], 1);
    let who = app
        .get(&format!("/api/v1/posts/{}/reactions", id(&p)))
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(who["items"][0]["member"]["handle"], "cyd");
    assert_eq!(who["items"][0]["kind"], "insightful");
}

#[tokio::test]
async fn comments_have_one_level_of_replies_and_only_their_author_or_the_posts_may_delete() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let p = new_post(&app, &ann, "Discuss", "anyone").await;
    let url = format!("/api/v1/posts/{}/comments", id(&p));
    let c1 = app
        .post(&url)
        .token(&bob)
        .json(json!({"body": "First!"}))
        .send()
        .await;
    c1.assert_status(201);
    let c1 = c1.json()["comment"].clone();
    let reply = app
        .post(&url)
        .token(&cyd)
        .json(json!({"body": "Reply", "parent_id": c1["id"]}))
        .send()
        .await;
    reply.assert_status(201);
    let reply = reply.json()["comment"].clone();
    assert_eq!(reply["parent_id"], c1["id"]);
    // A reply to a reply joins the same thread.
    let r2 = app
        .post(&url)
        .token(&bob)
        .json(json!({"body": "Reply to reply", "parent_id": reply["id"]}))
        .send()
        .await;
    r2.assert_status(201);
    assert_eq!(r2.json()["comment"]["parent_id"], c1["id"]);
    // Empty or too long: refused beside the field.
    let bad = app
        .post(&url)
        .token(&bob)
        .json(json!({"body": " "}))
        .send()
        .await;
    bad.assert_status(422);
    assert!(bad.json()["error"]["fields"]["body"].is_string());
    let bad = app
        .post(&url)
        .token(&bob)
        .json(json!({"body": "x".repeat(1251)}))
        .send()
        .await;
    bad.assert_status(422);

    let list = app.get(&url).token(&cyd).send().await.json();
    let bodies: Vec<&str> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies, ["First!", "Reply", "Reply to reply"]);
    assert_eq!(
        get_post(&app, &ann, &id(&p)).await.json()["post"]["counts"]["comments"],
        3
    );

    // Cyd may not edit or delete Bob's comment.
    let c1_url = format!("/api/v1/comments/{}", c1["id"].as_str().unwrap());
    app.patch(&c1_url)
        .token(&cyd)
        .json(json!({"body": "changed"}))
        .send()
        .await
        .assert_status(404);
    app.delete(&c1_url)
        .token(&cyd)
        .send()
        .await
        .assert_status(404);
    // Bob edits his own.
    let e = app
        .patch(&c1_url)
        .token(&bob)
        .json(json!({"body": "First, edited"}))
        .send()
        .await;
    e.assert_status(200);
    assert!(e.json()["comment"]["edited_at"].is_string());
    // Ann, the post's author, deletes Bob's thread: the comment and both replies go.
    app.delete(&c1_url)
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    assert_eq!(
        get_post(&app, &ann, &id(&p)).await.json()["post"]["counts"]["comments"],
        0
    );
    assert_eq!(
        app.get(&url).token(&ann).send().await.json()["items"],
        json!([])
    );
}

#[tokio::test]
async fn reposts_credit_the_original_and_connections_only_posts_cannot_be_reposted() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let p = new_post(&app, &ann, "Worth sharing", "anyone").await;
    let r = app
        .post(&format!("/api/v1/posts/{}/reposts", id(&p)))
        .token(&bob)
        .json(json!({"body": "Read this"}))
        .send()
        .await;
    r.assert_status(201);
    let rp = r.json()["post"].clone();
    assert_eq!(rp["is_repost"], true);
    assert_eq!(rp["body"], "Read this");
    assert_eq!(rp["repost_of"]["id"], p["id"]);
    assert_eq!(rp["repost_of"]["author"]["handle"], "ann");
    assert_eq!(
        get_post(&app, &ann, &id(&p)).await.json()["post"]["counts"]["reposts"],
        1
    );
    // A plain repost, with no body at all.
    app.post(&format!("/api/v1/posts/{}/reposts", id(&p)))
        .token(&bob)
        .send()
        .await
        .assert_status(201);

    let private = new_post(&app, &ann, "Just for my network", "connections").await;
    let r = app
        .post(&format!("/api/v1/posts/{}/reposts", id(&private)))
        .token(&bob)
        .send()
        .await;
    r.assert_status(403);
    assert_eq!(r.error_code(), "not_repostable");

    // Deleting the original leaves the repost, marked as of a deleted post.
    app.delete(&format!("/api/v1/posts/{}", id(&p)))
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    let left = get_post(&app, &bob, &id(&rp)).await.json();
    assert_eq!(left["post"]["is_repost"], true);
    assert!(left["post"]["repost_of"].is_null());
}

#[tokio::test]
async fn impressions_count_once_per_viewer_per_day_and_the_author_sees_the_figures() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let p = new_post(&app, &ann, "Count me", "anyone").await;
    for _ in 0..3 {
        get_post(&app, &bob, &id(&p)).await.assert_status(200);
    }
    get_post(&app, &cyd, &id(&p)).await.assert_status(200);
    app.put(&format!("/api/v1/posts/{}/reaction", id(&p)))
        .token(&cyd)
        .json(json!({"kind": "support"}))
        .send()
        .await
        .assert_status(200);
    let s = app
        .get(&format!("/api/v1/posts/{}/stats", id(&p)))
        .token(&ann)
        .send()
        .await
        .json();
    // Bob's three reads are one impression; Cyd's read and reaction another.
    assert_eq!(s["impressions"], 2, "{s}");
    assert_eq!(s["unique_viewers"], 2, "{s}");
    assert_eq!(s["reactions"]["support"], 1);
    assert_eq!(s["engaged_members"], 1, "{s}");
    // Two impressions are too few for a rate (see `feed::engagement`).
    assert!(s["engagement_rate"].is_null(), "{s}");
}

#[tokio::test]
async fn posting_and_commenting_are_rate_limited_with_a_clear_message() {
    let app = TestApp::with_settings(|s| {
        s.limits.posts_per_hour = 2;
        s.limits.comments_per_hour = 1;
    })
    .await;
    let ann = app.member("ann").await;
    new_post(&app, &ann, "one", "anyone").await;
    let p = new_post(&app, &ann, "two", "anyone").await;
    let r = post_as(&app, &ann, json!({"body": "three"})).await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "rate_limited");
    assert!(r.json()["error"]["retry_after"].is_string());
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("2 posts an hour"));
    let url = format!("/api/v1/posts/{}/comments", id(&p));
    app.post(&url)
        .token(&ann)
        .json(json!({"body": "c1"}))
        .send()
        .await
        .assert_status(201);
    let r = app
        .post(&url)
        .token(&ann)
        .json(json!({"body": "c2"}))
        .send()
        .await;
    r.assert_status(429);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("comments an hour"));
}

#[tokio::test]
async fn images_are_re_encoded_and_attached() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/api/v1/media")
        .token(&ann)
        .multipart_file(
            "image",
            "a.png",
            "image/png",
            &guild_testkit::png(2400, 1200),
        )
        .send()
        .await;
    r.assert_status(201);
    let key = r.json()["key"].as_str().unwrap().to_string();
    // Before a post shows it, the image is its uploader's (an API client asks with its token).
    let served = app
        .get(r.json()["url"].as_str().unwrap())
        .token(&ann)
        .send()
        .await;
    served.assert_status(200);
    let img = image::load_from_memory(&served.body).unwrap();
    assert_eq!(
        (img.width(), img.height()),
        (1600, 800),
        "scaled to 1600 px"
    );
    let p = post_as(&app, &ann, json!({"body": "", "images": [key]})).await;
    p.assert_status(201);
    assert_eq!(p.json()["post"]["image_urls"].as_array().unwrap().len(), 1);
    // Not an image: refused beside the field.
    let r = app
        .post("/api/v1/media")
        .token(&ann)
        .multipart_file("image", "x.svg", "image/svg+xml", b"<svg onload=alert(1)>")
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["image"].is_string());
}

#[tokio::test]
async fn member_text_never_carries_markup_that_runs() {
    let app = TestApp::with_settings(|s| s.limits.posts_per_hour = 10_000).await;
    let ann = app.member("ann").await;
    for payload in guild_core::markup::XSS_CORPUS {
        let r = post_as(&app, &ann, json!({"body": payload})).await;
        if r.status.as_u16() == 422 {
            continue; // control characters are refused outright
        }
        r.assert_status(201);
        let html = r.json()["post"]["body_html"]
            .as_str()
            .unwrap()
            .to_ascii_lowercase();
        assert!(!html.contains("<script"), "{payload} → {html}");
        assert!(!has_dangerous_url(&html), "{payload} → {html}");
        assert!(!has_event_handler(&html), "{payload} → {html}");
    }
}

/// Whether any tag in `html` carries an `on…=` attribute.
pub(crate) fn has_event_handler(html: &str) -> bool {
    html.split('<').skip(1).any(|tag| {
        let inside = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
        inside
            .split(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .any(|w| w.starts_with("on") && w.contains('='))
    })
}

/// Whether any tag in `html` carries a `javascript:`, `vbscript:` or `data:` URL (escaped text
/// outside tags is harmless and allowed).
pub(crate) fn has_dangerous_url(html: &str) -> bool {
    html.split('<').skip(1).any(|tag| {
        let inside = tag.split('>').next().unwrap_or("").to_ascii_lowercase();
        ["javascript:", "vbscript:", "data:"]
            .iter()
            .any(|s| inside.contains(s))
    })
}

/// On a server, requests only note what was seen and a writer task writes it in batches:
/// the counts the author reads include every view answered before.
#[tokio::test]
async fn views_noted_by_requests_reach_the_counts_through_the_background_writer() {
    let app = TestApp::new().await;
    app.write_seen_continuously().await;
    let ann = app.member("ann").await;
    let p = new_post(&app, &ann, "Read me", "anyone").await;
    let mut readers = Vec::new();
    for h in ["bob", "cyd", "dan"] {
        readers.push(app.member(h).await);
    }
    for who in &readers {
        get_post(&app, who, &id(&p)).await.assert_status(200);
    }
    // Twice the same day counts once.
    get_post(&app, &readers[0], &id(&p))
        .await
        .assert_status(200);
    // The writer task writes them without anyone asking for the counts.
    crate::nodes::soon("the three impressions written", || async {
        get_post(&app, &ann, &id(&p)).await.json()["post"]["counts"]["impressions"] == 3
    })
    .await;
    let s = app
        .get(&format!("/api/v1/posts/{}/stats", id(&p)))
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(
        (s["impressions"].as_i64(), s["unique_viewers"].as_i64()),
        (Some(3), Some(3)),
        "{s}"
    );
    for who in &readers {
        app.get(&format!("/in/{}", ann.handle))
            .session(who)
            .send()
            .await
            .assert_status(200);
    }
    let home = app.get("/").session(&ann).send().await.text();
    assert!(
        home.contains(r#"<dd id="me-profile-views">3</dd>"#),
        "three members opened ann's profile:\n{home}"
    );
}
