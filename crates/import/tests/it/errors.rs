//! Files that are not contact lists, and malformed ones: each error names a line.

use guild_import::ImportError;

use crate::{fixture, parse};

fn line_of(err: ImportError) -> usize {
    match err {
        ImportError::Malformed { line, .. } | ImportError::NotText { line } => line,
        other => panic!("expected an error with a line, got {other:?}"),
    }
}

#[test]
fn images_archives_and_random_bytes_are_not_text() {
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01";
    let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01";
    let xlsx = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0";
    let gif = b"GIF89a\x01\0\x01\0\x80\0\0";
    for junk in [&png[..], jpeg, xlsx, gif] {
        assert!(
            matches!(parse(junk), Err(ImportError::NotText { .. })),
            "{junk:?}"
        );
    }
    // A deterministic stream of pseudo-random bytes.
    let mut x: u32 = 0x9E37_79B9;
    let random: Vec<u8> = (0..4096)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            x.to_le_bytes()[0]
        })
        .collect();
    let err = parse(&random).unwrap_err();
    assert!(
        matches!(err, ImportError::NotText { line } if line >= 1),
        "{err:?}"
    );
}

#[test]
fn text_that_is_not_a_contact_list_names_line_one() {
    let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
    assert_eq!(line_of(parse(pdf).unwrap_err()), 1);
    let err = parse(&fixture("wrong_header.csv")).unwrap_err();
    assert!(err
        .to_string()
        .starts_with("line 1: the header row has no name or email column"));
    let headerless = parse(b"\n\nAnn Smith,ann@x.org,Acme\n").unwrap_err();
    assert_eq!(
        line_of(headerless),
        3,
        "the first non-blank line is the header"
    );
}

#[test]
fn unterminated_quote_names_the_line_where_the_record_starts() {
    let err = parse(&fixture("unterminated_quote.csv")).unwrap_err();
    assert_eq!(line_of(err.clone()), 3);
    assert!(err.to_string().contains("never closed"), "{err}");
}

#[test]
fn a_row_longer_than_the_header() {
    let text =
        "First Name,Last Name,Email Address\nAnn,Smith,a@x.org\n\"Bob\nBy\",Jones,b@x.org,extra\n";
    let err = parse(text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 3: this row has 4 fields but the header on line 1 has 3"
    );
}

#[test]
fn an_unterminated_vcard_names_its_begin() {
    let text = "BEGIN:VCARD\nFN:Ann\nEND:VCARD\n\nBEGIN:VCARD\nFN:Bob\nEMAIL:b@x.org\n";
    let err = parse(text.as_bytes()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "line 5: this vCard's BEGIN:VCARD has no matching END:VCARD"
    );
}

#[test]
fn empty_files() {
    assert_eq!(parse(b""), Err(ImportError::Empty));
    assert_eq!(parse(b"\xEF\xBB\xBF\r\n  \r\n"), Err(ImportError::Empty));
}
