//! Parses the contact lists members upload to "find your contacts": LinkedIn's
//! `Connections.csv`, a plain CSV of contacts, or a vCard (`.vcf`) file. Pure: bytes in,
//! [`Contact`]s out, no I/O and no database; matching them to members is the caller's job.
//!
//! # Formats accepted
//! The format is detected from the content, never from a file name:
//!
//! - **vCard** ([`Format::VCard`]) when the first non-blank line is `BEGIN:VCARD`. Versions 2.1,
//!   3.0 and 4.0, any number of cards. Folded lines are unfolded (a line starting with a space or
//!   tab continues the previous one; in 2.1 cards the space is kept, in 3.0/4.0 it is removed),
//!   property names are case-insensitive and may carry parameters (`EMAIL;TYPE=INTERNET:`) and
//!   groups (`item1.EMAIL:`). Read: `FN`, `N` (family;given;additional;…), every `EMAIL`, `ORG`
//!   (its first component), `TITLE`, and a `URL` that points at linkedin.com. Backslash escapes
//!   (`\,` `\;` `\\` `\n`) are decoded. Quoted-printable values (vCard 2.1,
//!   `ENCODING=QUOTED-PRINTABLE`, soft line breaks included) are **decoded**, as UTF-8 unless
//!   their `CHARSET` says Latin-1/Windows-1252.
//! - **LinkedIn** ([`Format::LinkedIn`]) when the CSV opens with LinkedIn's `Notes:` preamble, or
//!   its header is LinkedIn's: `First Name,Last Name,URL,Email Address,Company,Position,Connected On`
//!   (or the older form without `URL`). Columns are mapped by name, so their order may change.
//! - **CSV** ([`Format::Csv`]) otherwise: the first non-blank line is a header row, mapped by name,
//!   case-insensitively and ignoring spaces and punctuation, with common synonyms (`Name`,
//!   `Full Name`, `Display Name`; `First Name`, `Given Name`; `Last Name`, `Surname`,
//!   `Family Name`; `Email`, `E-mail Address`, Google's `E-mail 1 - Value`, Outlook's
//!   `E-mail 2 Address`; `Company`, `Organization`, `Organisation`, `Organization 1 - Name`;
//!   `Job Title`, `Position`, `Title`). The delimiter is `,`, or `;` or tab when the header uses
//!   that instead (spreadsheets in many locales write `;`). A header with no name and no email
//!   column is an error naming its line.
//!
//! CSV files follow RFC 4180: quoted fields may hold commas, quotes (`""`) and newlines; CRLF, LF
//! or CR line endings; blank lines are ignored. A row with more non-empty fields than the header
//! is an error; missing trailing fields are fine.
//!
//! # Text
//! UTF-8 with or without a byte-order mark, UTF-16 with a byte-order mark (Windows "Unicode
//! text" exports), and, failing those, Windows-1252 (what Excel writes as "CSV"), provided the
//! bytes look like text. Anything containing NUL or other binary control bytes is
//! [`ImportError::NotText`].
//!
//! # What a contact holds
//! Names and other text are trimmed with inner whitespace (newlines included) collapsed to one
//! space. `full_name` is the file's full-name field when it has one, else "First Middle Last".
//! Names are never guessed by splitting a full name. Emails are trimmed, lowercased, stripped of
//! `mailto:` and `<…>`, de-duplicated, and kept only when plausible: one `@` with text on both
//! sides, no whitespace, at most 254 characters. A cell holding several addresses separated by
//! spaces, commas, semicolons or Google's ` ::: ` yields each of them; a contact keeps its first
//! 20 addresses. A row or card with neither
//! a name nor an email is counted in [`Parsed::skipped`], not returned.
//!
//! # Limits and errors
//! [`Limits`] bounds the upload size and the number of rows or cards; exceeding either is
//! [`ImportError::TooLarge`], naming the limit. Malformed input (an unterminated quote, a row
//! longer than its header, a `BEGIN:VCARD` with no `END:VCARD`) is [`ImportError::Malformed`]
//! naming the 1-based line where the offending record starts. No input makes the parser panic.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod contact;
mod error;
mod header;
mod table;
mod text;
mod vcard;

pub use error::{ImportError, LimitKind};

/// One person found in an upload.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Contact {
    /// The 1-based line of the file where this record starts (for a vCard, its `BEGIN:VCARD`).
    pub line: usize,
    pub first_name: String,
    pub last_name: String,
    /// The file's full name, else "First Middle Last"; empty when the record has only emails.
    pub full_name: String,
    /// Lowercased, plausible, de-duplicated addresses, in file order. Often empty for LinkedIn.
    pub emails: Vec<String>,
    pub company: Option<String>,
    pub position: Option<String>,
    /// A profile address: LinkedIn's `URL` column, a CSV `URL`/`Profile URL`/`LinkedIn` column,
    /// or a vCard `URL` pointing at linkedin.com.
    pub profile_url: Option<String>,
}

/// The kind of file that was recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// LinkedIn's `Connections.csv` export.
    LinkedIn,
    /// Any other CSV with a header row.
    Csv,
    /// A vCard (`.vcf`) file of one or more cards.
    VCard,
}

impl Format {
    /// A short stable name: `linkedin`, `csv` or `vcard`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::LinkedIn => "linkedin",
            Format::Csv => "csv",
            Format::VCard => "vcard",
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of a successful parse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed {
    pub format: Format,
    /// In file order.
    pub contacts: Vec<Contact>,
    /// Rows or cards with neither a name nor a plausible email (blank lines are not counted).
    pub skipped: usize,
}

/// Bounds on one upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest upload accepted, in bytes.
    pub max_bytes: usize,
    /// The most data rows (CSV) or cards (vCard) accepted, counting skipped ones.
    pub max_rows: usize,
}

impl Limits {
    /// 5 MiB: a 20,000-row LinkedIn export is about 2 MB.
    pub const DEFAULT_MAX_BYTES: usize = 5 * 1024 * 1024;
    /// Twice the 10,000 contacts the product treats as a comfortable upload.
    pub const DEFAULT_MAX_ROWS: usize = 20_000;
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_bytes: Limits::DEFAULT_MAX_BYTES,
            max_rows: Limits::DEFAULT_MAX_ROWS,
        }
    }
}

/// Parses an uploaded contact file, detecting its format from the content.
///
/// ```
/// use guild_import::{parse_contacts, Format, Limits};
///
/// let upload = b"Notes:\n\"Some email addresses may be missing.\"\n\n\
///     First Name,Last Name,URL,Email Address,Company,Position,Connected On\n\
///     Ann,Smith,https://www.linkedin.com/in/ann,Ann@Example.com,\"Acme, Inc.\",CTO,12 Mar 2021\n";
/// let parsed = parse_contacts(upload, Limits::default())?;
/// assert_eq!(parsed.format, Format::LinkedIn);
/// let ann = &parsed.contacts[0];
/// assert_eq!((ann.line, ann.full_name.as_str()), (5, "Ann Smith"));
/// assert_eq!(ann.emails, ["ann@example.com"]);
/// assert_eq!(ann.company.as_deref(), Some("Acme, Inc."));
/// # Ok::<(), guild_import::ImportError>(())
/// ```
pub fn parse_contacts(bytes: &[u8], limits: Limits) -> Result<Parsed, ImportError> {
    if bytes.len() > limits.max_bytes {
        return Err(ImportError::TooLarge {
            kind: LimitKind::Bytes,
            limit: limits.max_bytes,
        });
    }
    let text = text::decode(bytes)?;
    let Some(first) = text
        .split(['\r', '\n'])
        .map(str::trim)
        .find(|l| !l.is_empty())
    else {
        return Err(ImportError::Empty);
    };
    if first.eq_ignore_ascii_case("BEGIN:VCARD") {
        vcard::parse(&text, limits)
    } else {
        table::parse(&text, limits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_each_format() {
        let vcf = b"BEGIN:VCARD\nFN:Ann\nEND:VCARD\n";
        let linkedin = b"First Name,Last Name,URL,Email Address,Company,Position,Connected On\n";
        let csv = b"name,email\nAnn,ann@x.org\n";
        let format = |b: &[u8]| parse_contacts(b, Limits::default()).map(|p| p.format);
        assert_eq!(format(vcf), Ok(Format::VCard));
        assert_eq!(format(linkedin), Ok(Format::LinkedIn));
        assert_eq!(format(csv), Ok(Format::Csv));
    }

    #[test]
    fn empty_and_blank_files_are_empty() {
        for input in [&b""[..], b"\n\n", b"\xEF\xBB\xBF", b"  \r\n\t\r\n"] {
            assert_eq!(
                parse_contacts(input, Limits::default()),
                Err(ImportError::Empty)
            );
        }
    }

    #[test]
    fn byte_limit_is_checked_first() {
        let limits = Limits {
            max_bytes: 10,
            ..Limits::default()
        };
        let err = parse_contacts(b"name\nAnn Smith\n", limits);
        assert_eq!(
            err,
            Err(ImportError::TooLarge {
                kind: LimitKind::Bytes,
                limit: 10
            })
        );
    }
}
