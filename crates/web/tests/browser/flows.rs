//! Steps several tests share: starting a server, signing in and out through the pages.

use guild_testkit::{TestApp, TestMember};

use crate::browser::Browser;

/// A fresh Guild served on a real socket, and its base URL.
pub async fn served_app() -> (TestApp, String) {
    let app = TestApp::new().await;
    let addr = app.spawn_server().await;
    (app, format!("http://{addr}"))
}

/// Signs `member` in through the /signin form and waits for the signed-in top bar.
pub async fn sign_in(b: &Browser, member: &TestMember) {
    b.goto("/signin").await;
    b.fill("input[name=email]", &member.email).await;
    b.fill("input[name=password]", &member.password).await;
    b.click_and_wait("#signin-submit").await;
    expect_signed_in(b, &member.name).await;
}

/// Waits for the top bar's "me" menu, and checks it names `name`.
pub async fn expect_signed_in(b: &Browser, name: &str) {
    let summary = b.text("details.menu summary").await;
    if !summary.contains(name) {
        b.fail(&format!("the me-menu shows {summary:?}, not {name:?}"))
            .await;
    }
}

/// Signs out with the button in the top bar's "me" menu.
pub async fn sign_out(b: &Browser) {
    b.find("details.menu summary")
        .await
        .click()
        .await
        .expect("open the me-menu");
    b.click_and_wait("details.menu form[action='/signout'] button")
        .await;
    if b.exists("details.menu").await {
        b.fail("still signed in after Sign out").await;
    }
}
