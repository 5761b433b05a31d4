//! Where a link in member text may point, how an `<a>` is written, and the ammonia policy that
//! enforces all of it once more on the finished HTML.
//!
//! A target is allowed if it parses (with the same `url` crate ammonia uses) to `http`/`https`
//! with a host, or to `mailto`, or if it is one of our own member or hashtag paths. Checking the
//! *parsed* scheme is what defeats `JaVaScRiPt:`, `java&#09;script:` and friends: the parser
//! strips tabs and newlines and lower-cases the scheme exactly as a browser does.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use ammonia::{Builder, Url, UrlRelative};
use pulldown_cmark::LinkType;

use crate::domain::Handle;

/// `rel` of every link that leaves Guild: no ranking credit for member-posted links, no
/// `window.opener` for the page they open, and marked as user-generated content.
pub(super) const EXTERNAL_REL: &str = "nofollow noopener ugc";

/// A checked link target; the string is the exact `href`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Target {
    /// One of our pages: `/in/{handle}` or `/hashtags/{tag}`.
    Ours(String),
    /// An `http`/`https` address elsewhere: opens in a new tab, `rel` as [`EXTERNAL_REL`].
    Web(String),
    /// A `mailto:` address: [`EXTERNAL_REL`], same tab.
    Mail(String),
}

impl Target {
    fn href(&self) -> &str {
        match self {
            Target::Ours(h) | Target::Web(h) | Target::Mail(h) => h,
        }
    }
}

/// The target of a Markdown link or image, or `None` if it may not be linked (it is then
/// shown as text).
pub(super) fn markdown_target(link_type: LinkType, dest: &str) -> Option<Target> {
    let dest = dest.trim();
    if dest.chars().any(char::is_control) {
        return None;
    }
    if link_type == LinkType::Email {
        return absolute(&format!("mailto:{dest}"));
    }
    if let Some(handle) = dest.strip_prefix("/in/") {
        if !handle
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return None;
        }
        return Handle::parse(handle)
            .ok()
            .map(|h| Target::Ours(format!("/in/{h}")));
    }
    if let Some(tag) = dest.strip_prefix("/hashtags/") {
        if !tag.chars().all(super::is_tag_char) {
            return None;
        }
        return super::fold_tag(tag).map(|t| hashtag_target(&t));
    }
    if dest
        .get(..4)
        .is_some_and(|p| p.eq_ignore_ascii_case("www."))
    {
        return absolute(&format!("https://{dest}"));
    }
    absolute(dest)
}

/// An absolute `http`, `https` or `mailto` address, normalised; `None` for anything else.
pub(super) fn absolute(raw: &str) -> Option<Target> {
    let url = Url::parse(&encode_url(raw)).ok()?;
    let href = url.as_str().to_owned();
    match url.scheme() {
        "http" | "https" if url.host().is_some() => Some(Target::Web(href)),
        "mailto" => Some(Target::Mail(href)),
        _ => None,
    }
}

/// The link of a member's page; `handle` is a parsed handle.
pub(super) fn member_target(handle: &str) -> Target {
    Target::Ours(format!("/in/{handle}"))
}

/// The link of a hashtag's page; `tag` is folded (see [`super::fold_tag`]).
pub(super) fn hashtag_target(tag: &str) -> Target {
    Target::Ours(format!("/hashtags/{}", encode_url(tag)))
}

/// Whether a relative `href` is one of ours. Ammonia asks this of every relative URL, so a
/// path we did not mean to write (`//evil.example`, `/settings/delete`) cannot survive.
fn is_ours(href: &str) -> bool {
    if let Some(handle) = href.strip_prefix("/in/") {
        return Handle::parse(handle).is_ok_and(|h| h.as_str() == handle);
    }
    if let Some(tag) = href.strip_prefix("/hashtags/") {
        return !tag.is_empty()
            && tag
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'%');
    }
    false
}

/// Writes `<a href="…" …>` for `target`, with `class` for mentions and hashtags.
pub(super) fn write_open(out: &mut String, target: &Target, class: Option<&str>) {
    out.push_str("<a href=\"");
    push_attr(out, target.href());
    out.push('"');
    if let Some(class) = class {
        out.push_str(" class=\"");
        out.push_str(class);
        out.push('"');
    }
    match target {
        Target::Ours(_) => {}
        Target::Web(_) => {
            out.push_str(" rel=\"");
            out.push_str(EXTERNAL_REL);
            out.push_str("\" target=\"_blank\"");
        }
        Target::Mail(_) => {
            out.push_str(" rel=\"");
            out.push_str(EXTERNAL_REL);
            out.push('"');
        }
    }
    out.push('>');
}

/// Appends `text` escaped as HTML text, exactly as html5ever serialises it (so ammonia's
/// pass over our output changes nothing). Control characters an entity smuggled back in
/// (`&#13;`, `&#1;`) are dropped, as [`super::normalise`] drops typed ones.
pub(super) fn push_text(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// Appends `value` escaped for a double-quoted attribute, as html5ever serialises it.
fn push_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\u{a0}' => out.push_str("&nbsp;"),
            c => out.push(c),
        }
    }
}

/// Percent-encodes every byte that is not plainly part of a URL (space, quotes, angle
/// brackets, backslash, non-ASCII…), so no `href` can carry them. `%` is kept, so an
/// already-encoded address stays as it was.
fn encode_url(raw: &str) -> String {
    const KEEP: &[u8] = b"-._~:/?#[]@!$&()*+,;=%";
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        if b.is_ascii_alphanumeric() || KEEP.contains(&b) {
            out.push(char::from(b));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 0xF)]));
        }
    }
    out
}

/// Runs `html` through the allow-list. Everything [`super::render`] returns has passed here.
pub(super) fn clean(html: &str) -> String {
    POLICY.clean(html).to_string()
}

static POLICY: LazyLock<Builder<'static>> = LazyLock::new(policy);

/// The elements member text may become; the safety check (`safety.rs`) holds our writer to
/// the same list.
pub(super) const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    // Only articles' headings (`Blocks::Article`).
    "h2",
    "h3",
];

/// The allow-list, every setting explicit rather than trusting ammonia's defaults.
pub(super) fn policy() -> Builder<'static> {
    let mut b = Builder::empty();
    b.tags(ALLOWED_TAGS.iter().copied().collect())
        .clean_content_tags(HashSet::from([
            "script", "style", "template", "noscript", "iframe", "svg", "math", "textarea", "title",
        ]))
        .tag_attributes(HashMap::from([
            ("a", HashSet::from(["href", "rel", "target"])),
            ("ol", HashSet::from(["start"])),
        ]))
        .tag_attribute_values(HashMap::new())
        .set_tag_attribute_values(HashMap::new())
        .generic_attributes(HashSet::new())
        .generic_attribute_prefixes(HashSet::new())
        .allowed_classes(HashMap::from([(
            "a",
            HashSet::from(["mention", "hashtag"]),
        )]))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .url_relative(UrlRelative::Custom(Box::new(relative_url)))
        .link_rel(None)
        .strip_comments(true)
        .id_prefix(None)
        .attribute_filter(filter_attribute);
    b
}

fn relative_url(href: &str) -> Option<Cow<'_, str>> {
    is_ours(href).then_some(Cow::Borrowed(href))
}

/// Attributes keep only the values we write.
fn filter_attribute<'v>(element: &str, attribute: &str, value: &'v str) -> Option<Cow<'v, str>> {
    let ok = match (element, attribute) {
        ("a", "target") => value == "_blank",
        ("a", "rel") => value == EXTERNAL_REL,
        ("ol", "start") => {
            (1..=9).contains(&value.len()) && value.bytes().all(|b| b.is_ascii_digit())
        }
        _ => true,
    };
    ok.then_some(Cow::Borrowed(value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_and_mail_schemes_are_targets() {
        assert_eq!(
            absolute("https://example.com/a?b=1"),
            Some(Target::Web("https://example.com/a?b=1".into()))
        );
        assert_eq!(
            absolute("mailto:ann@example.com"),
            Some(Target::Mail("mailto:ann@example.com".into()))
        );
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "java\tscript:alert(1)",
            " javascript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "file:///etc/passwd",
            "https://",
            "//evil.example/x",
            "/settings",
        ] {
            assert_eq!(absolute(bad), None, "{bad}");
        }
    }

    #[test]
    fn hrefs_never_carry_quotes_or_brackets() {
        let Some(t) = absolute("https://example.com/\"><script>'") else {
            panic!("a web address")
        };
        assert!(!t.href().contains(['"', '<', '>', '\'']), "{t:?}");
    }

    #[test]
    fn only_our_member_and_hashtag_paths_are_relative_targets() {
        for ok in [
            "/in/ann",
            "/in/ann-smith",
            "/hashtags/rust",
            "/hashtags/caf%C3%A9",
        ] {
            assert!(is_ours(ok), "{ok}");
        }
        for bad in [
            "/in/Ann",
            "/in/admin",
            "/in/../settings",
            "//evil.example",
            "/hashtags/",
            "/hashtags/a/b",
            "foo",
            "/settings",
        ] {
            assert!(!is_ours(bad), "{bad}");
        }
        assert_eq!(
            markdown_target(LinkType::Inline, "/in/Ann"),
            Some(Target::Ours("/in/ann".into()))
        );
        assert_eq!(
            markdown_target(LinkType::Inline, "/hashtags/Rust"),
            Some(Target::Ours("/hashtags/rust".into()))
        );
        assert_eq!(markdown_target(LinkType::Inline, "/in/../settings"), None);
    }

    #[test]
    fn the_policy_strips_what_we_never_write() {
        let dirty = concat!(
            r#"<a href="javascript:alert(1)" onclick="x" style="x" class="mention evil" rel="opener" target="_top">a</a>"#,
            r#"<a href="/settings/delete">b</a><ol start="1; x"><li>c</li></ol><img src=x onerror=alert(1)>"#,
        );
        assert_eq!(
            clean(dirty),
            r#"<a class="mention">a</a><a>b</a><ol><li>c</li></ol>"#
        );
    }
}
