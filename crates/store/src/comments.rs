//! Comments and their replies (one level), for `FeedStore` in `posts.rs`: each write changes
//! the post's `comment_count` in the same transaction, and the rules of who may change a
//! comment are in the `WHERE` clauses.

use guild_core::accounts::model::MemberId;
use guild_core::feed::model::*;
use guild_core::store::StoreResult;

use crate::errors::reference_err;
use crate::posts::member_rows;
use crate::sql::{bind_all, exec, vals};
use crate::{db_err, with_pool, SqlStore};

#[derive(sqlx::FromRow)]
struct CommentRow {
    id: i64,
    post_id: i64,
    parent_id: Option<i64>,
    author_id: i64,
    body: String,
    body_html: String,
    created_at: i64,
    edited_at: Option<i64>,
    reaction_count: i64,
}

const COMMENT_COLS: &str =
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

impl SqlStore {
    /// Writes the comment and its mentions; the post gets one more comment.
    pub(crate) async fn insert_comment(&self, c: &NewComment) -> StoreResult<Comment> {
        let insert =
            "INSERT INTO comments (post_id, parent_id, author_id, body, body_html, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id";
        let comment = vals![
            c.post_id,
            c.parent_id,
            c.author_id,
            &c.body,
            &c.body_html,
            c.created_at,
        ];
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let id: i64 = bind_all!(sqlx::query_scalar(insert), &comment)
                .fetch_one(&mut *tx)
                .await
                .map_err(reference_err)?;
            exec!(
                tx,
                "UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1",
                [c.post_id]
            )?;
            if let Some(sql) =
                member_rows("comment_mentions (comment_id, member_id)", id, &c.mentions)
            {
                sqlx::query(&sql)
                    .execute(&mut *tx)
                    .await
                    .map_err(reference_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Comment {
                id,
                post_id: c.post_id,
                parent_id: c.parent_id,
                author_id: c.author_id,
                body: c.body.clone(),
                body_html: c.body_html.clone(),
                created_at: c.created_at,
                edited_at: None,
                reactions: 0,
            })
        })
    }

    pub(crate) async fn comment_by_id(&self, id: i64) -> StoreResult<Option<Comment>> {
        let sql = format!("SELECT {COMMENT_COLS} FROM comments WHERE id = $1");
        self.fetch_optional::<CommentRow, _>(&sql, &vals![id]).await
    }

    /// A post's comments and replies in id order (`comments_post`), after `after`.
    pub(crate) async fn comments_of(
        &self,
        post: PostId,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Comment>> {
        let sql = format!(
            "SELECT {COMMENT_COLS} FROM comments WHERE post_id = $1 AND id > $2 \
             ORDER BY id LIMIT $3"
        );
        self.fetch_all::<CommentRow, _>(&sql, &vals![post, after.unwrap_or(0), limit])
            .await
    }

    /// The comment author's edit; `None` when the comment is not theirs.
    pub(crate) async fn edit_comment(
        &self,
        id: i64,
        author: MemberId,
        body: &str,
        body_html: &str,
        now: i64,
    ) -> StoreResult<Option<Comment>> {
        let sql = format!(
            "UPDATE comments SET body = $1, body_html = $2, edited_at = $3 \
             WHERE id = $4 AND author_id = $5 RETURNING {COMMENT_COLS}"
        );
        self.fetch_optional::<CommentRow, _>(&sql, &vals![body, body_html, now, id, author])
            .await
    }

    /// Deletes the comment and its replies when `member` wrote it or wrote its post. The
    /// post's count drops first, by the comment and its replies (the rows the cascade is
    /// about to remove); no row changed there means neither rule held.
    pub(crate) async fn remove_comment(&self, id: i64, member: MemberId) -> StoreResult<bool> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let allowed = exec!(
                tx,
                "UPDATE posts SET comment_count = comment_count - \
                   (SELECT COUNT(*) FROM comments WHERE id = $1 OR parent_id = $1) \
                 WHERE id = (SELECT c.post_id FROM comments c JOIN posts o ON o.id = c.post_id \
                   WHERE c.id = $1 AND (c.author_id = $2 OR o.author_id = $2))",
                [id, member]
            )?
            .rows_affected();
            if allowed == 0 {
                return Ok(false);
            }
            // Replies, reactions, mentions and notifications go by cascade.
            exec!(tx, "DELETE FROM comments WHERE id = $1", [id])?;
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }
}
