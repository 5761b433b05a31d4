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

// ---- message times (UTC, like every time Guild shows: members have no time zone yet) ----

fn utc(ms: i64) -> Option<chrono::DateTime<chrono::Utc>> {
    chrono::DateTime::from_timestamp_millis(ms)
}

/// A message's time of day: "14:05".
pub fn clock(ms: i64) -> String {
    utc(ms)
        .map(|d| d.format("%H:%M").to_string())
        .unwrap_or_default()
}

/// The heading over one day's messages: "Today", "Yesterday", "Mon 30 Nov", and with the
/// year when it is not this one: "Sun 30 Nov 2025".
pub fn day_heading(ms: i64, now: i64) -> String {
    let (Some(d), Some(n)) = (utc(ms), utc(now)) else {
        return String::new();
    };
    let (day, today) = (d.date_naive(), n.date_naive());
    if day == today {
        "Today".into()
    } else if today.pred_opt() == Some(day) {
        "Yesterday".into()
    } else if chrono::Datelike::year(&day) == chrono::Datelike::year(&today) {
        d.format("%a %-d %b").to_string()
    } else {
        d.format("%a %-d %b %Y").to_string()
    }
}

/// When, in a list of conversations: the time today ("14:05"), "Yesterday", the weekday within
/// a week ("Mon"), else the day ("30 Nov", "30 Nov 2025").
pub fn list_when(ms: i64, now: i64) -> String {
    let (Some(d), Some(n)) = (utc(ms), utc(now)) else {
        return String::new();
    };
    let days = (n.date_naive() - d.date_naive()).num_days();
    match days {
        i64::MIN..=0 => clock(ms),
        1 => "Yesterday".into(),
        2..=6 => d.format("%a").to_string(),
        _ if chrono::Datelike::year(&d) == chrono::Datelike::year(&n) => {
            d.format("%-d %b").to_string()
        }
        _ => d.format("%-d %b %Y").to_string(),
    }
}

/// A `<time datetime>` value: "2026-11-30T14:05:00Z".
pub fn iso_time(ms: i64) -> String {
    utc(ms)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// The full date and time, shown on hover: "Mon 30 Nov 2026, 14:05 UTC".
pub fn full_time(ms: i64) -> String {
    utc(ms)
        .map(|d| d.format("%a %-d %b %Y, %H:%M UTC").to_string())
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

#[cfg(test)]
mod message_time_tests {
    use super::*;

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
