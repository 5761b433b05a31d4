//! The change stream's values: a [`Change`] as a trigger wrote it and a [`Position`] in the
//! stream.

/// A place in the stream. PostgreSQL orders changes by their writing transaction, then id
/// (ids are handed out before commit, so id order alone could skip a late commit); SQLite has
/// one writer at a time, so `tx` is 0 and ids are in commit order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Hash)]
pub struct Position {
    pub tx: i64,
    pub id: i64,
}

/// What a change row is about, and what its ids mean (`a`, `b`, `c` of the row).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChangeKind {
    /// a = member
    Member,
    /// a = member
    Profile,
    /// a = member, b = other (one row per direction)
    Connection,
    /// a = follower, b = followee
    Follow,
    /// a = blocker, b = blocked
    Block,
    /// a = from, b = to, c = invitation
    Invitation,
    /// a = post, b = author, c = the reposted post
    Post,
    /// a = post, b = member
    Reaction,
    /// a = post, b = author, c = comment
    Comment,
    /// a = post, b = viewer, c = day
    Impression,
    /// a = member
    HashtagFollow,
    /// a = member, b = notification, c = when it was read (none: unread)
    Notification,
    /// a = conversation, b = sender, c = message
    Message,
    /// a = conversation, b = member
    Participant,
    /// a = member
    MessageSettings,
    /// a = member, b = away period
    Away,
}

impl ChangeKind {
    pub const ALL: [ChangeKind; 16] = [
        ChangeKind::Member,
        ChangeKind::Profile,
        ChangeKind::Connection,
        ChangeKind::Follow,
        ChangeKind::Block,
        ChangeKind::Invitation,
        ChangeKind::Post,
        ChangeKind::Reaction,
        ChangeKind::Comment,
        ChangeKind::Impression,
        ChangeKind::HashtagFollow,
        ChangeKind::Notification,
        ChangeKind::Message,
        ChangeKind::Participant,
        ChangeKind::MessageSettings,
        ChangeKind::Away,
    ];

    /// The name the migrations' triggers write.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Member => "member",
            ChangeKind::Profile => "profile",
            ChangeKind::Connection => "connection",
            ChangeKind::Follow => "follow",
            ChangeKind::Block => "block",
            ChangeKind::Invitation => "invitation",
            ChangeKind::Post => "post",
            ChangeKind::Reaction => "reaction",
            ChangeKind::Comment => "comment",
            ChangeKind::Impression => "impression",
            ChangeKind::HashtagFollow => "hashtag_follow",
            ChangeKind::Notification => "notification",
            ChangeKind::Message => "message",
            ChangeKind::Participant => "participant",
            ChangeKind::MessageSettings => "message_settings",
            ChangeKind::Away => "away",
        }
    }

    pub fn parse(s: &str) -> Option<ChangeKind> {
        ChangeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// Inserted, updated or deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOp {
    Insert,
    Update,
    Delete,
}

impl ChangeOp {
    pub fn parse(s: &str) -> Option<ChangeOp> {
        match s {
            "I" => Some(ChangeOp::Insert),
            "U" => Some(ChangeOp::Update),
            "D" => Some(ChangeOp::Delete),
            _ => None,
        }
    }
}

/// One committed change. A kind or operation this version does not know (written by a newer
/// node during an upgrade) is `None` and skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub at: Position,
    pub kind: Option<ChangeKind>,
    pub op: Option<ChangeOp>,
    pub a: Option<i64>,
    pub b: Option<i64>,
    pub c: Option<i64>,
    /// The node that wrote it, if the backend can tell.
    pub origin: Option<String>,
    /// When it was written, UTC milliseconds.
    pub written_at: i64,
}
