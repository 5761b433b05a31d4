//! vCard files from phones and mail programs: 2.1, 3.0, 4.0.

use guild_import::Format;

use crate::{by_name, parse, parse_fixture};

#[test]
fn iphone_style_3_0() {
    let p = parse_fixture("contacts_3_0.vcf");
    assert_eq!(p.format, Format::VCard);
    assert_eq!(p.contacts.len(), 2);
    assert_eq!(p.skipped, 1, "the card with only a phone number");

    let ann = by_name(&p, "Dr. Ann Beatrice Smith");
    assert_eq!(ann.line, 1);
    assert_eq!(
        (ann.first_name.as_str(), ann.last_name.as_str()),
        ("Ann", "Smith")
    );
    assert_eq!(ann.emails, ["ann.smith@acme.com", "ann@home.org"]);
    assert_eq!(ann.company.as_deref(), Some("Acme, Inc."));
    assert_eq!(ann.position.as_deref(), Some("Head of R;D"));
    assert_eq!(
        ann.profile_url.as_deref(),
        Some("https://www.linkedin.com/in/ann-smith")
    );

    let jm = by_name(&p, "Jürgen Müller");
    assert_eq!(jm.line, 19);
    assert_eq!(jm.emails, ["juergen.mueller@beispiel.de", "jm@example.de"]);
    assert_eq!(jm.company.as_deref(), Some("Bäckerei Müller GmbH"));
    assert_eq!(jm.position, None);
}

#[test]
fn version_4_0() {
    let p = parse_fixture("contacts_4_0.vcf");
    let zoe = by_name(&p, "Zoë Zhang");
    assert_eq!(zoe.emails, ["zoe@zhang.dev", "zoe.zhang@example.com"]);
    assert_eq!(zoe.position.as_deref(), Some("Principal Consultant"));
    assert_eq!(zoe.profile_url, None, "a personal site is not a profile");
    let yusuf = by_name(&p, "Yusuf Okafor");
    assert_eq!(yusuf.line, 12);
    assert_eq!(yusuf.emails, ["yusuf@okafor.ng"]);
    assert_eq!(yusuf.company.as_deref(), Some("Okafor & Sons"));
    assert_eq!(yusuf.position.as_deref(), Some("Operations Lead"));
}

#[test]
fn version_2_1_quoted_printable_is_decoded() {
    let p = parse_fixture("contacts_2_1.vcf");
    let jose = by_name(&p, "José García");
    assert_eq!(
        (jose.first_name.as_str(), jose.last_name.as_str()),
        ("José", "García")
    );
    assert_eq!(jose.emails, ["jose@garcia.es"]);
    assert_eq!(
        jose.company.as_deref(),
        Some("Compañía de Teléfonos de España")
    );
    assert_eq!(jose.position.as_deref(), Some("Ingeniero"));
}

#[test]
fn leading_blank_lines_and_bom_before_begin() {
    let p = parse(b"\xEF\xBB\xBF\r\n\r\nBEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD").unwrap();
    assert_eq!((p.format, p.contacts[0].line), (Format::VCard, 3));
}
