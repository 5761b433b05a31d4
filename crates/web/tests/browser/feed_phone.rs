//! The feed's pages at a phone's width (375 CSS pixels): the feed, a post with a long link,
//! a long word and a comment, the notification centre and its settings never scroll sideways.

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

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
    for path in [
        "/".to_string(),
        format!("/posts/{id}"),
        "/notifications".into(),
        "/notifications/settings".into(),
    ] {
        b.goto(&path).await;
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
    b.goto(&format!("/posts/{id}")).await;
    b.screenshot("feed-post-phone").await;
}
