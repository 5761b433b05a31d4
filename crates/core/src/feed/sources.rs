//! What each member's home feed is made from besides their connections — the members and
//! hashtags they follow — and in which order they chose to read it, kept in memory once read.
//!
//! Read from the store the first time a member's feed is asked for, then kept until one of
//! those changes: through this node (the services forget the entry after their write) or
//! through another (the change stream's `follow`, `hashtag_follow` and `member` changes, see
//! `stream::apply`; the feed order is a member setting, migration 0014). A full reload
//! forgets everything.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use crate::accounts::model::MemberId;
use crate::error::CoreResult;
use crate::feed::model::FeedSort;
use crate::network::state::node;
use crate::Guild;

/// Entries kept at most; past this the cache starts again empty (each entry is a few
/// hundred bytes, so this bounds it to some tens of megabytes).
const KEPT: usize = 200_000;

#[derive(Debug)]
pub(crate) struct FeedSources {
    /// The order the member last chose.
    pub sort: FeedSort,
    /// Members followed, as graph nodes, sorted.
    pub following: Vec<u32>,
    /// Hashtags followed (folded).
    pub hashtags: Vec<String>,
}

#[derive(Default)]
pub(crate) struct SourcesCache {
    map: RwLock<HashMap<MemberId, Arc<FeedSources>>>,
    /// Moves on every forgetting. What was read from the store while it moved may predate
    /// the change that made it move, so it is used but not kept.
    generation: AtomicU64,
}

impl SourcesCache {
    pub(crate) fn forget(&self, member: MemberId) {
        if let Ok(mut m) = self.map.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            m.remove(&member);
        }
    }

    pub(crate) fn forget_all(&self) {
        if let Ok(mut m) = self.map.write() {
            self.generation.fetch_add(1, Ordering::AcqRel);
            m.clear();
        }
    }

    fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    fn get(&self, member: MemberId) -> Option<Arc<FeedSources>> {
        self.map.read().ok()?.get(&member).cloned()
    }

    /// Keeps `sources`, read when the generation was `read_at`, unless something was
    /// forgotten since.
    fn keep(&self, member: MemberId, sources: Arc<FeedSources>, read_at: u64) {
        if let Ok(mut m) = self.map.write() {
            if self.generation() != read_at {
                return;
            }
            if m.len() >= KEPT {
                m.clear();
            }
            m.insert(member, sources);
        }
    }
}

impl Guild {
    /// The members and hashtags `me` follows, from memory when already read.
    pub(crate) async fn feed_sources(&self, me: MemberId) -> CoreResult<Arc<FeedSources>> {
        if let Some(s) = self.feed_sources.get(me) {
            return Ok(s);
        }
        let read_at = self.feed_sources.generation();
        let mut following: Vec<u32> = self
            .store
            .following_ids(me)
            .await?
            .into_iter()
            .filter_map(|id| node(id).ok())
            .collect();
        following.sort_unstable();
        let hashtags = self.store.followed_hashtags(me).await?;
        let sort = self.store.feed_prefs(me).await?.sort;
        let sources = Arc::new(FeedSources {
            sort,
            following,
            hashtags,
        });
        self.feed_sources.keep(me, Arc::clone(&sources), read_at);
        Ok(sources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sources() -> Arc<FeedSources> {
        Arc::new(FeedSources {
            sort: FeedSort::Recent,
            following: vec![2],
            hashtags: vec![],
        })
    }

    #[test]
    fn what_was_read_before_a_change_is_not_kept() {
        let cache = SourcesCache::default();
        let read_at = cache.generation();
        // A follow is written and forgotten while the read was under way.
        cache.forget(7);
        cache.keep(7, sources(), read_at);
        assert!(cache.get(7).is_none());
        // Read again after it: kept.
        cache.keep(7, sources(), cache.generation());
        assert_eq!(cache.get(7).map(|s| s.following.clone()), Some(vec![2]));
        cache.forget_all();
        assert!(cache.get(7).is_none());
    }
}
