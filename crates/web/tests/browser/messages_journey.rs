//! Messaging as two people use it at once, each in their own Chromium: Ann writes to Bob from
//! his profile; Bob, with his inbox open, sees the Messages badge rise, opens the
//! conversation and replies; each sees the other's messages appear in the open conversation
//! without a reload. Bob goes away: Ann's next message gets exactly one automatic reply, marked
//! as such, and her second none. A stranger's message lands in Bob's requests, not his inbox.

use serde_json::Value;

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

/// `#messages-count` as a person sees it: `None` while it is not displayed.
async fn badge(b: &Browser) -> Option<String> {
    let v = b
        .js(
            "const c = document.getElementById('messages-count');
             if (!c || c.hidden || c.getClientRects().length === 0) return null;
             return c.textContent.trim();",
            vec![],
        )
        .await;
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

async fn wait_live(b: &Browser) {
    b.wait_js(
        "the event stream to connect",
        "document.getElementById('nav-notifications').dataset.liveState === 'open'",
    )
    .await;
}

/// The texts of the open conversation's messages, top to bottom.
async fn messages(b: &Browser) -> Vec<String> {
    let v = b
        .js(
            "return [...document.querySelectorAll('#messages li.message .message-body')].map(e => e.textContent.trim());",
            vec![],
        )
        .await;
    serde_json::from_value(v).unwrap_or_default()
}

async fn wait_message(b: &Browser, who: &str, text: &str) {
    b.wait_js(
        &format!("{who} to see {text:?} in the open conversation"),
        &format!(
            "[...document.querySelectorAll('#messages li.message .message-body')].some(e => e.textContent.trim() === {})",
            serde_json::to_string(text).unwrap()
        ),
    )
    .await;
}

async fn same_page(b: &Browser) -> bool {
    b.js("return window.__guildStale === true;", vec![]).await == Value::Bool(true)
}

#[tokio::test(flavor = "multi_thread")]
async fn two_members_talk_live_an_away_reply_comes_once_and_a_stranger_lands_in_requests() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;

    // Bob has his inbox open.
    let bb = Browser::desktop(&base).await;
    sign_in(&bb, &bob).await;
    bb.goto("/messages").await;
    wait_live(&bb).await;
    if let Some(shown) = badge(&bb).await {
        bb.fail(&format!("no messages yet, but the badge shows {shown:?}"))
            .await;
    }
    bb.mark_page().await;

    // Ann writes from Bob's profile.
    let ab = Browser::desktop(&base).await;
    sign_in(&ab, &ann).await;
    ab.goto("/in/bob").await;
    ab.click_and_wait("#message-member").await;
    ab.fill("#message-body", "Hi Bob, are you free for a call?")
        .await;
    ab.submit("#new-message-form").await;
    let path = ab.path().await;
    if !path.starts_with("/messages/") {
        ab.fail(&format!("after sending, Ann is on {path}")).await;
    }
    let conv = path.trim_start_matches("/messages/").to_string();
    if messages(&ab).await != vec!["Hi Bob, are you free for a call?".to_string()] {
        ab.fail("Ann's conversation does not show her message")
            .await;
    }
    wait_live(&ab).await;
    ab.mark_page().await;

    // Bob's badge rises in place; he opens the conversation and replies.
    bb.wait_js(
        "Bob's Messages badge to show 1",
        "(() => { const c = document.getElementById('messages-count'); return c && !c.hidden && c.textContent.trim() === '1'; })()",
    )
    .await;
    if !same_page(&bb).await {
        bb.fail("Bob's inbox was reloaded; the badge should change in place")
            .await;
    }
    bb.screenshot("messages-1-bob-badge").await;
    bb.goto(&format!("/messages/{conv}")).await;
    wait_live(&bb).await;
    bb.mark_page().await;
    ab.goto(&format!("/messages/{conv}")).await;
    wait_live(&ab).await;
    ab.mark_page().await;

    // Both ways, live: each side's page stays as it is and the other's message appears.
    bb.fill("#reply-body", "Yes, at three?").await;
    bb.submit("#reply-form").await;
    wait_live(&bb).await;
    wait_message(&ab, "Ann", "Yes, at three?").await;
    if !same_page(&ab).await {
        ab.fail("Ann's conversation was reloaded; the reply should appear in place")
            .await;
    }
    ab.fill("#reply-body", "Three works.").await;
    ab.submit("#reply-form").await;
    wait_live(&ab).await;
    bb.mark_page().await;
    wait_message(&bb, "Bob", "Three works.").await;
    if !same_page(&bb).await {
        bb.fail("Bob's conversation was reloaded").await;
    }
    bb.screenshot("messages-2-live").await;

    // Bob goes away; Ann's next message gets one automatic reply, her second none.
    let today = chrono::Utc::now().date_naive();
    bb.goto("/me/away").await;
    bb.set_value("#away-start", &today.to_string()).await;
    bb.set_value("#away-end", &(today + chrono::Days::new(3)).to_string())
        .await;
    bb.fill("#away-message", "I am at a conference until Thursday.")
        .await;
    bb.submit("#away-form").await;
    if !bb.exists("#away-current").await {
        bb.fail("the away page does not show the period").await;
    }
    ab.goto(&format!("/messages/{conv}")).await;
    let notice = ab.text(".away-notice").await;
    if !notice.starts_with("Bob is away until") {
        ab.fail(&format!("the conversation's away notice says {notice:?}"))
            .await;
    }
    ab.fill("#reply-body", "One more thing").await;
    ab.submit("#reply-form").await;
    ab.fill("#reply-body", "And another").await;
    ab.submit("#reply-form").await;
    let autos = ab.find_all("#messages li.message.automatic").await.len();
    if autos != 1 {
        ab.fail(&format!("{autos} automatic replies, not exactly one"))
            .await;
    }
    let label = ab
        .text("#messages li.message.automatic .automatic-tag")
        .await;
    if label != "Automatic reply" {
        ab.fail(&format!("the automatic reply is labelled {label:?}"))
            .await;
    }
    let all = messages(&ab).await;
    let auto_at = all
        .iter()
        .position(|m| m.starts_with("I am at a conference until Thursday."));
    let one_more = all.iter().position(|m| m == "One more thing");
    if auto_at.is_none() || auto_at < one_more {
        ab.fail(&format!(
            "the automatic reply does not follow Ann's message: {all:?}"
        ))
        .await;
    }
    ab.screenshot("messages-3-automatic-reply").await;

    // A stranger's message lands in Bob's requests.
    let zb = Browser::desktop(&base).await;
    sign_in(&zb, &zed).await;
    zb.goto("/messages/new?to=bob").await;
    zb.fill("#message-body", "Hello, we have not met yet.")
        .await;
    zb.submit("#new-message-form").await;
    let said = zb.text("main .notice").await;
    if !said.starts_with("Sent as a message request") {
        zb.fail(&format!("the stranger was told {said:?}")).await;
    }
    bb.goto("/messages").await;
    if bb.source().await.contains("we have not met yet") {
        bb.fail("a stranger's message is in Bob's inbox").await;
    }
    let tab = bb.text("#tab-requests").await;
    if tab != "Requests 1" {
        bb.fail(&format!("the requests tab says {tab:?}")).await;
    }
    bb.click_and_wait("#tab-requests").await;
    if !bb.source().await.contains("Zed") {
        bb.fail("the request is not listed").await;
    }
    bb.screenshot("messages-4-request").await;
}
