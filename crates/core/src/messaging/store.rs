//! What messaging needs from storage (implemented by `guild-store`, checked by its contract
//! suite on SQLite and PostgreSQL).
//!
//! The store keeps rows; core decides who may do what. Methods that change a member's own
//! place in a conversation take that member's id and touch only that member's row
//! (`WHERE conversation_id = $1 AND member_id = $2`): another id changes nothing.

use async_trait::async_trait;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::error::StoreResult;

#[async_trait]
pub trait MessageStore: Send + Sync {
    /// Writes the conversation and its participants (the creator `Active`). One transaction.
    async fn create_conversation(&self, c: &NewConversation) -> StoreResult<Conversation>;
    async fn conversation(&self, id: ConversationId) -> StoreResult<Option<Conversation>>;
    /// The two-member, non-group conversation between `a` and `b`, if there is one.
    async fn direct_conversation(
        &self,
        a: MemberId,
        b: MemberId,
    ) -> StoreResult<Option<Conversation>>;
    /// Every participant (any state), by member id.
    async fn participants(&self, id: ConversationId) -> StoreResult<Vec<Participant>>;
    /// The participants of each of these conversations, in one query.
    async fn participants_of(&self, ids: &[ConversationId]) -> StoreResult<Vec<Participant>>;
    async fn participant(
        &self,
        id: ConversationId,
        member: MemberId,
    ) -> StoreResult<Option<Participant>>;

    /// Writes the message. Unless held: the conversation's `last_message_*` move to it, it
    /// comes back out of the archive for every active participant, and the sender has read
    /// up to it (unless it is automatic: an away member has read nothing). One transaction.
    async fn add_message(&self, m: &NewMessage) -> StoreResult<Message>;
    /// The messages of a conversation in `visible`'s range, newest first, strictly before
    /// message id `before`; held messages only when `visible.member` sent them.
    async fn messages(
        &self,
        id: ConversationId,
        visible: Visible,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    async fn message(&self, id: MessageId) -> StoreResult<Option<Message>>;
    /// Messages with id above `after` in any conversation the member takes part in (not
    /// ignored), within the member's visible range, held only if theirs; oldest first. The
    /// live stream's catch-up after `Last-Event-ID`.
    async fn messages_after(
        &self,
        member: MemberId,
        after: MessageId,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    /// The newest message id [`MessageStore::messages_after`] could return (0 if none).
    async fn latest_message_id(&self, member: MemberId) -> StoreResult<MessageId>;
    /// The newest message the member may see in each of these conversations.
    async fn last_messages(
        &self,
        member: MemberId,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<Message>>;
    /// Unread messages (by others, not held, visible to the member, above `last_read`) in
    /// each of these conversations that has any.
    async fn unread_counts(
        &self,
        member: MemberId,
        ids: &[ConversationId],
    ) -> StoreResult<Vec<(ConversationId, i64)>>;
    /// (inbox conversations with something unread, waiting requests).
    async fn unread_totals(&self, member: MemberId) -> StoreResult<(i64, i64)>;
    /// The member's conversations in `box`, by `(last_message_at, id)` newest first,
    /// strictly before `before`. Inbox and archive leave out conversations with nothing
    /// visible to the member (all cleared).
    async fn conversations(
        &self,
        member: MemberId,
        in_box: MessageBox,
        before: Option<(i64, ConversationId)>,
        limit: u32,
    ) -> StoreResult<Vec<ConversationEntry>>;
    /// Messages the member may see whose body contains `needle` (any letter case), newest
    /// first, strictly before message id `before`.
    async fn search_messages(
        &self,
        member: MemberId,
        needle: &str,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;

    /// Moves `last_read` up to `through` (never down); false when nothing changed.
    async fn mark_conversation_read(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<bool>;
    async fn set_conversation_archived(
        &self,
        id: ConversationId,
        member: MemberId,
        on: bool,
    ) -> StoreResult<()>;
    async fn set_conversation_muted(
        &self,
        id: ConversationId,
        member: MemberId,
        on: bool,
    ) -> StoreResult<()>;
    async fn set_participant_state(
        &self,
        id: ConversationId,
        member: MemberId,
        state: ParticipantState,
    ) -> StoreResult<()>;
    /// Leaves (or is removed from) a group: state `Left`, seeing messages up to `through`.
    async fn leave_conversation(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()>;
    /// "Delete for me": hides messages up to `through` from this member only.
    async fn clear_conversation(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()>;

    /// Bodies of messages `sender` sent to non-connections (`to_stranger`) at or after
    /// `since`, with their conversations: what the spam rule compares a new one with.
    async fn stranger_messages_since(
        &self,
        sender: MemberId,
        since: i64,
    ) -> StoreResult<Vec<(ConversationId, String)>>;
    /// Conversations `member` started at or after `since`.
    async fn conversations_started_since(&self, member: MemberId, since: i64) -> StoreResult<i64>;
    /// Held messages, newest first, strictly before id `before` (for review).
    async fn held_messages(
        &self,
        before: Option<MessageId>,
        limit: u32,
    ) -> StoreResult<Vec<Message>>;
    /// Delivers a held message after review: no longer held, the conversation's last message
    /// if it is the newest, and where nothing had been delivered before, recipients kept out
    /// (`Ignored`) get it as a request. `None` when it is not a held message. One transaction.
    async fn release_held(&self, id: MessageId) -> StoreResult<Option<Message>>;
    /// Deletes a held message after review; false when it is not a held message.
    async fn delete_held(&self, id: MessageId) -> StoreResult<bool>;
    /// Records a member's report of a conversation (and optionally one message).
    async fn report_conversation(
        &self,
        id: ConversationId,
        reporter: MemberId,
        message: Option<MessageId>,
        now: i64,
    ) -> StoreResult<()>;

    async fn create_attachment(&self, a: &NewAttachment) -> StoreResult<Attachment>;
    async fn attachment(&self, id: i64) -> StoreResult<Option<Attachment>>;
    /// The message an attachment was sent with, if it was.
    async fn attachment_message(&self, attachment: i64) -> StoreResult<Option<Message>>;

    async fn message_settings(&self, member: MemberId) -> StoreResult<MessageSettings>;
    /// The settings of each of these members (defaults for those who never changed them).
    async fn message_settings_of(
        &self,
        members: &[MemberId],
    ) -> StoreResult<Vec<(MemberId, MessageSettings)>>;
    async fn set_message_settings(&self, member: MemberId, s: &MessageSettings) -> StoreResult<()>;

    /// Unread messages by others, not held, in conversations the member is active in and has
    /// not muted, created at or before `older_than` (each member's own `email_after_minutes`
    /// is applied by core), above both `last_read` and `emailed_through`; one row per
    /// (member, conversation), at most `limit`.
    async fn unread_for_email(&self, older_than: i64, limit: u32) -> StoreResult<Vec<UnreadBatch>>;
    async fn mark_emailed(
        &self,
        id: ConversationId,
        member: MemberId,
        through: MessageId,
    ) -> StoreResult<()>;

    /// Replaces the member's current or coming away period (one at most) with `a`.
    async fn set_away(&self, a: &NewAway) -> StoreResult<Away>;
    /// The member's away period that has not ended at `now` (current or coming).
    async fn away(&self, member: MemberId, now: i64) -> StoreResult<Option<Away>>;
    async fn away_by_id(&self, id: i64) -> StoreResult<Option<Away>>;
    /// The periods of these members that are in force at `now`.
    async fn aways_at(&self, members: &[MemberId], now: i64) -> StoreResult<Vec<Away>>;
    /// Ends the member's period: a current one ends at `now`, a coming one is deleted.
    /// False when there was none.
    async fn end_away(&self, member: MemberId, now: i64) -> StoreResult<bool>;
    /// Records the automatic reply of period `away` to `sender`; false when one was already
    /// sent (one per sender per period).
    async fn claim_auto_reply(&self, away: i64, sender: MemberId) -> StoreResult<bool>;
    /// Periods ended at or before `now` whose summary has not gone out; at most `limit`.
    async fn aways_to_summarize(&self, now: i64, limit: u32) -> StoreResult<Vec<Away>>;
    async fn mark_away_summarized(&self, away: i64, now: i64) -> StoreResult<()>;
    /// What reached the member in `[from, to)`: messages by others (not held, not automatic)
    /// and the conversations they were in, invitations received, mentions (notifications of
    /// kind `mention`).
    async fn away_summary(&self, member: MemberId, from: i64, to: i64) -> StoreResult<AwaySummary>;
}
