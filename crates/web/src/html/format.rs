//! How pages write values: dates, initials for a missing photo, query values in links, and
//! visibility choices in words.

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// One or two letters standing in for a missing photo: "Ann de Vries" → "AV".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = match words.as_slice() {
        [] => vec![],
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A day as pages show it: "3 Mar 2025".
pub fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_default()
}

/// How long ago something happened, as every page shows an age (posts, comments,
/// notifications, invitations): "just now", "3 min", "2 h", "3 d", then the date.
pub fn age(ms: i64) -> String {
    age_at(ms, guild_core::now_ms())
}

/// [`age`] as of `now`.
pub fn age_at(ms: i64, now: i64) -> String {
    const MIN: i64 = 60_000;
    const HOUR: i64 = 60 * MIN;
    const DAY: i64 = 24 * HOUR;
    match now.saturating_sub(ms) {
        d if d < MIN => "just now".to_string(),
        d if d < HOUR => format!("{} min", d / MIN),
        d if d < DAY => format!("{} h", d / HOUR),
        d if d < 7 * DAY => format!("{} d", d / DAY),
        _ => date(ms),
    }
}

/// "public" → the words the visibility select uses.
pub fn visibility_label(v: guild_core::domain::Visibility) -> &'static str {
    use guild_core::domain::Visibility;
    match v {
        Visibility::Public => "Anyone",
        Visibility::Members => "Signed-in members",
        Visibility::Connections => "My connections only",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
