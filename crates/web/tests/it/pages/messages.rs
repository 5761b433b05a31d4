//! Messaging pages: writing from a profile, the inbox and requests, a conversation with its
//! actions, a refusal beside the field, the away page and what others see of it, settings,
//! search — and other members trying to open or act on a conversation that is not theirs.

use guild_testkit::{TestApp, TestMember};

use super::{assert_field_error, location};

/// Sends the new-message form as a browser without JavaScript does.
pub(super) async fn write(
    app: &TestApp,
    from: &TestMember,
    to: &str,
    body: &str,
) -> guild_testkit::Resp {
    app.post("/messages")
        .session(from)
        .multipart(&[("to", to), ("body", body)], &[])
        .send()
        .await
}

#[tokio::test]
async fn a_member_writes_from_a_profile_and_the_other_reads_and_replies() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let profile = app.get("/in/bob").session(&ann).send().await.text();
    assert!(
        profile.contains("href=\"/messages/new?to=bob\""),
        "{profile}"
    );
    let form = app.get("/messages/new?to=bob").session(&ann).send().await;
    form.assert_status(200);
    assert!(form.text().contains("value=\"bob\""));

    // Refused: the text is kept and the message is beside the field.
    let r = write(&app, &ann, "bob", "").await;
    r.assert_status(422);
    assert_field_error(&r.text(), "body", "Write a message.");
    let r = write(&app, &ann, "ghost", "Hello").await;
    r.assert_status(422);
    assert_field_error(&r.text(), "to", "No member @ghost.");
    assert!(r.text().contains("Hello"));

    let r = write(&app, &ann, "bob", "Coffee at **10**?").await;
    r.assert_status(303);
    let to = location(&r);
    assert!(to.starts_with("/messages/"), "{to}");
    let conv = to
        .trim_start_matches("/messages/")
        .split('?')
        .next()
        .unwrap()
        .to_string();

    // Bob's top bar counts it; his inbox lists it, bold and counted.
    let inbox = app.get("/messages").session(&bob).send().await.text();
    assert!(
        inbox.contains("id=\"messages-count\" role=\"img\" aria-label=\"1 unread conversation\""),
        "{inbox}"
    );
    assert!(
        inbox.contains(&format!("id=\"conversation-{conv}\"")),
        "{inbox}"
    );
    assert!(
        inbox.contains("Coffee at **10**?") || inbox.contains("Coffee at 10?"),
        "{inbox}"
    );
    let page = app
        .get(&format!("/messages/{conv}"))
        .session(&bob)
        .send()
        .await;
    page.assert_status(200);
    assert!(page.text().contains("<strong>10</strong>"));
    assert!(page.text().contains("id=\"reply-form\""));
    let r = app
        .post(&format!("/messages/{conv}"))
        .session(&bob)
        .multipart(&[("body", "Yes, see you")], &[])
        .send()
        .await;
    r.assert_status(303);
    let page = app
        .get(&format!("/messages/{conv}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(page.contains("Yes, see you"));
    // The live fragment: only what came after.
    let first = page
        .split("data-id=\"")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let frag = app
        .get(&format!("/messages/{conv}/items?after={first}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        frag.contains("Yes, see you") && !frag.contains("Coffee"),
        "{frag}"
    );

    // Someone else: not found, and their actions change nothing.
    let eve = app.member("eve").await;
    app.get(&format!("/messages/{conv}"))
        .session(&eve)
        .send()
        .await
        .assert_status(404);
    app.get(&format!("/messages/{conv}/items"))
        .session(&eve)
        .send()
        .await
        .assert_status(404);
    for action in ["archive", "clear", "leave", "accept"] {
        let r = app
            .post(&format!("/messages/{conv}/do/{action}"))
            .session(&eve)
            .send()
            .await;
        r.assert_status(404);
    }
    let r = app
        .post(&format!("/messages/{conv}"))
        .session(&eve)
        .multipart(&[("body", "hi")], &[])
        .send()
        .await;
    r.assert_status(404);
    let page = app
        .get(&format!("/messages/{conv}"))
        .session(&bob)
        .send()
        .await
        .text();
    assert!(!page.contains(">hi<"));
    // Signed out: to sign in.
    let r = app.get("/messages").send().await;
    assert_eq!(r.status.as_u16(), 303);
}

#[tokio::test]
async fn a_request_is_answered_from_its_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let zed = app.member("zed").await;
    let r = write(&app, &zed, "ann", "Hello from a stranger").await;
    let to = location(&r);
    assert!(to.ends_with("?sent=request"), "{to}");
    let conv = to
        .trim_start_matches("/messages/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    let sent = app.get(&to).session(&zed).send().await.text();
    assert!(sent.contains("Sent as a message request"), "{sent}");
    assert!(sent.contains("id=\"awaiting-answer\""), "{sent}");
    let inbox = app.get("/messages").session(&ann).send().await.text();
    assert!(!inbox.contains(&format!("conversation-{conv}")));
    let req = app
        .get("/messages?box=requests")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(req.contains(&format!("conversation-{conv}")), "{req}");
    let page = app
        .get(&format!("/messages/{conv}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(page.contains("id=\"accept-request\""), "{page}");
    assert!(page.contains("action=\"/in/zed/block\""), "{page}");
    let r = app
        .post(&format!("/messages/{conv}/do/accept"))
        .session(&ann)
        .send()
        .await;
    assert_eq!(location(&r), format!("/messages/{conv}"));
    let inbox = app.get("/messages").session(&ann).send().await.text();
    assert!(inbox.contains(&format!("conversation-{conv}")));

    // Another stranger is blocked from the request: the conversation becomes read-only.
    let yan = app.member("yan").await;
    let r = write(&app, &yan, "ann", "Buy now").await;
    let to = location(&r);
    let c2 = to
        .trim_start_matches("/messages/")
        .split('?')
        .next()
        .unwrap()
        .to_string();
    app.post("/in/yan/block").session(&ann).send().await;
    let page = app
        .get(&format!("/messages/{c2}"))
        .session(&yan)
        .send()
        .await
        .text();
    assert!(page.contains("id=\"read-only\""), "{page}");
    assert!(!page.contains("id=\"reply-form\""));
}

#[tokio::test]
async fn the_away_page_sets_a_period_that_others_see_and_that_answers_once() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    app.connect(&ann, &bob).await;
    app.get("/me/away")
        .session(&bob)
        .send()
        .await
        .assert_status(200);
    // Bad dates: beside the field, nothing saved.
    let r = app
        .post("/me/away")
        .session(&bob)
        .form(&[
            ("start", "2099-02-10"),
            ("end", "2099-02-01"),
            ("message", "Away"),
        ])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "end", "The end comes after the start.");
    let today = chrono::Utc::now().date_naive();
    let end = today + chrono::Days::new(5);
    let r = app
        .post("/me/away")
        .session(&bob)
        .form(&[
            ("start", &today.to_string()),
            ("end", &end.to_string()),
            ("message", "Hiking, back next week."),
            ("message_for_others", ""),
            ("contact_handle", "cyd"),
        ])
        .send()
        .await;
    assert_eq!(location(&r), "/me/away");
    let saved = r.flash_cookie().expect("saving says so");
    let mine = app
        .get("/me/away")
        .cookie(&format!("{}; {saved}", bob.cookie))
        .send()
        .await
        .text();
    assert!(mine.contains("Your away period is saved."), "{mine}");
    assert!(mine.contains("id=\"away-current\""), "{mine}");
    assert!(mine.contains("Hiking, back next week."));

    let until = format!("is away until {}", end.format("%-d %B %Y"));
    for page in ["/in/bob", "/in/bob/invite", "/messages/new?to=bob"] {
        let html = app.get(page).session(&cyd).send().await.text();
        assert!(html.contains(&until), "{page}: {html}");
        assert!(html.contains("contact Cyd"), "{page}: {html}");
    }
    // Signed out, nobody sees it.
    let public = app.get("/in/bob").send().await.text();
    assert!(!public.contains("is away until"));

    let r = write(&app, &ann, "bob", "Are you there?").await;
    let to = location(&r);
    let page = app.get(&to).session(&ann).send().await.text();
    assert_eq!(page.matches("Automatic reply</span>").count(), 1, "{page}");
    assert!(page.contains(&until), "the thread shows the notice: {page}");
    let r = app
        .post(to.split('?').next().unwrap())
        .session(&ann)
        .multipart(&[("body", "Again")], &[])
        .send()
        .await;
    let page = app.get(&location(&r)).session(&ann).send().await.text();
    assert_eq!(page.matches("Automatic reply</span>").count(), 1, "{page}");

    let r = app.post("/me/away/end").session(&bob).send().await;
    assert_eq!(location(&r), "/messages?done=away-ended");
    let html = app.get("/in/bob").session(&cyd).send().await.text();
    assert!(!html.contains("is away until"));
}

#[tokio::test]
async fn settings_and_search_pages() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    let html = app
        .get("/settings/messaging")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        html.contains("<option value=\"everyone\" selected>"),
        "{html}"
    );
    let r = app
        .post("/settings/messaging")
        .session(&ann)
        .form(&[("who_can_message", "connections"), ("email", "on")])
        .send()
        .await;
    assert_eq!(location(&r), "/settings/messaging");
    let saved = r.flash_cookie().expect("saving says so");
    let html = app
        .get("/settings/messaging")
        .cookie(&format!("{}; {saved}", ann.cookie))
        .send()
        .await
        .text();
    assert!(html.contains("Messaging settings saved."), "{html}");
    assert!(
        html.contains("<option value=\"connections\" selected>"),
        "{html}"
    );
    assert!(
        !html.contains("id=\"read-receipts\" name=\"read_receipts\" checked"),
        "{html}"
    );

    write(&app, &bob, "ann", "The budget is approved").await;
    let html = app
        .get("/messages/search?q=BUDGET")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(html.contains("The budget is approved"), "{html}");
    let r = app.get("/messages/search?q=b").session(&ann).send().await;
    r.assert_status(422);
    assert!(r.text().contains("at least 2 characters"));
    let html = app
        .get("/messages/search?q=budget")
        .session(&app.member("eve").await)
        .send()
        .await
        .text();
    assert!(!html.contains("The budget is approved"));
}

#[tokio::test]
async fn an_administrator_delivers_or_deletes_held_messages_from_the_admin_page() {
    let app = TestApp::with_settings(|s| s.limits.spam_recipients_per_hour = 2).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    let dia = app.member("dia").await;
    let boss = app.admin("boss").await;
    write(&app, &ann, "bob", "Buy the course today").await;
    let r = write(&app, &ann, "cyd", "Buy the course today!").await;
    assert!(location(&r).ends_with("?sent=held"), "{}", location(&r));
    let held = app.get(&location(&r)).session(&ann).send().await.text();
    assert!(held.contains("Your message is held for review"), "{held}");
    assert!(held.contains("Held for review — not delivered"), "{held}");
    write(&app, &ann, "dia", "BUY the course today").await;
    assert!(!app
        .get("/messages?box=requests")
        .session(&cyd)
        .send()
        .await
        .text()
        .contains("Ann"));

    // A member may not see or act on the review list.
    app.get("/admin")
        .session(&bob)
        .send()
        .await
        .assert_status(403);
    let page = app.get("/admin").session(&boss).send().await.text();
    assert_eq!(page.matches("class=\"message held\"").count(), 2, "{page}");
    let ids: Vec<String> = page
        .split("id=\"held-")
        .skip(1)
        .map(|s| s.split('"').next().unwrap().to_string())
        .filter(|s| s.chars().all(|c| c.is_ascii_digit()))
        .collect();
    assert_eq!(ids.len(), 2, "{ids:?}");
    app.post(&format!("/admin/held/{}/release", ids[0]))
        .session(&bob)
        .send()
        .await
        .assert_status(403);
    // Newest first: Dia's, then Cyd's.
    let r = app
        .post(&format!("/admin/held/{}/delete", ids[0]))
        .session(&boss)
        .send()
        .await;
    assert_eq!(location(&r), "/admin#held");
    app.post(&format!("/admin/held/{}/release", ids[1]))
        .session(&boss)
        .send()
        .await;
    let req = app
        .get("/messages?box=requests")
        .session(&cyd)
        .send()
        .await
        .text();
    assert!(req.contains("Ann"), "{req}");
    assert!(!app
        .get("/messages?box=requests")
        .session(&dia)
        .send()
        .await
        .text()
        .contains("Ann"));
    let page = app.get("/admin").session(&boss).send().await.text();
    assert!(page.contains("id=\"held-empty\""), "{page}");
}
