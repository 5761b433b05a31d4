//! The home page and an article as members see them (issue 16): three columns side by side at
//! 1280 px and one column without sideways scrolling at 375 px, reacting through the reactions
//! popover with the keyboard alone, and an article's body at a reading width. Saves
//! `home-1280.png`, `home-375.png`, `article-1280.png` and `article-375.png`.

use fantoccini::key::Key;
use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

const ARTICLE: &str = "Most teams do not fail for lack of talent. They fail because nobody \
knows who to ask, and the people who know are too busy to be found. A professional network that \
an organisation runs itself changes that: the map of who knows what is there for everyone.

> The best network is the one you can actually use on a Tuesday afternoon.

What it takes is simple to say and hard to do. Profiles people keep up to date because it pays \
off for them, a feed that rewards being useful rather than being loud, and suggestions that lead \
to a conversation instead of a dead end.

- Ask the person, not the directory.
- Write down what you learn, so the next person can find it.
- Introduce two colleagues every week.

None of this needs a new tool every year. It needs one place that people trust, and the habit \
of looking there first.";

async fn post(app: &TestApp, who: &TestMember, body: Value) -> String {
    let r = app.post("/api/v1/posts").token(who).json(body).send().await;
    r.assert_status(201);
    r.json()["post"]["id"].as_str().unwrap().to_string()
}

/// A box of the element `css`: [left, top, right, bottom].
async fn rect(b: &Browser, css: &str) -> [f64; 4] {
    let v = b
        .js(
            "const r = document.querySelector(arguments[0]).getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom];",
            vec![json!(css)],
        )
        .await;
    serde_json::from_value(v).unwrap_or([0.0; 4])
}

async fn fits(b: &Browser, width: u32) -> bool {
    b.js(
        "return document.documentElement.scrollWidth <= arguments[0]",
        vec![json!(width)],
    )
    .await
        == Value::Bool(true)
}

/// The article body's width in characters of its own font (`ch`).
async fn body_width_ch(b: &Browser) -> f64 {
    b.js(
        "const body = document.querySelector('.article-body');
         const probe = document.createElement('span');
         probe.textContent = '0'.repeat(10);
         body.appendChild(probe);
         const ch = probe.getBoundingClientRect().width / 10;
         probe.remove();
         return body.getBoundingClientRect().width / ch;",
        vec![],
    )
    .await
    .as_f64()
    .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread")]
async fn home_and_article_hold_their_shape_and_reactions_work_from_the_keyboard() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let [bob, cyd, dan, eve, fay] =
        ["bob", "cyd", "dan-de-vries", "eve", "fay"].map(|h| h.to_string());
    let (bob, cyd, dan, eve, fay) = (
        app.member(&bob).await,
        app.member(&cyd).await,
        app.member(&dan).await,
        app.member(&eve).await,
        app.member(&fay).await,
    );
    for (who, headline) in [
        (&ann, "Product lead at Acme · building teams that ship"),
        (&bob, "Staff engineer, distributed systems"),
        (&dan, "Head of design at Initech"),
        (&eve, "Recruiter for engineering roles"),
    ] {
        app.patch("/api/v1/me/profile")
            .token(who)
            .json(json!({"headline": headline}))
            .send()
            .await
            .assert_status(200);
    }
    app.connect(&ann, &bob).await;
    app.connect(&ann, &cyd).await;
    app.connect(&bob, &dan).await;
    app.connect(&cyd, &dan).await;
    app.connect(&bob, &eve).await;
    app.connect(&cyd, &fay).await;
    for tag in ["engineering", "design"] {
        app.post(&format!("/hashtags/{tag}/follow"))
            .session(&ann)
            .send()
            .await;
    }
    post(
        &app,
        &cyd,
        json!({"body": "Hiring two #engineering interns for the summer. Ask me anything!"}),
    )
    .await;
    let article = post(
        &app,
        &bob,
        json!({"kind": "article", "title": "Networks you can use on a Tuesday", "body": ARTICLE}),
    )
    .await;
    let shown = post(&app, &bob, json!({"body": "We shipped the new onboarding flow today. Thanks to everyone who tested it."})).await;
    app.put(&format!("/api/v1/posts/{shown}/reaction"))
        .token(&cyd)
        .json(json!({"kind": "support"}))
        .send()
        .await
        .assert_status(200);

    let own = post(
        &app,
        &ann,
        json!({"body": "What would make you open Guild first thing in the morning?"}),
    )
    .await;
    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/").await;
    // Three columns side by side: left rail, feed, right rail, none overlapping.
    let left = rect(&b, ".feed-left").await;
    let main = rect(&b, ".feed-main").await;
    let right = rect(&b, ".feed-right").await;
    let side_by_side = left[2] <= main[0]
        && main[2] <= right[0]
        && (left[1] - main[1]).abs() < 2.0
        && (right[1] - main[1]).abs() < 2.0;
    if !side_by_side || main[2] - main[0] < 400.0 {
        b.fail(&format!(
            "at 1280 px the columns are {left:?} {main:?} {right:?}"
        ))
        .await;
    }
    if !fits(&b, 1280).await {
        b.fail("the home page scrolls sideways at 1280 px").await;
    }
    b.screenshot("home-1280").await;

    // React with the keyboard: the popover's summary, Enter, Tab to Celebrate, Enter.
    let picker = format!("#post-{shown} .reaction-picker > summary");
    b.js(
        "document.querySelector(arguments[0]).focus(); return null;",
        vec![json!(picker)],
    )
    .await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_js(
        "the reactions popover to open",
        &format!("document.querySelector('#post-{shown} .reaction-picker').open"),
    )
    .await;
    b.press(&format!("{}{}", Key::Tab, Key::Tab)).await;
    let focused = b
        .js_str("return document.activeElement.textContent.trim()")
        .await;
    if focused != "Celebrate" {
        b.fail(&format!("two Tabs into the popover reach {focused:?}"))
            .await;
    }
    b.mark_page().await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_for_new_page("the page after choosing Celebrate")
        .await;
    let main_button = format!("#post-{shown} .react-main");
    let pressed = b.attr(&main_button, "aria-pressed").await;
    let label = b.text(&main_button).await;
    let summary = b.text(&format!("#counts-{shown} .sr-only")).await;
    if pressed.as_deref() != Some("true") || label != "Celebrate" {
        b.fail(&format!(
            "after Celebrate the button is {label:?}, pressed {pressed:?}"
        ))
        .await;
    }
    b.js(
        "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); document.querySelector(arguments[1]).open = true; return null;",
        vec![json!(format!("#post-{shown}")), json!(format!("#post-{shown} .reaction-picker"))],
    )
    .await;
    b.screenshot("home-1280-reactions").await;
    if summary != "2 reactions: 1 celebrate, 1 support" {
        b.fail(&format!("the reaction summary says {summary:?}"))
            .await;
    }

    // The article: a reading width of 65–75 characters.
    b.goto(&format!("/posts/{article}")).await;
    let chars = body_width_ch(&b).await;
    if !(55.0..=75.5).contains(&chars) {
        b.fail(&format!("the article body is {chars:.1} characters wide"))
            .await;
    }
    b.screenshot("article-1280").await;
    b.js(
        "window.scrollTo(0, document.body.scrollHeight); return null;",
        vec![],
    )
    .await;
    b.screenshot("article-1280-end").await;

    // Her own post's figures: no rate before 20 impressions, and what the rate means.
    b.goto(&format!("/posts/{own}")).await;
    let rate = b.text("#stat-rate").await;
    if rate != "Not yet: shown from 20 impressions" {
        b.fail(&format!("the engagement rate reads {rate:?}")).await;
    }
    b.js(
        "document.querySelector('#stats').scrollIntoView({block: 'center'}); return null;",
        vec![],
    )
    .await;
    b.screenshot("post-stats-1280").await;

    // A phone: one column, the feed first, nothing sticking out sideways.
    let p = Browser::phone(&base, 375, 812).await;
    sign_in(&p, &ann).await;
    p.goto("/").await;
    let main = rect(&p, ".feed-main").await;
    let left = rect(&p, ".feed-left").await;
    let right = rect(&p, ".feed-right").await;
    if !(main[3] <= right[1] && right[3] <= left[1]) {
        p.fail(&format!(
            "at 375 px the columns are {main:?} {right:?} {left:?}"
        ))
        .await;
    }
    if !fits(&p, 375).await {
        p.fail("the home page scrolls sideways at 375 px").await;
    }
    p.screenshot("home-375").await;
    // The first post's actions, and the rails folded below the feed.
    for (css, name) in [
        (".post .post-actions", "home-375-post"),
        ("#pymk", "home-375-rails"),
    ] {
        p.js(
            "document.querySelector(arguments[0]).scrollIntoView({block: 'center'}); return null;",
            vec![json!(css)],
        )
        .await;
        p.screenshot(name).await;
    }
    p.goto(&format!("/posts/{article}")).await;
    if !fits(&p, 375).await {
        p.fail("the article scrolls sideways at 375 px").await;
    }
    p.screenshot("article-375").await;
}
