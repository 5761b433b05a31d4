//! The feed as two people use it at once, each in their own Chromium: Ann writes a post
//! mentioning Bob (choosing him from the composer's suggestions); Bob, who has the home page
//! open, sees his notification badge rise without a reload; he opens the notification, lands on
//! the post and celebrates it; Ann's badge rises in turn, and her post's page shows Bob's
//! impression and reaction. And the feed's own controls: "Why am I seeing this?" opens and
//! says why, and "Most recent" reorders the feed and is remembered.

use std::time::Duration;

use serde_json::{json, Value};

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

/// `#unread-count` as a person sees it: `None` while it is not displayed, else its text.
const BADGE: &str = "(() => {
    const c = document.getElementById('unread-count');
    if (!c || c.hidden || getComputedStyle(c).display === 'none' || c.getClientRects().length === 0) return null;
    return c.textContent.trim();
})()";

/// What the badge shows now (`None`: not displayed).
async fn badge(b: &Browser) -> Option<String> {
    match b.js(&format!("return {BADGE};"), vec![]).await {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// Waits until the page's event stream is connected (app.js sets `data-live-state`).
async fn wait_live(b: &Browser) {
    b.wait_js(
        "the live counts' event stream to connect",
        "document.getElementById('nav-notifications').dataset.liveState === 'open'",
    )
    .await;
}

/// Whether the document marked by `mark_page` is still the one shown (no reload, no navigation).
async fn same_page(b: &Browser) -> bool {
    b.js("return window.__guildStale === true;", vec![]).await == Value::Bool(true)
}

/// The text of every post body in the feed, top to bottom.
async fn feed_bodies(b: &Browser) -> Vec<String> {
    let v = b
        .js(
            "return [...document.querySelectorAll('#feed article.post .post-body')].map(e => e.textContent.trim());",
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread")]
async fn ann_mentions_bob_his_badge_rises_live_and_his_reaction_reaches_ann() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;

    // Bob, at home. Ann's invitation (the connection above) is one of his notifications: he
    // reads it, so that his badge starts hidden.
    let bb = Browser::desktop(&base).await;
    sign_in(&bb, &bob).await;
    bb.goto("/notifications").await;
    if bb.exists("#mark-all-read").await {
        bb.click_and_wait("#mark-all-read").await;
    }
    bb.goto("/").await;
    wait_live(&bb).await;
    if let Some(shown) = badge(&bb).await {
        bb.fail(&format!(
            "Bob has nothing unread, yet his badge shows {shown:?}"
        ))
        .await;
    }
    let zero = bb
        .js_str("return document.getElementById('unread-count').textContent.trim()")
        .await;
    if zero != "0" {
        bb.fail(&format!("the hidden badge holds {zero:?}, not 0"))
            .await;
    }
    // A reload or a navigation would replace this document and lose the mark.
    bb.mark_page().await;
    bb.screenshot("feed-journey-1-bob-before").await;

    // Ann writes the post, choosing Bob from the suggestions the composer offers after "@bo".
    let ab = Browser::desktop(&base).await;
    sign_in(&ab, &ann).await;
    ab.goto("/").await;
    wait_live(&ab).await;
    let ann_unread: u32 = badge(&ab)
        .await
        .map(|s| s.parse().unwrap_or(0))
        .unwrap_or(0);
    ab.fill("#post-body", "Great review, @bo").await;
    ab.wait_js(
        "Bob offered in the mention suggestions",
        "(() => { const l = document.querySelector('#post-body ~ .picker-list'); return l && !l.hidden && [...l.children].some(li => li.querySelector('.picker-name').firstChild.textContent === 'Bob'); })()",
    )
    .await;
    ab.find("#post-body ~ .picker-list li")
        .await
        .click()
        .await
        .expect("choose Bob");
    let chosen = ab
        .js_str("return document.getElementById('post-body').value")
        .await;
    if chosen != "Great review, @bob " {
        ab.fail(&format!("choosing Bob left the composer with {chosen:?}"))
            .await;
    }
    ab.find("#post-body")
        .await
        .send_keys("thank you! Notes on #GraphTheory are up.")
        .await
        .expect("type the rest of the post");
    let text = "Great review, @bob thank you! Notes on #GraphTheory are up.";
    // The published post shows the member's name where the text mentions "@bob".
    let shown = "Great review, Bob thank you! Notes on #GraphTheory are up.";
    let typed = ab
        .js_str("return document.getElementById('post-body').value")
        .await;
    if typed != text {
        ab.fail(&format!("the composer holds {typed:?}")).await;
    }
    ab.submit("#composer").await;
    ab.wait_path("/").await;
    let notice = ab.text("main .notice").await;
    if notice != "Posted." {
        ab.fail(&format!("after posting the page says {notice:?}"))
            .await;
    }
    let first = ab.text("#feed article.post .post-body").await;
    if first != shown {
        ab.fail(&format!("Ann's post is not first in her feed: {first:?}"))
            .await;
    }
    let reason = ab.text("#feed article.post .post-reason").await;
    if reason != "Your post" {
        ab.fail(&format!("Ann's own post is explained as {reason:?}"))
            .await;
    }
    check_links(&ab, "#feed article.post .post-body").await;
    let post_id = ab
        .attr("#feed article.post", "data-post")
        .await
        .unwrap_or_default();
    if post_id.parse::<i64>().is_err() {
        ab.fail(&format!("the post's id is {post_id:?}")).await;
    }
    let post_path = format!("/posts/{post_id}");
    wait_live(&ab).await;
    ab.mark_page().await;
    ab.screenshot("feed-journey-2-ann-posted").await;

    // Bob's badge rises on the page he already has open.
    bb.wait_js("Bob's badge to show 1", &format!("{BADGE} === '1'"))
        .await;
    if !same_page(&bb).await {
        bb.fail("Bob's page was reloaded or replaced; the badge should change in place")
            .await;
    }
    let label = bb.attr("#unread-count", "aria-label").await;
    // What a screen reader announces: the count, in words.
    if !label.is_some_and(|l| l.starts_with("1 unread notification")) {
        bb.fail("the badge's label does not say 1 unread notification")
            .await;
    }
    bb.screenshot("feed-journey-3-bob-badge").await;

    // He opens his notifications from the badge, and the mention from there.
    bb.click_and_wait("#nav-notifications").await;
    bb.wait_path("/notifications").await;
    let unread = bb.find_all(".notification.unread").await.len();
    let text_of_first = bb.text(".notification.unread .notification-text").await;
    if unread != 1 || text_of_first != "Ann mentioned you." {
        bb.fail(&format!(
            "{unread} unread notifications, the first says {text_of_first:?}"
        ))
        .await;
    }
    bb.screenshot("feed-journey-4-bob-notifications").await;
    bb.click_and_wait(".notification.unread .notification-text")
        .await;
    bb.wait_path(&post_path).await;
    let body = bb.text(&format!("#post-{post_id} .post-body")).await;
    if body != shown {
        bb.fail(&format!("the post Bob was sent to says {body:?}"))
            .await;
    }
    if let Some(shown) = badge(&bb).await {
        bb.fail(&format!(
            "the mention was read, yet Bob's badge still shows {shown:?}"
        ))
        .await;
    }

    // He celebrates it.
    let celebrate = "form.reactions .reaction-menu button[value=celebrate]";
    // The five reactions wait in the popover beside Like.
    bb.find("form.reactions .reaction-picker > summary")
        .await
        .click()
        .await
        .expect("open the reactions popover");
    if bb.text(celebrate).await != "Celebrate" {
        bb.fail("the Celebrate button is missing its label").await;
    }
    bb.click_and_wait(celebrate).await;
    bb.wait_path(&post_path).await;
    // Celebrate is pressed, and only it.
    let pressed = bb
        .js(
            "return [...document.querySelectorAll('form.reactions .reaction-menu button')].map(b => b.value + '=' + b.getAttribute('aria-pressed'));",
            vec![],
        )
        .await;
    let pressed: Vec<String> = serde_json::from_value(pressed).unwrap_or_default();
    let only_celebrate = pressed.len() > 1
        && pressed.iter().all(|p| match p.split_once('=') {
            Some(("celebrate", v)) => v == "true",
            Some((_, v)) => v == "false",
            None => false,
        });
    if !only_celebrate {
        bb.fail(&format!(
            "after Celebrate, the buttons' aria-pressed are {pressed:?}"
        ))
        .await;
    }
    if !bb.exists(&format!("{celebrate}.chosen")).await {
        bb.fail("the Celebrate button does not look chosen").await;
    }
    let counts = bb.text(&format!("#counts-{post_id} .sr-only")).await;
    if counts != "1 reaction: 1 celebrate" {
        bb.fail(&format!("after Celebrate the counts line reads {counts:?}"))
            .await;
    }
    bb.screenshot("feed-journey-5-bob-celebrated").await;

    // Ann's badge rises too (Bob reacted), on the page she had open.
    let want = (ann_unread + 1).to_string();
    ab.wait_js(
        &format!("Ann's badge to show {want}"),
        &format!("{BADGE} === '{want}'"),
    )
    .await;
    if !same_page(&ab).await {
        ab.fail("Ann's page was reloaded; the badge should change in place")
            .await;
    }

    // Her post's page: Bob's impression and reaction.
    ab.goto(&post_path).await;
    let impressions = ab.text("#stat-impressions").await;
    let viewers = ab.text("#stat-viewers").await;
    let kinds = ab
        .js(
            "return [...document.querySelectorAll('#stat-reactions .stat-kind')].map(e => e.textContent.trim());",
            vec![],
        )
        .await;
    if impressions.parse::<i64>().map_or(true, |n| n < 1) || viewers != "1" {
        ab.fail(&format!(
            "Bob saw the post, yet it counts {impressions:?} impressions and {viewers:?} unique viewers"
        ))
        .await;
    }
    if kinds != json!(["celebrate 1"]) {
        ab.fail(&format!("the reactions figure lists {kinds}"))
            .await;
    }
    let counts = format!(
        "{} · {}",
        ab.text(&format!("#counts-{post_id} .sr-only")).await,
        ab.text(&format!("#counts-{post_id} .counts-rest")).await
    );
    let want_counts = format!(
        "1 reaction: 1 celebrate · {impressions} impression{}",
        if impressions == "1" { "" } else { "s" }
    );
    if counts != want_counts {
        ab.fail(&format!(
            "Ann's counts line reads {counts:?}, not {want_counts:?}"
        ))
        .await;
    }
    check_links(&ab, &format!("#post-{post_id} .post-body")).await;
    ab.screenshot("feed-journey-6-ann-figures").await;

    // The hashtag leads to the tag's page, which lists the post.
    ab.click_and_wait(&format!("#post-{post_id} .post-body a.hashtag"))
        .await;
    ab.wait_path("/hashtags/graphtheory").await;
    if !ab.exists(&format!("main #post-{post_id}")).await {
        ab.fail("the hashtag's page does not list the post").await;
    }
}

/// The mention is a link to Bob's profile showing his name, and the hashtag one to the tag's page (its address
/// folded, its text as typed); nothing else in the body is a link.
async fn check_links(b: &Browser, body: &str) {
    let links = b
        .js(
            "return [...document.querySelectorAll(arguments[0] + ' a')].map(a => [a.className, a.getAttribute('href'), a.textContent]);",
            vec![body.into()],
        )
        .await;
    let want = json!([
        ["mention", "/in/bob", "Bob"],
        ["hashtag", "/hashtags/graphtheory", "#GraphTheory"]
    ]);
    if links != want {
        b.fail(&format!("the links in the post are {links}, not {want}"))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn why_am_i_seeing_this_explains_and_most_recent_is_remembered() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;

    // Bob posts twice; Cyd (not Ann's connection) sees both and takes up only the first, so
    // "Most relevant" puts the older post first and "Most recent" the newer.
    let mut ids = Vec::new();
    for body in ["Older, and discussed", "Newer, and quiet"] {
        let r = app
            .post("/api/v1/posts")
            .token(&bob)
            .json(json!({"body": body}))
            .send()
            .await;
        r.assert_status(201);
        ids.push(
            r.json()["post"]["id"]
                .as_str()
                .expect("post id")
                .to_string(),
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    app.get("/api/v1/feed")
        .token(&cyd)
        .send()
        .await
        .assert_status(200);
    app.put(&format!("/api/v1/posts/{}/reaction", ids[0]))
        .token(&cyd)
        .json(json!({"kind": "insightful"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/posts/{}/comments", ids[0]))
        .token(&cyd)
        .json(json!({"body": "Worth discussing."}))
        .send()
        .await
        .assert_status(201);

    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/").await;
    expect_sort(&b, "relevant").await;
    let relevant = feed_bodies(&b).await;
    if relevant != ["Older, and discussed", "Newer, and quiet"] {
        b.fail(&format!("Most relevant shows {relevant:?}")).await;
    }

    // "Why am I seeing this?" is closed, and opens to say why.
    let why = format!("#post-{} details.why", ids[0]);
    let li_shown = format!(
        "[...document.querySelectorAll('{why} li')].filter(li => li.checkVisibility()).length"
    );
    if b.js(&format!("return {li_shown};"), vec![]).await != json!(0) {
        b.fail("the reasons show before asking").await;
    }
    b.find(&format!("{why} summary"))
        .await
        .click()
        .await
        .expect("open Why am I seeing this?");
    b.wait_js("the reasons to show", &format!("{li_shown} > 0"))
        .await;
    let lines = why_lines(&b, &why).await;
    let reason = "Bob is one of your connections";
    if lines.first().map(String::as_str) != Some(reason)
        || lines.iter().filter(|l| *l == reason).count() != 1
        || !lines.iter().any(|l| l.starts_with("Engagement"))
        || !lines
            .iter()
            .any(|l| l.starts_with("Your affinity with Bob: a connection (1st)"))
    {
        b.fail(&format!("Why am I seeing this? lists {lines:?}"))
            .await;
    }
    let shown_reason = b.text(&format!("#post-{} .post-reason", ids[0])).await;
    if shown_reason != reason {
        b.fail(&format!("the post's reason line says {shown_reason:?}"))
            .await;
    }
    b.js(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return null;",
        vec![why.as_str().into()],
    )
    .await;
    b.screenshot("feed-journey-7-why").await;

    // "Most recent": newest first, and says so.
    b.click_and_wait("a#sort-recent").await;
    expect_sort(&b, "recent").await;
    let recent = feed_bodies(&b).await;
    if recent != ["Newer, and quiet", "Older, and discussed"] {
        b.fail(&format!("Most recent shows {recent:?}")).await;
    }
    b.find(&format!("{why} summary"))
        .await
        .click()
        .await
        .expect("open Why am I seeing this?");
    let lines = why_lines(&b, &why).await;
    if !lines
        .iter()
        .any(|l| l == "Most recent first: newest posts at the top, nothing reordered.")
    {
        b.fail(&format!("in Most recent, Why says {lines:?}")).await;
    }

    // Remembered: after a reload, and when coming back Home without asking.
    b.mark_page().await;
    b.client.refresh().await.expect("reload");
    b.wait_for_new_page("the reloaded feed").await;
    expect_sort(&b, "recent").await;
    b.goto("/settings").await;
    b.click_and_wait("header.topbar a.brand").await;
    if b.path().await != "/" {
        b.fail("the Guild logo should lead to /").await;
    }
    expect_sort(&b, "recent").await;
    if feed_bodies(&b).await != recent {
        b.fail("back Home, the feed is not in the remembered order")
            .await;
    }
    b.screenshot("feed-journey-8-most-recent").await;

    // And back to Most relevant, remembered as well.
    b.click_and_wait("a#sort-relevant").await;
    expect_sort(&b, "relevant").await;
    b.goto("/").await;
    expect_sort(&b, "relevant").await;
    if feed_bodies(&b).await != relevant {
        b.fail("back on Most relevant, the order did not come back")
            .await;
    }
}

/// The lines of a "Why am I seeing this?" list, as shown.
async fn why_lines(b: &Browser, why: &str) -> Vec<String> {
    let v = b
        .js(
            "return [...document.querySelectorAll(arguments[0] + ' li')].map(li => li.innerText.trim());",
            vec![why.into()],
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

/// Checks the sort control marks `which` ("recent" or "relevant") as the current order, and
/// offers the other as a link.
async fn expect_sort(b: &Browser, which: &str) {
    let other = if which == "recent" {
        "relevant"
    } else {
        "recent"
    };
    let current = b
        .js_str("const c = document.querySelectorAll('.feed-sort [aria-current=true]'); return c.length === 1 ? c[0].id : String(c.length);")
        .await;
    let offered = b.exists(&format!(".feed-sort a#sort-{other}")).await;
    if current != format!("sort-{which}") || !offered {
        b.fail(&format!(
            "the current order should be {which}: aria-current is on {current:?}, link to {other}: {offered}"
        ))
        .await;
    }
}
