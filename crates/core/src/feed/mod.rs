//! Posts, articles, reactions, comments, reposts, impressions, hashtags, the ranked home feed
//! and notifications.
//!
//! Every service takes the [`Viewer`] and decides here, once, what they may read or change:
//! [`Guild::can_read`] is the one visibility rule for a post (its author is not blocked either
//! way; "connections" posts only for the author's connections). Writes go to the store first;
//! the in-memory index ([`state::FeedState`]) changes only after the commit.

use std::collections::{HashMap, HashSet};

use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::domain::Visibility;
use crate::error::{CoreError, CoreResult};
use crate::network::Person;
use crate::Guild;

mod comments;
pub mod engagement;
mod home;
pub mod model;
mod news;
mod notify;
mod posts;
mod reactions;
pub(crate) mod sources;
pub mod state;
pub mod store;
mod views;

pub use comments::{CommentInput, CommentView};
pub use home::{FeedItem, FeedView, HashtagView, Why, FEED_PAGE, FEED_PAGE_MAX};
pub use notify::{NotificationView, Push};
pub use posts::{ComposedPost, PostInput, PostStats};
pub use reactions::Reactor;
pub use views::{media_url, PostView};

use model::{Post, PostVisibility};

pub const MAX_IMAGES: usize = 4;
/// The longer side of a post image, in pixels, after re-encoding.
pub const IMAGE_SIDE: u32 = 1_600;

impl Guild {
    /// The one rule: may this viewer read this post? The author is not hidden by a block
    /// either way; "connections" posts go to the author and their connections only; anonymous
    /// visitors read "anyone" posts of members whose profile is public.
    pub(crate) fn can_read(&self, viewer: &Viewer, post: &Post, author_vis: Visibility) -> bool {
        if viewer.is(post.author_id) {
            return true;
        }
        if self.is_hidden(viewer, post.author_id) {
            return false;
        }
        match (post.visibility, viewer.id()) {
            (PostVisibility::Connections, Some(_)) => self.is_connected(viewer, post.author_id),
            (PostVisibility::Connections, None) => false,
            (PostVisibility::Anyone, Some(_)) => true,
            (PostVisibility::Anyone, None) => author_vis == Visibility::Public,
        }
    }

    /// A post the viewer may read, with its author's card; otherwise "not found" (a post one
    /// may not read is indistinguishable from one that does not exist).
    pub(crate) async fn readable_post(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> CoreResult<(Post, Person)> {
        let post = self.store.post(id).await?.ok_or(CoreError::NotFound)?;
        let author = self
            .people_by_ids(viewer, &[post.author_id])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        if !self.can_read(viewer, &post, author.card.visibility) {
            return Err(CoreError::NotFound);
        }
        Ok((post, author))
    }

    /// Keeps the posts the viewer may read, with their authors decorated for the viewer, in
    /// one card query.
    pub(crate) async fn readable_posts(
        &self,
        viewer: &Viewer,
        posts: Vec<Post>,
    ) -> CoreResult<Vec<(Post, Person)>> {
        let ids: Vec<MemberId> = posts
            .iter()
            .map(|p| p.author_id)
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut people: HashMap<MemberId, Person> = self
            .people_by_ids(viewer, &ids)
            .await?
            .into_iter()
            .map(|p| (p.card.id, p))
            .collect();
        let mut out = Vec::with_capacity(posts.len());
        for post in posts {
            let Some(author) = people.get(&post.author_id) else {
                continue;
            };
            if self.can_read(viewer, &post, author.card.visibility) {
                let author = author.clone();
                out.push((post, author));
            }
        }
        people.clear();
        Ok(out)
    }
}
