//! Properties: no input panics, whatever is returned is well-formed, and contacts written as a
//! LinkedIn export with the csv writer parse back unchanged.

use guild_import::{parse_contacts, Format, Limits, Parsed};
use proptest::prelude::*;

/// What every successful parse promises, whatever the input.
fn check_invariants(input: &str, parsed: &Parsed) {
    let line_count = input
        .split("\r\n")
        .flat_map(|l| l.split(['\r', '\n']))
        .count();
    let mut previous = 0;
    for c in &parsed.contacts {
        assert!(c.line > previous && c.line <= line_count.max(1), "{c:?}");
        previous = c.line;
        assert!(!c.full_name.is_empty() || !c.emails.is_empty(), "{c:?}");
        for e in &c.emails {
            assert_eq!(e, &e.to_lowercase());
            assert_eq!(e.matches('@').count(), 1, "{e}");
            assert!(!e.starts_with('@') && !e.ends_with('@') && !e.contains(char::is_whitespace));
        }
        assert_eq!(c.full_name, c.full_name.trim());
    }
}

/// Inputs that get past format detection into each parser.
fn structured_text() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        Just(""),
        Just("\u{feff}"),
        Just("Notes:\n\"a, b\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"),
        Just("First Name,Last Name,Email Address,Company,Position,Connected On\r\n"),
        Just("name;email;company\n"),
        Just("sep=\t\nName\tE-mail 1 - Value\n"),
        Just("BEGIN:VCARD\r\nVERSION:3.0\r\n"),
        Just("BEGIN:VCARD\nVERSION:2.1\nN;ENCODING=QUOTED-PRINTABLE:"),
    ];
    let body = "[a-zA-Z@.,;:=\"\\\\ \t\r\n\u{e9}\u{feff}-]{0,300}";
    let tail = prop_oneof![
        Just(""),
        Just("\nEND:VCARD\n"),
        Just("\"\n"),
        Just("BEGIN:VCARD\n")
    ];
    (prefix, body, tail).prop_map(|(p, b, t)| format!("{p}{b}{t}"))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = parse_contacts(&bytes, Limits::default());
    }

    #[test]
    fn arbitrary_strings_never_panic(text in any::<String>()) {
        if let Ok(parsed) = parse_contacts(text.as_bytes(), Limits::default()) {
            check_invariants(&text, &parsed);
        }
    }

    #[test]
    fn csv_and_vcard_shaped_text_never_panics(text in structured_text()) {
        let limits = Limits { max_rows: 5, ..Limits::default() };
        if let Ok(parsed) = parse_contacts(text.as_bytes(), limits) {
            check_invariants(&text, &parsed);
            prop_assert!(parsed.contacts.len() + parsed.skipped <= 5);
        }
    }

    #[test]
    fn linkedin_export_round_trips(people in proptest::collection::vec(person(), 0..40)) {
        let (bytes, expected_lines) = write_linkedin(&people);
        let parsed = parse_contacts(&bytes, Limits::default()).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(parsed.format, Format::LinkedIn);
        prop_assert_eq!(parsed.skipped, 0);
        prop_assert_eq!(parsed.contacts.len(), people.len());
        for ((c, p), line) in parsed.contacts.iter().zip(&people).zip(expected_lines) {
            prop_assert_eq!(&c.first_name, &p.first);
            prop_assert_eq!(&c.last_name, &p.last);
            prop_assert_eq!(c.full_name.clone(), format!("{} {}", p.first, p.last));
            let emails: Vec<String> = p.email.iter().map(|e| e.to_lowercase()).collect();
            prop_assert_eq!(&c.emails, &emails);
            prop_assert_eq!(c.company.clone(), clean(&p.company));
            prop_assert_eq!(c.position.clone(), clean(&p.position));
            prop_assert_eq!(c.line, line);
        }
    }
}

#[derive(Debug, Clone)]
struct Person {
    first: String,
    last: String,
    email: Option<String>,
    company: String,
    position: String,
}

fn person() -> impl Strategy<Value = Person> {
    let word = "[A-Za-z\u{c0}-\u{ff}'][A-Za-z\u{c0}-\u{ff}'.-]{0,9}";
    let name = proptest::collection::vec(word, 1..3).prop_map(|w| w.join(" "));
    let email = proptest::option::of("[A-Za-z0-9._+-]{1,12}@[A-Za-z0-9-]{1,10}\\.[a-z]{2,4}");
    // Commas, quotes and newlines exercise the writer's quoting and the line numbers.
    let text = "[A-Za-z0-9,\"&.;' \n]{0,24}";
    (name.clone(), name, email, text, text).prop_map(|(first, last, email, company, position)| {
        Person {
            first,
            last,
            email,
            company,
            position,
        }
    })
}

fn clean(s: &str) -> Option<String> {
    let words: Vec<&str> = s.split_whitespace().collect();
    (!words.is_empty()).then(|| words.join(" "))
}

/// A LinkedIn export of `people`, and the line each of their records starts on.
fn write_linkedin(people: &[Person]) -> (Vec<u8>, Vec<usize>) {
    let preamble = "Notes:\n\"When exporting your connection data, you may notice that some of \
                    the email addresses are missing.\"\n\n";
    let mut writer = csv::Writer::from_writer(preamble.as_bytes().to_vec());
    writer
        .write_record([
            "First Name",
            "Last Name",
            "URL",
            "Email Address",
            "Company",
            "Position",
            "Connected On",
        ])
        .unwrap();
    let mut lines = Vec::new();
    let mut line = 5;
    for p in people {
        lines.push(line);
        let email = p.email.clone().unwrap_or_default();
        let record = [
            p.first.as_str(),
            &p.last,
            "https://www.linkedin.com/in/x",
            &email,
            &p.company,
            &p.position,
            "01 Jan 2020",
        ];
        line += 1 + record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
        writer.write_record(record).unwrap();
    }
    (writer.into_inner().unwrap(), lines)
}
