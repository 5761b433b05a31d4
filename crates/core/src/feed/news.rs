//! "News from your network" beside the home feed: the newest network updates of the viewer's
//! connections ("started a new position at Acme"), then their newest posts, from the
//! in-memory feed index with the posts read in one query. Reading it records no impression.

use guild_feed::{Cursor, FeedQuery, ItemKind, Sort, Sources};

use super::views::PostView;
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::CoreResult;
use crate::network::state::node;
use crate::{now_ms, Guild};

/// Recent items looked at to pick the news from.
const NEWS_CANDIDATES: usize = 30;

impl Guild {
    /// Up to `limit` recent items from the viewer's connections, network updates first, each
    /// group newest first.
    pub async fn network_news(&self, viewer: &Viewer, limit: usize) -> CoreResult<Vec<PostView>> {
        let me = Self::me(viewer)?;
        let my_node = node(me)?;
        let snap = self.network.snapshot();
        let mut connections: Vec<u32> = snap.neighbours(my_node).to_vec();
        connections.sort_unstable();
        if connections.is_empty() {
            return Ok(Vec::new());
        }
        let hidden = self.network.hidden_from(me);
        let is_hidden = |m: u32| hidden.contains(&MemberId::from(m));
        let degree = |m: u32| snap.degree(my_node, m);
        let page = self.feed.index.feed(
            &FeedQuery {
                viewer: my_node,
                now_ms: now_ms(),
                sort: Sort::Recent,
                cursor: Cursor::Start,
                limit: NEWS_CANDIDATES,
            },
            &Sources {
                connections: &connections,
                following: &[],
                hashtags: &[],
                hidden: &is_hidden,
                degree: &degree,
            },
        );
        // Activity items ("Bob commented on this") may be anyone's posts: only the
        // connections' own are news here.
        let own = |r: &&guild_feed::Ranked| connections.binary_search(&r.author).is_ok();
        let updates = page
            .items
            .iter()
            .filter(own)
            .filter(|r| r.kind == ItemKind::Update);
        let posts = page
            .items
            .iter()
            .filter(own)
            .filter(|r| r.kind != ItemKind::Update);
        let mut ids: Vec<i64> = Vec::new();
        for r in updates.chain(posts) {
            if !ids.contains(&r.id) {
                ids.push(r.id);
            }
        }
        ids.truncate(limit);
        let mut posts = self.store.posts_by_ids(&ids).await?;
        posts.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
        self.post_views(viewer, posts).await
    }
}
