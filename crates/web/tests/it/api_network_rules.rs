//! The limits on invitations, as a client meets them: the weekly quota, the cool-downs after a
//! withdrawal or an ignored invitation, the email address asked after too many "I don't know"
//! answers or by the invitee's own choice, and the connection cap. Each refusal says when it
//! lifts. Time is never faked here; `rules` unit tests in core cover the Monday reset.

use chrono::{DateTime, Datelike, Duration, Utc};
use guild_testkit::{Resp, TestApp};
use serde_json::json;

use crate::api_network::{act, get_json, invite, invite_id, list};

fn retry_after(r: &Resp) -> DateTime<Utc> {
    let raw = r.json()["error"]["retry_after"]
        .as_str()
        .unwrap_or_else(|| panic!("no retry_after: {}", r.text()))
        .to_string();
    DateTime::parse_from_rfc3339(&raw)
        .unwrap()
        .with_timezone(&Utc)
}

/// The `Retry-After` header, in seconds.
fn retry_after_secs(r: &Resp) -> i64 {
    r.header("retry-after")
        .unwrap_or_else(|| panic!("no Retry-After header: {:?}", r.headers))
        .parse()
        .unwrap()
}

/// `t` lies in `[from, to]`, give or take a minute.
#[track_caller]
fn assert_between(t: DateTime<Utc>, from: DateTime<Utc>, to: DateTime<Utc>) {
    let slack = Duration::minutes(1);
    assert!(
        t >= from - slack && t <= to + slack,
        "{t} not within {from} … {to}"
    );
}

fn next_monday(t: DateTime<Utc>) -> DateTime<Utc> {
    let d = t.date_naive();
    let days = 7 - i64::from(d.weekday().num_days_from_monday());
    (d + Duration::days(days))
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
}

#[tokio::test]
async fn the_weekly_quota_stops_the_next_invitation_until_monday() {
    let app = TestApp::with_settings(|s| s.limits.invitations_per_week = 2).await;
    let (ann, bob, cyd, dan) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
        app.member("dan").await,
    );
    let before = Utc::now();
    let q = get_json(&app, &ann, "/api/v1/invitations/summary").await["quota"].clone();
    assert_eq!(q["label"], "2 of 2 left this week, resets Monday");
    invite_id(&app, &ann, &bob).await;
    invite_id(&app, &ann, &cyd).await;
    let q = get_json(&app, &ann, "/api/v1/invitations/summary").await["quota"].clone();
    assert_eq!((q["used"].as_u64(), q["left"].as_u64()), (Some(2), Some(0)));
    assert_eq!(q["label"], "0 of 2 left this week, resets Monday");
    let r = invite(&app, &ann, &dan).await;
    let after = Utc::now();
    r.assert_status(429);
    assert_eq!(r.error_code(), "invitation_quota_exceeded");
    let monday = retry_after(&r);
    assert!(
        monday == next_monday(before) || monday == next_monday(after),
        "{monday}"
    );
    assert_eq!(monday.weekday(), chrono::Weekday::Mon);
    assert_eq!(
        q["resets_at"],
        monday.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    );
    let secs = retry_after_secs(&r);
    assert!(
        (secs - (monday - after).num_seconds()).abs() <= 60,
        "Retry-After {secs}"
    );
    assert!(
        list(&app, &dan, "/api/v1/invitations").await.is_empty(),
        "nothing sent"
    );
    // Answering someone who invited you is not sending: the quota does not stop it.
    invite_id(&app, &dan, &ann).await;
    invite(&app, &ann, &dan).await.assert_status(200);
}

#[tokio::test]
async fn a_withdrawn_invitation_waits_three_weeks() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    let id = invite_id(&app, &ann, &bob).await;
    let before = Utc::now();
    act(&app, &ann, &id, "withdraw").await.assert_status(200);
    let after = Utc::now();
    assert!(list(&app, &bob, "/api/v1/invitations").await.is_empty());
    let r = invite(&app, &ann, &bob).await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "invitation_cooldown");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("Bob"));
    assert_between(
        retry_after(&r),
        before + Duration::days(21),
        after + Duration::days(21),
    );
    assert!((retry_after_secs(&r) - 21 * 86_400).abs() <= 60);
    // Only that pair: bob may invite ann.
    invite(&app, &bob, &ann).await.assert_status(201);
}

#[tokio::test]
async fn an_ignored_invitation_holds_the_sender_off_for_six_months() {
    let app = TestApp::new().await;
    let (ann, bob) = (app.member("ann").await, app.member("bob").await);
    let id = invite_id(&app, &ann, &bob).await;
    let before = Utc::now();
    act(&app, &bob, &id, "ignore").await.assert_status(200);
    let after = Utc::now();
    act(&app, &ann, &id, "withdraw").await.assert_status(200);
    let r = invite(&app, &ann, &bob).await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "invitation_cooldown");
    assert_between(
        retry_after(&r),
        before + Duration::days(182),
        after + Duration::days(182),
    );
    assert!(r.header("retry-after").is_some());
}

#[tokio::test]
async fn too_many_dont_knows_and_the_sender_must_give_the_email_address() {
    let app = TestApp::with_settings(|s| s.limits.dont_know_threshold = 2).await;
    let ann = app.member("ann").await;
    let (bob, cyd, dan, eve) = (
        app.member("bob").await,
        app.member("cyd").await,
        app.member("dan").await,
        app.member("eve").await,
    );
    let id = invite_id(&app, &ann, &bob).await;
    act(&app, &bob, &id, "dont-know").await.assert_status(200);
    // One answer is below the threshold: cyd needs no email address. Then a spam report,
    // which counts as "I don't know", reaches it.
    let id = invite_id(&app, &ann, &cyd).await;
    act(&app, &cyd, &id, "spam").await.assert_status(200);
    for body in [
        json!({"to": "dan"}),
        json!({"to": "dan", "email": ""}),
        json!({"to": "dan", "email": "eve@example.com"}),
        json!({"to": "dan", "email": "not an address"}),
    ] {
        let r = app
            .post("/api/v1/invitations")
            .token(&ann)
            .json(body.clone())
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"]["email"].is_string(),
            "{body}: {}",
            r.text()
        );
    }
    assert!(list(&app, &dan, "/api/v1/invitations").await.is_empty());
    app.post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "dan", "email": "dan@example.com"}))
        .send()
        .await
        .assert_status(201);
    app.post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "eve", "email": " Eve@Example.com "}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(list(&app, &dan, "/api/v1/invitations").await, ["ann"]);
    // Other senders are not affected.
    invite_id(&app, &bob, &eve).await;
}

#[tokio::test]
async fn members_may_ask_for_their_email_address() {
    let app = TestApp::new().await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    let r = app
        .put("/api/v1/me/invite-policy")
        .token(&bob)
        .json(json!({"invite_policy": "email"}))
        .send()
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["invite_policy"], "email");
    for body in [
        json!({"to": "bob"}),
        json!({"to": "bob", "email": "ann@example.com"}),
    ] {
        let r = app
            .post("/api/v1/invitations")
            .token(&ann)
            .json(body)
            .send()
            .await;
        r.assert_status(422);
        assert!(
            r.json()["error"]["fields"]["email"].is_string(),
            "{}",
            r.text()
        );
    }
    app.post("/api/v1/invitations")
        .token(&ann)
        .json(json!({"to": "bob", "email": "bob@example.com"}))
        .send()
        .await
        .assert_status(201);
    let r = app
        .put("/api/v1/me/invite-policy")
        .token(&bob)
        .json(json!({"invite_policy": "friends"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["invite_policy"].is_string());
    app.put("/api/v1/me/invite-policy")
        .token(&bob)
        .json(json!({"invite_policy": "email", "x": 1}))
        .send()
        .await
        .assert_status(400);
    invite(&app, &cyd, &bob).await.assert_status(422);
    app.put("/api/v1/me/invite-policy")
        .token(&bob)
        .json(json!({"invite_policy": "everyone"}))
        .send()
        .await
        .assert_status(200);
    invite(&app, &cyd, &bob).await.assert_status(201);
}

#[tokio::test]
async fn the_connection_cap_refuses_one_more() {
    let app = TestApp::with_settings(|s| s.limits.max_connections = 2).await;
    let (ann, bob, cyd, dan, eve) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
        app.member("dan").await,
        app.member("eve").await,
    );
    let waiting = invite_id(&app, &eve, &ann).await;
    app.connect(&ann, &bob).await;
    app.connect(&cyd, &ann).await;
    let refused = |r: Resp| {
        r.assert_status(409);
        assert_eq!(r.error_code(), "connection_limit_reached");
    };
    refused(invite(&app, &ann, &dan).await);
    refused(invite(&app, &dan, &ann).await);
    refused(act(&app, &ann, &waiting, "accept").await);
    refused(invite(&app, &ann, &eve).await);
    assert_eq!(
        list(&app, &ann, "/api/v1/invitations").await,
        ["eve"],
        "still waiting"
    );
    assert_eq!(
        get_json(&app, &ann, "/api/v1/network/stats").await["first"],
        2
    );
    app.delete("/api/v1/connections/bob")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    act(&app, &ann, &waiting, "accept").await.assert_status(200);
    assert_eq!(
        list(&app, &ann, "/api/v1/connections?sort=name").await,
        ["cyd", "eve"]
    );
}

#[tokio::test]
async fn invitations_sent_before_monday_do_not_count_against_this_week() {
    use guild_core::network::store::InvitationStore;
    let app = TestApp::with_settings(|s| s.limits.invitations_per_week = 1).await;
    let (ann, bob, cyd) = (
        app.member("ann").await,
        app.member("bob").await,
        app.member("cyd").await,
    );
    // An invitation from last week (written with its real time, eight days ago)…
    let last_week = (Utc::now() - Duration::days(8)).timestamp_millis();
    app.store
        .create_invitation(ann.id, bob.id, None, last_week)
        .await
        .unwrap();
    // …leaves this week's quota whole: the count starts again each Monday.
    let q = get_json(&app, &ann, "/api/v1/invitations/summary").await["quota"].clone();
    assert_eq!(q["used"], 0);
    assert_eq!(q["label"], "1 of 1 left this week, resets Monday");
    invite_id(&app, &ann, &cyd).await;
    let q = get_json(&app, &ann, "/api/v1/invitations/summary").await["quota"].clone();
    assert_eq!(q["left"], 0);
}
