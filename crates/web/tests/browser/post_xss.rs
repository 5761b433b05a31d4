//! Member text in real Chromium: every payload of the XSS corpus (and a few that would set a
//! flag by every route a script could take) posted as posts, comments and a headline; the
//! feed, the post page, the profile and a hashtag page are opened; no script runs, and no
//! element in member text carries a handler, an unsafe link or embedded content.

use guild_testkit::TestApp;
use serde_json::json;

use crate::browser::Browser;
use crate::flows::sign_in;

const FLAGGED: &[&str] = &[
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    "[click](javascript:window.__xss=1)",
    "<a href=\"javascript:window.__xss=1\">click</a>",
    "<script>window.__xss=1</script>",
    "[x](JaVaScRiPt:window.__xss=1) #xsstest",
    "<iframe src=\"javascript:window.__xss=1\"></iframe>",
    "![x](javascript:window.__xss=1)",
    "<details open ontoggle=window.__xss=1>",
];

/// What the page must not contain in member text; an empty string when it is clean.
const CHECK: &str = r#"
    const bad = [];
    for (const el of document.querySelectorAll('main .post-body *, main .comment-body *, main #profile-headline *')) {
        const tag = el.tagName.toLowerCase();
        if (['script','img','svg','iframe','object','embed','form','style','details','math'].includes(tag)) bad.push('element ' + tag);
        for (const a of el.attributes) {
            const v = (a.value || '').replace(/[\s\u0000-\u001f]/g, '').toLowerCase();
            if (a.name.startsWith('on')) bad.push('handler ' + a.name + ' on ' + tag);
            if ((a.name === 'href' || a.name === 'src') && /^(javascript|data|vbscript):/.test(v)) bad.push('url ' + a.value);
        }
    }
    if (window.__xss !== undefined) bad.push('a script ran');
    return bad.join('; ');
"#;

#[tokio::test(flavor = "multi_thread")]
async fn no_member_text_runs_as_script_anywhere_it_is_shown() {
    let app = TestApp::with_settings(|s| {
        s.limits.posts_per_hour = 10_000;
        s.limits.comments_per_hour = 10_000;
    })
    .await;
    let addr = app.spawn_server().await;
    let base = format!("http://{addr}");
    let mallory = app.member("mallory").await;
    let victim = app.member("victim").await;
    app.connect(&mallory, &victim).await;

    let payloads: Vec<&str> = guild_core::markup::XSS_CORPUS
        .iter()
        .chain(FLAGGED)
        .copied()
        .collect();
    let mut first_post = String::new();
    for p in &payloads {
        let r = app
            .post("/api/v1/posts")
            .token(&mallory)
            .json(json!({"body": format!("{p} #xsstest")}))
            .send()
            .await;
        if r.status.as_u16() == 201 && first_post.is_empty() {
            first_post = r.json()["post"]["id"].as_str().unwrap().to_string();
        }
    }
    for p in &payloads {
        app.post(&format!("/api/v1/posts/{first_post}/comments"))
            .token(&mallory)
            .json(json!({"body": p}))
            .send()
            .await;
    }
    app.patch("/api/v1/me/profile")
        .token(&mallory)
        .json(json!({"headline": FLAGGED[0]}))
        .send()
        .await;

    let b = Browser::desktop(&base).await;
    sign_in(&b, &victim).await;
    for path in [
        "/".to_string(),
        "/?sort=recent".to_string(),
        format!("/posts/{first_post}"),
        "/in/mallory".to_string(),
        "/in/mallory/posts".to_string(),
        "/hashtags/xsstest".to_string(),
    ] {
        b.goto(&path).await;
        b.wait_js(
            "the page and its images settled",
            "document.readyState === 'complete'",
        )
        .await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        // Follow every link in member text that a victim could click.
        let found = b.js_str(CHECK).await;
        if !found.is_empty() {
            b.fail(&format!("{path}: {found}")).await;
        }
        let posts = b
            .find_all("main .post-body, main .comment-body")
            .await
            .len();
        if posts == 0 {
            b.fail(&format!("{path} shows no member text to check"))
                .await;
        }
    }
    b.screenshot("feed-xss").await;
}
