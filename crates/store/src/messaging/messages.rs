//! Messages: sending (the conversation's newest message and the sender's read mark move in the
//! same transaction), listing what a member may see, search, held messages and their
//! release, reports, and the unread messages due an email.

use guild_core::accounts::model::MemberId;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_core::store::{StoreError, StoreResult};

use crate::sql::{bind_all, exec, vals, Sql};
use crate::{db_err, with_pool, SqlStore};

use super::{MESSAGE_COLS, MESSAGE_FROM, VISIBLE};

#[derive(sqlx::FromRow)]
struct MessageRow {
    id: i64,
    conversation_id: i64,
    sender_id: i64,
    body: String,
    body_html: String,
    automatic: bool,
    held: bool,
    created_at: i64,
    a_id: Option<i64>,
    a_owner: Option<i64>,
    a_name: Option<String>,
    a_type: Option<String>,
    a_size: Option<i64>,
    a_key: Option<String>,
    a_image: Option<bool>,
    a_created: Option<i64>,
}

impl From<MessageRow> for Message {
    fn from(r: MessageRow) -> Self {
        let attachment = match (r.a_id, r.a_owner, r.a_name, r.a_type, r.a_key) {
            (Some(id), Some(owner_id), Some(name), Some(content_type), Some(key)) => {
                Some(Attachment {
                    id,
                    owner_id,
                    name,
                    content_type,
                    size: r.a_size.unwrap_or(0),
                    key,
                    image: r.a_image.unwrap_or(false),
                    created_at: r.a_created.unwrap_or(0),
                })
            }
            _ => None,
        };
        Message {
            id: r.id,
            conversation_id: r.conversation_id,
            sender_id: r.sender_id,
            body: r.body,
            body_html: r.body_html,
            automatic: r.automatic,
            held: r.held,
            attachment,
            created_at: r.created_at,
        }
    }
}

/// `%needle%` for `LIKE … ESCAPE '\'`, with the needle's own wildcards taken literally.
fn like_pattern(needle: &str) -> String {
    let mut p = String::with_capacity(needle.len() + 2);
    p.push('%');
    for c in needle.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

pub(super) async fn add_message(store: &SqlStore, m: &NewMessage) -> StoreResult<Message> {
    let insert = "INSERT INTO messages (conversation_id, sender_id, body, body_folded, body_html, \
         automatic, held, to_stranger, attachment_id, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
    let message = vals![
        m.conversation_id,
        m.sender_id,
        &m.body,
        m.body.to_lowercase(),
        &m.body_html,
        m.automatic,
        m.held,
        m.to_stranger,
        m.attachment_id,
        m.created_at,
    ];
    let id: i64 = with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let id: i64 = bind_all!(sqlx::query_scalar(insert), &message)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
        if !m.held {
            exec!(
                tx,
                "UPDATE conversations SET last_message_id = $1, last_message_at = $2 \
                 WHERE id = $3",
                [id, m.created_at, m.conversation_id]
            )?;
        }
        // In one statement: a message shown brings the conversation back from the archive
        // of every active member, and the sender has read up to it (an automatic reply is
        // not the away member reading anything). `$4`/`$5` switch each part on.
        exec!(
            tx,
            "UPDATE conversation_members SET \
             archived = CASE WHEN $4 AND state = 'active' THEN FALSE ELSE archived END, \
             last_read = CASE WHEN $5 AND member_id = $3 AND last_read < $1 THEN $1 \
             ELSE last_read END \
             WHERE conversation_id = $2 AND (($4 AND state = 'active' AND archived = TRUE) \
             OR ($5 AND member_id = $3 AND last_read < $1))",
            [id, m.conversation_id, m.sender_id, !m.held, !m.automatic]
        )?;
        tx.commit().await.map_err(db_err)?;
        Ok::<i64, StoreError>(id)
    })?;
    store.message(id).await?.ok_or(StoreError::NotFound)
}

pub(super) async fn messages(
    store: &SqlStore,
    id: ConversationId,
    visible: Visible,
    before: Option<MessageId>,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let mut sql = Sql::new(format!(
        "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.conversation_id = "
    ));
    let c = sql.arg(id);
    sql.push(&c);
    let me = sql.arg(visible.member);
    let after = sql.arg(visible.after);
    sql.push(&format!(
        " AND m.id > {after} AND (m.held = FALSE OR m.sender_id = {me})"
    ));
    if let Some(t) = visible.through {
        let t = sql.arg(t);
        sql.push(&format!(" AND m.id <= {t}"));
    }
    sql.newest_by_id("m.id", before, limit);
    store
        .fetch_all::<MessageRow, _>(&sql.text, &sql.binds)
        .await
}

pub(super) async fn message(store: &SqlStore, id: MessageId) -> StoreResult<Option<Message>> {
    let sql = format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.id = $1");
    store
        .fetch_optional::<MessageRow, _>(&sql, &vals![id])
        .await
}

pub(super) async fn messages_after(
    store: &SqlStore,
    member: MemberId,
    after: MessageId,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let mut sql = Sql::new(format!(
        "SELECT {MESSAGE_COLS} {MESSAGE_FROM} \
         JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
         AND cm.member_id = $1 AND cm.state <> 'ignored' WHERE {VISIBLE}"
    ));
    sql.arg(member);
    let a = sql.arg(after);
    let l = sql.arg(limit);
    sql.push(&format!(" AND m.id > {a} ORDER BY m.id LIMIT {l}"));
    store
        .fetch_all::<MessageRow, _>(&sql.text, &sql.binds)
        .await
}

pub(super) async fn latest_message_id(
    store: &SqlStore,
    member: MemberId,
) -> StoreResult<MessageId> {
    let mut sql = Sql::new(format!(
        "SELECT COALESCE(MAX(m.id), 0) FROM messages m \
         JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
         AND cm.member_id = $1 AND cm.state <> 'ignored' WHERE {VISIBLE}"
    ));
    sql.arg(member);
    store.scalar(&sql.text, &sql.binds).await
}

pub(super) async fn last_messages(
    store: &SqlStore,
    member: MemberId,
    ids: &[ConversationId],
) -> StoreResult<Vec<Message>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    // The newest visible message of each: one indexed look-up per listed conversation.
    let mut sql = Sql::new(format!(
        "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.id IN (\
         SELECT (SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = cm.conversation_id \
         AND {VISIBLE}) FROM conversation_members cm \
         WHERE cm.member_id = $1 AND cm.conversation_id IN {})",
        store.id_set(2)
    ));
    sql.arg(member);
    sql.arg(store.id_array(ids));
    store
        .fetch_all::<MessageRow, _>(&sql.text, &sql.binds)
        .await
}

pub(super) async fn search_messages(
    store: &SqlStore,
    member: MemberId,
    needle: &str,
    before: Option<MessageId>,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let mut sql = Sql::new(format!(
        "SELECT {MESSAGE_COLS} {MESSAGE_FROM} \
         JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
         AND cm.member_id = $1 AND cm.state <> 'ignored' WHERE {VISIBLE}"
    ));
    sql.arg(member);
    let n = sql.arg(like_pattern(&needle.to_lowercase()));
    sql.push(&format!(" AND m.body_folded LIKE {n} ESCAPE '\\'"));
    sql.newest_by_id("m.id", before, limit);
    store
        .fetch_all::<MessageRow, _>(&sql.text, &sql.binds)
        .await
}

pub(super) async fn stranger_messages_since(
    store: &SqlStore,
    sender: MemberId,
    since: i64,
) -> StoreResult<Vec<(ConversationId, String)>> {
    let sql = "SELECT conversation_id, body FROM messages \
               WHERE sender_id = $1 AND created_at >= $2 AND to_stranger = TRUE";
    store
        .fetch_all::<(i64, String), _>(sql, &vals![sender, since])
        .await
}

pub(super) async fn held_messages(
    store: &SqlStore,
    before: Option<MessageId>,
    limit: u32,
) -> StoreResult<Vec<Message>> {
    let mut sql = Sql::new(format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.held"));
    sql.newest_by_id("m.id", before, limit);
    store
        .fetch_all::<MessageRow, _>(&sql.text, &sql.binds)
        .await
}

pub(super) async fn release_held(store: &SqlStore, id: MessageId) -> StoreResult<Option<Message>> {
    let Some(m) = store.message(id).await?.filter(|m| m.held) else {
        return Ok(None);
    };
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let first: i64 =
            sqlx::query_scalar("SELECT last_message_id FROM conversations WHERE id = $1")
                .bind(m.conversation_id)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
        exec!(
            tx,
            "UPDATE messages SET held = FALSE WHERE id = $1 AND held = TRUE",
            [id]
        )?;
        exec!(
            tx,
            "UPDATE conversations SET last_message_id = $1, last_message_at = $2 \
             WHERE id = $3 AND last_message_id < $1",
            [id, m.created_at, m.conversation_id]
        )?;
        exec!(
            tx,
            "UPDATE conversation_members SET archived = FALSE \
             WHERE conversation_id = $1 AND state = 'active' AND archived = TRUE",
            [m.conversation_id]
        )?;
        if first == 0 {
            exec!(
                tx,
                "UPDATE conversation_members SET state = 'request' \
                 WHERE conversation_id = $1 AND state = 'ignored'",
                [m.conversation_id]
            )?;
        }
        tx.commit().await.map_err(db_err)?;
        Ok::<(), StoreError>(())
    })?;
    store.message(id).await
}

pub(super) async fn delete_held(store: &SqlStore, id: MessageId) -> StoreResult<bool> {
    let n = store
        .run(
            "DELETE FROM messages WHERE id = $1 AND held = TRUE",
            &vals![id],
        )
        .await?;
    Ok(n > 0)
}

pub(super) async fn report_conversation(
    store: &SqlStore,
    id: ConversationId,
    reporter: MemberId,
    message: Option<MessageId>,
    now: i64,
) -> StoreResult<()> {
    store
        .run(
            "INSERT INTO message_reports (conversation_id, reporter_id, message_id, created_at) \
         VALUES ($1, $2, $3, $4)",
            &vals![id, reporter, message, now],
        )
        .await?;
    Ok(())
}

pub(super) async fn attachment_message(
    store: &SqlStore,
    attachment: i64,
) -> StoreResult<Option<Message>> {
    let sql = format!(
        "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.attachment_id = $1 ORDER BY m.id LIMIT 1"
    );
    store
        .fetch_optional::<MessageRow, _>(&sql, &vals![attachment])
        .await
}

pub(super) async fn unread_for_email(
    store: &SqlStore,
    older_than: i64,
    limit: u32,
) -> StoreResult<Vec<UnreadBatch>> {
    // From the messages of the last window back: unread by a participant who is active
    // and has not muted the conversation, above what they read and what was emailed.
    let sql = "SELECT cm.member_id, m.conversation_id, MAX(m.id), COUNT(*) \
         FROM conversation_members cm \
         JOIN messages m ON m.conversation_id = cm.conversation_id \
         AND m.id > cm.last_read AND m.id > cm.emailed_through \
         WHERE cm.state = 'active' AND cm.muted = FALSE \
         AND m.id > cm.joined_after AND m.id > cm.cleared_through \
         AND m.sender_id <> cm.member_id AND m.held = FALSE AND m.created_at <= $1 \
         GROUP BY cm.member_id, m.conversation_id ORDER BY cm.member_id LIMIT $2";
    let rows: Vec<(i64, i64, i64, i64)> = store
        .fetch_all::<(i64, i64, i64, i64), _>(sql, &vals![older_than, limit])
        .await?;
    Ok(rows
        .into_iter()
        .map(|(member_id, conversation_id, through, count)| UnreadBatch {
            member_id,
            conversation_id,
            through,
            count,
        })
        .collect())
}

pub(super) async fn mark_emailed(
    store: &SqlStore,
    id: ConversationId,
    member: MemberId,
    through: MessageId,
) -> StoreResult<()> {
    store
        .run(
            "UPDATE conversation_members SET emailed_through = $1 \
         WHERE conversation_id = $2 AND member_id = $3 AND emailed_through < $1",
            &vals![through, id, member],
        )
        .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
