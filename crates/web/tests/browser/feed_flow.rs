//! The feed in a real browser, two members at once: Ann posts mentioning Bob; Bob's
//! notification badge rises without a reload (server-sent events); Bob opens the notification,
//! reacts; Ann sees the reaction and Bob's impression on her post. And the feed's own
//! controls: "Why am I seeing this?" and "Most recent", remembered.

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

#[tokio::test(flavor = "multi_thread")]
async fn a_mention_reaches_bob_live_and_his_reaction_reaches_ann() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    // Bob has read what he had (Ann's invitation), so his badge starts hidden.
    app.post("/api/v1/notifications/read")
        .token(&bob)
        .send()
        .await
        .assert_status(204);

    let bb = Browser::desktop(&base).await;
    sign_in(&bb, &bob).await;
    bb.goto("/").await;
    bb.wait_js(
        "the badge hidden at 0",
        "document.getElementById('unread-count').hidden",
    )
    .await;
    // Let the event stream connect, and mark this document: a reload would clear the mark.
    bb.wait_js(
        "the event stream open",
        "document.getElementById('nav-notifications').dataset.liveState === 'open'",
    )
    .await;
    bb.mark_page().await;

    let ab = Browser::desktop(&base).await;
    sign_in(&ab, &ann).await;
    ab.goto("/").await;
    ab.fill("#post-body", "Thanks @bob for the review of #graphs today")
        .await;
    ab.submit("#composer").await;
    ab.wait_path("/").await;
    let first = ab.text("#feed article.post .post-body").await;
    if !first.contains("Thanks @bob for the review") {
        ab.fail(&format!("Ann's post is not first in her feed: {first:?}"))
            .await;
    }
    let mention = ab
        .attr("#feed article.post .post-body a.mention", "href")
        .await;
    let tag = ab
        .attr("#feed article.post .post-body a.hashtag", "href")
        .await;
    if mention.as_deref() != Some("/in/bob") || tag.as_deref() != Some("/hashtags/graphs") {
        ab.fail(&format!("links: mention {mention:?}, hashtag {tag:?}"))
            .await;
    }
    let post_id = ab
        .attr("#feed article.post", "data-post")
        .await
        .unwrap_or_default();
    ab.screenshot("feed-ann-posted").await;

    // Bob's badge rises on the page he already had open.
    bb.wait_js(
        "the badge to show 1",
        "(() => { const c = document.getElementById('unread-count'); return !c.hidden && c.textContent.trim() === '1'; })()",
    )
    .await;
    let still = bb.js("return window.__guildStale === true;", vec![]).await;
    if still != serde_json::Value::Bool(true) {
        bb.fail("the page was reloaded; the badge should change in place")
            .await;
    }
    bb.screenshot("feed-bob-badge").await;

    bb.click_and_wait("#nav-notifications").await;
    let text = bb.text(".notification-text").await;
    if text != "Ann mentioned you." {
        bb.fail(&format!("the notification says {text:?}")).await;
    }
    bb.click_and_wait(".notification-text").await;
    bb.wait_path(&format!("/posts/{post_id}")).await;
    bb.click_and_wait("form.reactions button[value=celebrate]")
        .await;
    let pressed = bb
        .attr("form.reactions button[value=celebrate]", "aria-pressed")
        .await;
    let counts = bb.text(&format!("#counts-{post_id}")).await;
    if pressed.as_deref() != Some("true") || counts != "1 reaction" {
        bb.fail(&format!(
            "after reacting: pressed {pressed:?}, counts {counts:?}"
        ))
        .await;
    }

    // Ann sees the reaction and Bob's impression on her post's page.
    ab.goto(&format!("/posts/{post_id}")).await;
    let impressions = ab.text("#stat-impressions").await;
    let reactions = ab.text("#stat-reactions").await;
    let counts = ab.text(&format!("#counts-{post_id}")).await;
    if impressions != "1" || !reactions.contains("celebrate 1") || !counts.starts_with("1 reaction")
    {
        ab.fail(&format!(
            "Ann's figures: impressions {impressions:?}, reactions {reactions:?}, counts {counts:?}"
        ))
        .await;
    }
    ab.screenshot("feed-ann-figures").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn why_am_i_seeing_this_and_most_recent_remembered() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    for text in ["First from Bob", "Second from Bob"] {
        app.post("/api/v1/posts")
            .token(&bob)
            .json(serde_json::json!({"body": text}))
            .send()
            .await
            .assert_status(201);
    }
    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/").await;
    b.find("#feed details.why summary")
        .await
        .click()
        .await
        .expect("open Why am I seeing this?");
    let why = b.text("#feed details.why").await;
    if !why.contains("Bob is one of your connections") || !why.contains("Engagement") {
        b.fail(&format!("Why am I seeing this? says {why:?}")).await;
    }
    b.click_and_wait("a#sort-recent").await;
    let current = b.text("[aria-current] ").await;
    let first = b.text("#feed article.post .post-body").await;
    if current != "Most recent" || first != "Second from Bob" {
        b.fail(&format!(
            "after Most recent: current {current:?}, first {first:?}"
        ))
        .await;
    }
    // Remembered on the next visit.
    b.goto("/").await;
    if b.text("#sort-recent").await != "Most recent" || !b.exists("strong#sort-recent").await {
        b.fail("Most recent was not remembered").await;
    }
    b.screenshot("feed-most-recent").await;
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
