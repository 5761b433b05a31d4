//! What the feed and notifications need from storage (implemented by `guild-store`, checked by
//! its contract suite on SQLite and PostgreSQL).
//!
//! As everywhere, methods that change a member's own rows take that member's id and touch only
//! rows that belong to it (`WHERE id = $1 AND author_id = $2`): another member's id finds
//! nothing. Counters on `posts` (reactions, comments, reposts, impressions) change in the same
//! transaction as the rows they count.

use async_trait::async_trait;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::error::StoreResult;

#[async_trait]
pub trait FeedStore: Send + Sync {
    /// Writes the post, its hashtags and mentions; a repost also adds one to the original's
    /// `reposts`. One transaction.
    async fn create_post(&self, p: &NewPost) -> StoreResult<Post>;
    async fn post(&self, id: PostId) -> StoreResult<Option<Post>>;
    /// These posts, in no particular order (missing ids are left out).
    async fn posts_by_ids(&self, ids: &[PostId]) -> StoreResult<Vec<Post>>;
    /// The author's edit; hashtags and mentions are replaced. `None` when not theirs.
    async fn update_post(
        &self,
        id: PostId,
        author: MemberId,
        edit: &PostEdit,
    ) -> StoreResult<Option<Post>>;
    /// Deletes the author's post with its comments, reactions, impressions and the
    /// notifications about it; reposts of it stay, marked as of a deleted post; a repost
    /// takes one from its original's `reposts`. False when not theirs.
    async fn delete_post(&self, id: PostId, author: MemberId) -> StoreResult<bool>;
    /// An author's posts, newest first, strictly before `before` = (created_at, id);
    /// `connections_too` includes connections-only posts (core decides).
    async fn posts_by_author(
        &self,
        author: MemberId,
        connections_too: bool,
        before: Option<(i64, PostId)>,
        limit: u32,
    ) -> StoreResult<Vec<Post>>;
    /// Every post, for the in-memory feed index at start.
    async fn all_indexed_posts(&self) -> StoreResult<Vec<IndexedPost>>;
    /// Reactions, comments and reposts made at or after `since` (network activity, affinity).
    async fn activity_since(&self, since: i64) -> StoreResult<Vec<PostActivity>>;
    /// (viewer, post, first time seen) of impressions on days at or after `since_day`.
    async fn impressions_since(&self, since_day: i64) -> StoreResult<Vec<(MemberId, PostId, i64)>>;

    /// Sets the member's reaction; returns the previous kind (`None`: a new reaction, which
    /// adds one to the post's `reactions`).
    async fn set_reaction(
        &self,
        post: PostId,
        member: MemberId,
        kind: ReactionKind,
        now: i64,
    ) -> StoreResult<Option<ReactionKind>>;
    /// False when the member had not reacted.
    async fn remove_reaction(&self, post: PostId, member: MemberId) -> StoreResult<bool>;
    /// Count of each kind present on the post.
    async fn reaction_counts(&self, post: PostId) -> StoreResult<Vec<(ReactionKind, i64)>>;
    /// Count of each kind present on each of these posts, and whether `viewer`'s own
    /// reaction is of that kind, in one query (the reaction summary under every post of a
    /// page, and the viewer's own).
    async fn reaction_counts_for(
        &self,
        posts: &[PostId],
        viewer: Option<MemberId>,
    ) -> StoreResult<Vec<ReactionTally>>;
    /// Who reacted, newest first.
    async fn reactors(
        &self,
        post: PostId,
        limit: u32,
    ) -> StoreResult<Vec<(MemberId, ReactionKind)>>;

    /// Writes the comment (adds one to the post's `comments`) and its mentions.
    async fn create_comment(&self, c: &NewComment) -> StoreResult<Comment>;
    async fn comment(&self, id: i64) -> StoreResult<Option<Comment>>;
    /// A post's comments and replies, oldest first, strictly after comment id `after`.
    async fn comments(
        &self,
        post: PostId,
        after: Option<i64>,
        limit: u32,
    ) -> StoreResult<Vec<Comment>>;
    /// The comment author's edit. `None` when not theirs.
    async fn update_comment(
        &self,
        id: i64,
        author: MemberId,
        body: &str,
        body_html: &str,
        now: i64,
    ) -> StoreResult<Option<Comment>>;
    /// Deletes a comment and its replies if `member` wrote it or wrote the post it is on;
    /// the post's `comments` drops by as many. False when neither.
    async fn delete_comment(&self, id: i64, member: MemberId) -> StoreResult<bool>;
    /// Like [`FeedStore::set_reaction`], on a comment (its `reactions` counter).
    async fn set_comment_reaction(
        &self,
        comment: i64,
        member: MemberId,
        kind: ReactionKind,
        now: i64,
    ) -> StoreResult<Option<ReactionKind>>;
    async fn remove_comment_reaction(&self, comment: i64, member: MemberId) -> StoreResult<bool>;
    /// The member's own reaction on each of these comments that has one.
    async fn my_comment_reactions(
        &self,
        member: MemberId,
        comments: &[i64],
    ) -> StoreResult<Vec<(i64, ReactionKind)>>;

    /// Counts one impression per viewer per post per day, in one transaction: those not yet
    /// counted that day are returned and their posts' `impressions` go up. Impressions of
    /// posts or viewers gone meanwhile are skipped.
    async fn record_impressions(&self, seen: &[Impression]) -> StoreResult<Vec<Impression>>;
    /// Distinct members who ever saw the post.
    async fn unique_viewers(&self, post: PostId) -> StoreResult<i64>;
    /// Distinct members other than `author` who reacted to, commented on or reposted the post.
    async fn engaged_members(&self, post: PostId, author: MemberId) -> StoreResult<i64>;

    /// Follows (`on`) or unfollows a hashtag (folded); false when nothing changed.
    async fn follow_hashtag(
        &self,
        member: MemberId,
        tag: &str,
        on: bool,
        now: i64,
    ) -> StoreResult<bool>;
    async fn followed_hashtags(&self, member: MemberId) -> StoreResult<Vec<String>>;

    async fn feed_prefs(&self, member: MemberId) -> StoreResult<FeedPrefs>;
    async fn set_feed_sort(&self, member: MemberId, sort: FeedSort) -> StoreResult<()>;
    async fn set_digest(&self, member: MemberId, digest: Digest) -> StoreResult<()>;
}

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Writes notifications (see [`NewNotification::group_key`] for aggregation) and returns
    /// the rows as they now stand, for the live push.
    async fn notify(&self, n: &[NewNotification]) -> StoreResult<Vec<Notification>>;
    /// The same notification for each connection of `member` (a network update), in one
    /// statement; `template.member_id` is ignored. Returns how many were written.
    async fn notify_connections(
        &self,
        member: MemberId,
        template: &NewNotification,
    ) -> StoreResult<u64>;
    /// Newest first (by `created_at`, then id), strictly before `before`, of these kinds only.
    async fn notifications(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        before: Option<(i64, i64)>,
        limit: u32,
    ) -> StoreResult<Vec<Notification>>;
    /// Notifications of these kinds with `id` greater than `after_id` (the live stream's
    /// catch-up after `Last-Event-ID`), oldest first.
    async fn notifications_after(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        after_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<Notification>>;
    async fn unread_count(&self, member: MemberId, kinds: &[NotificationKind]) -> StoreResult<i64>;
    /// The member's highest notification id (0 when none): where a new live stream starts.
    async fn latest_notification_id(&self, member: MemberId) -> StoreResult<i64>;
    /// Marks these (or, with `None`, all) of the member's notifications read; returns how many
    /// changed. Ids of other members' notifications change nothing.
    async fn mark_read(&self, member: MemberId, ids: Option<&[i64]>, now: i64) -> StoreResult<u64>;
    /// Unread notifications of these kinds changed at or after `since`, newest first (digest).
    /// Marks read the member's notifications about invitation `invitation` (it was answered
    /// or withdrawn); returns how many changed.
    async fn mark_invitation_read(
        &self,
        member: MemberId,
        invitation: i64,
        now: i64,
    ) -> StoreResult<u64>;
    async fn unread_since(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        since: i64,
        limit: u32,
    ) -> StoreResult<Vec<Notification>>;
    /// Only the kinds the member changed; the rest are on for both.
    async fn notification_settings(
        &self,
        member: MemberId,
    ) -> StoreResult<Vec<NotificationSetting>>;
    async fn set_notification_setting(
        &self,
        member: MemberId,
        setting: NotificationSetting,
    ) -> StoreResult<()>;
    /// Active members whose digest is due: daily or weekly, last sent at or before
    /// `now - period`. At most `limit`.
    async fn digests_due(&self, now: i64, limit: u32) -> StoreResult<Vec<(MemberId, Digest)>>;
    async fn mark_digest_sent(&self, member: MemberId, at: i64) -> StoreResult<()>;
}
