//! [`FeedIndex`]'s writes and simple reads: items in and out, engagement, impressions, and
//! the replays that rebuild members' memory at start.
//!
//! Lock order: `posts`, then a `members` shard, then a memo slot — a method may take a later
//! one while holding an earlier one, never the reverse. Writes here drop the `posts` guard
//! before touching `members`, so an engagement never holds two locks at once.

use std::sync::{RwLockReadGuard, RwLockWriteGuard};

use crate::members::Act;
use crate::posts::Posts;
use crate::{Activity, Audience, Counts, FeedIndex, Member, NewItem, PostId};

impl Default for FeedIndex {
    fn default() -> Self {
        FeedIndex::new()
    }
}

/// The counter an activity moves, and its weight in engagement.
fn field(what: Activity) -> (usize, i64) {
    match what {
        Activity::Reacted => (0, 1),
        Activity::Commented => (1, 2),
        Activity::Reposted => (2, 3),
    }
}

impl FeedIndex {
    pub fn new() -> Self {
        FeedIndex {
            posts: Default::default(),
            members: Default::default(),
            memo: Default::default(),
        }
    }

    pub(crate) fn read(&self) -> RwLockReadGuard<'_, Posts> {
        self.posts.read().unwrap_or_else(|p| p.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Posts> {
        self.posts.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Adds an item with its counters (at load time, in any order, or when published). An id
    /// already present is replaced; an id that was removed stays removed.
    pub fn insert(&self, item: NewItem, counts: Counts) {
        self.write().insert(item, counts);
    }

    /// Takes everything `fresh` holds (a node that reloads from its store): the items, the
    /// members' activity, and no memoised page orders (their slots meant the old items).
    pub fn replace_with(&self, fresh: FeedIndex) {
        let FeedIndex { posts, members, .. } = fresh;
        *self.write() = posts.into_inner().unwrap_or_else(|p| p.into_inner());
        self.members.replace_with(members);
        self.memo.clear();
    }

    /// A deleted item: never returned again, and its engagement leaves its author's baseline.
    pub fn remove(&self, id: PostId) {
        self.write().remove(id);
    }

    /// An edited audience; pages served from now on honour it.
    pub fn set_audience(&self, id: PostId, audience: Audience) {
        self.write().set_audience(id, audience);
    }

    /// A member acted on a post: `delta` +1 (new) or -1 (undone). Updates the post's counts,
    /// the author's baseline, the actor's interaction count with the author (affinity) and,
    /// for `delta > 0`, the actor's recent activity (what their connections see; undoing takes
    /// it out again).
    pub fn activity(&self, post: PostId, actor: Member, what: Activity, delta: i32, ms: i64) {
        let (f, weight) = field(what);
        let (slot, author) = {
            let posts = self.read();
            let Some(slot) = posts.live_slot(post) else {
                return;
            };
            posts.engage(slot, f, weight, i64::from(delta));
            (slot, posts.author(slot))
        };
        self.members
            .acted(actor, author, Act { ms, slot, what }, delta);
    }

    /// Rebuilds the actor's recent activity and affinity from a stored activity whose counts
    /// the item's [`Counts`] already hold (loading at start): nothing is counted twice.
    pub fn replay_activity(&self, post: PostId, actor: Member, what: Activity, ms: i64) {
        let Some((slot, author)) = self.slot_and_author(post) else {
            return;
        };
        self.members.acted(actor, author, Act { ms, slot, what }, 1);
    }

    /// One new impression (the store de-duplicates per viewer, post and day): counts it, and
    /// remembers the first time `viewer` saw `post`.
    pub fn impression(&self, post: PostId, viewer: Member, ms: i64) {
        let slot = {
            let posts = self.read();
            let Some(slot) = posts.live_slot(post) else {
                return;
            };
            posts.impression(slot);
            slot
        };
        self.members.saw(viewer, slot, ms);
    }

    /// Remembers that `viewer` saw `post` at `ms` without counting an impression (loading at
    /// start, when the item's counts already hold it).
    pub fn replay_impression(&self, post: PostId, viewer: Member, ms: i64) {
        if let Some((slot, _)) = self.slot_and_author(post) {
            self.members.saw(viewer, slot, ms);
        }
    }

    fn slot_and_author(&self, post: PostId) -> Option<(u32, Member)> {
        let posts = self.read();
        let slot = posts.live_slot(post)?;
        Some((slot, posts.author(slot)))
    }

    pub fn counts(&self, id: PostId) -> Option<Counts> {
        let posts = self.read();
        posts.live_slot(id).map(|s| posts.counts(s))
    }

    /// The author's weighted engagement per impression over their live items, smoothed
    /// toward the network's rate (see [`crate::Factors`]).
    pub fn author_baseline(&self, author: Member) -> f64 {
        let posts = self.read();
        posts.author_baseline(author, posts.network_rate())
    }

    /// Live items.
    pub fn len(&self) -> usize {
        self.read().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Bytes held by the index, approximately (capacities of its arrays, lists and maps).
    pub fn memory_bytes(&self) -> usize {
        self.read().memory_bytes() + self.members.memory_bytes() + self.memo.memory_bytes()
    }
}
