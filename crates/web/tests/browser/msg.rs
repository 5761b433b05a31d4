//! Messaging's two panes (issue 16): at 1280 px the inbox list and the open thread side by
//! side, the open conversation marked and the composer at the bottom of the thread; at 375 px
//! one pane at a time, the thread with "Back to messages". Screenshots of both widths go to
//! `target/screenshots/messaging-*.png`.

use guild_testkit::{TestApp, TestMember};
use serde_json::Value;

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};
use crate::phone::expect_no_sideways_scroll;

/// Whether the element matching `css` is displayed (has a box).
async fn shown(b: &Browser, css: &str) -> bool {
    let v = b
        .js(
            "const e = document.querySelector(arguments[0]);
             return !!e && e.getClientRects().length > 0 && e.offsetWidth > 0;",
            vec![Value::String(css.into())],
        )
        .await;
    v == Value::Bool(true)
}

async fn say(app: &TestApp, from: &TestMember, to: &str, body: &str) -> i64 {
    let sent = app
        .guild
        .start_conversation(
            &app.viewer(from),
            &guild_core::messaging::SendInput {
                to: vec![to.into()],
                body: body.into(),
                attachment: None,
            },
        )
        .await
        .unwrap();
    sent.conversation.id
}

#[tokio::test(flavor = "multi_thread")]
async fn messaging_shows_two_panes_on_a_wide_screen_and_one_at_a_time_on_a_phone() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cat = app.member("cat-ng").await;
    let dee = app.member("dee-moss").await;
    for m in [&bob, &cat, &dee] {
        app.connect(&ann, m).await;
    }
    say(
        &app,
        &cat,
        "ann",
        "Are we still on for the design review on Thursday?",
    )
    .await;
    say(&app, &dee, "ann", "Thanks for the intro!").await;
    let conv = say(
        &app,
        &bob,
        "ann",
        "Hi Ann, do you have a minute for the **launch** plan?",
    )
    .await;
    say(&app, &ann, "bob", "Sure, call me after lunch.").await;
    say(&app, &bob, "ann", "Great, talk at 14:00.").await;
    let zed = app.member("zed").await;
    let req = say(
        &app,
        &zed,
        "ann",
        "Hello, I saw your talk and would like to connect.",
    )
    .await;

    // Wide: the list and the thread side by side.
    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/messages").await;
    b.find("#conversations").await;
    if !shown(&b, ".messaging-placeholder").await {
        b.fail("at 1280 px the inbox shows no thread pane beside the list")
            .await;
    }
    b.screenshot("messaging-inbox-1280").await;
    b.goto(&format!("/messages/{conv}")).await;
    b.find("#messages").await;
    for pane in [".messaging-list", ".messaging-thread"] {
        if !shown(&b, pane).await {
            b.fail(&format!("at 1280 px {pane} is not shown")).await;
        }
    }
    let side_by_side = b
        .js(
            "const l = document.querySelector('.messaging-list').getBoundingClientRect();
             const t = document.querySelector('.messaging-thread').getBoundingClientRect();
             return l.right <= t.left && Math.abs(l.top - t.top) < 2;",
            vec![],
        )
        .await;
    if side_by_side != Value::Bool(true) {
        b.fail("the list and the thread are not side by side").await;
    }
    let marked = b
        .attr(&format!("#conversation-{conv} a"), "aria-current")
        .await;
    assert_eq!(
        marked.as_deref(),
        Some("page"),
        "the open conversation is not marked"
    );
    if shown(&b, "#back-to-messages").await {
        b.fail("the back link shows beside the list").await;
    }
    // The composer sits at the bottom of the thread, in view with the newest message.
    let in_view = b
        .js(
            "const f = document.getElementById('reply-form').getBoundingClientRect();
             const last = [...document.querySelectorAll('#messages li.message')].pop().getBoundingClientRect();
             return f.bottom <= window.innerHeight && last.bottom <= f.top && last.top >= 0;",
            vec![],
        )
        .await;
    if in_view != Value::Bool(true) {
        b.fail("the composer and the newest message are not both in view")
            .await;
    }
    b.screenshot("messaging-thread-1280").await;
    // The conversation's options open over the thread, every one of them reachable.
    b.find(".conversation-actions summary")
        .await
        .click()
        .await
        .unwrap();
    let reachable = b
        .js(
            "return [...document.querySelectorAll('.conversation-actions button')].every(e => {
               const r = e.getBoundingClientRect();
               const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
               return r.height > 0 && (at === e || e.contains(at));
             });",
            vec![],
        )
        .await;
    if reachable != Value::Bool(true) {
        b.fail("an option of the conversation is hidden or covered")
            .await;
    }
    // A request opens beside the list of requests, its choices explained.
    b.click_and_wait("#tab-requests").await;
    b.click_and_wait(&format!("#conversation-{req} a")).await;
    b.find("#request-answer").await;
    for pane in [".messaging-list", "#request-answer", "#reply-form"] {
        if !shown(&b, pane).await {
            b.fail(&format!("the request page does not show {pane}"))
                .await;
        }
    }
    b.screenshot("messaging-request-1280").await;
    // A new message opens beside the list too.
    b.click_and_wait("#new-message").await;
    b.find("#new-message-form").await;
    if !shown(&b, ".messaging-list").await {
        b.fail("the new message page shows no list beside it").await;
    }
    b.screenshot("messaging-new-1280").await;
    drop(b);

    // A phone: one pane at a time.
    let p = Browser::phone(&base, 375, 812).await;
    sign_in(&p, &ann).await;
    p.goto("/messages").await;
    p.find("#conversations").await;
    if shown(&p, ".messaging-placeholder").await {
        p.fail("at 375 px the empty thread pane shows under the list")
            .await;
    }
    expect_no_sideways_scroll(&p, "/messages at 375 px").await;
    p.screenshot("messaging-inbox-375").await;
    p.click_and_wait(&format!("#conversation-{conv} a")).await;
    p.find("#messages").await;
    if shown(&p, ".messaging-list").await {
        p.fail("at 375 px the list shows above the open thread")
            .await;
    }
    if !shown(&p, "#back-to-messages").await {
        p.fail("at 375 px the thread has no visible Back to messages")
            .await;
    }
    expect_no_sideways_scroll(&p, "a conversation at 375 px").await;
    p.screenshot("messaging-thread-375").await;
    p.click_and_wait("#back-to-messages").await;
    p.wait_path("/messages").await;
    p.find("#conversations").await;
    p.goto(&format!("/messages/{req}")).await;
    p.find("#request-answer").await;
    expect_no_sideways_scroll(&p, "a message request at 375 px").await;
    p.screenshot("messaging-request-375").await;
    p.goto("/messages").await;
    p.click_and_wait("#new-message").await;
    p.find("#new-message-form").await;
    if shown(&p, ".messaging-list").await {
        p.fail("at 375 px the list shows above the new message")
            .await;
    }
    expect_no_sideways_scroll(&p, "a new message at 375 px").await;
    p.screenshot("messaging-new-375").await;
}
