//! Unit tests of the web crate's small pieces. They live here, not beside the code, because
//! the crate's own test target is switched off (`test = false` in its Cargo.toml): compiling
//! the whole crate a second time for a handful of tests cost more than all of them.

use guild_core::FieldErrors;
use guild_web::html::form::{safe_next, Form};
use guild_web::html::format::initials;
use serde::Serialize;

#[test]
fn initials_of_names() {
    assert_eq!(initials("Ann de Vries"), "AV");
    assert_eq!(initials("zoë"), "Z");
    assert_eq!(initials("  "), "");
}

#[derive(Serialize)]
struct Login {
    email: String,
    #[serde(skip_serializing)]
    password: String,
    next: Option<String>,
}

#[test]
fn form_keeps_values_but_never_passwords() {
    let login = Login {
        email: "a@b.c".into(),
        password: "secret".into(),
        next: None,
    };
    let f = Form::of(&login);
    assert_eq!(f.v("email"), "a@b.c");
    assert!(!format!("{f:?}").contains(&login.password));
    assert_eq!(f.v("password"), "");
    assert_eq!(f.v("next"), "");
    let mut e = FieldErrors::new();
    e.add("email", "bad");
    e.add("invite", "needs an invitation");
    let f = f.with_errors(e, &["email", "password"]);
    assert_eq!(f.err("email"), Some("bad"));
    assert_eq!(f.alerts, vec!["needs an invitation".to_string()]);
}

#[test]
fn next_is_local_only() {
    assert_eq!(safe_next(Some("/me/edit?x=1")), "/me/edit?x=1");
    for bad in ["//evil.com", "/\\evil.com", "https://evil.com", "evil", ""] {
        assert_eq!(safe_next(Some(bad)), "/", "{bad}");
    }
    assert_eq!(safe_next(None), "/");
}

#[test]
fn every_error_code_has_one_spelling_and_an_error_status() {
    use guild_core::Code;
    let mut seen = std::collections::HashSet::new();
    for code in Code::ALL {
        let s = code.as_str();
        assert!(seen.insert(s), "{s} twice");
        assert!(
            s.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{s} is not snake_case"
        );
        let status = guild_web::error::status(code);
        assert!(
            status.is_client_error() || status.is_server_error(),
            "{s}: {status}"
        );
    }
    assert_eq!(guild_web::error::status(Code::NotRepostable).as_u16(), 403);
    assert_eq!(
        guild_web::error::status(Code::InvitationPending).as_u16(),
        409
    );
    assert_eq!(
        guild_web::error::status(Code::InvitationQuotaExceeded).as_u16(),
        429
    );
}

#[test]
fn a_badge_count_that_could_not_be_read_shows_as_unknown_not_zero() {
    use guild_web::html::layout::Badge;
    let unknown = Badge::of(None, "pending invitation");
    assert_eq!(unknown.text, "?");
    assert!(!unknown.hidden);
    assert_eq!(unknown.label, "pending invitations: unknown");
    let none = Badge::of(Some(0), "pending invitation");
    assert!(none.hidden);
    let one = Badge::of(Some(1), "pending invitation");
    assert_eq!(
        (one.text.as_str(), one.label.as_str()),
        ("1", "1 pending invitation")
    );
    assert!(!one.hidden);
}

mod message_times {
    use guild_web::html::format::*;

    // Monday 30 November 2026, 14:05 UTC.
    const MON: i64 = 1_796_047_500_000;
    const DAY: i64 = 86_400_000;

    #[test]
    fn message_times_read_as_a_person_says_them() {
        assert_eq!(full_time(MON), "Mon 30 Nov 2026, 14:05 UTC");
        assert_eq!(clock(MON), "14:05");
        assert_eq!(iso_time(MON), "2026-11-30T14:05:00Z");
        assert_eq!(day_heading(MON, MON + 60_000), "Today");
        assert_eq!(day_heading(MON, MON + DAY), "Yesterday");
        assert_eq!(day_heading(MON, MON + 3 * DAY), "Mon 30 Nov");
        assert_eq!(day_heading(MON - 365 * DAY, MON), "Sun 30 Nov 2025");
        assert_eq!(list_when(MON, MON + 60_000), "14:05");
        assert_eq!(list_when(MON, MON + DAY), "Yesterday");
        assert_eq!(list_when(MON, MON + 3 * DAY), "Mon");
        assert_eq!(list_when(MON - 20 * DAY, MON), "10 Nov");
    }
}

mod ages {
    use guild_web::html::format::*;

    #[test]
    fn ages_read_like_a_feed() {
        let now = 1_800_000_000_000;
        let min = 60_000;
        assert_eq!(age_at(now, now), "just now");
        assert_eq!(age_at(now + 5_000, now), "just now");
        assert_eq!(age_at(now - 59_000, now), "just now");
        assert_eq!(age_at(now - 3 * min, now), "3 min");
        assert_eq!(age_at(now - 125 * min, now), "2 h");
        assert_eq!(age_at(now - 3 * 24 * 60 * min, now), "3 d");
        assert_eq!(
            age_at(now - 8 * 24 * 60 * min, now),
            date(now - 8 * 24 * 60 * min)
        );
    }
}
