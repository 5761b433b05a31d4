//! Mapping a CSV header row to contact fields by column name: the synonyms each field accepts
//! and which column wins when several match.

use crate::contact::Draft;

/// Which column holds each field. Single-valued fields keep the best-ranked matching column;
/// every email column is kept.
#[derive(Debug, Default)]
pub(crate) struct Columns {
    full_name: Option<Ranked>,
    first_name: Option<Ranked>,
    middle_name: Option<Ranked>,
    last_name: Option<Ranked>,
    company: Option<Ranked>,
    position: Option<Ranked>,
    profile_url: Option<Ranked>,
    emails: Vec<usize>,
    /// The header looks like LinkedIn's `Connections.csv`.
    pub(crate) linkedin: bool,
}

/// A column index and the rank of the synonym it matched (lower is better).
#[derive(Debug, Clone, Copy)]
struct Ranked {
    rank: usize,
    index: usize,
}

#[derive(Debug, Clone, Copy)]
enum Field {
    FullName,
    FirstName,
    MiddleName,
    LastName,
    Company,
    Position,
    ProfileUrl,
}

/// Synonyms per field, as normalised keys (lowercase letters and digits only), best first.
/// Position prefers "Job Title" to "Title" because Outlook's "Title" is the honorific.
const SYNONYMS: &[(Field, &[&str])] = &[
    (
        Field::FullName,
        &["name", "fullname", "displayname", "contactname"],
    ),
    (
        Field::FirstName,
        &["firstname", "givenname", "forename", "first"],
    ),
    (Field::MiddleName, &["middlename", "additionalname"]),
    (
        Field::LastName,
        &["lastname", "surname", "familyname", "last"],
    ),
    (
        Field::Company,
        &[
            "company",
            "companyname",
            "organization",
            "organisation",
            "organizationname",
            "organisationname",
            "organization1name",
            "organisation1name",
            "employer",
            "org",
        ],
    ),
    (
        Field::Position,
        &[
            "jobtitle",
            "position",
            "organization1title",
            "organisation1title",
            "organizationtitle",
            "organisationtitle",
            "title",
            "role",
        ],
    ),
    (
        Field::ProfileUrl,
        &[
            "url",
            "profileurl",
            "linkedinurl",
            "linkedinprofile",
            "linkedin",
        ],
    ),
];

/// Column names that hold an email address, besides `email<N>[value|address]`.
const EMAIL_KEYS: &[&str] = &[
    "email",
    "emails",
    "mail",
    "emailaddress",
    "emailaddresses",
    "primaryemail",
    "secondaryemail",
    "workemail",
    "personalemail",
    "homeemail",
    "otheremail",
];

/// Lowercase letters and digits only: "E-mail 1 - Value" → "email1value".
fn key(cell: &str) -> String {
    cell.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

fn is_email_key(key: &str) -> bool {
    if EMAIL_KEYS.contains(&key) {
        return true;
    }
    // Google: "E-mail 1 - Value"; Outlook: "E-mail 2 Address".
    let Some(rest) = key.strip_prefix("email") else {
        return false;
    };
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && matches!(&rest[digits..], "" | "value" | "address")
}

impl Columns {
    /// Maps a header row.
    pub(crate) fn from_header<'a>(cells: impl IntoIterator<Item = &'a str>) -> Columns {
        let keys: Vec<String> = cells.into_iter().map(key).collect();
        let mut columns = Columns {
            linkedin: keys.len() >= 2
                && keys[0] == "firstname"
                && keys[1] == "lastname"
                && keys.iter().any(|k| k == "connectedon"),
            ..Columns::default()
        };
        for (index, key) in keys.iter().enumerate() {
            if is_email_key(key) {
                columns.emails.push(index);
                continue;
            }
            for (field, synonyms) in SYNONYMS {
                if let Some(rank) = synonyms.iter().position(|s| s == key) {
                    columns.offer(*field, Ranked { rank, index });
                }
            }
        }
        columns
    }

    fn offer(&mut self, field: Field, candidate: Ranked) {
        let slot = match field {
            Field::FullName => &mut self.full_name,
            Field::FirstName => &mut self.first_name,
            Field::MiddleName => &mut self.middle_name,
            Field::LastName => &mut self.last_name,
            Field::Company => &mut self.company,
            Field::Position => &mut self.position,
            Field::ProfileUrl => &mut self.profile_url,
        };
        if slot.is_none_or(|held| candidate.rank < held.rank) {
            *slot = Some(candidate);
        }
    }

    /// Whether the header names anything to find a person by: a name or an email column.
    pub(crate) fn is_usable(&self) -> bool {
        self.full_name.is_some()
            || self.first_name.is_some()
            || self.last_name.is_some()
            || !self.emails.is_empty()
    }

    /// The raw fields of one data row.
    pub(crate) fn draft<'a>(&self, row: impl Fn(usize) -> Option<&'a str>) -> Draft {
        let get = |slot: Option<Ranked>| {
            slot.and_then(|r| row(r.index))
                .unwrap_or_default()
                .to_owned()
        };
        let mut draft = Draft::default();
        draft.full_name = get(self.full_name);
        draft.first_name = get(self.first_name);
        draft.middle_name = get(self.middle_name);
        draft.last_name = get(self.last_name);
        draft.company = get(self.company);
        draft.position = get(self.position);
        draft.profile_url = get(self.profile_url);
        for &index in &self.emails {
            if let Some(cell) = row(index) {
                draft.add_emails(cell);
            }
        }
        draft
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(header: &[&str], row: &[&str]) -> crate::Contact {
        let columns = Columns::from_header(header.iter().copied());
        assert!(columns.is_usable());
        columns.draft(|i| row.get(i).copied()).finish(1).unwrap()
    }

    #[test]
    fn linkedin_header_by_name() {
        let header = [
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ];
        assert!(Columns::from_header(header).linkedin);
        let c = contact(
            &header,
            &[
                "Ann",
                "Smith",
                "https://l/in/ann",
                "A@x.org",
                "Acme",
                "CTO",
                "1 Jan 2020",
            ],
        );
        assert_eq!(c.full_name, "Ann Smith");
        assert_eq!(c.emails, ["a@x.org"]);
        assert_eq!(c.company.as_deref(), Some("Acme"));
        assert_eq!(c.position.as_deref(), Some("CTO"));
        assert_eq!(c.profile_url.as_deref(), Some("https://l/in/ann"));
        assert!(!Columns::from_header(["First Name", "Last Name", "Email"]).linkedin);
    }

    #[test]
    fn synonyms_and_case() {
        let c = contact(
            &["FULL NAME", "e-mail", "Organisation", "job_title"],
            &["Ann Smith", "ann@x.org", "Acme", "CTO"],
        );
        assert_eq!(
            (
                c.full_name.as_str(),
                c.company.as_deref(),
                c.position.as_deref()
            ),
            ("Ann Smith", Some("Acme"), Some("CTO"))
        );
        let c = contact(&["Given Name", "Surname"], &["Ann", "Smith"]);
        assert_eq!(
            (c.first_name.as_str(), c.last_name.as_str()),
            ("Ann", "Smith")
        );
    }

    #[test]
    fn outlook_title_is_not_the_job() {
        let header = [
            "Title",
            "First Name",
            "Last Name",
            "Job Title",
            "E-mail Address",
            "E-mail 2 Address",
            "E-mail Type",
        ];
        let c = contact(
            &header,
            &["Dr.", "Ann", "Smith", "CTO", "a@x.org", "b@y.org", "SMTP"],
        );
        assert_eq!(c.position.as_deref(), Some("CTO"));
        assert_eq!(c.emails, ["a@x.org", "b@y.org"]);
    }

    #[test]
    fn google_contacts_header() {
        let header = [
            "Name",
            "Given Name",
            "Family Name",
            "E-mail 1 - Type",
            "E-mail 1 - Value",
            "E-mail 2 - Value",
            "Organization 1 - Name",
            "Organization 1 - Title",
        ];
        let row = [
            "Ann Smith",
            "Ann",
            "Smith",
            "* Work",
            "a@x.org ::: c@z.org",
            "b@y.org",
            "Acme",
            "CTO",
        ];
        let c = contact(&header, &row);
        assert_eq!(c.emails, ["a@x.org", "c@z.org", "b@y.org"]);
        assert_eq!(c.company.as_deref(), Some("Acme"));
        assert_eq!(c.position.as_deref(), Some("CTO"));
    }

    #[test]
    fn a_header_without_names_or_emails_is_unusable() {
        assert!(!Columns::from_header(["Company", "Phone", "Notes"]).is_usable());
        assert!(!Columns::from_header(["Ann", "Smith", "ann@x.org"]).is_usable());
    }
}
