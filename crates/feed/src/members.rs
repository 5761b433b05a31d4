//! What the index remembers per member: their recent activity (the "network activity"
//! candidates their connections see), how often they engaged with each author (affinity), and
//! when they first saw each item ("seen items sink"). Every list is bounded, so memory grows
//! with active members, not with history.
//!
//! Why sharded locks: reactions and impressions write here on every page view, and a page
//! reads the activity of thousands of connections. Sixty-four `RwLock`s over hash maps keep
//! a writer's exclusive section to one shard for a few hundred nanoseconds, and a reader
//! holds one shard's read lock only for one member's lookup at a time.

use std::sync::{RwLock, RwLockReadGuard, RwLockWriteGuard};

use crate::hash::IdMap;
use crate::{Activity, Member};

/// Activities kept per member (the newest).
pub(crate) const ACTIVITY_KEPT: usize = 32;
/// Authors whose interaction count is kept per member (the most interacted with).
pub(crate) const INTERACTIONS_KEPT: usize = 64;
/// First impressions kept per member (the most recent).
pub(crate) const SEEN_KEPT: usize = 512;
const SHARDS: usize = 64;

/// One activity of a member: `what` on the item in `slot`, at `ms`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Act {
    pub(crate) ms: i64,
    pub(crate) slot: u32,
    pub(crate) what: Activity,
}

#[derive(Default)]
struct MemberState {
    /// Sorted by `ms`, oldest first; at most [`ACTIVITY_KEPT`].
    activity: Vec<Act>,
    /// `(author, count)` sorted by author; at most [`INTERACTIONS_KEPT`].
    interactions: Vec<(Member, u32)>,
    /// `(slot, first impression ms)` sorted by slot; at most [`SEEN_KEPT`].
    seen: Vec<(u32, i64)>,
}

/// What ranking needs of the viewer, copied out so no lock is held while ranking.
#[derive(Default)]
pub(crate) struct ViewerMemory {
    /// Sorted by author.
    pub(crate) interactions: Vec<(Member, u32)>,
    /// Slots first seen before the page's `as_of`, sorted.
    pub(crate) seen: Vec<u32>,
}

impl ViewerMemory {
    pub(crate) fn interactions(&self, author: Member) -> u32 {
        match self.interactions.binary_search_by_key(&author, |&(a, _)| a) {
            Ok(i) => self.interactions[i].1,
            Err(_) => 0,
        }
    }

    pub(crate) fn seen(&self, slot: u32) -> bool {
        self.seen.binary_search(&slot).is_ok()
    }
}

pub(crate) struct Members {
    shards: Box<[RwLock<IdMap<Member, MemberState>>]>,
}

impl Members {
    /// Takes `fresh`'s shards, one at a time.
    pub(crate) fn replace_with(&self, fresh: Members) {
        for (mine, theirs) in self.shards.iter().zip(Vec::from(fresh.shards)) {
            *mine.write().unwrap_or_else(|p| p.into_inner()) =
                theirs.into_inner().unwrap_or_else(|p| p.into_inner());
        }
    }
}

impl Default for Members {
    fn default() -> Self {
        Members {
            shards: (0..SHARDS).map(|_| RwLock::default()).collect(),
        }
    }
}

impl Members {
    fn read(&self, m: Member) -> RwLockReadGuard<'_, IdMap<Member, MemberState>> {
        let l = &self.shards[m as usize % SHARDS];
        l.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self, m: Member) -> RwLockWriteGuard<'_, IdMap<Member, MemberState>> {
        let l = &self.shards[m as usize % SHARDS];
        l.write().unwrap_or_else(|p| p.into_inner())
    }

    /// `actor` did (`delta > 0`) or undid (`delta < 0`) `what` on `slot`, written by `author`.
    pub(crate) fn acted(&self, actor: Member, author: Member, act: Act, delta: i32) {
        if actor == author || delta == 0 {
            return;
        }
        let mut shard = self.write(actor);
        let st = shard.entry(actor).or_default();
        let list = &mut st.activity;
        let found = list
            .iter()
            .position(|a| a.slot == act.slot && a.what == act.what);
        if delta > 0 {
            if found.is_none() {
                let at = list.partition_point(|a| a.ms <= act.ms);
                list.insert(at, act);
                if list.len() > ACTIVITY_KEPT {
                    list.remove(0);
                }
            }
        } else if let Some(i) = found {
            list.remove(i);
        }
        count_interaction(&mut st.interactions, author, delta);
    }

    /// `viewer` saw `slot` at `ms`; the earliest time is kept.
    pub(crate) fn saw(&self, viewer: Member, slot: u32, ms: i64) {
        let mut shard = self.write(viewer);
        let seen = &mut shard.entry(viewer).or_default().seen;
        match seen.binary_search_by_key(&slot, |&(s, _)| s) {
            Ok(i) => seen[i].1 = seen[i].1.min(ms),
            Err(i) => {
                if seen.len() < SEEN_KEPT {
                    seen.insert(i, (slot, ms));
                    return;
                }
                // Full: the oldest impression makes room, unless this one is older still.
                let Some(oldest) = (0..seen.len()).min_by_key(|&j| (seen[j].1, seen[j].0)) else {
                    return;
                };
                if seen[oldest].1 < ms {
                    seen.remove(oldest);
                    let i = seen.partition_point(|&(s, _)| s < slot);
                    seen.insert(i, (slot, ms));
                }
            }
        }
    }

    /// The viewer's interactions, and the items they first saw before `as_of`.
    pub(crate) fn viewer(&self, viewer: Member, as_of: i64) -> ViewerMemory {
        let shard = self.read(viewer);
        let Some(st) = shard.get(&viewer) else {
            return ViewerMemory::default();
        };
        ViewerMemory {
            interactions: st.interactions.clone(),
            seen: st
                .seen
                .iter()
                .filter(|&&(_, ms)| ms < as_of)
                .map(|&(s, _)| s)
                .collect(),
        }
    }

    /// Up to `max` activities of `actor` with `lo < ms ≤ hi`, newest first, into `out`.
    pub(crate) fn recent(
        &self,
        actor: Member,
        (lo, hi): (i64, i64),
        max: usize,
        out: &mut Vec<(Member, Act)>,
    ) {
        let shard = self.read(actor);
        if let Some(st) = shard.get(&actor) {
            let end = st.activity.partition_point(|a| a.ms <= hi);
            let take = st.activity[..end].iter().rev().take_while(|a| a.ms > lo);
            out.extend(take.take(max).map(|&a| (actor, a)));
        }
    }

    pub(crate) fn memory_bytes(&self) -> usize {
        use std::mem::size_of;
        let entry = size_of::<(Member, MemberState)>() + 1;
        self.shards
            .iter()
            .map(|s| {
                let m = s.read().unwrap_or_else(|p| p.into_inner());
                m.capacity() * entry * 8 / 7
                    + m.values()
                        .map(|st| {
                            st.activity.capacity() * size_of::<Act>()
                                + st.interactions.capacity() * 8
                                + st.seen.capacity() * 16
                        })
                        .sum::<usize>()
            })
            .sum()
    }
}

/// Counts one more (or one fewer) interaction with `author`. When the list is full, a new
/// author takes the place of the least interacted-with one: a bounded "top authors" list.
fn count_interaction(list: &mut Vec<(Member, u32)>, author: Member, delta: i32) {
    match list.binary_search_by_key(&author, |&(a, _)| a) {
        Ok(i) => {
            let n = i64::from(list[i].1) + i64::from(delta);
            if n <= 0 {
                list.remove(i);
            } else {
                list[i].1 = u32::try_from(n).unwrap_or(u32::MAX);
            }
        }
        Err(i) if delta > 0 => {
            if list.len() < INTERACTIONS_KEPT {
                list.insert(i, (author, 1));
                return;
            }
            let Some(least) = (0..list.len()).min_by_key(|&j| (list[j].1, list[j].0)) else {
                return;
            };
            list.remove(least);
            let i = list.partition_point(|&(a, _)| a < author);
            list.insert(i, (author, 1));
        }
        Err(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_stay_bounded_and_keep_the_newest() {
        let m = Members::default();
        for i in 0..100u32 {
            let act = Act {
                ms: i64::from(i),
                slot: i,
                what: Activity::Reacted,
            };
            m.acted(1, 1_000 + i, act, 1);
            m.saw(1, i, i64::from(1_000 - i));
        }
        let mut out = Vec::new();
        m.recent(1, (-1, 1_000), 100, &mut out);
        assert_eq!(out.len(), ACTIVITY_KEPT);
        assert_eq!(out[0].1.ms, 99, "newest first");
        assert_eq!(out[ACTIVITY_KEPT - 1].1.ms, 100 - ACTIVITY_KEPT as i64);
        let v = m.viewer(1, i64::MAX);
        assert_eq!(v.interactions.len(), INTERACTIONS_KEPT);
        assert_eq!(v.interactions(1_099), 1, "the latest author is in");
        assert_eq!(v.seen.len(), 100);
        // Seen before 950: slots 51.. (1000 - i < 950).
        assert!(m.viewer(1, 950).seen.iter().all(|&s| s > 50));
    }

    #[test]
    fn undoing_removes_the_activity_and_the_interaction() {
        let m = Members::default();
        let act = Act {
            ms: 5,
            slot: 7,
            what: Activity::Commented,
        };
        m.acted(2, 3, act, 1);
        m.acted(2, 3, act, 1);
        assert_eq!(m.viewer(2, 10).interactions(3), 2);
        m.acted(2, 3, act, -1);
        let mut out = Vec::new();
        m.recent(2, (0, 10), 10, &mut out);
        assert!(out.is_empty());
        assert_eq!(m.viewer(2, 10).interactions(3), 1);
        m.acted(3, 3, act, 1);
        m.recent(3, (0, 10), 10, &mut out);
        assert!(out.is_empty(), "acting on one's own item is no activity");
    }
}
