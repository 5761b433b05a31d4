//! What profiles need from storage (implemented by `guild-store`, checked by its contract
//! suite on SQLite and PostgreSQL): one member's profile and its parts, and the directory
//! across all members.
//!
//! Methods that act on a member's own rows take that member's id and must touch only rows that
//! belong to it (`WHERE id = $1 AND member_id = $2`), so a wrong id from another member finds
//! nothing rather than someone else's data.

use async_trait::async_trait;

use super::model::*;
use crate::accounts::model::MemberId;
use crate::error::StoreResult;

/// One member's profile: the profile row, positions, education, skills, featured links and
/// the profile events, each addressed by the member it belongs to.
#[async_trait]
pub trait ProfileStore: Send + Sync {
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
    /// Notes, in one transaction, that each viewer opened each member's profile on that day;
    /// a second time the same day changes nothing, and views of members gone are skipped.
    async fn record_profile_views(&self, views: &[ProfileViewed]) -> StoreResult<()>;
    /// Views of `member`'s profile from `since_day` on (one per viewer and day).
    async fn profile_view_count(&self, member: MemberId, since_day: i64) -> StoreResult<i64>;
}

/// Many members at once: the directory search and bulk seeding. Kept apart from
/// [`ProfileStore`] because neither is about one member's rows: the directory is one query
/// over everyone's profiles (built from the filters given, keyset by name), and seeding writes
/// whole accounts with their profiles.
#[async_trait]
pub trait DirectoryStore: Send + Sync {
    async fn directory(&self, q: &DirectoryQuery) -> StoreResult<Vec<MemberCard>>;

    /// Writes seeded members with their profiles in one transaction (demo generation).
    async fn seed_members(&self, members: &[SeedMember]) -> StoreResult<()>;
}
