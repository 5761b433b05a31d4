//! The ranking's promises, each on a small hand-made world: rate beats reach, seen items
//! sink, the author's audience size counts for nothing, one reason per item in the stated
//! order, counters and baselines follow activity, and the per-author cap.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use guild_feed::*;

const NOW: i64 = 1_700_000_000_000;
const HOUR: i64 = 3_600 * 1_000;

fn item(id: PostId, author: Member, created_ms: i64) -> NewItem {
    NewItem {
        id,
        author,
        created_ms,
        audience: Audience::Anyone,
        kind: ItemKind::Post,
        tags: Vec::new(),
    }
}

fn counts(reactions: u32, impressions: u32) -> Counts {
    Counts {
        reactions,
        impressions,
        ..Counts::default()
    }
}

/// The first page (`limit` items) of `viewer`, connected to `connections`.
fn page(ix: &FeedIndex, viewer: Member, connections: &[Member], limit: usize) -> FeedPage {
    let s = Sources {
        connections,
        following: &[],
        hashtags: &[],
        hidden: &|_| false,
        degree: &|_| None,
    };
    let q = FeedQuery {
        viewer,
        now_ms: NOW,
        sort: Sort::Relevant,
        cursor: Cursor::Start,
        limit,
    };
    ix.feed(&q, &s)
}

fn ids(p: &FeedPage) -> Vec<PostId> {
    p.items.iter().map(|r| r.id).collect()
}

#[test]
fn a_higher_rate_from_a_small_audience_beats_more_reactions_from_a_large_one() {
    let ix = FeedIndex::new();
    // Same age, both authors 1st-degree connections the viewer never interacted with.
    ix.insert(item(1, 10, NOW - HOUR), counts(40, 200)); // 20 % of 200
    ix.insert(item(2, 11, NOW - HOUR), counts(500, 10_000)); // 5 % of 10,000
    let p = page(&ix, 1, &[10, 11], 10);
    assert_eq!(ids(&p), vec![1, 2]);
    let (small, large) = (&p.items[0].factors, &p.items[1].factors);
    assert!(
        small.quality > 1.5 * large.quality,
        "{small:?} vs {large:?}"
    );
    assert_eq!(small.affinity, large.affinity);
    assert_eq!(small.freshness, large.freshness);
}

#[test]
fn the_authors_audience_size_has_no_influence() {
    // The index has no input for an author's connections or followers; what a big audience
    // changes is the absolute numbers. Author 10 (10 connections) and author 11 (10,000) post
    // items engaging 7.5 % of their readers: 30 of 400 and 3,000 of 40,000.
    let ix = FeedIndex::new();
    ix.insert(item(1, 10, NOW - HOUR), counts(30, 400));
    ix.insert(item(2, 11, NOW - HOUR), counts(3_000, 40_000));
    // Same statistics from a third author: exactly the same quality as the first.
    ix.insert(item(3, 12, NOW - HOUR), counts(30, 400));
    let p = page(&ix, 100, &[10, 11, 12], 10);
    let f = |id: PostId| p.items.iter().find(|r| r.id == id).unwrap().factors;
    assert_eq!(f(1).quality, f(3).quality);
    assert_eq!(f(1).score, f(3).score);
    let (small, large) = (f(1), f(2));
    assert!(
        (small.quality / large.quality - 1.0).abs() < 0.01,
        "{small:?} {large:?}"
    );
    assert!((small.score / large.score - 1.0).abs() < 0.01);
    assert_eq!(small.affinity, large.affinity);
}

#[test]
fn seen_items_sink_and_later_impressions_do_not_move_pages() {
    let ix = FeedIndex::new();
    for id in 1..=6 {
        ix.insert(item(id, 10 + id as u32, NOW - HOUR), counts(10, 100));
    }
    let conns: Vec<Member> = (11..=16).collect();
    // Item 6 would be first (newest key); the viewer saw it yesterday.
    ix.impression(6, 1, NOW - 24 * HOUR);
    let first = page(&ix, 1, &conns, 3);
    assert_eq!(ids(&first), vec![5, 4, 3]);
    // Reading the first page records impressions after as_of: page two is unchanged.
    for id in ids(&first) {
        ix.impression(id, 1, NOW + 1_000);
    }
    let s = Sources {
        connections: &conns,
        following: &[],
        hashtags: &[],
        hidden: &|_| false,
        degree: &|_| None,
    };
    let q = FeedQuery {
        viewer: 1,
        now_ms: NOW + 60_000,
        sort: Sort::Relevant,
        cursor: first.next.unwrap(),
        limit: 3,
    };
    let second = ix.feed(&q, &s);
    assert_eq!(ids(&second), vec![2, 1, 6]);
    let seen = &second.items[2].factors;
    assert!(seen.seen);
    assert!((seen.score / second.items[1].factors.score - SEEN_FACTOR).abs() < 0.05);
    assert_eq!(second.next, None);
    // A later first page counts the impressions of the first one: those items sink now.
    let q = FeedQuery {
        now_ms: NOW + 2 * HOUR,
        cursor: Cursor::Start,
        limit: 6,
        ..q
    };
    let again = ix.feed(&q, &s);
    assert_eq!(ids(&again), vec![2, 1, 6, 5, 4, 3]);
}

#[test]
fn one_reason_per_item_in_the_stated_order() {
    let ix = FeedIndex::new();
    let mut tagged = item(1, 50, NOW - HOUR);
    tagged.tags = vec!["rust".into()];
    ix.insert(tagged, counts(1, 10));
    ix.activity(1, 10, Activity::Reacted, 1, NOW - 3 * HOUR);
    ix.activity(1, 11, Activity::Reposted, 1, NOW - 2 * HOUR);
    ix.activity(1, 12, Activity::Commented, 1, NOW - 5 * HOUR);
    ix.activity(1, 13, Activity::Commented, 1, NOW - 4 * HOUR);
    let hashtags = vec!["rust".to_owned()];
    let reason = |connections: &[Member], following: &[Member], hidden: &dyn Fn(Member) -> bool| {
        let s = Sources {
            connections,
            following,
            hashtags: &hashtags,
            hidden,
            degree: &|_| Some(2),
        };
        let q = FeedQuery {
            viewer: 1,
            now_ms: NOW,
            sort: Sort::Recent,
            cursor: Cursor::Start,
            limit: 10,
        };
        ix.feed(&q, &s).items.first().map(|r| r.reason.clone())
    };
    let commented = |actor| {
        Some(Reason::Activity {
            actor,
            what: Activity::Commented,
        })
    };
    let all = [10, 11, 12, 13];
    assert_eq!(
        reason(&all, &[], &|_| false),
        commented(13),
        "the latest comment"
    );
    assert_eq!(reason(&all, &[50], &|_| false), Some(Reason::Following));
    assert_eq!(
        reason(&[10, 11, 12, 13, 50], &[], &|_| false),
        Some(Reason::Connection)
    );
    let reposted = Some(Reason::Activity {
        actor: 11,
        what: Activity::Reposted,
    });
    assert_eq!(reason(&[10, 11], &[], &|_| false), reposted);
    // A blocked actor is no reason; then only the hashtag is left.
    assert_eq!(
        reason(&[11], &[], &|m| m == 11),
        Some(Reason::Hashtag("rust".into()))
    );
    // A blocked author is never shown, whatever the reason.
    assert_eq!(reason(&all, &[50], &|m| m == 50), None);
}

#[test]
fn counts_and_baselines_follow_activity_and_removal() {
    let ix = FeedIndex::new();
    ix.insert(item(1, 10, NOW), counts(0, 0));
    let fresh = ix.author_baseline(10);
    ix.activity(1, 20, Activity::Commented, 1, NOW);
    ix.activity(1, 21, Activity::Reposted, 1, NOW);
    ix.activity(1, 21, Activity::Reposted, -1, NOW);
    ix.activity(1, 22, Activity::Reacted, -1, NOW); // nothing to undo: stays at 0
    ix.impression(1, 20, NOW);
    let c = ix.counts(1).unwrap();
    assert_eq!(
        (c.reactions, c.comments, c.reposts, c.impressions),
        (0, 1, 0, 1)
    );
    assert!(ix.author_baseline(10) > fresh);
    assert_eq!(ix.len(), 1);
    ix.remove(1);
    assert_eq!(ix.counts(1), None);
    assert!(ix.is_empty());
    assert_eq!(
        ix.author_baseline(10),
        fresh,
        "a removed item leaves the baseline"
    );
    ix.insert(item(1, 10, NOW), counts(5, 5));
    assert_eq!(ix.counts(1), None, "deleted is final");
    assert!(page(&ix, 10, &[], 10).items.is_empty());
    assert!(ix.memory_bytes() > 0);
}

#[test]
fn a_prolific_author_gets_two_of_every_ten_slots() {
    let ix = FeedIndex::new();
    for id in 0..40 {
        // Author 10 posts the best items; authors 11..15 one ordinary item each.
        ix.insert(item(id, 10, NOW - id * HOUR / 10), counts(50, 100));
    }
    for a in 11..15 {
        ix.insert(item(100 + i64::from(a), a, NOW - 2 * HOUR), counts(1, 100));
    }
    let conns: Vec<Member> = (10..15).collect();
    let p = page(&ix, 1, &conns, 100);
    let authors: Vec<Member> = p.items.iter().map(|r| r.author).collect();
    // 10 10, then the four others (equal scores: newest key first); then only author 10 is
    // left, who would break the cap (two in the last nine), so the rest is dropped.
    assert_eq!(authors, vec![10, 10, 14, 13, 12, 11]);
    assert_eq!(p.next, None);
}

#[test]
fn reposts_and_updates_are_capped_per_ten_items() {
    let ix = FeedIndex::new();
    // Twenty authors: the ten best items are reposts, the next five network updates, then
    // five ordinary posts; one item each, so only the kind caps apply.
    for a in 0..20u32 {
        let kind = match a {
            0..=9 => ItemKind::Repost,
            10..=14 => ItemKind::Update,
            _ => ItemKind::Post,
        };
        let id = PostId::from(a);
        let quality = 100 - a;
        ix.insert(
            NewItem {
                kind,
                ..item(id, 100 + a, NOW - HOUR)
            },
            counts(quality, 100),
        );
    }
    let conns: Vec<Member> = (100..120).collect();
    let p = page(&ix, 1, &conns, 100);
    let kinds: Vec<char> = p
        .items
        .iter()
        .map(|r| match r.kind {
            ItemKind::Repost => 'R',
            ItemKind::Update => 'U',
            _ => 'P',
        })
        .collect();
    // Three reposts, two updates, then the posts; a repost or update comes back as soon as
    // one leaves the last ten; the four reposts left never fit again and are dropped.
    assert_eq!(kinds.iter().collect::<String>(), "RRRUUPPPPPRRRUU");
    assert_eq!(p.items[0].id, 0);
    assert_eq!(p.items[3].id, 10);
}
