//! `/healthz`, `/readyz` and `/metrics`: readiness follows the indexes, the database and the
//! change stream's hook, metrics open only to allowed addresses or the token (others see the
//! ordinary "not found" page), requests are counted by route template, live streams and
//! emails are counted. `ops_promtool.rs` checks the output with `promtool`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use guild_core::Guild;
use guild_web::mail::LettreMailer;
use tower::ServiceExt;

use guild_core::ops::Unready;
use guild_core::outbox::Job;
use guild_testkit::TestApp;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::api_notifications::{open_events, read_until};
use crate::api_posts::{id, new_post};

const TOKEN: &str = "operator-token-for-tests";

async fn app_with_token() -> TestApp {
    TestApp::with_settings(|s| s.metrics.token = Some(TOKEN.into())).await
}

/// `/metrics` through the router, with the operator's token.
async fn scrape(app: &TestApp) -> String {
    let r = app.get("/metrics").bearer(TOKEN).send().await;
    r.assert_status(200);
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    r.text()
}

/// The value of the sample written exactly as `series` (name and labels), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .filter_map(|l| l.strip_prefix(series))
        .find_map(|rest| rest.strip_prefix(' '))
        .and_then(|v| v.trim().parse().ok())
}

#[tokio::test]
async fn healthz_answers_without_the_database() {
    let app = TestApp::new().await;
    let r = app.get("/healthz").send().await;
    r.assert_status(200);
    assert_eq!(r.text(), "ok\n");
    app.store.close().await;
    app.get("/healthz").send().await.assert_status(200);
}

#[tokio::test]
async fn readyz_follows_the_database_and_the_change_stream() {
    let app = app_with_token().await;
    // Nothing has read the change stream yet (a test app runs no follower): not ready, and
    // it says why.
    let r = app.get("/readyz").send().await;
    r.assert_status(503);
    assert_eq!(r.text(), "not ready: catching up with the change stream\n");
    let m = scrape(&app).await;
    assert_eq!(
        sample(&m, "guild_change_stream_caught_up"),
        Some(0.0),
        "{m}"
    );
    // Read to the end: ready.
    app.guild.catch_up().await.unwrap();
    let r = app.get("/readyz").send().await;
    r.assert_status(200);
    assert_eq!(r.text(), "ready\n");
    let m = scrape(&app).await;
    assert_eq!(
        sample(&m, "guild_change_stream_caught_up"),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        sample(&m, "guild_change_stream_lag_seconds"),
        Some(0.0),
        "{m}"
    );
    assert!(m.contains("guild_change_stream_changes_read_total "), "{m}");

    // The database goes away: 503 quickly, naming it.
    app.store.close().await;
    let start = Instant::now();
    let r = app.get("/readyz").send().await;
    r.assert_status(503);
    assert_eq!(r.text(), "not ready: database unreachable\n");
    assert!(
        start.elapsed() < Duration::from_secs(5),
        "{:?}",
        start.elapsed()
    );
    // Metrics still answer, leaving out what only the database knows.
    let m = scrape(&app).await;
    assert!(m.contains("guild_build_info{"), "{m}");
    assert!(!m.contains("guild_outbox_jobs_pending"), "{m}");
}

/// A Guild over `app`'s database, made but not loaded yet: a server reading the graph and posts.
fn unloaded(app: &TestApp) -> Guild {
    let mailer = LettreMailer::outbox(app.outbox_dir(), "g@guild.test").unwrap();
    Guild::new(
        Arc::new(app.store.clone()),
        Arc::new(mailer),
        Arc::new(guild_store::DiskMedia::new(app.dir.path().join("media"))),
        app.guild.settings.clone(),
    )
}

/// `/readyz` of a router over `guild`: status and body.
async fn readyz_of(guild: Guild) -> (u16, String) {
    let router = guild_web::router(guild_web::AppState(Arc::new(guild)));
    let req = Request::get("/readyz").body(Body::empty()).unwrap();
    let resp = router.oneshot(req).await.unwrap();
    let status = resp.status().as_u16();
    let body = axum::body::to_bytes(resp.into_body(), 1024).await.unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

#[tokio::test]
async fn readyz_waits_for_the_indexes() {
    let app = TestApp::new().await;
    let (status, body) = readyz_of(unloaded(&app)).await;
    let why = "not ready: loading indexes; catching up with the change stream\n";
    assert_eq!((status, body.as_str()), (503, why));

    let mut guild = unloaded(&app);
    guild.catch_up().await.unwrap();
    assert_eq!(guild.readiness().await.unready, [Unready::LoadingIndexes]);
    guild.load_network().await.unwrap();
    let unready = guild.readiness().await.unready;
    assert_eq!(unready, [Unready::LoadingIndexes], "the feed index too");
    guild.load_feed().await.unwrap();
    assert_eq!(readyz_of(guild).await, (200, "ready\n".to_string()));
}

#[tokio::test]
async fn metrics_open_only_to_allowed_addresses_or_the_token() {
    let app = app_with_token().await;
    let nothing = app.get("/no-such-page").send().await;
    nothing.assert_status(404);
    // Through the router there is no socket, so no client address: refused, and the
    // refusal is the page any unknown address gets, so it does not tell /metrics exists.
    for bearer in [None, Some("wrong"), Some(""), Some(&TOKEN[1..])] {
        let mut req = app.get("/metrics");
        if let Some(b) = bearer {
            req = req.bearer(b);
        }
        let r = req.send().await;
        r.assert_status(404);
        assert_eq!(r.text(), nothing.text(), "{bearer:?}");
    }
    assert!(scrape(&app)
        .await
        .contains("# TYPE guild_http_requests_total counter"));

    // X-Forwarded-For is believed only behind a proxy.
    let r = app
        .get("/metrics")
        .header("x-forwarded-for", "127.0.0.1")
        .send()
        .await;
    r.assert_status(404);
    let proxied = TestApp::with_settings(|s| s.behind_proxy = true).await;
    let from = |ip: &'static str| proxied.get("/metrics").header("x-forwarded-for", ip);
    from("127.0.0.1").send().await.assert_status(200);
    from("::1").send().await.assert_status(200);
    from("203.0.113.5").send().await.assert_status(404);
    from("203.0.113.5, 127.0.0.1")
        .send()
        .await
        .assert_status(404);
    let networks = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.metrics.allow = vec!["10.0.0.0/8".into()];
    })
    .await;
    let from = |ip: &'static str| networks.get("/metrics").header("x-forwarded-for", ip);
    from("10.9.8.7").send().await.assert_status(200);
    from("127.0.0.1").send().await.assert_status(404);
}

#[tokio::test]
async fn requests_are_counted_by_route_template_never_by_raw_path() {
    let app = app_with_token().await;
    let ann = app.member("ann").await;
    let p = id(&new_post(&app, &ann, "Counting", "anyone").await);
    for _ in 0..2 {
        let path = format!("/api/v1/posts/{p}");
        app.get(&path).token(&ann).send().await.assert_status(200);
    }
    app.get("/api/v1/posts/987654321")
        .token(&ann)
        .send()
        .await
        .assert_status(404);
    app.get("/in/ann")
        .session(&ann)
        .send()
        .await
        .assert_status(200);
    app.get("/zz-raw-path-42").send().await.assert_status(404);

    let m = scrape(&app).await;
    let count = |labels: &str| sample(&m, &format!("guild_http_requests_total{{{labels}}}"));
    assert_eq!(
        count(r#"route="/api/v1/posts/{id}",method="GET",status="200""#),
        Some(2.0),
        "{m}"
    );
    assert_eq!(
        count(r#"route="/api/v1/posts/{id}",method="GET",status="404""#),
        Some(1.0)
    );
    assert_eq!(
        count(r#"route="/api/v1/posts",method="POST",status="201""#),
        Some(1.0)
    );
    assert_eq!(
        count(r#"route="/in/{handle}",method="GET",status="200""#),
        Some(1.0)
    );
    assert_eq!(
        count(r#"route="unmatched",method="GET",status="404""#),
        Some(1.0)
    );
    // The latency histogram: one series per route and method, statuses together.
    let bucket =
        r#"guild_http_request_duration_seconds_count{route="/api/v1/posts/{id}",method="GET"}"#;
    assert_eq!(sample(&m, bucket), Some(3.0), "{m}");
    assert!(m.contains(r#"guild_http_request_duration_seconds_bucket{route="/api/v1/posts/{id}",method="GET",le="+Inf"} 3"#));
    for raw in [
        format!("/api/v1/posts/{p}"),
        "/zz-raw-path-42".into(),
        "posts/987654321".into(),
        "/in/ann".into(),
    ] {
        assert!(!m.contains(&raw), "raw path {raw} in the metrics:\n{m}");
    }
    // Statements were timed, and the indexes' sizes are shown.
    assert!(
        sample(
            &m,
            r#"guild_db_query_duration_seconds_count{backend="sqlite"}"#
        )
        .or_else(|| sample(
            &m,
            r#"guild_db_query_duration_seconds_count{backend="postgres"}"#
        ))
        .is_some_and(|n| n > 0.0),
        "{m}"
    );
    assert_eq!(sample(&m, "guild_feed_index_posts"), Some(1.0));
    assert_eq!(sample(&m, "guild_graph_connections"), Some(0.0));
    // The pool's size: on SQLite the eight readers and the one writer together.
    let (backend, max) = match app.backend() {
        "postgres" => ("postgres", 16.0),
        _ => ("sqlite", 9.0),
    };
    assert_eq!(
        sample(
            &m,
            &format!(r#"guild_db_pool_connections_max{{backend="{backend}"}}"#)
        ),
        Some(max),
        "{m}"
    );
}

#[tokio::test]
async fn live_streams_are_counted_while_open() {
    let app = app_with_token().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    assert_eq!(
        sample(&scrape(&app).await, "guild_live_streams_open"),
        Some(0.0)
    );
    let addr = app.spawn_server().await;
    let mut streams = Vec::new();
    for who in [&ann, &bob] {
        let mut s = open_events(addr, who, None).await;
        read_until(&mut s, &mut String::new(), "event: counts").await;
        streams.push(s);
    }
    let m = scrape(&app).await;
    assert_eq!(sample(&m, "guild_live_streams_open"), Some(2.0), "{m}");
    assert_eq!(sample(&m, "guild_live_streams_opened_total"), Some(2.0));

    // The server notices a closed stream when it next writes to it: push to both.
    drop(streams);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        new_post(&app, &ann, "Hi @bob", "anyone").await;
        new_post(&app, &bob, "Hi @ann", "anyone").await;
        let open = sample(&scrape(&app).await, "guild_live_streams_open");
        if open == Some(0.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "streams still counted open: {open:?}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn emails_and_job_failures_are_counted() {
    let mail = |to: &str| Job::Mail {
        to: to.into(),
        subject: "Hello".into(),
        body: "Hello".into(),
        html: None,
        unsubscribe: None,
    };
    let app = app_with_token().await;
    app.guild.enqueue(&mail("a@example.com")).await.unwrap();
    let m = scrape(&app).await;
    assert_eq!(
        sample(&m, r#"guild_outbox_jobs_pending{kind="mail"}"#),
        Some(1.0),
        "{m}"
    );
    assert_eq!(
        sample(&m, r#"guild_outbox_jobs_due{kind="mail"}"#),
        Some(1.0)
    );
    assert_eq!(app.emails().await.len(), 1);
    let m = scrape(&app).await;
    assert_eq!(sample(&m, "guild_emails_sent_total"), Some(1.0), "{m}");
    assert_eq!(sample(&m, "guild_emails_failed_total"), Some(0.0));
    let pending = sample(&m, r#"guild_outbox_jobs_pending{kind="mail"}"#);
    assert_eq!(pending, Some(0.0), "done jobs are not pending: {m}");
    assert_eq!(
        sample(&m, r#"guild_outbox_jobs_pending{kind="signup"}"#),
        Some(0.0)
    );

    let down = TestApp::with_mail_down().await;
    down.guild.enqueue(&mail("b@example.com")).await.unwrap();
    down.guild.run_outbox(guild_core::now_ms()).await.unwrap();
    let addr = down.spawn_server().await;
    let m = http_get(addr, "/metrics").await;
    assert_eq!(sample(&m, "guild_emails_failed_total"), Some(1.0), "{m}");
    assert_eq!(sample(&m, "guild_outbox_job_failures_total"), Some(1.0));
    assert_eq!(
        sample(&m, r#"guild_outbox_jobs_retrying{kind="mail"}"#),
        Some(1.0)
    );
    assert_eq!(
        sample(&m, r#"guild_outbox_jobs_due{kind="mail"}"#),
        Some(0.0),
        "retried later"
    );
}

/// The body of `GET path` over a real socket from 127.0.0.1 (the default allowed address).
pub(crate) async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut raw = String::new();
    s.read_to_string(&mut raw).await.unwrap();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    body.to_string()
}
