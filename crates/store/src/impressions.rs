//! Impressions for `FeedStore` in `posts.rs` and profile views for `ProfileStore`, written
//! in batches (core's `seen` module gathers them): one row per (post, viewer, day) or
//! (member, day, viewer), and each post's `impression_count` raised in the same transaction
//! for exactly the rows written.

use std::collections::{BTreeMap, HashSet};

use guild_core::feed::model::Impression;
use guild_core::profiles::model::ProfileViewed;
use guild_core::store::StoreResult;

use crate::sql::{exec, id_list};
use crate::{db_err, with_pool, SqlStore};

/// Rows per statement: well under every limit of either backend.
const CHUNK: usize = 400;

/// Writes the impressions not yet counted (duplicates and posts or viewers gone are
/// skipped) and returns them.
pub(crate) async fn record_impressions(
    store: &SqlStore,
    seen: &[Impression],
) -> StoreResult<Vec<Impression>> {
    let mut once = HashSet::new();
    let seen: Vec<&Impression> = seen
        .iter()
        .filter(|i| once.insert((i.post, i.viewer, i.day)))
        .collect();
    if seen.is_empty() {
        return Ok(Vec::new());
    }
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let mut counted = Vec::new();
        for chunk in seen.chunks(CHUNK) {
            // Only integers made by core are inlined, never text from input. The insert
            // returns only the rows it wrote, and exactly those count.
            let values: Vec<String> = chunk
                .iter()
                .map(|i| format!("({}, {}, {}, {})", i.post, i.viewer, i.day, i.at))
                .collect();
            let insert = format!(
                "INSERT INTO post_impressions (post_id, viewer_id, day, first_at) \
                 SELECT v.column1, v.column2, v.column3, v.column4 \
                 FROM (VALUES {}) AS v \
                 JOIN posts p ON p.id = v.column1 JOIN members m ON m.id = v.column2 \
                 WHERE true ON CONFLICT DO NOTHING \
                 RETURNING post_id, viewer_id, day, first_at",
                values.join(", ")
            );
            let rows: Vec<(i64, i64, i64, i64)> = sqlx::query_as(&insert)
                .fetch_all(&mut *tx)
                .await
                .map_err(db_err)?;
            counted.extend(rows.into_iter().map(|(post, viewer, day, at)| Impression {
                post,
                viewer,
                day,
                at,
            }));
        }
        // Each post goes up by its number of new rows; posts sharing a number share a statement.
        let mut per_post: BTreeMap<i64, i64> = BTreeMap::new();
        for i in &counted {
            *per_post.entry(i.post).or_default() += 1;
        }
        let mut by_n: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
        for (post, n) in per_post {
            by_n.entry(n).or_default().push(post);
        }
        for (n, posts) in by_n {
            for chunk in posts.chunks(CHUNK) {
                exec!(
                    tx,
                    &format!(
                        "UPDATE posts SET impression_count = impression_count + {n} WHERE id IN ({})",
                        id_list(chunk)
                    ),
                    []
                )?;
            }
        }
        tx.commit().await.map_err(db_err)?;
        Ok(counted)
    })
}

/// Writes the profile views not yet noted that day; views of members gone are skipped.
pub(crate) async fn record_profile_views(
    store: &SqlStore,
    views: &[ProfileViewed],
) -> StoreResult<()> {
    if views.is_empty() {
        return Ok(());
    }
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        for chunk in views.chunks(CHUNK) {
            let values: Vec<String> = chunk
                .iter()
                .map(|v| format!("({}, {}, {}, {})", v.member, v.day, v.viewer, v.at))
                .collect();
            let insert = format!(
                "INSERT INTO profile_views (member_id, day, viewer_id, viewed_at) \
                 SELECT v.column1, v.column2, v.column3, v.column4 \
                 FROM (VALUES {}) AS v \
                 JOIN members m ON m.id = v.column1 JOIN members w ON w.id = v.column3 \
                 WHERE true ON CONFLICT DO NOTHING",
                values.join(", ")
            );
            exec!(tx, &insert, [])?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(())
    })
}
