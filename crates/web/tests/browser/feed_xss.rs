//! Hostile member text in real Chromium. Every payload of `guild_core::markup::XSS_CORPUS`, and
//! a few of our own that would set `window.__xss` by each route a script could take, is posted
//! as a post and as a comment; one more is Mallory's headline, another her name. Then a member
//! opens every page that shows them — the feed (scrolled to its end, so the pages app.js
//! inserts are checked too), every page of the author's posts, the post page with every page of
//! its comments, the author's profile, two hashtag pages, the notifications — and on each:
//!
//! - member text holds only the elements and attributes our markup writes (no `<script>`,
//!   `<img>`, `<svg>`, `<iframe>`, `<form>`…, no `on…` handler, no `style`; the only SVG on a page
//!   is our icons, outside member text), and every link in it
//!   leads to `http`, `https`, `mailto` or one of our `/in/` and `/hashtags/` pages, as the
//!   browser itself resolves it;
//! - plain-text fields (headline, name) read exactly as typed and contain no element;
//! - no script ran: `window.__xss` is untouched, and `alert`/`confirm`/`prompt`/`print` were
//!   never called.
//!
//! The Content-Security-Policy would stop most of these payloads even if they reached the page
//! as markup, which would make "no script ran" prove little. So, through ChromeDriver's DevTools
//! bridge, this test has Chromium ignore the CSP and installs the dialog trap before any script
//! of each page runs; a canary checks that both took effect. What is tested is then the escaping
//! itself, with the CSP as a second line nobody relies on here.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::time::Duration;

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::browser::Browser;
use crate::driver::Driver;
use crate::flows::sign_in;

/// Payloads that would set `window.__xss` by every route we know: an inline handler, an
/// `<svg>` load, a Markdown link, a raw link, a script element, an iframe, an image link, a
/// `<details>` toggle, a meta refresh, a form, an object, and the same mixed with a mention
/// and a hashtag. Links read "click" so the test can click them.
const FLAGGED: &[&str] = &[
    "<img src=x onerror=window.__xss=1> #xsstest",
    "<svg onload=window.__xss=1> #xsstest",
    "[click](javascript:window.__xss=1) #xsstest",
    "<a href=\"javascript:window.__xss=1\">click</a> #xsstest",
    "<script>window.__xss=1</script> #xsstest",
    "[click](JaVaScRiPt:window.__xss=1) #xsstest",
    "[click](java\tscript:window.__xss=1) #xsstest",
    "[click]\n\n[click]: javascript:window.__xss=1",
    "[click][1]\n\n[1]: javascript:window.__xss=1",
    "<iframe src=\"javascript:window.__xss=1\"></iframe> #xsstest",
    "![click](javascript:window.__xss=1) #xsstest",
    "<details open ontoggle=window.__xss=1>x</details> #xsstest",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:window.__xss=1\"> #xsstest",
    "<form><button formaction=\"javascript:window.__xss=1\">click</button></form> #xsstest",
    "<object data=\"javascript:window.__xss=1\"></object> #xsstest",
    "<input autofocus onfocus=window.__xss=1> #xsstest",
    "@ann [click](javascript:window.__xss=1) #xsstest\"><img src=x onerror=window.__xss=1>",
    "#xsstest <a href=\"/in/ann\" onclick=\"window.__xss=1\">@ann</a>",
    "https://example.com/\"onmouseover=\"window.__xss=1\" #xsstest",
    "<body onload=window.__xss=1> #xsstest",
    "<style>*{background:url(javascript:window.__xss=1)}</style> #xsstest",
    "`<img src=x onerror=window.__xss=1>` #xsstest",
];

/// A headline and a name: plain text wherever they are shown.
const HEADLINE: &str = "\"><img src=x onerror=window.__xss=1><script>window.__xss=1</script>";
const NAME: &str = "Mallory <b onmouseover=window.__xss=1>M</b>";

/// Runs in every new document before its own scripts: dialogs only record that they were
/// called. A flag says the trap is in place.
const TRAP: &str = "(() => {
    window.__xssCalls = [];
    for (const name of ['alert', 'confirm', 'prompt', 'print']) {
        window[name] = (...args) => { window.__xssCalls.push(name + '(' + args.join(',') + ')'); };
    }
    window.__xssTrap = true;
})();";

/// Checks the page; returns the problems found (empty when clean) and the post and comment
/// ids shown. Member text is where `render` output goes: post and comment bodies. Plain-text
/// fields must read exactly as typed.
const CHECK: &str = r#"
const [headline, name] = arguments;
const bad = [];
const TAGS = {p: [], br: [], strong: [], em: [], code: [], pre: [], ul: [], ol: ['start'], li: [], blockquote: [], a: ['href', 'class', 'rel', 'target']};
const bodies = [...document.querySelectorAll('main .post-body, main .comment-body')];
for (const body of bodies) {
    const where = (body.closest('[id]') || body).id;
    for (const el of body.querySelectorAll('*')) {
        const tag = el.tagName.toLowerCase();
        // The name at the front of a profile update is ours, from the template.
        if (tag === 'strong' && el.parentElement === body && body.classList.contains('post-update') && el === body.firstElementChild) continue;
        if (!(tag in TAGS)) { bad.push(`${where}: <${tag}> in member text`); continue; }
        for (const a of el.attributes) {
            if (!TAGS[tag].includes(a.name)) bad.push(`${where}: attribute ${a.name}="${a.value}" on <${tag}>`);
        }
        if (tag === 'a') {
            if (el.hasAttribute('class') && !['mention', 'hashtag'].includes(el.className)) bad.push(`${where}: link class ${el.className}`);
            const raw = (el.getAttribute('href') || '').replace(/[\u0000-\u0020\u007f-\u00a0\ufeff]/g, '').toLowerCase();
            if (/^(javascript|data|vbscript):/.test(raw)) bad.push(`${where}: link to ${el.getAttribute('href')}`);
            if (el.hasAttribute('href')) {
                // As the browser resolves it, which is what a click would follow.
                const ok = ['http:', 'https:', 'mailto:'].includes(el.protocol)
                    && (el.origin !== location.origin || /^\/(in|hashtags)\/[^/]+$/.test(el.pathname));
                if (!ok) bad.push(`${where}: link resolves to ${el.href}`);
            }
        }
    }
}
// Our pages have no inline script at all, and no inline handler anywhere.
for (const s of document.querySelectorAll('script')) {
    if (!s.src || new URL(s.src).pathname !== '/static/app.js') bad.push('a <script> that is not app.js: ' + (s.src || s.textContent.slice(0, 80)));
}
for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) if (a.name.startsWith('on')) bad.push(`handler ${a.name} on <${el.tagName.toLowerCase()}>`);
}
// Our own icons are inline SVG from the templates: decorative, outside member text, only
// paths and circles. Any other SVG is not ours.
const ourIcon = (el) => el.matches('svg.icon[aria-hidden=true]')
    && !el.closest('.post-body, .comment-body, .member-headline, .member-name')
    && [...el.children].every(c => {
        const names = [...c.attributes].map(a => a.name).sort().join(' ');
        const tag = c.tagName.toLowerCase();
        return (tag === 'path' && names === 'd') || (tag === 'circle' && names === 'cx cy r');
    });
for (const el of document.querySelectorAll('main iframe, main object, main embed, main svg, main math, main meta, main base, main style, main link, main template, main video, main audio')) {
    if (el.tagName.toLowerCase() === 'svg' && ourIcon(el)) continue;
    bad.push(`<${el.tagName.toLowerCase()}> in the page`);
}
// Plain text stays text: the only headline here is Mallory's, and names read as typed.
for (const el of document.querySelectorAll('main .member-headline, main #profile-headline')) {
    if (el.children.length || el.textContent !== headline) bad.push(`a headline reads ${JSON.stringify(el.innerHTML)}`);
}
for (const el of document.querySelectorAll('main .member-name, main .post-update > strong:first-child')) {
    if (el.children.length || ![name, 'Ann'].includes(el.textContent.trim())) bad.push(`a name reads ${JSON.stringify(el.innerHTML)}`);
}
if (window.__xssTrap !== true) bad.push('the dialog trap is not installed');
if (window.__xss !== undefined) bad.push('a script ran: window.__xss = ' + window.__xss);
if (window.__xssCalls && window.__xssCalls.length) bad.push('a script called ' + window.__xssCalls.join(', '));
return {
    bad,
    bodies: bodies.length,
    posts: [...document.querySelectorAll('main article.post[data-post]')].map(a => a.dataset.post),
    comments: [...document.querySelectorAll('main li.comment[id^=comment-]')].map(c => c.id.slice('comment-'.length)),
};
"#;

/// What the test saw over all pages.
#[derive(Default)]
struct Seen {
    posts: BTreeSet<String>,
    comments: BTreeSet<String>,
    pages: usize,
}

#[tokio::test(flavor = "multi_thread")]
async fn no_payload_in_posts_comments_or_profiles_runs_in_chromium() {
    let app = TestApp::with_settings(|s| {
        s.limits.posts_per_hour = 10_000;
        s.limits.comments_per_hour = 10_000;
    })
    .await;
    let base = format!("http://{}", app.spawn_server().await);
    let mallory = app.member("mallory").await;
    // The reader is "ann", so the corpus's @ann mentions become links.
    let ann = app.member("ann").await;
    app.connect(&mallory, &ann).await;

    // The headline first: changing it makes a profile update in the feed, which shows it too.
    let r = app
        .patch("/api/v1/me/profile")
        .token(&mallory)
        .json(json!({ "headline": HEADLINE, "name": NAME }))
        .send()
        .await;
    r.assert_status(200);

    let payloads: Vec<&str> = guild_core::markup::XSS_CORPUS
        .iter()
        .chain(FLAGGED)
        .copied()
        .collect();
    let mut posts = Vec::new();
    for p in &payloads {
        posts.extend(post(&app, &mallory, "/api/v1/posts", p).await);
    }
    // Every payload as a comment on the first post too.
    let on = posts[0].clone();
    let mut comments = Vec::new();
    for p in &payloads {
        comments.extend(post(&app, &mallory, &format!("/api/v1/posts/{on}/comments"), p).await);
    }

    let b = Browser::desktop(&base).await;
    arm(&b).await;
    sign_in(&b, &ann).await;
    let mut seen = Seen::default();

    // The feed as it ranks (one author: a couple of posts), then newest first and scrolled to
    // its end: app.js inserts each further page into this document.
    b.goto("/?sort=relevant").await;
    check(&b, "/", &mut seen).await;
    b.goto("/?sort=recent").await;
    let mut loads = 0;
    while b.exists("#feed p.more[data-more]").await {
        loads += 1;
        if loads > 100 {
            b.fail("the feed never ends").await;
        }
        let before = b.find_all("#feed article.post").await.len();
        b.js(
            "document.querySelector('#feed p.more[data-more]').scrollIntoView(); return null;",
            vec![],
        )
        .await;
        b.wait_js(
            "the next page of the feed",
            &format!("document.querySelectorAll('#feed article.post').length > {before}"),
        )
        .await;
    }
    check(&b, "/?sort=recent (scrolled to the end)", &mut seen).await;
    if loads == 0 {
        b.fail("the feed fit on one page; scrolling loaded nothing to check")
            .await;
    }
    b.screenshot("feed-xss-1-feed").await;

    // Every page of the author's posts, and of the first post's comments.
    walk(
        &b,
        "/in/mallory/posts",
        "main a[href*='/posts?cursor=']",
        &mut seen,
    )
    .await;
    walk(
        &b,
        &format!("/posts/{on}"),
        "main a[href*='?comments=']",
        &mut seen,
    )
    .await;
    b.goto(&format!("/posts/{on}")).await;
    b.screenshot("feed-xss-2-post").await;
    for path in [
        "/in/mallory".to_string(),
        "/hashtags/xsstest".to_string(),
        "/hashtags/rust".to_string(),
        "/notifications".to_string(),
    ] {
        b.goto(&path).await;
        check(&b, &path, &mut seen).await;
    }
    b.goto("/in/mallory").await;
    let shown = b.text("#profile-headline").await;
    if shown != HEADLINE {
        b.fail(&format!("the headline reads {shown:?}, not as typed"))
            .await;
    }
    b.screenshot("feed-xss-3-profile").await;
    b.goto("/hashtags/xsstest").await;
    if b.find_all("main article.post").await.len() < 10 {
        b.fail("the hashtag page lists too few of the payload posts to check")
            .await;
    }

    // Click every link a flagged payload could have made ("click"); none may run anything.
    let mut clicked = 0;
    b.goto("/in/mallory/posts").await;
    loop {
        let links = b.find_all("main .post-body a, main .comment-body a").await;
        for a in links {
            if a.text().await.unwrap_or_default().trim() != "click" {
                continue;
            }
            clicked += 1;
            let _ = a.click().await;
            tokio::time::sleep(Duration::from_millis(100)).await;
            check(&b, "after clicking a link", &mut seen).await;
        }
        if !b.exists("main a[href*='/posts?cursor=']").await {
            break;
        }
        b.click_and_wait("main a[href*='/posts?cursor=']").await;
    }

    // Every post and comment was on some page we checked.
    let missing: Vec<_> = posts
        .iter()
        .filter(|id| !seen.posts.contains(*id))
        .collect();
    let missing_comments: Vec<_> = comments
        .iter()
        .filter(|id| !seen.comments.contains(*id))
        .collect();
    if !missing.is_empty() || !missing_comments.is_empty() {
        b.fail(&format!(
            "never shown, so never checked: posts {missing:?}, comments {missing_comments:?}"
        ))
        .await;
    }
    eprintln!(
        "feed_xss: {} payloads, {} posts and {} comments accepted, {} page views checked, {clicked} links clicked",
        payloads.len(),
        posts.len(),
        comments.len(),
        seen.pages
    );
}

/// Posts `body` to `path` as `who` and returns the new post's or comment's id. Every payload
/// is accepted, but for those with control characters, which are refused (422) as the API
/// documents: `None` for those.
async fn post(app: &TestApp, who: &TestMember, path: &str, body: &str) -> Option<String> {
    let r = app
        .post(path)
        .token(who)
        .json(json!({ "body": body }))
        .send()
        .await;
    let controls = body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t');
    if controls && r.status.as_u16() == 422 {
        return None;
    }
    assert_eq!(
        r.status.as_u16(),
        201,
        "{path} refused {body:?}: {}",
        r.text()
    );
    let v = r.json();
    let id = v["post"]["id"].as_str().or(v["comment"]["id"].as_str());
    Some(id.unwrap_or_else(|| panic!("no id in {v}")).to_string())
}

/// Opens `first` and follows `next` (an "Older"/"More comments" link) to the last page,
/// checking each.
async fn walk(b: &Browser, first: &str, next: &str, seen: &mut Seen) {
    b.goto(first).await;
    for n in 0.. {
        check(b, &format!("{first} (page {})", n + 1), seen).await;
        if !b.exists(next).await {
            return;
        }
        if n > 100 {
            b.fail(&format!("{first} never ends")).await;
        }
        b.click_and_wait(next).await;
    }
}

/// Lets the page settle (loads, image errors, focus and toggle events), then runs [`CHECK`].
async fn check(b: &Browser, what: &str, seen: &mut Seen) {
    b.wait_js(
        "the page and its images to settle",
        "document.readyState === 'complete' && [...document.images].every(i => i.complete)",
    )
    .await;
    tokio::time::sleep(Duration::from_millis(250)).await;
    // An alert a payload opened despite the trap would be in the way of every command.
    if let Ok(text) = b.client.get_alert_text().await {
        b.fail(&format!("{what}: a dialog is open: {text:?}")).await;
    }
    let r = b.js(CHECK, vec![HEADLINE.into(), NAME.into()]).await;
    let bad: Vec<String> = serde_json::from_value(r["bad"].clone()).unwrap_or_default();
    if !bad.is_empty() {
        b.fail(&format!("{what}:\n  {}", bad.join("\n  "))).await;
    }
    if r["bodies"].as_u64().unwrap_or(0) == 0 && !what.starts_with("/notifications") {
        b.fail(&format!("{what} shows no member text to check"))
            .await;
    }
    let ids = |k: &str| -> Vec<String> { serde_json::from_value(r[k].clone()).unwrap_or_default() };
    seen.posts.extend(ids("posts"));
    seen.comments.extend(ids("comments"));
    seen.pages += 1;
}

/// Has this browser ignore the pages' Content-Security-Policy and install [`TRAP`] in every
/// new document, through ChromeDriver's DevTools bridge; then checks on a page of ours that an
/// inline script now runs and the trap is there.
async fn arm(b: &Browser) {
    let session = b
        .client
        .session_id()
        .await
        .ok()
        .flatten()
        .expect("a session id");
    cdp(&session, "Page.setBypassCSP", json!({ "enabled": true })).await;
    cdp(
        &session,
        "Page.addScriptToEvaluateOnNewDocument",
        json!({ "source": TRAP }),
    )
    .await;
    b.goto("/signin").await;
    let canary = b
        .js(
            "const s = document.createElement('script');
             s.textContent = 'window.__canary = 1';
             document.head.append(s);
             return [window.__canary === 1, window.__xssTrap === true];",
            vec![],
        )
        .await;
    assert_eq!(
        canary,
        json!([true, true]),
        "[inline script ran, dialog trap installed]: without both, this test would prove little"
    );
}

/// `POST /session/{id}/goog/cdp/execute` on the shared chromedriver (fantoccini has no call
/// for it): one DevTools command on the session's page.
async fn cdp(session: &str, cmd: &str, params: Value) {
    let port = Driver::shared().port();
    let body = json!({ "cmd": cmd, "params": params }).to_string();
    let path = format!("/session/{session}/goog/cdp/execute");
    let (status, reply) = tokio::task::spawn_blocking(move || -> std::io::Result<(u16, String)> {
        let mut s = std::net::TcpStream::connect(("127.0.0.1", port))?;
        s.set_read_timeout(Some(Duration::from_secs(15)))?;
        write!(
            s,
            "POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )?;
        let mut buf = Vec::new();
        let mut chunk = [0u8; 4096];
        loop {
            let n = s.read(&mut chunk)?;
            if n == 0 {
                break;
            }
            buf.extend_from_slice(&chunk[..n]);
            let text = String::from_utf8_lossy(&buf);
            if let Some(end) = text.find("\r\n\r\n") {
                let len = text[..end]
                    .to_ascii_lowercase()
                    .lines()
                    .find_map(|l| {
                        l.strip_prefix("content-length:")
                            .map(|v| v.trim().parse::<usize>())
                    })
                    .and_then(Result::ok);
                if len.is_some_and(|len| buf.len() >= end + 4 + len) {
                    break;
                }
            }
        }
        let text = String::from_utf8_lossy(&buf).into_owned();
        let status = text
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        Ok((status, text))
    })
    .await
    .expect("the DevTools request's thread")
    .unwrap_or_else(|e| panic!("{cmd}: could not reach chromedriver: {e}"));
    assert_eq!(status, 200, "{cmd} failed: {reply}");
}
