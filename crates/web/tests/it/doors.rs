//! What an outside security test found (issue "Closed doors"), each kept shut by a test:
//! private files served only to those who may read them, tokens ended with the password,
//! no account locked out by strangers, sign-up and reset answers that say nothing about who
//! is registered, nothing said of a member to those who may not see them, HSTS.

use guild_core::accounts::store::AccountStore;
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
        .await
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

/// The path of an emailed link.
fn path_of(link: &str) -> &str {
    link.trim_start_matches("http://guild.test")
}

#[tokio::test]
async fn a_sign_up_answers_the_same_whether_or_not_the_address_is_registered() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let members = app.store.count_members().await.unwrap();
    let ask = |email: &str, handle: Option<&str>| {
        let mut body =
            json!({"name": "Sam Doe", "email": email, "password": "a long enough password"});
        if let Some(h) = handle {
            body["handle"] = json!(h);
        }
        app.post("/api/v1/auth/signup").json(body).send()
    };
    for handle in [None, Some("sam-works"), Some("ann")] {
        let registered = ask(&ann.email, handle).await;
        let new = ask("sam@example.com", handle).await;
        assert_eq!(
            (registered.status, registered.json()),
            (new.status, new.json()),
            "handle {handle:?}: the answers differ"
        );
        let expected = if handle == Some("ann") { 422 } else { 201 };
        registered.assert_status(expected);
        assert!(
            registered.json()["member"].get("id").is_none(),
            "no id before confirmation"
        );
    }
    // nothing anyone can see changed: no member, no handle taken
    assert_eq!(app.store.count_members().await.unwrap(), members);
    ask("other@example.com", Some("sam-works"))
        .await
        .assert_status(201);
    // signing in with the sign-up's password answers alike too
    let tries: Vec<_> = [ann.email.as_str(), "sam@example.com"]
        .into_iter()
        .map(|email| {
            app.post("/api/v1/auth/tokens")
                .json(json!({"email": email, "password": "a long enough password"}))
                .send()
        })
        .collect();
    let mut answers = Vec::new();
    for t in tries {
        let r = t.await;
        answers.push((r.status, r.json()));
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, 401);
    // the mail says what applies: a link for the new address, a notice for the owner
    let sam = app.link_in_email("sam@example.com", "/confirm/").await;
    assert!(sam.is_some());
    let emails = app.emails().await;
    let to_ann: Vec<_> = emails
        .iter()
        .filter(|e| e.to.contains(&ann.email))
        .collect();
    assert!(!to_ann.is_empty());
    assert!(to_ann
        .iter()
        .all(|e| e.subject.contains("tried to sign up")));
    assert!(to_ann.iter().all(|e| e.link("/confirm/").is_none()));
    // the link makes the member, with the handle asked for last
    let r = app.get(path_of(&sam.unwrap())).send().await;
    r.assert_status(303);
    let me = app
        .get("/api/v1/me")
        .cookie(&r.session_cookie().unwrap())
        .send()
        .await;
    assert_eq!(me.json()["member"]["handle"], "sam-works");
    assert_eq!(app.store.count_members().await.unwrap(), members + 1);
}

#[tokio::test]
async fn reset_and_sign_up_queue_their_mail_and_never_fail_on_it() {
    let app = TestApp::with_mail_down().await;
    let ann = app.member("ann").await;
    let mut queued = app.guild.pending_jobs().await.unwrap();
    // the same work and the same answer for a registered address and an unknown one
    for email in [ann.email.as_str(), "nobody@example.com"] {
        let page = app
            .post("/password/forgot")
            .form(&[("email", email)])
            .send()
            .await;
        page.assert_status(200);
        assert!(page.text().contains("Check your email"));
        queued += 1;
        assert_eq!(app.guild.pending_jobs().await.unwrap(), queued, "{email}");
        let r = app
            .post("/api/v1/auth/signup")
            .json(json!({"name": "Sam Doe", "email": email, "password": "a long enough password"}))
            .send()
            .await;
        r.assert_status(201);
        queued += 1;
        assert_eq!(app.guild.pending_jobs().await.unwrap(), queued, "{email}");
    }
    // the mail server is down: the jobs that mail fail, are kept, and are tried again
    let now = guild_core::now_ms();
    let done = app.guild.run_outbox(now).await.unwrap();
    assert_eq!(
        done, 1,
        "only the reset for the unknown address needed no mail"
    );
    assert_eq!(app.guild.pending_jobs().await.unwrap(), queued - 1);
    assert_eq!(
        app.guild.run_outbox(now).await.unwrap(),
        0,
        "not again before the back-off"
    );
    assert_eq!(
        app.guild
            .run_outbox(now + guild_core::outbox::backoff_ms(1))
            .await
            .unwrap(),
        0,
        "still failing"
    );
    assert_eq!(app.guild.pending_jobs().await.unwrap(), queued - 1);
}

#[tokio::test]
async fn strangers_cannot_lock_the_owner_out() {
    let app = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.sign_ins_per_ip_per_hour = 1_000;
    })
    .await;
    let ann = app.member("ann").await;
    let limit = app.guild.settings.limits.sign_ins_per_account_per_hour;
    let token = |ip: String, body: serde_json::Value| {
        app.post("/api/v1/auth/tokens")
            .header("x-forwarded-for", &ip)
            .json(body)
            .send()
    };
    // a guesser spreads wrong passwords over many addresses
    for i in 0..=limit {
        let r = token(
            format!("198.51.100.{i}"),
            json!({"email": ann.email, "password": format!("guess number {i}")}),
        )
        .await;
        r.assert_status(401);
        assert_eq!(r.error_code(), "unauthenticated");
    }
    let warned: Vec<_> = app
        .emails()
        .await
        .into_iter()
        .filter(|e| e.to.contains(&ann.email) && e.subject.contains("guess"))
        .collect();
    assert_eq!(warned.len(), 1, "the owner is told once");

    // the owner, with the right password from their own address: a code, not a refusal
    let r = token(
        "203.0.113.7".into(),
        json!({"email": ann.email, "password": ann.password}),
    )
    .await;
    r.assert_status(401);
    assert_eq!(r.error_code(), "sign_in_code_required");
    let code = app.sign_in_code(&ann.email).await.expect("a code by email");
    assert_eq!(code.len(), 6, "{code}");
    // a wrong code, then the right one
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let r = token(
        "203.0.113.7".into(),
        json!({"email": ann.email, "code": wrong}),
    )
    .await;
    r.assert_status(422);
    assert!(r.json()["error"]["fields"]["code"].is_string());
    token(
        "203.0.113.7".into(),
        json!({"email": ann.email, "code": code}),
    )
    .await
    .assert_status(201);
    // used once
    token(
        "203.0.113.7".into(),
        json!({"email": ann.email, "code": code}),
    )
    .await
    .assert_status(422);
}

#[tokio::test]
async fn a_guarded_account_signs_in_with_its_code_on_the_page() {
    let app = TestApp::with_settings(|s| {
        s.behind_proxy = true;
        s.limits.sign_ins_per_account_per_hour = 2;
    })
    .await;
    let ann = app.member("ann").await;
    for i in 0..3 {
        app.post("/signin")
            .header("x-forwarded-for", &format!("198.51.100.{i}"))
            .form(&[("email", &ann.email), ("password", "not the one at all")])
            .send()
            .await
            .assert_status(401);
    }
    let page = app
        .post("/signin")
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[("email", &ann.email), ("password", &ann.password)])
        .send()
        .await;
    page.assert_status(401);
    let text = page.text();
    assert!(text.contains("emailed you a sign-in code"), "{text}");
    assert!(text.contains(r#"name="code""#), "{text}");
    assert!(
        !text.contains(r#"name="password""#),
        "the code step does not ask again"
    );
    let code = app.sign_in_code(&ann.email).await.unwrap();
    let r = app
        .post("/signin")
        .header("x-forwarded-for", "203.0.113.7")
        .form(&[
            ("email", &ann.email),
            ("code", &format!("{} {}", &code[..3], &code[3..])),
            ("next", "/"),
        ])
        .send()
        .await;
    r.assert_status(303);
    app.get("/api/v1/me")
        .cookie(&r.session_cookie().unwrap())
        .send()
        .await
        .assert_status(200);
}

#[tokio::test]
async fn https_installs_tell_browsers_to_keep_to_https() {
    use guild_core::settings::DEFAULT_HSTS_MAX_AGE;
    for (url, max_age, expected) in [
        (
            "https://guild.example",
            DEFAULT_HSTS_MAX_AGE,
            Some("max-age=31536000"),
        ),
        ("https://guild.example", 600, Some("max-age=600")),
        ("https://guild.example", 0, None),
        ("http://guild.test", DEFAULT_HSTS_MAX_AGE, None),
    ] {
        let app = TestApp::with_settings(|s| {
            s.public_url = url.into();
            s.hsts_max_age = max_age;
        })
        .await;
        for path in ["/signin", "/api/v1/feed", "/no-such-page"] {
            let r = app.get(path).send().await;
            assert_eq!(
                r.header("strict-transport-security").as_deref(),
                expected,
                "{url} with max-age {max_age}: {path}"
            );
        }
    }
}

#[tokio::test]
async fn an_upload_that_breaks_off_is_not_called_too_large() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let boundary = "----brokenoff";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\
         Content-Type: text/plain\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(&[b'x'; 2_000]); // and then nothing: no closing boundary
    let r = app
        .post("/api/v1/attachments")
        .token(&ann)
        .raw_body(&format!("multipart/form-data; boundary={boundary}"), body)
        .send()
        .await;
    r.assert_status(422);
    let message = r.json()["error"]["fields"]["file"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(message.contains("did not arrive whole"), "{message}");
    assert!(!message.contains("10 MB"), "{message}");
    // a file over the limit is told so, whether just over it or far over the body limit
    for size in [10 << 20, 12 << 20] {
        let big = vec![b'x'; size + 1];
        let r = app
            .post("/api/v1/attachments")
            .token(&ann)
            .multipart_file("file", "big.txt", "text/plain", &big)
            .send()
            .await;
        r.assert_status(422);
        let message = r.json()["error"]["fields"]["file"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("10 MB"), "{size}: {message}");
    }
}

#[tokio::test]
async fn uploads_are_limited_per_member_like_the_other_writes() {
    let app = TestApp::with_settings(|s| s.limits.uploads_per_hour = 3).await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let upload = |m: &guild_testkit::TestMember, name: &str| {
        app.post("/api/v1/attachments").token(m).multipart_file(
            "file",
            name,
            "text/plain",
            b"notes",
        )
    };
    for i in 0..3 {
        upload(&ann, &format!("{i}.txt"))
            .send()
            .await
            .assert_status(201);
    }
    let r = upload(&ann, "3.txt").send().await;
    r.assert_status(429);
    assert_eq!(r.error_code(), "rate_limited");
    assert!(r.header("retry-after").is_some());
    assert!(r.json()["error"]["message"]
        .as_str()
        .unwrap()
        .contains("uploaded 3 files"));
    // the photo form says so beside its field, and another member is not held back
    let page = app
        .post("/me/photo")
        .session(&ann)
        .multipart(
            &[],
            &[(
                "photo",
                "me.png",
                "image/png",
                &guild_testkit::png(500, 500),
            )],
        )
        .send()
        .await;
    page.assert_status(429);
    assert!(page.text().contains("uploaded 3 files"), "{}", page.text());
    upload(&bob, "b.txt").send().await.assert_status(201);
}

/// The status `/media/<path>` answers to `asker` (`None`: nobody signed in).
async fn media_status(
    app: &TestApp,
    path: &str,
    asker: Option<&guild_testkit::TestMember>,
) -> (u16, Option<String>) {
    let r = match asker {
        Some(m) => app.get(path).session(m).send().await,
        None => app.get(path).send().await,
    };
    (r.status.as_u16(), r.header("cache-control"))
}

#[tokio::test]
async fn post_images_and_photos_are_served_only_to_who_may_see_the_post_or_profile() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let con = app.member("con").await;
    let stranger = app.member("stranger").await;
    app.connect(&ann, &con).await;
    let upload = || async {
        let r = app
            .post("/api/v1/media")
            .token(&ann)
            .multipart_file("image", "p.png", "image/png", &guild_testkit::png(40, 30))
            .send()
            .await;
        r.assert_status(201);
        r.json()["key"].as_str().unwrap().to_string()
    };
    let (private, open, unposted) = (upload().await, upload().await, upload().await);
    let image = |k: &str| format!("/media/posts/{k}.jpg");
    let mut ids = Vec::new();
    for (key, visibility) in [(&private, "connections"), (&open, "anyone")] {
        let r = app
            .post("/api/v1/posts")
            .token(&ann)
            .json(json!({"body": "A picture", "images": [key], "visibility": visibility}))
            .send()
            .await;
        r.assert_status(201);
        ids.push(r.json()["post"]["id"].as_str().unwrap().to_string());
    }
    // A connections-only post's image: its author and their connection, nobody else.
    let private_image = image(&private);
    for (asker, status) in [
        (None, 404),
        (Some(&stranger), 404),
        (Some(&con), 200),
        (Some(&ann), 200),
    ] {
        let (got, cache) = media_status(&app, &private_image, asker).await;
        assert_eq!(got, status, "{:?}", asker.map(|m| &m.handle));
        if got == 200 {
            assert_eq!(cache.as_deref(), Some("private, max-age=300"));
        }
    }
    // A post anyone reads: its image too, and shared caches may keep it.
    assert_eq!(
        media_status(&app, &image(&open), None).await,
        (200, Some("public, max-age=3600".into()))
    );
    // An image no post shows yet: its uploader only (the composer's preview).
    assert_eq!(media_status(&app, &image(&unposted), None).await.0, 404);
    assert_eq!(
        media_status(&app, &image(&unposted), Some(&con)).await.0,
        404
    );
    assert_eq!(
        media_status(&app, &image(&unposted), Some(&ann)).await.0,
        200
    );
    // Once the post is made connections-only, its image is no longer public.
    app.patch(&format!("/api/v1/posts/{}", ids[1]))
        .token(&ann)
        .json(json!({"body": "A picture", "images": [open], "visibility": "connections"}))
        .send()
        .await
        .assert_status(200);
    assert_eq!(media_status(&app, &image(&open), None).await.0, 404);
    assert_eq!(media_status(&app, &image(&open), Some(&con)).await.0, 200);

    // A photo follows its profile's visibility.
    let r = app
        .post("/api/v1/me/photo")
        .token(&ann)
        .multipart_file(
            "photo",
            "me.png",
            "image/png",
            &guild_testkit::png(300, 300),
        )
        .send()
        .await;
    r.assert_status(200);
    let photo = r.json()["photo_small_url"].as_str().unwrap().to_string();
    let forever = Some("public, max-age=31536000, immutable".to_string());
    assert_eq!(media_status(&app, &photo, None).await, (200, forever));
    for (visibility, cases) in [
        (
            "members",
            [(None, 404), (Some(&stranger), 200), (Some(&con), 200)],
        ),
        (
            "connections",
            [(None, 404), (Some(&stranger), 404), (Some(&con), 200)],
        ),
    ] {
        app.patch("/api/v1/me/profile")
            .token(&ann)
            .json(json!({ "visibility": visibility }))
            .send()
            .await
            .assert_status(200);
        for (asker, status) in cases {
            let (got, cache) = media_status(&app, &photo, asker).await;
            assert_eq!(got, status, "{visibility}: {:?}", asker.map(|m| &m.handle));
            if got == 200 {
                assert_eq!(cache.as_deref(), Some("private, max-age=300"));
            }
        }
        // Pages never point at a photo the viewer would be refused: the directory shows
        // the stranger ann's initials instead.
        let directory = app.get("/members").session(&stranger).send().await.text();
        assert_eq!(
            directory.contains(&photo),
            visibility == "members",
            "{visibility}"
        );
    }
}

#[tokio::test]
async fn attachments_are_sandboxed_and_served_only_to_the_conversation() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let eve = app.member("eve").await;
    app.connect(&ann, &bob).await;
    let html = b"<html><script>alert(document.cookie)</script></html>";
    let up = app
        .post("/api/v1/attachments")
        .token(&ann)
        .multipart_file("file", "page.html", "text/html", html)
        .send()
        .await;
    up.assert_status(201);
    let att = up.json()["id"].as_str().unwrap().to_string();
    app.post("/api/v1/conversations")
        .token(&ann)
        .json(json!({"to": ["bob"], "body": "A page", "attachment": att}))
        .send()
        .await
        .assert_status(201);
    let path = format!("/api/v1/attachments/{att}");
    let got = app.get(&path).session(&bob).send().await;
    got.assert_status(200);
    assert_eq!(got.body, html.to_vec());
    // Opened, it runs nothing and is not shown inline.
    let csp = got.header("content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    assert!(got
        .header("content-disposition")
        .is_some_and(|d| d.starts_with("attachment")));
    assert_eq!(
        got.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    // Nobody else, and no other route, hands it out.
    app.get(&path).session(&eve).send().await.assert_status(404);
    assert_eq!(app.get(&path).send().await.status.as_u16(), 401);
    let stored: Vec<_> = std::fs::read_dir(app.dir.path().join("media/files"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(stored.len(), 1);
    for path in [
        format!("/media/files/{}", stored[0]),
        format!("/media/posts/{}.jpg", stored[0]),
        format!("/media/../files/{}", stored[0]),
        format!("/static/../media/files/{}", stored[0]),
    ] {
        let r = app.get(&path).session(&ann).send().await;
        assert_eq!(r.status.as_u16(), 404, "{path}");
        assert_ne!(r.body, html.to_vec(), "{path}");
    }
}
