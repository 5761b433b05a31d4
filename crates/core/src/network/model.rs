//! The network's shapes: invitations and their states, who may invite a member, list queries.

use serde::Serialize;

use crate::accounts::model::MemberId;
use crate::profiles::model::MemberCard;

/// Where an invitation stands. `Ignored` is silent: to its sender it still reads as pending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Accepted,
    Ignored,
    Withdrawn,
    /// "I don't know this person": that sender may never invite this member again.
    DontKnow,
    /// Reported as spam: counts as "I don't know" and is kept for the administrators.
    Spam,
    /// Closed without anyone's answer (a block between the two, or a connection made by the
    /// reverse invitation). Starts no cool-down.
    Closed,
}

impl InvitationState {
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationState::Pending => "pending",
            InvitationState::Accepted => "accepted",
            InvitationState::Ignored => "ignored",
            InvitationState::Withdrawn => "withdrawn",
            InvitationState::DontKnow => "dont_know",
            InvitationState::Spam => "spam",
            InvitationState::Closed => "closed",
        }
    }
    pub fn from_db(s: &str) -> InvitationState {
        match s {
            "pending" => InvitationState::Pending,
            "accepted" => InvitationState::Accepted,
            "ignored" => InvitationState::Ignored,
            "withdrawn" => InvitationState::Withdrawn,
            "dont_know" => InvitationState::DontKnow,
            "spam" => InvitationState::Spam,
            _ => InvitationState::Closed,
        }
    }
    /// Still open: the recipient has not answered (pending), or answered silently (ignored).
    pub fn is_open(self) -> bool {
        matches!(self, InvitationState::Pending | InvitationState::Ignored)
    }
}

#[derive(Debug, Clone)]
pub struct Invitation {
    pub id: i64,
    pub from: MemberId,
    pub to: MemberId,
    pub note: Option<String>,
    pub state: InvitationState,
    pub created_at: i64,
    pub responded_at: Option<i64>,
    pub ignored_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

/// Who may send a member an invitation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitePolicy {
    #[default]
    Everyone,
    /// Only people who know (and type) the member's email address.
    EmailRequired,
}

impl InvitePolicy {
    pub const ALL: [InvitePolicy; 2] = [InvitePolicy::Everyone, InvitePolicy::EmailRequired];
    pub fn as_str(self) -> &'static str {
        match self {
            InvitePolicy::Everyone => "everyone",
            InvitePolicy::EmailRequired => "email",
        }
    }
    pub fn parse(raw: &str) -> Result<InvitePolicy, String> {
        match raw.trim() {
            "everyone" => Ok(InvitePolicy::Everyone),
            "email" => Ok(InvitePolicy::EmailRequired),
            _ => Err("Choose everyone or email.".into()),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvitationBox {
    Received,
    Sent,
}

impl InvitationBox {
    pub const ALL: [InvitationBox; 2] = [InvitationBox::Received, InvitationBox::Sent];
    pub fn as_str(self) -> &'static str {
        match self {
            InvitationBox::Received => "received",
            InvitationBox::Sent => "sent",
        }
    }
    pub fn parse(raw: &str) -> Option<InvitationBox> {
        Self::ALL.into_iter().find(|b| b.as_str() == raw)
    }
}

/// A page of a member's open invitations, newest first.
#[derive(Debug, Clone)]
pub struct InvitationQuery {
    pub member: MemberId,
    pub box_: InvitationBox,
    /// Invitations created at or before this are expired and not listed.
    pub expired_before: i64,
    /// Keyset cursor: strictly older than this (created_at, id).
    pub before: Option<(i64, i64)>,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConnectionSort {
    #[default]
    Recent,
    Name,
}

impl ConnectionSort {
    pub const ALL: [ConnectionSort; 2] = [ConnectionSort::Recent, ConnectionSort::Name];
    pub fn as_str(self) -> &'static str {
        match self {
            ConnectionSort::Recent => "recent",
            ConnectionSort::Name => "name",
        }
    }
    pub fn parse(raw: &str) -> Option<ConnectionSort> {
        Self::ALL.into_iter().find(|s| s.as_str() == raw)
    }
}

/// Cursor of a connections or follows page: the position of its last row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListAfter {
    /// Newest first: strictly older than (created_at, member id).
    Time(i64, MemberId),
    /// By name: strictly after (folded name, member id).
    Name(String, MemberId),
}

#[derive(Debug, Clone)]
pub struct ConnectionQuery {
    pub member: MemberId,
    /// Prefix of the name or of any word of it, folded.
    pub name: Option<String>,
    pub sort: ConnectionSort,
    pub after: Option<ListAfter>,
    pub limit: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowDirection {
    /// Who follows the member.
    Followers,
    /// Whom the member follows.
    Following,
}

/// A member listed with the time of the relation (connected, followed, blocked).
#[derive(Debug, Clone)]
pub struct Related {
    pub card: MemberCard,
    pub since: i64,
}

/// What People You May Know reasons are made of: a member's employers, schools and place.
#[derive(Debug, Clone, Default)]
pub struct Affinity {
    pub member: MemberId,
    pub location: Option<String>,
    pub location_key: Option<String>,
    /// (company as written, folded key, start month index, end month index or None = current)
    pub jobs: Vec<(String, String, i32, Option<i32>)>,
    /// (school as written, folded key, start year, end year)
    pub schools: Vec<(String, String, Option<i32>, Option<i32>)>,
}

/// A contact matched to a member by email (certain) or by exact name plus company (maybe).
#[derive(Debug, Clone)]
pub struct ContactMatch {
    pub id: MemberId,
    pub email: String,
    pub name_key: String,
    pub company_keys: Vec<String>,
}
