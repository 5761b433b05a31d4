//! `MessageStore` for [`SqlStore`]: conversations and participants here; messages, held
//! messages and reports in `messages.rs`, attachments in `attachments.rs`, messaging settings
//! in `settings.rs` and away periods in `away.rs`, each with the rows it reads. One trait has
//! one `impl`, so this one routes those methods to the functions of the same name there.
//!
//! What a member may see of a conversation is a range of message ids on their
//! `conversation_members` row (`VISIBLE` below); every read that lists messages for a member
//! joins that row, so there is no way to list another member's messages by accident.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::messaging::model::*;
use guild_core::messaging::store::MessageStore;
use guild_core::store::StoreResult;

use crate::sql::{vals, Sql};
use crate::{db_err, with_pool, SqlStore};

mod attachments;
mod away;
mod messages;
mod settings;

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

impl From<ListRow> for ConversationEntry {
    fn from(r: ListRow) -> Self {
        ConversationEntry {
            conversation: r.c.into(),
            me: r.p.into(),
        }
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
        self.fetch_optional::<ConvRow, _>(&sql, &vals![id]).await
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
        self.fetch_optional::<ConvRow, _>(&sql, &vals![a, b]).await
    }

    async fn participants(&self, id: ConversationId) -> StoreResult<Vec<Participant>> {
        self.participants_of(&[id]).await
    }

    async fn participants_of(&self, ids: &[ConversationId]) -> StoreResult<Vec<Participant>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {PARTICIPANT_COLS} FROM conversation_members cm \
             WHERE cm.conversation_id IN {} ORDER BY cm.conversation_id, cm.member_id",
            self.id_set(1)
        );
        self.fetch_all::<ParticipantRow, _>(&sql, &vals![self.id_array(ids)])
            .await
    }

    async fn participant(
        &self,
        id: ConversationId,
        member: MemberId,
    ) -> StoreResult<Option<Participant>> {
        let mut sql = Sql::new(format!(
            "SELECT {PARTICIPANT_COLS} FROM conversation_members cm WHERE cm.conversation_id = "
        ));
        let c = sql.arg(id);
        sql.push(&c);
        let m = sql.arg(member);
        sql.push(&format!(" AND cm.member_id = {m}"));
        Ok(self
            .fetch_all::<ParticipantRow, Participant>(&sql.text, &sql.binds)
            .await?
            .pop())
    }

    async fn add_message(&self, m: &NewMessage) -> StoreResult<Message> {
        messages::add_message(self, m).await
    }

    async fn messages(
        &self,
        id: ConversationId,
        visible: Visible,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        messages::messages(self, id, visible, before, limit).await
    }

    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>> {
        messages::message(self, id).await
    }

    async fn messages_after(
        &self,
        member: MemberId,
        after: MessageId,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        messages::messages_after(self, member, after, limit).await
    }

    async fn latest_message_id(&self, member: MemberId) -> StoreResult<MessageId> {
        messages::latest_message_id(self, member).await
    }

    async fn last_messages(
        &self,
        member: MemberId,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<Message>> {
        messages::last_messages(self, member, ids).await
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
             WHERE m.conversation_id IN {} AND {VISIBLE} AND m.sender_id <> $1 \
             AND m.held = FALSE AND m.id > cm.last_read GROUP BY m.conversation_id",
            self.id_set(2)
        ));
        sql.arg(member);
        sql.arg(self.id_array(ids));
        self.fetch_all::<(i64, i64), _>(&sql.text, &sql.binds).await
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
            sql.arg(member);
            sql
        };
        let inbox = unread("active", "AND cm.archived = FALSE");
        let inbox: i64 = self.scalar(&inbox.text, &inbox.binds).await?;
        let requests = unread("request", "");
        let requests: i64 = self.scalar(&requests.text, &requests.binds).await?;
        Ok((inbox, requests))
    }

    async fn conversations(
        &self,
        member: MemberId,
        in_box: MessageBox,
        before: Option<(i64, ConversationId)>,
        limit: u32,
    ) -> StoreResult<Vec<ConversationEntry>> {
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
        sql.arg(member);
        if let Some((t, id)) = before {
            let t = sql.arg(t);
            let i = sql.arg(id);
            sql.push(&format!(
                " AND (c.last_message_at < {t} OR (c.last_message_at = {t} AND c.id < {i}))"
            ));
        }
        let l = sql.arg(limit);
        sql.push(&format!(
            " ORDER BY c.last_message_at DESC, c.id DESC LIMIT {l}"
        ));
        self.fetch_all::<ListRow, _>(&sql.text, &sql.binds).await
    }

    async fn search_messages(
        &self,
        member: MemberId,
        needle: &str,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        messages::search_messages(self, member, needle, before, limit).await
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
                &vals![through, id, member],
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
        set_own_flag(self, "archived", id, member, on).await
    }

    async fn set_conversation_muted(
        &self,
        id: ConversationId,
        member: MemberId,
        on: bool,
    ) -> StoreResult<()> {
        set_own_flag(self, "muted", id, member, on).await
    }

    async fn set_participant_state(
        &self,
        id: ConversationId,
        member: MemberId,
        state: ParticipantState,
    ) -> StoreResult<()> {
        self.run(
            "UPDATE conversation_members SET state = $1 WHERE conversation_id = $2 AND member_id = $3",
            &vals![state.as_str(), id, member],
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
            &vals![through, id, member],
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
            &vals![through, id, member],
        )
        .await?;
        Ok(())
    }

    async fn stranger_messages_since(
        &self,
        sender: MemberId,
        since: i64,
    ) -> StoreResult<Vec<(ConversationId, String)>> {
        messages::stranger_messages_since(self, sender, since).await
    }

    async fn conversations_started_since(&self, member: MemberId, since: i64) -> StoreResult<i64> {
        let mut sql = Sql::new(
            "SELECT COUNT(*) FROM conversations WHERE created_by = $1 AND created_at >= $2",
        );
        sql.arg(member);
        sql.arg(since);
        self.scalar(&sql.text, &sql.binds).await
    }

    async fn held_messages(
        &self,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>> {
        messages::held_messages(self, before, limit).await
    }

    async fn release_held(&self, id: MessageId) -> StoreResult<Option<Message>> {
        messages::release_held(self, id).await
    }

    async fn delete_held(&self, id: MessageId) -> StoreResult<bool> {
        messages::delete_held(self, id).await
    }

    async fn report_conversation(
        &self,
        id: ConversationId,
        reporter: MemberId,
        message: Option<MessageId>,
        now: i64,
    ) -> StoreResult<()> {
        messages::report_conversation(self, id, reporter, message, now).await
    }

    async fn create_attachment(&self, a: &NewAttachment) -> StoreResult<Attachment> {
        attachments::create_attachment(self, a).await
    }

    async fn attachment(&self, id: i64) -> StoreResult<Option<Attachment>> {
        attachments::attachment(self, id).await
    }

    async fn attachment_message(&self, attachment: i64) -> StoreResult<Option<Message>> {
        messages::attachment_message(self, attachment).await
    }

    async fn message_settings(&self, member: MemberId) -> StoreResult<MessageSettings> {
        settings::message_settings(self, member).await
    }

    async fn message_settings_of(
        &self,
        members: &[MemberId],
    ) -> StoreResult<Vec<(MemberId, MessageSettings)>> {
        settings::message_settings_of(self, members).await
    }

    async fn set_message_settings(&self, member: MemberId, s: &MessageSettings) -> StoreResult<()> {
        settings::set_message_settings(self, member, s).await
    }

    async fn unread_for_email(&self, older_than: i64, limit: u32) -> StoreResult<Vec<UnreadBatch>> {
        messages::unread_for_email(self, older_than, limit).await
    }

    async fn mark_emailed(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()> {
        messages::mark_emailed(self, id, member, through).await
    }

    async fn set_away(&self, a: &NewAway) -> StoreResult<Away> {
        away::set_away(self, a).await
    }

    async fn away(&self, member: MemberId, now: i64) -> StoreResult<Option<Away>> {
        away::away(self, member, now).await
    }

    async fn away_by_id(&self, id: i64) -> StoreResult<Option<Away>> {
        away::away_by_id(self, id).await
    }

    async fn aways_at(&self, members: &[MemberId], now: i64) -> StoreResult<Vec<Away>> {
        away::aways_at(self, members, now).await
    }

    async fn end_away(&self, member: MemberId, now: i64) -> StoreResult<bool> {
        away::end_away(self, member, now).await
    }

    async fn claim_auto_reply(&self, away: i64, sender: MemberId) -> StoreResult<bool> {
        away::claim_auto_reply(self, away, sender).await
    }

    async fn aways_to_summarize(&self, now: i64, limit: u32) -> StoreResult<Vec<Away>> {
        away::aways_to_summarize(self, now, limit).await
    }

    async fn mark_away_summarized(&self, away: i64, now: i64) -> StoreResult<()> {
        away::mark_away_summarized(self, away, now).await
    }

    async fn away_summary(&self, member: MemberId, from: i64, to: i64) -> StoreResult<AwaySummary> {
        away::away_summary(self, member, from, to).await
    }
}

/// Sets one of a participant's own flags (`archived`, `muted`); the column is ours, never
/// input.
async fn set_own_flag(
    store: &SqlStore,
    column: &'static str,
    id: ConversationId,
    member: MemberId,
    on: bool,
) -> StoreResult<()> {
    let sql = format!(
        "UPDATE conversation_members SET {column} = $1 WHERE conversation_id = $2 AND member_id = $3"
    );
    store.run(&sql, &vals![on, id, member]).await.map(|_| ())
}
