//! A new member's first visit: sign up, confirm by email, fill the profile until the strength
//! meter reaches Expert, then see the profile as a stranger does.

use crate::browser::Browser;
use crate::flows::{expect_signed_in, served_app, sign_out};

const NAME: &str = "Ada Lovelace";
const EMAIL: &str = "ada@example.com";
const HANDLE: &str = "ada";
const PASSWORD: &str = "a long and private passphrase";
const HEADLINE: &str = "Engineer of analytical engines";
const CONTACT: &str = "ada.private@example.org";

struct PositionEntry {
    company: &'static str,
    title: &'static str,
    start: &'static str,
    end: &'static str,
    description: &'static str,
    location: &'static str,
}

const CURRENT: PositionEntry = PositionEntry {
    company: "Analytical Engines Ltd",
    title: "Lead Programmer",
    start: "2021-04",
    end: "",
    description: "Writes the first programs for the Engine, starting with Bernoulli numbers.",
    location: "London",
};
const PAST: [PositionEntry; 2] = [
    PositionEntry {
        company: "Difference Works",
        title: "Mathematical Analyst",
        start: "2017-02",
        end: "2021-03",
        description: "",
        location: "",
    },
    PositionEntry {
        company: "Menabrea Translations",
        title: "Translator",
        start: "2013-09",
        end: "2017-01",
        description: "",
        location: "Turin",
    },
];
const SKILLS: [&str; 3] = ["Mathematics", "Programming", "Technical writing"];

#[tokio::test(flavor = "multi_thread")]
async fn sign_up_fill_the_profile_and_view_it_anonymously() {
    let (app, base) = served_app().await;
    let b = Browser::desktop(&base).await;

    // Sign up, then confirm with the link from the email.
    b.goto("/signup").await;
    b.fill("input[name=name]", NAME).await;
    b.fill("input[name=email]", EMAIL).await;
    b.fill("input[name=password]", PASSWORD).await;
    if b.exists("input[name=handle]").await {
        b.fill("input[name=handle]", HANDLE).await;
    } else {
        b.fail("the sign-up form has no handle field").await;
    }
    b.click_and_wait("#signup-submit").await;
    let h1 = b.text("h1").await;
    if h1 != "Check your email" {
        b.fail(&format!(
            "after signing up the page says {h1:?}, not \"Check your email\""
        ))
        .await;
    }
    let Some(link) = app.link_in_email(EMAIL, "/confirm/").await else {
        panic!(
            "no /confirm/ link emailed to {EMAIL}; outbox: {:#?}",
            app.emails().await
        )
    };
    b.goto(&link).await;
    b.wait_path("/me/edit").await;
    expect_signed_in(&b, NAME).await;
    let first = expect_strength(&b, "Beginner").await;

    // The profile: 2 of the 8 steps (headline, location), so still Beginner.
    open_section(&b, "intro").await;
    b.fill("#profile-form [name=headline]", HEADLINE).await;
    b.fill("#profile-form [name=location]", "London").await;
    b.fill(
        "#profile-form [name=about]",
        "I write programs for machines that do not exist yet.",
    )
    .await;
    b.fill("#profile-form [name=contact_email]", CONTACT).await;
    b.select("#profile-form [name=visibility]", "public").await;
    b.select("#profile-form [name=contact_visibility]", "connections")
        .await;
    b.submit("#profile-form").await;
    b.wait_path("/me/edit").await;
    let kept = b
        .find("#profile-form [name=headline]")
        .await
        .prop("value")
        .await
        .ok()
        .flatten();
    if kept.as_deref() != Some(HEADLINE) {
        b.fail(&format!("the saved headline shows as {kept:?}"))
            .await;
    }
    expect_strength(&b, "Beginner").await;

    // A photo: 3 steps, Intermediate.
    let dir = tempfile::tempdir().expect("tempdir");
    let photo = dir.path().join("ada.png");
    std::fs::write(&photo, guild_testkit::png(640, 480)).expect("write png");
    open_section(&b, "photo").await;
    let input = b.find("#photo-form input[name=photo]").await;
    input
        .send_keys(&photo.display().to_string())
        .await
        .expect("choose the photo file");
    b.submit("#photo-form").await;
    b.wait_path("/me/edit").await;
    expect_strength(&b, "Intermediate").await;

    // The current position with a description (4 steps), then two past ones (5).
    add_position(&b, &CURRENT).await;
    expect_strength(&b, "Intermediate").await;
    add_position(&b, &PAST[0]).await;
    add_position(&b, &PAST[1]).await;
    expect_strength(&b, "Advanced").await;

    // Education (6), three skills (7): Expert. All-Star needs 50 connections, which no one
    // can have yet, so the meter's next step is about connections.
    open_section(&b, "education").await;
    b.fill("#education-form [name=school]", "University of London")
        .await;
    b.fill("#education-form [name=degree]", "BSc").await;
    b.fill("#education-form [name=field]", "Mathematics").await;
    b.fill("#education-form [name=start_year]", "2009").await;
    b.fill("#education-form [name=end_year]", "2013").await;
    b.submit("#education-form").await;
    b.wait_path("/me/edit").await;
    expect_strength(&b, "Advanced").await;
    open_section(&b, "skills").await;
    b.fill("#skills-form [name=skills]", &SKILLS.join("\n"))
        .await;
    b.submit("#skills-form").await;
    b.wait_path("/me/edit").await;
    let last = expect_strength(&b, "Expert").await;
    assert_ne!(
        first, last,
        "#strength's data-level did not change from Beginner to Expert"
    );
    let next = b.text("#strength-next").await.to_lowercase();
    assert!(
        next.contains("connection"),
        "at Expert the next step should be about connections, not {next:?}"
    );

    // The owner sees their profile with the photo loaded and their own contact details.
    b.goto(&format!("/in/{HANDLE}")).await;
    expect_photo_loaded(&b).await;
    let contact = b.text("#contact").await;
    assert!(
        contact.contains(CONTACT),
        "the owner should see their contact email; #contact says {contact:?}"
    );
    b.screenshot("profile-desktop").await;

    // A stranger sees name, headline and positions, but no contact details.
    sign_out(&b).await;
    b.goto(&format!("/in/{HANDLE}")).await;
    assert_eq!(b.text("#profile-name").await, NAME);
    assert_eq!(b.text("#profile-headline").await, HEADLINE);
    let page = b.js_str("return document.body.innerText").await;
    for p in std::iter::once(&CURRENT).chain(PAST.iter()) {
        assert!(
            page.contains(p.company) && page.contains(p.title),
            "{} at {} is not on the public profile:\n{page}",
            p.title,
            p.company
        );
    }
    assert!(
        page.contains(CURRENT.description),
        "the current position's description is not shown:\n{page}"
    );
    expect_photo_loaded(&b).await;
    assert!(
        !b.exists("#contact").await,
        "an anonymous visitor sees #contact"
    );
    let source = b.source().await;
    assert!(
        !source.contains(CONTACT),
        "the contact email is in the page source for an anonymous visitor"
    );
    // And not in the HTML the server sends either (no cookie: anonymous).
    let raw = app.get(&format!("/in/{HANDLE}")).send().await;
    raw.assert_status(200);
    assert!(
        !raw.text().contains(CONTACT),
        "the contact email is in the served HTML for an anonymous visitor"
    );
}

/// Adds a position through `#position-form`; month fields are set by script.
/// Opens a section of the profile editor by its summary, as a member would.
async fn open_section(b: &Browser, name: &str) {
    let open = b
        .js_str(&format!(
            "return String(document.getElementById('edit-{name}').open)"
        ))
        .await;
    if open != "true" {
        b.find(&format!("#edit-{name} > summary"))
            .await
            .click()
            .await
            .expect("open the section");
    }
}

async fn add_position(b: &Browser, p: &PositionEntry) {
    open_section(b, "experience").await;
    b.fill("#position-form [name=company]", p.company).await;
    b.fill("#position-form [name=title]", p.title).await;
    b.set_value("#position-form [name=start]", p.start).await;
    b.set_value("#position-form [name=end]", p.end).await;
    b.fill("#position-form [name=description]", p.description)
        .await;
    b.fill("#position-form [name=location]", p.location).await;
    b.submit("#position-form").await;
    b.wait_path("/me/edit").await;
    let page = b.js_str("return document.body.innerText").await;
    if !page.contains(p.company) {
        b.fail(&format!(
            "the position at {} is not listed after adding it",
            p.company
        ))
        .await;
    }
}

/// Checks the meter shows `level` and returns its `data-level`.
async fn expect_strength(b: &Browser, level: &str) -> String {
    b.find("#strength").await;
    let shown = b.text("#strength-level").await;
    if shown != level {
        b.fail(&format!(
            "the strength meter shows {shown:?}, expected {level:?}"
        ))
        .await;
    }
    let data = b.attr("#strength", "data-level").await.unwrap_or_default();
    if data.is_empty() {
        b.fail("#strength has no data-level").await;
    }
    data
}

/// Waits for the profile photo (`/media/photos/…`) to load with real pixels.
async fn expect_photo_loaded(b: &Browser) {
    b.find("img[src*='/media/photos/']").await;
    b.wait_js(
        "the profile photo to load",
        "[...document.querySelectorAll(\"img[src*='/media/photos/']\")].every(i => i.complete && i.naturalWidth > 0)",
    )
    .await;
}
