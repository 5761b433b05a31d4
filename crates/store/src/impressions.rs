//! Impressions for `FeedStore` in `posts.rs`: one row per (post, viewer, day), and the post's
//! `impression_count` raised in the same transaction for exactly the rows written.

use guild_core::accounts::model::MemberId;
use guild_core::feed::model::PostId;
use guild_core::store::StoreResult;

use crate::sql::{exec, id_list};
use crate::{db_err, with_pool, SqlStore};

/// Records that `viewer` saw these posts on `day`; returns the posts that count one more
/// impression (the first time this viewer saw them that day).
pub(crate) async fn record_impressions(
    store: &SqlStore,
    viewer: MemberId,
    posts: &[PostId],
    day: i64,
    now: i64,
) -> StoreResult<Vec<PostId>> {
    if posts.is_empty() {
        return Ok(Vec::new());
    }
    // One row per (post, viewer, day): the insert returns only the rows it wrote, and
    // exactly those posts count one more. Posts deleted meanwhile are skipped.
    let insert = format!(
        "INSERT INTO post_impressions (post_id, viewer_id, day, first_at) \
         SELECT id, $1, $2, $3 FROM posts WHERE id IN ({}) \
         ON CONFLICT DO NOTHING RETURNING post_id",
        id_list(posts)
    );
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let mut counted: Vec<i64> = sqlx::query_scalar(&insert)
            .bind(viewer)
            .bind(day)
            .bind(now)
            .fetch_all(&mut *tx)
            .await
            .map_err(db_err)?;
        if counted.is_empty() {
            return Ok(counted);
        }
        counted.sort_unstable();
        exec!(
            tx,
            &format!(
                "UPDATE posts SET impression_count = impression_count + 1 WHERE id IN ({})",
                id_list(&counted)
            ),
            []
        )?;
        tx.commit().await.map_err(db_err)?;
        Ok(counted)
    })
}
