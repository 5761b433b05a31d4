//! Every page, in both themes and at both widths, through axe-core (the npm package, run in
//! Chromium): no serious or critical accessibility violation. On the way it saves screenshots
//! of the pages members use most (`target/screenshots/look-<page>-<theme>-<width>.png`) for
//! people to look at, and checks the theme switch and the phone's tab bar as a member sees
//! them.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::flows::{served_app, sign_in, sign_out};

/// The axe-core release the test runs (from the npm registry, installed by `scripts/test.sh`
/// or, failing that, by the first test that needs it).
const AXE: &str = "axe-core@4.14.1";

fn axe_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/axe")
}

/// axe-core's script, installed with npm into `target/axe` when it is not there yet. Test
/// processes run in parallel, so one of them installs while the others wait for its lock.
fn axe_source() -> String {
    let dir = axe_dir();
    let file = dir.join("node_modules/axe-core/axe.min.js");
    let lock = dir.with_extension("lock");
    let start = Instant::now();
    while !file.exists() {
        std::fs::create_dir_all(dir.parent().expect("target")).expect("target dir");
        if std::fs::create_dir(&lock).is_ok() {
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&dir)
                .arg(AXE)
                .status();
            let _ = std::fs::remove_dir(&lock);
            match status {
                Ok(s) if s.success() => break,
                other => {
                    panic!("npm install {AXE} failed ({other:?}): npm and the registry are needed")
                }
            }
        }
        assert!(
            start.elapsed() < Duration::from_secs(300),
            "waited 5 minutes for {AXE}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// The network the pages show: Ann (an administrator) with connections, posts, an article,
/// a conversation, an invitation waiting and notifications.
struct Seeded {
    ann: TestMember,
    post: String,
    article: String,
    conversation: String,
}

async fn seed(app: &TestApp) -> Seeded {
    let ann = app.admin("ann").await;
    let bob = app.member("bob").await;
    let cleo = app.member("cleo").await;
    let dev = app.member("dev").await;
    app.connect(&ann, &bob).await;
    app.connect(&ann, &cleo).await;
    app.connect(&bob, &dev).await;
    app.put("/api/v1/me/skills")
        .token(&ann)
        .json(json!({"skills": ["Rust", "Mentoring"]}))
        .send()
        .await
        .assert_status(200);
    app.post("/api/v1/me/positions")
        .token(&ann)
        .json(json!({"company": "Northwind", "title": "Staff engineer", "start": "2021-04", "description": "Runs the platform team."}))
        .send()
        .await
        .assert_status(201);
    let posted = |who: &TestMember, body: Value| {
        let req = app.post("/api/v1/posts").token(who).json(body);
        async move {
            let r = req.send().await;
            r.assert_status(201);
            r.json()["post"]["id"]
                .as_str()
                .expect("post id")
                .to_string()
        }
    };
    let post = posted(&ann, json!({"body": "Shipping the new directory today. Thanks @bob for the reviews! #rust #release", "visibility": "anyone"})).await;
    posted(
        &bob,
        json!({"body": "What is everyone reading this month? #books", "visibility": "anyone"}),
    )
    .await;
    let article = posted(
        &bob,
        json!({"kind": "article", "title": "What a year of pairing taught us",
               "body": "## Start small\n\nWe paired for an hour a day at first. The rule was simple: the person who knew less typed.\n\n> The keyboard goes to whoever is learning.\n\n## What changed\n\nReviews got shorter, and questions were asked earlier. Nobody on the team would go back.",
               "visibility": "anyone"}),
    )
    .await;
    for (who, kind) in [(&bob, "like"), (&cleo, "celebrate")] {
        app.put(&format!("/api/v1/posts/{post}/reaction"))
            .token(who)
            .json(json!({"kind": kind}))
            .send()
            .await
            .assert_status(200);
    }
    app.post(&format!("/api/v1/posts/{post}/comments"))
        .token(&cleo)
        .json(json!({"body": "Congratulations, it looks great."}))
        .send()
        .await
        .assert_status(201);
    let r = app
        .post("/api/v1/conversations")
        .token(&bob)
        .json(json!({"to": ["ann"], "body": "Coffee on Thursday? I would like to hear how the launch went."}))
        .send()
        .await;
    r.assert_status(201);
    let conversation = r.json()["conversation"]["id"]
        .to_string()
        .trim_matches('"')
        .to_string();
    app.post(&format!("/api/v1/conversations/{conversation}/messages"))
        .token(&ann)
        .json(json!({"body": "Yes! 10:00 at the usual place?"}))
        .send()
        .await
        .assert_status(201);
    app.post("/api/v1/invitations")
        .token(&dev)
        .json(json!({"to": "ann", "note": "We met at the meetup in October."}))
        .send()
        .await
        .assert_status(201);
    Seeded {
        ann,
        post,
        article,
        conversation,
    }
}

/// The pages a signed-in member reaches, with the name of those saved as screenshots.
fn member_pages(s: &Seeded) -> Vec<(String, Option<&'static str>)> {
    let mut pages: Vec<(String, Option<&'static str>)> = vec![
        ("/".into(), Some("home")),
        ("/in/ann".into(), Some("profile")),
        ("/members".into(), Some("directory")),
        ("/messages".into(), Some("messaging-inbox")),
        (
            format!("/messages/{}", s.conversation),
            Some("messaging-thread"),
        ),
        (format!("/articles/{}", s.article), Some("article")),
        ("/notifications".into(), Some("notifications")),
        ("/settings".into(), Some("settings")),
    ];
    for p in [
        "/in/bob".to_string(),
        "/in/bob/posts".into(),
        "/in/dev/mutuals".into(),
        "/in/cleo/invite".into(),
        "/members?q=bo".into(),
        "/me/edit".into(),
        "/me/away".into(),
        "/notifications/settings".into(),
        "/settings/messaging".into(),
        "/network".into(),
        "/network/sent".into(),
        "/network/connections".into(),
        "/network/followers".into(),
        "/network/following".into(),
        "/network/suggestions".into(),
        "/network/manage".into(),
        "/network/contacts".into(),
        "/messages?box=requests".into(),
        "/messages/new".into(),
        "/messages/search?q=coffee".into(),
        format!("/posts/{}", s.post),
        format!("/posts/{}/edit", s.post),
        "/articles/new".into(),
        "/hashtags/rust".into(),
        "/admin".into(),
        "/no/such/page".into(),
    ] {
        pages.push((p, None));
    }
    pages
}

const SIGNED_OUT_PAGES: &[&str] = &[
    "/",
    "/signin",
    "/signup",
    "/password/forgot",
    "/password/reset/not-a-token",
    "/unsubscribe?t=1.digest.tampered",
    "/members",
    "/in/ann",
];

/// axe-core's serious and critical violations on the current page (axe injected), one line
/// each.
async fn axe_violations(b: &Browser, path: &str) -> Vec<String> {
    let script = "const done = arguments[arguments.length - 1];
        axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations
          .filter(v => v.impact === 'serious' || v.impact === 'critical')
          .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' — ' + v.nodes.slice(0, 3)
            .map(n => n.target.join(' ') + (n.any[0] ? ' (' + n.any[0].message + ')' : '')).join('; '))))
          .catch(e => done(['axe failed: ' + e]));";
    match b.client.execute_async(script, vec![]).await {
        Ok(Value::Array(found)) => found
            .into_iter()
            .map(|v| format!("{path}: {}", v.as_str().unwrap_or_default()))
            .collect(),
        other => vec![format!("{path}: axe did not answer: {other:?}")],
    }
}

/// Chooses `theme` with the switch in Settings, as a member does, and checks the page shows it.
async fn choose_theme(b: &Browser, theme: &str) {
    b.goto("/settings").await;
    // In the middle of the screen: a phone's tab bar covers its bottom edge, where WebDriver
    // would scroll the switch to.
    let radio = format!("#theme-form input[value={theme}]");
    b.js(
        &format!("document.querySelector('{radio}').scrollIntoView({{block: 'center'}})"),
        vec![],
    )
    .await;
    b.find(&radio).await.click().await.expect("pick the theme");
    b.click_and_wait("#theme-submit").await;
    let shown = b
        .js_str("return document.documentElement.dataset.theme")
        .await;
    if shown != theme {
        b.fail(&format!(
            "the page's theme is {shown:?} after choosing {theme:?}"
        ))
        .await;
    }
}

/// Shows the current page in `theme`, as the server renders it for a browser that chose it
/// (`<html data-theme>`; Settings' switch itself is checked below and in tests/it).
async fn show_in(b: &Browser, theme: &str) {
    b.js(
        "document.documentElement.dataset.theme = arguments[0]; return getComputedStyle(document.body).backgroundColor;",
        vec![Value::String(theme.into())],
    )
    .await;
}

/// Visits every page at one width, signed in and out, and runs axe-core on each in the light
/// and in the dark theme (one load, axe injected once); returns the violations found.
async fn visit(b: &Browser, axe: &str, s: &Seeded, width: &str) -> Vec<String> {
    let mut found = Vec::new();
    sign_in(b, &s.ann).await;
    let signed_in = member_pages(s)
        .into_iter()
        .map(|(path, shot)| (path.clone(), path, shot));
    let signed_out = SIGNED_OUT_PAGES
        .iter()
        .map(|p| (p.to_string(), format!("{p} (signed out)"), None));
    let mut signed_out_yet = false;
    for (path, label, shot) in signed_in.chain(signed_out) {
        if label.ends_with("(signed out)") && !signed_out_yet {
            sign_out(b).await;
            signed_out_yet = true;
        }
        b.goto(&path).await;
        b.js(&format!("{axe}\nreturn true;"), vec![]).await;
        for theme in ["light", "dark"] {
            show_in(b, theme).await;
            found.extend(axe_violations(b, &format!("{label} [{theme}, {width} px]")).await);
            if let Some(name) = shot {
                b.screenshot(&format!("look-{name}-{theme}-{width}")).await;
            }
        }
    }
    found
}

async fn every_page_passes_axe(width: &str) {
    let axe = axe_source();
    let (app, base) = served_app().await;
    let s = seed(&app).await;
    let b = if width == "1280" {
        Browser::desktop(&base).await
    } else {
        Browser::phone(&base, 375, 812).await
    };
    let found = visit(&b, &axe, &s, width).await;
    assert!(
        found.is_empty(),
        "{} serious or critical violations at {width} px:\n{}",
        found.len(),
        found.join("\n")
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_passes_axe_in_both_themes_at_1280_px() {
    every_page_passes_axe("1280").await;
}

#[tokio::test(flavor = "multi_thread")]
async fn every_page_passes_axe_in_both_themes_at_375_px() {
    every_page_passes_axe("375").await;
}

/// The page's background colour as the browser computed it.
async fn page_background(b: &Browser) -> String {
    b.js_str("return getComputedStyle(document.body).backgroundColor")
        .await
}

/// "Same as my device" follows the system's dark mode; an explicit choice overrides it; and
/// on a phone the main navigation is a tab bar at the bottom of the screen.
#[tokio::test(flavor = "multi_thread")]
async fn the_theme_follows_the_device_until_a_member_chooses() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    const LIGHT_BG: &str = "rgb(244, 242, 238)";
    const DARK_BG: &str = "rgb(17, 20, 23)";

    let dark_device = Browser::desktop_in_dark_mode(&base).await;
    dark_device.goto("/signin").await;
    assert_eq!(
        page_background(&dark_device).await,
        DARK_BG,
        "a dark device gets the dark theme"
    );
    sign_in(&dark_device, &ann).await;
    assert_eq!(page_background(&dark_device).await, DARK_BG);
    choose_theme(&dark_device, "light").await;
    assert_eq!(
        page_background(&dark_device).await,
        LIGHT_BG,
        "the member's choice wins"
    );
    choose_theme(&dark_device, "system").await;
    assert_eq!(
        page_background(&dark_device).await,
        DARK_BG,
        "back to the device's"
    );
    drop(dark_device);

    let light_device = Browser::desktop(&base).await;
    light_device.goto("/signin").await;
    assert_eq!(page_background(&light_device).await, LIGHT_BG);

    let phone = Browser::phone(&base, 375, 812).await;
    sign_in(&phone, &ann).await;
    // The tab bar: five tabs along the bottom edge, the top bar one compact row.
    let bar = phone
        .js(
            "const r = document.querySelector('nav.primary').getBoundingClientRect();
             const tabs = [...document.querySelectorAll('nav.primary a.tab')]
               .filter(a => a.offsetParent !== null).map(a => a.querySelector('.tab-label').textContent);
             return { bottom: r.bottom, height: r.height, tabs,
                      top: document.querySelector('header.topbar').getBoundingClientRect().height };",
            vec![],
        )
        .await;
    assert_eq!(bar["bottom"].as_f64(), Some(812.0), "{bar}");
    assert!(bar["height"].as_f64().unwrap_or(0.0) <= 72.0, "{bar}");
    assert!(
        bar["top"].as_f64().unwrap_or(999.0) <= 64.0,
        "the top bar is one row: {bar}"
    );
    let tabs: Vec<&str> = bar["tabs"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(
        tabs,
        ["Home", "My network", "Post", "Messages", "Notifications"],
        "{bar}"
    );
    phone
        .find("nav.primary a[href='/messages']")
        .await
        .click()
        .await
        .expect("tap Messages");
    phone.wait_path("/messages").await;
    assert_eq!(
        phone
            .attr("nav.primary a[href='/messages']", "aria-current")
            .await
            .as_deref(),
        Some("true")
    );
}
