//! Reactions on posts and comments: one per member per item, changeable.

use serde::Serialize;

use super::model::*;
use super::views::PostView;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::network::state::node;
use crate::network::Person;
use crate::{now_ms, Guild};

/// Someone who reacted, as the viewer may see them.
#[derive(Debug, Clone, Serialize)]
pub struct Reactor {
    #[serde(skip)]
    pub person: Person,
    pub kind: ReactionKind,
}

impl Guild {
    /// Sets the viewer's reaction on a post they may read; the author hears of a new one.
    pub async fn react(&self, viewer: &Viewer, post: PostId, raw: &str) -> CoreResult<PostView> {
        let me = viewer.require()?.clone();
        let kind = ReactionKind::parse(raw).map_err(|m| CoreError::invalid("kind", m))?;
        let (p, _) = self.readable_post(viewer, post).await?;
        let now = now_ms();
        let before = self.store.set_reaction(post, me.id, kind, now).await?;
        if before.is_none() {
            self.feed
                .index
                .activity(post, node(me.id)?, guild_feed::Activity::Reacted, 1, now);
            self.notify_one(
                &me,
                p.author_id,
                NotificationKind::Reaction,
                Some(post),
                None,
                format!("reaction:{post}"),
            )
            .await?;
        }
        self.post(viewer, post).await
    }

    /// Takes the viewer's reaction back.
    pub async fn unreact(&self, viewer: &Viewer, post: PostId) -> CoreResult<PostView> {
        let me = Self::me(viewer)?;
        self.readable_post(viewer, post).await?;
        if self.store.remove_reaction(post, me).await? {
            self.feed
                .index
                .activity(post, node(me)?, guild_feed::Activity::Reacted, -1, now_ms());
        }
        self.post(viewer, post).await
    }

    /// Who reacted to a post the viewer may read, newest first (members hidden from the
    /// viewer left out).
    pub async fn reactors(&self, viewer: &Viewer, post: PostId) -> CoreResult<Vec<Reactor>> {
        self.readable_post(viewer, post).await?;
        let rows = self.store.reactors(post, 100).await?;
        let ids: Vec<_> = rows.iter().map(|(m, _)| *m).collect();
        let people = self.people_by_ids(viewer, &ids).await?;
        Ok(rows
            .into_iter()
            .filter_map(|(m, kind)| {
                people.iter().find(|p| p.card.id == m).map(|p| Reactor {
                    person: p.clone(),
                    kind,
                })
            })
            .collect())
    }

    /// Sets the viewer's reaction on a comment of a post they may read.
    pub async fn react_comment(&self, viewer: &Viewer, comment: i64, raw: &str) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let kind = ReactionKind::parse(raw).map_err(|m| CoreError::invalid("kind", m))?;
        self.readable_comment(viewer, comment).await?;
        self.store
            .set_comment_reaction(comment, me, kind, now_ms())
            .await?;
        Ok(())
    }

    pub async fn unreact_comment(&self, viewer: &Viewer, comment: i64) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        self.readable_comment(viewer, comment).await?;
        self.store.remove_comment_reaction(comment, me).await?;
        Ok(())
    }
}
