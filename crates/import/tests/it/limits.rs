//! Upload limits: a large export parses, a larger one is refused naming the limit.

use guild_import::{parse_contacts, ImportError, LimitKind, Limits};

/// A LinkedIn export of `rows` connections, every tenth with an email.
fn linkedin_export(rows: usize) -> String {
    let mut text = String::from(
        "Notes:\n\"When exporting your connection data, you may notice that some of the email \
         addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n",
    );
    for i in 0..rows {
        let email = if i % 10 == 0 {
            format!("person{i}@example.com")
        } else {
            String::new()
        };
        text.push_str(&format!(
            "Person,Number {i},https://www.linkedin.com/in/p{i},{email},\"Company {i}, Inc.\",Engineer,01 Jan 2020\n"
        ));
    }
    text
}

#[test]
fn ten_thousand_rows_parse() {
    let text = linkedin_export(10_000);
    assert!(text.len() < Limits::DEFAULT_MAX_BYTES);
    let p = parse_contacts(text.as_bytes(), Limits::default()).unwrap();
    assert_eq!(p.contacts.len(), 10_000);
    assert_eq!(p.skipped, 0);
    let last = &p.contacts[9_999];
    assert_eq!(last.full_name, "Person Number 9999");
    assert_eq!(last.line, 4 + 10_000);
    assert_eq!(
        p.contacts.iter().filter(|c| !c.emails.is_empty()).count(),
        1_000
    );
}

#[test]
fn more_rows_than_the_limit_is_too_large() {
    let text = linkedin_export(Limits::DEFAULT_MAX_ROWS + 1);
    let err = parse_contacts(text.as_bytes(), Limits::default()).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            kind: LimitKind::Rows,
            limit: 20_000
        }
    );
    assert!(
        err.to_string().contains("more than 20000 contacts"),
        "{err}"
    );
    let exactly = linkedin_export(Limits::DEFAULT_MAX_ROWS);
    assert!(parse_contacts(exactly.as_bytes(), Limits::default()).is_ok());
}

#[test]
fn a_custom_row_limit_counts_skipped_rows_too() {
    let limits = Limits {
        max_rows: 2,
        ..Limits::default()
    };
    assert!(parse_contacts(b"name\nA\n\n,\n", limits).is_ok());
    let err = parse_contacts(b"name\nA\n,\nC\n", limits).unwrap_err();
    assert!(matches!(
        err,
        ImportError::TooLarge {
            kind: LimitKind::Rows,
            limit: 2
        }
    ));
}

#[test]
fn more_bytes_than_the_limit_is_too_large() {
    let limits = Limits {
        max_bytes: 1024,
        ..Limits::default()
    };
    let text = linkedin_export(100);
    let err = parse_contacts(text.as_bytes(), limits).unwrap_err();
    assert_eq!(
        err,
        ImportError::TooLarge {
            kind: LimitKind::Bytes,
            limit: 1024
        }
    );
    let default = parse_contacts(
        &vec![b' '; Limits::DEFAULT_MAX_BYTES + 1],
        Limits::default(),
    );
    assert!(default
        .unwrap_err()
        .to_string()
        .contains("larger than 5 MB"));
}
