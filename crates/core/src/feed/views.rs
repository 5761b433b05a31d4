//! Posts as a viewer sees them: the author's card decorated for the viewer, the viewer's own
//! reaction, and for a repost the original it credits — built for a whole page with one query
//! of each kind (no query per post).

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::network::Person;
use crate::Guild;

#[derive(Debug, Clone, Serialize)]
pub struct PostView {
    #[serde(skip)]
    pub post: Post,
    #[serde(skip)]
    pub author: Person,
    /// The viewer's reaction, if any.
    pub my_reaction: Option<ReactionKind>,
    /// How many of each kind the post has, most used first (the reaction summary).
    #[serde(skip)]
    pub reaction_kinds: Vec<(ReactionKind, i64)>,
    /// The viewer wrote it (may edit, delete, see its statistics).
    pub mine: bool,
    /// A repost: the original it credits, when the viewer may still read it.
    #[serde(skip)]
    pub original: Option<Box<PostView>>,
}

impl PostView {
    pub fn edited(&self) -> bool {
        self.post.edited_at.is_some()
    }
    /// "Reposted a post that was deleted" and the like: a repost whose original is gone or
    /// no longer readable.
    pub fn original_missing(&self) -> bool {
        (self.post.repost_of.is_some() || self.post.repost_deleted) && self.original.is_none()
    }
    /// Image URLs of the post.
    pub fn image_urls(&self) -> Vec<String> {
        self.post.images.iter().map(|k| media_url(k)).collect()
    }
    pub fn cover_url(&self) -> Option<String> {
        self.post.cover.as_deref().map(media_url)
    }
    /// Whether the viewer may repost it: what [`Guild::repost`] decides, asked beforehand so
    /// that pages offer the button only where it works. A plain repost is reposted as the
    /// original it carries.
    pub fn can_repost(&self) -> bool {
        let target = match (self.post.repost_of, self.post.body.is_empty()) {
            (Some(_), true) => match &self.original {
                Some(o) => o,
                None => return false,
            },
            _ => self,
        };
        not_repostable_by(&target.post, target.mine).is_none()
    }

    /// Where the post lives: articles have a page of their own.
    pub fn url(&self) -> String {
        match self.post.kind {
            PostKind::Article => format!("/articles/{}", self.post.id),
            _ => format!("/posts/{}", self.post.id),
        }
    }
}

/// Why a post cannot be reposted, if it cannot: a connections-only post stays with its
/// audience, and a repost of one's own post would only show it twice.
pub(crate) fn not_repostable(post: &Post, me: MemberId) -> Option<&'static str> {
    not_repostable_by(post, post.author_id == me)
}

fn not_repostable_by(post: &Post, own: bool) -> Option<&'static str> {
    if own {
        Some("You cannot repost your own post.")
    } else if post.visibility != PostVisibility::Anyone {
        Some("Posts shared with connections only cannot be reposted.")
    } else {
        None
    }
}

pub fn media_url(key: &str) -> String {
    format!("/media/posts/{key}.jpg")
}

impl Guild {
    pub(crate) async fn post_view(&self, viewer: &Viewer, post: Post) -> CoreResult<PostView> {
        self.post_views(viewer, vec![post])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)
    }

    /// Views of these posts in the order given; posts the viewer may not read are left out.
    pub(crate) async fn post_views(
        &self,
        viewer: &Viewer,
        posts: Vec<Post>,
    ) -> CoreResult<Vec<PostView>> {
        let page: Vec<PostId> = posts.iter().map(|p| p.id).collect();
        let wanted: HashSet<PostId> = page.iter().copied().collect();
        let originals: Vec<PostId> = posts
            .iter()
            .filter_map(|p| p.repost_of)
            .filter(|id| !wanted.contains(id))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        let mut all = posts;
        if !originals.is_empty() {
            all.extend(self.store.posts_by_ids(&originals).await?);
        }
        let readable: HashMap<PostId, (Post, Person)> = self
            .readable_posts(viewer, all)
            .await?
            .into_iter()
            .map(|(p, a)| (p.id, (p, a)))
            .collect();
        let ids: Vec<PostId> = readable.keys().copied().collect();
        let mut mine: HashMap<PostId, ReactionKind> = HashMap::new();
        let mut kinds: HashMap<PostId, Vec<(ReactionKind, i64)>> = HashMap::new();
        for t in self.store.reaction_counts_for(&ids, viewer.id()).await? {
            if t.mine {
                mine.insert(t.post, t.kind);
            }
            kinds.entry(t.post).or_default().push((t.kind, t.count));
        }
        for list in kinds.values_mut() {
            list.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.as_str().cmp(b.0.as_str())));
        }
        let me: Option<MemberId> = viewer.id();
        let view = |id: PostId| -> Option<PostView> {
            readable.get(&id).map(|(post, author)| PostView {
                my_reaction: mine.get(&id).copied(),
                reaction_kinds: kinds.get(&id).cloned().unwrap_or_default(),
                mine: me == Some(post.author_id),
                original: None,
                post: post.clone(),
                author: author.clone(),
            })
        };
        Ok(page
            .iter()
            .filter_map(|&id| {
                let mut v = view(id)?;
                v.original = v.post.repost_of.and_then(view).map(Box::new);
                Some(v)
            })
            .collect())
    }
}
