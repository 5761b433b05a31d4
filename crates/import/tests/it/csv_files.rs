//! Plain CSV exports: Google Contacts, Outlook, hand-made sheets.

use guild_import::Format;

use crate::{by_name, parse, parse_fixture};

#[test]
fn google_contacts_export() {
    let p = parse_fixture("google_contacts.csv");
    assert_eq!(p.format, Format::Csv);
    assert_eq!(p.skipped, 1, "the row with only a phone number");
    let ann = by_name(&p, "Ann Smith");
    assert_eq!(
        ann.emails,
        ["ann@acme.com", "ann.smith@acme.com", "ann@home.org"]
    );
    assert_eq!(ann.company.as_deref(), Some("Acme"));
    assert_eq!(ann.position.as_deref(), Some("CTO"));
    assert_eq!(ann.line, 2);
    let bob = by_name(&p, "Bob Jones");
    assert_eq!(
        (bob.first_name.as_str(), bob.emails.as_slice()),
        ("Bob", &["bob@example.com".to_owned()][..])
    );
}

#[test]
fn outlook_export() {
    let p = parse_fixture("outlook_contacts.csv");
    assert_eq!(p.format, Format::Csv);
    let ann = by_name(&p, "Ann B. Smith");
    assert_eq!(
        ann.position.as_deref(),
        Some("Chief Scientist"),
        "Job Title, not the honorific"
    );
    assert_eq!(ann.emails, ["ann.smith@acme.com", "ann@home.org"]);
    assert_eq!(ann.company.as_deref(), Some("Acme"));
    let bob = by_name(&p, "Bob Jones");
    assert!(bob.emails.is_empty() && bob.company.is_none() && bob.position.is_none());
}

#[test]
fn a_hand_made_sheet_with_synonyms() {
    let text = "Full Name ; E-Mail ; Organisation ; Title\n\
                Ann Smith ; ANN@X.ORG ; Acme ; CTO\n\
                ; bob@y.org ; ;\n";
    let p = parse(text.as_bytes()).unwrap();
    assert_eq!(p.contacts.len(), 2);
    assert_eq!(p.contacts[0].emails, ["ann@x.org"]);
    assert_eq!(p.contacts[0].company.as_deref(), Some("Acme"));
    assert_eq!(p.contacts[1].full_name, "");
    assert_eq!(p.contacts[1].emails, ["bob@y.org"]);
}

#[test]
fn email_only_and_invalid_emails() {
    let p = parse(b"email\nann@x.org\nnot an email\n\n@\nBOB@Y.ORG\n").unwrap();
    let emails: Vec<&str> = p.contacts.iter().map(|c| c.emails[0].as_str()).collect();
    assert_eq!(emails, ["ann@x.org", "bob@y.org"]);
    assert_eq!(p.skipped, 2);
    assert_eq!(p.contacts[1].line, 6);
}

#[test]
fn windows_1252_from_excel() {
    let p = parse(b"Name,Company\r\nRen\xE9e Dupr\xE9,Caf\xE9 \x93Chez Nous\x94\r\n").unwrap();
    assert_eq!(p.contacts[0].full_name, "Ren\u{e9}e Dupr\u{e9}");
    assert_eq!(
        p.contacts[0].company.as_deref(),
        Some("Caf\u{e9} \u{201c}Chez Nous\u{201d}")
    );
}

#[test]
fn utf16_from_windows() {
    let mut bytes = vec![0xFF, 0xFE];
    for unit in "Name\tEmail\r\nZo\u{eb} Zhang\tzoe@x.org\r\n".encode_utf16() {
        bytes.extend(unit.to_le_bytes());
    }
    let p = parse(&bytes).unwrap();
    assert_eq!(p.contacts[0].full_name, "Zo\u{eb} Zhang");
    assert_eq!(p.contacts[0].emails, ["zoe@x.org"]);
}
