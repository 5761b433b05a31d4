//! CSV uploads, LinkedIn's `Connections.csv` among them: the `Notes:` preamble, the delimiter,
//! the header row, the rows, and the line each record starts on.

use csv::{ReaderBuilder, StringRecord, StringRecordsIntoIter};

use crate::contact::Draft;
use crate::header::Columns;
use crate::text::LineCounter;
use crate::{Format, ImportError, LimitKind, Limits, Parsed};

/// How many records of a `Notes:` preamble are read while looking for the header.
const MAX_PREAMBLE_RECORDS: usize = 20;

/// Parses a CSV file whose header row comes first, or after LinkedIn's `Notes:` preamble.
pub(crate) fn parse(text: &str, limits: Limits) -> Result<Parsed, ImportError> {
    let first = text
        .split(['\r', '\n'])
        .find(|l| !l.trim().is_empty())
        .unwrap_or_default();
    let has_notes = first.trim().to_ascii_lowercase().starts_with("notes:");
    let (delimiter, preamble) = match excel_separator(first) {
        Some(sep) => (sep, Preamble::Separator),
        None if has_notes => (b',', Preamble::Notes),
        None => (sniff_delimiter(first), Preamble::None),
    };

    // csv reads a field left open by a quote to the end of the file without complaint, so an
    // unterminated quote is found first, by the same quoting rules.
    if let Some(start) = unterminated_record(text.as_bytes(), delimiter) {
        let line = LineCounter::new(text.as_bytes()).line_of(start);
        return Err(ImportError::malformed(
            line,
            "a quoted field that starts in this record is never closed (a missing '\"')",
        ));
    }

    let mut records = Records::new(text, delimiter);
    let (header_line, columns, header_len) = find_header(preamble, &mut records)?;
    let format = if preamble == Preamble::Notes || columns.linkedin {
        Format::LinkedIn
    } else {
        Format::Csv
    };

    let mut parsed = Parsed {
        format,
        contacts: Vec::new(),
        skipped: 0,
    };
    let mut rows = 0usize;
    while let Some((line, record)) = records.next()? {
        rows += 1;
        if rows > limits.max_rows {
            return Err(ImportError::TooLarge {
                kind: LimitKind::Rows,
                limit: limits.max_rows,
            });
        }
        if record.iter().skip(header_len).any(|f| !f.trim().is_empty()) {
            return Err(ImportError::malformed(
                line,
                format!(
                    "this row has {} fields but the header on line {header_line} has {header_len}",
                    record.len()
                ),
            ));
        }
        let draft: Draft = columns.draft(|i| record.get(i));
        match draft.finish(line) {
            Some(contact) => parsed.contacts.push(contact),
            None => parsed.skipped += 1,
        }
    }
    Ok(parsed)
}

/// The csv crate's records, each with the line it starts on.
struct Records<'a> {
    inner: StringRecordsIntoIter<&'a [u8]>,
    bytes: &'a [u8],
    lines: LineCounter<'a>,
}

impl<'a> Records<'a> {
    fn new(text: &'a str, delimiter: u8) -> Self {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        Records {
            inner: reader.into_records(),
            bytes: text.as_bytes(),
            lines: LineCounter::new(text.as_bytes()),
        }
    }

    /// The next record and its line. csv reports the byte where it began reading, which may
    /// be blank lines before the record, so those are stepped over.
    fn next(&mut self) -> Result<Option<(usize, StringRecord)>, ImportError> {
        match self.inner.next() {
            None => Ok(None),
            Some(Ok(record)) => {
                let byte = skip_line_breaks(self.bytes, offset(record.position()));
                let line = self.lines.line_of(byte);
                Ok(Some((line, record)))
            }
            Some(Err(e)) => {
                let line = self.lines.line_of(offset(e.position()));
                Err(ImportError::malformed(line, e.to_string()))
            }
        }
    }
}

fn offset(position: Option<&csv::Position>) -> usize {
    position.map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
}

/// What comes before the header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Preamble {
    None,
    /// LinkedIn's `Notes:` line and the paragraph after it.
    Notes,
    /// Excel's `sep=;` line naming the delimiter.
    Separator,
}

/// Reads up to and including the header row: its line, its column map and its width.
fn find_header(
    preamble: Preamble,
    records: &mut Records,
) -> Result<(usize, Columns, usize), ImportError> {
    if preamble == Preamble::Separator {
        records.next()?;
    }
    let Some((first_line, first)) = records.next()? else {
        return Err(ImportError::Empty);
    };
    if preamble != Preamble::Notes {
        let columns = Columns::from_header(first.iter());
        if !columns.is_usable() {
            return Err(ImportError::malformed(
                first_line,
                "the header row has no name or email column; the first row must name the \
                 columns, e.g. \"First Name,Last Name,Email\" or \"Name,Email\"",
            ));
        }
        return Ok((first_line, columns, first.len()));
    }
    for _ in 0..MAX_PREAMBLE_RECORDS {
        let Some((line, record)) = records.next()? else {
            break;
        };
        let columns = Columns::from_header(record.iter());
        if columns.is_usable() {
            return Ok((line, columns, record.len()));
        }
    }
    Err(ImportError::malformed(
        first_line,
        "LinkedIn's \"Notes:\" preamble is not followed by a header row such as \
         \"First Name,Last Name,URL,Email Address,Company,Position,Connected On\"",
    ))
}

/// The delimiter named by an Excel `sep=;` first line.
fn excel_separator(line: &str) -> Option<u8> {
    let rest = line.trim_start().strip_prefix("sep=")?.as_bytes();
    match rest.split_first() {
        Some((&b, tail))
            if matches!(b, b',' | b';' | b'\t' | b'|') && tail.trim_ascii().is_empty() =>
        {
            Some(b)
        }
        _ => None,
    }
}

/// `;` or tab when the header line has more of it than commas (outside quotes), else `,`.
fn sniff_delimiter(header: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for b in header.bytes() {
        match b {
            b'"' => quoted = !quoted,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3).max_by_key(|&i| (counts[i], std::cmp::Reverse(i)));
    match best {
        Some(1) if counts[1] > counts[0] => b';',
        Some(2) if counts[2] > counts[0] => b'\t',
        _ => b',',
    }
}

/// The first byte at or after `at` that is not a line break: csv reports the position where
/// it began reading a record, which may be the blank lines before it.
fn skip_line_breaks(bytes: &[u8], at: usize) -> usize {
    let rest = bytes.get(at..).unwrap_or_default();
    at + rest
        .iter()
        .take_while(|&&b| b == b'\r' || b == b'\n')
        .count()
}

/// Where the record starts whose quoted field is still open at the end of the input, if any.
///
/// Mirrors the csv crate's quoting rules: a quote opens a quoted field only as a field's first
/// byte, `""` inside one is a literal quote, and a quote in mid-field is literal.
fn unterminated_record(bytes: &[u8], delimiter: u8) -> Option<usize> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        RecordStart,
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let mut state = State::RecordStart;
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let newline = b == b'\n' || b == b'\r';
        if state == State::RecordStart {
            if newline {
                continue;
            }
            start = i;
            state = State::FieldStart;
        }
        state = match state {
            State::RecordStart | State::FieldStart if b == b'"' => State::Quoted,
            State::Quoted if b == b'"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if b == b'"' => State::Quoted,
            _ if b == delimiter => State::FieldStart,
            _ if newline => State::RecordStart,
            _ => State::Unquoted,
        };
    }
    (state == State::Quoted).then_some(start)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Parsed {
        parse(text, Limits::default()).unwrap()
    }

    fn lines_of(p: &Parsed) -> Vec<usize> {
        p.contacts.iter().map(|c| c.line).collect()
    }

    #[test]
    fn line_numbers_survive_blank_lines_and_multiline_fields() {
        let text = "name,email,title\r\n\r\nAnn,a@x.org,\"line one\r\nline two\"\r\n\r\n\r\nBob,b@x.org,x\r\nCy,,\"a\nb\nc\"\nDee,d@x.org,";
        let p = parse_ok(text);
        assert_eq!(lines_of(&p), [3, 7, 8, 11]);
        assert_eq!(p.contacts[0].position.as_deref(), Some("line one line two"));
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let p = parse_ok("name,email\rAnn,a@x.org\rBob,b@x.org\r");
        assert_eq!(lines_of(&p), [2, 3]);
    }

    #[test]
    fn unterminated_quote_names_the_record_start() {
        let text = "name,title\nAnn,ok\nBob,\"never\nclosed\nat all\n";
        assert_eq!(
            parse(text, Limits::default()).unwrap_err(),
            ImportError::malformed(
                3,
                "a quoted field that starts in this record is never closed (a missing '\"')"
            )
        );
    }

    #[test]
    fn quotes_mid_field_are_literal() {
        let p = parse_ok("name,title\nAnn \"the\" Smith,5'11\" tall\n");
        assert_eq!(p.contacts[0].full_name, "Ann \"the\" Smith");
        assert_eq!(p.contacts[0].position.as_deref(), Some("5'11\" tall"));
        assert_eq!(unterminated_record(b"a,\"b\"\"c\"\nd", b','), None);
        assert_eq!(unterminated_record(b"a\n\n\"b\"x\"", b','), None);
        assert_eq!(unterminated_record(b"a\n\nb,\"x\"\"", b','), Some(3));
    }

    #[test]
    fn extra_fields_are_an_error_unless_empty() {
        let p = parse_ok("name,email\nAnn,a@x.org,,\n");
        assert_eq!(p.contacts.len(), 1);
        let err = parse(
            "name,email\nAnn,a@x.org\nBob,b@x.org,oops\n",
            Limits::default(),
        );
        assert_eq!(
            err.unwrap_err(),
            ImportError::malformed(3, "this row has 3 fields but the header on line 1 has 2")
        );
    }

    #[test]
    fn short_rows_and_nameless_rows() {
        let p = parse_ok("name,email,company\nAnn\n,,Acme\n,\n");
        assert_eq!(p.contacts.len(), 1);
        assert_eq!(p.skipped, 2);
    }

    #[test]
    fn semicolons_and_tabs() {
        let p = parse_ok("Name;Email;Company\nAnn;a@x.org;\"Acme, Inc.\"\n");
        assert_eq!(p.contacts[0].company.as_deref(), Some("Acme, Inc."));
        let p = parse_ok("Name\tEmail\nAnn Smith\ta@x.org\n");
        assert_eq!(p.contacts[0].full_name, "Ann Smith");
        assert_eq!(sniff_delimiter("\"a;b\",c"), b',');
        assert_eq!(sniff_delimiter("email"), b',');
    }

    #[test]
    fn excel_separator_line() {
        let p = parse_ok("sep=;\r\nName;Email\r\nAnn;a@x.org\r\n");
        assert_eq!((p.format, p.contacts[0].line), (Format::Csv, 3));
        assert_eq!(p.contacts[0].emails, ["a@x.org"]);
        assert_eq!(excel_separator("sep=ab"), None);
        assert_eq!(excel_separator("sep=\t"), Some(b'\t'));
    }

    #[test]
    fn notes_without_a_header() {
        let err = parse("Notes:\n\"some text\"\n\nAnn,Smith\n", Limits::default());
        assert!(matches!(err, Err(ImportError::Malformed { line: 1, .. })));
    }

    #[test]
    fn header_only_is_no_contacts() {
        let p = parse_ok("First Name,Last Name,Email Address,Company,Position,Connected On\r\n");
        assert_eq!(
            (p.format, p.contacts.len(), p.skipped),
            (Format::LinkedIn, 0, 0)
        );
    }
}
