//! The index shared between threads: pages are served while items are published, removed and
//! engaged with, and an item removed before a page starts is never on it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};
use std::sync::Arc;

use guild_feed::*;

const NOW: i64 = 1_700_000_000_000;

fn assert_send_sync<T: Send + Sync>() {}

#[test]
fn readers_and_writers_share_the_index() {
    assert_send_sync::<FeedIndex>();
    let ix = Arc::new(FeedIndex::new());
    // Everything below this id has been removed (writer) before it is published here.
    let removed_below = Arc::new(AtomicI64::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let writer = {
        let (ix, removed_below, done) = (ix.clone(), removed_below.clone(), done.clone());
        std::thread::spawn(move || {
            for id in 0..4_000i64 {
                let item = NewItem {
                    id,
                    author: (id % 50) as Member,
                    created_ms: NOW - 1_000 + id,
                    audience: Audience::Anyone,
                    kind: ItemKind::Post,
                    tags: vec!["rust".into()],
                };
                ix.insert(item, Counts::default());
                ix.activity(id, ((id + 1) % 50) as Member, Activity::Reacted, 1, NOW);
                ix.impression(id, ((id + 2) % 50) as Member, NOW);
                if id % 4 == 3 {
                    for r in id - 3..=id {
                        ix.remove(r);
                    }
                    removed_below.store(id + 1, Ordering::SeqCst);
                }
            }
            done.store(true, Ordering::SeqCst);
        })
    };
    let readers: Vec<_> = (0..2u32)
        .map(|v| {
            let (ix, removed_below, done) = (ix.clone(), removed_below.clone(), done.clone());
            std::thread::spawn(move || {
                let connections: Vec<Member> = (0..50).filter(|&m| m != v).collect();
                let hashtags = vec!["rust".to_owned()];
                let mut served = 0;
                let mut round = 0;
                while !done.load(Ordering::SeqCst) {
                    round += 1;
                    let gone = removed_below.load(Ordering::SeqCst);
                    let s = Sources {
                        connections: &connections,
                        following: &[],
                        hashtags: &hashtags,
                        hidden: &|_| false,
                        degree: &|_| None,
                    };
                    let sort = if round % 2 == 0 {
                        Sort::Relevant
                    } else {
                        Sort::Recent
                    };
                    let q = FeedQuery {
                        viewer: v,
                        now_ms: NOW + 5_000,
                        sort,
                        cursor: Cursor::Start,
                        limit: 20,
                    };
                    for r in ix.feed(&q, &s).items {
                        assert!(r.id >= gone, "{} was removed before the page", r.id);
                        served += 1;
                    }
                    let tagged = ix.hashtag("rust", &connections, v, &|_| false, None, 20);
                    assert!(tagged.iter().all(|&id| id >= gone));
                }
                served
            })
        })
        .collect();
    writer.join().unwrap();
    let served: usize = readers.into_iter().map(|r| r.join().unwrap()).sum();
    assert!(served > 0, "pages were served while writing");
    assert_eq!(ix.len(), 0, "every item was removed in the end");
}
