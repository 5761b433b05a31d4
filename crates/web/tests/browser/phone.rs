//! Pages at a phone's width (375 CSS pixels): nothing may scroll sideways. Screenshots of the
//! profile and its editor are saved to `target/screenshots/`.

use guild_core::profiles::{EducationInput, PositionInput, ProfileInput};
use guild_testkit::{TestApp, TestMember};

use crate::browser::Browser;
use crate::flows::{served_app, sign_in};

const WIDTH: u32 = 375;
const HEIGHT: u32 = 812;

#[tokio::test(flavor = "multi_thread")]
async fn profile_and_editor_fit_a_phone_screen() {
    let (app, base) = served_app().await;
    let pat = app.member("pat").await;
    fill_profile(&app, &pat).await;

    let b = Browser::phone(&base, WIDTH, HEIGHT).await;
    let inner = b.js("return window.innerWidth", vec![]).await;
    sign_in(&b, &pat).await;
    // With <meta name="viewport" content="width=device-width"> the layout is 375 px wide; a
    // page without it would be laid out at 980 px and shrunk.
    let inner_after = b.js("return window.innerWidth", vec![]).await;
    assert_eq!(
        inner_after,
        serde_json::json!(WIDTH),
        "layout viewport is {inner_after} px wide (before sign-in: {inner})"
    );
    expect_no_sideways_scroll(&b, "/signin → first page after sign-in").await;

    b.goto(&format!("/in/{}", pat.handle)).await;
    b.find("#profile-name").await;
    b.wait_js(
        "the photo to load",
        "[...document.images].every(i => i.complete)",
    )
    .await;
    expect_no_sideways_scroll(&b, "the profile").await;
    let shot = b.screenshot("profile-phone").await;
    eprintln!("saved {}", shot.display());

    b.goto("/me/edit").await;
    b.find("#profile-form").await;
    expect_no_sideways_scroll(&b, "/me/edit").await;
    let shot = b.screenshot("me-edit-phone").await;
    eprintln!("saved {}", shot.display());
}

/// Fails, naming the widest offenders, if the page is wider than the screen.
pub(crate) async fn expect_no_sideways_scroll(b: &Browser, page: &str) {
    let fits = b
        .js(
            "return document.documentElement.scrollWidth <= window.innerWidth",
            vec![],
        )
        .await;
    if fits != serde_json::Value::Bool(true) {
        let report = b
            .js_str(
                "const w = window.innerWidth;
                 const wide = [...document.querySelectorAll('body *')]
                   .filter(e => e.getBoundingClientRect().right > w + 1)
                   .slice(0, 8)
                   .map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + String(e.className).split(' ').join('.') : '')
                        + ' right=' + Math.round(e.getBoundingClientRect().right));
                 return 'scrollWidth=' + document.documentElement.scrollWidth + ' innerWidth=' + w + '; too wide: ' + wide.join(', ');",
            )
            .await;
        b.fail(&format!("{page} scrolls sideways at {WIDTH} px: {report}"))
            .await;
    }
}

/// A full profile, written through the services (the browser part of this test is layout).
async fn fill_profile(app: &TestApp, m: &TestMember) {
    let g = &app.guild;
    let me = app.viewer(m);
    let text = |s: &str| Some(s.to_string());
    g.update_profile(
        &me,
        ProfileInput {
            headline: text("Site reliability engineer who keeps the lights on, and writes about it"),
            about: text(
                "Fifteen years of keeping busy systems calm. I like boring technology, good runbooks, \
                 and post-mortems without blame.\n\nAsk me about capacity planning.",
            ),
            location: text("Rotterdam, Netherlands"),
            visibility: text("public"),
            contact_visibility: text("members"),
            contact_email: text("pat.contact@example.org"),
            phone: text("+31 10 123 4567"),
            website: text("https://example.com/portfolio/projects/2024/site-reliability-engineering-case-studies"),
            ..ProfileInput::default()
        },
    )
    .await
    .expect("profile");
    g.set_photo(&me, guild_testkit::png(640, 480))
        .await
        .expect("photo");
    let positions = [
        (
            "Harbour Logistics International",
            "Principal Site Reliability Engineer",
            "2020-05",
            None,
        ),
        (
            "Polder Cloud Services",
            "Operations Engineer",
            "2014-01",
            Some("2020-04"),
        ),
    ];
    for (company, title, start, end) in positions {
        let input = PositionInput {
            company: company.into(),
            title: title.into(),
            start: start.into(),
            end: end.map(String::from),
            description: text(
                "On call for the systems that move containers through the port, around the clock.",
            ),
            location: text("Rotterdam"),
        };
        g.add_position(&me, input).await.expect("position");
    }
    let education = EducationInput {
        school: "Delft University of Technology".into(),
        degree: text("MSc"),
        field: text("Computer Science"),
        start_year: text("2008"),
        end_year: text("2013"),
    };
    g.add_education(&me, education).await.expect("education");
    let skills: Vec<String> = [
        "Linux",
        "Kubernetes",
        "PostgreSQL",
        "Incident response",
        "Capacity planning",
    ]
    .map(String::from)
    .into();
    g.set_skills(&me, &skills).await.expect("skills");
}
