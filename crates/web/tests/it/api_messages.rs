//! Messaging through `/api/v1`: conversations and lists, requests, "who can message me",
//! spam holding and limits, groups (leaving, removal), blocks, out of office, attachments,
//! receipts, search, email, the live stream — and other members trying to read or act on
//! conversations that are not theirs.

use guild_core::messaging::model::NewAway;
use guild_core::messaging::store::MessageStore;
use guild_testkit::{png, TestApp, TestMember};
use serde_json::{json, Value};

use crate::api_notifications::{open_events, read_until};

async fn start(app: &TestApp, from: &TestMember, to: &[&str], body: &str) -> Value {
    let r = app
        .post("/api/v1/conversations")
        .token(from)
        .json(json!({"to": to, "body": body}))
        .send()
        .await;
    r.assert_status(201);
    r.json()
}

/// A 422 whose error names `field`.
#[track_caller]
fn refused_at(r: &guild_testkit::Resp, field: &str) {
    r.assert_status(422);
    assert!(
        r.json()["error"]["fields"][field].is_string(),
        "{}",
        r.text()
    );
}

fn conv_id(sent: &Value) -> String {
    sent["conversation"]["id"].as_str().unwrap().to_string()
}

async fn say(app: &TestApp, who: &TestMember, conv: &str, body: &str) -> guild_testkit::Resp {
    app.post(&format!("/api/v1/conversations/{conv}/messages"))
        .token(who)
        .json(json!({"body": body}))
        .send()
        .await
}

async fn list(app: &TestApp, who: &TestMember, in_box: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/conversations?box={in_box}"))
        .token(who)
        .send()
        .await;
    r.assert_status(200);
    r.json()["items"].as_array().unwrap().clone()
}

async fn bodies(app: &TestApp, who: &TestMember, conv: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/conversations/{conv}/messages"))
        .token(who)
        .send()
        .await;
    r.assert_status(200);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn connections_write_freely_and_the_list_shows_unread_and_the_last_message() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let sent = start(&app, &ann, &["bob"], "Lunch on **Friday**?").await;
    assert_eq!(sent["delivery"], "inbox");
    let c = conv_id(&sent);
    let inbox = list(&app, &bob, "inbox").await;
    assert_eq!(inbox.len(), 1);
    assert_eq!(inbox[0]["unread"], 1);
    assert_eq!(inbox[0]["title"], "Ann");
    assert_eq!(inbox[0]["last_message"]["body"], "Lunch on **Friday**?");
    assert!(inbox[0]["last_message"]["body_html"]
        .as_str()
        .unwrap()
        .contains("<strong>Friday</strong>"));
    assert!(list(&app, &bob, "requests").await.is_empty());
    // Reading marks it read; a reply goes to Ann.
    assert_eq!(bodies(&app, &bob, &c).await, vec!["Lunch on **Friday**?"]);
    assert_eq!(list(&app, &bob, "inbox").await[0]["unread"], 0);
    say(&app, &bob, &c, "Yes!").await.assert_status(201);
    assert_eq!(list(&app, &ann, "inbox").await[0]["unread"], 1);
    // Writing to Bob again continues the same conversation.
    let again = start(&app, &ann, &["@Bob"], "See you there").await;
    assert_eq!(conv_id(&again), c);
    assert_eq!(
        bodies(&app, &ann, &c).await,
        vec!["Lunch on **Friday**?", "Yes!", "See you there"]
    );
}

#[tokio::test]
async fn bad_input_is_refused_beside_the_field_and_writes_nothing() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    for (body, field) in [
        (json!({"to": ["bob"], "body": "   "}), "body"),
        (json!({"to": ["bob"], "body": "x".repeat(8_001)}), "body"),
        (json!({"to": [], "body": "hi"}), "to"),
        (json!({"to": ["nobody-here"], "body": "hi"}), "to"),
        (json!({"to": ["ann"], "body": "hi"}), "to"),
        (
            json!({"to": ["bob"], "body": "hi", "attachment": "999"}),
            "attachment",
        ),
    ] {
        let r = app
            .post("/api/v1/conversations")
            .token(&ann)
            .json(body)
            .send()
            .await;
        refused_at(&r, field);
    }
    let r = app
        .get("/api/v1/conversations?box=spam")
        .token(&ann)
        .send()
        .await;
    r.assert_status(422);
    assert!(list(&app, &ann, "inbox").await.is_empty());
    assert!(list(&app, &bob, "inbox").await.is_empty());
    app.get("/api/v1/conversations")
        .send()
        .await
        .assert_status(401);
}

#[tokio::test]
async fn a_stranger_lands_in_requests_with_one_message_until_accepted() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let zed = app.member("zed").await;
    let yan = app.member("yan").await;
    let sent = start(
        &app,
        &zed,
        &["ann"],
        "Hello Ann, a question about your talk",
    )
    .await;
    assert_eq!(sent["delivery"], "request");
    let c = conv_id(&sent);
    assert!(list(&app, &ann, "inbox").await.is_empty());
    let req = list(&app, &ann, "requests").await;
    assert_eq!(req.len(), 1);
    assert_eq!(req[0]["state"], "request");
    // One message until it is accepted.
    let r = say(&app, &zed, &c, "Did you see my message?").await;
    r.assert_status(403);
    assert_eq!(r.error_code(), "request_pending");
    let t = app
        .get(&format!("/api/v1/conversations/{c}"))
        .token(&zed)
        .send()
        .await;
    assert_eq!(t.json()["awaiting_answer"], true);
    app.post(&format!("/api/v1/conversations/{c}/accept"))
        .token(&ann)
        .send()
        .await
        .assert_status(200);
    assert_eq!(list(&app, &ann, "inbox").await.len(), 1);
    say(&app, &zed, &c, "Thanks for accepting")
        .await
        .assert_status(201);

    // Ignoring is silent: the sender's side looks the same, and still one message only.
    let c2 = conv_id(&start(&app, &yan, &["ann"], "Buy my course").await);
    app.post(&format!("/api/v1/conversations/{c2}/ignore"))
        .token(&ann)
        .send()
        .await
        .assert_status(200);
    assert!(list(&app, &ann, "requests").await.is_empty());
    assert_eq!(list(&app, &yan, "inbox").await.len(), 1);
    assert_eq!(
        say(&app, &yan, &c2, "Hello??").await.error_code(),
        "request_pending"
    );
    // Reporting a request ignores it too.
    let c3 = conv_id(&start(&app, &app.member("xav").await, &["ann"], "spam spam").await);
    app.post(&format!("/api/v1/conversations/{c3}/report"))
        .token(&ann)
        .send()
        .await
        .assert_status(200);
    assert!(list(&app, &ann, "requests").await.is_empty());
}

#[tokio::test]
async fn who_can_message_me_is_obeyed() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;
    let set = |who: &'static str| {
        app.put("/api/v1/me/messaging-settings")
            .token(&ann)
            .json(json!({"who_can_message": who, "read_receipts": true, "email": true}))
            .send()
    };
    set("second_degree").await.assert_status(200);
    let r = app
        .post("/api/v1/conversations")
        .token(&zed)
        .json(json!({"to": ["ann"], "body": "hi"}))
        .send()
        .await;
    r.assert_status(403);
    assert_eq!(r.error_code(), "not_accepting");
    // Cyd shares Bob with Ann: a request.
    assert_eq!(
        start(&app, &cyd, &["ann"], "hi via Bob").await["delivery"],
        "request"
    );
    set("connections").await.assert_status(200);
    let r = app
        .post("/api/v1/conversations")
        .token(&zed)
        .json(json!({"to": ["ann"], "body": "hi"}))
        .send()
        .await;
    assert_eq!(r.error_code(), "not_accepting");
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("only from connections"));
    assert_eq!(
        start(&app, &bob, &["ann"], "still fine").await["delivery"],
        "inbox"
    );
    let r = set("nobody").await;
    r.assert_status(422);
    let s = app
        .get("/api/v1/me/messaging-settings")
        .token(&ann)
        .send()
        .await;
    assert_eq!(s.json()["who_can_message"], "connections");
}

#[tokio::test]
async fn outsiders_can_neither_read_nor_act_on_a_conversation() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let eve = app.member("eve").await;
    app.connect(&ann, &bob).await;
    let up = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "notes.txt", "text/plain", b"secret plans")
        .send()
        .await;
    up.assert_status(201);
    let att = up.json()["id"].as_str().unwrap().to_string();
    // Eve cannot send Ann's upload.
    let r = app
        .post("/api/v1/conversations")
        .token(&eve)
        .json(json!({"to": ["bob"], "body": "look", "attachment": att}))
        .send()
        .await;
    r.assert_status(422);
    let sent = app
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob"], "body": "The plan", "attachment": att}))
        .send()
        .await;
    sent.assert_status(201);
    let c = conv_id(&sent.json());
    for path in [
        format!("/api/v1/conversations/{c}"),
        format!("/api/v1/conversations/{c}/messages"),
        format!("/api/v1/attachments/{att}"),
    ] {
        app.get(&path).token(&eve).send().await.assert_status(404);
        app.get(&path).token(&bob).send().await.assert_status(200);
    }
    say(&app, &eve, &c, "let me in").await.assert_status(404);
    for action in [
        "accept", "ignore", "archive", "mute", "leave", "clear", "report",
    ] {
        app.post(&format!("/api/v1/conversations/{c}/{action}"))
            .token(&eve)
            .send()
            .await
            .assert_status(404);
    }
    app.delete(&format!("/api/v1/conversations/{c}/members/bob"))
        .token(&eve)
        .send()
        .await
        .assert_status(404);
    assert!(list(&app, &eve, "inbox").await.is_empty());
    let r = app
        .get("/api/v1/messages/search?q=plan")
        .token(&eve)
        .send()
        .await;
    assert_eq!(r.json()["items"], json!([]));
    // Nothing changed for the participants.
    assert_eq!(bodies(&app, &bob, &c).await, vec!["The plan"]);
    assert_eq!(list(&app, &ann, "inbox").await.len(), 1);
}

#[tokio::test]
async fn groups_are_for_connections_and_leavers_see_nothing_sent_afterwards() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let dia = app.member("dia").await;
    app.member("zed").await;
    for m in [&bob, &cyd, &dia] {
        app.connect(&ann, m).await;
    }
    let r = app
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob", "zed"], "body": "Team"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["to"]
        .as_str()
        .unwrap()
        .contains("Zed"));
    let sent = start(&app, &ann, &["bob", "cyd", "dia"], "Welcome, team").await;
    assert_eq!(sent["conversation"]["group"], true);
    let c = conv_id(&sent);
    say(&app, &bob, &c, "Hi all").await.assert_status(201);
    app.post(&format!("/api/v1/conversations/{c}/leave"))
        .token(&cyd)
        .send()
        .await
        .assert_status(200);
    // Only the creator removes members.
    app.delete(&format!("/api/v1/conversations/{c}/members/dia"))
        .token(&bob)
        .send()
        .await
        .assert_status(403);
    app.delete(&format!("/api/v1/conversations/{c}/members/dia"))
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    say(&app, &ann, &c, "After they went")
        .await
        .assert_status(201);
    assert_eq!(
        bodies(&app, &cyd, &c).await,
        vec!["Welcome, team", "Hi all"]
    );
    assert_eq!(
        bodies(&app, &dia, &c).await,
        vec!["Welcome, team", "Hi all"]
    );
    assert_eq!(say(&app, &cyd, &c, "back?").await.error_code(), "left");
    assert_eq!(say(&app, &dia, &c, "back?").await.error_code(), "left");
    assert_eq!(
        bodies(&app, &bob, &c).await,
        vec!["Welcome, team", "Hi all", "After they went"]
    );
    let t = app
        .get(&format!("/api/v1/conversations/{c}"))
        .token(&bob)
        .send()
        .await;
    // Bob's view of the group lists only who is still in it.
    let members = t.json()["conversation"]["members"].clone();
    let names: Vec<&str> = members
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["handle"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["ann"]);
}

#[tokio::test]
async fn the_same_text_to_ten_strangers_is_held_and_starting_too_many_is_slowed() {
    let app = TestApp::with_settings(|s| s.limits.conversations_per_hour = 12).await;
    let ann = app.member("ann").await;
    let mut last = None;
    for i in 0..10 {
        let to = app.member(&format!("lead{i:02}")).await;
        let sent = start(
            &app,
            &ann,
            &[&to.handle],
            &format!(
                "Hi @{}, our tool grows revenue by {}% in 90 days. Book a demo today!",
                to.handle,
                20 + i
            ),
        )
        .await;
        let want = if i < 9 { "request" } else { "held" };
        assert_eq!(sent["delivery"], want, "message {i}");
        last = Some((to, sent));
    }
    let (tenth, sent) = last.unwrap();
    // Held: the sender sees it marked; the recipient sees nothing at all.
    assert_eq!(sent["message"]["held"], true);
    assert!(list(&app, &tenth, "requests").await.is_empty());
    let c = conv_id(&sent);
    app.get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&tenth)
        .send()
        .await
        .assert_status(404);
    assert_eq!(bodies(&app, &ann, &c).await.len(), 1);
    // An administrator sees it for review; a member may not.
    app.get("/api/v1/admin/held-messages")
        .token(&ann)
        .send()
        .await
        .assert_status(403);
    let admin = app.admin("boss").await;
    let r = app
        .get("/api/v1/admin/held-messages")
        .token(&admin)
        .send()
        .await;
    r.assert_status(200);
    let held = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(held.len(), 1);
    assert_eq!(held[0]["recipients"][0]["handle"], tenth.handle.as_str());
    let mid = held[0]["message"]["id"].as_str().unwrap().to_string();
    app.post(&format!("/api/v1/admin/held-messages/{mid}/release"))
        .token(&ann)
        .send()
        .await
        .assert_status(403);
    // Delivered after review: a request like the others.
    app.post(&format!("/api/v1/admin/held-messages/{mid}/release"))
        .token(&admin)
        .send()
        .await
        .assert_status(200);
    assert_eq!(list(&app, &tenth, "requests").await.len(), 1);
    assert_eq!(bodies(&app, &tenth, &c).await.len(), 1);
    app.post(&format!("/api/v1/admin/held-messages/{mid}/release"))
        .token(&admin)
        .send()
        .await
        .assert_status(404);
    // A different text is not held.
    let other = app.member("friend").await;
    let ok = start(
        &app,
        &ann,
        &["friend"],
        "Congratulations on the new role, Friend!",
    )
    .await;
    assert_eq!(ok["delivery"], "request");
    let _ = other;
    // The 13th new conversation within the hour is slowed, with a message saying when.
    app.member("lead12").await;
    start(&app, &ann, &["lead12"], "Another question entirely").await;
    app.member("lead13").await;
    let r = app
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["lead13"], "body": "And one more"}))
        .send()
        .await;
    r.assert_status(429);
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("in the last hour"));
    assert!(r.json()["error"]["retry_after"].is_string());
}

#[tokio::test]
async fn a_block_makes_the_conversation_read_only_for_both() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let c = conv_id(&start(&app, &ann, &["bob"], "Hello").await);
    app.put("/api/v1/blocks/ann")
        .token(&bob)
        .send()
        .await
        .assert_status(204);
    for who in [&ann, &bob] {
        let r = say(&app, who, &c, "still there?").await;
        r.assert_status(403);
        assert_eq!(r.error_code(), "blocked");
        let t = app
            .get(&format!("/api/v1/conversations/{c}"))
            .token(who)
            .send()
            .await;
        assert!(t.json()["read_only"].is_string(), "{}", t.text());
    }
    let r = app
        .post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob"], "body": "new thread"}))
        .send()
        .await;
    r.assert_status(422);
}

#[tokio::test]
async fn an_away_member_answers_once_per_sender_and_two_away_members_do_not_loop() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;
    app.connect(&bob, &cyd).await;
    let today = chrono::Utc::now().date_naive();
    let end = today + chrono::Days::new(7);
    let r = app
        .put("/api/v1/me/away")
        .token(&bob)
        .json(json!({
            "start": today.to_string(), "end": end.to_string(),
            "message": "On leave, back soon.",
            "message_for_others": "I am away; I will read this later.",
            "contact_handle": "cyd"
        }))
        .send()
        .await;
    r.assert_status(200);
    assert_eq!(r.json()["current"], true);
    // Others see it: the member's notice names the contact.
    let n = app.get("/api/v1/members/bob/away").token(&ann).send().await;
    n.assert_status(200);
    let notice = n.json()["notice"].as_str().unwrap().to_string();
    assert!(notice.starts_with("Bob is away until "), "{notice}");
    assert!(notice.contains("contact Cyd"), "{notice}");
    app.get("/api/v1/members/ann/away")
        .token(&bob)
        .send()
        .await
        .assert_status(404);

    let c = conv_id(&start(&app, &ann, &["bob"], "Quick question").await);
    say(&app, &ann, &c, "And another").await.assert_status(201);
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&ann)
        .send()
        .await;
    let items = r.json()["items"].as_array().unwrap().clone();
    let auto: Vec<&Value> = items.iter().filter(|m| m["automatic"] == true).collect();
    assert_eq!(auto.len(), 1, "{items:?}");
    assert!(auto[0]["body"]
        .as_str()
        .unwrap()
        .starts_with("On leave, back soon."));
    assert!(auto[0]["body_html"]
        .as_str()
        .unwrap()
        .contains("href=\"/in/cyd\""));
    assert_eq!(auto[0]["sender"]["handle"], "bob");
    // Answering automatically is not reading: Ann's messages are not marked seen.
    assert!(items.iter().all(|m| m["seen"] == false), "{items:?}");
    let t = app
        .get(&format!("/api/v1/conversations/{c}"))
        .token(&ann)
        .send()
        .await;
    assert_eq!(t.json()["away"][0]["member"]["handle"], "bob");

    // A non-connection gets the other message.
    let c2 = conv_id(&start(&app, &zed, &["bob"], "Hello Bob").await);
    let r = app
        .get(&format!("/api/v1/conversations/{c2}/messages"))
        .token(&zed)
        .send()
        .await;
    let items = r.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2);
    assert!(items[1]["body"]
        .as_str()
        .unwrap()
        .starts_with("I am away; I will read this later."));

    // Ann goes away too: one reply each way, no loop.
    app.put("/api/v1/me/away")
        .token(&ann)
        .json(json!({"start": today.to_string(), "end": end.to_string(), "message": "Ann is out."}))
        .send()
        .await
        .assert_status(200);
    let c3 = conv_id(&start(&app, &bob, &["ann"], "Bob here").await);
    assert_eq!(c3, c);
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&bob)
        .send()
        .await;
    let items = r.json()["items"].as_array().unwrap().clone();
    let autos: Vec<&str> = items
        .iter()
        .filter(|m| m["automatic"] == true)
        .map(|m| m["sender"]["handle"].as_str().unwrap())
        .collect();
    assert_eq!(autos, vec!["bob", "ann"], "{items:?}");

    // Ending the period ends the replies.
    app.delete("/api/v1/me/away")
        .token(&bob)
        .send()
        .await
        .assert_status(204);
    app.get("/api/v1/me/away")
        .token(&bob)
        .send()
        .await
        .assert_status(404);
    let c4 = conv_id(&start(&app, &cyd, &["bob"], "Welcome back?").await);
    assert_eq!(bodies(&app, &cyd, &c4).await, vec!["Welcome back?"]);
}

#[tokio::test]
async fn away_input_is_checked_and_the_period_ends_with_a_summary() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    for (body, field) in [
        (
            json!({"start": "soon", "end": "2099-01-02", "message": "x"}),
            "start",
        ),
        (
            json!({"start": "2099-01-05", "end": "2099-01-02", "message": "x"}),
            "end",
        ),
        (
            json!({"start": "2020-01-01", "end": "2020-01-02", "message": "x"}),
            "end",
        ),
        (
            json!({"start": "2099-01-01", "end": "2099-01-02", "message": ""}),
            "message",
        ),
        (
            json!({"start": "2099-01-01", "end": "2099-01-02", "message": "x".repeat(1001)}),
            "message",
        ),
        (
            json!({"start": "2099-01-01", "end": "2099-01-02", "message": "x", "contact_handle": "ghost"}),
            "contact_handle",
        ),
    ] {
        let r = app
            .put("/api/v1/me/away")
            .token(&ann)
            .json(body)
            .send()
            .await;
        refused_at(&r, field);
    }
    app.get("/api/v1/me/away")
        .token(&ann)
        .send()
        .await
        .assert_status(404);

    // A period that has just ended: what came in meanwhile is summed up once.
    let now = guild_core::now_ms();
    app.store
        .set_away(&NewAway {
            member_id: ann.id,
            starts_at: now - 60_000,
            ends_at: now + 1_500,
            message: "Away".into(),
            message_for_others: None,
            contact_id: None,
            created_at: now - 60_000,
        })
        .await
        .unwrap();
    start(&app, &bob, &["ann"], "One").await;
    start(&app, &bob, &["ann"], "Two").await;
    tokio::time::sleep(std::time::Duration::from_millis(1_600)).await;
    assert_eq!(app.guild.send_away_summaries().await.unwrap(), 1);
    assert_eq!(app.guild.send_away_summaries().await.unwrap(), 0);
    let mail = app
        .emails()
        .await
        .into_iter()
        .find(|e| e.subject == "While you were away")
        .expect("a summary email");
    assert!(
        mail.body
            .contains("2 messages in 1 conversation, 0 invitations and 0 mentions"),
        "{}",
        mail.body
    );
    let n = app.get("/api/v1/notifications").token(&ann).send().await;
    let first = n.json()["items"][0].clone();
    assert!(
        first["text"]
            .as_str()
            .unwrap()
            .contains("while you were away"),
        "{first}"
    );
}

#[tokio::test]
async fn attachments_download_only_as_files_and_images_are_re_encoded() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let up = |name: &'static str, ct: &'static str, data: Vec<u8>| {
        app.post("/api/v1/attachments")
            .token(&ann)
            .multipart_file("file", name, ct, &data)
            .send()
    };
    let html = up(
        "page.html",
        "text/html",
        b"<script>alert(1)</script>".to_vec(),
    )
    .await;
    html.assert_status(201);
    let image = up("photo.png", "image/png", png(40, 30)).await;
    image.assert_status(201);
    assert_eq!(image.json()["image"], true);
    assert_eq!(image.json()["name"], "photo.jpg");
    let big = up(
        "big.bin",
        "application/octet-stream",
        vec![7u8; 10 * 1024 * 1024 + 1],
    )
    .await;
    big.assert_status(422);
    let c = conv_id(&start(&app, &ann, &["bob"], "Files").await);
    for a in [&html, &image] {
        let id = a.json()["id"].as_str().unwrap().to_string();
        app.post(&format!("/api/v1/conversations/{c}/messages"))
            .token(&ann)
            .json(json!({"body": "", "attachment": id}))
            .send()
            .await
            .assert_status(201);
    }
    let h = app
        .get(&format!(
            "/api/v1/attachments/{}",
            html.json()["id"].as_str().unwrap()
        ))
        .token(&bob)
        .send()
        .await;
    h.assert_status(200);
    assert_eq!(
        h.header("content-type").unwrap(),
        "application/octet-stream"
    );
    assert!(h
        .header("content-disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(h.header("x-content-type-options").unwrap(), "nosniff");
    assert_eq!(h.text(), "<script>alert(1)</script>");
    let i = app
        .get(&format!(
            "/api/v1/attachments/{}",
            image.json()["id"].as_str().unwrap()
        ))
        .token(&bob)
        .send()
        .await;
    assert_eq!(i.header("content-type").unwrap(), "image/jpeg");
    assert!(i
        .header("content-disposition")
        .unwrap()
        .starts_with("inline;"));
    // An attachment goes with one message only.
    let r = app
        .post(&format!("/api/v1/conversations/{c}/messages"))
        .token(&ann)
        .json(json!({"body": "again", "attachment": html.json()["id"]}))
        .send()
        .await;
    r.assert_status(422);
}

#[tokio::test]
async fn read_receipts_are_reciprocal_and_search_finds_only_my_messages() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.connect(&cyd, &bob).await;
    let c = conv_id(&start(&app, &ann, &["bob"], "Quarterly numbers attached").await);
    let mine = |v: Value| v["items"][0]["seen"].clone();
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&ann)
        .send()
        .await;
    assert_eq!(mine(r.json()), false);
    bodies(&app, &bob, &c).await;
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&ann)
        .send()
        .await;
    assert_eq!(mine(r.json()), true);
    // Bob turns receipts off: Ann no longer sees that he read, and he sees nothing either.
    app.put("/api/v1/me/messaging-settings")
        .token(&bob)
        .json(json!({"who_can_message": "everyone", "read_receipts": false, "email": true}))
        .send()
        .await
        .assert_status(200);
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&ann)
        .send()
        .await;
    assert_eq!(mine(r.json()), false);
    say(&app, &bob, &c, "Thanks").await;
    bodies(&app, &ann, &c).await;
    let r = app
        .get(&format!("/api/v1/conversations/{c}/messages"))
        .token(&bob)
        .send()
        .await;
    assert_eq!(r.json()["items"][1]["seen"], false);

    // Search: case-insensitive, only conversations one is in.
    start(&app, &cyd, &["bob"], "Numbers for Bob only").await;
    let r = app
        .get("/api/v1/messages/search?q=NUMBERS")
        .token(&ann)
        .send()
        .await;
    let found: Vec<String> = r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["body"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(found, vec!["Quarterly numbers attached"]);
    let r = app
        .get("/api/v1/messages/search?q=numbers")
        .token(&bob)
        .send()
        .await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);
    app.get("/api/v1/messages/search?q=n")
        .token(&bob)
        .send()
        .await
        .assert_status(422);
}

#[tokio::test]
async fn archive_mute_and_delete_for_me_touch_only_my_side() {
    let app = TestApp::with_settings(|s| s.limits.message_email_after_minutes = 0).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.connect(&ann, &cyd).await;
    let c = conv_id(&start(&app, &ann, &["bob"], "First").await);
    let post = |who: &TestMember, what: &str| {
        app.post(&format!("/api/v1/conversations/{c}/{what}"))
            .token(who)
            .send()
    };
    post(&bob, "archive").await.assert_status(200);
    assert!(list(&app, &bob, "inbox").await.is_empty());
    assert_eq!(list(&app, &bob, "archived").await.len(), 1);
    assert_eq!(list(&app, &ann, "inbox").await.len(), 1);
    // A new message brings it back.
    say(&app, &ann, &c, "Second").await;
    assert_eq!(list(&app, &bob, "inbox").await.len(), 1);
    // Delete for me: gone for Ann, still there for Bob.
    post(&ann, "clear").await.assert_status(200);
    assert!(list(&app, &ann, "inbox").await.is_empty());
    assert!(bodies(&app, &ann, &c).await.is_empty());
    assert_eq!(bodies(&app, &bob, &c).await, vec!["First", "Second"]);
    say(&app, &bob, &c, "Third").await;
    assert_eq!(bodies(&app, &ann, &c).await, vec!["Third"]);

    // Email: unread messages are emailed once per conversation; read or muted ones never.
    let c2 = conv_id(&start(&app, &ann, &["cyd"], "For Cyd").await);
    say(&app, &ann, &c2, "Also for Cyd").await;
    say(&app, &ann, &c, "Fourth, unread").await;
    post(&bob, "mute").await.assert_status(200);
    let sent = app.guild.send_message_emails().await.unwrap();
    assert_eq!(sent, 1);
    let mails: Vec<_> = app
        .emails()
        .await
        .into_iter()
        .filter(|e| e.subject.contains("unread message"))
        .collect();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].to.contains("cyd@example.com"));
    assert_eq!(mails[0].subject, "2 unread messages from Ann");
    assert_eq!(app.guild.send_message_emails().await.unwrap(), 0);
}

#[tokio::test]
async fn the_event_stream_delivers_messages_live_and_catches_up() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let addr = app.spawn_server().await;
    let open = |last: Option<String>| open_events(addr, &bob, last);
    let mut s = open(None).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;
    let c = conv_id(&start(&app, &ann, &["bob"], "Live one").await);
    read_until(&mut s, &mut buf, "event: message").await;
    read_until(&mut s, &mut buf, "\"messages\":1").await;
    assert!(buf.contains("Live one"), "{buf}");
    let id = buf
        .split("id: ")
        .nth(1)
        .and_then(|r| r.split_whitespace().next())
        .unwrap()
        .to_string();
    drop(s);
    say(&app, &ann, &c, "Missed one").await.assert_status(201);
    say(&app, &ann, &c, "Missed two").await.assert_status(201);
    let mut s = open(Some(id)).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;
    assert_eq!(buf.matches("event: message").count(), 2, "{buf}");
    assert!(!buf.contains("Live one"), "{buf}");
    assert!(buf.find("Missed one") < buf.find("Missed two"), "{buf}");
}

#[tokio::test]
async fn openapi_lists_every_messaging_route_with_its_methods() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json").send().await;
    doc.assert_status(200);
    let paths = doc.json()["paths"].clone();
    let mut all = vec![
        ("/api/v1/conversations", &["post", "get"][..]),
        ("/api/v1/conversations/{id}", &["get"][..]),
        ("/api/v1/conversations/{id}/messages", &["get", "post"][..]),
        (
            "/api/v1/conversations/{id}/members/{handle}",
            &["delete"][..],
        ),
        ("/api/v1/messages/search", &["get"][..]),
        ("/api/v1/attachments", &["post"][..]),
        ("/api/v1/attachments/{id}", &["get"][..]),
        ("/api/v1/me/messaging-settings", &["get", "put"][..]),
        ("/api/v1/me/away", &["get", "put", "delete"][..]),
        ("/api/v1/members/{handle}/away", &["get"][..]),
        ("/api/v1/admin/held-messages", &["get"][..]),
        ("/api/v1/admin/held-messages/{id}/release", &["post"][..]),
        ("/api/v1/admin/held-messages/{id}", &["delete"][..]),
    ];
    let actions: Vec<String> = [
        "accept",
        "ignore",
        "report",
        "archive",
        "unarchive",
        "mute",
        "unmute",
        "leave",
        "clear",
    ]
    .iter()
    .map(|a| format!("/api/v1/conversations/{{id}}/{a}"))
    .collect();
    all.extend(actions.iter().map(|a| (a.as_str(), &["post"][..])));
    for (p, methods) in all {
        for m in methods {
            assert!(
                paths[p][m].is_object(),
                "{m} {p} missing from the OpenAPI document"
            );
        }
    }
}

#[tokio::test]
async fn a_reply_to_a_request_accepts_it_and_goes_to_the_inbox() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let zed = app.member("zed").await;
    let sent = start(&app, &zed, &["ann"], "Hello from a stranger").await;
    assert_eq!(sent["delivery"], "request");
    assert_eq!(sent["accepted_request"], false);
    let c = conv_id(&sent);
    // Ann (a new account, like Zed) answers: an ordinary message, never called a request.
    let r = say(&app, &ann, &c, "Hi Zed").await;
    r.assert_status(201);
    assert_eq!(r.json()["delivery"], "inbox", "{}", r.text());
    assert_eq!(r.json()["accepted_request"], true, "{}", r.text());
    let r = say(&app, &zed, &c, "Thanks!").await;
    r.assert_status(201);
    assert_eq!(r.json()["delivery"], "inbox", "{}", r.text());
    assert_eq!(r.json()["accepted_request"], false, "{}", r.text());
}
