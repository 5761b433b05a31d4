//! vCard files (2.1, 3.0, 4.0): splitting cards, unfolding lines, reading the properties a
//! contact needs (`FN`, `N`, `EMAIL`, `ORG`, `TITLE`, a LinkedIn `URL`) and decoding their values.

use crate::contact::Draft;
use crate::{Format, ImportError, LimitKind, Limits, Parsed};

mod value;

use value::{split_structured, unescape, Property};

/// Parses a file of one or more vCards.
pub(crate) fn parse(text: &str, limits: Limits) -> Result<Parsed, ImportError> {
    let mut reader = Reader {
        limits,
        parsed: Parsed {
            format: Format::VCard,
            contacts: Vec::new(),
            skipped: 0,
        },
        card: None,
        cards: 0,
    };
    // The logical line being assembled from folded physical lines: where it started, its text,
    // and whether it declared quoted-printable (decided once, from its first physical line, so
    // that a long run of soft line breaks costs linear time).
    let mut pending: Option<(usize, String, bool)> = None;
    for (number, line) in physical_lines(text) {
        if let Some((_, logical, quoted_printable)) = pending.as_mut() {
            if let Some(rest) = line.strip_prefix([' ', '\t']) {
                // vCard 2.1 folds before existing whitespace and keeps it; 3.0 and 4.0 insert
                // one whitespace character that unfolding removes.
                logical.push_str(if reader.version_21() { line } else { rest });
                continue;
            }
            if *quoted_printable
                && logical.ends_with('=')
                && !line.trim().eq_ignore_ascii_case("END:VCARD")
            {
                // A quoted-printable soft line break: "=" at the end joins the next line
                // (but never swallows the end of the card).
                logical.pop();
                logical.push_str(line);
                continue;
            }
        }
        let quoted_printable = value::is_quoted_printable(line);
        if let Some((start, logical, _)) =
            pending.replace((number, line.to_owned(), quoted_printable))
        {
            reader.line(start, &logical)?;
        }
    }
    if let Some((start, logical, _)) = pending {
        reader.line(start, &logical)?;
    }
    reader.finish()
}

/// The lines of `text` with their 1-based numbers, split at `\r\n`, `\n` or a lone `\r`.
fn physical_lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text;
    let mut number = 0;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        number += 1;
        let (line, tail) = match rest.find(['\r', '\n']) {
            Some(i) if rest[i..].starts_with("\r\n") => (&rest[..i], &rest[i + 2..]),
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        rest = tail;
        Some((number, line))
    })
}

/// The card being read: where it began and what has been found so far.
struct Card {
    begin: usize,
    draft: Draft,
    version_21: bool,
    seen_n: bool,
    seen_org: bool,
}

struct Reader {
    limits: Limits,
    parsed: Parsed,
    card: Option<Card>,
    cards: usize,
}

impl Reader {
    fn version_21(&self) -> bool {
        self.card.as_ref().is_some_and(|c| c.version_21)
    }

    /// Handles one unfolded line that starts on line `number`.
    fn line(&mut self, number: usize, line: &str) -> Result<(), ImportError> {
        let Some(prop) = Property::parse(line) else {
            return Ok(()); // blank lines, and stray text, which carries nothing a contact needs
        };
        let is_vcard = prop.value.trim().eq_ignore_ascii_case("VCARD");
        match (prop.name.as_str(), self.card.take()) {
            ("BEGIN", Some(card)) if is_vcard => Err(ImportError::malformed(
                card.begin,
                format!("this vCard has no END:VCARD before the next BEGIN:VCARD on line {number}"),
            )),
            ("BEGIN", None) if is_vcard => {
                self.cards += 1;
                if self.cards > self.limits.max_rows {
                    return Err(ImportError::TooLarge {
                        kind: LimitKind::Rows,
                        limit: self.limits.max_rows,
                    });
                }
                self.card = Some(Card {
                    begin: number,
                    draft: Draft::default(),
                    version_21: false,
                    seen_n: false,
                    seen_org: false,
                });
                Ok(())
            }
            ("END", None) if is_vcard => Err(ImportError::malformed(
                number,
                "END:VCARD without a BEGIN:VCARD before it",
            )),
            ("END", Some(card)) if is_vcard => {
                match card.draft.finish(card.begin) {
                    Some(contact) => self.parsed.contacts.push(contact),
                    None => self.parsed.skipped += 1,
                }
                Ok(())
            }
            (_, Some(mut card)) => {
                read_property(&mut card, &prop);
                self.card = Some(card);
                Ok(())
            }
            (_, None) => Ok(()),
        }
    }

    fn finish(self) -> Result<Parsed, ImportError> {
        match self.card {
            Some(card) => Err(ImportError::malformed(
                card.begin,
                "this vCard's BEGIN:VCARD has no matching END:VCARD",
            )),
            None => Ok(self.parsed),
        }
    }
}

/// Records what a property says about the contact; the first of each kind wins, except
/// `EMAIL`, of which every one is kept.
fn read_property(card: &mut Card, prop: &Property) {
    let draft = &mut card.draft;
    match prop.name.as_str() {
        "VERSION" => card.version_21 = prop.value.trim() == "2.1",
        "FN" if draft.full_name.is_empty() => draft.full_name = unescape(&prop.text()),
        "N" if !card.seen_n => {
            card.seen_n = true;
            let mut parts = split_structured(&prop.text()).into_iter();
            draft.last_name = parts.next().unwrap_or_default();
            draft.first_name = parts.next().unwrap_or_default();
            draft.middle_name = parts.next().unwrap_or_default();
        }
        "EMAIL" => draft.add_emails(&unescape(&prop.text())),
        "ORG" if !card.seen_org => {
            card.seen_org = true;
            draft.company = split_structured(&prop.text())
                .into_iter()
                .next()
                .unwrap_or_default();
        }
        "TITLE" if draft.position.is_empty() => draft.position = unescape(&prop.text()),
        "URL" if draft.profile_url.is_empty() => {
            let url = unescape(&prop.text());
            if url.to_ascii_lowercase().contains("linkedin.com/") {
                draft.profile_url = url;
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Parsed {
        parse(text, Limits::default()).unwrap()
    }

    #[test]
    fn reads_a_3_0_card_with_folding_groups_and_escapes() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Ann;B.;Dr.;\r\nFN:Dr. Ann B. Sm\r\n ith\r\n\
            item1.EMAIL;type=INTERNET;type=pref:Ann@Example.org\r\nitem1.X-ABLabel:work\r\n\
            EMAIL;TYPE=HOME:ann@home.\r\n\tnet\r\nORG:Acme\\, Inc.;R&D\r\nTITLE:Head\\nof R\\;D\r\nEND:VCARD\r\n";
        let p = parse_ok(text);
        let c = &p.contacts[0];
        assert_eq!(c.full_name, "Dr. Ann B. Smith");
        assert_eq!(
            (c.first_name.as_str(), c.last_name.as_str()),
            ("Ann", "Smith")
        );
        assert_eq!(c.emails, ["ann@example.org", "ann@home.net"]);
        assert_eq!(c.company.as_deref(), Some("Acme, Inc."));
        assert_eq!(c.position.as_deref(), Some("Head of R;D"));
        assert_eq!(c.line, 1);
    }

    #[test]
    fn reads_2_1_quoted_printable_and_keeps_folded_space() {
        let text = "BEGIN:VCARD\nVERSION:2.1\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=\n=C3=BCrgen\n\
            FN:J\u{fc}rgen\n M\u{fc}ller\nEMAIL;INTERNET:j@x.de\nORG;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:B=E4ckerei\nEND:VCARD\n";
        let c = &parse_ok(text).contacts[0];
        assert_eq!(c.last_name, "M\u{fc}ller");
        assert_eq!(c.first_name, "J\u{fc}rgen");
        assert_eq!(c.full_name, "J\u{fc}rgen M\u{fc}ller");
        assert_eq!(c.company.as_deref(), Some("B\u{e4}ckerei"));
    }

    #[test]
    fn a_dangling_soft_break_does_not_swallow_the_end() {
        let p = parse_ok("BEGIN:VCARD\nFN;QUOTED-PRINTABLE:Ann=\nEND:VCARD\n");
        assert_eq!(p.contacts[0].full_name, "Ann=");
    }

    #[test]
    fn several_cards_lines_and_skips() {
        let text = "begin:vcard\nfn:Ann\nend:vcard\n\nBEGIN:VCARD\nNOTE:nothing\nEND:VCARD\nBEGIN:VCARD\nEMAIL:b@x.org\nURL:https://www.linkedin.com/in/b\nEND:VCARD";
        let p = parse_ok(text);
        let lines: Vec<usize> = p.contacts.iter().map(|c| c.line).collect();
        assert_eq!(lines, [1, 8]);
        assert_eq!(p.skipped, 1);
        assert_eq!(p.contacts[1].full_name, "");
        assert_eq!(
            p.contacts[1].profile_url.as_deref(),
            Some("https://www.linkedin.com/in/b")
        );
    }

    #[test]
    fn unterminated_and_stray_cards_name_their_line() {
        let err = parse(
            "BEGIN:VCARD\nFN:A\nEND:VCARD\nBEGIN:VCARD\nFN:B\n",
            Limits::default(),
        );
        assert!(matches!(err, Err(ImportError::Malformed { line: 4, .. })));
        let err = parse(
            "BEGIN:VCARD\nFN:A\nBEGIN:VCARD\nFN:B\nEND:VCARD",
            Limits::default(),
        );
        assert!(matches!(err, Err(ImportError::Malformed { line: 1, .. })));
        let err = parse("BEGIN:VCARD\nEND:VCARD\nEND:VCARD\n", Limits::default());
        assert!(matches!(err, Err(ImportError::Malformed { line: 3, .. })));
    }

    #[test]
    fn counts_cards_against_the_row_limit() {
        let text = "BEGIN:VCARD\nFN:A\nEND:VCARD\n".repeat(3);
        let limits = Limits {
            max_rows: 2,
            ..Limits::default()
        };
        assert_eq!(
            parse(&text, limits),
            Err(ImportError::TooLarge {
                kind: LimitKind::Rows,
                limit: 2
            })
        );
    }
}
