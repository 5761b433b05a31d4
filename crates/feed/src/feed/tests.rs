//! Pagination of "relevant" pages with and without the memo: recomputing as of the first
//! page's time gives the same positions, and the memo keeps them when counts and affinity
//! change between pages.

use super::*;
use crate::{Activity, Audience, Counts, ItemKind, NewItem};

const NOW: i64 = 1_700_000_000_000;
const MIN: i64 = 60_000;

/// Members 1..=30 post three items each over the last two days; viewer 0 follows all.
fn world() -> FeedIndex {
    let ix = FeedIndex::new();
    for a in 1..=30u32 {
        for k in 0..3i64 {
            let id = i64::from(a) * 10 + k;
            let item = NewItem {
                id,
                author: a,
                created_ms: NOW - (id * 37 % 2_880) * MIN,
                audience: Audience::Anyone,
                kind: ItemKind::Post,
                tags: Vec::new(),
            };
            let c = Counts {
                reactions: (id * 7 % 40) as u32,
                comments: (id % 5) as u32,
                reposts: 0,
                impressions: 100 + (id * 13 % 300) as u32,
            };
            ix.insert(item, c);
        }
    }
    ix
}

fn walk(ix: &FeedIndex, between: &dyn Fn(&FeedIndex, &[Ranked])) -> Vec<PostId> {
    let following: Vec<Member> = (1..=30).collect();
    let s = Sources {
        connections: &[],
        following: &following,
        hashtags: &[],
        hidden: &|_| false,
        degree: &|_| Some(2),
    };
    let (mut out, mut cursor) = (Vec::new(), Cursor::Start);
    loop {
        let q = FeedQuery {
            viewer: 0,
            now_ms: NOW + out.len() as i64 * MIN,
            sort: Sort::Relevant,
            cursor,
            limit: 7,
        };
        let page = ix.feed(&q, &s);
        between(ix, &page.items);
        out.extend(page.items.iter().map(|r| r.id));
        match page.next {
            Some(c) => cursor = c,
            None => return out,
        }
    }
}

#[test]
fn recomputed_pages_neither_repeat_nor_skip() {
    let whole = walk(&world(), &|_, _| {});
    assert!(whole.len() > 40, "{}", whole.len());
    // Without the memo, every page recomputes the order as of the first page: impressions
    // recorded after it (without counting) and new items do not move it.
    let ix = world();
    let n = std::cell::Cell::new(1_000);
    let forgetful = walk(&ix, &|ix, items| {
        ix.forget_pages();
        for r in items {
            ix.replay_impression(r.id, 0, NOW + 1);
        }
        n.set(n.get() + 1);
        let item = NewItem {
            id: n.get(),
            author: 1,
            created_ms: NOW + 1,
            audience: Audience::Anyone,
            kind: ItemKind::Post,
            tags: Vec::new(),
        };
        ix.insert(item, Counts::default());
    });
    assert_eq!(forgetful, whole);
}

#[test]
fn the_memo_keeps_pages_steady_when_engagement_changes() {
    let whole = walk(&world(), &|_, _| {});
    let ix = world();
    let busy = walk(&ix, &|ix, items| {
        // The viewer engages with what they read (affinity), others react to the rest.
        for r in items {
            ix.activity(r.id, 0, Activity::Commented, 1, NOW + 1);
            ix.impression(r.id, 0, NOW + 1);
        }
        for id in [11, 52, 150, 301] {
            for m in 100..130 {
                ix.activity(id, m, Activity::Reacted, 1, NOW + 1);
            }
        }
    });
    assert_eq!(busy, whole);
    // Without the memo the same changes reorder what is left: the memo is what holds it.
    let ix = world();
    let moved = walk(&ix, &|ix, items| {
        ix.forget_pages();
        for r in items {
            ix.activity(r.id, 0, Activity::Commented, 1, NOW + 1);
        }
        for id in [11, 52, 150, 301] {
            for m in 100..130 {
                ix.activity(id, m, Activity::Reacted, 1, NOW + 1);
            }
        }
    });
    assert_ne!(moved, whole);
}
