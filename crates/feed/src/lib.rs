//! The in-memory feed: every post the home feed can show, its engagement counters, what each
//! member recently did and saw, and the ranking that turns these into a page of the home feed
//! or of a hashtag.
//!
//! Synchronous and free of I/O, like `guild-graph`: the store is the source of truth; whoever
//! owns a [`FeedIndex`] loads it at start ([`FeedIndex::insert`] in any order, then
//! [`FeedIndex::replay_activity`] / [`FeedIndex::replay_impression`]) and applies each
//! committed write. The index never sees the social graph: the caller passes the viewer's
//! connections, follows, blocks and degrees in [`Sources`].
//!
//! # How a page is made ([`FeedIndex::feed`])
//! 1. **Candidates** (`candidates`): items younger than [`WINDOW_MS`] (14 days) from the
//!    viewer's own posts, their connections', the members they follow, the hashtags they
//!    follow, and what their connections recently reacted to, commented on or reposted (read
//!    from at most 500 connections: a sample that changes daily when there are more); at
//!    most [`PER_SOURCE`] from each member and hashtag, at most [`MAX_CANDIDATES`] in all (the
//!    newest). Each item gets one [`Reason`], the first of: own, connection, following,
//!    a connection commented, reposted, reacted, a followed hashtag.
//! 2. **Visibility**: an item is a candidate only if the viewer may read it — its author is
//!    not hidden (blocked either way), and a [`Audience::Connections`] item only for its author
//!    and the author's connections, whatever the source. An activity by a hidden actor is no
//!    reason. Removed items are gone from every list.
//! 3. **Score** (`rank`): quality × affinity × freshness × seen; see [`Factors`].
//!    Never the author's connection or follower count.
//! 4. **Order** (`order`): by score, then for variety at most [`AUTHOR_CAP`] items of one
//!    author, [`REPOST_CAP`] reposts and [`UPDATE_CAP`] network updates in any
//!    [`AUTHOR_WINDOW`] consecutive items of the whole ranked order.
//! 5. **Pages**: "relevant" pages recompute the order as of the first page's time (so freshness
//!    and "seen" do not move under the reader) and serve it by offset; the order of a recent
//!    first page is also kept in a small memo so later pages do not shift when counts change
//!    meanwhile. "Recent" pages are keyset pages by `(created_ms, id)`.
//!
//! # State and locks
//! Three parts, each with its own locks, taken only in this order (see `index`):
//! - `posts` (one `RwLock`): the items in struct-of-arrays form, per-author and per-hashtag
//!   lists sorted by time, and engagement counters as atomics — so reactions and impressions,
//!   by far the most frequent writes, take only the *read* lock and never make a page wait.
//!   Only inserting, removing and editing a post take the write lock, for microseconds.
//! - `members` (sharded `RwLock`s): per member, the recent activity list, interaction counts
//!   with authors (affinity), and first impressions (seen). Bounded per member.
//! - `memo` (a mutex per slot): the order of each recent viewer's current "relevant" pages.
//!
//! A page holds the `posts` read lock while it ranks (a few milliseconds); a post being
//! published waits for the pages in flight, and pages behind it wait for its microseconds.
//!
//! Beside the engine: [`gen`] fills an index with a realistic generated world and
//! [`mod@bench`] times it (`guild bench feed`).

pub mod bench;
mod candidates;
mod cursor;
mod feed;
pub mod gen;
mod hash;
mod index;
mod members;
mod order;
mod posts;
mod rank;

pub use feed::MAX_PAGE;
pub use rank::{
    AUTHOR_CAP, AUTHOR_WINDOW, HALF_LIFE_HOURS, MAX_CANDIDATES, PER_SOURCE, REPOST_CAP,
    SEEN_FACTOR, UPDATE_CAP, WINDOW_MS,
};

/// A member: the same id space as `guild_graph::Node` (the store's member id as `u32`).
pub type Member = u32;
pub type PostId = i64;

/// Who may read an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    Anyone,
    /// The author and the author's connections.
    Connections,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemKind {
    Post,
    Article,
    Repost,
    Update,
}

/// What a member did to a post.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activity {
    Reacted,
    Commented,
    Reposted,
}

/// An item as the index keeps it.
#[derive(Clone, Debug)]
pub struct NewItem {
    pub id: PostId,
    pub author: Member,
    pub created_ms: i64,
    pub audience: Audience,
    pub kind: ItemKind,
    /// Folded lowercase hashtags without `#`.
    pub tags: Vec<String>,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub reactions: u32,
    pub comments: u32,
    pub reposts: u32,
    pub impressions: u32,
}

impl Counts {
    /// Weighted engagement: a comment is worth two reactions, a repost three.
    pub fn engagement(&self) -> u64 {
        u64::from(self.reactions) + 2 * u64::from(self.comments) + 3 * u64::from(self.reposts)
    }
}

/// The index. `Send + Sync`; every method takes `&self`. See the crate doc for its locks.
pub struct FeedIndex {
    posts: std::sync::RwLock<posts::Posts>,
    members: members::Members,
    memo: feed::Memo,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    Relevant,
    Recent,
}

/// Where a page starts. Opaque to clients: see [`Cursor::encode`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Cursor {
    Start,
    /// The order computed as of `as_of_ms`, from position `offset`.
    Ranked {
        as_of_ms: i64,
        offset: u32,
    },
    /// Items strictly older than `(created_ms, id)`.
    Recent {
        created_ms: i64,
        id: PostId,
    },
}

pub struct FeedQuery {
    pub viewer: Member,
    pub now_ms: i64,
    pub sort: Sort,
    pub cursor: Cursor,
    /// Items per page: 1 to [`MAX_PAGE`] (100); other values are brought within.
    pub limit: usize,
}

/// What the index needs to know about the viewer's network; the caller reads it from the
/// graph and the store.
pub struct Sources<'a> {
    /// The viewer's 1st-degree connections, sorted ascending.
    pub connections: &'a [Member],
    /// Members the viewer follows (may include connections), sorted ascending.
    pub following: &'a [Member],
    /// Hashtags the viewer follows (folded).
    pub hashtags: &'a [String],
    /// Blocked either way: never shown, not as author nor as activity actor.
    pub hidden: &'a dyn Fn(Member) -> bool,
    /// 1, 2, 3 or `None` (beyond or unknown); used for affinity.
    pub degree: &'a dyn Fn(Member) -> Option<u8>,
}

pub struct FeedPage {
    pub items: Vec<Ranked>,
    /// `None` when there is no more.
    pub next: Option<Cursor>,
}

#[derive(Clone, Debug)]
pub struct Ranked {
    pub id: PostId,
    pub author: Member,
    pub kind: ItemKind,
    pub reason: Reason,
    pub factors: Factors,
}

/// Why an item is in the feed: one per item, the first that applies in this order.
#[derive(Clone, Debug, PartialEq)]
pub enum Reason {
    Own,
    Connection,
    Following,
    /// A connection acted on it (commented before reposted before reacted; then the latest,
    /// then the smaller member id).
    Activity {
        actor: Member,
        what: Activity,
    },
    /// The first of the viewer's followed hashtags (in the order of [`Sources::hashtags`]).
    Hashtag(String),
}

/// How the score of an item was made, for "why am I seeing this" and for tuning.
///
/// `score = quality × affinity × freshness × (seen ? SEEN_FACTOR : 1)`, where
/// - `network_rate` = weighted engagement per impression over every live item (smoothed
///   toward 5 % while the network is new);
/// - `author_baseline` = the author's own rate, smoothed toward `network_rate` with the weight
///   of 500 impressions;
/// - `engagement_rate` = this item's rate, smoothed toward `author_baseline` with the weight of
///   50 impressions (a post seen 10 times says little; one seen 10,000 times speaks for itself);
/// - `quality` = `log2(1 + engagement_rate / network_rate)` clamped to 0.1..=4: 1 for a post as
///   good as the network's average, 2 for three times better, and never more than 4;
/// - `affinity` = by relation (own or 1st degree 1.0, followed 0.8, 2nd 0.5, 3rd 0.3, else 0.2)
///   × `(1 + ln(1 + interactions))`, `interactions` being how often the viewer reacted,
///   commented or reposted on this author's posts;
/// - `freshness` = `0.5 ^ (age_hours / HALF_LIFE_HOURS)` (24 h);
/// - `seen`: the viewer had an impression of the item before the page's `as_of` time.
///
/// `degree` is `Some(0)` for the viewer's own items.
#[derive(Clone, Copy, Debug)]
pub struct Factors {
    pub score: f64,
    pub engagement_rate: f64,
    pub author_baseline: f64,
    pub network_rate: f64,
    pub quality: f64,
    pub affinity: f64,
    pub interactions: u32,
    pub degree: Option<u8>,
    pub freshness: f64,
    pub age_hours: f64,
    pub seen: bool,
}
