//! The feed's pages: the composer (a refused post keeps the text, the message beside the
//! field), the home feed with "Why am I seeing this?" and "Most recent", a post's page with
//! reactions, comments and the author's figures, articles, hashtags, the notification centre
//! and its settings, and other members' attempts on what is not theirs.

use guild_testkit::{png, TestApp, TestMember};

use super::{assert_field_error, assert_redirect, location};

async fn compose(app: &TestApp, who: &TestMember, fields: &[(&str, &str)]) -> guild_testkit::Resp {
    app.post("/posts")
        .session(who)
        .multipart(fields, &[])
        .send()
        .await
}

/// The id of the newest post on `who`'s home page.
async fn first_post_id(app: &TestApp, who: &TestMember) -> String {
    let html = app.get("/").session(who).send().await.text();
    html.split("data-post=\"")
        .nth(1)
        .unwrap_or_else(|| panic!("no post in:\n{html}"))
        .split('"')
        .next()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn a_member_posts_from_the_home_page_and_a_refusal_keeps_the_text() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let home = app.get("/").session(&ann).send().await;
    home.assert_status(200);
    let html = home.text();
    assert!(html.contains("id=\"composer\""), "{html}");
    assert!(html.contains("id=\"feed-empty\""), "{html}");

    // Too long: 422, the text kept, the message beside the field; nothing posted.
    let long = "a".repeat(3001);
    let r = compose(&app, &ann, &[("body", &long), ("visibility", "anyone")]).await;
    r.assert_status(422);
    let html = r.text();
    assert_field_error(&html, "body", "at most 3000 characters");
    assert!(html.contains(&long), "the text is kept");

    // With an image, for connections only.
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(
            &[
                ("body", "Shipped **it** #launch"),
                ("visibility", "connections"),
            ],
            &[("images", "a.png", "image/png", &png(300, 200))],
        )
        .send()
        .await;
    assert_redirect(&r, "/?done=posted");
    let html = app.get("/?done=posted").session(&ann).send().await.text();
    assert!(html.contains("Posted."), "{html}");
    assert!(html.contains("<strong>it</strong>"), "{html}");
    assert!(html.contains("href=\"/hashtags/launch\""), "{html}");
    assert!(
        html.contains("class=\"post-image\" src=\"/media/posts/"),
        "{html}"
    );
    assert!(
        html.contains("<span class=\"audience\">Connections</span>"),
        "{html}"
    );
    assert!(html.contains("Your post"), "the reason is shown: {html}");

    // A file that is not an image: refused beside the field.
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(
            &[("body", "see attachment"), ("visibility", "anyone")],
            &[("images", "x.txt", "text/plain", b"%PDF-1.4")],
        )
        .send()
        .await;
    r.assert_status(422);
    assert!(r.text().contains("id=\"images-error\""), "{}", r.text());
}

#[tokio::test]
async fn the_feed_explains_itself_and_most_recent_is_one_click_away() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    compose(
        &app,
        &bob,
        &[("body", "Bob's news"), ("visibility", "anyone")],
    )
    .await;
    let html = app.get("/").session(&ann).send().await.text();
    assert!(html.contains("Bob is one of your connections"), "{html}");
    assert!(
        html.contains("<summary>Why am I seeing this?</summary>"),
        "{html}"
    );
    assert!(html.contains("plays no part"), "{html}");
    assert!(
        html.contains("id=\"sort-relevant\">Most relevant</strong>"),
        "{html}"
    );
    let html = app.get("/?sort=recent").session(&ann).send().await.text();
    assert!(
        html.contains("id=\"sort-recent\">Most recent</strong>"),
        "{html}"
    );
    // Remembered.
    let html = app.get("/").session(&ann).send().await.text();
    assert!(
        html.contains("id=\"sort-recent\">Most recent</strong>"),
        "{html}"
    );
}

#[tokio::test]
async fn reactions_comments_and_the_authors_figures_on_the_post_page() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cyd = app.member("cyd").await;
    compose(
        &app,
        &ann,
        &[("body", "Thoughts?"), ("visibility", "anyone")],
    )
    .await;
    let id = first_post_id(&app, &ann).await;
    // Bob opens it (an impression), reacts and comments.
    app.get(&format!("/posts/{id}"))
        .session(&bob)
        .send()
        .await
        .assert_status(200);
    let r = app
        .post(&format!("/posts/{id}/react"))
        .session(&bob)
        .form(&[("kind", "insightful"), ("back", &format!("/posts/{id}"))])
        .send()
        .await;
    assert_eq!(location(&r), format!("/posts/{id}#post-{id}"));
    let r = app
        .post(&format!("/posts/{id}/comments"))
        .session(&bob)
        .form(&[("body", "Good one"), ("parent_id", "")])
        .send()
        .await;
    r.assert_status(303);
    // An empty comment: 422 beside the field.
    let r = app
        .post(&format!("/posts/{id}/comments"))
        .session(&bob)
        .form(&[("body", "  "), ("parent_id", "")])
        .send()
        .await;
    r.assert_status(422);
    let html = r.text();
    assert_field_error(
        super::form(&html, "comment-form"),
        "body",
        "Write a comment",
    );

    let page = app
        .get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(page.contains("id=\"stat-impressions\">1<"), "{page}");
    assert!(page.contains("id=\"stat-viewers\">1<"), "{page}");
    assert!(page.contains("insightful 1"), "{page}");
    assert!(
        page.contains("<span class=\"sr-only\">1 reaction: 1 insightful</span>"),
        "{page}"
    );
    assert!(page.contains("1 comment"), "{page}");
    assert!(page.contains("Good one"), "{page}");
    // Bob's page shows his reaction as chosen, and no figures.
    let bobs = app
        .get(&format!("/posts/{id}"))
        .session(&bob)
        .send()
        .await
        .text();
    assert!(
        bobs.contains("value=\"insightful\" class=\"reaction reaction-insightful chosen\" aria-pressed=\"true\""),
        "{bobs}"
    );
    assert!(!bobs.contains("id=\"stats\""), "{bobs}");
    // Choosing it again takes it back.
    app.post(&format!("/posts/{id}/react"))
        .session(&bob)
        .form(&[("kind", "insightful"), ("back", "")])
        .send()
        .await;
    let page = app
        .get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(page.contains("id=\"stat-reactions\">0<"), "{page}");

    // Cyd may neither edit nor delete Ann's post, nor delete Bob's comment.
    app.get(&format!("/posts/{id}/edit"))
        .session(&cyd)
        .send()
        .await
        .assert_status(404);
    app.post(&format!("/posts/{id}/edit"))
        .session(&cyd)
        .form(&[
            ("body", "mine now"),
            ("visibility", "anyone"),
            ("kind", ""),
            ("title", ""),
        ])
        .send()
        .await
        .assert_status(404);
    app.post(&format!("/posts/{id}/delete"))
        .session(&cyd)
        .send()
        .await
        .assert_status(404);
    let comment_id = page
        .split("id=\"comment-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    app.post(&format!("/comments/{comment_id}/delete"))
        .session(&cyd)
        .form(&[("back", "/")])
        .send()
        .await
        .assert_status(404);
    assert!(app
        .get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .text()
        .contains("Good one"));

    // Ann edits her post: marked edited.
    let r = app
        .post(&format!("/posts/{id}/edit"))
        .session(&ann)
        .form(&[
            ("body", "Second thoughts"),
            ("visibility", "anyone"),
            ("kind", ""),
            ("title", ""),
        ])
        .send()
        .await;
    assert_eq!(location(&r), format!("/posts/{id}?done=edited"));
    let page = app
        .get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        page.contains("Second thoughts") && page.contains("class=\"edited\""),
        "{page}"
    );
    // And deletes it.
    assert_redirect(
        &app.post(&format!("/posts/{id}/delete"))
            .session(&ann)
            .send()
            .await,
        "/?done=deleted",
    );
    app.get(&format!("/posts/{id}"))
        .session(&ann)
        .send()
        .await
        .assert_status(404);
}

#[tokio::test]
async fn an_article_has_a_title_a_cover_and_a_page_of_its_own() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let form = app.get("/articles/new").session(&ann).send().await;
    form.assert_status(200);
    assert!(form.text().contains("id=\"article-form\""));
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(
            &[
                ("kind", "article"),
                ("title", ""),
                ("body", "Body"),
                ("visibility", "anyone"),
            ],
            &[],
        )
        .send()
        .await;
    r.assert_status(422);
    assert_field_error(&r.text(), "title", "needs a title");
    let r = app
        .post("/posts")
        .session(&ann)
        .multipart(
            &[
                ("kind", "article"),
                ("title", "On graphs"),
                ("body", "Long *form* text"),
                ("visibility", "anyone"),
            ],
            &[("cover", "c.png", "image/png", &png(800, 400))],
        )
        .send()
        .await;
    let to = location(&r);
    assert!(
        to.starts_with("/articles/") && to.ends_with("?done=posted"),
        "{to}"
    );
    let page = app.get(&to).session(&ann).send().await.text();
    // The article's own page is a reading layout: the title as the page's heading, the
    // author line with the reading time.
    assert!(
        page.contains("<h1 class=\"article-title\">On graphs</h1>"),
        "{page}"
    );
    assert!(page.contains("1 min read"), "{page}");
    assert!(
        page.contains("On graphs") && page.contains("<em>form</em>"),
        "{page}"
    );
    assert!(
        page.contains("class=\"article-cover\" src=\"/media/posts/"),
        "{page}"
    );
}

#[tokio::test]
async fn hashtags_can_be_followed_and_notifications_read_and_tuned() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    compose(
        &app,
        &bob,
        &[("body", "Hello @ann #Graphs"), ("visibility", "anyone")],
    )
    .await;
    let tag = app
        .get("/hashtags/graphs")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        tag.contains("<h1>#graphs</h1>") && tag.contains("Hello"),
        "{tag}"
    );
    assert_redirect(
        &app.post("/hashtags/graphs/follow")
            .session(&ann)
            .send()
            .await,
        "/hashtags/graphs",
    );
    let tag = app
        .get("/hashtags/graphs")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(tag.contains("id=\"hashtag-follow\">Following<"), "{tag}");
    let home = app.get("/").session(&ann).send().await.text();
    assert!(home.contains("You follow #graphs"), "{home}");
    assert!(
        home.contains("<a href=\"/hashtags/graphs\">#graphs</a>"),
        "{home}"
    );

    // The badge and the centre.
    assert!(
        home.contains("aria-label=\"1 unread notification\">1<"),
        "{home}"
    );
    let centre = app.get("/notifications").session(&ann).send().await.text();
    assert!(centre.contains("Bob mentioned you."), "{centre}");
    let nid = centre
        .split("id=\"notification-")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap()
        .to_string();
    // Bob cannot mark Ann's as read.
    app.post("/notifications/read")
        .session(&bob)
        .form(&[("id", &nid), ("to", "/")])
        .send()
        .await;
    assert!(app
        .get("/notifications")
        .session(&ann)
        .send()
        .await
        .text()
        .contains("class=\"notification unread\""));
    let r = app
        .post("/notifications/read")
        .session(&ann)
        .form(&[("id", &nid), ("to", "/posts/1")])
        .send()
        .await;
    assert_eq!(location(&r), "/posts/1");
    let home = app.get("/").session(&ann).send().await.text();
    assert!(
        home.contains("aria-label=\"0 unread notifications\" hidden"),
        "{home}"
    );

    // Settings: switch mentions off in-app, the digest to daily.
    let s = app
        .get("/notifications/settings")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        s.contains("id=\"mention-in-app\" aria-label=\"Mentions in Guild\" checked"),
        "{s}"
    );
    let r = app
        .post("/notifications/settings")
        .session(&ann)
        .form(&[
            ("mention.email", "on"),
            ("reaction.in_app", "on"),
            ("digest", "daily"),
        ])
        .send()
        .await;
    assert_redirect(&r, "/notifications/settings");
    let s = app
        .get("/notifications/settings")
        .session(&ann)
        .send()
        .await
        .text();
    assert!(
        s.contains("id=\"mention-in-app\" aria-label=\"Mentions in Guild\">"),
        "{s}"
    );
    assert!(s.contains("<option value=\"daily\" selected>"), "{s}");
    let centre = app.get("/notifications").session(&ann).send().await.text();
    assert!(
        !centre.contains("mentioned you"),
        "mentions are off in-app: {centre}"
    );
}

#[tokio::test]
async fn signed_out_visitors_are_sent_to_sign_in() {
    let app = TestApp::new().await;
    for path in [
        "/notifications",
        "/notifications/settings",
        "/articles/new",
        "/hashtags/x1",
    ] {
        let r = app.get(path).send().await;
        assert!(
            r.status.as_u16() == 303 || r.status.as_u16() == 401,
            "{path}: {}",
            r.status
        );
    }
}

#[tokio::test]
async fn a_profile_shows_the_posts_its_visitor_may_read() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let zed = app.member("zed").await;
    app.connect(&ann, &bob).await;
    compose(
        &app,
        &ann,
        &[("body", "Open to all"), ("visibility", "anyone")],
    )
    .await;
    compose(
        &app,
        &ann,
        &[("body", "Inner circle"), ("visibility", "connections")],
    )
    .await;
    let for_bob = app.get("/in/ann").session(&bob).send().await.text();
    assert!(for_bob.contains("id=\"activity\""), "{for_bob}");
    assert!(
        for_bob.contains("Open to all") && for_bob.contains("Inner circle"),
        "{for_bob}"
    );
    let for_zed = app.get("/in/ann").session(&zed).send().await.text();
    assert!(for_zed.contains("Open to all"), "{for_zed}");
    assert!(!for_zed.contains("Inner circle"), "{for_zed}");
    let all = app.get("/in/ann/posts").session(&zed).send().await.text();
    assert!(
        all.contains("Open to all") && !all.contains("Inner circle"),
        "{all}"
    );
    // A visitor who is not signed in: public profile, open posts only.
    let anon = app.get("/in/ann").send().await.text();
    assert!(
        anon.contains("Open to all") && !anon.contains("Inner circle"),
        "{anon}"
    );
}
