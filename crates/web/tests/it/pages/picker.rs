//! The member picker (issue 16): the lookup behind it finds members by any word of their name,
//! accents and case folded, or by handle, and never offers a member the asker may not see;
//! the "To" field takes a name that means one member and names the choices when it means
//! several; a mention in a post or a comment shows the member's name.

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use super::messages::write;
use super::{assert_field_error, location};

/// A member with this name and headline.
async fn named(app: &TestApp, handle: &str, name: &str, headline: &str) -> TestMember {
    let m = app.member(handle).await;
    app.patch("/api/v1/me/profile")
        .token(&m)
        .json(json!({"name": name, "headline": headline}))
        .send()
        .await
        .assert_status(200);
    m
}

/// The handles the picker offers `who` for `q`, in its order.
async fn lookup(app: &TestApp, who: &TestMember, q: &str) -> Vec<String> {
    let r = app
        .get(&format!("/api/v1/members/lookup?q={}", urlencode(q)))
        .token(who)
        .send()
        .await;
    r.assert_status(200);
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["handle"].as_str().unwrap().to_string())
        .collect()
}

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

#[tokio::test]
async fn lookup_finds_any_word_of_a_name_folded_and_handles_connections_first() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let linh = named(&app, "linh", "Linh Thu Reyes", "Data engineer at Acme").await;
    let zoe = named(&app, "zoe", "Zoë Ångström", "Designer").await;
    let rey = named(&app, "rey-stranger", "Rey Stranger", "").await;
    app.connect(&ann, &linh).await;

    // A middle word, a last name's start, any case.
    assert_eq!(lookup(&app, &ann, "thu").await, ["linh"]);
    assert_eq!(lookup(&app, &ann, "REY").await, ["linh", "rey-stranger"]);
    // Accents folded both ways, and two words narrowing.
    assert_eq!(lookup(&app, &ann, "angs").await, ["zoe"]);
    assert_eq!(lookup(&app, &ann, "Zoe Ång").await, ["zoe"]);
    assert_eq!(lookup(&app, &ann, "linh rey").await, ["linh"]);
    // A handle's start, with or without "@"; nobody by a word inside a word.
    assert_eq!(lookup(&app, &ann, "@rey-str").await, ["rey-stranger"]);
    assert!(lookup(&app, &ann, "eyes").await.is_empty());
    // Never the asker.
    assert!(lookup(&app, &ann, "ann").await.is_empty());

    // What an item says: name, headline, photo, degree (1st for the connection).
    let r = app
        .get("/api/v1/members/lookup?q=rey")
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(
        r["items"][0],
        json!({"handle": "linh", "name": "Linh Thu Reyes", "headline": "Data engineer at Acme",
               "photo_url": null, "degree": 1})
    );
    assert_eq!(r["items"][1]["degree"], Value::Null);
    let _ = (zoe, rey);
}

#[tokio::test]
async fn lookup_never_offers_blocked_or_hidden_members_and_needs_a_member() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let _open = named(&app, "reyes-open", "Mai Reyes", "").await;
    let blocker = named(&app, "reyes-blocker", "Tam Reyes", "").await;
    let hidden = named(&app, "reyes-hidden", "Kim Reyes", "").await;
    let blocked = named(&app, "reyes-blocked", "Lan Reyes", "").await;
    app.put("/api/v1/blocks/ann")
        .token(&blocker)
        .send()
        .await
        .assert_status(204);
    app.put("/api/v1/blocks/reyes-blocked")
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    app.patch("/api/v1/me/profile")
        .token(&hidden)
        .json(json!({"visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(lookup(&app, &ann, "reyes").await, ["reyes-open"]);
    // The directory agrees.
    let dir = app
        .get("/api/v1/members?q=reyes")
        .token(&ann)
        .send()
        .await
        .json();
    assert_eq!(dir["items"].as_array().unwrap().len(), 1);
    // Connected, the connections-only profile is offered, first.
    app.connect(&ann, &hidden).await;
    assert_eq!(
        lookup(&app, &ann, "reyes").await,
        ["reyes-hidden", "reyes-open"]
    );
    let _ = blocked;

    // Signed out: 401 in the error shape.
    let r = app.get("/api/v1/members/lookup?q=reyes").send().await;
    r.assert_status(401);
    assert_eq!(r.error_code(), "unauthenticated");
}

#[tokio::test]
async fn the_to_field_takes_a_unique_name_and_names_the_choices_when_several_match() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let linh = named(&app, "linh", "Linh Reyes", "Engineer").await;
    app.connect(&ann, &linh).await;

    // A name that means one member: sent to her.
    let r = write(&app, &ann, "Linh Reyes", "Hello Linh").await;
    r.assert_status(303);
    let conv = location(&r);
    assert!(conv.starts_with("/messages/"), "{conv}");
    let inbox = app.get("/messages").session(&linh).send().await.text();
    assert!(inbox.contains("Hello Linh"), "{inbox}");

    // The away page's colleague is picked the same way, by name.
    let today = chrono::Utc::now().date_naive();
    let end = today + chrono::Days::new(7);
    let r = app
        .put("/api/v1/me/away")
        .token(&ann)
        .json(json!({
            "start": today.to_string(), "end": end.to_string(), "message": "Away",
            "contact_handle": "Linh Reyes"
        }))
        .send()
        .await;
    r.assert_status(200);
    let notice = app
        .get("/api/v1/members/ann/away")
        .token(&linh)
        .send()
        .await;
    assert!(
        notice.json()["notice"]
            .as_str()
            .unwrap()
            .contains("contact Linh Reyes"),
        "{}",
        notice.text()
    );
    let page = app.get("/me/away").session(&ann).send().await.text();
    assert!(page.contains(r#"data-picker="/api/v1/members/lookup" data-picker-single"#));

    // A second Linh Reyes: the name is refused beside "To", naming both; the text is kept.
    let _other = named(&app, "linh-r", "Linh  Réyes", "").await;
    let r = write(&app, &ann, "linh reyes", "Hello again").await;
    r.assert_status(422);
    assert_field_error(
        &r.text(),
        "to",
        "Several members are called linh reyes: @linh, @linh-r.",
    );
    assert!(r.text().contains("Hello again"));

    // Nobody of that name: the message names what was typed; a handle as before.
    let r = write(&app, &ann, "Linh Nguyen", "Hi").await;
    r.assert_status(422);
    assert_field_error(&r.text(), "to", "No member is called Linh Nguyen.");
    let r = write(&app, &ann, "@ghost", "Hi").await;
    assert_field_error(&r.text(), "to", "No member @ghost.");
    // Handles, and handles separated by spaces, still work.
    write(&app, &ann, "@linh-r", "Hi").await.assert_status(303);
}

#[tokio::test]
async fn a_mention_in_a_post_or_a_comment_shows_the_members_name() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let linh = named(&app, "linh", "Linh Reyes", "").await;
    app.connect(&ann, &linh).await;
    let post = crate::api_posts::new_post(&app, &ann, "Welcome @linh!", "anyone").await;
    assert!(
        post["body_html"]
            .as_str()
            .unwrap()
            .contains(r#"<a href="/in/linh" class="mention">Linh Reyes</a>!"#),
        "{post}"
    );
    assert_eq!(post["body"], "Welcome @linh!", "the text keeps the handle");
    let id = post["id"].as_str().unwrap();

    let r = app
        .post(&format!("/posts/{id}/comments"))
        .session(&linh)
        .form(&[("body", "Thanks @ann, see you")])
        .send()
        .await;
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let page = app
        .get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        page.contains(r#"<a href="/in/ann" class="mention">Ann</a>, see you"#),
        "{page}"
    );
    // The picker's hooks are on both the comment form and the reply forms.
    assert!(page.contains(r#"id="comment-form" data-mentions="/api/v1/members/lookup""#));
}
