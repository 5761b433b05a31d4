//! The sign-in code step of a guarded account, and the password form's choice about API
//! tokens, in Chromium on a desktop and a phone: the member reads the code from the email,
//! types it, is signed in, and finds the "revoke my tokens" box ticked. Screenshots of both
//! pages at both widths go to `target/screenshots/`.

use guild_testkit::TestApp;

use crate::browser::Browser;
use crate::flows::expect_signed_in;
use crate::phone::expect_no_sideways_scroll;

#[tokio::test(flavor = "multi_thread")]
async fn a_guarded_account_signs_in_with_the_emailed_code_on_desktop_and_phone() {
    let app = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.sign_ins_per_account_per_hour = 2;
    })
    .await;
    let base = format!("http://{}", app.spawn_server().await);
    let ann = app.member("ann").await;
    for (run, name) in ["desktop", "phone"].into_iter().enumerate() {
        // Someone elsewhere guesses: ann's account is guarded for the hour (a code sign-in
        // lifts it, so each run is guessed at afresh).
        for i in 0..3 {
            app.post("/signin")
                .header("x-forwarded-for", &format!("198.51.100.{}", run * 10 + i))
                .form(&[("email", &ann.email), ("password", "not the one at all")])
                .send()
                .await
                .assert_status(401);
        }
        let b = match name {
            "desktop" => Browser::desktop(&base).await,
            _ => Browser::phone(&base, 375, 812).await,
        };
        b.goto("/signin").await;
        b.fill("input[name=email]", &ann.email).await;
        b.fill("input[name=password]", &ann.password).await;
        b.click_and_wait("#signin-submit").await;
        let step = b.text("main").await;
        assert!(
            step.contains("emailed you a sign-in code"),
            "{name}: {step}"
        );
        assert!(!b.exists("input[name=password]").await, "{name}");
        expect_no_sideways_scroll(&b, "the sign-in code step").await;
        b.screenshot(&format!("sign-in-code-{name}")).await;
        let code = app.sign_in_code(&ann.email).await.expect("a code by email");
        b.fill("input[name=code]", &code).await;
        b.click_and_wait("#signin-submit").await;
        expect_signed_in(&b, &ann.name).await;

        b.goto("/settings").await;
        b.find("#password-form").await;
        let ticked = b
            .js(
                "return document.getElementById('revoke-tokens').checked",
                vec![],
            )
            .await;
        assert_eq!(ticked, serde_json::json!(true), "{name}");
        expect_no_sideways_scroll(&b, "/settings").await;
        b.screenshot(&format!("settings-password-{name}")).await;
    }
}
