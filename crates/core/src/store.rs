//! What the services need from storage, as one trait: [`Store`] is every feature's store
//! trait together (each defined beside its feature: `accounts::store`, `profiles::store`,
//! `network::store`, `feed::store`, `messaging::store`, `media::store`), so the services hold one
//! `Arc<dyn Store>`. `guild-store` implements it for SQLite and PostgreSQL; the contract suite
//! in that crate runs the same tests against both.

use crate::accounts::store::AccountStore;
use crate::feed::store::{FeedStore, NotificationStore};
use crate::media::store::MediaStore;
use crate::messaging::store::MessageStore;
use crate::network::store::{InvitationStore, NetworkStore};
use crate::profiles::store::{DirectoryStore, ProfileStore};

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

/// Everything the services need from storage.
pub trait Store:
    AccountStore
    + ProfileStore
    + DirectoryStore
    + NetworkStore
    + InvitationStore
    + FeedStore
    + NotificationStore
    + MessageStore
    + MediaStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + ProfileStore
        + DirectoryStore
        + NetworkStore
        + InvitationStore
        + FeedStore
        + NotificationStore
        + MessageStore
        + MediaStore
        + Send
        + Sync
        + 'static
{
}
