//! Fuzz target: an uploaded contacts file (LinkedIn's `Connections.csv`, any CSV, vCard)
//! through `guild_import::parse_contacts`, the one entry the "find your contacts" upload calls.
//! Beyond "no panic", every successful parse must keep the crate's written promises.

use guild_import::{parse_contacts, Contact, ImportError, Limits, Parsed};

/// Small, so the row limit is reached and a run stays fast.
const LIMITS: Limits = Limits {
    max_bytes: 64 * 1024,
    max_rows: 40,
};

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // A line ends at `\n` or `\r` in every encoding the parser reads (UTF-8, UTF-16,
        // Windows-1252), so this bounds the line any record or error may name.
        let lines = 1 + data.iter().filter(|&&b| b == b'\n' || b == b'\r').count();
        match parse_contacts(data, LIMITS) {
            Ok(parsed) => check(&parsed, lines),
            Err(ImportError::Malformed { line, .. } | ImportError::NotText { line }) => {
                assert!(
                    (1..=lines).contains(&line),
                    "error on line {line} of {lines}"
                );
            }
            Err(ImportError::TooLarge { .. } | ImportError::Empty) => {}
        }
    });
}

fn check(parsed: &Parsed, lines: usize) {
    assert!(parsed.contacts.len() + parsed.skipped <= LIMITS.max_rows);
    let mut previous = 0;
    for c in &parsed.contacts {
        assert!(
            c.line > previous && c.line <= lines,
            "line {} of {lines}: {c:?}",
            c.line
        );
        previous = c.line;
        assert!(!c.full_name.is_empty() || !c.emails.is_empty(), "{c:?}");
        check_text(c);
        assert!(c.emails.len() <= 20, "{c:?}");
        for (i, e) in c.emails.iter().enumerate() {
            assert_eq!(e, &e.to_lowercase(), "{c:?}");
            assert_eq!(e.matches('@').count(), 1, "{c:?}");
            assert!(!e.starts_with('@') && !e.ends_with('@'), "{c:?}");
            assert!(!e.contains(char::is_whitespace) && e.len() <= 254, "{c:?}");
            assert!(!c.emails[..i].contains(e), "duplicate {e}: {c:?}");
        }
    }
}

/// Names and other text are trimmed, with inner whitespace collapsed to one space.
fn check_text(c: &Contact) {
    let texts = [&c.first_name, &c.last_name, &c.full_name]
        .into_iter()
        .chain(c.company.as_ref())
        .chain(c.position.as_ref());
    for t in texts {
        assert_eq!(t.trim(), t, "{c:?}");
        assert!(
            !t.contains("  ") && !t.contains(|ch: char| ch.is_whitespace() && ch != ' '),
            "whitespace in {t:?}: {c:?}"
        );
    }
}
