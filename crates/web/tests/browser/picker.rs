//! The member picker (issue 16), by keyboard only: in the new-message "To" field ("rey",
//! ArrowDown, Enter: a chip; Backspace removes it; the message reaches the member chosen)
//! and in a comment box (a mention chosen the same way; the comment shows the name), with
//! the ARIA combobox attributes a screen reader follows. Screenshots `picker-1280` and
//! `picker-375` show the list open.

use fantoccini::key::Key;
use guild_testkit::{TestApp, TestMember};
use serde_json::json;

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

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

/// Types "rey" into the focused `css` field and waits for its two members.
async fn type_rey(b: &Browser, css: &str) {
    // Focus by script keeps the caret where typing left it.
    b.find(css).await;
    b.js(
        "document.querySelector(arguments[0]).focus(); return null;",
        vec![css.into()],
    )
    .await;
    b.press("rey").await;
    b.wait_js(
        "the picker's list with two members",
        &format!(
            "(() => {{ const f = document.querySelector('{css}');
               const l = document.getElementById(f.getAttribute('aria-controls'));
               return l && !l.hidden && l.querySelectorAll('[role=option]').length === 2; }})()"
        ),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_picker_chooses_recipients_and_mentions_by_keyboard() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    let linh = named(&app, "linh", "Linh Reyes", "Data engineer at Acme").await;
    let mai = named(&app, "mai", "Mai Reyes", "Product designer").await;
    app.connect(&ann, &linh).await;
    let _ = mai;

    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/messages/new").await;
    type_rey(&b, "#message-to").await;

    // The combobox and its list, as the ARIA pattern has them.
    let aria = b
        .js(
            "const f = document.getElementById('message-to');
             const l = document.getElementById(f.getAttribute('aria-controls'));
             const s = [...document.querySelectorAll('[role=status]')].map(e => e.textContent);
             return [f.getAttribute('role'), f.getAttribute('aria-expanded'),
                     f.getAttribute('aria-autocomplete'), l.getAttribute('role'),
                     f.hasAttribute('aria-activedescendant'),
                     l.querySelector('[role=option] .picker-name').firstChild.textContent,
                     l.querySelector('[role=option] .picker-degree').textContent,
                     s.includes('2 members found'),
                     document.querySelector('label[for=message-to]') !== null];",
            vec![],
        )
        .await;
    let want = json!([
        "combobox",
        "true",
        "list",
        "listbox",
        false,
        "Linh Reyes",
        " · 1st",
        true,
        true
    ]);
    if aria != want {
        b.fail(&format!("the combobox reads {aria}, not {want}"))
            .await;
    }
    b.press(&Key::Down.to_string()).await;
    let active = b
        .js(
            "const f = document.getElementById('message-to');
             const o = document.getElementById(f.getAttribute('aria-activedescendant'));
             return [o && o.getAttribute('aria-selected'), o && o.querySelector('.picker-text').textContent, document.activeElement === f];",
            vec![],
        )
        .await;
    if active != json!(["true", "Linh Reyes · 1stData engineer at Acme", true]) {
        b.fail(&format!("ArrowDown made {active} active")).await;
    }

    // Enter chooses: a chip with its remove button; the form's field holds the handle.
    b.press(&Key::Enter.to_string()).await;
    let chosen = b
        .js(
            "return [[...document.querySelectorAll('.picker-chip button')].map(x => x.getAttribute('aria-label')),
                     document.querySelector('input[name=to]').value,
                     document.getElementById('message-to').getAttribute('aria-expanded'),
                     document.getElementById('message-to').value];",
            vec![],
        )
        .await;
    if chosen != json!([["Remove Linh Reyes"], "linh", "false", ""]) {
        b.fail(&format!("after Enter the picker holds {chosen}"))
            .await;
    }
    // Backspace in the empty field removes the last chip; choose again.
    b.press(&Key::Backspace.to_string()).await;
    if b.exists(".picker-chip").await {
        b.fail("Backspace left the chip").await;
    }
    b.press("rey").await;
    b.wait_js(
        "the list again",
        "document.getElementById('message-to').getAttribute('aria-expanded') === 'true'",
    )
    .await;
    b.press(&format!("{}{}", Key::Down, Key::Enter)).await;
    b.wait_js(
        "the chip again",
        "document.querySelector('input[name=to]').value === 'linh'",
    )
    .await;
    // Escape closes the list without choosing (the screenshot: a chip, and the list open).
    b.press("mai").await;
    b.wait_js(
        "Mai offered",
        "document.getElementById('message-to').getAttribute('aria-expanded') === 'true'",
    )
    .await;
    b.press(&Key::Down.to_string()).await;
    b.screenshot("picker-1280").await;
    b.press(&Key::Escape.to_string()).await;
    b.wait_js(
        "the list closed",
        "document.getElementById('message-to').getAttribute('aria-expanded') === 'false'",
    )
    .await;
    b.fill("#message-to", "").await;
    b.fill("#message-body", "Hello from the picker").await;
    b.submit("#new-message-form").await;
    if !b.path().await.starts_with("/messages/") {
        b.fail("sending did not open the conversation").await;
    }
    let inbox = app.get("/messages").session(&linh).send().await.text();
    if !inbox.contains("Hello from the picker") {
        b.fail(&format!("Linh's inbox lacks the message: {inbox}"))
            .await;
    }

    // A comment box: "@rey", ArrowDown, Enter writes "@linh "; the comment shows her name.
    let post = app
        .post("/api/v1/posts")
        .token(&ann)
        .json(json!({"body": "Who reviews the schema?", "visibility": "anyone"}))
        .send()
        .await
        .json();
    let id = post["post"]["id"].as_str().unwrap().to_string();
    b.goto(&format!("/posts/{id}")).await;
    b.find("#comment-body")
        .await
        .click()
        .await
        .expect("focus the comment box");
    b.press("Thanks @").await;
    type_rey(&b, "#comment-body").await;
    let textbox = b
        .js(
            "const f = document.getElementById('comment-body');
             return [f.getAttribute('role'), f.getAttribute('aria-autocomplete'),
                     document.getElementById(f.getAttribute('aria-controls')).getAttribute('role')];",
            vec![],
        )
        .await;
    if textbox != json!([null, "list", "listbox"]) {
        b.fail(&format!("the comment box reads {textbox}")).await;
    }
    b.press(&Key::Down.to_string()).await;
    b.screenshot("picker-comment-1280").await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_js(
        "the mention written",
        "document.getElementById('comment-body').value === 'Thanks @linh '",
    )
    .await;
    b.press("for the review").await;
    b.submit("#comment-form").await;
    let link = b
        .js(
            "const a = document.querySelector('.comment-body a.mention');
             return a && [a.getAttribute('href'), a.textContent, a.parentElement.textContent];",
            vec![],
        )
        .await;
    if link != json!(["/in/linh", "Linh Reyes", "Thanks Linh Reyes for the review"]) {
        b.fail(&format!("the comment shows {link}")).await;
    }

    // A phone: the same list, open, at 375 px.
    let p = Browser::phone(&base, 375, 812).await;
    sign_in(&p, &ann).await;
    p.goto("/messages/new").await;
    type_rey(&p, "#message-to").await;
    p.press(&Key::Down.to_string()).await;
    p.screenshot("picker-375").await;
}
