//! What a member sees of issue 16's feed work: an engagement rate that can be true, "Why am I
//! seeing this?" on one's own post, ages that read "just now", reaction buttons with names,
//! and the home page's rails (member card, counts, People You May Know, hashtags, news).

use guild_testkit::{TestApp, TestMember};
use serde_json::{json, Value};

use crate::api_posts::{get_post, id, new_post};

async fn stats(app: &TestApp, who: &TestMember, post: &str) -> Value {
    let r = app
        .get(&format!("/api/v1/posts/{post}/stats"))
        .token(who)
        .send()
        .await;
    r.assert_status(200);
    r.json()
}

async fn page(app: &TestApp, who: &TestMember, path: &str) -> String {
    let r = app.get(path).session(who).send().await;
    r.assert_status(200);
    r.text()
}

/// Reacts, comments and reposts: three responses from one member.
async fn respond(app: &TestApp, who: &TestMember, post: &str) {
    app.put(&format!("/api/v1/posts/{post}/reaction"))
        .token(who)
        .json(json!({"kind": "celebrate"}))
        .send()
        .await
        .assert_status(200);
    app.post(&format!("/api/v1/posts/{post}/comments"))
        .token(who)
        .json(json!({"body": "Well said"}))
        .send()
        .await
        .assert_status(201);
    app.post(&format!("/api/v1/posts/{post}/reposts"))
        .token(who)
        .json(json!({}))
        .send()
        .await
        .assert_status(201);
}

#[tokio::test]
async fn the_engagement_rate_is_a_share_of_members_reached_shown_from_the_minimum() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let p = id(&new_post(&app, &ann, "Numbers that can be true", "anyone").await);
    let bob = app.member("bob").await;
    get_post(&app, &bob, &p).await.assert_status(200);
    respond(&app, &bob, &p).await;

    // One impression, three responses: once "300.0 %"; now no rate until there are enough.
    let s = stats(&app, &ann, &p).await;
    assert_eq!(
        (s["impressions"].as_i64(), s["engaged_members"].as_i64()),
        (Some(1), Some(1)),
        "{s}"
    );
    assert!(s["engagement_rate"].is_null(), "{s}");
    let html = page(&app, &ann, &format!("/posts/{p}")).await;
    assert!(!html.contains("300.0 %"), "{html}");
    assert!(
        html.contains("Not yet: shown from 20 impressions"),
        "{html}"
    );
    // The definition on hover and as text a screen reader reaches from the figure.
    assert!(
        html.contains("<abbr title=\"The share of the members who saw the post who reacted"),
        "{html}"
    );
    assert!(html.contains("aria-describedby=\"rate-help\""), "{html}");
    assert!(html.contains("id=\"rate-help\""), "{html}");

    // Twenty members reached, four of them responding (one of them three times, one only by
    // reacting without a recorded view): 4 of 20.
    for i in 0..19 {
        let m = app.member(&format!("viewer-{i:02}")).await;
        get_post(&app, &m, &p).await.assert_status(200);
        if i < 2 {
            respond(&app, &m, &p).await;
        }
    }
    let late = app.member("late-reactor").await;
    app.put(&format!("/api/v1/posts/{p}/reaction"))
        .token(&late)
        .json(json!({"kind": "like"}))
        .send()
        .await
        .assert_status(200);
    let s = stats(&app, &ann, &p).await;
    let reached = s["unique_viewers"].as_f64().unwrap();
    let engaged = s["engaged_members"].as_f64().unwrap();
    let rate = s["engagement_rate"]
        .as_f64()
        .unwrap_or_else(|| panic!("{s}"));
    assert_eq!(engaged, 4.0, "{s}");
    assert!((0.0..=1.0).contains(&rate), "{s}");
    assert!((rate - engaged.min(reached) / reached).abs() < 1e-9, "{s}");
    let html = page(&app, &ann, &format!("/posts/{p}")).await;
    let shown = format!("{:.1} %", rate * 100.0);
    assert!(html.contains(&format!(">{shown}<")), "{shown} in {html}");

    // The API document says what the rate is.
    let doc = app.get("/api/v1/openapi.json").send().await.json();
    let field = &doc["components"]["schemas"]["PostStatsJson"]["properties"]["engagement_rate"];
    assert!(
        field["description"]
            .as_str()
            .is_some_and(|d| d.contains("engaged members divided by members reached")),
        "{field}"
    );
    assert_eq!(field["maximum"], 1.0, "{field}");
}

#[tokio::test]
async fn ones_own_post_says_so_and_ages_read_just_now() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    app.connect(&ann, &bob).await;
    new_post(&app, &ann, "Fresh from the oven", "anyone").await;

    let mine = page(&app, &ann, "/").await;
    let why = mine
        .split("<summary>Why am I seeing this?</summary>")
        .nth(1)
        .unwrap_or_else(|| panic!("no explanation in {mine}"));
    let why = &why[..why.find("</details>").unwrap()];
    assert!(why.contains("This is your own post"), "{why}");
    assert!(!why.contains("affinity"), "{why}");
    assert!(!why.contains("hours ago"), "{why}");
    assert!(mine.contains(">just now</a>"), "{mine}");

    let api = app.get("/api/v1/feed").token(&ann).send().await.json();
    let lines = api["items"][0]["reasons"].to_string();
    assert!(lines.contains("This is your own post"), "{lines}");
    assert!(!lines.contains("affinity with Ann"), "{lines}");

    // To Bob it is Ann's post, with his affinity to her.
    let his = page(&app, &bob, "/").await;
    assert!(his.contains("Your affinity with Ann"), "{his}");
    assert!(!his.contains("This is your own post"), "{his}");
    assert!(his.contains(">just now</a>"), "{his}");
}

#[tokio::test]
async fn reactions_are_one_like_button_and_a_popover_of_named_icons() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let (bob, cyd) = (app.member("bob").await, app.member("cyd").await);
    let p = id(&new_post(&app, &ann, "React to me", "anyone").await);
    let html = page(&app, &bob, &format!("/posts/{p}")).await;
    assert!(!html.contains(" style="), "no inline styles under the CSP");
    let form = &html[html.find("<form class=\"reactions\"").unwrap()..];
    let form = &form[..form.find("</form>").unwrap()];
    // One Like button, and a popover holding the five, each icon hidden and its name given.
    assert!(
        form.contains(
            "value=\"like\" class=\"action react-main react-like\" aria-pressed=\"false\">"
        ),
        "{form}"
    );
    assert!(form.contains("<span>Like</span></button>"), "{form}");
    assert!(
        form.contains("<details class=\"reaction-picker\"><summary")
            || form.contains("<details class=\"reaction-picker\">"),
        "{form}"
    );
    assert!(
        form.contains("<span class=\"sr-only\">More reactions</span>"),
        "{form}"
    );
    for name in ["Like", "Celebrate", "Support", "Insightful", "Curious"] {
        assert!(
            form.contains(&format!(
                "<span class=\"reaction-name\">{name}</span></button>"
            )),
            "{name} has no name in {form}"
        );
    }
    assert_eq!(form.matches("<svg").count(), 7, "{form}");
    assert_eq!(
        form.matches("aria-hidden=\"true\" focusable=\"false\"")
            .count(),
        7
    );
    for action in ["Comment", "Repost", "Send"] {
        assert!(html.contains(&format!("<span>{action}</span>")), "{action}");
    }
    // Send opens a message with a link to the post.
    assert!(
        html.contains(&format!(
            "href=\"/messages/new?body=Have%20a%20look%20at%20this%20post%3A%20/posts/{p}\""
        )),
        "{html}"
    );

    // Bob celebrates, Cyd likes: the summary is their icons and a count, said in words.
    for (who, kind) in [(&bob, "celebrate"), (&cyd, "like")] {
        app.post(&format!("/posts/{p}/react"))
            .session(who)
            .form(&[("kind", kind), ("back", "")])
            .send()
            .await;
    }
    let html = page(&app, &bob, &format!("/posts/{p}")).await;
    assert!(
        html.contains("<span class=\"sr-only\">2 reactions: 1 celebrate, 1 like</span>"),
        "{html}"
    );
    assert!(
        html.contains("reaction-badge reaction-badge-celebrate"),
        "{html}"
    );
    assert!(
        html.contains("reaction-badge reaction-badge-like"),
        "{html}"
    );
    // His button now says what he chose, pressed; pressing it takes it back.
    assert!(
        html.contains("value=\"celebrate\" class=\"action react-main react-celebrate chosen\" aria-pressed=\"true\">"),
        "{html}"
    );
}

#[tokio::test]
async fn the_home_page_has_the_member_card_counts_suggestions_hashtags_and_news() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let (bob, cyd, dan) = (
        app.member("bob").await,
        app.member("cyd").await,
        app.member("dan").await,
    );
    app.patch("/api/v1/me/profile")
        .token(&ann)
        .json(json!({"headline": "Builds bridges"}))
        .send()
        .await
        .assert_status(200);
    app.connect(&ann, &bob).await;
    app.connect(&ann, &cyd).await;
    app.connect(&bob, &dan).await;
    app.post("/hashtags/rustlang/follow")
        .session(&ann)
        .send()
        .await;
    new_post(
        &app,
        &bob,
        "Our team shipped the new bridge design today",
        "anyone",
    )
    .await;

    let html = page(&app, &ann, "/").await;
    let rail = |id: &str| {
        let at = html
            .find(&format!("id=\"{id}\""))
            .unwrap_or_else(|| panic!("no #{id} in {html}"));
        let rest = &html[at..];
        rest[..rest.find("</section>").unwrap_or(rest.len())].to_string()
    };
    let me = rail("me-card");
    assert!(
        me.contains(">Ann</span>") && me.contains("Builds bridges"),
        "{me}"
    );
    assert!(me.contains("id=\"me-connections\">2<"), "{me}");
    assert!(me.contains("id=\"me-followers\">2<"), "{me}");
    assert!(me.contains("id=\"me-reach\">1<"), "{me}");
    let pymk = rail("pymk");
    assert!(pymk.contains("id=\"suggestion-dan\""), "{pymk}");
    assert!(pymk.contains("href=\"/in/dan/invite\""), "{pymk}");
    assert!(
        pymk.contains("Connect<span class=\"sr-only\"> with Dan</span>"),
        "{pymk}"
    );
    let tags = rail("my-hashtags");
    assert!(tags.contains("href=\"/hashtags/rustlang\""), "{tags}");
    let news = rail("news");
    assert!(
        news.contains("<strong>Bob</strong> posted: Our team shipped the new bridge design today"),
        "{news}"
    );
    // The feed comes first in the page, the rails after it (one column on a phone).
    let feed_at = html.find("id=\"feed\"").unwrap();
    assert!(feed_at < html.find("id=\"me-card\"").unwrap());
    assert!(feed_at < html.find("id=\"pymk\"").unwrap());
}

#[tokio::test]
async fn an_article_reads_with_real_headings_and_a_post_keeps_its_bold_lines() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let body = "## Start small\n\nWe paired for an hour.\n\n### The rule\n\n> The keyboard goes to whoever is learning.";
    let posted = |json: Value| {
        let req = app.post("/api/v1/posts").token(&ann).json(json);
        async move {
            let r = req.send().await;
            r.assert_status(201);
            r.json()["post"]["id"].as_str().unwrap().to_string()
        }
    };
    let article =
        posted(json!({"kind": "article", "title": "A year of pairing", "body": body})).await;
    let html = page(&app, &ann, &format!("/articles/{article}")).await;
    assert!(html.contains("<h2>Start small</h2>"), "{html}");
    assert!(html.contains("<h3>The rule</h3>"));
    assert!(html
        .contains("<blockquote>\n<p>The keyboard goes to whoever is learning.</p>\n</blockquote>"));
    // The page's title is its one <h1>.
    assert_eq!(html.matches("<h1").count(), 1);

    let post = posted(json!({"body": body})).await;
    let html = page(&app, &ann, &format!("/posts/{post}")).await;
    assert!(
        html.contains("<p><strong>Start small</strong></p>") && !html.contains("<h2>Start small"),
        "{html}"
    );
}

#[tokio::test]
async fn the_member_card_counts_profile_views_by_others_once_a_day() {
    let app = TestApp::new().await;
    let ann = app.member("ann").await;
    let bob = app.member("bob").await;
    let cleo = app.member("cleo").await;
    let views = |html: &str| {
        let at = html.find("id=\"me-profile-views\">").expect("the count")
            + "id=\"me-profile-views\">".len();
        html[at..at + html[at..].find('<').unwrap()].to_string()
    };
    assert_eq!(views(&page(&app, &ann, "/").await), "0");
    // Bob twice today (once counted), Cleo through the API; Ann herself and a visitor
    // who is not signed in do not count.
    page(&app, &bob, "/in/ann").await;
    page(&app, &bob, "/in/ann").await;
    app.get("/api/v1/members/ann")
        .token(&cleo)
        .send()
        .await
        .assert_status(200);
    page(&app, &ann, "/in/ann").await;
    app.get("/in/ann").send().await;
    assert_eq!(views(&page(&app, &ann, "/").await), "2");
    // The count is Ann's own: Bob's card says nobody opened his profile.
    assert_eq!(views(&page(&app, &bob, "/").await), "0");
}
