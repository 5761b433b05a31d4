//! The items themselves: struct-of-arrays rows addressed by a dense slot, the per-author and
//! per-hashtag lists sorted by time, and the engagement counters with their per-author and
//! network-wide sums.
//!
//! # Invariants
//! - A slot is never reused. A removed item keeps its slot, marked dead, and its id keeps
//!   pointing at it (a tombstone), so a late write for a deleted post finds it dead and does
//!   nothing, and re-inserting a deleted id is ignored: "deleted" is final.
//! - `by_author[a]` and `by_tag[t]` hold exactly the live items of that author or hashtag, each
//!   sorted ascending by `(created_ms, id)`. Entries carry the time beside the slot, so walking
//!   a list newest-first reads one contiguous array.
//! - The sums (`AuthorPosts::engagement`/`impressions`, `engagement`/`impressions`) are the sums
//!   of the counters of the live items. Counters and sums are atomics: engagement and
//!   impressions are written under the *read* lock of the owner's `RwLock`, so the most
//!   frequent writes never wait for a page being ranked. Sums may be a few events apart from
//!   the counters while a write is in flight; the ranking tolerates that.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering::Relaxed};

use crate::hash::IdMap;
use crate::{Audience, Counts, ItemKind, Member, NewItem, PostId};

const ALIVE: u8 = 1;
const CONNECTIONS: u8 = 2;
const KIND_SHIFT: u8 = 2;

/// One item in a time-sorted list.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) ms: i64,
    pub(crate) slot: u32,
}

/// Reactions, comments, reposts, impressions.
#[derive(Default)]
struct AtomicCounts([AtomicU32; 4]);

impl AtomicCounts {
    fn new(c: Counts) -> Self {
        let a = |v| AtomicU32::new(v);
        AtomicCounts([
            a(c.reactions),
            a(c.comments),
            a(c.reposts),
            a(c.impressions),
        ])
    }

    fn load(&self) -> Counts {
        let v = |i: usize| self.0[i].load(Relaxed);
        Counts {
            reactions: v(0),
            comments: v(1),
            reposts: v(2),
            impressions: v(3),
        }
    }
}

/// One author's posts in the index, with the sums of their engagement and impressions.
#[derive(Default)]
pub(crate) struct AuthorPosts {
    pub(crate) items: Vec<Entry>,
    engagement: AtomicU64,
    impressions: AtomicU64,
}

#[derive(Default)]
pub(crate) struct Posts {
    ids: Vec<PostId>,
    authors: Vec<Member>,
    created: Vec<i64>,
    flags: Vec<u8>,
    /// The item's interned hashtags: `tag_pool[tag_start[s]..][..tag_len[s]]`.
    tag_start: Vec<u32>,
    tag_len: Vec<u8>,
    tag_pool: Vec<u32>,
    counts: Vec<AtomicCounts>,
    by_id: IdMap<PostId, u32>,
    /// Indexed by member id (dense, as the store hands them out).
    by_author: Vec<AuthorPosts>,
    tag_ids: HashMap<Box<str>, u32>,
    tag_names: Vec<Box<str>>,
    by_tag: Vec<Vec<Entry>>,
    live: usize,
    engagement: AtomicU64,
    impressions: AtomicU64,
}

/// Network rate while there is little data: a typical share of engaged impressions.
pub(crate) const DEFAULT_RATE: f64 = 0.05;
/// Impressions' worth of weight the default rate keeps in the network rate.
const NETWORK_PRIOR: f64 = 1_000.0;
/// Impressions' worth of weight the network rate keeps in an author's baseline.
pub(crate) const AUTHOR_PRIOR: f64 = 500.0;

fn kind_bits(k: ItemKind) -> u8 {
    match k {
        ItemKind::Post => 0,
        ItemKind::Article => 1,
        ItemKind::Repost => 2,
        ItemKind::Update => 3,
    }
}

/// Inserts `e` into a list sorted by `(ms, id)`; appending is the common case.
fn link(list: &mut Vec<Entry>, ids: &[PostId], e: Entry) {
    let key = (e.ms, ids[e.slot as usize]);
    let before = |x: &Entry| (x.ms, ids[x.slot as usize]) < key;
    if list.last().is_none_or(before) {
        list.push(e);
        return;
    }
    let at = list.partition_point(before);
    list.insert(at, e);
}

fn unlink(list: &mut Vec<Entry>, e: Entry) {
    let start = list.partition_point(|x| x.ms < e.ms);
    if let Some(i) = list[start..].iter().position(|x| x.slot == e.slot) {
        list.remove(start + i);
    }
}

/// Adds `delta` to a counter, saturating at 0 and `u32::MAX`; returns the change applied.
fn bump(a: &AtomicU32, delta: i64) -> i64 {
    let mut applied = 0;
    let _ = a.fetch_update(Relaxed, Relaxed, |v| {
        let n = (i64::from(v) + delta).clamp(0, i64::from(u32::MAX));
        applied = n - i64::from(v);
        Some(n as u32)
    });
    applied
}

/// Adds a signed change to an unsigned sum (two's complement wraps back exactly).
fn add(a: &AtomicU64, delta: i64) {
    a.fetch_add(delta as u64, Relaxed);
}

impl Posts {
    /// Adds an item, or replaces a live one with the same id; a removed id stays removed.
    pub(crate) fn insert(&mut self, item: NewItem, counts: Counts) {
        let slot = match self.by_id.get(&item.id) {
            Some(&s) if !self.alive(s) => return,
            Some(&s) => {
                self.retire(s);
                s
            }
            None => {
                let s = self.ids.len() as u32;
                self.by_id.insert(item.id, s);
                self.ids.push(item.id);
                self.authors.push(0);
                self.created.push(0);
                self.flags.push(0);
                self.tag_start.push(0);
                self.tag_len.push(0);
                self.counts.push(AtomicCounts::default());
                s
            }
        };
        let i = slot as usize;
        self.authors[i] = item.author;
        self.created[i] = item.created_ms;
        let audience = match item.audience {
            Audience::Anyone => 0,
            Audience::Connections => CONNECTIONS,
        };
        self.flags[i] = ALIVE | audience | kind_bits(item.kind) << KIND_SHIFT;
        self.counts[i] = AtomicCounts::new(counts);
        self.tag_start[i] = self.tag_pool.len() as u32;
        let mut tags: Vec<u32> = item.tags.iter().map(|t| self.intern(t)).collect();
        tags.sort_unstable();
        tags.dedup();
        tags.truncate(u8::MAX as usize);
        self.tag_len[i] = tags.len() as u8;
        self.tag_pool.extend_from_slice(&tags);
        let e = Entry {
            ms: item.created_ms,
            slot,
        };
        let a = item.author as usize;
        if self.by_author.len() <= a {
            self.by_author.resize_with(a + 1, AuthorPosts::default);
        }
        link(&mut self.by_author[a].items, &self.ids, e);
        for t in tags {
            link(&mut self.by_tag[t as usize], &self.ids, e);
        }
        self.add_sums(slot, 1);
        self.live += 1;
    }

    fn intern(&mut self, tag: &str) -> u32 {
        if let Some(&t) = self.tag_ids.get(tag) {
            return t;
        }
        let t = self.tag_names.len() as u32;
        self.tag_names.push(tag.into());
        self.tag_ids.insert(tag.into(), t);
        self.by_tag.push(Vec::new());
        t
    }

    /// Marks a live item dead and takes it out of every list and sum.
    fn retire(&mut self, slot: u32) {
        let i = slot as usize;
        let e = Entry {
            ms: self.created[i],
            slot,
        };
        if let Some(row) = self.by_author.get_mut(self.authors[i] as usize) {
            unlink(&mut row.items, e);
        }
        for k in 0..self.tag_len[i] as usize {
            let t = self.tag_pool[self.tag_start[i] as usize + k];
            unlink(&mut self.by_tag[t as usize], e);
        }
        self.add_sums(slot, -1);
        self.flags[i] &= !ALIVE;
        self.live -= 1;
    }

    fn add_sums(&self, slot: u32, sign: i64) {
        let c = self.counts[slot as usize].load();
        let (e, n) = (
            c.engagement() as i64 * sign,
            i64::from(c.impressions) * sign,
        );
        if let Some(row) = self.by_author.get(self.authors[slot as usize] as usize) {
            add(&row.engagement, e);
            add(&row.impressions, n);
        }
        add(&self.engagement, e);
        add(&self.impressions, n);
    }

    pub(crate) fn remove(&mut self, id: PostId) {
        if let Some(s) = self.live_slot(id) {
            self.retire(s);
        }
    }

    pub(crate) fn set_audience(&mut self, id: PostId, audience: Audience) {
        if let Some(s) = self.live_slot(id) {
            let f = &mut self.flags[s as usize];
            *f = match audience {
                Audience::Anyone => *f & !CONNECTIONS,
                Audience::Connections => *f | CONNECTIONS,
            };
        }
    }

    /// Adds engagement of weight `weight` (1 reaction, 2 comment, 3 repost) to counter
    /// `field`; only the read lock is needed.
    pub(crate) fn engage(&self, slot: u32, field: usize, weight: i64, delta: i64) {
        let applied = bump(&self.counts[slot as usize].0[field], delta);
        if applied != 0 {
            if let Some(row) = self.by_author.get(self.authors[slot as usize] as usize) {
                add(&row.engagement, applied * weight);
            }
            add(&self.engagement, applied * weight);
        }
    }

    /// One more impression; only the read lock is needed.
    pub(crate) fn impression(&self, slot: u32) {
        if bump(&self.counts[slot as usize].0[3], 1) != 0 {
            if let Some(row) = self.by_author.get(self.authors[slot as usize] as usize) {
                add(&row.impressions, 1);
            }
            add(&self.impressions, 1);
        }
    }

    pub(crate) fn live_slot(&self, id: PostId) -> Option<u32> {
        self.by_id.get(&id).copied().filter(|&s| self.alive(s))
    }

    pub(crate) fn alive(&self, slot: u32) -> bool {
        self.flags[slot as usize] & ALIVE != 0
    }

    pub(crate) fn id(&self, slot: u32) -> PostId {
        self.ids[slot as usize]
    }

    pub(crate) fn author(&self, slot: u32) -> Member {
        self.authors[slot as usize]
    }

    pub(crate) fn kind(&self, slot: u32) -> ItemKind {
        match self.flags[slot as usize] >> KIND_SHIFT & 3 {
            0 => ItemKind::Post,
            1 => ItemKind::Article,
            2 => ItemKind::Repost,
            _ => ItemKind::Update,
        }
    }

    pub(crate) fn created(&self, slot: u32) -> i64 {
        self.created[slot as usize]
    }

    /// `(created_ms, id)`, the order of "recent" and of every list.
    pub(crate) fn key(&self, slot: u32) -> (i64, PostId) {
        (self.created[slot as usize], self.ids[slot as usize])
    }

    pub(crate) fn audience(&self, slot: u32) -> Audience {
        if self.flags[slot as usize] & CONNECTIONS != 0 {
            Audience::Connections
        } else {
            Audience::Anyone
        }
    }

    pub(crate) fn counts(&self, slot: u32) -> Counts {
        self.counts[slot as usize].load()
    }

    pub(crate) fn author_items(&self, author: Member) -> &[Entry] {
        self.by_author
            .get(author as usize)
            .map_or(&[], |r| r.items.as_slice())
    }

    pub(crate) fn tag_id(&self, tag: &str) -> Option<u32> {
        self.tag_ids.get(tag).copied()
    }

    pub(crate) fn tag_name(&self, tag: u32) -> &str {
        self.tag_names.get(tag as usize).map_or("", |t| t)
    }

    pub(crate) fn tag_items(&self, tag: u32) -> &[Entry] {
        self.by_tag.get(tag as usize).map_or(&[], |l| l.as_slice())
    }

    /// Weighted engagement per impression over the network, smoothed toward
    /// [`DEFAULT_RATE`] while there are few impressions.
    pub(crate) fn network_rate(&self) -> f64 {
        let e = self.engagement.load(Relaxed) as f64;
        let n = self.impressions.load(Relaxed) as f64;
        (e + NETWORK_PRIOR * DEFAULT_RATE) / (n + NETWORK_PRIOR)
    }

    /// The author's rate over their live items, smoothed toward `network_rate`.
    pub(crate) fn author_baseline(&self, author: Member, network_rate: f64) -> f64 {
        let (e, n) = self.by_author.get(author as usize).map_or((0, 0), |r| {
            (r.engagement.load(Relaxed), r.impressions.load(Relaxed))
        });
        (e as f64 + AUTHOR_PRIOR * network_rate) / (n as f64 + AUTHOR_PRIOR)
    }

    pub(crate) fn len(&self) -> usize {
        self.live
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let lists = |l: &Vec<Entry>| l.capacity() * size_of::<Entry>();
        self.ids.capacity() * size_of::<PostId>()
            + self.authors.capacity() * 4
            + self.created.capacity() * 8
            + self.flags.capacity()
            + self.tag_start.capacity() * 4
            + self.tag_len.capacity()
            + self.tag_pool.capacity() * 4
            + self.counts.capacity() * size_of::<AtomicCounts>()
            // hashbrown: one control byte per bucket beside the entry; ~7/8 full at most.
            + self.by_id.capacity() * (size_of::<(PostId, u32)>() + 1) * 8 / 7
            + self.by_author.capacity() * size_of::<AuthorPosts>()
            + self.by_author.iter().map(|r| lists(&r.items)).sum::<usize>()
            + self.by_tag.iter().map(lists).sum::<usize>()
            + self.tag_names.iter().map(|t| t.len() * 2 + 48).sum::<usize>()
    }
}
