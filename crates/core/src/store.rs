//! What the services need from storage, as one trait: [`Store`] is every feature's store
//! trait together (each defined beside its feature: `accounts::store`, `profiles::store`,
//! `network::store`, `feed::store`, `messaging::store`, `media::store`,
//! `outbox::store`, `ops::store`), so the services hold one
//! `Arc<dyn Store>`. `guild-store` implements it for SQLite and PostgreSQL; the contract suite
//! in that crate runs the same tests against both.

use crate::accounts::store::{AccountStore, SignupStore};
use crate::feed::store::{FeedStore, NotificationStore};
use crate::media::store::MediaStore;
use crate::messaging::store::MessageStore;
use crate::network::store::{InvitationStore, NetworkStore};
use crate::ops::store::OpsStore;
use crate::outbox::store::OutboxStore;
use crate::profiles::store::{DirectoryStore, ProfileStore};
use crate::ratelimit::RateStore;
use crate::stream::store::StreamStore;

/// The store's errors live beside the services' own (`crate::error`), so that the feature
/// traits this umbrella gathers never import it back.
pub use crate::error::{StoreError, StoreResult};

/// Everything the services need from storage.
pub trait Store:
    AccountStore
    + SignupStore
    + ProfileStore
    + DirectoryStore
    + NetworkStore
    + InvitationStore
    + FeedStore
    + NotificationStore
    + MessageStore
    + MediaStore
    + OutboxStore
    + StreamStore
    + RateStore
    + OpsStore
    + Send
    + Sync
    + 'static
{
}

impl<T> Store for T where
    T: AccountStore
        + SignupStore
        + ProfileStore
        + DirectoryStore
        + NetworkStore
        + InvitationStore
        + FeedStore
        + NotificationStore
        + MessageStore
        + MediaStore
        + OutboxStore
        + StreamStore
        + RateStore
        + OpsStore
        + Send
        + Sync
        + 'static
{
}
