//! The HTML pages through the router: what a member sees after each form, bad input shown
//! beside its field with nothing stored, signed-out and other-member attempts, sessions.

use guild_core::auth::Viewer;
use guild_core::profiles::{EducationInput, PositionInput, ProfileInput, ProfileView};
use guild_core::settings::RegistrationMode;
use guild_testkit::{png, Resp, TestApp, TestMember, PASSWORD};

// ---- helpers: small readers of the served HTML ----

/// The part of `html` from the element with `id` to the end of its form.
fn form<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in:\n{html}"));
    let end = html[start..]
        .find("</form>")
        .map_or(html.len(), |e| start + e);
    &html[start..end]
}

/// The first `<input>`, `<textarea>` or `<select>` tag with `name="…"`.
fn tag<'a>(html: &'a str, name: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no field {name} in:\n{html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

/// Checks the message beside `field`: `#FIELD-error` says `says`, and the input points at it.
#[track_caller]
fn assert_field_error(html: &str, field: &str, says: &str) {
    let t = tag(html, field);
    assert!(
        t.contains("aria-invalid=\"true\""),
        "{field} is not marked invalid: {t}"
    );
    assert!(
        t.contains(&format!("aria-describedby=\"{field}-error\"")),
        "{field} is not described by its error: {t}"
    );
    let marker = format!("<p class=\"field-error\" id=\"{field}-error\">");
    let at = html
        .find(&marker)
        .unwrap_or_else(|| panic!("no #{field}-error in:\n{html}"));
    let msg = &html[at + marker.len()..];
    let msg = &msg[..msg.find("</p>").unwrap()];
    assert!(
        msg.contains(says),
        "#{field}-error says {msg:?}, expected {says:?}"
    );
}

fn location(r: &Resp) -> String {
    r.header("location").unwrap_or_default()
}

#[track_caller]
fn assert_redirect(r: &Resp, to: &str) {
    assert_eq!(
        r.status.as_u16(),
        303,
        "expected a redirect to {to}; body: {}",
        r.text()
    );
    assert_eq!(location(r), to);
}

async fn me(app: &TestApp, m: &TestMember) -> ProfileView {
    app.guild.my_profile(&app.viewer(m)).await.unwrap()
}

async fn add_position(
    app: &TestApp,
    m: &TestMember,
    company: &str,
    start: &str,
    end: Option<&str>,
) -> i64 {
    let input = PositionInput {
        company: company.into(),
        title: "Engineer".into(),
        start: start.into(),
        end: end.map(String::from),
        description: Some("Builds things.".into()),
        location: None,
    };
    app.guild
        .add_position(&app.viewer(m), input)
        .await
        .unwrap()
        .id
}

async fn set_profile(app: &TestApp, m: &TestMember, input: ProfileInput) {
    app.guild
        .update_profile(&app.viewer(m), input)
        .await
        .unwrap();
}

fn text(s: &str) -> Option<String> {
    Some(s.to_string())
}

fn profile_fields<'a>(headline: &'a str, website: &'a str) -> Vec<(&'static str, &'a str)> {
    vec![
        ("name", "Ann Smith"),
        ("headline", headline),
        ("about", "About me\nand more"),
        ("location", "Utrecht"),
        ("visibility", "members"),
        ("contact_visibility", "connections"),
        ("contact_email", "ann@work.example"),
        ("phone", ""),
        ("website", website),
    ]
}

mod auth;
mod edit;
mod feed;
mod feed_look;
mod frame;
mod messages;
mod messaging_pages;
mod network;
mod picker;
mod profile;
mod site;
