//! Fuzz target: member text (the Markdown subset, mentions, hashtags, bare URLs) through
//! `guild_core::markup`. The HTML must pass the same safety check as the unit tests (and be
//! what ammonia leaves unchanged); what `refs` finds and what `plain_excerpt` cuts must keep
//! their promises.

use guild_core::markup::{fold_tag, plain_excerpt, refs, render_checked, Blocks};

/// A long post's worth of text.
const MAX_LEN: usize = 4096;

fn main() {
    afl::fuzz!(|data: &[u8]| {
        // Past a long post the cost of a run grows and the paths stay the same (the unit
        // tests time the long texts).
        if data.len() > MAX_LEN {
            return;
        }
        let Ok(text) = std::str::from_utf8(data) else {
            return;
        };
        // Some handles are members, some are not: both paths of a mention are rendered.
        let members = |handle: &str| handle.len().is_multiple_of(2);
        // The writer's own HTML is checked, and must be what ammonia leaves it: the page's, as
        // a post and as an article (whose headings stay headings).
        for blocks in [Blocks::Post, Blocks::Article] {
            render_checked(text, blocks, &members).unwrap_or_else(|e| panic!("{e}"));
        }

        let found = refs(text);
        for (i, m) in found.mentions.iter().enumerate() {
            assert_eq!(m, &m.to_lowercase());
            assert!(!found.mentions[..i].contains(m), "{m} twice");
        }
        for (i, t) in found.hashtags.iter().enumerate() {
            assert_eq!(fold_tag(t).as_ref(), Some(t), "hashtag {t:?} is not folded");
            assert!(!found.hashtags[..i].contains(t), "{t} twice");
        }

        let max = data.first().map_or(0, |&b| usize::from(b) % 64);
        assert!(plain_excerpt(text, max).chars().count() <= max);
    });
}
