//! Validated values. Each `parse` is the edge: past it, a bad value cannot exist.
//!
//! Every text a member types is bounded here, so no handler has to remember a limit.

use serde::{Deserialize, Serialize};

/// Words that would collide with our own routes or mislead other members.
pub const RESERVED_HANDLES: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "about",
    "account",
    "auth",
    "directory",
    "docs",
    "edit",
    "events",
    "feed",
    "guild",
    "help",
    "home",
    "in",
    "invitations",
    "jobs",
    "login",
    "logout",
    "me",
    "members",
    "messages",
    "moderator",
    "mynetwork",
    "network",
    "new",
    "notifications",
    "null",
    "people",
    "root",
    "search",
    "settings",
    "signin",
    "signout",
    "signup",
    "static",
    "support",
    "system",
    "undefined",
    "www",
];

use crate::lengths;

/// Trims, checks length in characters and refuses control characters.
pub fn bounded_text(raw: &str, label: &str, min: usize, max: usize) -> Result<String, String> {
    let t = raw.trim();
    let n = t.chars().count();
    if n < min {
        return Err(if min <= 1 {
            format!("{label} is required.")
        } else {
            format!("{label} must be at least {min} characters.")
        });
    }
    if n > max {
        return Err(format!(
            "{label} must be at most {max} characters (it has {n})."
        ));
    }
    if t.chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(format!("{label} contains characters that are not allowed."));
    }
    Ok(t.to_string())
}

/// Like [`bounded_text`] but an empty value means "none".
pub fn optional_text(raw: &str, label: &str, max: usize) -> Result<Option<String>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        bounded_text(raw, label, 1, max).map(Some)
    }
}

/// A single-line text: no line breaks.
pub fn line(raw: &str, label: &str, min: usize, max: usize) -> Result<String, String> {
    let t = bounded_text(raw, label, min, max)?;
    if t.contains(['\n', '\r', '\t']) {
        return Err(format!("{label} must be on one line."));
    }
    Ok(t)
}

pub fn optional_line(raw: &str, label: &str, max: usize) -> Result<Option<String>, String> {
    if raw.trim().is_empty() {
        Ok(None)
    } else {
        line(raw, label, 1, max).map(Some)
    }
}

/// A member's public address: `/in/<handle>`. 3–30 of `a-z 0-9 -`, starting with a letter,
/// no double or trailing hyphen, not a reserved word. Stored lower-case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Handle(String);

impl Handle {
    pub fn parse(raw: &str) -> Result<Handle, String> {
        let h = raw.trim().to_ascii_lowercase();
        let n = h.chars().count();
        if !(3..=lengths::HANDLE).contains(&n) {
            return Err(format!("A handle has 3 to {} characters.", lengths::HANDLE));
        }
        if !h
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err("A handle may use only letters a–z, digits and hyphens.".into());
        }
        if !h.starts_with(|c: char| c.is_ascii_lowercase()) {
            return Err("A handle starts with a letter.".into());
        }
        if h.ends_with('-') || h.contains("--") {
            return Err("A handle cannot end with a hyphen or have two in a row.".into());
        }
        if RESERVED_HANDLES.contains(&h.as_str()) {
            return Err(format!("“{h}” is reserved; please choose another handle."));
        }
        Ok(Handle(h))
    }
    /// Builds a handle proposal from a name: "Ann de Vries" → "ann-de-vries". Always a valid
    /// handle: a reserved word or too short a name gets a `member-` prefix.
    pub fn suggest_from_name(name: &str) -> Handle {
        let proposal = Self::proposal(name);
        Handle::parse(&proposal).unwrap_or_else(|_| Handle(format!("member-{proposal}")))
    }

    fn proposal(name: &str) -> String {
        let mut out = String::new();
        for c in name.chars().flat_map(char::to_lowercase) {
            let c = fold_accent(c);
            if c.is_ascii_alphanumeric() {
                out.push(c);
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        let mut out = out.trim_matches('-').to_string();
        out.truncate(24);
        let out = out.trim_matches('-').to_string();
        if out.is_empty() {
            "member".to_string()
        } else if out.len() < 3 || !out.starts_with(|c: char| c.is_ascii_lowercase()) {
            format!("member-{out}")
        } else {
            out
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    pub fn into_string(self) -> String {
        self.0
    }
}

/// A validated text kept as its own type (`Handle`, `Email`): read as a `str`, shown as
/// itself, serialised as the plain string, and rebuilt without checking only from what the
/// store returns — which held nothing that was not parsed before it was written.
macro_rules! text_value {
    ($t:ident) => {
        impl $t {
            /// A value read back from the store, where only parsed values are written.
            pub fn stored(s: String) -> $t {
                $t(s)
            }
        }
        impl std::ops::Deref for $t {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl PartialEq<str> for $t {
            fn eq(&self, other: &str) -> bool {
                self.0 == other
            }
        }
        impl PartialEq<&str> for $t {
            fn eq(&self, other: &&str) -> bool {
                self.0 == *other
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
    };
}

text_value!(Handle);
text_value!(Email);

/// The unaccented Latin letter for a common accented one (`é` → `e`); others unchanged.
pub fn fold_accent(c: char) -> char {
    match c {
        'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => 'a',
        'è' | 'é' | 'ê' | 'ë' => 'e',
        'ì' | 'í' | 'î' | 'ï' => 'i',
        'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => 'o',
        'ù' | 'ú' | 'û' | 'ü' => 'u',
        'ñ' => 'n',
        'ç' => 'c',
        'ß' => 's',
        _ => c,
    }
}

/// An email address, stored lower-case. Deliberately simple: one `@`, a dot in the domain,
/// no spaces; the real check is the link we mail to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Email, String> {
        let e = raw.trim().to_lowercase();
        if e.is_empty() {
            return Err("Email is required.".into());
        }
        if e.len() > lengths::EMAIL {
            return Err("An email address has at most 254 characters.".into());
        }
        let Some((local, domain)) = e.split_once('@') else {
            return Err("Enter an email address like name@example.com.".into());
        };
        let ok = !local.is_empty()
            && local.len() <= 64
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !domain.contains('@')
            && !e
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>()[],;:\"\\".contains(c));
        if !ok {
            return Err("Enter an email address like name@example.com.".into());
        }
        Ok(Email(e))
    }
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or("")
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: length-checked only (NIST 800-63B: length over composition rules).
pub fn new_password(raw: &str) -> Result<String, String> {
    let n = raw.chars().count();
    if n < lengths::PASSWORD_MIN {
        return Err(format!(
            "Use at least {} characters.",
            lengths::PASSWORD_MIN
        ));
    }
    if n > lengths::PASSWORD {
        return Err(format!("Use at most {} characters.", lengths::PASSWORD));
    }
    Ok(raw.to_string())
}

/// A member's display name.
pub fn display_name(raw: &str) -> Result<String, String> {
    line(raw, "Name", 1, lengths::NAME)
}

/// The years a position's months and a school's years may name.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// A calendar month, as positions use: `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    pub year: i32,
    pub month: u32,
}

impl YearMonth {
    pub fn parse(raw: &str) -> Result<YearMonth, String> {
        let bad = || "Use the form YYYY-MM, for example 2021-09.".to_string();
        let (y, m) = raw.trim().split_once('-').ok_or_else(bad)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(bad());
        }
        let year: i32 = y.parse().map_err(|_| bad())?;
        let month: u32 = m.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err("The month is between 01 and 12.".into());
        }
        if !YEARS.contains(&year) {
            return Err("The year is between 1900 and 2100.".into());
        }
        Ok(YearMonth { year, month })
    }
    /// Months since year 0: how the store keeps it, so that it sorts.
    pub fn to_index(self) -> i32 {
        self.year * 12 + (self.month as i32 - 1)
    }
    pub fn from_index(i: i32) -> YearMonth {
        YearMonth {
            year: i.div_euclid(12),
            month: (i.rem_euclid(12) + 1) as u32,
        }
    }
    pub fn now() -> YearMonth {
        use chrono::Datelike;
        let d = chrono::Utc::now().date_naive();
        YearMonth {
            year: d.year(),
            month: d.month(),
        }
    }
    /// "Sep 2021"
    pub fn label(self) -> String {
        const M: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        format!(
            "{} {}",
            M[(self.month as usize).saturating_sub(1).min(11)],
            self.year
        )
    }
}

impl std::fmt::Display for YearMonth {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// Who may see a profile, or its contact info.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    /// Anyone, signed in or not.
    #[default]
    Public,
    /// Signed-in members of this Guild.
    Members,
    /// The member's connections (and the member).
    Connections,
}

impl Visibility {
    pub const ALL: [Visibility; 3] = [
        Visibility::Public,
        Visibility::Members,
        Visibility::Connections,
    ];
    pub fn parse(raw: &str) -> Result<Visibility, String> {
        match raw.trim() {
            "public" => Ok(Visibility::Public),
            "members" => Ok(Visibility::Members),
            "connections" => Ok(Visibility::Connections),
            _ => Err("Choose public, members or connections.".into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Members => "members",
            Visibility::Connections => "connections",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Member,
    Admin,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::Admin => "admin",
        }
    }
    pub fn from_db(s: &str) -> Role {
        if s == "admin" {
            Role::Admin
        } else {
            Role::Member
        }
    }
}

/// A link a member shows: http(s) only, so no `javascript:` or `data:` URL reaches a page.
pub fn web_url(raw: &str, label: &str) -> Result<String, String> {
    let t = line(raw, label, 1, lengths::URL)?;
    let lower = t.to_ascii_lowercase();
    let rest = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        .ok_or_else(|| format!("{label} must start with https:// or http://."))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty() || !host.contains('.') || host.contains(char::is_whitespace) {
        return Err(format!(
            "{label} needs a web address like https://example.com."
        ));
    }
    Ok(t)
}

/// A phone number as members type them: digits, spaces, `+ - ( ) .`.
pub fn phone(raw: &str) -> Result<Option<String>, String> {
    let t = match optional_line(raw, "Phone", lengths::PHONE)? {
        None => return Ok(None),
        Some(t) => t,
    };
    let digits = t.chars().filter(char::is_ascii_digit).count();
    if digits < 5
        || !t
            .chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
    {
        return Err("Enter a phone number like +31 20 123 4567.".into());
    }
    Ok(Some(t))
}

/// Lower-cased, trimmed, inner whitespace collapsed: the key for case-insensitive matching.
pub fn fold_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// The key a member's name is found by: [`fold_key`] with accents dropped (NFD, combining
/// marks removed, and the few letters that do not decompose spelled out: "ß" → "ss",
/// "ø" → "o"…), hyphens and apostrophes as word breaks, and a leading space, so that
/// `LIKE '% word%'` finds the prefix of any word, the first included.
pub fn search_key(name: &str) -> String {
    format!(" {}", search_words(name).join(" "))
}

/// The words of a name or of a query, folded as [`search_key`] folds them.
pub fn search_words(text: &str) -> Vec<String> {
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        match c {
            'ß' => out.push_str("ss"),
            'æ' | 'Æ' => out.push_str("ae"),
            'œ' | 'Œ' => out.push_str("oe"),
            'þ' | 'Þ' => out.push_str("th"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'ı' => out.push('i'),
            '-' | '\'' | '’' | '.' | ',' | '_' => out.push(' '),
            c => out.extend(c.to_lowercase()),
        }
    }
    out.split_whitespace().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_keys_fold_case_accents_and_word_breaks() {
        assert_eq!(
            search_key("  Zoë  Ångström-Łukasz "),
            " zoe angstrom lukasz"
        );
        assert_eq!(search_key("Straße O’Neil"), " strasse o neil");
        assert_eq!(search_words("RÉY"), vec!["rey"]);
        assert_eq!(search_key(""), " ");
    }

    #[test]
    fn handles() {
        assert_eq!(Handle::parse(" Ann-Smith ").unwrap().as_str(), "ann-smith");
        for bad in [
            "ab",
            "1abc",
            "ann--s",
            "ann-",
            "a b c",
            "admin",
            "settings",
            "ännä",
            &"a".repeat(31),
        ] {
            assert!(Handle::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            Handle::suggest_from_name("Zoë van der Berg"),
            "zoe-van-der-berg"
        );
        for name in ["李", "Jo", "42 Ann", "---", "Zoë"] {
            assert!(
                Handle::parse(&Handle::suggest_from_name(name)).is_ok(),
                "{name}"
            );
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" Ann@Example.COM ").unwrap().as_str(),
            "ann@example.com"
        );
        for bad in [
            "",
            "ann",
            "ann@",
            "@x.com",
            "ann@x",
            "a b@x.com",
            "ann@x.com.",
            "a<b>@x.com",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn months() {
        let m = YearMonth::parse("2021-09").unwrap();
        assert_eq!(YearMonth::from_index(m.to_index()), m);
        assert_eq!(m.label(), "Sep 2021");
        for bad in ["2021-9", "2021-13", "21-09", "abcd-ef", "1800-01"] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_refuse_scripts() {
        assert!(web_url("https://example.com/x", "Link").is_ok());
        for bad in [
            "javascript:alert(1)",
            "JavaScript://x.com",
            "data:text/html,x",
            "https://",
            "ftp://x.com",
        ] {
            assert!(web_url(bad, "Link").is_err(), "{bad}");
        }
    }

    #[test]
    fn text_bounds() {
        assert!(bounded_text("  ", "Headline", 1, 10).is_err());
        assert!(bounded_text(&"é".repeat(11), "Headline", 1, 10).is_err());
        assert_eq!(
            bounded_text(&"é".repeat(10), "Headline", 1, 10)
                .unwrap()
                .chars()
                .count(),
            10
        );
        assert!(line("a\nb", "Headline", 1, 10).is_err());
        assert!(bounded_text("a\u{0}b", "About", 1, 10).is_err());
    }
}
