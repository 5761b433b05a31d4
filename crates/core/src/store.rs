//! What the services need from storage. `guild-store` implements it for SQLite and PostgreSQL;
//! the contract suite in that crate runs the same tests against both.
//!
//! Methods that act on a member's own rows take that member's id and must touch only rows that
//! belong to it (`WHERE id = $1 AND member_id = $2`), so a wrong id from another member finds
//! nothing rather than someone else's data.

use async_trait::async_trait;

use crate::domain::Visibility;
use crate::model::*;
use crate::network::model::*;

pub use crate::feed::store::{FeedStore, NotificationStore};
pub use crate::messaging::store::MessageStore;

/// What a single-use emailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailTokenPurpose {
    /// "Confirm your email" after sign-up.
    Confirm,
    /// "Reset your password".
    Reset,
}

impl EmailTokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailTokenPurpose::Confirm => "confirm",
            EmailTokenPurpose::Reset => "reset",
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value (the named field) is already taken.
    #[error("{0} already taken")]
    Conflict(&'static str),
    #[error("storage: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Filters of the member directory. Text filters are folded with [`crate::domain::fold_key`].
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Prefix of the name, or of any word of it.
    pub name: Option<String>,
    /// Exact (folded) company of any position.
    pub company: Option<String>,
    /// Prefix of the location.
    pub location: Option<String>,
    pub school: Option<String>,
    pub skill: Option<String>,
    /// Profiles with these visibilities are listed (the viewer's rights, decided in core).
    pub visible: Vec<Visibility>,
    /// The member asking, who always sees their own entry and the profiles their
    /// connections share with connections.
    pub viewer: Option<MemberId>,
    /// Members the viewer must not see (blocks either way).
    pub hidden: Vec<MemberId>,
    /// Keyset cursor: strictly after this (sort_key, id).
    pub after: Option<(String, MemberId)>,
    pub limit: u32,
}

/// Everything a seeded demo member brings, written in bulk.
#[derive(Debug, Clone)]
pub struct SeedMember {
    pub member: NewMember,
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    pub visibility: Visibility,
    pub positions: Vec<NewPosition>,
    pub education: Vec<NewEducation>,
    pub skills: Vec<String>,
}

#[async_trait]
pub trait Store:
    NetworkStore
    + InvitationStore
    + FeedStore
    + NotificationStore
    + MessageStore
    + Send
    + Sync
    + 'static
{
    // members
    async fn create_member(&self, m: &NewMember, invite_hash: Option<&str>) -> StoreResult<Member>;
    async fn member_by_id(&self, id: MemberId) -> StoreResult<Option<Member>>;
    async fn member_by_handle(&self, handle: &str) -> StoreResult<Option<Member>>;
    async fn member_by_email(&self, email: &str) -> StoreResult<Option<Member>>;
    async fn set_password_hash(&self, id: MemberId, hash: &str) -> StoreResult<()>;
    async fn set_email(&self, id: MemberId, email: &str) -> StoreResult<()>;
    async fn set_handle(&self, id: MemberId, handle: &str) -> StoreResult<()>;
    async fn set_role(&self, id: MemberId, role: crate::domain::Role) -> StoreResult<()>;
    async fn count_members(&self) -> StoreResult<i64>;

    // sessions: only the SHA-256 of the cookie value is stored
    async fn create_session(
        &self,
        hash: &str,
        member: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()>;
    async fn session_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>>;
    async fn delete_session(&self, hash: &str) -> StoreResult<()>;
    async fn delete_member_sessions(&self, member: MemberId) -> StoreResult<()>;

    // personal access tokens
    async fn create_token(
        &self,
        member: MemberId,
        label: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<i64>;
    async fn list_tokens(&self, member: MemberId) -> StoreResult<Vec<ApiToken>>;
    /// Revokes one of `member`'s tokens; false when it is not theirs or already revoked.
    async fn revoke_token(&self, member: MemberId, id: i64, now: i64) -> StoreResult<bool>;
    async fn token_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>>;

    // password resets and sign-up invitations: single-use, hashed
    async fn create_email_token(
        &self,
        hash: &str,
        member: MemberId,
        purpose: EmailTokenPurpose,
        expires: i64,
    ) -> StoreResult<()>;
    /// Marks the token used and returns its member, if it exists for this purpose, is unused
    /// and unexpired. A token works once.
    async fn take_email_token(
        &self,
        hash: &str,
        purpose: EmailTokenPurpose,
        now: i64,
    ) -> StoreResult<Option<MemberId>>;
    /// Confirms a pending account (its email link was opened).
    async fn activate_member(&self, id: MemberId) -> StoreResult<()>;
    async fn create_signup_invite(
        &self,
        hash: &str,
        by: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()>;
    async fn signup_invite_valid(&self, hash: &str, now: i64) -> StoreResult<bool>;

    // profile
    async fn profile(&self, member: MemberId) -> StoreResult<Profile>;
    /// Applies the patch and records the events in one transaction.
    async fn update_profile(
        &self,
        member: MemberId,
        patch: &ProfilePatch,
        events: &[NewProfileEvent],
        now: i64,
    ) -> StoreResult<Profile>;
    async fn set_photo(&self, member: MemberId, key: Option<&str>, now: i64) -> StoreResult<()>;
    async fn positions(&self, member: MemberId) -> StoreResult<Vec<Position>>;
    async fn add_position(
        &self,
        member: MemberId,
        p: &NewPosition,
        event: Option<&NewProfileEvent>,
        now: i64,
    ) -> StoreResult<Position>;
    async fn update_position(
        &self,
        member: MemberId,
        id: i64,
        p: &NewPosition,
        now: i64,
    ) -> StoreResult<Option<Position>>;
    async fn delete_position(&self, member: MemberId, id: i64) -> StoreResult<bool>;
    async fn education(&self, member: MemberId) -> StoreResult<Vec<Education>>;
    async fn add_education(
        &self,
        member: MemberId,
        e: &NewEducation,
        event: Option<&NewProfileEvent>,
        now: i64,
    ) -> StoreResult<Education>;
    async fn delete_education(&self, member: MemberId, id: i64) -> StoreResult<bool>;
    async fn skills(&self, member: MemberId) -> StoreResult<Vec<String>>;
    async fn set_skills(&self, member: MemberId, skills: &[String]) -> StoreResult<()>;
    async fn links(&self, member: MemberId) -> StoreResult<Vec<FeaturedLink>>;
    async fn add_link(&self, member: MemberId, title: &str, url: &str)
        -> StoreResult<FeaturedLink>;
    async fn delete_link(&self, member: MemberId, id: i64) -> StoreResult<bool>;
    async fn profile_events(&self, member: MemberId, limit: u32) -> StoreResult<Vec<ProfileEvent>>;

    // directory
    async fn directory(&self, q: &DirectoryQuery) -> StoreResult<Vec<MemberCard>>;

    /// Writes seeded members with their profiles in one transaction (demo generation).
    async fn seed_members(&self, members: &[SeedMember]) -> StoreResult<()>;
}

/// The network's tables: invitations, connections, follows, blocks, dismissed suggestions.
///
/// Writes that change who is connected or blocked return what they did, so core can apply
/// exactly that to the in-memory graph after the commit.
#[async_trait]
pub trait NetworkStore: Send + Sync {
    /// Every connection once, as (smaller id, larger id): loads the graph at start.
    async fn all_connections(&self) -> StoreResult<Vec<(MemberId, MemberId)>>;
    /// Every block as (blocker, blocked).
    async fn all_blocks(&self) -> StoreResult<Vec<(MemberId, MemberId)>>;
    async fn max_member_id(&self) -> StoreResult<MemberId>;

    /// Removes the connection both ways (follows stay); false when there was none.
    async fn remove_connection(&self, a: MemberId, b: MemberId) -> StoreResult<bool>;
    async fn list_connections(&self, q: &ConnectionQuery) -> StoreResult<Vec<Related>>;

    /// Starts (`on`) or stops following; false when nothing changed.
    async fn set_follow(
        &self,
        follower: MemberId,
        followee: MemberId,
        on: bool,
        now: i64,
    ) -> StoreResult<bool>;
    async fn is_following(&self, follower: MemberId, followee: MemberId) -> StoreResult<bool>;
    async fn list_follows(
        &self,
        member: MemberId,
        direction: FollowDirection,
        after: Option<(i64, MemberId)>,
        limit: u32,
    ) -> StoreResult<Vec<Related>>;
    /// Everyone `member` follows (the feed's sources).
    async fn following_ids(&self, member: MemberId) -> StoreResult<Vec<MemberId>>;
    /// (followers, following)
    async fn follow_counts(&self, member: MemberId) -> StoreResult<(i64, i64)>;

    /// Blocks in one transaction: the block, and the connection, follows and open invitations
    /// between the two removed or closed. Returns whether they were connected.
    async fn block(&self, blocker: MemberId, blocked: MemberId, now: i64) -> StoreResult<bool>;
    async fn unblock(&self, blocker: MemberId, blocked: MemberId) -> StoreResult<bool>;
    async fn list_blocks(&self, blocker: MemberId) -> StoreResult<Vec<Related>>;

    async fn dismiss_suggestion(
        &self,
        member: MemberId,
        other: MemberId,
        now: i64,
    ) -> StoreResult<()>;
    async fn dismissed(&self, member: MemberId) -> StoreResult<Vec<MemberId>>;

    /// Cards of these members (active ones only), in no particular order.
    async fn cards(&self, ids: &[MemberId]) -> StoreResult<Vec<MemberCard>>;
    /// Employers, schools and place of these members (People You May Know reasons).
    async fn affinities(&self, ids: &[MemberId]) -> StoreResult<Vec<Affinity>>;
    /// Active members who worked at one of these companies or studied at one of these
    /// schools (folded keys), at most `limit` per company or school (the newest members):
    /// suggestion candidates beyond the graph.
    async fn colleagues(
        &self,
        company_keys: &[String],
        school_keys: &[String],
        limit: u32,
    ) -> StoreResult<Vec<MemberId>>;
    /// Active members with one of these email addresses (lower-cased).
    async fn members_by_emails(&self, emails: &[String]) -> StoreResult<Vec<ContactMatch>>;
    /// Writes connections in bulk (demo generation, the store bench): each pair connected and
    /// following each other both ways, in transactions of many rows; pairs already there are
    /// skipped. Not atomic as a whole: for seeding a new installation only.
    async fn seed_connections(&self, pairs: &[(MemberId, MemberId, i64)]) -> StoreResult<()>;
    /// Active members with one of these folded names, with the folded keys of every company
    /// they list.
    async fn members_by_name_keys(&self, keys: &[String]) -> StoreResult<Vec<ContactMatch>>;
}

/// Invitations and who may send them. Accepting writes the connection and follows too, in the
/// same transaction.
#[async_trait]
pub trait InvitationStore: Send + Sync {
    async fn invite_policy(&self, member: MemberId) -> StoreResult<InvitePolicy>;
    async fn set_invite_policy(&self, member: MemberId, policy: InvitePolicy) -> StoreResult<()>;

    /// A new pending invitation; `Conflict("invitation")` when one is already open for the pair.
    async fn create_invitation(
        &self,
        from: MemberId,
        to: MemberId,
        note: Option<&str>,
        now: i64,
    ) -> StoreResult<Invitation>;
    async fn invitation(&self, id: i64) -> StoreResult<Option<Invitation>>;
    /// Closes an open invitation without an answer (it expired).
    async fn close_invitation(&self, id: i64, now: i64) -> StoreResult<()>;
    /// Every invitation `from` ever sent `to`, oldest first (cool-downs are read from them).
    async fn invitation_history(
        &self,
        from: MemberId,
        to: MemberId,
    ) -> StoreResult<Vec<Invitation>>;
    /// How many invitations `from` created at or after `since` (the weekly quota).
    async fn invitations_sent_since(&self, from: MemberId, since: i64) -> StoreResult<i64>;
    /// When recipients answered "I don't know" (or spam) to `from`, at or after `since`.
    async fn dont_know_answers_since(&self, from: MemberId, since: i64) -> StoreResult<Vec<i64>>;
    async fn list_invitations(&self, q: &InvitationQuery) -> StoreResult<Vec<Invitation>>;
    /// Pending invitations received and created after `expired_before` (the top-bar count).
    async fn count_pending_received(&self, to: MemberId, expired_before: i64) -> StoreResult<i64>;
    /// The other members of `member`'s open invitations (sent or received, unexpired), with
    /// `true` when `member` sent it.
    async fn open_invitation_peers(
        &self,
        member: MemberId,
        expired_before: i64,
    ) -> StoreResult<Vec<(MemberId, bool)>>;
    /// The recipient's answer to a pending invitation addressed to them: `Ignored`, `DontKnow`
    /// or `Spam`. `None` when it is not theirs or no longer pending.
    async fn answer_invitation(
        &self,
        id: i64,
        to: MemberId,
        answer: InvitationState,
        now: i64,
    ) -> StoreResult<Option<Invitation>>;
    /// The sender takes back an open invitation. `None` when it is not theirs or not open.
    async fn withdraw_invitation(
        &self,
        id: i64,
        from: MemberId,
        now: i64,
    ) -> StoreResult<Option<Invitation>>;
    /// Accepts an open (pending or ignored) invitation addressed to `to`, in one transaction:
    /// the invitation, the connection both ways, follows both ways, and any other open
    /// invitation between the two closed. `None` when it is not theirs or not open.
    async fn accept_invitation(
        &self,
        id: i64,
        to: MemberId,
        now: i64,
    ) -> StoreResult<Option<Invitation>>;
}
