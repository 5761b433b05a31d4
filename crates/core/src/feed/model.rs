//! The feed's shapes: posts and articles, reactions, comments, impressions, hashtags and
//! notifications, as the store keeps them and the services hand them out.

use serde::Serialize;

use crate::accounts::model::MemberId;

pub type PostId = i64;

/// What kind of item a post row is. A repost is a `Post` with `repost_of` set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PostKind {
    Post,
    /// Long-form: a title, a body, a cover image and a page of its own.
    Article,
    /// A network update written by Guild from a profile event ("started a new position").
    Update,
}

impl PostKind {
    /// The blocks its text may have: an article keeps its headings.
    pub fn blocks(self) -> crate::markup::Blocks {
        match self {
            PostKind::Article => crate::markup::Blocks::Article,
            PostKind::Post | PostKind::Update => crate::markup::Blocks::Post,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PostKind::Post => "post",
            PostKind::Article => "article",
            PostKind::Update => "update",
        }
    }
    pub fn from_db(s: &str) -> PostKind {
        match s {
            "article" => PostKind::Article,
            "update" => PostKind::Update,
            _ => PostKind::Post,
        }
    }
}

/// Who may read a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum PostVisibility {
    #[default]
    Anyone,
    /// The author's connections (and the author).
    Connections,
}

impl PostVisibility {
    pub const ALL: [PostVisibility; 2] = [PostVisibility::Anyone, PostVisibility::Connections];
    pub fn parse(raw: &str) -> Result<PostVisibility, String> {
        match raw.trim() {
            "anyone" => Ok(PostVisibility::Anyone),
            "connections" => Ok(PostVisibility::Connections),
            _ => Err("Choose anyone or connections.".into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            PostVisibility::Anyone => "anyone",
            PostVisibility::Connections => "connections",
        }
    }
    pub fn from_db(s: &str) -> PostVisibility {
        if s == "connections" {
            PostVisibility::Connections
        } else {
            PostVisibility::Anyone
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReactionKind {
    Like,
    Celebrate,
    Support,
    Insightful,
    Curious,
}

impl ReactionKind {
    pub const ALL: [ReactionKind; 5] = [
        ReactionKind::Like,
        ReactionKind::Celebrate,
        ReactionKind::Support,
        ReactionKind::Insightful,
        ReactionKind::Curious,
    ];
    pub fn parse(raw: &str) -> Result<ReactionKind, String> {
        ReactionKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw.trim())
            .ok_or_else(|| "Choose like, celebrate, support, insightful or curious.".into())
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ReactionKind::Like => "like",
            ReactionKind::Celebrate => "celebrate",
            ReactionKind::Support => "support",
            ReactionKind::Insightful => "insightful",
            ReactionKind::Curious => "curious",
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            ReactionKind::Like => "Like",
            ReactionKind::Celebrate => "Celebrate",
            ReactionKind::Support => "Support",
            ReactionKind::Insightful => "Insightful",
            ReactionKind::Curious => "Curious",
        }
    }
    pub fn from_db(s: &str) -> ReactionKind {
        ReactionKind::parse(s).unwrap_or(ReactionKind::Like)
    }
}

/// The running totals kept on each post row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct PostCounts {
    pub reactions: i64,
    pub comments: i64,
    pub reposts: i64,
    pub impressions: i64,
}

/// How many reactions of one kind a post has, and whether the asker's own is among them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReactionTally {
    pub post: PostId,
    pub kind: ReactionKind,
    pub count: i64,
    pub mine: bool,
}

/// `viewer` saw `post` at `at` (ms), on `day` (days since the epoch, UTC): an impression,
/// counted once per viewer, post and day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impression {
    pub post: PostId,
    pub viewer: MemberId,
    pub day: i64,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct Post {
    pub id: PostId,
    pub author_id: MemberId,
    pub kind: PostKind,
    /// Articles only.
    pub title: Option<String>,
    /// The text as the author wrote it (Markdown subset).
    pub body: String,
    /// `body` rendered and sanitised when written (see [`crate::markup`]).
    pub body_html: String,
    pub visibility: PostVisibility,
    /// The post this one reposts, if it is a repost. `None` also once the original is deleted
    /// (then `repost_deleted` is true).
    pub repost_of: Option<PostId>,
    pub repost_deleted: bool,
    /// Media keys of up to 4 images (see [`crate::media`]).
    pub images: Vec<String>,
    /// Articles: the cover image's media key.
    pub cover: Option<String>,
    pub hashtags: Vec<String>,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub counts: PostCounts,
}

/// A post to write; tags and mentions are written with it in one transaction.
#[derive(Debug, Clone)]
pub struct NewPost {
    pub author_id: MemberId,
    pub kind: PostKind,
    pub title: Option<String>,
    pub body: String,
    pub body_html: String,
    pub visibility: PostVisibility,
    pub repost_of: Option<PostId>,
    pub images: Vec<String>,
    pub cover: Option<String>,
    /// Folded hashtags, unique.
    pub hashtags: Vec<String>,
    /// Members mentioned (and allowed to be linked).
    pub mentions: Vec<MemberId>,
    pub created_at: i64,
}

/// An author's edit: everything but the kind and the repost link may change.
#[derive(Debug, Clone)]
pub struct PostEdit {
    pub title: Option<String>,
    pub body: String,
    pub body_html: String,
    pub visibility: PostVisibility,
    pub images: Vec<String>,
    pub cover: Option<String>,
    pub hashtags: Vec<String>,
    pub mentions: Vec<MemberId>,
    pub edited_at: i64,
}

/// A post as the in-memory feed index holds it (what ranking reads), as loaded at start.
#[derive(Debug, Clone)]
pub struct IndexedPost {
    pub id: PostId,
    pub author_id: MemberId,
    pub kind: PostKind,
    pub visibility: PostVisibility,
    pub is_repost: bool,
    pub hashtags: Vec<String>,
    pub created_at: i64,
    pub counts: PostCounts,
}

/// What a member did to a post (network activity, affinity).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Reacted,
    Commented,
    Reposted,
}

/// A member's reaction, comment or repost on a post, as the feed index replays it at start.
#[derive(Debug, Clone, Copy)]
pub struct PostActivity {
    pub post_id: PostId,
    pub actor_id: MemberId,
    pub kind: ActivityKind,
    pub at: i64,
}

#[derive(Debug, Clone)]
pub struct Comment {
    pub id: i64,
    pub post_id: PostId,
    /// The top-level comment this one replies to (one level of replies only).
    pub parent_id: Option<i64>,
    pub author_id: MemberId,
    pub body: String,
    pub body_html: String,
    pub created_at: i64,
    pub edited_at: Option<i64>,
    pub reactions: i64,
}

#[derive(Debug, Clone)]
pub struct NewComment {
    pub post_id: PostId,
    pub parent_id: Option<i64>,
    pub author_id: MemberId,
    pub body: String,
    pub body_html: String,
    pub mentions: Vec<MemberId>,
    pub created_at: i64,
}

/// What a notification is about. Each kind can be switched off in-app and by email.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NotificationKind {
    InvitationReceived,
    InvitationAccepted,
    Mention,
    Comment,
    Reply,
    /// Aggregated per post: one row whose `count` grows ("Ann and 12 others reacted").
    Reaction,
    Repost,
    NewPosition,
    /// An away period ended: what happened meanwhile (the actor is the member themself).
    AwaySummary,
}

impl NotificationKind {
    pub const ALL: [NotificationKind; 9] = [
        NotificationKind::InvitationReceived,
        NotificationKind::InvitationAccepted,
        NotificationKind::Mention,
        NotificationKind::Comment,
        NotificationKind::Reply,
        NotificationKind::Reaction,
        NotificationKind::Repost,
        NotificationKind::NewPosition,
        NotificationKind::AwaySummary,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            NotificationKind::InvitationReceived => "invitation_received",
            NotificationKind::InvitationAccepted => "invitation_accepted",
            NotificationKind::Mention => "mention",
            NotificationKind::Comment => "comment",
            NotificationKind::Reply => "reply",
            NotificationKind::Reaction => "reaction",
            NotificationKind::Repost => "repost",
            NotificationKind::NewPosition => "new_position",
            NotificationKind::AwaySummary => "away_summary",
        }
    }
    pub fn parse(raw: &str) -> Option<NotificationKind> {
        NotificationKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
    }
    /// The settings page's label.
    pub fn label(self) -> &'static str {
        match self {
            NotificationKind::InvitationReceived => "Invitations you receive",
            NotificationKind::InvitationAccepted => "Invitations accepted",
            NotificationKind::Mention => "Mentions",
            NotificationKind::Comment => "Comments on your posts",
            NotificationKind::Reply => "Replies to your comments",
            NotificationKind::Reaction => "Reactions to your posts",
            NotificationKind::Repost => "Reposts of your posts",
            NotificationKind::NewPosition => "A connection's new position",
            NotificationKind::AwaySummary => "While you were away",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Notification {
    pub id: i64,
    pub member_id: MemberId,
    pub kind: NotificationKind,
    /// The latest member who did it.
    pub actor_id: MemberId,
    /// How many did it (reactions are aggregated per post; 1 for the other kinds).
    pub count: i64,
    pub post_id: Option<PostId>,
    pub comment_id: Option<i64>,
    pub invitation_id: Option<i64>,
    /// What the row is about (see [`NewNotification::group_key`]).
    pub group_key: String,
    /// Last changed (an aggregated row moves up when someone else reacts).
    pub created_at: i64,
    pub read_at: Option<i64>,
}

#[derive(Debug, Clone)]
pub struct NewNotification {
    pub member_id: MemberId,
    pub kind: NotificationKind,
    pub actor_id: MemberId,
    pub post_id: Option<PostId>,
    pub comment_id: Option<i64>,
    pub invitation_id: Option<i64>,
    /// Rows with the same key for the same member are one notification: a reaction key
    /// (`reaction:<post>`) adds to `count` and marks it unread again; any other repeated key is
    /// ignored (the same mention twice).
    pub group_key: String,
    pub created_at: i64,
}

/// A member's choice for one kind of notification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NotificationSetting {
    pub kind: NotificationKind,
    pub in_app: bool,
    pub email: bool,
}

/// How often unread notifications are emailed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Digest {
    Daily,
    #[default]
    Weekly,
    Off,
}

impl Digest {
    pub const ALL: [Digest; 3] = [Digest::Daily, Digest::Weekly, Digest::Off];
    pub fn parse(raw: &str) -> Result<Digest, String> {
        match raw.trim() {
            "daily" => Ok(Digest::Daily),
            "weekly" => Ok(Digest::Weekly),
            "off" => Ok(Digest::Off),
            _ => Err("Choose daily, weekly or off.".into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Digest::Daily => "daily",
            Digest::Weekly => "weekly",
            Digest::Off => "off",
        }
    }
    pub fn from_db(s: &str) -> Digest {
        Digest::parse(s).unwrap_or_default()
    }
    /// Milliseconds between two digests.
    pub fn period_ms(self) -> Option<i64> {
        match self {
            Digest::Daily => Some(86_400_000),
            Digest::Weekly => Some(7 * 86_400_000),
            Digest::Off => None,
        }
    }
}

/// How the home feed is ordered; remembered per member.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FeedSort {
    #[default]
    Relevant,
    Recent,
}

impl FeedSort {
    pub const ALL: [FeedSort; 2] = [FeedSort::Relevant, FeedSort::Recent];
    pub fn parse(raw: &str) -> Result<FeedSort, String> {
        match raw.trim() {
            "relevant" => Ok(FeedSort::Relevant),
            "recent" => Ok(FeedSort::Recent),
            _ => Err("Choose relevant or recent.".into()),
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            FeedSort::Relevant => "relevant",
            FeedSort::Recent => "recent",
        }
    }
    pub fn from_db(s: &str) -> FeedSort {
        FeedSort::parse(s).unwrap_or_default()
    }
}

/// The member settings the feed and notifications read, one row of `members`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedPrefs {
    pub sort: FeedSort,
    pub digest: Digest,
    /// When the last digest went out (or the account was created).
    pub digest_sent_at: i64,
}
