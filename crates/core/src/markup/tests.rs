//! The public behaviour of `markup`: safety first, then mentions, hashtags, links, the
//! Markdown subset and excerpts.

use proptest::prelude::*;

use super::*;

fn members(handle: &str) -> bool {
    matches!(handle, "ann" | "bob-lee")
}

fn html(text: &str) -> String {
    render(text, &members)
}

/// Checks `out` (rendered from `input`) with the one safety check (`safety.rs`).
fn assert_safe(input: &str, out: &str) {
    if let Some(why) = safety::violation(out) {
        panic!("{why} in {out:?} from {input:?}");
    }
}

#[test]
fn the_xss_corpus_renders_safe() {
    assert!(XSS_CORPUS.len() >= 40);
    for input in XSS_CORPUS {
        assert_safe(input, &render(input, &|_| false));
        assert_safe(input, &render(input, &|_| true));
        // Our own writer, before ammonia, must already be clean: the net catches nothing.
        assert_safe(
            input,
            &render::render(input, Blocks::Post, &handle_label(&|_| true)).html,
        );
        assert_eq!(
            render_checked(input, Blocks::Post, &|_| true),
            Ok(render(input, &|_| true))
        );
        let as_article = render_named(input, Blocks::Article, &|_| Some("A name".into()));
        assert_safe(input, &as_article);
        assert_eq!(
            render_checked(input, Blocks::Article, &|_| true).map(|h| h.contains("<h2>")),
            Ok(as_article.contains("<h2>"))
        );
        let excerpt = plain_excerpt(input, 80);
        assert!(excerpt.chars().count() <= 80, "{input:?}");
    }
}

#[test]
fn the_checker_catches_unsafe_html() {
    // The checks above must be able to fail: feed them what a broken renderer would emit.
    for bad in [
        "<p onclick=\"x\">a</p>",
        "<a href=\"javascript:alert(1)\">a</a>",
        "<img src=\"x\">",
        "<p style=\"x\">a</p>",
    ] {
        let caught = std::panic::catch_unwind(|| assert_safe("test", bad)).is_err();
        assert!(caught, "{bad}");
    }
}

#[test]
fn raw_html_is_shown_as_text() {
    assert_eq!(
        html("<script>alert(1)</script>"),
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
    );
    assert_eq!(
        html("Hi <b>there</b> <img src=x onerror=alert(1)>"),
        "<p>Hi &lt;b&gt;there&lt;/b&gt; &lt;img src=x onerror=alert(1)&gt;</p>"
    );
}

#[test]
fn named_mentions_show_the_name_and_keep_the_rest() {
    let name_of = |h: &str| (h == "linh").then(|| "Linh <Reyes>".to_string());
    assert_eq!(
        super::render_named("Thanks @Linh and @nobody", Blocks::Post, &name_of),
        r#"<p>Thanks <a href="/in/linh" class="mention">Linh &lt;Reyes&gt;</a> and @nobody</p>"#
    );
}

#[test]
fn mentions_of_members_link_and_others_stay_text() {
    assert_eq!(
        html("@ann hi"),
        r#"<p><a href="/in/ann" class="mention">@ann</a> hi</p>"#
    );
    assert_eq!(
        html("@Ann hi"),
        r#"<p><a href="/in/ann" class="mention">@ann</a> hi</p>"#
    );
    assert_eq!(html("@nobody hi"), "<p>@nobody hi</p>");
    assert_eq!(html("mail ann@example.com"), "<p>mail ann@example.com</p>");
    assert_eq!(html("`@ann`"), "<p><code>@ann</code></p>");
    assert_eq!(html("```\n@ann\n```"), "<pre><code>@ann\n</code></pre>");
    assert_eq!(
        html("[@ann](https://example.com)"),
        r#"<p><a href="https://example.com/" rel="nofollow noopener ugc" target="_blank">@ann</a></p>"#
    );
}

#[test]
fn refs_are_unique_lower_cased_and_in_order() {
    let r =
        refs("@Bob-Lee and @ann, then @ANN again. #Go #rust #go `@code` ann@example.com @nobody");
    assert_eq!(r.mentions, ["bob-lee", "ann", "nobody"]);
    assert_eq!(r.hashtags, ["go", "rust"]);
    assert_eq!(
        refs("[#link @ann](https://example.com) http://x.com/#frag @admin"),
        Refs::default()
    );
}

#[test]
fn hashtags_link_with_the_authors_spelling() {
    assert_eq!(
        html("#Rust and #rust"),
        concat!(
            r#"<p><a href="/hashtags/rust" class="hashtag">#Rust</a> and "#,
            r#"<a href="/hashtags/rust" class="hashtag">#rust</a></p>"#
        )
    );
    assert_eq!(refs("#Rust and #rust").hashtags, ["rust"]);
    assert_eq!(
        html("#Été"),
        r#"<p><a href="/hashtags/%C3%A9t%C3%A9" class="hashtag">#Été</a></p>"#
    );
    assert_eq!(html("#1 priority"), "<p>#1 priority</p>");
    assert_eq!(
        refs("#1 #2024 it&#39;s a&#x62;c").hashtags,
        Vec::<String>::new()
    );
}

#[test]
fn url_fragments_are_not_hashtags() {
    assert_eq!(
        html("see http://x.com/#a"),
        r##"<p>see <a href="http://x.com/#a" rel="nofollow noopener ugc" target="_blank">http://x.com/#a</a></p>"##
    );
    assert_eq!(
        refs("x.com/#a example.com#b <a href=\"#c\">").hashtags,
        Vec::<String>::new()
    );
}

#[test]
fn fold_tag_rules() {
    assert_eq!(fold_tag("Rust").as_deref(), Some("rust"));
    assert_eq!(fold_tag(" #Rust_2024 ").as_deref(), Some("rust_2024"));
    assert_eq!(fold_tag("Ünïcödé").as_deref(), Some("ünïcödé"));
    assert_eq!(fold_tag("İstanbul").as_deref(), Some("istanbul"));
    assert_eq!(fold_tag(&"a".repeat(50)).map(|t| t.len()), Some(50));
    for bad in [
        "",
        "#",
        "1",
        "2024",
        "a b",
        "c++",
        "rust-lang",
        "a#b",
        &"a".repeat(51),
    ] {
        assert_eq!(fold_tag(bad), None, "{bad}");
    }
}

#[test]
fn bare_urls_link_without_trailing_punctuation() {
    assert_eq!(
        html("Read https://example.com/path?q=1."),
        r#"<p>Read <a href="https://example.com/path?q=1" rel="nofollow noopener ugc" target="_blank">https://example.com/path?q=1</a>.</p>"#
    );
    assert_eq!(
        html("(see www.example.com), ok"),
        r#"<p>(see <a href="https://www.example.com/" rel="nofollow noopener ugc" target="_blank">www.example.com</a>), ok</p>"#
    );
    assert_eq!(
        html("https://a.example/x&y=1"),
        r#"<p><a href="https://a.example/x&amp;y=1" rel="nofollow noopener ugc" target="_blank">https://a.example/x&amp;y=1</a></p>"#
    );
    assert_eq!(
        html("not xhttps://example.com"),
        "<p>not xhttps://example.com</p>"
    );
}

#[test]
fn markdown_links_are_checked() {
    assert_eq!(
        html("[site](https://example.com)"),
        r#"<p><a href="https://example.com/" rel="nofollow noopener ugc" target="_blank">site</a></p>"#
    );
    assert_eq!(
        html("[me](mailto:ann@example.com) <bob@example.com>"),
        concat!(
            r#"<p><a href="mailto:ann@example.com" rel="nofollow noopener ugc">me</a> "#,
            r#"<a href="mailto:bob@example.com" rel="nofollow noopener ugc">bob@example.com</a></p>"#
        )
    );
    assert_eq!(
        html("[Ann](/in/ann)"),
        r#"<p><a href="/in/ann">Ann</a></p>"#
    );
    assert_eq!(html("[click](javascript:alert(1))"), "<p>click</p>");
    assert_eq!(html("[click](JaVaScRiPt:alert(1))"), "<p>click</p>");
    assert_eq!(html("[click](java&#09;script:alert(1))"), "<p>click</p>");
    assert_eq!(html("<javascript:alert(1)>"), "<p>javascript:alert(1)</p>");
    assert_eq!(html("[x][1]\n\n[1]: javascript:alert(1)"), "<p>x</p>");
    assert_eq!(
        html("[](javascript:alert(1))"),
        "<p>javascript:alert(1)</p>"
    );
}

#[test]
fn the_markdown_subset() {
    assert_eq!(
        html("**bold** *it* `code`"),
        "<p><strong>bold</strong> <em>it</em> <code>code</code></p>"
    );
    assert_eq!(
        html("- a\n- b\n\n3. c\n4. d"),
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<ol start=\"3\">\n<li>c</li>\n<li>d</li>\n</ol>"
    );
    assert_eq!(
        html("> quoted"),
        "<blockquote>\n<p>quoted</p>\n</blockquote>"
    );
    assert_eq!(
        html("```rust\nfn main() {}\n```"),
        "<pre><code>fn main() {}\n</code></pre>"
    );
    assert_eq!(html("one\n\ntwo"), "<p>one</p>\n<p>two</p>");
}

#[test]
fn a_single_newline_is_a_line_break() {
    assert_eq!(html("line one\nline two"), "<p>line one<br>\nline two</p>");
    assert_eq!(html("a\r\nb"), "<p>a<br>\nb</p>");
    assert_eq!(html("a&#13;b\u{1}c"), "<p>abc</p>");
}

#[test]
fn headings_images_and_tables_are_not_in_the_subset() {
    assert_eq!(html("# Big news"), "<p><strong>Big news</strong></p>");
    assert_eq!(
        html("![a cat](https://example.com/cat.png)"),
        r#"<p><a href="https://example.com/cat.png" rel="nofollow noopener ugc" target="_blank">a cat</a></p>"#
    );
    assert_eq!(html("![a cat](javascript:alert(1))"), "<p>a cat</p>");
    assert_eq!(
        html("| a | b |\n|---|---|\n| 1 | 2 |"),
        "<p>| a | b |<br>\n|---|---|<br>\n| 1 | 2 |</p>"
    );
    // Without footnotes, `[^1]: note` defines a link to `note`, which is not a target we allow.
    assert_eq!(html("x[^1]\n\n[^1]: note"), "<p>x^1</p>");
}

#[test]
fn pathological_nesting_renders() {
    for input in [
        ">".repeat(20_000),
        "- ".repeat(10_000) + "x",
        "*".repeat(20_000) + "a" + &"*".repeat(20_000),
        "[".repeat(20_000) + "x" + &"](https://example.com)".repeat(2_000),
        "<a>".repeat(10_000),
        "https://(".repeat(5_000),
        "#a".repeat(10_000),
        "@ann ".repeat(10_000),
    ] {
        assert_safe(&input[..20], &html(&input));
        assert_safe(
            &input[..20],
            &render::render(&input, Blocks::Post, &handle_label(&members)).html,
        );
    }
}

#[test]
fn plain_excerpt_strips_markup() {
    assert_eq!(
        plain_excerpt(
            "# Hi\n\n**Bold** and *it* [a link](https://x.com) `code`\n- one\n- two",
            200
        ),
        "Hi Bold and it a link code one two"
    );
    assert_eq!(plain_excerpt("un**believ**able", 100), "unbelievable");
    assert_eq!(plain_excerpt("<b>raw</b> & more", 100), "<b>raw</b> & more");
}

#[test]
fn plain_excerpt_cuts_at_a_word_boundary() {
    assert_eq!(plain_excerpt("short text", 10), "short text");
    assert_eq!(plain_excerpt("The quick brown fox jumps", 12), "The quick…");
    assert_eq!(plain_excerpt("The quick brown fox jumps", 10), "The quick…");
    assert_eq!(plain_excerpt("The quick, brown fox", 12), "The quick…");
    assert_eq!(plain_excerpt("Supercalifragilistic", 6), "Super…");
    assert_eq!(plain_excerpt("Ünïcödé wörds everywhere", 9), "Ünïcödé…");
    assert_eq!(plain_excerpt("anything", 0), "");
    for max in 0..30 {
        assert!(
            plain_excerpt("The quick brown fox jumps over", max)
                .chars()
                .count()
                <= max
        );
    }
}

proptest! {
    // Failures are reported, not written into the source tree.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn render_is_safe_for_any_text(text in any::<String>()) {
        assert_safe(&text, &render(&text, &|_| true));
        assert_safe(&text, &render::render(&text, Blocks::Post, &handle_label(&|_| true)).html);
    }

    #[test]
    fn render_is_safe_for_markdownish_text(
        text in "([a-zA-Z0-9 ]|[@#:/<>\"'`!&;=.()\\[\\]*_~\\\\-]|\n|https://|www\\.|javascript:|<a href=|<script>|&#[0-9]{1,3};|@ann|#tag|\\]\\(|> |- |1\\. |```){0,60}",
    ) {
        let out = render(&text, &|h| h == "ann");
        assert_safe(&text, &out);
        assert_safe(&text, &render::render(&text, Blocks::Post, &handle_label(&|h| h == "ann")).html);
        prop_assert!(plain_excerpt(&text, 40).chars().count() <= 40);
    }

    #[test]
    fn render_is_safe_for_mixed_payloads(
        parts in proptest::collection::vec(
            (
                proptest::sample::select(XSS_CORPUS),
                proptest::sample::select(&["", " ", "\n", "\n\n", "**", "[", "](", "@ann ", "#tag", "> ", "- ", "`"][..]),
            ),
            1..5,
        ),
    ) {
        let text: String = parts.iter().flat_map(|(a, b)| [*a, *b]).collect();
        assert_safe(&text, &render(&text, &|_| true));
        assert_safe(&text, &render::render(&text, Blocks::Post, &handle_label(&|_| true)).html);
    }
}

#[test]
fn bare_urls_are_linked_up_to_their_length_limit_only() {
    let link = |len: usize| {
        let url = format!("https://example.com/{}", "a".repeat(len - 20));
        assert_eq!(url.len(), len);
        html(&format!("see {url} now"))
    };
    assert!(
        link(2048).contains("<a href="),
        "a URL of 2,048 bytes is linked"
    );
    assert!(!link(2049).contains("<a href="), "one byte longer is not");
    // A run without spaces far longer than a URL: nothing linked, and in linear time.
    let run = "https://x.y/".repeat(20_000);
    assert!(!html(&run).contains("<a href="));
    // The limit falls inside a multi-byte letter: no panic, no link.
    let wide = format!("https://example.com/{}", "é".repeat(1_100));
    assert!(!html(&wide).contains("<a href="));
}

#[test]
fn an_articles_headings_are_headings_and_a_posts_are_bold_paragraphs() {
    let text = "# Why\n\nIntro.\n\n## Start small\n\nText.\n\n### Details\n\n> A quote.";
    let article = render_named(text, Blocks::Article, &|_| None);
    assert_eq!(
        article,
        "<h2>Why</h2>\n<p>Intro.</p>\n<h2>Start small</h2>\n<p>Text.</p>\n<h3>Details</h3>\n<blockquote>\n<p>A quote.</p>\n</blockquote>"
    );
    let post = render_named(text, Blocks::Post, &|_| None);
    assert!(
        post.starts_with("<p><strong>Why</strong></p>") && !post.contains("<h2>"),
        "{post}"
    );
    // A heading is no way around the rest of the rules.
    let tricky = render_named(
        "## <script>x</script> [a](javascript:alert(1))",
        Blocks::Article,
        &|_| None,
    );
    assert!(
        tricky.starts_with("<h2>&lt;script&gt;") && !tricky.contains("javascript:"),
        "{tricky}"
    );
}
