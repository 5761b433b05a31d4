//! Messaging's shapes: conversations and their participants, messages and attachments, the
//! member's messaging settings, and away periods (out of office), as the store keeps them.

use serde::Serialize;

use crate::accounts::model::MemberId;

pub type ConversationId = i64;
pub type MessageId = i64;

/// A participant's place in a conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParticipantState {
    /// In the inbox (or archived): reads and writes.
    Active,
    /// A message request waiting for this member's answer.
    Request,
    /// This member ignored the request: nothing more shows, the sender is not told.
    Ignored,
    /// Left the group, or was removed: sees what was sent until then, nothing after.
    Left,
}

impl ParticipantState {
    pub fn as_str(self) -> &'static str {
        match self {
            ParticipantState::Active => "active",
            ParticipantState::Request => "request",
            ParticipantState::Ignored => "ignored",
            ParticipantState::Left => "left",
        }
    }
    pub fn from_db(s: &str) -> ParticipantState {
        match s {
            "request" => ParticipantState::Request,
            "ignored" => ParticipantState::Ignored,
            "left" => ParticipantState::Left,
            _ => ParticipantState::Active,
        }
    }
}

/// Which list of conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum MessageBox {
    /// Active or left, not archived, with something visible to the member.
    #[default]
    Inbox,
    /// Waiting requests.
    Requests,
    /// Active or left, archived.
    Archived,
}

impl MessageBox {
    pub const ALL: [MessageBox; 3] = [
        MessageBox::Inbox,
        MessageBox::Requests,
        MessageBox::Archived,
    ];
    pub fn parse(raw: &str) -> Option<MessageBox> {
        match raw.trim() {
            "" | "inbox" => Some(MessageBox::Inbox),
            "requests" => Some(MessageBox::Requests),
            "archived" => Some(MessageBox::Archived),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            MessageBox::Inbox => "inbox",
            MessageBox::Requests => "requests",
            MessageBox::Archived => "archived",
        }
    }
}

/// "Who can message me".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum WhoCanMessage {
    #[default]
    Everyone,
    /// 2nd degree and closer.
    SecondDegree,
    Connections,
}

impl WhoCanMessage {
    pub const ALL: [WhoCanMessage; 3] = [
        WhoCanMessage::Everyone,
        WhoCanMessage::SecondDegree,
        WhoCanMessage::Connections,
    ];
    pub fn parse(raw: &str) -> Option<WhoCanMessage> {
        match raw.trim() {
            "everyone" => Some(WhoCanMessage::Everyone),
            "second_degree" => Some(WhoCanMessage::SecondDegree),
            "connections" => Some(WhoCanMessage::Connections),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            WhoCanMessage::Everyone => "everyone",
            WhoCanMessage::SecondDegree => "second_degree",
            WhoCanMessage::Connections => "connections",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MessageSettings {
    pub who_can_message: WhoCanMessage,
    /// Reciprocal: receipts show between two members only when both have them on.
    pub read_receipts: bool,
    /// Unread messages older than this many minutes are emailed (0: never).
    pub email_after_minutes: i64,
}

impl Default for MessageSettings {
    fn default() -> Self {
        MessageSettings {
            who_can_message: WhoCanMessage::Everyone,
            read_receipts: true,
            email_after_minutes: 60,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conversation {
    pub id: ConversationId,
    /// More than two participants ever: a group (leaving is possible, requests are not).
    pub group: bool,
    pub title: Option<String>,
    pub created_by: MemberId,
    pub created_at: i64,
    /// The newest delivered (not held) message: orders the lists.
    pub last_message_id: MessageId,
    pub last_message_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Participant {
    pub conversation_id: ConversationId,
    pub member_id: MemberId,
    pub state: ParticipantState,
    /// Sees messages with ids above this (0: from the start).
    pub joined_after: MessageId,
    /// Left or removed: sees messages up to this id only.
    pub left_through: Option<MessageId>,
    /// "Delete for me": messages up to this id are hidden from this member.
    pub cleared_through: MessageId,
    /// Read up to this message id.
    pub last_read: MessageId,
    /// Unread messages up to this id were emailed.
    pub emailed_through: MessageId,
    pub archived: bool,
    pub muted: bool,
}

impl Participant {
    /// Whether message `id` is within what this participant may see (held messages are
    /// decided apart: only their sender sees them).
    pub fn sees(&self, id: MessageId) -> bool {
        id > self.joined_after
            && id > self.cleared_through
            && self.left_through.is_none_or(|t| id <= t)
    }
}

/// The range of a conversation's messages one member may read (from [`Participant`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Visible {
    pub member: MemberId,
    /// Ids strictly above this.
    pub after: MessageId,
    /// Ids up to this, when set.
    pub through: Option<MessageId>,
}

impl From<&Participant> for Visible {
    fn from(p: &Participant) -> Self {
        Visible {
            member: p.member_id,
            after: p.joined_after.max(p.cleared_through),
            through: p.left_through,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub id: i64,
    pub owner_id: MemberId,
    /// The file name as uploaded (cleaned), offered on download.
    pub name: String,
    pub content_type: String,
    pub size: i64,
    /// The file under `<data-dir>/media/files/`.
    pub key: String,
    /// A re-encoded image, shown inline; anything else is only ever a download.
    pub image: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewAttachment {
    pub owner_id: MemberId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub key: String,
    pub image: bool,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub sender_id: MemberId,
    pub body: String,
    pub body_html: String,
    /// An out-of-office reply, written by Guild.
    pub automatic: bool,
    /// Held as likely spam: not delivered, seen only by its sender.
    pub held: bool,
    pub attachment: Option<Attachment>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewMessage {
    pub conversation_id: ConversationId,
    pub sender_id: MemberId,
    pub body: String,
    pub body_html: String,
    pub automatic: bool,
    pub held: bool,
    /// Sent to a member who was not a connection at the time (the spam rules count these).
    pub to_stranger: bool,
    pub attachment_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewConversation {
    pub group: bool,
    pub title: Option<String>,
    pub created_by: MemberId,
    /// Everyone but the creator, with their starting state (the creator is `Active`).
    pub others: Vec<(MemberId, ParticipantState)>,
    pub created_at: i64,
}

/// One entry of a member's conversation list: the conversation and the member's own place
/// in it.
#[derive(Debug, Clone)]
pub struct ConversationEntry {
    pub conversation: Conversation,
    pub me: Participant,
}

/// An away period (out of office).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Away {
    pub id: i64,
    pub member_id: MemberId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub message: String,
    /// For members who are not connections; `None`: the same message.
    pub message_for_others: Option<String>,
    pub contact_id: Option<MemberId>,
    /// When the "while you were away" summary went out.
    pub summarized_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewAway {
    pub member_id: MemberId,
    pub starts_at: i64,
    pub ends_at: i64,
    pub message: String,
    pub message_for_others: Option<String>,
    pub contact_id: Option<MemberId>,
    pub created_at: i64,
}

/// What happened while a member was away.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AwaySummary {
    pub messages: i64,
    pub conversations: i64,
    pub invitations: i64,
    pub mentions: i64,
}

/// Unread messages due for an email: one per (member, conversation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnreadBatch {
    pub member_id: MemberId,
    pub conversation_id: ConversationId,
    /// The newest unread message the email covers.
    pub through: MessageId,
    pub count: i64,
}
