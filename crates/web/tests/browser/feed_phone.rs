//! The feed's and messaging's pages at a phone's width (375 CSS pixels): the feed, a post
//! with a long link, a long word and a comment, the notification centre and its settings,
//! and the messaging pages never scroll sideways.

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

/// Visits each page on a 375 px wide browser and fails naming what sticks out, if anything.
async fn fit_a_phone(b: &Browser, paths: &[String]) {
    for path in paths {
        b.goto(path).await;
        let fits = b
            .js(
                "return window.innerWidth === 375 && document.documentElement.scrollWidth <= 375",
                vec![],
            )
            .await;
        if fits != serde_json::Value::Bool(true) {
            let wide = b
                .js_str(
                    "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 375).slice(0, 8).map(e => e.tagName.toLowerCase() + '.' + String(e.className)).join(', ')",
                )
                .await;
            b.fail(&format!("{path} is wider than a phone: {wide}"))
                .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_feed_and_a_post_fit_a_phone_screen() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let long = format!(
        "A long link https://example.com/{} and a long word {} #phones",
        "segment/".repeat(20),
        "x".repeat(120)
    );
    let r = app
        .post("/api/v1/posts")
        .token(&bob)
        .json(serde_json::json!({"body": long}))
        .send()
        .await;
    r.assert_status(201);
    let id = r.json()["post"]["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/posts/{id}/comments"))
        .token(&ann)
        .json(serde_json::json!({"body": "A comment with https://example.com/a/very/long/path/that/goes/on/and/on/forever"}))
        .send()
        .await
        .assert_status(201);
    let b = Browser::phone(&base, 375, 812).await;
    sign_in(&b, &ann).await;
    fit_a_phone(
        &b,
        &[
            "/".to_string(),
            format!("/posts/{id}"),
            "/notifications".into(),
            "/notifications/settings".into(),
        ],
    )
    .await;
    b.goto(&format!("/posts/{id}")).await;
    b.screenshot("feed-post-phone").await;
}

/// The messaging pages at a phone's width: the inbox, a conversation with a long link and a
/// long word, the composer, search, settings and the away page never scroll sideways.
#[tokio::test(flavor = "multi_thread")]
async fn messaging_fits_a_phone_screen() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let long = format!(
        "See https://example.com/{} and {}",
        "segment/".repeat(20),
        "y".repeat(120)
    );
    let r = app
        .post("/api/v1/conversations")
        .token(&bob)
        .json(serde_json::json!({"to": ["ann"], "body": long}))
        .send()
        .await;
    r.assert_status(201);
    let c = r.json()["conversation"]["id"].as_str().unwrap().to_string();
    let b = Browser::phone(&base, 375, 812).await;
    sign_in(&b, &ann).await;
    fit_a_phone(
        &b,
        &[
            "/messages".to_string(),
            format!("/messages/{c}"),
            "/messages/new?to=bob".into(),
            "/messages/search?q=segment".into(),
            "/settings/messaging".into(),
            "/me/away".into(),
        ],
    )
    .await;
    b.goto(&format!("/messages/{c}")).await;
    b.screenshot("messages-phone").await;
}
