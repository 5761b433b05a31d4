//! Row types of the feed tables as both backends return them, their conversion to core's
//! models, and the helpers the feed's statements share.

use guild_core::feed::model::*;
use guild_core::store::StoreError;

use crate::db_err;
use crate::sql::{Sql, Val};

/// Like [`db_err`], but a missing referenced row (the post reacted to or commented on, the
/// original of a repost, a mentioned member) is "not found" rather than a backend failure.
pub(crate) fn feed_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_foreign_key_violation() {
            return StoreError::NotFound;
        }
    }
    db_err(e)
}

/// Media keys and folded hashtags are stored comma-separated ('' for none); neither can
/// contain a comma (random keys; tags are word characters).
pub(crate) fn join_list(items: &[String]) -> String {
    items.join(",")
}

pub(crate) fn split_list(s: &str) -> Vec<String> {
    s.split(',')
        .filter(|t| !t.is_empty())
        .map(str::to_string)
        .collect()
}

#[derive(sqlx::FromRow)]
pub(crate) struct PostRow {
    pub id: i64,
    pub author_id: i64,
    pub kind: String,
    pub title: Option<String>,
    pub body: String,
    pub body_html: String,
    pub visibility: String,
    pub repost_of: Option<i64>,
    pub repost_deleted: bool,
    pub images: String,
    pub cover: Option<String>,
    pub hashtags: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub reaction_count: i64,
    pub comment_count: i64,
    pub repost_count: i64,
    pub impression_count: i64,
}

pub(crate) const POST_COLS: &str = "id, author_id, kind, title, body, body_html, visibility, \
     repost_of, repost_deleted, images, cover, hashtags, created_at, edited_at, \
     reaction_count, comment_count, repost_count, impression_count";

impl From<PostRow> for Post {
    fn from(r: PostRow) -> Post {
        Post {
            id: r.id,
            author_id: r.author_id,
            kind: PostKind::from_db(&r.kind),
            title: r.title,
            body: r.body,
            body_html: r.body_html,
            visibility: PostVisibility::from_db(&r.visibility),
            repost_of: r.repost_of,
            repost_deleted: r.repost_deleted,
            images: split_list(&r.images),
            cover: r.cover,
            hashtags: split_list(&r.hashtags),
            created_at: r.created_at,
            edited_at: r.edited_at,
            counts: PostCounts {
                reactions: r.reaction_count,
                comments: r.comment_count,
                reposts: r.repost_count,
                impressions: r.impression_count,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct FeedRowRow {
    pub id: i64,
    pub author_id: i64,
    pub kind: String,
    pub visibility: String,
    pub repost_of: Option<i64>,
    pub repost_deleted: bool,
    pub hashtags: String,
    pub created_at: i64,
    pub reaction_count: i64,
    pub comment_count: i64,
    pub repost_count: i64,
    pub impression_count: i64,
}

pub(crate) const FEED_ROW_COLS: &str = "id, author_id, kind, visibility, repost_of, \
     repost_deleted, hashtags, created_at, reaction_count, comment_count, repost_count, \
     impression_count";

impl From<FeedRowRow> for FeedRow {
    fn from(r: FeedRowRow) -> FeedRow {
        FeedRow {
            id: r.id,
            author_id: r.author_id,
            kind: PostKind::from_db(&r.kind),
            visibility: PostVisibility::from_db(&r.visibility),
            is_repost: r.repost_of.is_some() || r.repost_deleted,
            hashtags: split_list(&r.hashtags),
            created_at: r.created_at,
            counts: PostCounts {
                reactions: r.reaction_count,
                comments: r.comment_count,
                reposts: r.repost_count,
                impressions: r.impression_count,
            },
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct CommentRow {
    pub id: i64,
    pub post_id: i64,
    pub parent_id: Option<i64>,
    pub author_id: i64,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub reaction_count: i64,
}

pub(crate) const COMMENT_COLS: &str =
    "id, post_id, parent_id, author_id, body, body_html, created_at, edited_at, reaction_count";

impl From<CommentRow> for Comment {
    fn from(r: CommentRow) -> Comment {
        Comment {
            id: r.id,
            post_id: r.post_id,
            parent_id: r.parent_id,
            author_id: r.author_id,
            body: r.body,
            body_html: r.body_html,
            created_at: r.created_at,
            edited_at: r.edited_at,
            reactions: r.reaction_count,
        }
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct NotificationRow {
    pub id: i64,
    pub member_id: i64,
    pub kind: String,
    pub actor_id: i64,
    pub count: i64,
    pub post_id: Option<i64>,
    pub comment_id: Option<i64>,
    pub invitation_id: Option<i64>,
    pub group_key: String,
    pub created_at: i64,
    pub read_at: Option<i64>,
}

pub(crate) const NOTIFICATION_COLS: &str = "id, member_id, kind, actor_id, count, post_id, \
     comment_id, invitation_id, group_key, created_at, read_at";

impl NotificationRow {
    /// Kinds are only ever written from [`NotificationKind::as_str`]; a row of a kind this
    /// build does not know is left out.
    pub(crate) fn into_model(self) -> Option<Notification> {
        Some(Notification {
            id: self.id,
            member_id: self.member_id,
            kind: NotificationKind::parse(&self.kind)?,
            actor_id: self.actor_id,
            count: self.count,
            post_id: self.post_id,
            comment_id: self.comment_id,
            invitation_id: self.invitation_id,
            group_key: self.group_key,
            created_at: self.created_at,
            read_at: self.read_at,
        })
    }
}

pub(crate) fn notifications(rows: Vec<NotificationRow>) -> Vec<Notification> {
    rows.into_iter()
        .filter_map(NotificationRow::into_model)
        .collect()
}

/// ` AND kind IN ($n, …)` for these notification kinds, as values of `sql`.
pub(crate) fn push_kinds(sql: &mut Sql, kinds: &[NotificationKind]) {
    let places: Vec<String> = kinds
        .iter()
        .map(|k| sql.arg(Val::Text(k.as_str().to_string())))
        .collect();
    sql.push(&format!(" AND kind IN ({})", places.join(", ")));
}
