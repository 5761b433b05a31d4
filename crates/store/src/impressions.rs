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

/// `INSERT INTO {into}` the rows that `join` keeps (those whose post or members still exist),
/// in key order, skipping rows already there. Only integers made by core are written into
/// the statement, never text from input.
fn insert_rows(
    into: &str,
    rows: impl Iterator<Item = [i64; 4]>,
    join: &str,
    returning: &str,
) -> String {
    let values: Vec<String> = rows
        .map(|[a, b, c, d]| format!("({a}, {b}, {c}, {d})"))
        .collect();
    format!(
        "INSERT INTO {into} SELECT v.column1, v.column2, v.column3, v.column4 \
         FROM (VALUES {}) AS v {join} \
         WHERE true ORDER BY v.column1, v.column2, v.column3 ON CONFLICT DO NOTHING{returning}",
        values.join(", ")
    )
}

/// Writes the impressions not yet counted (duplicates and posts or viewers gone are
/// skipped) and returns them.
pub(crate) async fn record_impressions(
    store: &SqlStore,
    seen: &[Impression],
) -> StoreResult<Vec<Impression>> {
    let mut once = HashSet::new();
    let mut seen: Vec<&Impression> = seen
        .iter()
        .filter(|i| once.insert((i.post, i.viewer, i.day)))
        .collect();
    // Rows and posts are written in key order, as every batch writes them: two nodes' batches
    // that share a row or a post wait for each other instead of deadlocking.
    seen.sort_by_key(|i| (i.post, i.viewer, i.day));
    if seen.is_empty() {
        return Ok(Vec::new());
    }
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let mut counted = Vec::new();
        for chunk in seen.chunks(CHUNK) {
            // The insert returns only the rows it wrote, and exactly those count.
            let insert = insert_rows(
                "post_impressions (post_id, viewer_id, day, first_at)",
                chunk.iter().map(|i| [i.post, i.viewer, i.day, i.at]),
                "JOIN posts p ON p.id = v.column1 JOIN members m ON m.id = v.column2",
                " RETURNING post_id, viewer_id, day, first_at",
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
        // Each post goes up by its number of new rows, all in one statement per chunk of posts
        // (in id order, as the rows above).
        let mut per_post: BTreeMap<i64, i64> = BTreeMap::new();
        for i in &counted {
            *per_post.entry(i.post).or_default() += 1;
        }
        let per_post: Vec<(i64, i64)> = per_post.into_iter().collect();
        for chunk in per_post.chunks(CHUNK) {
            let ids: Vec<i64> = chunk.iter().map(|(post, _)| *post).collect();
            let by: String = chunk
                .iter()
                .map(|(post, n)| format!(" WHEN {post} THEN {n}"))
                .collect();
            exec!(
                tx,
                &format!(
                    "UPDATE posts SET impression_count = impression_count + CASE id{by} END \
                     WHERE id IN ({})",
                    id_list(&ids)
                ),
                []
            )?;
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
    // In key order, as for impressions above.
    let mut views: Vec<&ProfileViewed> = views.iter().collect();
    views.sort_by_key(|v| (v.member, v.day, v.viewer));
    views.dedup_by_key(|v| (v.member, v.day, v.viewer));
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        for chunk in views.chunks(CHUNK) {
            let insert = insert_rows(
                "profile_views (member_id, day, viewer_id, viewed_at)",
                chunk.iter().map(|v| [v.member, v.day, v.viewer, v.at]),
                "JOIN members m ON m.id = v.column1 JOIN members w ON w.id = v.column3",
                "",
            );
            exec!(tx, &insert, [])?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok(())
    })
}
