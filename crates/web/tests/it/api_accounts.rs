//! Sign-up, confirmation, tokens, credentials, limits.

use guild_core::accounts::store::AccountStore;
use guild_core::settings::RegistrationMode;
use guild_testkit::{TestApp, PASSWORD};
use serde_json::json;

fn signup_body(email: &str) -> serde_json::Value {
    json!({"name": "Nia Okafor", "email": email, "password": "a long enough password"})
}

fn token_of(link: &str) -> &str {
    link.rsplit('/').next().unwrap()
}

#[tokio::test]
async fn signup_sends_a_confirmation_and_the_account_works_after_it() {
    let app = TestApp::new().await;
    let r = app
        .post("/api/v1/auth/signup")
        .json(signup_body("Nia@Example.com"))
        .send()
        .await;
    r.assert_status(201);
    let body = r.json();
    assert_eq!(body["status"], "confirmation_sent");
    assert_eq!(body["member"]["handle"], "nia-okafor");
    assert_eq!(body["member"]["name"], "Nia Okafor");
    // not usable before confirmation
    let t = app
        .post("/api/v1/auth/tokens")
        .json(json!({"email": "nia@example.com", "password": "a long enough password"}))
        .send()
        .await;
    t.assert_status(401);
    assert!(t.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("confirm"));
    // not listed, not viewable
    app.get("/api/v1/members/nia-okafor")
        .send()
        .await
        .assert_status(404);
    let link = app
        .link_in_email("nia@example.com", "/confirm/")
        .await
        .expect("confirmation email");
    app.guild.confirm_email(token_of(&link)).await.unwrap();
    assert!(
        app.guild.confirm_email(token_of(&link)).await.is_err(),
        "a link works once"
    );
    let t = app.post("/api/v1/auth/tokens").json(json!({"email": "nia@example.com", "password": "a long enough password", "label": "script"})).send().await;
    t.assert_status(201);
    let token = t.json()["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("gld_"));
    let me = app.get("/api/v1/me").bearer(&token).send().await;
    me.assert_status(200);
    assert_eq!(me.json()["member"]["handle"], "nia-okafor");
    assert_eq!(me.json()["email"], "nia@example.com");
}

#[tokio::test]
async fn signup_does_not_reveal_a_registered_email() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let before = app.store.count_members().await.unwrap();
    let r = app
        .post("/api/v1/auth/signup")
        .json(json!({"name": "Someone", "email": ann.email, "password": "another long password"}))
        .send()
        .await;
    r.assert_status(201);
    assert_eq!(r.json()["status"], "confirmation_sent");
    assert_eq!(r.json()["member"]["name"], "Someone");
    assert_eq!(
        app.store.count_members().await.unwrap(),
        before,
        "no second account"
    );
    let mail = app
        .emails()
        .await
        .into_iter()
        .find(|e| e.to.contains(&ann.email))
        .expect("owner is told");
    assert!(mail.subject.contains("tried to sign up"));
    // ann's password is untouched
    app.post("/api/v1/auth/tokens")
        .json(json!({"email": ann.email, "password": PASSWORD}))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn signup_refuses_bad_input_field_by_field_and_creates_nothing() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({"name": "", "email": "x@example.com", "password": "long enough pw"}),
            "name",
        ),
        (
            json!({"name": "X", "email": "not-an-email", "password": "long enough pw"}),
            "email",
        ),
        (
            json!({"name": "X", "email": "x@example.com", "password": "short"}),
            "password",
        ),
        (
            json!({"name": "X", "email": "x@example.com", "password": "long enough pw", "handle": "settings"}),
            "handle",
        ),
        (
            json!({"name": "X", "email": "x@example.com", "password": "long enough pw", "handle": "a b"}),
            "handle",
        ),
        (
            json!({"name": "X".repeat(101), "email": "x@example.com", "password": "long enough pw"}),
            "name",
        ),
        (
            json!({"name": "X", "email": "x@example.com", "password": "p".repeat(129)}),
            "password",
        ),
    ];
    for (body, field) in cases {
        let r = app
            .post("/api/v1/auth/signup")
            .json(body.clone())
            .send()
            .await;
        r.assert_status(422);
        assert_eq!(r.error_code(), "invalid_input");
        assert!(
            r.json()["error"]["fields"][field].is_string(),
            "{field} for {body}: {}",
            r.text()
        );
    }
    let r = app.post("/api/v1/auth/signup").json(json!({"name": "X", "email": "x@example.com", "password": "long enough pw", "admin": true})).send().await;
    r.assert_status(400);
    assert_eq!(r.error_code(), "bad_request");
    let r = app
        .post("/api/v1/auth/signup")
        .raw_body("application/json", "{not json")
        .send()
        .await;
    r.assert_status(400);
    assert_eq!(app.store.count_members().await.unwrap(), 0);
    assert!(app.emails().await.is_empty());
}

#[tokio::test]
async fn invite_only_registration_needs_a_fresh_admin_link() {
    let app = TestApp::with_settings(|s| s.registration.mode = RegistrationMode::InviteOnly).await;
    let r = app
        .post("/api/v1/auth/signup")
        .json(signup_body("nia@example.com"))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["invite"].is_string());
    let admin = app.admin("root-admin").await;
    let bo = app.member("bob").await;
    assert!(
        app.guild
            .create_signup_invite(&app.viewer(&bo))
            .await
            .is_err(),
        "members cannot make invites"
    );
    let invite = app
        .guild
        .create_signup_invite(
            &app.guild
                .session_viewer(admin.cookie.split('=').nth(1).unwrap())
                .await
                .unwrap(),
        )
        .await
        .unwrap();
    let mut body = signup_body("nia@example.com");
    body["invite"] = json!(invite.token);
    app.post("/api/v1/auth/signup")
        .json(body.clone())
        .send()
        .await
        .assert_status(201);
    // a second sign-up with the same link before the first is confirmed: the link is used
    // up by whichever confirms first
    body["email"] = json!("other@example.com");
    app.post("/api/v1/auth/signup")
        .json(body.clone())
        .send()
        .await
        .assert_status(201);
    let first = app
        .link_in_email("nia@example.com", "/confirm/")
        .await
        .unwrap();
    let second = app
        .link_in_email("other@example.com", "/confirm/")
        .await
        .unwrap();
    app.get(token_path(&first)).send().await.assert_status(303);
    let late = app.get(token_path(&second)).send().await;
    late.assert_status(400);
    assert!(late.text().contains("already been used"), "{}", late.text());
    body["email"] = json!("third@example.com");
    let r = app.post("/api/v1/auth/signup").json(body).send().await;
    r.assert_status(422);
    assert!(
        r.json()["error"]["fields"]["invite"].is_string(),
        "used once"
    );
}

/// The path of an emailed link.
fn token_path(link: &str) -> &str {
    link.trim_start_matches("http://guild.test")
}

#[tokio::test]
async fn domain_limited_registration() {
    let app = TestApp::with_settings(|s| {
        s.registration.mode = RegistrationMode::Domains;
        s.registration.allowed_domains = vec!["acme.com".into()];
    })
    .await;
    let r = app
        .post("/api/v1/auth/signup")
        .json(signup_body("nia@gmail.com"))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["email"]
        .as_str()
        .unwrap()
        .contains("acme.com"));
    app.post("/api/v1/auth/signup")
        .json(signup_body("nia@ACME.com"))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn signups_are_rate_limited_per_ip_with_retry_after() {
    let app = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.signups_per_ip_per_hour = 2;
    })
    .await;
    for i in 0..2 {
        app.post("/api/v1/auth/signup")
            .header("x-forwarded-for", "203.0.113.9")
            .json(signup_body(&format!("n{i}@example.com")))
            .send()
            .await
            .assert_status(201);
    }
    let r = app
        .post("/api/v1/auth/signup")
        .header("x-forwarded-for", "203.0.113.9")
        .json(signup_body("n3@example.com"))
        .send()
        .await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "signup_rate_limited");
    assert!(r.json()["error"]["retry_after"]
        .as_str()
        .unwrap()
        .ends_with('Z'));
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("try again in"));
    assert!(r.header("retry-after").unwrap().parse::<i64>().unwrap() > 3000);
    assert!(app
        .store
        .member_by_email("n3@example.com")
        .await
        .unwrap()
        .is_none());
    app.post("/api/v1/auth/signup")
        .header("x-forwarded-for", "198.51.100.1")
        .json(signup_body("n4@example.com"))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn sign_in_is_rate_limited_per_account_and_per_ip() {
    let app = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.sign_ins_per_account_per_hour = 3;
        s.limits.sign_ins_per_ip_per_hour = 5;
    })
    .await;
    let ann = app.member("ann").await; // one sign-in used by the fixture, then cleared on success
    for _ in 0..3 {
        let ip = "192.0.2.0";
        let r = app
            .post("/api/v1/auth/tokens")
            .header("x-forwarded-for", ip)
            .json(json!({"email": ann.email, "password": "wrong password!"}))
            .send()
            .await;
        r.assert_status(401);
        assert_eq!(
            r.json()["error"]["message"],
            "Email or password is not right."
        );
    }
    // from one address, the account's allowance is used up: even the right password waits
    let r = app
        .post("/api/v1/auth/tokens")
        .header("x-forwarded-for", "192.0.2.0")
        .json(json!({"email": ann.email, "password": PASSWORD}))
        .send()
        .await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "sign_in_rate_limited");
    assert!(r.header("retry-after").is_some());
    // from another address, the owner signs in (three wrong ones do not guard the account)
    app.post("/api/v1/auth/tokens")
        .header("x-forwarded-for", "192.0.2.99")
        .json(json!({"email": ann.email, "password": PASSWORD}))
        .send()
        .await
        .assert_status(201);
    // per IP: five attempts for different accounts, then the sixth is refused
    for i in 0..5 {
        app.post("/api/v1/auth/tokens")
            .header("x-forwarded-for", "192.0.2.200")
            .json(json!({"email": format!("nobody{i}@example.com"), "password": "whatever pw"}))
            .send()
            .await
            .assert_status(401);
    }
    app.post("/api/v1/auth/tokens")
        .header("x-forwarded-for", "192.0.2.200")
        .json(json!({"email": "x@example.com", "password": "whatever pw"}))
        .send()
        .await
        .assert_status(429);
}

#[tokio::test]
async fn tokens_are_listed_without_secrets_and_revoked_tokens_get_401() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    let list = app.get("/api/v1/auth/tokens").token(&ann).send().await;
    list.assert_status(200);
    let items = list.json()["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 1);
    assert!(
        !list.text().contains(&ann.token),
        "the secret is never shown again"
    );
    let id = items[0]["id"].as_str().unwrap().to_string();
    // bo cannot revoke ann's token
    app.delete(&format!("/api/v1/auth/tokens/{id}"))
        .token(&bo)
        .send()
        .await
        .assert_status(404);
    app.get("/api/v1/me")
        .token(&ann)
        .send()
        .await
        .assert_status(200);
    app.delete(&format!("/api/v1/auth/tokens/{id}"))
        .token(&ann)
        .send()
        .await
        .assert_status(204);
    let r = app.get("/api/v1/me").token(&ann).send().await;
    r.assert_status(401);
    assert_eq!(r.error_code(), "unauthenticated");
    app.get("/api/v1/me")
        .bearer("gld_made_up")
        .send()
        .await
        .assert_status(401);
    app.get("/api/v1/me").send().await.assert_status(401);
    // the stored value is a hash, not the token
    let stored: Vec<String> = match &app.store.pool {
        guild_store::Pool::Sqlite(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_all(p)
            .await
            .unwrap(),
        guild_store::Pool::Pg(p) => sqlx::query_scalar("SELECT token_hash FROM api_tokens")
            .fetch_all(p)
            .await
            .unwrap(),
    };
    assert!(stored.iter().all(|h| h.len() == 64 && !h.contains("gld_")));
}

#[tokio::test]
async fn password_change_checks_the_current_one_and_ends_every_session() {
    let app = TestApp::with_settings(|s| s.public_url = "https://guild.example".into()).await;
    let ann = app.member("ann").await;
    let r = app
        .post("/api/v1/me/password")
        .session(&ann)
        .json(json!({"current_password": "wrong one!!", "new_password": "a brand new password"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["current_password"].is_string());
    let r = app
        .post("/api/v1/me/password")
        .session(&ann)
        .json(json!({"current_password": PASSWORD, "new_password": "short"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["new_password"].is_string());
    app.get("/api/v1/me")
        .session(&ann)
        .send()
        .await
        .assert_status(200);

    let r = app
        .post("/api/v1/me/password")
        .session(&ann)
        .json(json!({"current_password": PASSWORD, "new_password": "a brand new password"}))
        .send()
        .await;
    r.assert_status(204);
    let set_cookie = r.header("set-cookie").unwrap();
    for flag in ["HttpOnly", "SameSite=Lax", "Secure", "Path=/"] {
        assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
    }
    let fresh = r.session_cookie().unwrap();
    assert_ne!(fresh, ann.cookie, "a new session id");
    app.get("/api/v1/me")
        .session(&ann)
        .send()
        .await
        .assert_status(401); // the old session is gone
    app.get("/api/v1/me")
        .cookie(&fresh)
        .send()
        .await
        .assert_status(200);
    app.post("/api/v1/auth/tokens")
        .json(json!({"email": ann.email, "password": PASSWORD}))
        .send()
        .await
        .assert_status(401);
    app.post("/api/v1/auth/tokens")
        .json(json!({"email": ann.email, "password": "a brand new password"}))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn email_change_needs_the_password_and_a_free_address() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bo = app.member("bob").await;
    let r = app
        .put("/api/v1/me/email")
        .token(&ann)
        .json(json!({"password": "nope nope nope", "email": "ann2@example.com"}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["password"].is_string());
    let r = app
        .put("/api/v1/me/email")
        .token(&ann)
        .json(json!({"password": PASSWORD, "email": bo.email}))
        .send()
        .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["email"].is_string());
    app.put("/api/v1/me/email")
        .token(&ann)
        .json(json!({"password": PASSWORD, "email": "Ann.New@Example.com"}))
        .send()
        .await
        .assert_status(204);
    assert_eq!(
        app.get("/api/v1/me").token(&ann).send().await.json()["email"],
        "ann.new@example.com"
    );
    assert!(app
        .emails()
        .await
        .iter()
        .any(|e| e.to.contains(&ann.email) && e.subject.contains("changed")));
}

#[tokio::test]
async fn password_reset_by_email_link_works_once_and_ends_sessions() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    app.guild
        .request_password_reset("nobody@example.com", "1.2.3.4")
        .await
        .unwrap();
    assert!(
        app.emails().await.is_empty(),
        "no email for an unknown address, and no error either"
    );
    app.guild
        .request_password_reset(&ann.email.to_uppercase(), "1.2.3.4")
        .await
        .unwrap();
    let link = app
        .link_in_email(&ann.email, "/password/reset/")
        .await
        .expect("reset email");
    let token = token_of(&link);
    assert!(app.guild.reset_password(token, "short").await.is_err());
    let s = app
        .guild
        .reset_password(token, "my new long password")
        .await
        .unwrap();
    assert_eq!(s.member.id, ann.id);
    assert!(
        app.guild
            .reset_password(token, "another new password")
            .await
            .is_err(),
        "used"
    );
    app.get("/api/v1/me")
        .session(&ann)
        .send()
        .await
        .assert_status(401);
    app.post("/api/v1/auth/tokens")
        .json(json!({"email": ann.email, "password": "my new long password"}))
        .send()
        .await
        .assert_status(201);
}
