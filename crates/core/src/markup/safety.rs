//! What safe HTML from member text is, as one check: only Guild's elements and attributes, no
//! handler, no style, links only to web, mail or our own pages, and nothing ammonia would still
//! change. The unit tests hold every rendering to it, and so does the fuzz target
//! (`fuzz/src/bin/markup.rs`), which is why [`render_checked`] is public.

use super::links::{self, ALLOWED_TAGS};
use super::render;

/// Renders `text` (as a post's or an article's blocks) and checks our writer's own HTML:
/// ammonia must have nothing to catch, so what [`render`](super::render) returns is that same
/// HTML, which this returns; or what is wrong with it.
pub fn render_checked(
    text: &str,
    blocks: render::Blocks,
    mention_ok: &dyn Fn(&str) -> bool,
) -> Result<String, String> {
    let ours = render::render(text, blocks, &super::handle_label(mention_ok)).html;
    match violation(&ours) {
        Some(why) => Err(format!("{why} in {ours:?}")),
        None => Ok(ours),
    }
}

/// What is unsafe in `out`, checked tag by tag; `None` when nothing is.
pub(super) fn violation(out: &str) -> Option<String> {
    if out.to_ascii_lowercase().contains("<script") {
        return Some("<script".into());
    }
    // Text escapes `<`, and our attribute values never hold `<` or `>`, so each `<…>` is a tag.
    let mut rest = out;
    while let Some(open) = rest.find('<') {
        let Some(len) = rest[open..].find('>') else {
            return Some("an unclosed tag".into());
        };
        let tag = &rest[open + 1..open + len];
        rest = &rest[open + len + 1..];
        let tag = tag.strip_prefix('/').unwrap_or(tag);
        let (name, attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        if !ALLOWED_TAGS.contains(&name) {
            return Some(format!("<{name}>"));
        }
        if let Some(why) = attribute_violation(name, attrs) {
            return Some(why);
        }
    }
    (links::clean(out) != out).then(|| "not a fixed point of ammonia".into())
}

fn attribute_violation(name: &str, mut attrs: &str) -> Option<String> {
    while !attrs.is_empty() {
        let Some((attr, after)) = attrs.split_once("=\"") else {
            return Some(format!("an attribute without a quoted value on <{name}>"));
        };
        let Some((value, after)) = after.split_once('"') else {
            return Some(format!("an unterminated attribute on <{name}>"));
        };
        attrs = after.trim_start();
        let allowed = match name {
            "a" => ["href", "class", "rel", "target"].contains(&attr),
            "ol" => attr == "start",
            _ => false,
        };
        if !allowed {
            return Some(format!("{attr}= on <{name}>"));
        }
        let v = value.to_ascii_lowercase();
        if attr == "href"
            && !["https://", "http://", "mailto:", "/in/", "/hashtags/"]
                .iter()
                .any(|p| v.starts_with(p))
        {
            return Some(format!("href {value:?}"));
        }
    }
    None
}
