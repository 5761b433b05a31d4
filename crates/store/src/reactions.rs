//! Reactions on posts and comments for [`SqlStore`]: one row per member per item, the
//! item's counter changed in the same transaction (a new reaction adds one; a change of
//! kind does not).

use guild_core::accounts::model::MemberId;
use guild_core::feed::model::*;
use guild_core::store::StoreResult;

use crate::errors::reference_err;
use crate::sql::{exec, vals};
use crate::{db_err, with_pool, SqlStore};

/// Where a reaction lives: on a post or on a comment.
#[derive(Clone, Copy)]
pub(crate) enum Reactable {
    Post,
    Comment,
}

impl Reactable {
    /// (reaction table, its item column, the counted table)
    fn tables(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Reactable::Post => ("reactions", "post_id", "posts"),
            Reactable::Comment => ("comment_reactions", "comment_id", "comments"),
        }
    }
}

impl SqlStore {
    /// Sets a member's reaction on a post or comment; the previous kind, or `None` for a new
    /// one (which adds one to the item's `reaction_count`).
    pub(crate) async fn set_reaction_on(
        &self,
        on: Reactable,
        item: i64,
        member: MemberId,
        kind: ReactionKind,
        now: i64,
    ) -> StoreResult<Option<ReactionKind>> {
        let (table, col, counted) = on.tables();
        let insert = format!(
            "INSERT INTO {table} ({col}, member_id, kind, created_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT DO NOTHING"
        );
        let bump =
            format!("UPDATE {counted} SET reaction_count = reaction_count + 1 WHERE id = $1");
        let previous = format!("SELECT kind FROM {table} WHERE {col} = $1 AND member_id = $2");
        let change = format!("UPDATE {table} SET kind = $1 WHERE {col} = $2 AND member_id = $3");
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let added = sqlx::query(&insert)
                .bind(item)
                .bind(member)
                .bind(kind.as_str())
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(reference_err)?
                .rows_affected();
            if added > 0 {
                exec!(tx, &bump, [item])?;
                tx.commit().await.map_err(db_err)?;
                return Ok(None);
            }
            let before: String = sqlx::query_scalar(&previous)
                .bind(item)
                .bind(member)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            if before != kind.as_str() {
                exec!(tx, &change, [kind.as_str(), item, member])?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Some(ReactionKind::from_db(&before)))
        })
    }

    /// Takes a member's reaction back (one less on the item); false when there was none.
    pub(crate) async fn remove_reaction_on(
        &self,
        on: Reactable,
        item: i64,
        member: MemberId,
    ) -> StoreResult<bool> {
        let (table, col, counted) = on.tables();
        let delete = format!("DELETE FROM {table} WHERE {col} = $1 AND member_id = $2");
        let lower =
            format!("UPDATE {counted} SET reaction_count = reaction_count - 1 WHERE id = $1");
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let gone = exec!(tx, &delete, [item, member])?.rows_affected();
            if gone == 0 {
                return Ok(false);
            }
            exec!(tx, &lower, [item])?;
            tx.commit().await.map_err(db_err)?;
            Ok(true)
        })
    }

    /// The member's own reaction on each of these items that has one.
    pub(crate) async fn my_reactions_on(
        &self,
        on: Reactable,
        member: MemberId,
        items: &[i64],
    ) -> StoreResult<Vec<(i64, ReactionKind)>> {
        if items.is_empty() {
            return Ok(Vec::new());
        }
        let (table, col, _) = on.tables();
        let sql = format!(
            "SELECT {col}, kind FROM {table} WHERE member_id = $1 AND {col} IN {}",
            self.id_set(2)
        );
        let rows: Vec<(i64, String)> = self
            .fetch_all::<(i64, String), _>(&sql, &vals![member, self.id_array(items)])
            .await?;
        Ok(rows
            .into_iter()
            .map(|(id, k)| (id, ReactionKind::from_db(&k)))
            .collect())
    }
}
