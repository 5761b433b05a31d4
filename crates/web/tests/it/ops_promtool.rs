//! `promtool check metrics` (Debian's `prometheus` package, installed by scripts/test.sh)
//! reads `/metrics` after traffic of every kind and has nothing to say about it: the format,
//! the names (counters end in `_total`, units in base units) and the help texts.

use guild_core::outbox::Job;
use guild_testkit::{TestApp, TestMember};
use tokio::io::AsyncWriteExt;

use crate::api_notifications::{open_events, read_until};
use crate::api_posts::{id, new_post};
use crate::ops::http_get;

/// Some of everything, so every family has samples to check.
async fn traffic(app: &TestApp, ann: &TestMember) {
    let p = id(&new_post(app, ann, "Checked by promtool", "anyone").await);
    app.get(&format!("/api/v1/posts/{p}"))
        .token(ann)
        .send()
        .await
        .assert_status(200);
    app.get("/nope").send().await.assert_status(404);
    app.guild.catch_up().await.unwrap();
    app.get("/readyz").send().await.assert_status(200);
    let job = Job::PasswordReset {
        email: "nobody@example.com".into(),
    };
    app.guild.enqueue(&job).await.unwrap();
}

#[tokio::test]
async fn promtool_accepts_the_metrics() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    traffic(&app, &ann).await;
    // From 127.0.0.1 over a real socket: allowed by the default `[metrics] allow`.
    let addr = app.spawn_server().await;
    let mut s = open_events(addr, &ann, None).await;
    read_until(&mut s, &mut String::new(), "event: counts").await;
    let text = http_get(addr, "/metrics").await;
    for family in [
        "guild_http_request_duration_seconds_bucket",
        "guild_db_query_duration_seconds_bucket",
        "guild_outbox_jobs_pending{kind=\"password_reset\"} 1",
        "guild_live_streams_open 1",
        "guild_uptime_seconds",
        "guild_process_resident_memory_bytes",
        "guild_change_stream_lag_seconds",
        "guild_change_stream_changes_read_total",
    ] {
        assert!(text.contains(family), "{family} missing:\n{text}");
    }

    let mut child = match tokio::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
    {
        Ok(c) => c,
        Err(e) => panic!(
            "promtool could not be run ({e}): it comes with Debian's `prometheus` package, \
             which scripts/test.sh installs; run scripts/test.sh once (or \
             apt-get install --no-install-recommends prometheus)"
        ),
    };
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(text.as_bytes()).await.unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    let said = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "promtool check metrics failed:\n{said}\n{text}"
    );
    assert_eq!(said.trim(), "", "promtool has remarks:\n{said}");
}
