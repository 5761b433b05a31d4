//! Finding `@mentions`, `#hashtags` and bare URLs in ordinary text — the renderer never calls
//! this for code, link text or raw URLs, so none of those is found there.
//!
//! Each starts only at a word boundary, judged by the character before it (`prev`, carried
//! across Markdown events): `ann@example.com` is an email address, not a mention;
//! `example.com/#a` and `&#39;` are not hashtags; `xhttps://…` is not a link.

use super::links::{self, Target};
use crate::domain::Handle;

/// A URL longer than this is not linked (and not searched for further), which keeps scanning
/// linear on hostile input.
const MAX_URL_BYTES: usize = 2048;
/// Longest handle `Handle::parse` accepts.
const MAX_HANDLE_BYTES: usize = 30;

/// One thing found: `text[start..end]` is what the author wrote.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Found {
    pub start: usize,
    pub end: usize,
    pub kind: Kind,
}

#[derive(Debug, PartialEq, Eq)]
pub(super) enum Kind {
    /// A bare `http(s)://…` or `www.…` address.
    Url(Target),
    /// `@handle`, the handle parsed (lower-case).
    Mention(String),
    /// `#Tag`, the tag folded.
    Hashtag(String),
}

/// Everything found in `text`, in order; `prev` is the character just before it, if any.
pub(super) fn find(text: &str, mut prev: Option<char>) -> Vec<Found> {
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(c) = text[i..].chars().next() {
        let rest = &text[i..];
        let hit = match c {
            '@' if may_start_mention(prev) => {
                mention(&rest[1..]).map(|(len, h)| (1 + len, Kind::Mention(h)))
            }
            '#' if may_start_hashtag(prev) => {
                hashtag(&rest[1..]).map(|(len, t)| (1 + len, Kind::Hashtag(t)))
            }
            'h' | 'H' | 'w' | 'W' if may_start_url(prev) => {
                url(rest).map(|(len, t)| (len, Kind::Url(t)))
            }
            _ => None,
        };
        match hit {
            Some((len, kind)) => {
                found.push(Found {
                    start: i,
                    end: i + len,
                    kind,
                });
                i += len;
                prev = text[..i].chars().next_back();
            }
            None => {
                prev = Some(c);
                i += c.len_utf8();
            }
        }
    }
    found
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn may_start_mention(prev: Option<char>) -> bool {
    prev.is_none_or(|p| !is_word(p) && !matches!(p, '/' | '.' | '@' | '+' | '-' | '=' | '&'))
}

fn may_start_hashtag(prev: Option<char>) -> bool {
    prev.is_none_or(|p| !is_word(p) && !matches!(p, '&' | '/' | '#' | '@' | '='))
}

fn may_start_url(prev: Option<char>) -> bool {
    prev.is_none_or(|p| !is_word(p) && !matches!(p, '/' | '.' | '@'))
}

/// The handle at the start of `rest` (just after `@`): its length and parsed form.
fn mention(rest: &str) -> Option<(usize, String)> {
    let run = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-'))
        .unwrap_or(rest.len());
    let handle = rest[..run].trim_end_matches('-');
    if handle.len() > MAX_HANDLE_BYTES {
        return None;
    }
    let after = &rest[handle.len()..];
    let mut next = after.chars();
    match next.next() {
        // "@annä", "@ann_b", "@ann@example.com": not a handle followed by a boundary.
        Some(c) if is_word(c) || c == '@' => return None,
        // "@example.com": a domain, not a handle.
        Some('.') if next.next().is_some_and(char::is_alphanumeric) => return None,
        _ => {}
    }
    let parsed = Handle::parse(handle).ok()?;
    Some((handle.len(), parsed.into_string()))
}

/// The tag at the start of `rest` (just after `#`): its length and folded form.
fn hashtag(rest: &str) -> Option<(usize, String)> {
    let run = rest
        .find(|c: char| !super::is_tag_char(c))
        .unwrap_or(rest.len());
    let tag = super::fold_tag(&rest[..run])?;
    Some((run, tag))
}

/// The bare URL at the start of `rest`: its length and checked target. Trailing punctuation
/// that ends the sentence (`.`, `,`, an unbalanced `)`) is not part of it.
fn url(rest: &str) -> Option<(usize, Target)> {
    let has_prefix = |p: &str| {
        rest.as_bytes()
            .get(..p.len())
            .is_some_and(|b| b.eq_ignore_ascii_case(p.as_bytes()))
    };
    let (host_start, www) = if has_prefix("https://") {
        (8, false)
    } else if has_prefix("http://") {
        (7, false)
    } else if has_prefix("www.") {
        (4, true)
    } else {
        return None;
    };
    // Only a URL's worth of text is looked at: scanning the whole run from every `http`
    // in it would take time quadratic in the length of a text without spaces.
    let mut window = rest.len().min(MAX_URL_BYTES + 1);
    while !rest.is_char_boundary(window) {
        window -= 1;
    }
    let stop = |c: char| c.is_whitespace() || c.is_control() || matches!(c, '<' | '>' | '"' | '`');
    let end = match rest[..window].find(stop) {
        Some(end) => end,
        None if window == rest.len() => rest.len(),
        None => return None,
    };
    if end > MAX_URL_BYTES {
        return None;
    }
    let end = trim_trailing_punctuation(&rest[..end], host_start);
    let candidate = &rest[..end];
    let host_end = candidate[host_start..]
        .find(['/', '?', '#'])
        .map_or(end, |i| host_start + i);
    let host = &candidate[host_start..host_end];
    if !host.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    if www && !host.trim_end_matches('.').contains('.') {
        return None;
    }
    let target = if www {
        links::absolute(&format!("https://{candidate}"))?
    } else {
        links::absolute(candidate)?
    };
    Some((end, target))
}

/// The length of `candidate` without the punctuation that ends a sentence around a URL; never
/// shorter than `min`.
fn trim_trailing_punctuation(candidate: &str, min: usize) -> usize {
    let mut opened = candidate.matches('(').count();
    let mut closed = candidate.matches(')').count();
    let mut end = candidate.len();
    while end > min {
        let Some(last) = candidate[..end].chars().next_back() else {
            break;
        };
        let trailing = match last {
            '.' | ',' | ':' | ';' | '!' | '?' | '\'' | '*' | '_' | '~' | '’' | '”' | '»' => {
                true
            }
            ')' if closed > opened => {
                closed -= 1;
                true
            }
            '(' => {
                opened = opened.saturating_sub(1);
                true
            }
            _ => false,
        };
        if !trailing {
            break;
        }
        end -= last.len_utf8();
    }
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(&str, Kind)> {
        find(text, None)
            .into_iter()
            .map(|f| (&text[f.start..f.end], f.kind))
            .collect()
    }

    #[test]
    fn mentions_start_at_a_word_boundary() {
        assert_eq!(
            kinds("@Ann, (@bob-lee) and @cat."),
            vec![
                ("@Ann", Kind::Mention("ann".into())),
                ("@bob-lee", Kind::Mention("bob-lee".into())),
                ("@cat", Kind::Mention("cat".into())),
            ]
        );
        for none in [
            "ann@example.com",
            "@example.com",
            "@ann_smith",
            "@josé",
            "@ab",
            "@admin",
            "@1ann",
            "x/@ann",
            "@@ann",
        ] {
            assert_eq!(kinds(none), vec![], "{none}");
        }
        assert_eq!(kinds("@ann-"), vec![("@ann", Kind::Mention("ann".into()))]);
    }

    #[test]
    fn hashtags_start_at_a_word_boundary() {
        assert_eq!(
            kinds("#Rust, (#go) #été_2024!"),
            vec![
                ("#Rust", Kind::Hashtag("rust".into())),
                ("#go", Kind::Hashtag("go".into())),
                ("#été_2024", Kind::Hashtag("été_2024".into())),
            ]
        );
        for none in [
            "#1",
            "#2024",
            "a#b",
            "&#x27;",
            "example.com/#a",
            "##a",
            &format!("#{}", "a".repeat(51)),
        ] {
            assert_eq!(kinds(none), vec![], "{none}");
        }
    }

    #[test]
    fn urls_leave_sentence_punctuation_outside() {
        let web = |h: &str| Kind::Url(Target::Web(h.into()));
        assert_eq!(
            kinds("see https://example.com/path?q=1."),
            vec![(
                "https://example.com/path?q=1",
                web("https://example.com/path?q=1")
            )]
        );
        assert_eq!(
            kinds("(https://en.wikipedia.org/wiki/Rust_(language)), ok"),
            vec![(
                "https://en.wikipedia.org/wiki/Rust_(language)",
                web("https://en.wikipedia.org/wiki/Rust_(language)")
            )]
        );
        assert_eq!(
            kinds("WWW.Example.com/a, then"),
            vec![("WWW.Example.com/a", web("https://www.example.com/a"))]
        );
        assert_eq!(
            kinds("http://x.com/#a #b"),
            vec![
                ("http://x.com/#a", web("http://x.com/#a")),
                ("#b", Kind::Hashtag("b".into()))
            ]
        );
        for none in [
            "https://",
            "https://.",
            "www.example",
            "xhttps://example.com",
            "ftp://x.com",
        ] {
            assert_eq!(kinds(none), vec![], "{none}");
        }
    }
}
