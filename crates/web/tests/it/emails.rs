//! Emails as members receive them: every kind in two parts (plain text and HTML in the
//! product's look), member text escaped in the HTML, and the unsubscribe link of each kind
//! that works signed out, for its member and kind only.

use guild_core::feed::model::Digest;
use guild_core::messaging::model::NewAway;
use guild_core::messaging::store::MessageStore;
use guild_core::profiles::ProfileInput;
use guild_testkit::{Email, TestApp, TestMember};
use serde_json::json;

use crate::api_posts::{id, new_post};

const EVE: &str = "<b>Eve</b> & Co";

/// An app that sends every kind quickly: message emails at once, a guard after two misses.
async fn app() -> TestApp {
    TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.message_email_after_minutes = 0;
        s.limits.sign_ins_per_account_per_hour = 2;
    })
    .await
}

/// A member whose name is markup, connected to Ann.
async fn eve(app: &TestApp, ann: &TestMember) -> TestMember {
    let eve = app.member("eve").await;
    let input = ProfileInput {
        name: Some(EVE.into()),
        ..ProfileInput::default()
    };
    app.guild
        .update_profile(&app.viewer(&eve), input)
        .await
        .unwrap();
    app.connect(ann, &eve).await;
    eve
}

/// Unread messages, a comment for the digest, and an away period that just ended: the
/// three kinds a member can turn off, each sent once to `to`.
async fn send_optional_kinds(app: &TestApp, to: &TestMember, from: &TestMember) {
    app.post("/api/v1/conversations")
        .token(from)
        .json(json!({"to": [to.handle], "body": "Are you there?"}))
        .send()
        .await
        .assert_status(201);
    assert_eq!(app.guild.send_message_emails().await.unwrap(), 1);

    let post = new_post(app, to, "Hello world", "anyone").await;
    app.post(&format!("/api/v1/posts/{}/comments", id(&post)))
        .token(from)
        .json(json!({"body": "Nice"}))
        .send()
        .await
        .assert_status(201);
    let later = guild_core::now_ms() + 8 * 86_400_000;
    // (The other member may have one too: the connection was news.)
    assert!(app.guild.send_due_digests(later).await.unwrap() >= 1);

    let now = guild_core::now_ms();
    app.store
        .set_away(&NewAway {
            member_id: to.id,
            starts_at: now - 120_000,
            ends_at: now - 1_000,
            message: "Away".into(),
            message_for_others: None,
            contact_id: None,
            created_at: now - 120_000,
        })
        .await
        .unwrap();
    assert_eq!(app.guild.send_away_summaries().await.unwrap(), 1);
}

fn find<'a>(mails: &'a [Email], to: &str, subject: &str) -> &'a Email {
    mails
        .iter()
        .rev()
        .find(|e| e.to.contains(to) && e.subject.contains(subject))
        .unwrap_or_else(|| {
            let sent: Vec<_> = mails.iter().map(|e| (&e.to, &e.subject)).collect();
            panic!("no email {subject:?} to {to} in {sent:?}")
        })
}

#[tokio::test]
async fn every_email_has_a_text_and_an_html_part_and_escapes_member_text() {
    let app = app().await;
    let ann = app.member("ann").await;
    let eve = eve(&app, &ann).await;

    // Sign-up: a new address, and one that has an account.
    for email in ["new@example.com", eve.email.as_str()] {
        app.post("/api/v1/auth/signup")
            .json(json!({"name": EVE, "email": email, "password": "a long enough password"}))
            .send()
            .await
            .assert_status(201);
    }
    app.guild
        .request_password_reset(&eve.email, "127.0.0.1")
        .await
        .unwrap();
    // Three wrong passwords guard the account (its owner is told); the right one then
    // asks for a code by email.
    for i in 0..3 {
        app.post("/signin")
            .header("x-forwarded-for", &format!("198.51.100.{i}"))
            .form(&[("email", eve.email.as_str()), ("password", "not the one")])
            .send()
            .await
            .assert_status(401);
    }
    app.post("/signin")
        .header("x-forwarded-for", "198.51.100.9")
        .form(&[("email", eve.email.as_str()), ("password", &eve.password)])
        .send()
        .await;
    send_optional_kinds(&app, &eve, &ann).await;
    // The outbox runs the queued jobs while the address is still Eve's.
    app.emails().await;
    app.post("/settings/email")
        .session(&eve)
        .form(&[("email", "eve@new.example"), ("password", &eve.password)])
        .send()
        .await;

    let mails = app.emails().await;
    let kinds = [
        ("new@example.com", "Confirm your email"),
        ("eve@example.com", "Someone tried to sign up"),
        ("eve@example.com", "Reset your Guild password"),
        ("eve@example.com", "trying to guess your Guild password"),
        ("eve@example.com", "sign-in code"),
        ("eve@example.com", "unread message"),
        ("eve@example.com", "new notification"),
        ("eve@example.com", "While you were away"),
        ("eve@example.com", "email address was changed"),
    ];
    for (to, subject) in kinds {
        let mail = find(&mails, to, subject);
        let html = mail
            .html
            .as_deref()
            .unwrap_or_else(|| panic!("{subject}: no HTML part"));
        assert!(
            mail.body.trim_end().ends_with("Guild"),
            "{subject}: {}",
            mail.body
        );
        assert!(
            html.contains("<meta name=\"color-scheme\" content=\"light dark\">"),
            "{subject}"
        );
        assert!(html.contains("prefers-color-scheme: dark"), "{subject}");
        assert!(html.contains("class=\"button\""), "{subject}: no button");
        assert!(!html.contains("<b>Eve"), "{subject}: member text as markup");
    }
    // Only the kinds a member can turn off carry an unsubscribe link.
    assert!(find(&mails, "eve@", "Reset your Guild password")
        .list_unsubscribe
        .is_none());
    assert!(find(&mails, "eve@", "While you were away")
        .list_unsubscribe
        .is_some());
    // The name as typed: plain in the text, escaped in the HTML.
    for subject in [
        "Confirm your email",
        "unread message",
        "new notification",
        "While you were away",
    ] {
        let mail = find(
            &mails,
            if subject == "Confirm your email" {
                "new@example.com"
            } else {
                "eve@example.com"
            },
            subject,
        );
        assert!(
            mail.body.contains(&format!("Hello {EVE},")),
            "{subject}: {}",
            mail.body
        );
        let html = mail.html.as_deref().unwrap_or_default();
        assert!(
            html.contains("Hello &lt;b&gt;Eve&lt;/b&gt; &amp; Co,"),
            "{subject}: {html}"
        );
    }
    // A sample for people to look at.
    let digest = find(&mails, "eve@example.com", "new notification");
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("email-digest.html"),
        digest.html.as_deref().unwrap_or_default(),
    )
    .unwrap();
}

/// The unsubscribe address of `mail` as a path, checking the one-click headers too.
fn unsubscribe_path(mail: &Email) -> String {
    assert!(mail.one_click, "{}: no one-click header", mail.subject);
    let url = mail
        .list_unsubscribe
        .clone()
        .expect("a List-Unsubscribe header");
    let path = &url[url.find("/unsubscribe").expect("our address")..];
    assert!(mail.body.contains(&url), "the text part has the link too");
    path.to_string()
}

#[tokio::test]
async fn each_kind_unsubscribes_signed_out_and_only_that_member_and_kind() {
    let app = app().await;
    let ann = app.member("ann").await;
    let eve = eve(&app, &ann).await;
    // Ann gets the same kinds, and must keep them.
    app.guild
        .set_digest(&app.viewer(&ann), "daily")
        .await
        .unwrap();
    send_optional_kinds(&app, &eve, &ann).await;
    let mails = app.emails().await;
    let messages = unsubscribe_path(find(&mails, "eve@", "unread message"));
    let digest = unsubscribe_path(find(&mails, "eve@", "new notification"));
    let away = unsubscribe_path(find(&mails, "eve@", "While you were away"));

    // GET says what will stop and changes nothing.
    let page = app.get(&digest).send().await;
    page.assert_status(200);
    let html = page.text();
    assert!(
        html.contains(
            "Stop the email digest of your notifications for &#60;b&#62;Eve&#60;/b&#62; &#38; Co?"
        ),
        "{html}"
    );
    assert!(html.contains("id=\"unsubscribe-submit\""));
    let eve_v = app.viewer(&eve);
    assert_ne!(app.guild.digest(&eve_v).await.unwrap(), Digest::Off);

    // A tampered link: refused with a clear page, nothing changed.
    for bad in [
        digest.replace(".digest.", ".messages."),
        digest.replace(&format!("t={}.", eve.id), &format!("t={}.", ann.id)),
        format!("{digest}x"),
        "/unsubscribe?t=nonsense".to_string(),
        "/unsubscribe".to_string(),
    ] {
        let r = app.post(&bad).send().await;
        r.assert_status(400);
        assert!(
            r.text().contains("This unsubscribe link is not valid"),
            "{bad}"
        );
        assert!(!r.text().contains("unsubscribe-submit"));
    }
    assert_ne!(app.guild.digest(&eve_v).await.unwrap(), Digest::Off);
    assert_eq!(
        app.guild
            .message_settings(&eve_v)
            .await
            .unwrap()
            .email_after_minutes,
        60
    );

    // One click (the mail client's POST, no cookie) turns off the digest only.
    let r = app
        .post(&digest)
        .raw_body(
            "application/x-www-form-urlencoded",
            "List-Unsubscribe=One-Click",
        )
        .send()
        .await;
    r.assert_status(200);
    assert!(r.text().contains("You are unsubscribed"));
    assert_eq!(app.guild.digest(&eve_v).await.unwrap(), Digest::Off);
    assert_eq!(
        app.guild
            .message_settings(&eve_v)
            .await
            .unwrap()
            .email_after_minutes,
        60
    );
    assert_eq!(
        app.guild.digest(&app.viewer(&ann)).await.unwrap(),
        Digest::Daily
    );
    assert!(app.get(&digest).send().await.text().contains("already off"));

    // The others, from the page's button.
    app.post(&messages).send().await.assert_status(200);
    assert_eq!(
        app.guild
            .message_settings(&eve_v)
            .await
            .unwrap()
            .email_after_minutes,
        0
    );
    assert_eq!(
        app.guild
            .message_settings(&app.viewer(&ann))
            .await
            .unwrap()
            .email_after_minutes,
        60
    );
    app.post(&away).send().await.assert_status(200);
    let settings = app.guild.notification_settings(&eve_v).await.unwrap();
    let away_row = settings
        .iter()
        .find(|s| s.kind.as_str() == "away_summary")
        .expect("the away row");
    assert!(!away_row.email && away_row.in_app, "{away_row:?}");

    // And they stop: a new period ends without an email.
    let before = app.emails().await.len();
    let now = guild_core::now_ms();
    app.store
        .set_away(&NewAway {
            member_id: eve.id,
            starts_at: now - 60_000,
            ends_at: now - 500,
            message: "Away again".into(),
            message_for_others: None,
            contact_id: None,
            created_at: now - 60_000,
        })
        .await
        .unwrap();
    app.guild.send_away_summaries().await.unwrap();
    assert_eq!(app.emails().await.len(), before);
}
