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

/// "public" → the words the visibility select uses.
pub fn visibility_label(v: guild_core::domain::Visibility) -> &'static str {
    use guild_core::domain::Visibility;
    match v {
        Visibility::Public => "Anyone",
        Visibility::Members => "Signed-in members",
        Visibility::Connections => "My connections only",
    }
}
