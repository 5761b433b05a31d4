//! Feedback a member sees: "Profile saved" once after a save, the profile editor's sections,
//! a reset link that says it expired before asking for a password, `/feed`, and the icons.

use guild_testkit::{Resp, TestApp, TestMember};

/// The confirmation at the top of `<main>` (or in the editor's open section), if any.
fn flash(html: &str) -> Option<String> {
    let marker = "<p class=\"flash\" role=\"status\" id=\"flash\" tabindex=\"-1\">";
    let at = html.find(marker)? + marker.len();
    Some(html[at..at + html[at..].find("</p>")?].to_string())
}

/// Follows a form's redirect as a browser would, with the member's session and the flash.
async fn follow(app: &TestApp, m: &TestMember, r: &Resp) -> String {
    assert_eq!(r.status.as_u16(), 303, "{}", r.text());
    let to = r.header("location").unwrap_or_default();
    let flash = r.flash_cookie().expect("a flash cookie");
    let next = app
        .get(&to)
        .cookie(&format!("{}; {flash}", m.cookie))
        .send()
        .await;
    let cleared = next
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("guild_flash=;") && c.contains("Max-Age=0"));
    assert!(cleared, "the flash is cleared once shown");
    next.text()
}

#[tokio::test]
async fn saving_says_so_once_where_the_member_looks() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;

    let r = app
        .post("/me/profile")
        .session(&ann)
        .form(&[
            ("name", "Ann Lee"),
            ("headline", "Engineer"),
            ("visibility", "public"),
            ("contact_visibility", "connections"),
        ])
        .send()
        .await;
    let html = follow(&app, &ann, &r).await;
    assert_eq!(flash(&html).as_deref(), Some("Profile saved."));
    // Shown in the section just saved, which is open; not repeated at the top.
    let intro = &html[html.find("id=\"edit-intro\"").unwrap()..];
    assert!(intro.starts_with("id=\"edit-intro\" open>"), "{intro}");
    assert!(intro[..intro.find("</details>").unwrap()].contains("Profile saved."));
    assert_eq!(html.matches("Profile saved.").count(), 1);
    // The next page has none.
    let again = app.get("/me/edit").session(&ann).send().await.text();
    assert_eq!(flash(&again), None);

    let r = app
        .post("/settings/handle")
        .session(&ann)
        .form(&[("handle", "ann-lee")])
        .send()
        .await;
    let html = follow(&app, &ann, &r).await;
    assert_eq!(flash(&html).as_deref(), Some("Profile address changed."));
    assert_eq!(
        r.header("location").as_deref(),
        Some("/settings#handle-section")
    );
    // In the section it is about, as a live region.
    let section = &html[html.find("id=\"handle-section\"").unwrap()..];
    assert!(section[..section.find("</section>").unwrap()].contains("Profile address changed."));
    assert_eq!(html.matches("Profile address changed.").count(), 1);

    // Elsewhere, at the top of <main>.
    let r = app
        .post("/notifications/settings")
        .session(&ann)
        .form(&[("digest", "daily")])
        .send()
        .await;
    let html = follow(&app, &ann, &r).await;
    assert!(
        html.contains("<main id=\"main\" tabindex=\"-1\">\n<p class=\"flash\" role=\"status\" id=\"flash\" tabindex=\"-1\">Notification settings saved.</p>"),
        "{html}"
    );

    let r = app
        .post("/settings/password")
        .session(&ann)
        .form(&[
            ("current_password", ann.password.as_str()),
            ("new_password", "a brand new passphrase"),
        ])
        .send()
        .await;
    let fresh = r.session_cookie().expect("a new session");
    let flash_cookie = r.flash_cookie().expect("a flash");
    let html = app
        .get("/settings")
        .cookie(&format!("{fresh}; {flash_cookie}"))
        .send()
        .await
        .text();
    assert_eq!(
        flash(&html).as_deref(),
        Some("Password changed; you were signed out everywhere else.")
    );
    let next = app.get("/settings").cookie(&fresh).send().await.text();
    assert_eq!(flash(&next), None);

    // A cookie with anything else says nothing: only our fixed sentences are ever shown.
    let html = app
        .get("/settings")
        .cookie(&format!("{fresh}; guild_flash=<script>alert(1)</script>"))
        .send()
        .await
        .text();
    assert_eq!(flash(&html), None);
    assert!(!html.contains("alert(1)"));
}

#[tokio::test]
async fn the_editor_is_sections_opened_one_at_a_time() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let html = app.get("/me/edit").session(&ann).send().await.text();
    for s in [
        "intro",
        "photo",
        "experience",
        "education",
        "skills",
        "links",
    ] {
        let tag = format!("<details class=\"card edit-section\" id=\"edit-{s}\">");
        assert!(html.contains(&tag), "{s} is a closed section: {html}");
    }
    assert!(html.contains("<summary><h2 id=\"skills-title\">Skills</h2>"));
    assert!(html.contains("No positions yet"));

    let html = app
        .get("/me/edit?open=skills")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(html.contains("id=\"edit-skills\" open>"));
    assert_eq!(html.matches(" open>").count(), 1, "one section open");
    let html = app
        .get("/me/edit?open=nowhere")
        .session(&ann)
        .send()
        .await
        .text();
    assert_eq!(html.matches("edit-section\" id=\"edit-").count(), 6);
    assert!(!html.contains(" open>"));

    // After adding a position: back with Experience open and the flash in it.
    let r = app
        .post("/me/positions")
        .session(&ann)
        .form(&[
            ("company", "Acme"),
            ("title", "Engineer"),
            ("start", "2020-01"),
        ])
        .send()
        .await;
    assert_eq!(
        r.header("location").as_deref(),
        Some("/me/edit#edit-experience")
    );
    let html = follow(&app, &ann, &r).await;
    let exp = &html[html.find("id=\"edit-experience\"").unwrap()..];
    assert!(exp.starts_with("id=\"edit-experience\" open>"));
    let end = exp.find("<h3>Add a position</h3>").unwrap();
    assert!(exp[..end].contains("Position added."));
    assert!(html.contains("<span class=\"section-sum\">1 position</span>"));

    // A refused form opens its own section, with the messages.
    let r = app
        .post("/me/education")
        .session(&ann)
        .form(&[("school", "")])
        .send()
        .await;
    r.assert_status(422);
    assert!(r.text().contains("id=\"edit-education\" open>"));
}

#[tokio::test]
async fn a_dead_reset_link_says_so_before_asking_for_a_password() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let dead = |r: Resp| {
        let html = r.text();
        assert_eq!(r.status.as_u16(), 410, "{html}");
        assert!(html.contains("This link has expired or was already used."));
        assert!(
            html.contains("<a class=\"button\" href=\"/password/forgot\">Ask for a new link</a>")
        );
        assert!(
            !html.contains("type=\"password\""),
            "no password field: {html}"
        );
    };
    dead(app.get("/password/reset/not-a-real-token").send().await);

    app.guild
        .request_password_reset(&ann.email, "127.0.0.1")
        .await
        .unwrap();
    let link = app
        .link_in_email(&ann.email, "/password/reset/")
        .await
        .expect("a reset link");
    // Looking does not use it up.
    for _ in 0..2 {
        let r = app.get(&link).send().await;
        r.assert_status(200);
        assert!(r.text().contains("type=\"password\""));
    }
    let r = app
        .post(&link)
        .form(&[("password", "a brand new passphrase")])
        .send()
        .await;
    // Signed in on the home page, which says the password changed.
    let session = r.session_cookie().expect("signed in");
    let flash_cookie = r.flash_cookie().expect("a flash");
    let home = app
        .get("/")
        .cookie(&format!("{session}; {flash_cookie}"))
        .send()
        .await
        .text();
    assert_eq!(
        flash(&home).as_deref(),
        Some("Password changed: you are signed in with the new one.")
    );
    dead(app.get(&link).send().await);
}

#[tokio::test]
async fn feed_is_the_home_feed_and_signed_out_goes_through_sign_in() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app.get("/feed").session(&ann).send().await;
    assert_eq!(r.status.as_u16(), 303);
    assert_eq!(r.header("location").as_deref(), Some("/"));
    let r = app.get("/feed").send().await;
    assert_eq!(r.status.as_u16(), 303);
    assert_eq!(r.header("location").as_deref(), Some("/signin?next=/feed"));
}

#[tokio::test]
async fn icons_and_the_manifest_are_served_with_their_types() {
    let app = TestApp::new().await;
    for (path, mime, magic) in [
        ("/favicon.ico", "image/x-icon", &[0u8, 0, 1, 0][..]),
        ("/favicon.svg", "image/svg+xml", b"<svg"),
        ("/apple-touch-icon.png", "image/png", b"\x89PNG"),
        ("/icon-192.png", "image/png", b"\x89PNG"),
        ("/icon-512.png", "image/png", b"\x89PNG"),
        ("/manifest.webmanifest", "application/manifest+json", b"{"),
    ] {
        let r = app.get(path).send().await;
        r.assert_status(200);
        assert_eq!(r.header("content-type").as_deref(), Some(mime), "{path}");
        assert!(r.body.starts_with(magic), "{path}");
        let cache = r.header("cache-control").unwrap_or_default();
        assert!(cache.contains("max-age=2592000"), "{path}: {cache}");
    }
    let sizes = |png: &[u8]| {
        let img = image::load_from_memory(png).unwrap();
        (img.width(), img.height())
    };
    assert_eq!(
        sizes(&app.get("/apple-touch-icon.png").send().await.body),
        (180, 180)
    );
    assert_eq!(
        sizes(&app.get("/icon-192.png").send().await.body),
        (192, 192)
    );
    assert_eq!(
        sizes(&app.get("/icon-512.png").send().await.body),
        (512, 512)
    );
    let manifest = app.get("/manifest.webmanifest").send().await.json();
    assert_eq!(manifest["short_name"], "Guild");
    assert!(manifest["theme_color"].as_str().is_some());
    let icons: Vec<String> = manifest["icons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["sizes"].as_str().unwrap_or_default().to_string())
        .collect();
    assert!(icons.contains(&"192x192".into()) && icons.contains(&"512x512".into()));
    let page = app.get("/signin").send().await.text();
    for line in [
        "<link rel=\"icon\" href=\"/favicon.svg\" type=\"image/svg+xml\">",
        "<link rel=\"apple-touch-icon\" href=\"/apple-touch-icon.png\">",
        "<link rel=\"manifest\" href=\"/manifest.webmanifest\">",
    ] {
        assert!(page.contains(line), "{line}");
    }
}

#[tokio::test]
async fn the_tokens_table_reads_as_labelled_rows() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    app.post("/settings/tokens")
        .session(&ann)
        .form(&[("label", "backup script")])
        .send()
        .await
        .assert_status(200);
    let html = app.get("/settings").session(&ann).send().await.text();
    // Each cell carries its column's name, which a phone shows beside the value.
    assert!(html.contains("<td data-label=\"Created\">"));
    assert!(html.contains("<td data-label=\"Last used\">Never</td>"));
    let css = app.get("/static/app.css").send().await.text();
    let forms = &css[css
        .find("/* ---- forms (issue 16) ---- */")
        .expect("the section")..];
    assert!(forms.contains("content: attr(data-label)"));
}
