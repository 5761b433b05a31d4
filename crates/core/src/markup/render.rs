//! From Markdown events to HTML in Guild's subset, collecting [`Refs`] on the way; and the
//! plain-text walk behind `plain_excerpt`.
//!
//! We write the HTML ourselves instead of using pulldown-cmark's writer because almost every
//! event needs a decision: raw HTML becomes visible text, headings bold paragraphs (in
//! articles, `<h2>` and `<h3>`), images
//! links, links are checked, and ordinary text is scanned for mentions, hashtags and URLs.
//! The output is well nested (one close per open, `<a>` never inside `<a>`), so ammonia's
//! re-parse keeps its shape.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, TextMergeStream};

use super::links::{self, push_text, Target};
use super::scan::{self, Kind};
use super::Refs;

/// Elements nested deeper than this are left out (their text stays), so hostile input like
/// ten thousand `>` cannot build a tree deep enough to hurt anything downstream.
const MAX_DEPTH: usize = 32;
const LINE_BREAK: &str = "<br>\n";

pub(super) struct Rendered {
    /// Our HTML, before ammonia.
    pub html: String,
    pub refs: Refs,
}

/// What a text is, for the blocks it may have: an article's headings are headings (`##` and
/// `#` an `<h2>`, deeper ones an `<h3>`: the page's title is the `<h1>`); a post's or a
/// comment's are bold paragraphs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blocks {
    Post,
    Article,
}

/// `mention_label(handle)` is the text of the link to a mentioned member, or `None` when the
/// mention may not be linked (it then stays plain text).
pub(super) fn render(
    text: &str,
    blocks: Blocks,
    mention_label: &dyn Fn(&str) -> Option<String>,
) -> Rendered {
    let text = super::normalise(text);
    let mut writer = Writer {
        out: String::with_capacity(text.len() + text.len() / 4),
        refs: Refs::default(),
        seen_mentions: HashSet::new(),
        seen_hashtags: HashSet::new(),
        mention_label,
        blocks,
        open: Vec::new(),
        depth: 0,
        anchors: 0,
        images: 0,
        in_code_block: false,
        prev: None,
    };
    for event in TextMergeStream::new(Parser::new_ext(&text, Options::empty())) {
        writer.event(event);
    }
    let mut html = writer.out;
    while html.ends_with('\n') {
        html.pop();
    }
    Rendered {
        html,
        refs: writer.refs,
    }
}

/// What an `End` event closes.
enum Open {
    /// An element; its closing tags, empty if it was left out.
    Element(&'static str),
    CodeBlock(&'static str),
    HtmlBlock(&'static str),
    /// A link or image: whether `<a …>` was written, where its content starts, and what to
    /// show if it has none.
    Anchor {
        written: bool,
        image: bool,
        start: usize,
        fallback: String,
    },
}

struct Writer<'m> {
    out: String,
    refs: Refs,
    seen_mentions: HashSet<String>,
    seen_hashtags: HashSet<String>,
    mention_label: &'m dyn Fn(&str) -> Option<String>,
    blocks: Blocks,
    open: Vec<Open>,
    /// Elements written and still open.
    depth: usize,
    /// Links and images open (written or not): their text is not scanned, and no `<a>` may
    /// start inside them.
    anchors: usize,
    /// Images open: their content is alt text, written as plain text.
    images: usize,
    in_code_block: bool,
    /// The last character of text written, for word boundaries across events.
    prev: Option<char>,
}

impl Writer<'_> {
    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(_) => self.end(),
            Event::Text(text) => self.text(&text),
            Event::Code(code) => self.code(&code),
            Event::Html(html) | Event::InlineHtml(html) => self.raw_html(&html),
            // Math and footnotes are not enabled; if they ever appear they are text.
            Event::InlineMath(text) | Event::DisplayMath(text) | Event::FootnoteReference(text) => {
                self.text(&text)
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
            Event::SoftBreak | Event::HardBreak => self.line_break(),
            Event::Rule => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.block("<p>", "</p>\n"),
            Tag::Heading { level, .. } if self.blocks == Blocks::Article => {
                if level <= pulldown_cmark::HeadingLevel::H2 {
                    self.block("<h2>", "</h2>\n")
                } else {
                    self.block("<h3>", "</h3>\n")
                }
            }
            Tag::Heading { .. } => self.block("<p><strong>", "</strong></p>\n"),
            Tag::BlockQuote(_) => self.block("<blockquote>\n", "</blockquote>\n"),
            Tag::List(Some(start)) if start != 1 => {
                self.block(&format!("<ol start=\"{start}\">\n"), "</ol>\n")
            }
            Tag::List(Some(_)) => self.block("<ol>\n", "</ol>\n"),
            Tag::List(None) => self.block("<ul>\n", "</ul>\n"),
            Tag::Item => self.block("<li>", "</li>\n"),
            Tag::CodeBlock(_) => {
                self.prev = None;
                let close = self.element("<pre><code>", "</code></pre>\n");
                self.in_code_block = true;
                self.open.push(Open::CodeBlock(close));
            }
            Tag::HtmlBlock => {
                self.prev = None;
                let close = self.element("<p>", "</p>\n");
                self.open.push(Open::HtmlBlock(close));
            }
            Tag::Emphasis => self.inline("<em>", "</em>"),
            Tag::Strong => self.inline("<strong>", "</strong>"),
            Tag::Link {
                link_type,
                dest_url,
                ..
            } => self.anchor(
                links::markdown_target(link_type, &dest_url),
                false,
                &dest_url,
            ),
            Tag::Image {
                link_type,
                dest_url,
                ..
            } => self.anchor(
                links::markdown_target(link_type, &dest_url),
                true,
                &dest_url,
            ),
            // Tables, footnotes, definition lists, strikethrough…: not enabled; if they ever
            // appear, their content is kept without the element.
            _ => self.open.push(Open::Element("")),
        }
    }

    fn end(&mut self) {
        match self.open.pop() {
            Some(Open::Element(close)) => self.close(close),
            Some(Open::CodeBlock(close)) => {
                self.in_code_block = false;
                self.close(close);
            }
            Some(Open::HtmlBlock(close)) => {
                if self.out.ends_with(LINE_BREAK) {
                    self.out.truncate(self.out.len() - LINE_BREAK.len());
                }
                self.close(close);
            }
            Some(Open::Anchor {
                written,
                image,
                start,
                fallback,
            }) => {
                self.anchors -= 1;
                if image {
                    self.images -= 1;
                }
                if self.out.len() == start {
                    push_text(&mut self.out, &fallback);
                }
                if written {
                    self.out.push_str("</a>");
                }
            }
            None => {}
        }
    }

    /// Opens an element unless it is too deep or inside an image; returns what closes it.
    fn element(&mut self, open: &str, close: &'static str) -> &'static str {
        if self.images > 0 || self.depth >= MAX_DEPTH {
            return "";
        }
        self.out.push_str(open);
        self.depth += 1;
        close
    }

    fn close(&mut self, close: &'static str) {
        if !close.is_empty() {
            self.out.push_str(close);
            self.depth -= 1;
        }
    }

    fn block(&mut self, open: &str, close: &'static str) {
        self.prev = None;
        let close = self.element(open, close);
        self.open.push(Open::Element(close));
    }

    fn inline(&mut self, open: &str, close: &'static str) {
        let close = self.element(open, close);
        self.open.push(Open::Element(close));
    }

    /// A link or image. It becomes `<a>` only if its target is allowed and it is not inside
    /// another; otherwise its content shows as text.
    fn anchor(&mut self, target: Option<Target>, image: bool, dest: &str) {
        let target = target.filter(|_| self.anchors == 0);
        if let Some(target) = &target {
            links::write_open(&mut self.out, target, None);
        }
        self.anchors += 1;
        if image {
            self.images += 1;
        }
        self.open.push(Open::Anchor {
            written: target.is_some(),
            image,
            start: self.out.len(),
            fallback: dest.to_owned(),
        });
    }

    fn text(&mut self, text: &str) {
        if self.in_code_block || self.anchors > 0 {
            push_text(&mut self.out, text);
        } else {
            self.scanned(text);
        }
        if let Some(last) = text.chars().next_back() {
            self.prev = Some(last);
        }
    }

    fn code(&mut self, code: &str) {
        if self.images > 0 {
            push_text(&mut self.out, code);
        } else {
            self.out.push_str("<code>");
            push_text(&mut self.out, code);
            self.out.push_str("</code>");
        }
        if let Some(last) = code.chars().next_back() {
            self.prev = Some(last);
        }
    }

    /// Raw HTML is shown as the author typed it, line breaks included; nothing in it is
    /// linked (`<a href="#top">` holds no hashtag).
    fn raw_html(&mut self, html: &str) {
        for (i, line) in html.split('\n').enumerate() {
            if i > 0 {
                self.line_break();
            }
            push_text(&mut self.out, line);
            if let Some(last) = line.chars().next_back() {
                self.prev = Some(last);
            }
        }
    }

    fn line_break(&mut self) {
        if self.images > 0 {
            self.out.push(' ');
        } else {
            self.out.push_str(LINE_BREAK);
        }
        self.prev = Some('\n');
    }

    /// Ordinary text: mentions, hashtags and bare URLs become links.
    fn scanned(&mut self, text: &str) {
        let mut plain = 0;
        for found in scan::find(text, self.prev) {
            push_text(&mut self.out, &text[plain..found.start]);
            let written = &text[found.start..found.end];
            match found.kind {
                Kind::Url(target) => self.link(&target, None, written),
                Kind::Mention(handle) => {
                    if let Some(label) = (self.mention_label)(&handle) {
                        self.link(&links::member_target(&handle), Some("mention"), &label);
                    } else {
                        push_text(&mut self.out, written);
                    }
                    if self.seen_mentions.insert(handle.clone()) {
                        self.refs.mentions.push(handle);
                    }
                }
                Kind::Hashtag(tag) => {
                    self.link(&links::hashtag_target(&tag), Some("hashtag"), written);
                    if self.seen_hashtags.insert(tag.clone()) {
                        self.refs.hashtags.push(tag);
                    }
                }
            }
            plain = found.end;
        }
        push_text(&mut self.out, &text[plain..]);
    }

    fn link(&mut self, target: &Target, class: Option<&str>, text: &str) {
        links::write_open(&mut self.out, target, class);
        push_text(&mut self.out, text);
        self.out.push_str("</a>");
    }
}

/// The text a reader sees, markup gone, whitespace collapsed to single spaces.
pub(super) fn plain_text(text: &str) -> String {
    let text = super::normalise(text);
    let mut out = String::with_capacity(text.len());
    // Start of each open link's or image's text, and its address in case it has none.
    let mut anchors: Vec<(usize, String)> = Vec::new();
    for event in Parser::new_ext(&text, Options::empty()) {
        match event {
            Event::Text(t)
            | Event::Code(t)
            | Event::Html(t)
            | Event::InlineHtml(t)
            | Event::InlineMath(t)
            | Event::DisplayMath(t)
            | Event::FootnoteReference(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak | Event::Rule | Event::TaskListMarker(_) => {
                out.push(' ')
            }
            Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
                anchors.push((out.len(), dest_url.into_string()));
            }
            Event::End(TagEnd::Link | TagEnd::Image) => {
                if let Some((start, dest)) = anchors.pop() {
                    if out.len() == start {
                        out.push_str(&dest);
                    }
                }
            }
            // Inline elements join words ("un**believ**able"); blocks separate them.
            Event::Start(
                Tag::Emphasis
                | Tag::Strong
                | Tag::Strikethrough
                | Tag::Superscript
                | Tag::Subscript,
            )
            | Event::End(
                TagEnd::Emphasis
                | TagEnd::Strong
                | TagEnd::Strikethrough
                | TagEnd::Superscript
                | TagEnd::Subscript,
            ) => {}
            Event::Start(_) | Event::End(_) => out.push(' '),
        }
    }
    let words: Vec<&str> = out.split_whitespace().collect();
    words.join(" ").replace(char::is_control, "")
}
