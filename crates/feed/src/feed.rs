//! Pages: the home feed ([`FeedIndex::feed`]) in both sorts, and a hashtag's items
//! ([`FeedIndex::hashtag`]).
//!
//! "Relevant" pages are positions in one order computed as of the first page's time
//! (`as_of`): items created after it, activity after it and impressions from it on are left
//! out, so recomputing gives the same order and pages neither repeat nor skip. What is not
//! dated — engagement counts, affinity — could still move an item between two pages, so the
//! order of a first page is also kept in a small memo (`Memo`), and later pages read their
//! positions from it while it holds them. Every served item is checked again against the
//! viewer's current sources: a post deleted, made connections-only, or by a member blocked
//! since the first page is skipped, never shown.

use std::sync::Mutex;

use crate::candidates::{gather, may_read, Why, Window};
use crate::order::{place, Caps};
use crate::posts::Posts;
use crate::rank::{
    Scorer, AUTHOR_CAP, AUTHOR_WINDOW, MAX_CANDIDATES, PER_SOURCE, REPOST_CAP, UPDATE_CAP,
    WINDOW_MS,
};
use crate::{
    Cursor, Factors, FeedIndex, FeedPage, FeedQuery, ItemKind, Member, PostId, Ranked, Reason,
    Sort, Sources,
};

/// The most items one page returns (a larger `limit` is cut to this).
pub const MAX_PAGE: usize = 100;
/// Viewers whose current order is remembered: a direct-mapped table by member id, so a newer
/// viewer simply takes the place of an older one with the same slot.
const MEMO_SLOTS: usize = 1_024;
/// Positions of an order remembered (50 pages of 20); pages past them are recomputed.
const MEMO_ITEMS: usize = 1_000;
/// The variety caps: per author, and per kind in the order of [`variety`].
const CAPS: Caps<'static> = Caps {
    author: AUTHOR_CAP,
    kinds: &[AUTHOR_WINDOW, REPOST_CAP, UPDATE_CAP],
    window: AUTHOR_WINDOW,
};

/// An item's kind as the variety caps count it: posts and articles are not capped.
fn variety(kind: ItemKind) -> usize {
    match kind {
        ItemKind::Post | ItemKind::Article => 0,
        ItemKind::Repost => 1,
        ItemKind::Update => 2,
    }
}

struct Memoed {
    viewer: Member,
    as_of: i64,
    order: Vec<(u32, Why)>,
    /// `order` is the whole order, not its first `MEMO_ITEMS` positions.
    complete: bool,
}

/// The remembered orders. Each slot has its own mutex, held only to copy an order in or out.
pub(crate) struct Memo {
    slots: Box<[Mutex<Option<Memoed>>]>,
}

impl Default for Memo {
    fn default() -> Self {
        Memo {
            slots: (0..MEMO_SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }
}

impl Memo {
    /// Forgets every memoised order.
    pub(crate) fn clear(&self) {
        for m in self.slots.iter() {
            *m.lock().unwrap_or_else(|p| p.into_inner()) = None;
        }
    }

    fn slot(&self, viewer: Member) -> std::sync::MutexGuard<'_, Option<Memoed>> {
        let m = &self.slots[viewer as usize % MEMO_SLOTS];
        m.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn get(&self, viewer: Member, as_of: i64) -> Option<(Vec<(u32, Why)>, bool)> {
        match &*self.slot(viewer) {
            Some(m) if m.viewer == viewer && m.as_of == as_of => {
                Some((m.order.clone(), m.complete))
            }
            _ => None,
        }
    }

    fn put(&self, viewer: Member, as_of: i64, order: &[Placed]) {
        let keep = order.len().min(MEMO_ITEMS);
        *self.slot(viewer) = Some(Memoed {
            viewer,
            as_of,
            order: order[..keep].iter().map(|p| (p.slot, p.why)).collect(),
            complete: keep == order.len(),
        });
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        self.slots
            .iter()
            .map(|s| {
                let g = s.lock().unwrap_or_else(|p| p.into_inner());
                64 + g.as_ref().map_or(0, |m| m.order.capacity() * 12)
            })
            .sum()
    }
}

/// One position of an order; `factors` when it was just computed.
struct Placed {
    slot: u32,
    why: Why,
    factors: Option<Factors>,
}

impl FeedIndex {
    /// One page of the viewer's home feed. A cursor of the other sort starts that sort over.
    pub fn feed(&self, q: &FeedQuery, s: &Sources) -> FeedPage {
        let limit = q.limit.clamp(1, MAX_PAGE);
        match (q.sort, q.cursor) {
            (Sort::Relevant, Cursor::Ranked { as_of_ms, offset }) => {
                self.relevant(q.viewer, s, as_of_ms, offset as usize, limit)
            }
            (Sort::Relevant, _) => self.relevant(q.viewer, s, q.now_ms, 0, limit),
            (Sort::Recent, Cursor::Recent { created_ms, id }) => {
                self.recent(q, s, (created_ms, id), limit)
            }
            (Sort::Recent, _) => {
                self.recent(q, s, (q.now_ms.saturating_add(1), PostId::MIN), limit)
            }
        }
    }

    fn relevant(
        &self,
        viewer: Member,
        s: &Sources,
        as_of: i64,
        offset: usize,
        limit: usize,
    ) -> FeedPage {
        let posts = self.read();
        let memory = self.members.viewer(viewer, as_of);
        let mut scorer = Scorer::new(&posts, viewer, as_of, s, memory);
        if let Some((order, complete)) = self.memo.get(viewer, as_of) {
            let order: Vec<Placed> = order
                .into_iter()
                .map(|(slot, why)| Placed {
                    slot,
                    why,
                    factors: None,
                })
                .collect();
            let (items, pos) = serve(&posts, viewer, s, &mut scorer, &order, offset, limit);
            // A cut-short memo can only answer pages that end inside it.
            if complete || (items.len() == limit && pos < order.len()) {
                let next = (pos < order.len()).then_some(Cursor::Ranked {
                    as_of_ms: as_of,
                    offset: pos as u32,
                });
                return FeedPage { items, next };
            }
        }
        let order = self.rank(&posts, &mut scorer, viewer, s, as_of);
        self.memo.put(viewer, as_of, &order);
        let (items, pos) = serve(&posts, viewer, s, &mut scorer, &order, offset, limit);
        let next = (pos < order.len()).then_some(Cursor::Ranked {
            as_of_ms: as_of,
            offset: pos as u32,
        });
        FeedPage { items, next }
    }

    /// The whole order as of `as_of`: candidates, scores, then the variety caps.
    fn rank(
        &self,
        posts: &Posts,
        scorer: &mut Scorer,
        viewer: Member,
        s: &Sources,
        as_of: i64,
    ) -> Vec<Placed> {
        let from = as_of.saturating_sub(WINDOW_MS);
        let w = Window {
            upper: (as_of.saturating_add(1), PostId::MIN),
            lower_ms: from,
            activity: (from, as_of),
            per_source: PER_SOURCE,
            max: MAX_CANDIDATES,
        };
        let mut cands = gather(posts, &self.members, viewer, s, &w);
        // Newest first, so that the bounded degree look-ups go to the likeliest items.
        cands.sort_unstable_by_key(|c| std::cmp::Reverse(c.key));
        let mut scored: Vec<_> = cands
            .into_iter()
            .map(|c| (c, scorer.factors_of(c.slot, c.author, c.key.0)))
            .collect();
        scored.sort_by(|a, b| b.1.score.total_cmp(&a.1.score).then(b.0.key.cmp(&a.0.key)));
        place(
            scored,
            |(c, _)| (c.author, variety(posts.kind(c.slot))),
            &CAPS,
        )
        .into_iter()
        .map(|(c, f)| Placed {
            slot: c.slot,
            why: c.why,
            factors: Some(f),
        })
        .collect()
    }

    /// Newest first, strictly by `(created_ms, id)`, below `upper`.
    fn recent(&self, q: &FeedQuery, s: &Sources, upper: (i64, PostId), limit: usize) -> FeedPage {
        let posts = self.read();
        let from = q.now_ms.saturating_sub(WINDOW_MS);
        // One more than the page from every source: if it comes back, there is a next page.
        let w = Window {
            upper,
            lower_ms: from,
            activity: (from, q.now_ms),
            per_source: PER_SOURCE.max(limit + 1),
            max: MAX_CANDIDATES.max(limit + 1),
        };
        let mut cands = gather(&posts, &self.members, q.viewer, s, &w);
        cands.sort_unstable_by_key(|c| std::cmp::Reverse(c.key));
        let more = cands.len() > limit;
        cands.truncate(limit);
        let memory = self.members.viewer(q.viewer, q.now_ms);
        let mut scorer = Scorer::new(&posts, q.viewer, q.now_ms, s, memory);
        let items: Vec<Ranked> = cands
            .iter()
            .map(|c| ranked(&posts, c.slot, c.why, scorer.factors(c.slot)))
            .collect();
        let next = match cands.last() {
            Some(c) if more => Some(Cursor::Recent {
                created_ms: c.key.0,
                id: c.key.1,
            }),
            _ => None,
        };
        FeedPage { items, next }
    }

    /// The readable items with hashtag `tag` (folded, without `#`), newest first, strictly
    /// older than `before` (`(created_ms, id)` of the last item of the previous page).
    pub fn hashtag(
        &self,
        tag: &str,
        viewer_connections: &[Member],
        viewer: Member,
        hidden: &dyn Fn(Member) -> bool,
        before: Option<(i64, PostId)>,
        limit: usize,
    ) -> Vec<PostId> {
        let posts = self.read();
        let Some(t) = posts.tag_id(tag) else {
            return Vec::new();
        };
        let s = Sources {
            connections: viewer_connections,
            following: &[],
            hashtags: &[],
            hidden,
            degree: &|_| None,
        };
        let list = posts.tag_items(t);
        let end = before.map_or(list.len(), |b| crate::candidates::before(&posts, list, b));
        list[..end]
            .iter()
            .rev()
            .filter(|e| may_read(&posts, e.slot, viewer, &s))
            .take(limit)
            .map(|e| posts.id(e.slot))
            .collect()
    }

    #[cfg(test)]
    pub(crate) fn forget_pages(&self) {
        self.memo.clear();
    }
}

/// Up to `limit` items from position `offset`, skipping what the viewer may no longer read;
/// returns them and the position after the last one looked at.
fn serve(
    posts: &Posts,
    viewer: Member,
    s: &Sources,
    scorer: &mut Scorer,
    order: &[Placed],
    offset: usize,
    limit: usize,
) -> (Vec<Ranked>, usize) {
    let mut items = Vec::with_capacity(limit);
    let mut pos = offset;
    while pos < order.len() && items.len() < limit {
        let p = &order[pos];
        pos += 1;
        if !may_read(posts, p.slot, viewer, s) {
            continue;
        }
        if let Why::Activity { actor, .. } = p.why {
            if (s.hidden)(actor) || s.connections.binary_search(&actor).is_err() {
                continue;
            }
        }
        let factors = p.factors.unwrap_or_else(|| scorer.factors(p.slot));
        items.push(ranked(posts, p.slot, p.why, factors));
    }
    (items, pos)
}

fn ranked(posts: &Posts, slot: u32, why: Why, factors: Factors) -> Ranked {
    let reason = match why {
        Why::Own => Reason::Own,
        Why::Connection => Reason::Connection,
        Why::Following => Reason::Following,
        Why::Activity { what, actor } => Reason::Activity { actor, what },
        Why::Hashtag(t) => Reason::Hashtag(posts.tag_name(t).to_owned()),
    };
    Ranked {
        id: posts.id(slot),
        author: posts.author(slot),
        kind: posts.kind(slot),
        reason,
        factors,
    }
}

#[cfg(test)]
mod tests;
