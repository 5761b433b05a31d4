//! The feed held in memory: the post index that ranks the home feed (`guild-feed`), loaded
//! from the store at start and changed only after each commit, and the hub that pushes
//! notifications and counts to open event streams.
//!
//! The store stays the source of truth: if the process stops, [`FeedState::load`] rebuilds
//! the same index from the rows.

use guild_feed::{Activity, Audience, Counts, FeedIndex, ItemKind, NewItem};
use tokio::sync::broadcast;

use super::model::*;
use super::notify::Push;
use crate::accounts::model::MemberId;
use crate::error::CoreError;
use crate::network::state::node;

/// How many pushes an event stream may fall behind before it is told to re-read its counts.
const HUB_CAPACITY: usize = 1_024;

pub struct FeedState {
    pub index: FeedIndex,
    hub: broadcast::Sender<Push>,
}

impl Default for FeedState {
    fn default() -> Self {
        FeedState {
            index: FeedIndex::new(),
            hub: broadcast::channel(HUB_CAPACITY).0,
        }
    }
}

pub(crate) fn audience(v: PostVisibility) -> Audience {
    match v {
        PostVisibility::Anyone => Audience::Anyone,
        PostVisibility::Connections => Audience::Connections,
    }
}

pub(crate) fn activity(k: ActivityKind) -> Activity {
    match k {
        ActivityKind::Reacted => Activity::Reacted,
        ActivityKind::Commented => Activity::Commented,
        ActivityKind::Reposted => Activity::Reposted,
    }
}

fn counts(c: PostCounts) -> Counts {
    let n = |v: i64| u32::try_from(v.max(0)).unwrap_or(u32::MAX);
    Counts {
        reactions: n(c.reactions),
        comments: n(c.comments),
        reposts: n(c.reposts),
        impressions: n(c.impressions),
    }
}

impl FeedState {
    /// Builds the index from what the store loads: every post, recent activity and impressions.
    pub fn load(
        posts: &[IndexedPost],
        recent: &[PostActivity],
        seen: &[(MemberId, PostId, i64)],
    ) -> Result<FeedState, CoreError> {
        let state = FeedState::default();
        for p in posts {
            state.insert(p)?;
        }
        for a in recent {
            // Replaying history: counts are already in the rows, so only the actor's recent
            // activity and affinity are rebuilt (delta 0 would change nothing).
            state
                .index
                .replay_activity(a.post_id, node(a.actor_id)?, activity(a.kind), a.at);
        }
        for &(viewer, post, at) in seen {
            state.index.replay_impression(post, node(viewer)?, at);
        }
        Ok(state)
    }

    pub(crate) fn insert(&self, r: &IndexedPost) -> Result<(), CoreError> {
        self.index.insert(
            NewItem {
                id: r.id,
                author: node(r.author_id)?,
                created_ms: r.created_at,
                audience: audience(r.visibility),
                kind: match (r.kind, r.is_repost) {
                    (_, true) => ItemKind::Repost,
                    (PostKind::Post, false) => ItemKind::Post,
                    (PostKind::Article, false) => ItemKind::Article,
                    (PostKind::Update, false) => ItemKind::Update,
                },
                tags: r.hashtags.clone(),
            },
            counts(r.counts),
        );
        Ok(())
    }

    /// Sets the index's counts of a post from its row (after a change that moved several).
    pub(crate) fn sync_counts(&self, p: &Post) -> Result<(), CoreError> {
        // Re-inserting replaces the item in place with the row's counts.
        self.insert(&IndexedPost::from(p))
    }

    pub(crate) fn subscribe(&self) -> broadcast::Receiver<Push> {
        self.hub.subscribe()
    }

    /// Sends to open streams; nobody listening is fine.
    pub(crate) fn push(&self, p: Push) {
        let _ = self.hub.send(p);
    }
}

impl From<&Post> for IndexedPost {
    fn from(p: &Post) -> IndexedPost {
        IndexedPost {
            id: p.id,
            author_id: p.author_id,
            kind: p.kind,
            visibility: p.visibility,
            is_repost: p.repost_of.is_some() || p.repost_deleted,
            hashtags: p.hashtags.clone(),
            created_at: p.created_at,
            counts: p.counts,
        }
    }
}
