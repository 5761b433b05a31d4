//! What an outside security test found (issue "Closed doors"), each kept shut by a test:
//! private files served only to those who may read them, tokens ended with the password,
//! no account locked out by strangers, sign-up and reset answers that say nothing about who
//! is registered, nothing said of a member to those who may not see them, HSTS.

use guild_testkit::TestApp;
use serde_json::json;

#[tokio::test]
async fn a_profile_one_may_not_see_says_nothing_about_its_member() {
    let app = TestApp::new().await;
    let alice = app.member("alice-sec").await;
    let bob = app.member("bob").await;
    for (visibility, asker, status) in [("members", None, 401), ("connections", Some(&bob), 403)] {
        app.patch("/api/v1/me/profile")
            .token(&alice)
            .json(json!({"visibility": visibility, "headline": "Head of security"}))
            .send()
            .await
            .assert_status(200);
        let api = match asker {
            Some(m) => app.get("/api/v1/members/alice-sec").token(m).send().await,
            None => app.get("/api/v1/members/alice-sec").send().await,
        };
        api.assert_status(status);
        let page = match asker {
            Some(m) => app.get("/in/alice-sec").session(m).send().await,
            None => app.get("/in/alice-sec").send().await,
        };
        for (what, text) in [("API", api.text()), ("page", page.text())] {
            for secret in [alice.name.as_str(), "Head of security"] {
                assert!(
                    !text.contains(secret),
                    "{visibility} profile: the {what} names {secret:?}: {text}"
                );
            }
        }
    }
}
