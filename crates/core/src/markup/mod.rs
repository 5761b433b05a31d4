//! Member text — posts, comments, articles — turned into safe HTML, into plain excerpts, and
//! into the list of members and hashtags it refers to.
//!
//! It lives in `core` because what member text may become is a rule, not a template detail:
//! the pages, the JSON API and the emails all show the same text, and a hole here is a stored
//! XSS on every page that shows it. One pipeline serves them all:
//!
//! 1. normalise: line endings become `\n`, control characters are dropped;
//! 2. parse with pulldown-cmark (plain CommonMark: no tables, footnotes or other extensions) and
//!    write our own HTML from its events (`render.rs`): only Guild's subset comes out — paragraphs,
//!    line breaks (a single newline is one; members write like that), bold, italic, code spans
//!    and blocks, lists, block quotes and links. Raw HTML is shown as text, headings become bold
//!    paragraphs (an article's become `<h2>` and `<h3>`), images become links. Every link target is checked (`links.rs`): `http`,
//!    `https`, `mailto` and our own `/in/…` and `/hashtags/…` paths, nothing else. In ordinary
//!    text (not code, not link text) `@mentions`, `#hashtags` and bare URLs become links
//!    (`scan.rs`);
//! 3. clean the result with ammonia under an explicit allow-list (`links.rs`): the safety
//!    net that holds even if step 2 gets something wrong.
//!
//! [`refs`] walks the same events as [`render`], so what core resolves and notifies is exactly
//! what the page links.

mod corpus;
mod links;
mod render;
mod safety;
mod scan;
#[cfg(test)]
mod tests;

pub use corpus::XSS_CORPUS;
pub use render::Blocks;
pub use safety::render_checked;

/// The most characters a hashtag may have.
pub const MAX_TAG_CHARS: usize = 50;

/// What the text refers to, found before rendering so core can resolve it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Refs {
    /// Lower-cased handles after `@`, unique, in order of first appearance. Only syntax is
    /// checked (a well-formed, unreserved handle); whether the member exists is core's question.
    pub mentions: Vec<String>,
    /// Folded tags after `#` (see [`fold_tag`]), unique, in order of first appearance.
    pub hashtags: Vec<String>,
}

/// The mentions and hashtags in member text, as [`render`] sees them: not in code, not in
/// link text, not inside URLs or email addresses.
pub fn refs(text: &str) -> Refs {
    render::render(text, Blocks::Post, &|_| Some(String::new())).refs
}

/// Renders member text (posts, comments, articles) to safe HTML.
///
/// `mention_ok(handle)` says whether `@handle` names a member the text may link to; only those
/// become `<a href="/in/{handle}" class="mention">@handle</a>`; others stay plain text. Posts
/// and comments use [`render_named`], which shows names.
/// Hashtags become `<a href="/hashtags/{tag}" class="hashtag">#Tag</a>`: the address uses the
/// folded tag (percent-encoded if not ASCII), the text keeps the author's spelling.
pub fn render(text: &str, mention_ok: &dyn Fn(&str) -> bool) -> String {
    links::clean(&render::render(text, Blocks::Post, &handle_label(mention_ok)).html)
}

/// Renders member text as [`render`] does, but a mention's link shows the member's name:
/// `name_of(handle)` is the name of a member the text may link to (`None`: plain text).
/// `<a href="/in/linh" class="mention">Linh Reyes</a>`; the text keeps `@linh`.
/// `blocks` says whether headings stay headings (an article's) or become bold paragraphs.
pub fn render_named(
    text: &str,
    blocks: Blocks,
    name_of: &dyn Fn(&str) -> Option<String>,
) -> String {
    links::clean(&render::render(text, blocks, name_of).html)
}

/// The label `@handle` for the mentions `mention_ok` allows.
fn handle_label(mention_ok: &dyn Fn(&str) -> bool) -> impl Fn(&str) -> Option<String> + '_ {
    move |h: &str| mention_ok(h).then(|| format!("@{h}"))
}

/// Plain text of member text with markup stripped, for notifications, emails and previews,
/// cut to at most `max_chars` characters at a word boundary with "…".
///
/// Whitespace is collapsed to single spaces. The result is text, not HTML: whoever shows it
/// escapes it.
pub fn plain_excerpt(text: &str, max_chars: usize) -> String {
    cut(&render::plain_text(text), max_chars)
}

/// Folds a hashtag for lookup: lower-case, Unicode letters, digits and underscore only, 1–50
/// characters, at least one letter (so `#1` is not a tag); `None` if it is not a valid tag.
/// One leading `#` and surrounding whitespace are ignored.
pub fn fold_tag(raw: &str) -> Option<String> {
    let raw = raw.trim();
    let raw = raw.strip_prefix('#').unwrap_or(raw);
    if raw.is_empty()
        || raw.chars().count() > MAX_TAG_CHARS
        || !raw.chars().all(is_tag_char)
        || !raw.chars().any(char::is_alphabetic)
    {
        return None;
    }
    // Lower-casing can add combining marks ('İ' → "i\u{307}"); they are not tag characters.
    let folded: String = raw
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|&c| is_tag_char(c))
        .collect();
    (!folded.is_empty() && folded.chars().count() <= MAX_TAG_CHARS).then_some(folded)
}

fn is_tag_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Line endings to `\n`; other control characters (NUL, `\x01`, form feed, C1…) dropped, so
/// nothing downstream has to think about them and they cannot hide a URL scheme.
fn normalise(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    text.chars()
        .filter_map(|c| match c {
            '\r' => Some('\n'),
            '\n' | '\t' => Some(c),
            c if c.is_control() => None,
            c => Some(c),
        })
        .collect()
}

/// `text` (already whitespace-collapsed) cut to at most `max_chars` characters, "…" included.
fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    if max_chars == 0 {
        return String::new();
    }
    // Room for the ellipsis; `head` is the first `max_chars - 1` characters.
    let keep = max_chars - 1;
    let (head_end, next) = text.char_indices().nth(keep).unwrap_or((text.len(), ' '));
    let head = &text[..head_end];
    let head = if next.is_whitespace() {
        head
    } else {
        match head.rfind(char::is_whitespace) {
            Some(space) if space > 0 => &head[..space],
            _ => head, // one long word: cut inside it
        }
    };
    let head = head.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, ',' | ';' | ':' | '-' | '–' | '—' | '(' | '[')
    });
    format!("{head}…")
}
