//! Which items a viewer's feed may show, and why each one: the viewer's own, their
//! connections' and followed members' newest items, items with a followed hashtag, and items
//! their connections recently acted on — each only if the viewer may read it, with one reason.
//!
//! The work is bounded whatever the network: members' lists are merged newest first through a
//! heap and the merge stops after `max` items (a viewer with 20,000 connections costs 20,000
//! list heads, not 20,000 lists), hashtags scan a bounded stretch, and activity reads a few
//! entries from each of at most [`ACTIVITY_ACTORS`] connections and keeps the newest
//! [`MAX_ACTIVITY`].

use std::borrow::Cow;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

use crate::members::{Act, Members};
use crate::posts::{Entry, Posts};
use crate::{Activity, Audience, Member, PostId, Sources};
use guild_graph::rng::mix;

/// Activities read per connection (the newest in the window).
const ACTIVITY_PER_ACTOR: usize = 5;
/// Connections whose activity is read, at most. A viewer with more gets a sample that
/// changes every day: a page can show only so much activity (see [`MAX_ACTIVITY`]), and reading
/// 20,000 connections' lists would cost more than the rest of the page together.
pub(crate) const ACTIVITY_ACTORS: usize = 500;
/// Activities kept in all before they become candidates (the newest).
pub(crate) const MAX_ACTIVITY: usize = 1_500;
/// Entries of one hashtag scanned for visible items, at least (four times the items taken).
const TAG_SCAN: usize = 200;

/// The reason an item is a candidate, compact (a hashtag by its interned id).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Why {
    Own,
    Connection,
    Following,
    Activity { what: Activity, actor: Member },
    Hashtag(u32),
}

impl Why {
    /// Lower is preferred when one item has several reasons.
    fn rank(self) -> u8 {
        match self {
            Why::Own => 0,
            Why::Connection => 1,
            Why::Following => 2,
            Why::Activity { what, .. } => match what {
                Activity::Commented => 3,
                Activity::Reposted => 4,
                Activity::Reacted => 5,
            },
            Why::Hashtag(_) => 6,
        }
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) struct Cand {
    pub(crate) slot: u32,
    /// `(created_ms, id)`.
    pub(crate) key: (i64, PostId),
    pub(crate) author: Member,
    pub(crate) why: Why,
    /// Between two reasons of one rank, the larger wins: the time of the activity (the
    /// latest), minus the position of the hashtag in the viewer's list (the first); else 0.
    tie: i64,
}

/// Which items: `key < upper` and `created_ms > lower_ms`; activities with
/// `activity.0 < ms ≤ activity.1`; at most `per_source` per member or hashtag, `max` in all.
pub(crate) struct Window {
    pub(crate) upper: (i64, PostId),
    pub(crate) lower_ms: i64,
    pub(crate) activity: (i64, i64),
    pub(crate) per_source: usize,
    pub(crate) max: usize,
}

/// The one visibility rule: a live item whose author is the viewer, or is not hidden and
/// either writes for anyone or is one of the viewer's connections.
pub(crate) fn may_read(posts: &Posts, slot: u32, viewer: Member, s: &Sources) -> bool {
    if !posts.alive(slot) {
        return false;
    }
    let author = posts.author(slot);
    if author == viewer {
        return true;
    }
    if (s.hidden)(author) {
        return false;
    }
    posts.audience(slot) == Audience::Anyone || s.connections.binary_search(&author).is_ok()
}

/// How many entries of a time-sorted list come before `upper`.
pub(crate) fn before(posts: &Posts, list: &[Entry], upper: (i64, PostId)) -> usize {
    list.partition_point(|e| e.ms < upper.0 || (e.ms == upper.0 && posts.id(e.slot) < upper.1))
}

/// Every candidate once, with its best reason; at most `w.max`, the newest.
pub(crate) fn gather(
    posts: &Posts,
    members: &Members,
    viewer: Member,
    s: &Sources,
    w: &Window,
) -> Vec<Cand> {
    let connections: Vec<Member> = s
        .connections
        .iter()
        .copied()
        .filter(|&c| c != viewer && !(s.hidden)(c))
        .collect();
    let mut out = Vec::new();
    by_member(posts, viewer, &connections, s, w, &mut out);
    by_hashtag(posts, viewer, s, w, &mut out);
    by_activity(posts, members, viewer, &connections, s, w, &mut out);
    out.sort_unstable_by_key(|c| (c.slot, c.why.rank(), Reverse(c.tie), c.why_actor()));
    out.dedup_by_key(|c| c.slot);
    if out.len() > w.max {
        out.select_nth_unstable_by_key(w.max, |c| Reverse(c.key));
        out.truncate(w.max);
    }
    out
}

impl Cand {
    fn why_actor(&self) -> Member {
        match self.why {
            Why::Activity { actor, .. } => actor,
            _ => 0,
        }
    }
}

/// Own, connections' and followed members' items: a newest-first merge of their lists.
fn by_member(
    posts: &Posts,
    viewer: Member,
    connections: &[Member],
    s: &Sources,
    w: &Window,
    out: &mut Vec<Cand>,
) {
    let mut sources: Vec<(&[Entry], Why, Member)> = Vec::with_capacity(1 + connections.len());
    sources.push((posts.author_items(viewer), Why::Own, viewer));
    sources.extend(
        connections
            .iter()
            .map(|&c| (posts.author_items(c), Why::Connection, c)),
    );
    let followed = s
        .following
        .iter()
        .copied()
        .filter(|&f| f != viewer && s.connections.binary_search(&f).is_err() && !(s.hidden)(f));
    sources.extend(followed.map(|f| (posts.author_items(f), Why::Following, f)));

    // (key, source, position in its list, items taken from it)
    let head = |list: &[Entry], end: usize| {
        (end > 0 && list[end - 1].ms > w.lower_ms).then(|| {
            let e = list[end - 1];
            ((e.ms, posts.id(e.slot)), end as u32 - 1)
        })
    };
    let heads: Vec<((i64, PostId), u32, u32, u32)> = sources
        .iter()
        .enumerate()
        .filter_map(|(k, &(list, _, _))| {
            let (key, pos) = head(list, before(posts, list, w.upper))?;
            Some((key, k as u32, pos, 0))
        })
        .collect();
    let mut heap = BinaryHeap::from(heads);
    let start = out.len();
    while out.len() - start < w.max {
        let Some((key, k, pos, mut taken)) = heap.pop() else {
            break;
        };
        let (list, why, author) = sources[k as usize];
        let slot = list[pos as usize].slot;
        // A followed member who is no connection: their connections-only items stay hidden.
        if why != Why::Following || posts.audience(slot) == Audience::Anyone {
            out.push(Cand {
                slot,
                key,
                author,
                why,
                tie: 0,
            });
            taken += 1;
        }
        if (taken as usize) < w.per_source {
            if let Some((key, pos)) = head(list, pos as usize) {
                heap.push((key, k, pos, taken));
            }
        }
    }
}

/// The newest readable items of each followed hashtag.
fn by_hashtag(posts: &Posts, viewer: Member, s: &Sources, w: &Window, out: &mut Vec<Cand>) {
    let mut done = Vec::new();
    let scan = TAG_SCAN.max(4 * w.per_source);
    for (n, t) in s.hashtags.iter().enumerate() {
        let Some(t) = posts.tag_id(t).filter(|t| !done.contains(t)) else {
            continue;
        };
        done.push(t);
        let list = posts.tag_items(t);
        let end = before(posts, list, w.upper);
        let mut taken = 0;
        for e in list[..end].iter().rev().take(scan) {
            if e.ms <= w.lower_ms || taken == w.per_source {
                break;
            }
            if may_read(posts, e.slot, viewer, s) {
                out.push(Cand {
                    slot: e.slot,
                    key: posts.key(e.slot),
                    author: posts.author(e.slot),
                    why: Why::Hashtag(t),
                    tie: -(n as i64),
                });
                taken += 1;
            }
        }
    }
}

/// All of `connections` when they are few; else [`ACTIVITY_ACTORS`] of them picked by a hash
/// keyed with `seed` (no memory is read but the list itself).
fn sample(connections: &[Member], seed: u64) -> Cow<'_, [Member]> {
    if connections.len() <= ACTIVITY_ACTORS {
        return Cow::Borrowed(connections);
    }
    let mut keyed: Vec<(u64, Member)> = connections
        .iter()
        .map(|&c| (mix(seed ^ u64::from(c)), c))
        .collect();
    keyed.select_nth_unstable(ACTIVITY_ACTORS);
    keyed.truncate(ACTIVITY_ACTORS);
    Cow::Owned(keyed.into_iter().map(|(_, c)| c).collect())
}

/// Readable items the viewer's (visible) connections recently acted on.
fn by_activity(
    posts: &Posts,
    members: &Members,
    viewer: Member,
    connections: &[Member],
    s: &Sources,
    w: &Window,
    out: &mut Vec<Cand>,
) {
    let day = w.activity.1.div_euclid(24 * 3_600 * 1_000);
    let actors = sample(connections, mix(u64::from(viewer) ^ mix(day as u64)));
    let mut acts: Vec<(Member, Act)> = Vec::with_capacity(actors.len() * ACTIVITY_PER_ACTOR);
    for &c in actors.iter() {
        members.recent(c, w.activity, ACTIVITY_PER_ACTOR, &mut acts);
    }
    if acts.len() > MAX_ACTIVITY {
        acts.select_nth_unstable_by_key(MAX_ACTIVITY, |&(actor, a)| Reverse((a.ms, actor, a.slot)));
        acts.truncate(MAX_ACTIVITY);
    }
    for (actor, a) in acts {
        if !may_read(posts, a.slot, viewer, s) {
            continue;
        }
        let key = posts.key(a.slot);
        if key >= w.upper || key.0 <= w.lower_ms {
            continue;
        }
        out.push(Cand {
            slot: a.slot,
            key,
            author: posts.author(a.slot),
            why: Why::Activity {
                what: a.what,
                actor,
            },
            tie: a.ms,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_large_network_is_sampled_the_same_way_all_day() {
        let few: Vec<Member> = (0..ACTIVITY_ACTORS as u32).collect();
        assert!(matches!(sample(&few, 1), Cow::Borrowed(_)));
        let many: Vec<Member> = (0..20_000).collect();
        let a = sample(&many, 1);
        assert_eq!(a.len(), ACTIVITY_ACTORS);
        assert_eq!(a, sample(&many, 1));
        let b = sample(&many, 2);
        assert_ne!(a, b, "another day, another sample");
        let mut distinct = a.to_vec();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), ACTIVITY_ACTORS);
    }
}
