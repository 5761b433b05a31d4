//! The directory, settings, administration, and what every page and form shares.

use super::*;

// ---- directory ----

#[tokio::test]
async fn the_directory_filters_and_pages() {
    let app = TestApp::new().await;
    let viewer = app.member("viewer").await;
    for i in 0..22 {
        let m = app
            .guild
            .create_member_directly(
                &format!("Member {i:02}"),
                &format!("m{i}@example.com"),
                PASSWORD,
                None,
                guild_core::domain::Role::Member,
            )
            .await
            .unwrap();
        let v = Viewer::Member(m);
        let input = PositionInput {
            company: "Acme".into(),
            title: "Dev".into(),
            start: "2020-01".into(),
            ..PositionInput::default()
        };
        app.guild.add_position(&v, input).await.unwrap();
    }
    let html = app
        .get("/members?company=acme")
        .session(&viewer)
        .send()
        .await
        .text();
    assert_eq!(
        html.matches("<li class=\"member-card tile\">").count(),
        20,
        "{html}"
    );
    assert!(
        html.contains("href=\"/in/member-00\"")
            && html.contains("<span class=\"member-company\">Acme</span>")
    );
    let start = html.find("<a rel=\"next\"").expect("a next page link");
    let href = &html[start..];
    let href = &href[href.find("href=\"").unwrap() + 6..];
    let href = href[..href.find('"').unwrap()]
        .replace("&amp;", "&")
        .replace("&#38;", "&");
    assert!(href.starts_with("/members?company=acme&cursor="), "{href}");
    let next = app.get(&href).session(&viewer).send().await.text();
    assert_eq!(next.matches("<li class=\"member-card tile\">").count(), 2);
    assert!(!next.contains("rel=\"next\""));

    let long = "q".repeat(101);
    let r = app.get(&format!("/members?q={long}")).send().await;
    r.assert_status(422);
    assert_field_error(form(&r.text(), "directory-form"), "q", "at most 100");
    let r = app.get("/members?cursor=%25%25%25").send().await;
    r.assert_status(422);
    assert!(r
        .text()
        .contains("role=\"alert\">This page link is not valid."));
    let none = app.get("/members?skill=cobol").send().await.text();
    assert!(none.contains("No members match"));
}

// ---- settings and admin ----

#[tokio::test]
async fn changing_the_password_signs_out_every_other_session() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let other = format!(
        "guild_session={}",
        app.guild
            .sign_in(&ann.email, PASSWORD, "127.0.0.1")
            .await
            .unwrap()
            .token
    );
    let r = app
        .post("/settings/password")
        .session(&ann)
        .form(&[
            ("current_password", "wrong password"),
            ("new_password", "short"),
        ])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "current_password", "not your current password");
    assert!(r
        .text()
        .contains("<a href=\"#password-section\">Password</a> were not saved"));
    assert_field_error(&r.text(), "new_password", "at least 10");
    assert!(!r.text().contains("wrong password"));
    app.get("/settings")
        .cookie(&other)
        .send()
        .await
        .assert_status(200);

    let r = app
        .post("/settings/password")
        .session(&ann)
        .form(&[
            ("current_password", PASSWORD),
            ("new_password", "a brand new passphrase"),
        ])
        .send()
        .await;
    assert_redirect(&r, "/settings#password-section");
    let fresh = r.session_cookie().expect("a new session for this device");
    for old in [&ann.cookie, &other] {
        assert_redirect(
            &app.get("/settings").cookie(old).send().await,
            "/signin?next=/settings",
        );
    }
    let flash = r.flash_cookie().expect("a flash for the next page");
    let html = app
        .get("/settings")
        .cookie(&format!("{fresh}; {flash}"))
        .send()
        .await
        .text();
    assert!(html.contains("Password changed; you were signed out everywhere else"));
}

#[tokio::test]
async fn email_and_handle_are_changed_in_settings() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    app.member("bob").await;
    let r = app
        .post("/settings/email")
        .session(&ann)
        .form(&[("email", "ann@new.example"), ("password", "wrong password")])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "password", "not your current password");
    assert!(tag(&r.text(), "email").contains("value=\"ann@new.example\""));
    assert_redirect(
        &app.post("/settings/email")
            .session(&ann)
            .form(&[("email", "ann@new.example"), ("password", PASSWORD)])
            .send()
            .await,
        "/settings#email-section",
    );
    assert!(app
        .get("/settings")
        .session(&ann)
        .send()
        .await
        .text()
        .contains("ann@new.example"));

    for (handle, says) in [
        ("ab", "3 to 30"),
        ("bob", "already taken"),
        ("settings", "reserved"),
    ] {
        let r = app
            .post("/settings/handle")
            .session(&ann)
            .form(&[("handle", handle)])
            .send()
            .await;
        r.assert_status(422);
        assert_field_error(&r.text(), "handle", says);
        assert!(tag(&r.text(), "handle").contains(&format!("value=\"{handle}\"")));
    }
    assert_redirect(
        &app.post("/settings/handle")
            .session(&ann)
            .form(&[("handle", "ann-smith")])
            .send()
            .await,
        "/settings#handle-section",
    );
    app.get("/in/ann-smith").send().await.assert_status(200);
    app.get("/in/ann").send().await.assert_status(404);
}

#[tokio::test]
async fn access_tokens_are_shown_once_and_revoked_by_their_owner_only() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let r = app
        .post("/settings/tokens")
        .session(&ann)
        .form(&[("label", "backup script")])
        .send()
        .await;
    r.assert_status(200);
    let html = r.text();
    let start = html.find("<code id=\"new-token\">").expect("the new token")
        + "<code id=\"new-token\">".len();
    let token = html[start..start + html[start..].find("</code>").unwrap()].to_string();
    assert!(token.starts_with("gld_") && html.contains("it will not be shown again"));
    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .assert_status(200);
    let list = app.get("/settings").session(&ann).send().await.text();
    assert!(list.contains("backup script") && !list.contains(&token));

    let id = app
        .guild
        .list_tokens(&app.viewer(&ann))
        .await
        .unwrap()
        .into_iter()
        .find(|t| t.label == "backup script")
        .unwrap()
        .id;
    app.post(&format!("/settings/tokens/{id}/revoke"))
        .session(&bob)
        .send()
        .await
        .assert_status(404);
    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .assert_status(200);
    assert_redirect(
        &app.post(&format!("/settings/tokens/{id}/revoke"))
            .session(&ann)
            .send()
            .await,
        "/settings#tokens",
    );
    app.get("/api/v1/me")
        .bearer(&token)
        .send()
        .await
        .assert_status(401);

    let r = app
        .post("/settings/tokens")
        .session(&ann)
        .form(&[("label", &"l".repeat(101))])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "label", "at most 100");
}

#[tokio::test]
async fn administration_is_for_administrators() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app.get("/admin").session(&ann).send().await;
    r.assert_status(403);
    assert!(r.text().contains("Only administrators"));
    app.post("/admin/invites")
        .session(&ann)
        .send()
        .await
        .assert_status(403);
    assert!(!app
        .get("/")
        .session(&ann)
        .send()
        .await
        .text()
        .contains("href=\"/admin\""));

    let root = app.admin("root-admin").await;
    assert!(app
        .get("/")
        .session(&root)
        .send()
        .await
        .text()
        .contains("href=\"/admin\""));
    app.get("/admin")
        .session(&root)
        .send()
        .await
        .assert_status(200);
    let html = app
        .post("/admin/invites")
        .session(&root)
        .send()
        .await
        .text();
    assert!(
        html.contains("<code id=\"invite-link\">http://guild.test/signup?invite="),
        "{html}"
    );
}

// ---- what every page and form shares ----

#[tokio::test]
async fn cross_site_form_posts_are_refused_and_change_nothing() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/me/profile")
        .session(&ann)
        .cross_site()
        .form(&profile_fields("pwned", ""))
        .send()
        .await;
    r.assert_status(403);
    assert!(r.text().contains("came from another site"));
    assert!(me(&app, &ann).await.profile.headline.is_none());
    app.post("/signout")
        .session(&ann)
        .cross_site()
        .send()
        .await
        .assert_status(403);
    app.post("/settings/password")
        .session(&ann)
        .cross_site()
        .form(&[
            ("current_password", PASSWORD),
            ("new_password", "pwned pwned pwned"),
        ])
        .send()
        .await
        .assert_status(403);
    app.get("/settings")
        .session(&ann)
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn a_body_that_is_not_the_form_is_a_400_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/me/profile")
        .session(&ann)
        .raw_body("application/json", r#"{"headline":"x"}"#)
        .send()
        .await;
    r.assert_status(400);
    assert!(
        r.text().contains("This form could not be read")
            && r.text().contains("class=\"menu-name\">Ann<")
    );
    app.post("/signin")
        .raw_body("text/plain", "email=x")
        .send()
        .await
        .assert_status(400);
}

#[tokio::test]
async fn every_page_has_the_frame_labels_and_no_inline_code() {
    let app = TestApp::new().await;
    let ann = app.admin("ann").await;
    let pages = [
        "/",
        "/me/edit",
        "/settings",
        "/members",
        "/in/ann",
        "/admin",
        "/signin",
        "/signup",
        "/password/forgot",
        "/password/reset/x",
        "/nowhere",
    ];
    for path in pages {
        let html = app.get(path).session(&ann).send().await.text();
        assert!(
            html.contains("<a class=\"skip\" href=\"#main\">")
                && html.contains("<main id=\"main\""),
            "{path}"
        );
        assert!(
            html.contains("role=\"search\"") && html.contains("<title>"),
            "{path}"
        );
        assert!(
            !html.contains(" style=") && !html.contains("<style") && !html.contains(" onclick="),
            "{path}: inline style or handler"
        );
        assert_eq!(
            html.matches("<script").count(),
            html.matches("<script src=").count(),
            "{path}: inline script"
        );
        // Every visible input has a label.
        for (at, _) in html.match_indices("<input ") {
            let t = &html[at..at + html[at..].find('>').unwrap()];
            if t.contains("type=\"hidden\"") {
                continue;
            }
            let id = t
                .split("id=\"")
                .nth(1)
                .map(|s| &s[..s.find('"').unwrap()])
                .unwrap_or_else(|| panic!("{path}: input without id: {t}"));
            assert!(
                html.contains(&format!(" for=\"{id}\">")),
                "{path}: no label for #{id}"
            );
        }
    }
}
