//! The profile page: what each viewer sees.

use super::*;

// ---- the profile page ----

#[tokio::test]
async fn the_profile_page_shows_the_profile_escaped() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let input = ProfileInput {
        headline: text("<script>alert(1)</script>"),
        about: text("Line one\nLine two"),
        location: text("Utrecht"),
        ..ProfileInput::default()
    };
    set_profile(&app, &ann, input).await;
    add_position(&app, &ann, "Acme & Co", "2021-09", None).await;
    let v = app.viewer(&ann);
    let edu = EducationInput {
        school: "Open University".into(),
        degree: text("MSc"),
        start_year: text("2010"),
        end_year: text("2012"),
        ..EducationInput::default()
    };
    app.guild.add_education(&v, edu).await.unwrap();
    app.guild
        .set_skills(&v, &["Rust".to_string(), "SQL".to_string()])
        .await
        .unwrap();
    app.guild
        .add_link(&v, "My talk", "https://example.com/talk")
        .await
        .unwrap();

    let r = app.get("/in/ann").send().await;
    r.assert_status(200);
    let html = r.text();
    assert!(!html.contains("<script>alert(1)"), "member text is escaped");
    assert!(
        html.contains("&lt;script&gt;alert(1)&lt;/script&gt;")
            || html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "{html}"
    );
    assert!(
        html.contains("<h1 id=\"profile-name\">Ann</h1>")
            && html.contains("id=\"profile-headline\"")
    );
    for needle in [
        "Utrecht",
        "Acme &amp; Co",
        "Sep 2021 – Present",
        "Open University",
        "2010 – 2012",
        ">Rust<",
        ">SQL<",
        "Line one\nLine two",
    ] {
        assert!(
            html.contains(needle) || html.contains(&needle.replace("&amp;", "&#38;")),
            "{needle} is not on the page"
        );
    }
    assert!(
        html.contains(
            "<a href=\"https://example.com/talk\" rel=\"nofollow noopener ugc\">My talk</a>"
        ),
        "{html}"
    );
    assert!(
        html.contains("class=\"avatar avatar-large initials\""),
        "initials stand in for the photo"
    );
    assert!(
        !html.contains("id=\"strength\"") && !html.contains("id=\"edit-profile\""),
        "no meter or edit link for others"
    );

    let own = app.get("/in/ann").session(&ann).send().await.text();
    assert!(
        own.contains("id=\"strength\"") && own.contains("id=\"edit-profile\" href=\"/me/edit\""),
        "{own}"
    );
}

#[tokio::test]
async fn profile_visibility_is_honoured_on_the_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    set_profile(
        &app,
        &ann,
        ProfileInput {
            visibility: text("members"),
            ..ProfileInput::default()
        },
    )
    .await;
    set_profile(
        &app,
        &bob,
        ProfileInput {
            visibility: text("connections"),
            ..ProfileInput::default()
        },
    )
    .await;
    assert_redirect(&app.get("/in/ann").send().await, "/signin?next=/in/ann");
    app.get("/in/ann")
        .session(&bob)
        .send()
        .await
        .assert_status(200);
    let r = app.get("/in/bob").session(&ann).send().await;
    r.assert_status(403);
    assert!(
        r.text().contains("connections only") && r.text().contains("class=\"menu-name\">Ann<"),
        "{}",
        r.text()
    );
    app.get("/in/bob")
        .session(&bob)
        .send()
        .await
        .assert_status(200);
    let r = app.get("/in/nobody-here").send().await;
    r.assert_status(404);
    assert!(r.text().contains("Page not found"));
}

#[tokio::test]
async fn contact_details_show_only_to_whom_the_member_chose() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let input = ProfileInput {
        contact_visibility: text("connections"),
        contact_email: text("ann.private@example.org"),
        phone: text("+31 20 123 4567"),
        ..ProfileInput::default()
    };
    set_profile(&app, &ann, input).await;
    for r in [
        app.get("/in/ann").send().await,
        app.get("/in/ann").session(&bob).send().await,
    ] {
        assert!(
            !r.text().contains("id=\"contact\"")
                && !r.text().contains("ann.private@example.org")
                && !r.text().contains("123 4567")
        );
    }
    let own = app.get("/in/ann").session(&ann).send().await.text();
    assert!(own.contains("id=\"contact\"") && own.contains("mailto:ann.private@example.org"));
    set_profile(
        &app,
        &ann,
        ProfileInput {
            contact_visibility: text("members"),
            ..ProfileInput::default()
        },
    )
    .await;
    assert!(app
        .get("/in/ann")
        .session(&bob)
        .send()
        .await
        .text()
        .contains("ann.private@example.org"));
    assert!(!app
        .get("/in/ann")
        .send()
        .await
        .text()
        .contains("ann.private@example.org"));
}
