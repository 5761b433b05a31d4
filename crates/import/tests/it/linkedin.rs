//! LinkedIn's Connections.csv: both headers, the Notes preamble, BOM, CRLF, quoting.

use guild_import::Format;

use crate::{by_name, fixture, parse, parse_fixture};

#[test]
fn current_export_with_notes_preamble() {
    let p = parse_fixture("linkedin_connections.csv");
    assert_eq!(p.format, Format::LinkedIn);
    let names: Vec<&str> = p.contacts.iter().map(|c| c.full_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Ann Smith",
            "Bob Jones",
            "Chloé Dubois-Martin",
            "Dan O'Neil",
            "Eve"
        ]
    );
    assert_eq!(p.skipped, 1, "the row of empty fields");

    let ann = by_name(&p, "Ann Smith");
    assert_eq!(
        (ann.first_name.as_str(), ann.last_name.as_str()),
        ("Ann", "Smith")
    );
    assert_eq!(ann.emails, ["ann@example.com"]);
    assert_eq!(ann.company.as_deref(), Some("Acme, Inc."));
    assert_eq!(ann.position.as_deref(), Some("Engineer"));
    assert_eq!(
        ann.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/ann-smith")
    );

    let bob = by_name(&p, "Bob Jones");
    assert!(bob.emails.is_empty());
    assert_eq!(bob.position.as_deref(), Some("Head of Sales, EMEA"));

    let chloe = by_name(&p, "Chloé Dubois-Martin");
    assert_eq!(chloe.company.as_deref(), Some("Initech \"Labs\""));
    assert_eq!(chloe.position.as_deref(), Some("Director Product & Design"));

    assert_eq!(by_name(&p, "Dan O'Neil").emails, ["dan.oneil@example.org"]);
    let eve = by_name(&p, "Eve");
    assert_eq!(
        (eve.first_name.as_str(), eve.last_name.as_str()),
        ("Eve", "")
    );
}

#[test]
fn line_numbers_count_the_preamble_and_embedded_newlines() {
    let p = parse_fixture("linkedin_connections.csv");
    let lines: Vec<usize> = p.contacts.iter().map(|c| c.line).collect();
    // Notes: 1-3, header 4; Chloé's position spans 7-8; line 10 is blank, 11 all-empty.
    assert_eq!(lines, [5, 6, 7, 9, 12]);
}

#[test]
fn older_export_without_url_with_bom_and_crlf() {
    let bytes = fixture("linkedin_old_bom_crlf.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBF") && bytes.windows(2).any(|w| w == b"\r\n"));
    let p = parse(&bytes).unwrap();
    assert_eq!(p.format, Format::LinkedIn);
    let lines: Vec<usize> = p.contacts.iter().map(|c| c.line).collect();
    assert_eq!(lines, [2, 3, 5]);
    let frank = by_name(&p, "Frank Miller");
    assert_eq!(frank.emails, ["frank@miller.io"]);
    assert_eq!(frank.company.as_deref(), Some("Stark Industries, Ltd."));
    assert_eq!(frank.profile_url, None);
    let grace = by_name(&p, "Grace Hopper");
    assert!(grace.emails.is_empty());
    assert_eq!(grace.company.as_deref(), Some("Navy Reserve"));
    assert_eq!(grace.position.as_deref(), Some("Rear Admiral"));
    assert_eq!(by_name(&p, "Heidi Klum").company, None);
}

#[test]
fn columns_are_found_by_name_not_position() {
    let text = "Connected On,Position,Company,Email Address,URL,Last Name,First Name\n\
                1 Jan 2020,CTO,Acme,a@x.org,https://www.linkedin.com/in/a,Smith,Ann\n";
    let p = parse(text.as_bytes()).unwrap();
    let ann = by_name(&p, "Ann Smith");
    assert_eq!(ann.company.as_deref(), Some("Acme"));
    assert_eq!(ann.position.as_deref(), Some("CTO"));
    assert_eq!(ann.emails, ["a@x.org"]);
}

#[test]
fn the_same_file_with_crlf_bom_and_no_trailing_newline() {
    let lf = fixture("linkedin_connections.csv");
    let expected = parse(&lf).unwrap();
    let mut crlf = b"\xEF\xBB\xBF".to_vec();
    for &b in &lf {
        if b == b'\n' {
            crlf.push(b'\r');
        }
        crlf.push(b);
    }
    while crlf.last().is_some_and(|b| b.is_ascii_whitespace()) {
        crlf.pop();
    }
    let p = parse(&crlf).unwrap();
    assert_eq!(p.contacts.len(), expected.contacts.len());
    for (a, b) in p.contacts.iter().zip(&expected.contacts) {
        // A CRLF inside a quoted field is part of the value, and cleaned to a space like LF.
        assert_eq!(a, b);
    }
}
