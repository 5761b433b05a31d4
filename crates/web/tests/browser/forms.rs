//! Issue 16's feedback in a real browser: a profile section opened and saved with the
//! keyboard alone, "Profile saved" taking the focus, and the editor and settings at a
//! phone's width (screenshots `edit-profile-1280`, `edit-profile-375`, `settings-375`).

use fantoccini::key::Key;

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};
use crate::phone::expect_no_sideways_scroll;

#[tokio::test(flavor = "multi_thread")]
async fn a_section_is_edited_with_the_keyboard_and_saving_says_so() {
    let (app, base) = served_app().await;
    let ann = app.member("ann").await;
    app.guild
        .create_token(&app.viewer(&ann), "a script with a rather long label")
        .await
        .unwrap();

    let b = Browser::desktop(&base).await;
    sign_in(&b, &ann).await;
    b.goto("/me/edit").await;
    let open = b
        .js_str("return String(document.querySelectorAll('details.edit-section[open]').length)")
        .await;
    assert_eq!(open, "0", "every section starts closed");
    // To the Intro section's summary, Enter opens it, Tab to the headline, type, Enter saves.
    b.js(
        "document.querySelector('#edit-intro > summary').focus(); return null;",
        vec![],
    )
    .await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_js(
        "the intro section to open",
        "document.getElementById('edit-intro').open",
    )
    .await;
    b.press(&Key::Tab.to_string()).await;
    b.press(&Key::Tab.to_string()).await;
    let focused = b.focused().await;
    if !focused.starts_with("input[name=headline]") {
        b.fail(&format!("Tab went to {focused}, not the headline"))
            .await;
    }
    b.press("Builds bridges").await;
    b.mark_page().await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_for_new_page("the editor after saving").await;

    // Back in the same section, open, with the confirmation focused (and read out).
    let focused = b.focused().await;
    if focused != "p#flash" {
        let why = b
            .js_str("return location.href + ' ' + !!document.getElementById('flash') + ' ' + document.readyState")
            .await;
        b.fail(&format!(
            "the focus is on {focused}, not the confirmation ({why})"
        ))
        .await;
    }
    assert_eq!(b.text("#flash").await, "Profile saved.");
    let in_intro = b
        .js_str("const f = document.getElementById('flash'); return String(!!f.closest('#edit-intro[open]') && f.getAttribute('role'))")
        .await;
    assert_eq!(in_intro, "status");
    b.screenshot("edit-profile-1280").await;
    // Reloading shows it no more.
    b.goto("/me/edit").await;
    assert!(!b.exists("#flash").await);

    let phone = Browser::phone(&base, 375, 812).await;
    sign_in(&phone, &ann).await;
    phone.goto("/me/edit?open=experience").await;
    expect_no_sideways_scroll(&phone, "the profile editor").await;
    phone.screenshot("edit-profile-375").await;
    phone.goto("/settings#tokens").await;
    expect_no_sideways_scroll(&phone, "settings").await;
    // Each token is a stacked card: its cells one under another, not columns.
    let stacked = phone
        .js_str(
            "const cells = document.querySelectorAll('table.tokens tbody tr:first-child td');
             return String(cells.length === 4 && cells[1].getBoundingClientRect().top > cells[0].getBoundingClientRect().top)",
        )
        .await;
    assert_eq!(stacked, "true");
    phone.screenshot("settings-375").await;
}
