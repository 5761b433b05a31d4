//! Messaging as issue 16 asked for it: a request that says what each answer does, a reply
//! that makes it an ordinary conversation for both, the Messages badge counting requests
//! apart from unread messages, "and 1 other", message times under day headings, and the
//! inbox list beside the open conversation.

use guild_testkit::{TestApp, TestMember};

use super::location;
use crate::api_notifications::{open_events, read_until};

async fn write(app: &TestApp, from: &TestMember, to: &str, body: &str) -> String {
    let r = app
        .post("/messages")
        .session(from)
        .multipart(&[("to", to), ("body", body)], &[])
        .send()
        .await;
    r.assert_status(303);
    let to = location(&r);
    to.trim_start_matches("/messages/")
        .split('?')
        .next()
        .unwrap()
        .to_string()
}

async fn page(app: &TestApp, who: &TestMember, path: &str) -> String {
    let r = app.get(path).session(who).send().await;
    r.assert_status(200);
    r.text()
}

/// The part of `html` from the element with `id` to the end of its `</li>`.
fn item<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let end = html[start..]
        .find("</li>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

#[tokio::test]
async fn a_request_says_what_each_answer_does_and_a_reply_makes_it_ordinary_for_both() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let zed = app.member("zed").await;
    let conv = write(&app, &zed, "ann", "Hello from a stranger").await;

    let req = page(&app, &ann, &format!("/messages/{conv}")).await;
    assert!(!req.contains("Accept it to reply"), "{req}");
    for says in [
        "Message request from Zed",
        "Zed is not a connection of yours, and does not know whether you have read this.",
        "Your answer accepts the request: it moves to your inbox and Zed can keep writing.",
        "Moves it to your inbox without an answer; Zed can keep writing.",
        "Removes it from your requests; Zed is not told and cannot write again here.",
        "Sends it to the moderators for review and ignores it.",
        "Neither of you sees the other on Guild; Zed is not told.",
        "Reply to accept the request",
    ] {
        assert!(
            req.contains(says),
            "the request page does not say {says:?}:\n{req}"
        );
    }

    // Ann replies: she is told it accepted the request, never that her reply is a request.
    let r = app
        .post(&format!("/messages/{conv}"))
        .session(&ann)
        .multipart(&[("body", "Hi Zed, happy to talk")], &[])
        .send()
        .await;
    r.assert_status(303);
    let to = location(&r);
    assert!(to.contains("?sent=accepted"), "{to}");
    let after = page(&app, &ann, to.split('#').next().unwrap()).await;
    assert!(
        after.contains("You accepted the request: this is now an ordinary conversation"),
        "{after}"
    );
    assert!(!after.contains("Sent as a message request"), "{after}");
    assert!(!after.contains("Message request from"), "{after}");
    assert!(!after.contains("id=\"request-answer\""), "{after}");
    assert!(after.contains("id=\"reply-form\""), "{after}");
    let inbox = page(&app, &ann, "/messages").await;
    assert!(
        inbox.contains(&format!("id=\"conversation-{conv}\"")),
        "{inbox}"
    );

    // Zed sees an ordinary conversation: he may write again, and it goes to Ann's inbox.
    let his = page(&app, &zed, &format!("/messages/{conv}")).await;
    assert!(!his.contains("id=\"awaiting-answer\""), "{his}");
    assert!(his.contains("id=\"reply-form\""), "{his}");
    assert!(his.contains("Hi Zed, happy to talk"), "{his}");
    let r = app
        .post(&format!("/messages/{conv}"))
        .session(&zed)
        .multipart(&[("body", "Great, thanks")], &[])
        .send()
        .await;
    assert!(location(&r).contains("?sent=inbox"), "{}", location(&r));
    let again = page(&app, &zed, &location(&r)).await;
    assert!(!again.contains("Sent as a message request"), "{again}");
    assert!(!again.contains("id=\"awaiting-answer\""), "{again}");
}

#[tokio::test]
async fn the_messages_badge_counts_requests_apart_from_unread_messages() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    write(&app, &bob, "ann", "From a connection").await;
    let zed = app.member("zed").await;
    let yan = app.member("yan").await;
    write(&app, &zed, "ann", "First stranger").await;
    write(&app, &yan, "ann", "Second stranger").await;

    let html = page(&app, &ann, "/").await;
    assert!(
        html.contains("id=\"messages-count\" aria-label=\"1 unread conversation\">1</span>"),
        "{html}"
    );
    assert!(
        html.contains("id=\"requests-count\" aria-label=\"2 message requests\">2</span>"),
        "{html}"
    );
    // Bob has no request waiting: his second badge is hidden.
    let his = page(&app, &bob, "/").await;
    assert!(
        his.contains("id=\"requests-count\" aria-label=\"0 message requests\" hidden>"),
        "{his}"
    );

    // The live stream's counts say the same, apart.
    let addr = app.spawn_server().await;
    let mut s = open_events(addr, &ann, None).await;
    let mut buf = String::new();
    read_until(&mut s, &mut buf, "event: counts").await;
    read_until(&mut s, &mut buf, "}").await;
    assert!(buf.contains("\"messages\":1"), "{buf}");
    assert!(buf.contains("\"message_requests\":2"), "{buf}");
}

#[tokio::test]
async fn a_group_of_three_says_and_1_other_and_of_four_and_2_others() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let mut others = Vec::new();
    for h in ["bob", "cat", "dan", "eve"] {
        let m = app.member(h).await;
        app.connect(&ann, &m).await;
        others.push(m);
    }
    let three = write(&app, &ann, "bob, cat, dan", "Hello three").await;
    let html = page(&app, &ann, &format!("/messages/{three}")).await;
    assert!(html.contains("and 1 other<"), "{html}");
    assert!(!html.contains("and 1 others"), "{html}");
    let four = write(&app, &ann, "bob, cat, dan, eve", "Hello four").await;
    let html = page(&app, &ann, &format!("/messages/{four}")).await;
    assert!(html.contains("and 2 others<"), "{html}");
}

#[tokio::test]
async fn messages_show_their_time_under_the_heading_of_their_day() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let conv = write(&app, &ann, "bob", "What time is it?").await;
    let id: i64 = conv.parse().unwrap();
    let ms = app
        .guild
        .messages(&app.viewer(&bob), id, None, None)
        .await
        .unwrap();
    let at = chrono::DateTime::from_timestamp_millis(ms.items[0].m.created_at).unwrap();
    let html = page(&app, &bob, &format!("/messages/{conv}")).await;
    let message = item(&html, &format!("message-{}", ms.items[0].m.id));
    let time = format!(
        "<time class=\"message-time muted\" datetime=\"{}\" title=\"{}\">{}</time>",
        at.format("%Y-%m-%dT%H:%M:%SZ"),
        at.format("%a %-d %b %Y, %H:%M UTC"),
        at.format("%H:%M"),
    );
    assert!(message.contains(&time), "expected {time} in {message}");
    // One heading for the day, above the first message of it.
    let today = chrono::Utc::now().date_naive() == at.date_naive();
    let heading = if today { "Today" } else { "Yesterday" };
    assert_eq!(html.matches("class=\"day-break\"").count(), 1, "{html}");
    let day = item(&html, &format!("day-{}", ms.items[0].m.id));
    assert!(day.contains(&format!("<span>{heading}</span>")), "{day}");
    // The list says when too: the time, today.
    let inbox = page(&app, &bob, "/messages").await;
    let row = item(&inbox, &format!("conversation-{conv}"));
    if today {
        assert!(
            row.contains(&format!(">{}</time>", at.format("%H:%M"))),
            "{row}"
        );
    }
}

#[tokio::test]
async fn the_thread_page_lists_the_inbox_with_the_open_conversation_marked() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cat = app.member("cat").await;
    app.connect(&ann, &bob).await;
    app.connect(&ann, &cat).await;
    let with_bob = write(&app, &bob, "ann", "Hello from Bob").await;
    let with_cat = write(&app, &cat, "ann", "Hello from Cat").await;

    let html = page(&app, &ann, &format!("/messages/{with_bob}")).await;
    assert!(html.contains("id=\"conversations\""), "{html}");
    assert!(html.contains("id=\"back-to-messages\""), "{html}");
    let open = item(&html, &format!("conversation-{with_bob}"));
    assert!(open.contains("aria-current=\"page\""), "{open}");
    let other = item(&html, &format!("conversation-{with_cat}"));
    assert!(!other.contains("aria-current"), "{other}");
    // The other conversation shows its sender, its last message and that it is unread.
    assert!(other.contains("Cat"), "{other}");
    assert!(other.contains("Hello from Cat"), "{other}");
    assert!(
        other.contains("<span class=\"sr-only\">1 unread</span>"),
        "{other}"
    );
    assert_eq!(html.matches("aria-current=\"page\"").count(), 1, "{html}");

    // A request opens beside the list of requests.
    let zed = app.member("zed").await;
    let req = write(&app, &zed, "ann", "A request").await;
    let html = page(&app, &ann, &format!("/messages/{req}")).await;
    assert!(
        html.contains("href=\"/messages?box=requests\" id=\"tab-requests\" aria-current=\"true\""),
        "{html}"
    );
    let open = item(&html, &format!("conversation-{req}"));
    assert!(open.contains("aria-current=\"page\""), "{open}");
    assert!(
        !html.contains(&format!("id=\"conversation-{with_bob}\"")),
        "{html}"
    );
}
