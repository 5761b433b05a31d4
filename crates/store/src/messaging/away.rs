//! Away periods (out of office): setting and ending one, the automatic reply claimed once
//! per period and sender, and the summary written when a period ends.

use guild_core::accounts::model::MemberId;
use guild_core::messaging::model::*;
use guild_core::store::StoreResult;

use crate::sql::{exec, vals, Sql};
use crate::{db_err, with_pool, SqlStore};

const AWAY_COLS: &str = "id, member_id, starts_at, ends_at, message, message_for_others, \
     contact_id, summarized_at";

#[derive(sqlx::FromRow)]
struct AwayRow {
    id: i64,
    member_id: i64,
    starts_at: i64,
    ends_at: i64,
    message: String,
    message_for_others: Option<String>,
    contact_id: Option<i64>,
    summarized_at: Option<i64>,
}

impl From<AwayRow> for Away {
    fn from(r: AwayRow) -> Self {
        Away {
            id: r.id,
            member_id: r.member_id,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            message: r.message,
            message_for_others: r.message_for_others,
            contact_id: r.contact_id,
            summarized_at: r.summarized_at,
        }
    }
}

pub(super) async fn set_away(store: &SqlStore, a: &NewAway) -> StoreResult<Away> {
    let insert = format!(
        "INSERT INTO away_periods (member_id, starts_at, ends_at, message, message_for_others, \
         contact_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {AWAY_COLS}"
    );
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        exec!(
            tx,
            "DELETE FROM away_periods WHERE member_id = $1 AND ends_at > $2 \
             AND summarized_at IS NULL",
            [a.member_id, a.created_at]
        )?;
        let row: AwayRow = sqlx::query_as(&insert)
            .bind(a.member_id)
            .bind(a.starts_at)
            .bind(a.ends_at)
            .bind(&a.message)
            .bind(&a.message_for_others)
            .bind(a.contact_id)
            .bind(a.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        tx.commit().await.map_err(db_err)?;
        Ok(row.into())
    })
}
pub(super) async fn away(
    store: &SqlStore,
    member: MemberId,
    now: i64,
) -> StoreResult<Option<Away>> {
    let mut sql = Sql::new(format!(
        "SELECT {AWAY_COLS} FROM away_periods WHERE member_id = $1 AND ends_at > $2 \
         ORDER BY starts_at LIMIT 1"
    ));
    sql.arg(member);
    sql.arg(now);
    Ok(store
        .fetch_all::<AwayRow, Away>(&sql.text, &sql.binds)
        .await?
        .pop())
}
pub(super) async fn away_by_id(store: &SqlStore, id: i64) -> StoreResult<Option<Away>> {
    let mut sql = Sql::new(format!(
        "SELECT {AWAY_COLS} FROM away_periods WHERE id = $1"
    ));
    sql.arg(id);
    Ok(store
        .fetch_all::<AwayRow, Away>(&sql.text, &sql.binds)
        .await?
        .pop())
}
pub(super) async fn aways_at(
    store: &SqlStore,
    members: &[MemberId],
    now: i64,
) -> StoreResult<Vec<Away>> {
    if members.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(format!(
        "SELECT {AWAY_COLS} FROM away_periods WHERE member_id IN {} \
         AND starts_at <= $2 AND ends_at > $2 ORDER BY member_id, id",
        store.id_set(1)
    ));
    sql.arg(store.id_array(members));
    sql.arg(now);
    store.fetch_all::<AwayRow, _>(&sql.text, &sql.binds).await
}
pub(super) async fn end_away(store: &SqlStore, member: MemberId, now: i64) -> StoreResult<bool> {
    let ended = store
        .run(
            "UPDATE away_periods SET ends_at = $1 \
             WHERE member_id = $2 AND starts_at <= $1 AND ends_at > $1",
            &vals![now, member],
        )
        .await?;
    let dropped = store
        .run(
            "DELETE FROM away_periods WHERE member_id = $1 AND starts_at > $2",
            &vals![member, now],
        )
        .await?;
    Ok(ended + dropped > 0)
}
pub(super) async fn claim_auto_reply(
    store: &SqlStore,
    away: i64,
    sender: MemberId,
) -> StoreResult<bool> {
    let n = store
        .run(
            "INSERT INTO away_replies (away_id, sender_id) VALUES ($1, $2) \
             ON CONFLICT (away_id, sender_id) DO NOTHING",
            &vals![away, sender],
        )
        .await?;
    Ok(n > 0)
}
pub(super) async fn aways_to_summarize(
    store: &SqlStore,
    now: i64,
    limit: u32,
) -> StoreResult<Vec<Away>> {
    let mut sql = Sql::new(format!(
        "SELECT {AWAY_COLS} FROM away_periods WHERE summarized_at IS NULL AND ends_at <= $1 \
         ORDER BY ends_at, id LIMIT $2"
    ));
    sql.arg(now);
    sql.arg(limit);
    store.fetch_all::<AwayRow, _>(&sql.text, &sql.binds).await
}
pub(super) async fn mark_away_summarized(store: &SqlStore, away: i64, now: i64) -> StoreResult<()> {
    store
        .run(
            "UPDATE away_periods SET summarized_at = $1 WHERE id = $2",
            &vals![now, away],
        )
        .await?;
    Ok(())
}
pub(super) async fn away_summary(
    store: &SqlStore,
    member: MemberId,
    from: i64,
    to: i64,
) -> StoreResult<AwaySummary> {
    let sql = "SELECT \
         (SELECT COUNT(*) FROM messages m JOIN conversation_members cm \
          ON cm.conversation_id = m.conversation_id AND cm.member_id = $1 \
          AND cm.state <> 'ignored' WHERE m.sender_id <> $1 AND m.held = FALSE \
          AND m.automatic = FALSE AND m.created_at >= $2 AND m.created_at < $3), \
         (SELECT COUNT(DISTINCT m.conversation_id) FROM messages m JOIN conversation_members cm \
          ON cm.conversation_id = m.conversation_id AND cm.member_id = $1 \
          AND cm.state <> 'ignored' WHERE m.sender_id <> $1 AND m.held = FALSE \
          AND m.automatic = FALSE AND m.created_at >= $2 AND m.created_at < $3), \
         (SELECT COUNT(*) FROM invitations WHERE to_id = $1 \
          AND created_at >= $2 AND created_at < $3), \
         (SELECT COUNT(*) FROM notifications WHERE member_id = $1 AND kind = 'mention' \
          AND created_at >= $2 AND created_at < $3)";
    let (messages, conversations, invitations, mentions): (i64, i64, i64, i64) = store
        .fetch_one::<(i64, i64, i64, i64), _>(sql, &vals![member, from, to])
        .await?;
    Ok(AwaySummary {
        messages,
        conversations,
        invitations,
        mentions,
    })
}
