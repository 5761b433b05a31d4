//! One vCard content line (`group.NAME;PARAM=x:value`) and the decoding of its value:
//! quoted-printable with its charset, backslash escapes, and `;`-separated components.

use std::borrow::Cow;

use crate::text::windows_1252;

/// A parsed content line. The group (`item1.`) is dropped; the name is uppercased.
#[derive(Debug)]
pub(super) struct Property<'a> {
    pub(super) name: String,
    params: &'a str,
    pub(super) value: &'a str,
}

impl<'a> Property<'a> {
    /// Splits a line at its first `:` outside a double-quoted parameter value; `None` when
    /// there is no such colon or no name before it.
    pub(super) fn parse(line: &'a str) -> Option<Self> {
        let colon = value_colon(line)?;
        let head = &line[..colon];
        let (name, params) = head.split_once(';').unwrap_or((head, ""));
        let name = name.rsplit('.').next().unwrap_or(name).trim();
        if name.is_empty() {
            return None;
        }
        Some(Property {
            name: name.to_ascii_uppercase(),
            params,
            value: &line[colon + 1..],
        })
    }

    /// The value with any quoted-printable encoding undone; escapes are left for the caller,
    /// since structured values split at unescaped `;` first.
    pub(super) fn text(&self) -> Cow<'a, str> {
        if !has_quoted_printable(self.params) {
            return Cow::Borrowed(self.value);
        }
        let bytes = decode_quoted_printable(self.value);
        let latin = self.params.split(';').any(|p| {
            let p = p.trim().to_ascii_lowercase();
            p.strip_prefix("charset=").is_some_and(|cs| {
                matches!(
                    cs.trim_matches('"'),
                    "iso-8859-1" | "latin1" | "windows-1252" | "cp1252" | "iso-8859-15"
                )
            })
        });
        if latin {
            return Cow::Owned(windows_1252(&bytes));
        }
        match String::from_utf8(bytes) {
            Ok(s) => Cow::Owned(s),
            Err(e) => Cow::Owned(windows_1252(e.as_bytes())),
        }
    }
}

/// The byte index of the colon that ends the name and parameters.
fn value_colon(line: &str) -> Option<usize> {
    let mut quoted = false;
    for (i, b) in line.bytes().enumerate() {
        match b {
            b'"' => quoted = !quoted,
            b':' if !quoted => return Some(i),
            _ => {}
        }
    }
    None
}

fn has_quoted_printable(params: &str) -> bool {
    params.split(';').any(|p| {
        let p = p.trim();
        p.eq_ignore_ascii_case("QUOTED-PRINTABLE")
            || p.eq_ignore_ascii_case("ENCODING=QUOTED-PRINTABLE")
    })
}

/// Whether a (possibly partial) content line declares a quoted-printable value.
pub(super) fn is_quoted_printable(line: &str) -> bool {
    let head = value_colon(line).map_or(line, |colon| &line[..colon]);
    head.split_once(';')
        .is_some_and(|(_, params)| has_quoted_printable(params))
}

/// Decodes `=XX` hex escapes; a `=` not followed by two hex digits is kept as it is.
fn decode_quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' {
            let hex = |j: usize| bytes.get(j).and_then(|&b| char::from(b).to_digit(16));
            if let (Some(hi), Some(lo)) = (hex(i + 1), hex(i + 2)) {
                // Two hex digits are below 256.
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

/// Undoes vCard backslash escapes: `\n` and `\N` are newlines, `\x` is `x` for any other `x`.
pub(super) fn unescape(value: &str) -> String {
    split(value, false).into_iter().next().unwrap_or_default()
}

/// Splits a structured value (`N`, `ORG`) at unescaped `;` and unescapes each component.
pub(super) fn split_structured(value: &str) -> Vec<String> {
    split(value, true)
}

fn split(value: &str, at_semicolons: bool) -> Vec<String> {
    let mut parts = vec![String::new()];
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        let escaped = match c {
            '\\' => match chars.next() {
                Some('n' | 'N') => '\n',
                Some(other) => other,
                None => '\\',
            },
            ';' if at_semicolons => {
                parts.push(String::new());
                continue;
            }
            _ => c,
        };
        if let Some(part) = parts.last_mut() {
            part.push(escaped);
        }
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_names_groups_and_quoted_params() {
        let p = Property::parse("item1.email;TYPE=\"work:x\";PREF=1:a@b.c:d").unwrap();
        assert_eq!((p.name.as_str(), p.value), ("EMAIL", "a@b.c:d"));
        assert!(Property::parse("no colon here").is_none());
        assert!(Property::parse(":value").is_none());
        assert!(Property::parse("").is_none());
    }

    #[test]
    fn escapes_and_components() {
        assert_eq!(unescape(r"a\,b\;c\\d\ne\Nf\"), "a,b;c\\d\ne\nf\\");
        assert_eq!(
            split_structured(r"Smith;Ann\;Marie;;"),
            ["Smith", "Ann;Marie", "", ""]
        );
        assert_eq!(split_structured(""), [""]);
    }

    #[test]
    fn quoted_printable() {
        assert_eq!(
            decode_quoted_printable("a=3Db=C3=A9=zz="),
            b"a=b\xC3\xA9=zz="
        );
        let p = Property::parse("FN;QUOTED-PRINTABLE:Ren=E9e").unwrap();
        assert_eq!(p.text(), "Ren\u{e9}e");
        let p = Property::parse("FN;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:Ren=C3=A9e").unwrap();
        assert_eq!(p.text(), "Ren\u{e9}e");
        assert!(is_quoted_printable("NOTE;ENCODING=QUOTED-PRINTABLE:abc="));
        assert!(!is_quoted_printable("NOTE:ENCODING=QUOTED-PRINTABLE"));
    }
}
