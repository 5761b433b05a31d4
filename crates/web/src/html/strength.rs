//! The profile-strength meter as the `_strength.html` partial shows it, each next step
//! linked to where it is done.

use guild_core::strength::Strength;

#[derive(Debug, Clone)]
pub struct Meter {
    pub level: &'static str,
    pub done: usize,
    pub total: usize,
    /// The next step in words (`None` at All-Star), and where to do it.
    pub next_text: Option<&'static str>,
    pub next_href: &'static str,
}

impl From<&Strength> for Meter {
    fn from(s: &Strength) -> Self {
        Meter {
            level: s.level,
            done: s.done,
            total: s.total,
            next_text: s.next_step,
            next_href: step_href(s.next_key),
        }
    }
}

/// Where each step of the meter is done: the section of the edit page, or the directory.
fn step_href(key: Option<&str>) -> &'static str {
    match key {
        Some("photo") => "/me/edit?open=photo#edit-photo",
        Some("headline" | "location") => "/me/edit?open=intro#edit-intro",
        Some("position" | "past_positions") => "/me/edit?open=experience#edit-experience",
        Some("education") => "/me/edit?open=education#edit-education",
        Some("skills") => "/me/edit?open=skills#edit-skills",
        Some("connections") => "/members",
        _ => "/me/edit",
    }
}
