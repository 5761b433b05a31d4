//! What accounts need from storage (implemented by `guild-store`, checked by its contract
//! suite on SQLite and PostgreSQL): members, sessions, personal access tokens, single-use
//! emailed links and sign-up invitations; and ([`SignupStore`]) sign-ups waiting for their
//! email to be confirmed.
//!
//! Secrets are never stored: every `hash` here is the SHA-256 of the secret the member holds.

use async_trait::async_trait;

use super::model::{ApiToken, EmailTokenPurpose, Member, MemberId, NewMember, NewSignup, Signup};
use crate::domain::Role;
use crate::error::StoreResult;

#[async_trait]
pub trait AccountStore: Send + Sync {
    // members
    /// Writes the member and their empty profile; with `invite_hash`, uses up that sign-up
    /// invitation in the same transaction (`Conflict("invite")` when it is not usable).
    async fn create_member(&self, m: &NewMember, invite_hash: Option<&str>) -> StoreResult<Member>;
    async fn member_by_id(&self, id: MemberId) -> StoreResult<Option<Member>>;
    async fn member_by_handle(&self, handle: &str) -> StoreResult<Option<Member>>;
    /// The members with these (lower-case) handles, in no particular order; one statement
    /// (the mentions of one text).
    async fn members_by_handles(&self, handles: &[String]) -> StoreResult<Vec<Member>>;
    async fn member_by_email(&self, email: &str) -> StoreResult<Option<Member>>;
    async fn set_password_hash(&self, id: MemberId, hash: &str) -> StoreResult<()>;
    async fn set_email(&self, id: MemberId, email: &str) -> StoreResult<()>;
    async fn set_handle(&self, id: MemberId, handle: &str) -> StoreResult<()>;
    async fn set_role(&self, id: MemberId, role: Role) -> StoreResult<()>;
    async fn count_members(&self) -> StoreResult<i64>;
    /// Confirms a pending account (its email link was opened).
    async fn activate_member(&self, id: MemberId) -> StoreResult<()>;

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
    /// Revokes every token of the member still in use; how many.
    async fn revoke_member_tokens(&self, member: MemberId, now: i64) -> StoreResult<u64>;
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
    async fn create_signup_invite(
        &self,
        hash: &str,
        by: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()>;
    async fn signup_invite_valid(&self, hash: &str, now: i64) -> StoreResult<bool>;
    /// Whether the token exists for this purpose, unused and unexpired, without using it:
    /// a reset link's page asks before showing the password field.
    async fn email_token_valid(
        &self,
        hash: &str,
        purpose: EmailTokenPurpose,
        now: i64,
    ) -> StoreResult<bool>;
    /// The server's secret called `name`, kept from `fresh` the first time it is asked for
    /// (every node then reads the same one).
    async fn server_key(&self, name: &str, fresh: &str) -> StoreResult<String>;
}

/// Sign-ups waiting for their email to be confirmed (see [`super::model::Signup`]).
#[async_trait]
pub trait SignupStore: Send + Sync {
    async fn create_signup(&self, s: &NewSignup) -> StoreResult<i64>;
    async fn signup_by_id(&self, id: i64) -> StoreResult<Option<Signup>>;
    /// Sets the hash of the sign-up's confirmation link (a new email replaces the old link).
    async fn set_signup_token(&self, id: i64, hash: &str) -> StoreResult<()>;
    /// Removes and returns the unexpired sign-up whose link has this hash: a link opens once.
    async fn take_signup(&self, hash: &str, now: i64) -> StoreResult<Option<Signup>>;
    /// The newest unexpired sign-up for this (folded) address.
    async fn newest_signup_for(&self, email: &str, now: i64) -> StoreResult<Option<Signup>>;
    /// Deletes sign-ups expired before `now`; how many.
    async fn delete_expired_signups(&self, now: i64) -> StoreResult<u64>;
}
