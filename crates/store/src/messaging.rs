//! `MessageStore` for [`SqlStore`]: conversations and participants, messages and their
//! attachments, reports, messaging settings and away periods.
//!
//! What a member may see of a conversation is a range of message ids on their
//! `conversation_members` row (`VISIBLE` below); every read that lists messages for a member
//! joins that row, so there is no way to list another member's messages by accident.

use async_trait::async_trait;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_core::model::MemberId;
use guild_core::store::StoreResult;

use crate::sql::{bind_all, id_list, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

const CONVERSATION_COLS: &str =
    "c.id, c.is_group, c.title, c.created_by, c.created_at, c.last_message_id, c.last_message_at";
const PARTICIPANT_COLS: &str = "cm.conversation_id, cm.member_id, cm.state, cm.joined_after, \
     cm.left_through, cm.cleared_through, cm.last_read, cm.emailed_through, cm.archived, cm.muted";
const MESSAGE_COLS: &str = "m.id, m.conversation_id, m.sender_id, m.body, m.body_html, \
     m.automatic, m.held, m.created_at, a.id AS a_id, a.owner_id AS a_owner, a.name AS a_name, \
     a.content_type AS a_type, a.size AS a_size, a.storage_key AS a_key, a.is_image AS a_image, \
     a.created_at AS a_created";
const MESSAGE_FROM: &str =
    "FROM messages m LEFT JOIN message_attachments a ON a.id = m.attachment_id";
/// Messages `m` that the member of row `cm` may see (`$1` is that member).
const VISIBLE: &str = "m.id > cm.joined_after AND m.id > cm.cleared_through \
     AND (cm.left_through IS NULL OR m.id <= cm.left_through) \
     AND (m.held = FALSE OR m.sender_id = $1)";
const AWAY_COLS: &str = "id, member_id, starts_at, ends_at, message, message_for_others, \
     contact_id, summarized_at";

#[derive(sqlx::FromRow)]
struct ConvRow {
    id: i64,
    is_group: bool,
    title: Option<String>,
    created_by: i64,
    created_at: i64,
    last_message_id: i64,
    last_message_at: i64,
}

impl From<ConvRow> for Conversation {
    fn from(r: ConvRow) -> Self {
        Conversation {
            id: r.id,
            group: r.is_group,
            title: r.title,
            created_by: r.created_by,
            created_at: r.created_at,
            last_message_id: r.last_message_id,
            last_message_at: r.last_message_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct ParticipantRow {
    conversation_id: i64,
    member_id: i64,
    state: String,
    joined_after: i64,
    left_through: Option<i64>,
    cleared_through: i64,
    last_read: i64,
    emailed_through: i64,
    archived: bool,
    muted: bool,
}

impl From<ParticipantRow> for Participant {
    fn from(r: ParticipantRow) -> Self {
        Participant {
            conversation_id: r.conversation_id,
            member_id: r.member_id,
            state: ParticipantState::from_db(&r.state),
            joined_after: r.joined_after,
            left_through: r.left_through,
            cleared_through: r.cleared_through,
            last_read: r.last_read,
            emailed_through: r.emailed_through,
            archived: r.archived,
            muted: r.muted,
        }
    }
}

/// A conversation with one participant's row (`CONVERSATION_COLS, PARTICIPANT_COLS`).
#[derive(sqlx::FromRow)]
struct ListRow {
    #[sqlx(flatten)]
    c: ConvRow,
    #[sqlx(flatten)]
    p: ParticipantRow,
}

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

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    owner_id: i64,
    name: String,
    content_type: String,
    size: i64,
    storage_key: String,
    is_image: bool,
    created_at: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            id: r.id,
            owner_id: r.owner_id,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            key: r.storage_key,
            image: r.is_image,
            created_at: r.created_at,
        }
    }
}

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

#[derive(sqlx::FromRow)]
struct SettingsRow {
    member_id: i64,
    who_can_message: String,
    read_receipts: bool,
    email_after_minutes: i64,
}

impl SettingsRow {
    fn into_model(self) -> (MemberId, MessageSettings) {
        (
            self.member_id,
            MessageSettings {
                who_can_message: WhoCanMessage::parse(&self.who_can_message).unwrap_or_default(),
                read_receipts: self.read_receipts,
                email_after_minutes: self.email_after_minutes,
            },
        )
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

impl SqlStore {
    /// Runs `sql` and converts each row (read as `R`) to the model `M`.
    async fn fetch_as<R, M>(&self, sql: &Sql) -> StoreResult<Vec<M>>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::sqlite::SqliteRow>
            + for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow>
            + Send
            + Unpin,
        M: From<R>,
    {
        let rows: Vec<R> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, R>(&sql.text),
            &sql.binds
        )
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows.into_iter().map(M::from).collect())
    }

    async fn fetch_messages(&self, sql: &Sql) -> StoreResult<Vec<Message>> {
        self.fetch_as::<MessageRow, Message>(sql).await
    }

    async fn fetch_participants(&self, sql: &Sql) -> StoreResult<Vec<Participant>> {
        self.fetch_as::<ParticipantRow, Participant>(sql).await
    }

    async fn fetch_aways(&self, sql: &Sql) -> StoreResult<Vec<Away>> {
        self.fetch_as::<AwayRow, Away>(sql).await
    }

    async fn count(&self, sql: &Sql) -> StoreResult<i64> {
        with_pool!(self, |p| bind_all!(
            sqlx::query_scalar::<_, i64>(&sql.text),
            &sql.binds
        )
        .fetch_one(p)
        .await)
        .map_err(db_err)
    }
}

#[async_trait]
impl MessageStore for SqlStore {
    async fn create_conversation(&self, c: &NewConversation) -> StoreResult<Conversation> {
        let insert = format!(
            "INSERT INTO conversations (is_group, title, created_by, created_at, last_message_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING {}",
            CONVERSATION_COLS.replace("c.", "")
        );
        let member = "INSERT INTO conversation_members (conversation_id, member_id, state) \
                      VALUES ($1, $2, $3)";
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row: ConvRow = sqlx::query_as(&insert)
                .bind(c.group)
                .bind(&c.title)
                .bind(c.created_by)
                .bind(c.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            let mut all = vec![(c.created_by, ParticipantState::Active)];
            all.extend(c.others.iter().copied().filter(|(m, _)| *m != c.created_by));
            for (m, state) in all {
                sqlx::query(member)
                    .bind(row.id)
                    .bind(m)
                    .bind(state.as_str())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(row.into())
        })
    }

    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>> {
        let sql = format!("SELECT {CONVERSATION_COLS} FROM conversations c WHERE c.id = $1");
        let row: Option<ConvRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await)
        .map_err(db_err)?;
        Ok(row.map(Conversation::from))
    }

    async fn direct_conversation(
        &self,
        a: MemberId,
        b: MemberId,
    ) -> StoreResult<Option<Conversation>> {
        let sql = format!(
            "SELECT {CONVERSATION_COLS} FROM conversations c \
             JOIN conversation_members x ON x.conversation_id = c.id AND x.member_id = $1 \
             JOIN conversation_members y ON y.conversation_id = c.id AND y.member_id = $2 \
             WHERE c.is_group = FALSE ORDER BY c.id LIMIT 1"
        );
        let row: Option<ConvRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(a)
            .bind(b)
            .fetch_optional(p)
            .await)
        .map_err(db_err)?;
        Ok(row.map(Conversation::from))
    }

    async fn participants(&self, id: ConversationId) -> StoreResult<Vec<Participant>> {
        self.participants_of(&[id]).await
    }

    async fn participants_of(&self, ids: &[ConversationId]) -> StoreResult<Vec<Participant>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = Sql::new(format!(
            "SELECT {PARTICIPANT_COLS} FROM conversation_members cm \
             WHERE cm.conversation_id IN ({}) ORDER BY cm.conversation_id, cm.member_id",
            id_list(ids)
        ));
        self.fetch_participants(&sql).await
    }

    async fn participant(
        &self,
        id: ConversationId,
        member: MemberId,
    ) -> StoreResult<Option<Participant>> {
        let mut sql = Sql::new(format!(
            "SELECT {PARTICIPANT_COLS} FROM conversation_members cm WHERE cm.conversation_id = "
        ));
        let c = sql.arg(Val::Int(id));
        sql.push(&c);
        let m = sql.arg(Val::Int(member));
        sql.push(&format!(" AND cm.member_id = {m}"));
        Ok(self.fetch_participants(&sql).await?.pop())
    }

    async fn add_message(&self, m: &NewMessage) -> StoreResult<Message> {
        let insert =
            "INSERT INTO messages (conversation_id, sender_id, body, body_folded, body_html, \
             automatic, held, to_stranger, attachment_id, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id";
        let id: i64 = with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let id: i64 = sqlx::query_scalar(insert)
                .bind(m.conversation_id)
                .bind(m.sender_id)
                .bind(&m.body)
                .bind(m.body.to_lowercase())
                .bind(&m.body_html)
                .bind(m.automatic)
                .bind(m.held)
                .bind(m.to_stranger)
                .bind(m.attachment_id)
                .bind(m.created_at)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            if !m.held {
                sqlx::query(
                    "UPDATE conversations SET last_message_id = $1, last_message_at = $2 \
                     WHERE id = $3",
                )
                .bind(id)
                .bind(m.created_at)
                .bind(m.conversation_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
                sqlx::query(
                    "UPDATE conversation_members SET archived = FALSE \
                     WHERE conversation_id = $1 AND state = 'active' AND archived = TRUE",
                )
                .bind(m.conversation_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            // An automatic reply is not the away member reading anything.
            if !m.automatic {
                sqlx::query(
                    "UPDATE conversation_members SET last_read = $1 \
                     WHERE conversation_id = $2 AND member_id = $3 AND last_read < $1",
                )
                .bind(id)
                .bind(m.conversation_id)
                .bind(m.sender_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok::<i64, guild_core::store::StoreError>(id)
        })?;
        self.message(id)
            .await?
            .ok_or(guild_core::store::StoreError::NotFound)
    }

    async fn messages(
        &self,
        id: ConversationId,
        visible: Visible,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        let mut sql = Sql::new(format!(
            "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.conversation_id = "
        ));
        let c = sql.arg(Val::Int(id));
        sql.push(&c);
        let me = sql.arg(Val::Int(visible.member));
        let after = sql.arg(Val::Int(visible.after));
        sql.push(&format!(
            " AND m.id > {after} AND (m.held = FALSE OR m.sender_id = {me})"
        ));
        if let Some(t) = visible.through {
            let t = sql.arg(Val::Int(t));
            sql.push(&format!(" AND m.id <= {t}"));
        }
        if let Some(b) = before {
            let b = sql.arg(Val::Int(b));
            sql.push(&format!(" AND m.id < {b}"));
        }
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(" ORDER BY m.id DESC LIMIT {l}"));
        self.fetch_messages(&sql).await
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let mut sql = Sql::new(format!(
            "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.id = "
        ));
        let i = sql.arg(Val::Int(id));
        sql.push(&i);
        Ok(self.fetch_messages(&sql).await?.pop())
    }

    async fn messages_after(
        &self,
        member: MemberId,
        after: MessageId,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        let mut sql = Sql::new(format!(
            "SELECT {MESSAGE_COLS} {MESSAGE_FROM} \
             JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
             AND cm.member_id = $1 AND cm.state <> 'ignored' WHERE {VISIBLE}"
        ));
        sql.arg(Val::Int(member));
        let a = sql.arg(Val::Int(after));
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(" AND m.id > {a} ORDER BY m.id LIMIT {l}"));
        self.fetch_messages(&sql).await
    }

    async fn latest_message_id(&self, member: MemberId) -> StoreResult<MessageId> {
        let mut sql = Sql::new(format!(
            "SELECT COALESCE(MAX(m.id), 0) FROM messages m \
             JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
             AND cm.member_id = $1 AND cm.state <> 'ignored' WHERE {VISIBLE}"
        ));
        sql.arg(Val::Int(member));
        self.count(&sql).await
    }

    async fn last_messages(
        &self,
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
             WHERE cm.member_id = $1 AND cm.conversation_id IN ({}))",
            id_list(ids)
        ));
        sql.arg(Val::Int(member));
        self.fetch_messages(&sql).await
    }

    async fn unread_counts(
        &self,
        member: MemberId,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<(ConversationId, i64)>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(format!(
            "SELECT m.conversation_id, COUNT(*) FROM messages m \
             JOIN conversation_members cm ON cm.conversation_id = m.conversation_id \
             AND cm.member_id = $1 \
             WHERE m.conversation_id IN ({}) AND {VISIBLE} AND m.sender_id <> $1 \
             AND m.held = FALSE AND m.id > cm.last_read GROUP BY m.conversation_id",
            id_list(ids)
        ));
        sql.arg(Val::Int(member));
        let rows: Vec<(i64, i64)> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, (i64, i64)>(&sql.text),
            &sql.binds
        )
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows)
    }

    async fn unread_totals(&self, member: MemberId) -> StoreResult<(i64, i64)> {
        let unread = |state: &str, extra: &str| {
            let mut sql = Sql::new(format!(
                "SELECT COUNT(*) FROM conversation_members cm WHERE cm.member_id = $1 \
                 AND cm.state = '{state}' {extra} AND EXISTS (SELECT 1 FROM messages m \
                 WHERE m.conversation_id = cm.conversation_id AND {VISIBLE} \
                 AND m.sender_id <> $1 AND m.held = FALSE{})",
                if state == "active" {
                    " AND m.id > cm.last_read"
                } else {
                    ""
                }
            ));
            sql.arg(Val::Int(member));
            sql
        };
        let inbox = self
            .count(&unread("active", "AND cm.archived = FALSE"))
            .await?;
        let requests = self.count(&unread("request", "")).await?;
        Ok((inbox, requests))
    }

    async fn conversations(
        &self,
        member: MemberId,
        in_box: MessageBox,
        before: Option<(i64, ConversationId)>,
        limit: u32,
    ) -> StoreResult<Vec<guild_core::messaging::model::ConversationRow>> {
        let filter = match in_box {
            MessageBox::Inbox => {
                "cm.state IN ('active', 'left') AND cm.archived = FALSE \
                 AND c.last_message_id > cm.cleared_through"
            }
            MessageBox::Archived => {
                "cm.state IN ('active', 'left') AND cm.archived = TRUE \
                 AND c.last_message_id > cm.cleared_through"
            }
            MessageBox::Requests => "cm.state = 'request'",
        };
        let mut sql = Sql::new(format!(
            "SELECT {CONVERSATION_COLS}, {PARTICIPANT_COLS} FROM conversation_members cm \
             JOIN conversations c ON c.id = cm.conversation_id \
             WHERE cm.member_id = $1 AND {filter}"
        ));
        sql.arg(Val::Int(member));
        if let Some((t, id)) = before {
            let t = sql.arg(Val::Int(t));
            let i = sql.arg(Val::Int(id));
            sql.push(&format!(
                " AND (c.last_message_at < {t} OR (c.last_message_at = {t} AND c.id < {i}))"
            ));
        }
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(
            " ORDER BY c.last_message_at DESC, c.id DESC LIMIT {l}"
        ));
        let rows: Vec<ListRow> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, ListRow>(&sql.text),
            &sql.binds
        )
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|r| guild_core::messaging::model::ConversationRow {
                conversation: r.c.into(),
                me: r.p.into(),
            })
            .collect())
    }

    async fn search_messages(
        &self,
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
        sql.arg(Val::Int(member));
        let n = sql.arg(Val::Text(like_pattern(&needle.to_lowercase())));
        sql.push(&format!(" AND m.body_folded LIKE {n} ESCAPE '\\'"));
        if let Some(b) = before {
            let b = sql.arg(Val::Int(b));
            sql.push(&format!(" AND m.id < {b}"));
        }
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(" ORDER BY m.id DESC LIMIT {l}"));
        self.fetch_messages(&sql).await
    }

    async fn mark_conversation_read(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<bool> {
        let n = self
            .run(
                "UPDATE conversation_members SET last_read = $1 \
                 WHERE conversation_id = $2 AND member_id = $3 AND last_read < $1",
                &[Val::Int(through), Val::Int(id), Val::Int(member)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn set_conversation_archived(
        &self,
        id: ConversationId,
        member: MemberId,
        on: bool,
    ) -> StoreResult<()> {
        let sql = "UPDATE conversation_members SET archived = $1 \
                   WHERE conversation_id = $2 AND member_id = $3";
        with_pool!(self, |p| sqlx::query(sql)
            .bind(on)
            .bind(id)
            .bind(member)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(db_err)?;
        Ok(())
    }

    async fn set_conversation_muted(
        &self,
        id: ConversationId,
        member: MemberId,
        on: bool,
    ) -> StoreResult<()> {
        let sql = "UPDATE conversation_members SET muted = $1 \
                   WHERE conversation_id = $2 AND member_id = $3";
        with_pool!(self, |p| sqlx::query(sql)
            .bind(on)
            .bind(id)
            .bind(member)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(db_err)?;
        Ok(())
    }

    async fn set_participant_state(
        &self,
        id: ConversationId,
        member: MemberId,
        state: ParticipantState,
    ) -> StoreResult<()> {
        self.run(
            "UPDATE conversation_members SET state = $1 WHERE conversation_id = $2 AND member_id = $3",
            &[Val::Text(state.as_str().into()), Val::Int(id), Val::Int(member)],
        )
        .await?;
        Ok(())
    }

    async fn leave_conversation(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()> {
        self.run(
            "UPDATE conversation_members SET state = 'left', left_through = $1 \
             WHERE conversation_id = $2 AND member_id = $3",
            &[Val::Int(through), Val::Int(id), Val::Int(member)],
        )
        .await?;
        Ok(())
    }

    async fn clear_conversation(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()> {
        self.run(
            "UPDATE conversation_members SET cleared_through = $1 \
             WHERE conversation_id = $2 AND member_id = $3 AND cleared_through < $1",
            &[Val::Int(through), Val::Int(id), Val::Int(member)],
        )
        .await?;
        Ok(())
    }

    async fn stranger_messages_since(
        &self,
        sender: MemberId,
        since: i64,
    ) -> StoreResult<Vec<(ConversationId, String)>> {
        let sql = "SELECT conversation_id, body FROM messages \
                   WHERE sender_id = $1 AND created_at >= $2 AND to_stranger = TRUE";
        with_pool!(self, |p| sqlx::query_as::<_, (i64, String)>(sql)
            .bind(sender)
            .bind(since)
            .fetch_all(p)
            .await)
        .map_err(db_err)
    }

    async fn conversations_started_since(&self, member: MemberId, since: i64) -> StoreResult<i64> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) FROM conversations WHERE created_by = $1 AND created_at >= $2",
        );
        sql.arg(Val::Int(member));
        sql.arg(Val::Int(since));
        self.count(&sql).await
    }

    async fn held_messages(
        &self,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        let mut sql = Sql::new(format!("SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.held"));
        if let Some(b) = before {
            let b = sql.arg(Val::Int(b));
            sql.push(&format!(" AND m.id < {b}"));
        }
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(" ORDER BY m.id DESC LIMIT {l}"));
        self.fetch_messages(&sql).await
    }

    async fn release_held(&self, id: MessageId) -> StoreResult<Option<Message>> {
        let Some(m) = self.message(id).await?.filter(|m| m.held) else {
            return Ok(None);
        };
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let first: i64 =
                sqlx::query_scalar("SELECT last_message_id FROM conversations WHERE id = $1")
                    .bind(m.conversation_id)
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(db_err)?;
            sqlx::query("UPDATE messages SET held = FALSE WHERE id = $1 AND held = TRUE")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            sqlx::query(
                "UPDATE conversations SET last_message_id = $1, last_message_at = $2 \
                 WHERE id = $3 AND last_message_id < $1",
            )
            .bind(id)
            .bind(m.created_at)
            .bind(m.conversation_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "UPDATE conversation_members SET archived = FALSE \
                 WHERE conversation_id = $1 AND state = 'active' AND archived = TRUE",
            )
            .bind(m.conversation_id)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            if first == 0 {
                sqlx::query(
                    "UPDATE conversation_members SET state = 'request' \
                     WHERE conversation_id = $1 AND state = 'ignored'",
                )
                .bind(m.conversation_id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok::<(), guild_core::store::StoreError>(())
        })?;
        self.message(id).await
    }

    async fn delete_held(&self, id: MessageId) -> StoreResult<bool> {
        let n = self
            .run(
                "DELETE FROM messages WHERE id = $1 AND held = TRUE",
                &[Val::Int(id)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn report_conversation(
        &self,
        id: ConversationId,
        reporter: MemberId,
        message: Option<MessageId>,
        now: i64,
    ) -> StoreResult<()> {
        self.run(
            "INSERT INTO message_reports (conversation_id, reporter_id, message_id, created_at) \
             VALUES ($1, $2, $3, $4)",
            &[
                Val::Int(id),
                Val::Int(reporter),
                Val::OptInt(message),
                Val::Int(now),
            ],
        )
        .await?;
        Ok(())
    }

    async fn create_attachment(&self, a: &NewAttachment) -> StoreResult<Attachment> {
        let sql = "INSERT INTO message_attachments \
             (owner_id, name, content_type, size, storage_key, is_image, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) \
             RETURNING id, owner_id, name, content_type, size, storage_key, is_image, created_at";
        let row: AttachmentRow = with_pool!(self, |p| sqlx::query_as(sql)
            .bind(a.owner_id)
            .bind(&a.name)
            .bind(&a.content_type)
            .bind(a.size)
            .bind(&a.key)
            .bind(a.image)
            .bind(a.created_at)
            .fetch_one(p)
            .await)
        .map_err(db_err)?;
        Ok(row.into())
    }

    async fn attachment(&self, id: i64) -> StoreResult<Option<Attachment>> {
        let sql =
            "SELECT id, owner_id, name, content_type, size, storage_key, is_image, created_at \
                   FROM message_attachments WHERE id = $1";
        let row: Option<AttachmentRow> = with_pool!(self, |p| sqlx::query_as(sql)
            .bind(id)
            .fetch_optional(p)
            .await)
        .map_err(db_err)?;
        Ok(row.map(Attachment::from))
    }

    async fn attachment_message(&self, attachment: i64) -> StoreResult<Option<Message>> {
        let mut sql = Sql::new(format!(
            "SELECT {MESSAGE_COLS} {MESSAGE_FROM} WHERE m.attachment_id = "
        ));
        let a = sql.arg(Val::Int(attachment));
        sql.push(&format!("{a} ORDER BY m.id LIMIT 1"));
        Ok(self.fetch_messages(&sql).await?.pop())
    }

    async fn message_settings(&self, member: MemberId) -> StoreResult<MessageSettings> {
        Ok(self
            .message_settings_of(&[member])
            .await?
            .pop()
            .map(|(_, s)| s)
            .unwrap_or_default())
    }

    async fn message_settings_of(
        &self,
        members: &[MemberId],
    ) -> StoreResult<Vec<(MemberId, MessageSettings)>> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT member_id, who_can_message, read_receipts, email_after_minutes \
             FROM message_settings WHERE member_id IN ({})",
            id_list(members)
        );
        let rows: Vec<SettingsRow> =
            with_pool!(self, |p| sqlx::query_as(&sql).fetch_all(p).await).map_err(db_err)?;
        let mut found: std::collections::HashMap<MemberId, MessageSettings> =
            rows.into_iter().map(SettingsRow::into_model).collect();
        let mut seen = std::collections::HashSet::new();
        Ok(members
            .iter()
            .filter(|m| seen.insert(**m))
            .map(|m| (*m, found.remove(m).unwrap_or_default()))
            .collect())
    }

    async fn set_message_settings(&self, member: MemberId, s: &MessageSettings) -> StoreResult<()> {
        let sql = "INSERT INTO message_settings \
             (member_id, who_can_message, read_receipts, email_after_minutes) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (member_id) DO UPDATE SET \
             who_can_message = excluded.who_can_message, read_receipts = excluded.read_receipts, \
             email_after_minutes = excluded.email_after_minutes";
        with_pool!(self, |p| sqlx::query(sql)
            .bind(member)
            .bind(s.who_can_message.as_str())
            .bind(s.read_receipts)
            .bind(s.email_after_minutes)
            .execute(p)
            .await
            .map(|_| ()))
        .map_err(db_err)?;
        Ok(())
    }

    async fn unread_for_email(&self, older_than: i64, limit: u32) -> StoreResult<Vec<UnreadBatch>> {
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
        let rows: Vec<(i64, i64, i64, i64)> = with_pool!(self, |p| sqlx::query_as(sql)
            .bind(older_than)
            .bind(i64::from(limit))
            .fetch_all(p)
            .await)
        .map_err(db_err)?;
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

    async fn mark_emailed(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()> {
        self.run(
            "UPDATE conversation_members SET emailed_through = $1 \
             WHERE conversation_id = $2 AND member_id = $3 AND emailed_through < $1",
            &[Val::Int(through), Val::Int(id), Val::Int(member)],
        )
        .await?;
        Ok(())
    }

    async fn set_away(&self, a: &NewAway) -> StoreResult<Away> {
        let insert = format!(
            "INSERT INTO away_periods (member_id, starts_at, ends_at, message, message_for_others, \
             contact_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {AWAY_COLS}"
        );
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query(
                "DELETE FROM away_periods WHERE member_id = $1 AND ends_at > $2 \
                 AND summarized_at IS NULL",
            )
            .bind(a.member_id)
            .bind(a.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
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

    async fn away(&self, member: MemberId, now: i64) -> StoreResult<Option<Away>> {
        let mut sql = Sql::new(format!(
            "SELECT {AWAY_COLS} FROM away_periods WHERE member_id = $1 AND ends_at > $2 \
             ORDER BY starts_at LIMIT 1"
        ));
        sql.arg(Val::Int(member));
        sql.arg(Val::Int(now));
        Ok(self.fetch_aways(&sql).await?.pop())
    }

    async fn away_by_id(&self, id: i64) -> StoreResult<Option<Away>> {
        let mut sql = Sql::new(format!(
            "SELECT {AWAY_COLS} FROM away_periods WHERE id = $1"
        ));
        sql.arg(Val::Int(id));
        Ok(self.fetch_aways(&sql).await?.pop())
    }

    async fn aways_at(&self, members: &[MemberId], now: i64) -> StoreResult<Vec<Away>> {
        if members.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(format!(
            "SELECT {AWAY_COLS} FROM away_periods WHERE member_id IN ({}) \
             AND starts_at <= $1 AND ends_at > $1 ORDER BY member_id, id",
            id_list(members)
        ));
        sql.arg(Val::Int(now));
        self.fetch_aways(&sql).await
    }

    async fn end_away(&self, member: MemberId, now: i64) -> StoreResult<bool> {
        let ended = self
            .run(
                "UPDATE away_periods SET ends_at = $1 \
                 WHERE member_id = $2 AND starts_at <= $1 AND ends_at > $1",
                &[Val::Int(now), Val::Int(member)],
            )
            .await?;
        let dropped = self
            .run(
                "DELETE FROM away_periods WHERE member_id = $1 AND starts_at > $2",
                &[Val::Int(member), Val::Int(now)],
            )
            .await?;
        Ok(ended + dropped > 0)
    }

    async fn claim_auto_reply(&self, away: i64, sender: MemberId) -> StoreResult<bool> {
        let n = self
            .run(
                "INSERT INTO away_replies (away_id, sender_id) VALUES ($1, $2) \
                 ON CONFLICT (away_id, sender_id) DO NOTHING",
                &[Val::Int(away), Val::Int(sender)],
            )
            .await?;
        Ok(n > 0)
    }

    async fn aways_to_summarize(&self, now: i64, limit: u32) -> StoreResult<Vec<Away>> {
        let mut sql = Sql::new(format!(
            "SELECT {AWAY_COLS} FROM away_periods WHERE summarized_at IS NULL AND ends_at <= $1 \
             ORDER BY ends_at, id LIMIT $2"
        ));
        sql.arg(Val::Int(now));
        sql.arg(Val::Int(i64::from(limit)));
        self.fetch_aways(&sql).await
    }

    async fn mark_away_summarized(&self, away: i64, now: i64) -> StoreResult<()> {
        self.run(
            "UPDATE away_periods SET summarized_at = $1 WHERE id = $2",
            &[Val::Int(now), Val::Int(away)],
        )
        .await?;
        Ok(())
    }

    async fn away_summary(&self, member: MemberId, from: i64, to: i64) -> StoreResult<AwaySummary> {
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
        let (messages, conversations, invitations, mentions): (i64, i64, i64, i64) =
            with_pool!(self, |p| sqlx::query_as(sql)
                .bind(member)
                .bind(from)
                .bind(to)
                .fetch_one(p)
                .await)
            .map_err(db_err)?;
        Ok(AwaySummary {
            messages,
            conversations,
            invitations,
            mentions,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_patterns_take_wildcards_literally() {
        assert_eq!(super::like_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
