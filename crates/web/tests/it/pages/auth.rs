//! Home, sign-up, confirmation, sign-in, sign-out and password reset pages.

use super::*;
use guild_core::accounts::store::AccountStore;

// ---- home, sign-up, confirmation ----

#[tokio::test]
async fn home_is_a_landing_page_for_visitors_and_a_dashboard_for_members() {
    let app = TestApp::new().await;
    let r = app.get("/").send().await;
    r.assert_status(200);
    let html = r.text();
    assert!(
        html.contains("href=\"/signup\"")
            && html.contains(">Join<")
            && html.contains("href=\"/signin\""),
        "{html}"
    );
    assert!(!html.contains("id=\"strength\""));

    let ann = app.member("ann").await;
    let html = app.get("/").session(&ann).send().await.text();
    assert!(
        html.contains("<section id=\"strength\"") && html.contains("data-level=\"Beginner\""),
        "{html}"
    );
    assert!(html.contains("<span id=\"strength-level\">Beginner</span>"));
    assert!(html.contains("<progress class=\"meter\" max=\"8\" value=\"0\""));
    assert!(
        html.contains("href=\"/me/edit?open=photo#edit-photo\">Add a profile photo</a>"),
        "the next step links to its section"
    );
    assert!(html.contains("href=\"/members\"") && html.contains("href=\"/me/edit\""));
    assert!(
        html.contains("<span class=\"menu-avatar\" aria-hidden=\"true\">A</span><span class=\"menu-name\">Ann</span></summary>"),
        "the me-menu names the member"
    );
}

#[tokio::test]
async fn sign_up_then_the_emailed_link_signs_in_once() {
    let app = TestApp::new().await;
    let html = app.get("/signup").send().await.text();
    for needle in [
        "name=\"name\"",
        "type=\"password\"",
        "autocomplete=\"new-password\"",
        "name=\"handle\"",
        "id=\"signup-submit\"",
    ] {
        assert!(
            html.contains(needle),
            "{needle} missing from the sign-up form"
        );
    }
    let fields = [
        ("name", "Cleo Park"),
        ("email", "Cleo@Example.com"),
        ("password", "a long passphrase"),
        ("handle", "cleo"),
        ("invite", ""),
    ];
    let r = app.post("/signup").form(&fields).send().await;
    r.assert_status(200);
    assert!(
        r.text().contains("<h1>Check your email</h1>") && r.text().contains("cleo@example.com"),
        "{}",
        r.text()
    );

    // The same answer for an address that already has an account.
    let r = app.post("/signup").form(&fields).send().await;
    r.assert_status(200);
    assert!(r.text().contains("<h1>Check your email</h1>"));

    let link = app
        .link_in_email("cleo@example.com", "/confirm/")
        .await
        .expect("a confirmation link");
    let r = app.get(&link).send().await;
    assert_redirect(&r, "/me/edit");
    let cookie = r.session_cookie().expect("a session cookie");
    let html = app.get("/me/edit").cookie(&cookie).send().await.text();
    assert!(
        html.contains("Cleo Park") && html.contains("id=\"profile-form\""),
        "{html}"
    );

    let again = app.get(&link).send().await;
    again.assert_status(400);
    assert!(
        again.text().contains("expired") && again.text().contains("href=\"/signin\""),
        "{}",
        again.text()
    );
    assert!(again.session_cookie().is_none());
}

#[tokio::test]
async fn sign_up_with_bad_input_keeps_what_was_typed_and_creates_nothing() {
    let app = TestApp::new().await;
    let fields = [
        ("name", "Dan <b>"),
        ("email", "not-an-email"),
        ("password", "short"),
        ("handle", "1x"),
        ("invite", ""),
    ];
    let r = app.post("/signup").form(&fields).send().await;
    r.assert_status(422);
    let html = r.text();
    assert_field_error(&html, "email", "Enter an email address");
    assert_field_error(&html, "password", "at least 10 characters");
    assert_field_error(&html, "handle", "3 to 30");
    assert!(
        tag(&html, "email").contains("value=\"not-an-email\""),
        "{}",
        tag(&html, "email")
    );
    assert!(
        tag(&html, "name").contains("value=\"Dan &#60;b&#62;\"")
            || tag(&html, "name").contains("value=\"Dan &lt;b&gt;\""),
        "{}",
        tag(&html, "name")
    );
    assert!(
        !html.contains("short"),
        "a password is never written back into the page"
    );
    assert!(app.emails().await.is_empty(), "nothing was sent");
    assert!(app
        .store
        .member_by_email("not-an-email")
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn sign_up_by_invitation_only() {
    let app = TestApp::with_settings(|s| s.registration.mode = RegistrationMode::InviteOnly).await;
    let html = app.get("/signup").send().await.text();
    assert!(
        html.contains("needs an invitation") && !html.contains("id=\"signup-form\""),
        "{html}"
    );

    let admin = app.admin("root-admin").await;
    let html = app
        .post("/admin/invites")
        .session(&admin)
        .send()
        .await
        .text();
    let start = html.find("<code id=\"invite-link\">").expect("the link")
        + "<code id=\"invite-link\">".len();
    let link = &html[start..start + html[start..].find("</code>").unwrap()];
    let path = link
        .strip_prefix("http://guild.test")
        .expect("the full public link");
    assert!(path.starts_with("/signup?invite="), "{link}");
    let token = &path["/signup?invite=".len()..];

    let html = app.get(path).send().await.text();
    assert!(
        html.contains(&format!("name=\"invite\" value=\"{token}\"")),
        "{html}"
    );
    let r = app
        .post("/signup")
        .form(&[
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("password", "a long passphrase"),
            ("handle", ""),
            ("invite", "forged"),
        ])
        .send()
        .await;
    r.assert_status(422);
    assert!(
        r.text().contains("role=\"alert\"") && r.text().contains("invitation"),
        "{}",
        r.text()
    );
    let r = app
        .post("/signup")
        .form(&[
            ("name", "Eve"),
            ("email", "eve@example.com"),
            ("password", "a long passphrase"),
            ("handle", ""),
            ("invite", token),
        ])
        .send()
        .await;
    r.assert_status(200);
    assert!(app
        .link_in_email("eve@example.com", "/confirm/")
        .await
        .is_some());
}

#[tokio::test]
async fn too_many_sign_ups_show_the_form_again_with_when_to_retry() {
    let app = TestApp::with_settings(|s| s.limits.signups_per_ip_per_hour = 1).await;
    let form = |email: &'static str| {
        [
            ("name", "Fay"),
            ("email", email),
            ("password", "a long passphrase"),
            ("handle", ""),
            ("invite", ""),
        ]
    };
    app.post("/signup")
        .form(&form("fay@example.com"))
        .send()
        .await
        .assert_status(200);
    let r = app
        .post("/signup")
        .form(&form("fay2@example.com"))
        .send()
        .await;
    r.assert_status(429);
    assert!(r.header("retry-after").is_some());
    let html = r.text();
    assert!(
        html.contains("<p class=\"alert\" role=\"alert\">Too many sign-ups"),
        "{html}"
    );
    assert!(tag(&html, "email").contains("value=\"fay2@example.com\""));
}

// ---- sign-in, sign-out, password reset ----

#[tokio::test]
async fn sign_in_rotates_the_session_and_follows_next() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let html = app.get("/signin?next=/me/edit").send().await.text();
    assert!(
        html.contains("name=\"next\" value=\"/me/edit\"") && html.contains("id=\"signin-submit\""),
        "{html}"
    );
    assert!(html.contains("href=\"/password/forgot\"") && html.contains("href=\"/signup\""));

    let r = app
        .post("/signin")
        .cookie(&ann.cookie)
        .form(&[
            ("email", &ann.email),
            ("password", PASSWORD),
            ("next", "/me/edit"),
        ])
        .send()
        .await;
    assert_redirect(&r, "/me/edit");
    let fresh = r.session_cookie().expect("a new session");
    assert_ne!(fresh, ann.cookie);
    assert_redirect(
        &app.get("/me/edit").cookie(&ann.cookie).send().await,
        "/signin?next=/me/edit",
    );
    app.get("/me/edit")
        .cookie(&fresh)
        .send()
        .await
        .assert_status(200);

    for next in [
        "//evil.example/x",
        "https://evil.example",
        "/\\evil.example",
    ] {
        let r = app
            .post("/signin")
            .form(&[
                ("email", &ann.email),
                ("password", PASSWORD),
                ("next", next),
            ])
            .send()
            .await;
        assert_redirect(&r, "/");
    }
}

#[tokio::test]
async fn wrong_credentials_show_the_form_again_with_the_email_kept() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/signin")
        .form(&[
            ("email", &ann.email),
            ("password", "not my password"),
            ("next", "/settings"),
        ])
        .send()
        .await;
    r.assert_status(401);
    let html = r.text();
    assert!(
        html.contains("role=\"alert\">Email or password is not right."),
        "{html}"
    );
    assert!(tag(&html, "email").contains("value=\"ann@example.com\""));
    assert!(tag(&html, "next").contains("value=\"/settings\""));
    assert!(!html.contains("not my password"));
    assert!(r.session_cookie().is_none());
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app.post("/signout").session(&ann).send().await;
    assert_redirect(&r, "/");
    assert!(r.header("set-cookie").unwrap().contains("Max-Age=0"));
    assert_redirect(
        &app.get("/settings").session(&ann).send().await,
        "/signin?next=/settings",
    );
}

#[tokio::test]
async fn password_reset_by_email() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    app.get("/password/forgot").send().await.assert_status(200);
    let known = app
        .post("/password/forgot")
        .form(&[("email", &ann.email)])
        .send()
        .await;
    let unknown = app
        .post("/password/forgot")
        .form(&[("email", "nobody@example.com")])
        .send()
        .await;
    known.assert_status(200);
    assert_eq!(
        known.text(),
        unknown.text(),
        "the answer does not reveal whether the account exists"
    );
    assert!(known
        .text()
        .contains("If an account uses this address, we have sent a link"));
    let bad = app
        .post("/password/forgot")
        .form(&[("email", "nope")])
        .send()
        .await;
    bad.assert_status(422);
    assert_field_error(&bad.text(), "email", "Enter an email address");

    let link = app
        .link_in_email(&ann.email, "/password/reset/")
        .await
        .expect("a reset link");
    app.get(&link).send().await.assert_status(200);
    let r = app.post(&link).form(&[("password", "short")]).send().await;
    r.assert_status(422);
    assert_field_error(&r.text(), "password", "at least 10");
    let r = app
        .post(&link)
        .form(&[("password", "a brand new passphrase")])
        .send()
        .await;
    assert_redirect(&r, "/");
    assert!(r.session_cookie().is_some());
    assert_redirect(
        &app.get("/settings").session(&ann).send().await,
        "/signin?next=/settings",
    );
    app.guild
        .sign_in(&ann.email, "a brand new passphrase", "127.0.0.1")
        .await
        .expect("the new password works");
    let again = app
        .post(&link)
        .form(&[("password", "another new passphrase")])
        .send()
        .await;
    again.assert_status(400);
    assert!(again.text().contains("expired") && again.text().contains("href=\"/password/forgot\""));
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in_and_back() {
    let app = TestApp::new().await;
    for path in ["/me/edit", "/settings", "/admin"] {
        assert_redirect(&app.get(path).send().await, &format!("/signin?next={path}"));
    }
    let r = app
        .post("/me/profile")
        .form(&[("name", "X"), ("headline", "anon")])
        .send()
        .await;
    assert_redirect(&r, "/signin?next=/me/edit");
    let r = app.post("/me/positions/1/delete").send().await;
    assert_redirect(&r, "/signin?next=/me/edit");
    let r = app
        .post("/settings/tokens")
        .form(&[("label", "x")])
        .send()
        .await;
    assert_redirect(&r, "/signin?next=/settings");
}
