//! Editing one's profile from /me/edit.

use super::*;

// ---- editing one's profile ----

#[tokio::test]
async fn the_profile_form_saves_and_clears() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let html = app.get("/me/edit").session(&ann).send().await.text();
    for id in [
        "profile-form",
        "photo-form",
        "position-form",
        "education-form",
        "skills-form",
        "link-form",
        "strength",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "#{id} missing");
    }
    assert!(
        html.contains("<label for=\"headline\">")
            && tag(&html, "headline").contains("maxlength=\"220\"")
    );
    assert!(
        html.contains("<option value=\"members\">Signed-in members</option>")
            && html.contains(">My connections only<")
    );

    let r = app
        .post("/me/profile")
        .session(&ann)
        .form(&profile_fields("Data engineer", "https://ann.example"))
        .send()
        .await;
    assert_redirect(&r, "/me/edit#edit-intro");
    let p = me(&app, &ann).await;
    assert_eq!(p.profile.headline.as_deref(), Some("Data engineer"));
    assert!(app
        .get("/in/ann")
        .session(&ann)
        .send()
        .await
        .text()
        .contains("<h1 id=\"profile-name\">Ann Smith</h1>"));
    assert_eq!(p.profile.visibility.as_str(), "members");
    assert_eq!(p.profile.about.as_deref(), Some("About me\nand more"));
    let html = app.get("/me/edit").session(&ann).send().await.text();
    assert!(tag(&html, "headline").contains("value=\"Data engineer\""));
    assert!(html.contains("<option value=\"members\" selected>"));

    let r = app
        .post("/me/profile")
        .session(&ann)
        .form(&profile_fields("", ""))
        .send()
        .await;
    assert_redirect(&r, "/me/edit#edit-intro");
    let p = me(&app, &ann).await;
    assert!(
        p.profile.headline.is_none() && p.profile.website.is_none(),
        "an emptied field is cleared"
    );
}

#[tokio::test]
async fn a_bad_profile_form_is_shown_again_and_nothing_changes() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    set_profile(
        &app,
        &ann,
        ProfileInput {
            headline: text("Before"),
            ..ProfileInput::default()
        },
    )
    .await;
    let long = "x".repeat(221);
    let r = app
        .post("/me/profile")
        .session(&ann)
        .form(&profile_fields(&long, "javascript:alert(1)"))
        .send()
        .await;
    r.assert_status(422);
    let html = r.text();
    let f = form(&html, "profile-form");
    assert_field_error(f, "headline", "at most 220");
    assert_field_error(f, "website", "https://");
    assert!(
        tag(f, "website").contains("value=\"javascript:alert(1)\""),
        "what was typed is kept"
    );
    assert!(tag(f, "location").contains("value=\"Utrecht\""));
    let p = me(&app, &ann).await;
    assert_eq!(p.profile.headline.as_deref(), Some("Before"));
    assert!(p.profile.location.is_none(), "no partial update");
}

#[tokio::test]
async fn positions_are_added_edited_and_deleted_from_the_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let fields = [
        ("company", "Acme"),
        ("title", "CTO"),
        ("start", "2020-01"),
        ("end", ""),
        ("description", "Leads"),
        ("location", "Delft"),
    ];
    assert_redirect(
        &app.post("/me/positions")
            .session(&ann)
            .form(&fields)
            .send()
            .await,
        "/me/edit#edit-experience",
    );
    let html = app.get("/me/edit").session(&ann).send().await.text();
    assert!(
        html.contains("Jan 2020 – Present") && html.contains("Acme"),
        "{html}"
    );

    let bad = [
        ("company", "Initech"),
        ("title", ""),
        ("start", "2020-05"),
        ("end", "2019-01"),
        ("description", ""),
        ("location", ""),
    ];
    let r = app
        .post("/me/positions")
        .session(&ann)
        .form(&bad)
        .send()
        .await;
    r.assert_status(422);
    let html = r.text();
    assert!(html.contains("id=\"form-problem\">Your changes to <a href=\"#position-form\">Experience</a> were not saved"), "{html}");
    let f = form(&html, "position-form");
    assert_field_error(f, "title", "Title is required");
    assert_field_error(f, "end", "after the start");
    assert!(tag(f, "company").contains("value=\"Initech\""));
    assert_eq!(me(&app, &ann).await.positions.len(), 1);

    let id = me(&app, &ann).await.positions[0].id;
    let edit = [
        ("company", "Acme"),
        ("title", "CEO"),
        ("start", "2020-01"),
        ("end", "2023-06"),
        ("description", ""),
        ("location", ""),
        ("current", "on"),
    ];
    assert_redirect(
        &app.post(&format!("/me/positions/{id}"))
            .session(&ann)
            .form(&edit)
            .send()
            .await,
        "/me/edit#edit-experience",
    );
    let p = &me(&app, &ann).await.positions[0];
    assert_eq!(
        (p.title.as_str(), p.end, p.description.as_deref()),
        ("CEO", None, None),
        "ticked 'current' means no end"
    );

    let wrong = [
        ("company", ""),
        ("title", "CEO"),
        ("start", "2020-01"),
        ("end", ""),
        ("description", ""),
        ("location", ""),
    ];
    let r = app
        .post(&format!("/me/positions/{id}"))
        .session(&ann)
        .form(&wrong)
        .send()
        .await;
    r.assert_status(422);
    let html = r.text();
    let f = form(&html, &format!("position-{id}"));
    assert!(
        f.contains("<details class=\"entry-edit\" open>"),
        "the failed edit form is open"
    );
    assert_field_error(f, "company", "Company is required");
    assert_eq!(me(&app, &ann).await.positions[0].company, "Acme");

    assert_redirect(
        &app.post(&format!("/me/positions/{id}/delete"))
            .session(&ann)
            .send()
            .await,
        "/me/edit#edit-experience",
    );
    assert!(me(&app, &ann).await.positions.is_empty());
}

#[tokio::test]
async fn another_member_cannot_change_my_rows() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let pos = add_position(&app, &ann, "Acme", "2020-01", None).await;
    let v = app.viewer(&ann);
    let edu = app
        .guild
        .add_education(
            &v,
            EducationInput {
                school: "TU Delft".into(),
                ..EducationInput::default()
            },
        )
        .await
        .unwrap()
        .id;
    let link = app
        .guild
        .add_link(&v, "Blog", "https://ann.example/blog")
        .await
        .unwrap()
        .id;
    let edit = [
        ("company", "Hacked"),
        ("title", "Hacked"),
        ("start", "2020-01"),
        ("end", ""),
        ("description", ""),
        ("location", ""),
    ];
    let attempts = [
        app.post(&format!("/me/positions/{pos}"))
            .session(&bob)
            .form(&edit)
            .send()
            .await,
        app.post(&format!("/me/positions/{pos}/delete"))
            .session(&bob)
            .send()
            .await,
        app.post(&format!("/me/education/{edu}/delete"))
            .session(&bob)
            .send()
            .await,
        app.post(&format!("/me/links/{link}/delete"))
            .session(&bob)
            .send()
            .await,
        app.post("/me/links/not-a-number/delete")
            .session(&bob)
            .send()
            .await,
    ];
    for r in attempts {
        r.assert_status(404);
        assert!(
            r.text().contains("Page not found") && r.text().contains("class=\"menu-name\">Bob<")
        );
    }
    let p = me(&app, &ann).await;
    assert_eq!(
        (
            p.positions.len(),
            p.positions[0].company.as_str(),
            p.education.len(),
            p.links.len()
        ),
        (1, "Acme", 1, 1)
    );
}

#[tokio::test]
async fn education_skills_and_links_from_the_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let edu = [
        ("school", "TU Delft"),
        ("degree", "MSc"),
        ("field", "Computer Science"),
        ("start_year", "2010"),
        ("end_year", "2012"),
    ];
    assert_redirect(
        &app.post("/me/education")
            .session(&ann)
            .form(&edu)
            .send()
            .await,
        "/me/edit#edit-education",
    );
    let bad = [
        ("school", "TU Delft"),
        ("degree", ""),
        ("field", ""),
        ("start_year", "twenty"),
        ("end_year", ""),
    ];
    let r = app
        .post("/me/education")
        .session(&ann)
        .form(&bad)
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(
        form(&r.text(), "education-form"),
        "start_year",
        "a year like 2019",
    );
    assert!(tag(form(&r.text(), "education-form"), "start_year").contains("value=\"twenty\""));
    let id = me(&app, &ann).await.education[0].id;
    assert_eq!(me(&app, &ann).await.education.len(), 1);
    assert_redirect(
        &app.post(&format!("/me/education/{id}/delete"))
            .session(&ann)
            .send()
            .await,
        "/me/edit#edit-education",
    );
    assert!(me(&app, &ann).await.education.is_empty());

    let r = app
        .post("/me/skills")
        .session(&ann)
        .form(&[("skills", "Rust, SQL\nLeadership\n\n")])
        .send()
        .await;
    assert_redirect(&r, "/me/edit#edit-skills");
    assert_eq!(
        me(&app, &ann).await.skills,
        vec!["Rust", "SQL", "Leadership"]
    );
    let r = app
        .post("/me/skills")
        .session(&ann)
        .form(&[("skills", "Rust\nrust")])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "skills", "listed twice");
    assert!(r.text().contains(">Rust\nrust</textarea>"));
    assert_eq!(me(&app, &ann).await.skills.len(), 3);

    let r = app
        .post("/me/links")
        .session(&ann)
        .form(&[("link_title", "Evil"), ("link_url", "javascript:alert(1)")])
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "link_url", "https://");
    assert!(me(&app, &ann).await.links.is_empty());
    assert_redirect(
        &app.post("/me/links")
            .session(&ann)
            .form(&[("link_title", "Blog"), ("link_url", "https://ann.example")])
            .send()
            .await,
        "/me/edit#edit-links",
    );
    let id = me(&app, &ann).await.links[0].id;
    assert!(app
        .get("/me/edit")
        .session(&ann)
        .send()
        .await
        .text()
        .contains("rel=\"nofollow noopener ugc\">Blog</a>"));
    assert_redirect(
        &app.post(&format!("/me/links/{id}/delete"))
            .session(&ann)
            .send()
            .await,
        "/me/edit#edit-links",
    );
    assert!(me(&app, &ann).await.links.is_empty());
}

#[tokio::test]
async fn photos_are_uploaded_checked_and_removed() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let r = app
        .post("/me/photo")
        .session(&ann)
        .multipart_file("photo", "me.png", "image/png", &png(640, 480))
        .send()
        .await;
    assert_redirect(&r, "/me/edit#edit-photo");
    let key = me(&app, &ann).await.profile.photo_key.expect("a photo");
    let large = format!("/media/photos/{key}-400.jpg");
    assert!(app
        .get("/me/edit")
        .session(&ann)
        .send()
        .await
        .text()
        .contains(&format!("src=\"{large}\"")));
    assert!(app
        .get("/in/ann")
        .send()
        .await
        .text()
        .contains(&format!("src=\"{large}\"")));
    app.get(&large).send().await.assert_status(200);

    let r = app
        .post("/me/photo")
        .session(&ann)
        .multipart_file("photo", "x.txt", "text/plain", b"%PDF-1.4 hello")
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(form(&r.text(), "photo-form"), "photo", "not an image");
    assert_eq!(
        me(&app, &ann).await.profile.photo_key.as_deref(),
        Some(key.as_str()),
        "the old photo stays"
    );
    let r = app
        .post("/me/photo")
        .session(&ann)
        .form(&[("photo", "x")])
        .send()
        .await;
    r.assert_status(400);

    assert_redirect(
        &app.post("/me/photo/delete").session(&ann).send().await,
        "/me/edit#edit-photo",
    );
    assert!(me(&app, &ann).await.profile.photo_key.is_none());
}

#[tokio::test]
async fn the_strength_meter_follows_the_profile() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    set_profile(
        &app,
        &ann,
        ProfileInput {
            headline: text("Engineer"),
            location: text("Delft"),
            ..ProfileInput::default()
        },
    )
    .await;
    app.guild
        .set_photo(&app.viewer(&ann), png(200, 200))
        .await
        .unwrap();
    let html = app.get("/me/edit").session(&ann).send().await.text();
    assert!(
        html.contains("data-level=\"Intermediate\"") && html.contains("value=\"3\""),
        "{html}"
    );
    assert!(
        html.contains(
            "id=\"strength-next\">Next step: <a href=\"/me/edit?open=experience#edit-experience\">"
        ),
        "{html}"
    );
    assert!(html.contains("id=\"edit-experience\""), "the anchor exists");
}
