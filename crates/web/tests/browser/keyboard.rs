//! Signing in with the keyboard alone: type, Tab, Enter.

use fantoccini::key::Key;
use guild_testkit::PASSWORD;

use crate::browser::Browser;
use crate::flows::{expect_signed_in, served_app};

#[tokio::test(flavor = "multi_thread")]
async fn sign_in_with_the_keyboard_only() {
    let (app, base) = served_app().await;
    let kim = app.member("kim").await;
    let b = Browser::desktop(&base).await;
    b.goto("/signin").await;
    b.find("input[name=email]").await;
    b.js(
        "document.querySelector('input[name=email]').focus(); return null;",
        vec![],
    )
    .await;
    let focused = b.focused().await;
    assert!(
        focused.starts_with("input[name=email]"),
        "the email field did not take the focus ({focused})"
    );

    b.press(&kim.email).await;
    // Tab to the password field; it should be the next stop after the email.
    b.press(&Key::Tab.to_string()).await;
    let focused = b.focused().await;
    if !focused.starts_with("input[name=password]") {
        b.fail(&format!(
            "Tab from the email field went to {focused}, not the password field"
        ))
        .await;
    }
    b.press(PASSWORD).await;
    b.mark_page().await;
    b.press(&Key::Enter.to_string()).await;
    b.wait_for_new_page("the page after pressing Enter in the password field")
        .await;

    let path = b.path().await;
    assert!(
        !path.starts_with("/signin"),
        "still on the sign-in page ({path}) after Enter"
    );
    expect_signed_in(&b, &kim.name).await;
}
