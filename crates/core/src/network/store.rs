//! What the network needs from storage (implemented by `guild-store`, checked by its contract
//! suite on SQLite and PostgreSQL): invitations, connections, follows, blocks, dismissed
//! suggestions, and the profile facts People You May Know and contact matching read.

use async_trait::async_trait;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::error::StoreResult;
use crate::profiles::model::MemberCard;

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
    /// The same for active members only: of these (`Some`), or every active member (`None`,
    /// in three queries: the affinity index's load). What `colleagues` would find is made of
    /// these.
    async fn active_affinities(&self, ids: Option<&[MemberId]>) -> StoreResult<Vec<Affinity>>;
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
    /// [`InvitationStore::create_invitation`] under a quota: `None` (nothing written) when
    /// `from` already sent `max` invitations since `since`. Invitations of one sender through
    /// several nodes at once are counted one after the other, so the quota is exact.
    async fn create_invitation_within(
        &self,
        from: MemberId,
        to: MemberId,
        note: Option<&str>,
        now: i64,
        since: i64,
        max: u32,
    ) -> StoreResult<Option<Invitation>>;
    async fn invitation(&self, id: i64) -> StoreResult<Option<Invitation>>;
    /// Closes an open invitation without an answer (it expired).
    async fn close_invitation(&self, id: i64, now: i64) -> StoreResult<()>;
    /// Every invitation `from` ever sent `to`, oldest first (cool-downs are read from them).
    async fn invitation_history(
        &self,
        from: MemberId,
        to: MemberId,
    ) -> StoreResult<Vec<Invitation>>;
    /// Every invitation `from` ever sent any of `to`, oldest first: the histories People You
    /// May Know reads in one query to apply the cool-downs `invite` applies.
    async fn invitation_histories(
        &self,
        from: MemberId,
        to: &[MemberId],
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
