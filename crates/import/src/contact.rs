//! Building a [`Contact`] from the raw fields of one row or card: whitespace clean-up, the full
//! name, and picking plausible email addresses out of a cell.

use crate::Contact;

/// The fields of one record as found in the file, before clean-up.
#[derive(Debug, Default)]
pub(crate) struct Draft {
    pub(crate) full_name: String,
    pub(crate) first_name: String,
    pub(crate) middle_name: String,
    pub(crate) last_name: String,
    emails: Vec<String>,
    pub(crate) company: String,
    pub(crate) position: String,
    pub(crate) profile_url: String,
}

/// The most addresses kept for one contact. Real people have a handful; the bound keeps a
/// hostile cell of a million addresses from costing a quadratic de-duplication.
pub(crate) const MAX_EMAILS: usize = 20;

impl Draft {
    /// Adds every plausible address in `cell`, which may hold several, up to [`MAX_EMAILS`].
    pub(crate) fn add_emails(&mut self, cell: &str) {
        for email in emails_in(cell) {
            if self.emails.len() >= MAX_EMAILS {
                return;
            }
            if !self.emails.contains(&email) {
                self.emails.push(email);
            }
        }
    }

    /// The finished contact, or `None` when it has neither a name nor an email.
    pub(crate) fn finish(self, line: usize) -> Option<Contact> {
        let first_name = clean(&self.first_name);
        let last_name = clean(&self.last_name);
        let mut full_name = clean(&self.full_name);
        if full_name.is_empty() {
            let middle = clean(&self.middle_name);
            let parts = [first_name.as_str(), middle.as_str(), last_name.as_str()];
            full_name = parts
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" ");
        }
        if full_name.is_empty() && self.emails.is_empty() {
            return None;
        }
        Some(Contact {
            line,
            first_name,
            last_name,
            full_name,
            emails: self.emails,
            company: non_empty(clean(&self.company)),
            position: non_empty(clean(&self.position)),
            profile_url: non_empty(clean(&self.profile_url)),
        })
    }
}

/// Trims and collapses every run of whitespace and control characters (newlines included) to
/// one space.
pub(crate) fn clean(s: &str) -> String {
    s.split(|c: char| c.is_whitespace() || c.is_control())
        .filter(|word| !word.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// The plausible addresses in a cell, lowercased, in order. Addresses may be separated by
/// whitespace, commas or semicolons (Google Contacts joins several with ` ::: `), wrapped in
/// `<…>` or quotes, or prefixed with `mailto:`.
pub(crate) fn emails_in(cell: &str) -> impl Iterator<Item = String> + '_ {
    cell.split(|c: char| c.is_whitespace() || c == ',' || c == ';')
        .filter_map(|token| {
            let token = token.trim_matches(|c| matches!(c, '<' | '>' | '"' | '\'' | '(' | ')'));
            let token = strip_prefix_ignore_case(token, "mailto:").unwrap_or(token);
            let email = token.to_lowercase();
            is_plausible_email(&email).then_some(email)
        })
}

fn strip_prefix_ignore_case<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

/// One `@` with text on both sides, no whitespace or control characters, at most 254
/// characters (the longest address SMTP can carry).
pub(crate) fn is_plausible_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && !domain.is_empty()
        && !domain.contains('@')
        && s.len() <= 254
        && !s.chars().any(|c| c.is_whitespace() || c.is_control())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_plausible_emails() {
        let found: Vec<String> = emails_in(
            " Ann@Example.COM ::: <bob@x.org>; mailto:Cy@y.org, not-an-email, a@b@c, @x, y@ ",
        )
        .collect();
        assert_eq!(found, ["ann@example.com", "bob@x.org", "cy@y.org"]);
        assert!(emails_in("").next().is_none());
        assert!(!is_plausible_email(&format!("{}@x.org", "a".repeat(250))));
    }

    #[test]
    fn full_name_falls_back_to_the_parts() {
        let draft = Draft {
            first_name: " Ann ".into(),
            middle_name: "B.".into(),
            last_name: "Smith\n Jones".into(),
            ..Draft::default()
        };
        let c = draft.finish(3).unwrap();
        assert_eq!(c.full_name, "Ann B. Smith Jones");
        assert_eq!(c.last_name, "Smith Jones");
        assert_eq!(c.line, 3);
        assert_eq!(c.company, None);
    }

    #[test]
    fn a_record_needs_a_name_or_an_email() {
        assert_eq!(Draft::default().finish(1), None);
        let mut only_company = Draft {
            company: "Acme".into(),
            ..Draft::default()
        };
        assert_eq!(std::mem::take(&mut only_company).finish(1), None);
        let mut only_email = Draft::default();
        only_email.add_emails("a@x.org a@x.org");
        let c = only_email.finish(1).unwrap();
        assert_eq!(c.emails, ["a@x.org"]);
        assert_eq!(c.full_name, "");
    }

    #[test]
    fn emails_per_contact_are_bounded() {
        let cell: String = (0..1000).map(|i| format!("p{i}@x.org ")).collect();
        let mut draft = Draft::default();
        draft.add_emails(&cell);
        draft.add_emails("late@x.org");
        let c = draft.finish(1).unwrap();
        assert_eq!(c.emails.len(), MAX_EMAILS);
        assert_eq!(c.emails[0], "p0@x.org");
    }
}
