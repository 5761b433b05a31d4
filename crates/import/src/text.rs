//! Turning uploaded bytes into text (byte-order marks, UTF-8, UTF-16, Windows-1252), refusing
//! binary files, and counting lines the way a member's text editor does.

use std::borrow::Cow;

use crate::ImportError;

/// Decodes an upload to text without its byte-order mark.
///
/// UTF-8 is tried first, then UTF-16 when a UTF-16 byte-order mark says so, and then
/// Windows-1252, which never fails on its own: what keeps an image or an archive out is the
/// check for binary control bytes, applied to whichever decoding was used.
pub(crate) fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, ImportError> {
    let text = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        match std::str::from_utf8(rest) {
            Ok(s) => Cow::Borrowed(s),
            Err(e) => return Err(not_text_at(rest, e.valid_up_to())),
        }
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        Cow::Owned(utf16(rest, u16::from_le_bytes)?)
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        Cow::Owned(utf16(rest, u16::from_be_bytes)?)
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => Cow::Borrowed(s),
            Err(_) => Cow::Owned(windows_1252(bytes)),
        }
    };
    match first_binary_line(&text) {
        Some(line) => Err(ImportError::NotText { line }),
        None => Ok(text),
    }
}

fn not_text_at(bytes: &[u8], offset: usize) -> ImportError {
    let line = LineCounter::new(bytes).line_of(offset);
    ImportError::NotText { line }
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> Result<String, ImportError> {
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    let mut out = String::with_capacity(bytes.len() / 2);
    for ch in char::decode_utf16(units) {
        match ch {
            Ok(c) => out.push(c),
            Err(_) => return Err(not_text_at(out.as_bytes(), out.len())),
        }
    }
    if bytes.len() % 2 == 1 {
        return Err(not_text_at(out.as_bytes(), out.len()));
    }
    Ok(out)
}

/// The characters Windows-1252 puts at 0x80..=0x9F; the five holes map to the C1 controls.
const CP1252_HIGH: [char; 32] = [
    '\u{20AC}', '\u{81}', '\u{201A}', '\u{192}', '\u{201E}', '\u{2026}', '\u{2020}', '\u{2021}',
    '\u{2C6}', '\u{2030}', '\u{160}', '\u{2039}', '\u{152}', '\u{8D}', '\u{17D}', '\u{8F}',
    '\u{90}', '\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}', '\u{2022}', '\u{2013}', '\u{2014}',
    '\u{2DC}', '\u{2122}', '\u{161}', '\u{203A}', '\u{153}', '\u{9D}', '\u{17E}', '\u{178}',
];

/// Decodes Windows-1252 (a superset of Latin-1's printable range).
pub(crate) fn windows_1252(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => CP1252_HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

/// The line of the first control character no text file has (anything below U+0020 but tab,
/// line feed, vertical tab, form feed and carriage return).
fn first_binary_line(text: &str) -> Option<usize> {
    let at = text
        .bytes()
        .position(|b| b < 0x20 && !matches!(b, 0x09..=0x0D))?;
    Some(LineCounter::new(text.as_bytes()).line_of(at))
}

/// Maps byte offsets to 1-based line numbers, counting `\r\n`, `\n` and a lone `\r` as one
/// line break each. Cheap for increasing offsets: it resumes where the last call stopped.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    at: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            at: 0,
            line: 1,
        }
    }

    /// The line holding byte `offset` (offsets past the end count as the end).
    pub(crate) fn line_of(&mut self, offset: usize) -> usize {
        let offset = offset.min(self.bytes.len());
        if offset < self.at {
            self.at = 0;
            self.line = 1;
        }
        for i in self.at..offset {
            match self.bytes[i] {
                b'\n' => self.line += 1,
                b'\r' if self.bytes.get(i + 1) != Some(&b'\n') => self.line += 1,
                _ => {}
            }
        }
        self.at = offset;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_a_utf8_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFname").unwrap(), "name");
    }

    #[test]
    fn decodes_utf16_with_a_bom() {
        let le: Vec<u8> = b"\xFF\xFEn\0a\0m\0\xE9\0".to_vec();
        assert_eq!(decode(&le).unwrap(), "nam\u{e9}");
        let be: Vec<u8> = b"\xFE\xFF\0n\0a".to_vec();
        assert_eq!(decode(&be).unwrap(), "na");
        assert_eq!(
            decode(b"\xFF\xFEa\0\n\0b"),
            Err(ImportError::NotText { line: 2 })
        );
    }

    #[test]
    fn falls_back_to_windows_1252() {
        assert_eq!(
            decode(b"Ren\xE9e \x80 \x93q\x94").unwrap(),
            "Ren\u{e9}e \u{20ac} \u{201c}q\u{201d}"
        );
    }

    #[test]
    fn refuses_binary_with_the_line() {
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(decode(png), Err(ImportError::NotText { line: 2 }));
        assert_eq!(decode(b"a\nb\nc\0"), Err(ImportError::NotText { line: 3 }));
        assert_eq!(
            decode(b"\xEF\xBB\xBFa\n\xFF"),
            Err(ImportError::NotText { line: 2 })
        );
    }

    #[test]
    fn counts_every_kind_of_line_break() {
        let text = b"a\r\nb\nc\rd\r\n\r\ne";
        let mut lines = LineCounter::new(text);
        assert_eq!(lines.line_of(0), 1);
        assert_eq!(lines.line_of(3), 2);
        assert_eq!(lines.line_of(5), 3);
        assert_eq!(lines.line_of(7), 4);
        assert_eq!(lines.line_of(text.len() - 1), 6);
        assert_eq!(lines.line_of(1), 1);
        assert_eq!(lines.line_of(usize::MAX), 6);
    }
}
