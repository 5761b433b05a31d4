//! Comments with one level of replies: write, read, edit and delete one's own; a post's
//! author may delete any comment on it.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::model::*;
use crate::auth::Viewer;
use crate::error::Code;
use crate::error::{CoreError, CoreResult};
use crate::lengths;
use crate::network::state::node;
use crate::network::Person;
use crate::paging::{Page, PageRequest};
use crate::{now_ms, Guild};

#[derive(Debug, Clone, Default, Deserialize)]
pub struct CommentInput {
    pub body: String,
    pub parent_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CommentView {
    #[serde(skip)]
    pub comment: Comment,
    #[serde(skip)]
    pub author: Person,
    pub my_reaction: Option<ReactionKind>,
    /// The viewer wrote it (may edit and delete).
    pub mine: bool,
    /// The viewer may delete it (wrote it, or wrote the post).
    pub can_delete: bool,
}

fn check_body(raw: &str) -> CoreResult<String> {
    let body = raw.trim().to_string();
    let n = body.chars().count();
    if body.is_empty() {
        return Err(CoreError::invalid("body", "Write a comment first."));
    }
    if n > lengths::COMMENT {
        return Err(CoreError::invalid(
            "body",
            format!(
                "A comment is at most {} characters; this one has {n}.",
                lengths::COMMENT
            ),
        ));
    }
    if body
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(CoreError::invalid(
            "body",
            "The text contains control characters.",
        ));
    }
    Ok(body)
}

impl Guild {
    /// A comment on a post the viewer may read, by a member not hidden from them.
    pub(crate) async fn readable_comment(
        &self,
        viewer: &Viewer,
        id: i64,
    ) -> CoreResult<(Comment, Post)> {
        let c = self.store.comment(id).await?.ok_or(CoreError::NotFound)?;
        if self.is_hidden(viewer, c.author_id) {
            return Err(CoreError::NotFound);
        }
        let (post, _) = self.readable_post(viewer, c.post_id).await?;
        Ok((c, post))
    }

    /// Comments on (or, with `parent_id`, replies in) a post the viewer may read. The post's
    /// author hears of it; so does the author of the comment replied to, and anyone mentioned
    /// who may read the post.
    pub async fn add_comment(
        &self,
        viewer: &Viewer,
        post_id: PostId,
        input: &CommentInput,
    ) -> CoreResult<CommentView> {
        let me = viewer.require()?.clone();
        let body = check_body(&input.body)?;
        let (post, _) = self.readable_post(viewer, post_id).await?;
        let parent = match input.parent_id {
            Some(pid) => {
                let (c, _) = self.readable_comment(viewer, pid).await.map_err(|_| {
                    CoreError::invalid("parent_id", "That comment is not on this post.")
                })?;
                if c.post_id != post_id {
                    return Err(CoreError::invalid(
                        "parent_id",
                        "That comment is not on this post.",
                    ));
                }
                // One level of replies: a reply to a reply joins the same thread.
                Some(match c.parent_id {
                    Some(top) => (top, c.author_id),
                    None => (c.id, c.author_id),
                })
            }
            None => None,
        };
        self.comment_limit(&me).await?;
        let (body_html, _tags, mentioned) = self
            .render_text(viewer, &body, crate::markup::Blocks::Post)
            .await?;
        let now = now_ms();
        let comment = self
            .store
            .create_comment(&NewComment {
                post_id,
                parent_id: parent.map(|(top, _)| top),
                author_id: me.id,
                body,
                body_html,
                mentions: mentioned.iter().map(|m| m.id).collect(),
                created_at: now,
            })
            .await?;
        self.feed.index.activity(
            post_id,
            node(me.id)?,
            guild_feed::Activity::Commented,
            1,
            now,
        );
        let key = format!("comment:{}", comment.id);
        self.notify_one(
            &me,
            post.author_id,
            NotificationKind::Comment,
            Some(post_id),
            Some(comment.id),
            key.clone(),
        )
        .await?;
        if let Some((_, replied_to)) = parent {
            // Only someone who may still read the post hears of a reply in it.
            if replied_to != post.author_id && self.member_can_read(replied_to, &post).await? {
                self.notify_one(
                    &me,
                    replied_to,
                    NotificationKind::Reply,
                    Some(post_id),
                    Some(comment.id),
                    key,
                )
                .await?;
            }
        }
        self.notify_mentions(&me, &post, Some(comment.id), &mentioned)
            .await?;
        let author = self
            .people_by_ids(viewer, &[me.id])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        Ok(CommentView {
            comment,
            author,
            my_reaction: None,
            mine: true,
            can_delete: true,
        })
    }

    async fn comment_limit(&self, me: &crate::accounts::model::Member) -> CoreResult<()> {
        let max = self.settings.limits.comments_per_hour;
        self.per_hour(
            Code::RateLimited,
            &format!("comments:{}", me.id),
            max,
            |lift| {
                format!(
                    "You can write {max} comments an hour. Try again after {}.",
                    lift.at
                )
            },
        )
        .await
    }

    /// A post's comments and replies, oldest first, as the viewer may see them.
    pub async fn comments(
        &self,
        viewer: &Viewer,
        post_id: PostId,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<CommentView>> {
        let page = PageRequest::<i64>::new(cursor, limit)?;
        let (post, _) = self.readable_post(viewer, post_id).await?;
        let rows = self
            .store
            .comments(post_id, page.after, page.fetch())
            .await?;
        let (rows, next_cursor) = page.finish(rows, |c| c.id);
        let ids: Vec<_> = rows.iter().map(|c| c.author_id).collect();
        let people: HashMap<_, Person> = self
            .people_by_ids(viewer, &ids)
            .await?
            .into_iter()
            .map(|p| (p.card.id, p))
            .collect();
        let me = viewer.id();
        let mine: HashMap<i64, ReactionKind> = match me {
            Some(m) if !rows.is_empty() => {
                let cids: Vec<i64> = rows.iter().map(|c| c.id).collect();
                self.store
                    .my_comment_reactions(m, &cids)
                    .await?
                    .into_iter()
                    .collect()
            }
            _ => HashMap::new(),
        };
        let items = rows
            .into_iter()
            .filter_map(|c| {
                let author = people.get(&c.author_id)?.clone();
                let is_mine = me == Some(c.author_id);
                Some(CommentView {
                    my_reaction: mine.get(&c.id).copied(),
                    mine: is_mine,
                    can_delete: is_mine || me == Some(post.author_id),
                    comment: c,
                    author,
                })
            })
            .collect();
        Ok(Page { items, next_cursor })
    }

    /// The comment's author edits it. Someone else's: not found.
    pub async fn edit_comment(
        &self,
        viewer: &Viewer,
        id: i64,
        raw: &str,
    ) -> CoreResult<CommentView> {
        let me = Self::me(viewer)?;
        let body = check_body(raw)?;
        let (body_html, _, _) = self
            .render_text(viewer, &body, crate::markup::Blocks::Post)
            .await?;
        let comment = self
            .store
            .update_comment(id, me, &body, &body_html, now_ms())
            .await?
            .ok_or(CoreError::NotFound)?;
        let author = self
            .people_by_ids(viewer, &[me])
            .await?
            .pop()
            .ok_or(CoreError::NotFound)?;
        Ok(CommentView {
            my_reaction: None,
            mine: true,
            can_delete: true,
            comment,
            author,
        })
    }

    /// Deletes a comment (and its replies): the comment's author or the post's author may.
    pub async fn delete_comment(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let post_id = self.store.comment(id).await?.map(|c| c.post_id);
        if !self.store.delete_comment(id, me).await? {
            return Err(CoreError::NotFound);
        }
        if let Some(pid) = post_id {
            if let Some(p) = self.store.post(pid).await? {
                self.feed.sync_counts(&p)?;
            }
        }
        Ok(())
    }
}
