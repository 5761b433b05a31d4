//! The profile-strength meter: Beginner → All-Star from the eight steps of DESIGN.md, always
//! naming the next step.

use serde::Serialize;

/// What the meter looks at.
#[derive(Debug, Clone, Default)]
pub struct StrengthInput {
    pub has_photo: bool,
    pub has_headline: bool,
    pub has_location: bool,
    pub current_position_with_description: bool,
    pub past_positions: usize,
    pub education: usize,
    pub skills: usize,
    pub connections: usize,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Strength {
    /// "Beginner", "Intermediate", "Advanced", "Expert" or "All-Star".
    pub level: &'static str,
    /// Steps done, of `total`.
    pub done: usize,
    pub total: usize,
    /// 0–100, for the bar.
    pub percent: u32,
    /// The next thing to do, in words; `None` only at All-Star.
    pub next_step: Option<&'static str>,
    /// Stable key of the next step (`photo`, `headline`, …) for links to the right form.
    pub next_key: Option<&'static str>,
}

pub fn strength(i: &StrengthInput) -> Strength {
    // In the order a member is best served doing them.
    let steps: [(bool, &str, &str); 8] = [
        (i.has_photo, "photo", "Add a profile photo"),
        (i.has_headline, "headline", "Write a headline"),
        (i.has_location, "location", "Add your location"),
        (
            i.current_position_with_description,
            "position",
            "Add your current position with a description",
        ),
        (
            i.past_positions >= 2,
            "past_positions",
            "Add two past positions",
        ),
        (i.education >= 1, "education", "Add your education"),
        (i.skills >= 3, "skills", "Add at least three skills"),
        (
            i.connections >= 50,
            "connections",
            "Grow your network to 50 connections",
        ),
    ];
    let done = steps.iter().filter(|s| s.0).count();
    let next = steps.iter().find(|s| !s.0);
    let level = match done {
        0..=2 => "Beginner",
        3..=4 => "Intermediate",
        5..=6 => "Advanced",
        7 => "Expert",
        _ => "All-Star",
    };
    Strength {
        level,
        done,
        total: steps.len(),
        percent: (done * 100 / steps.len()) as u32,
        next_step: next.map(|s| s.2),
        next_key: next.map(|s| s.1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_rise_and_always_name_the_next_step() {
        let mut i = StrengthInput::default();
        let s = strength(&i);
        assert_eq!(
            (s.level, s.done, s.next_key),
            ("Beginner", 0, Some("photo"))
        );
        i.has_photo = true;
        i.has_headline = true;
        i.has_location = true;
        let s = strength(&i);
        assert_eq!((s.level, s.next_key), ("Intermediate", Some("position")));
        i.current_position_with_description = true;
        i.past_positions = 2;
        assert_eq!(strength(&i).level, "Advanced");
        i.education = 1;
        i.skills = 3;
        let s = strength(&i);
        assert_eq!((s.level, s.next_key), ("Expert", Some("connections")));
        i.connections = 50;
        let s = strength(&i);
        assert_eq!((s.level, s.next_step, s.percent), ("All-Star", None, 100));
    }
}
