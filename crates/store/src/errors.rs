//! How a database error becomes a [`StoreError`]: a missing row is `NotFound`, a unique-key
//! violation is `Conflict(field)` with the field named by [`UNIQUE_KEYS`], anything else a
//! backend failure.
//!
//! The key is recognised by name, never by guessing from words in the message: PostgreSQL
//! reports the violated constraint or index (`DatabaseError::constraint()`); SQLite gives no
//! name, only its message `UNIQUE constraint failed: table.column[, table.column…]`, so the
//! table lists each key's columns in that form too. A key missing from the table is a
//! generic conflict (`"value"`); the contract suite checks that every unique key the
//! migrations create is listed, on both backends.

use guild_core::store::StoreError;
use sqlx::error::DatabaseError;

/// One unique key of the schema (a `UNIQUE` constraint, a unique index, or a primary key
/// that is not a generated id) and the field a duplicate is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UniqueKey {
    /// PostgreSQL's name for it (its default `<table>_<column>_key` / `<table>_pkey`, or the
    /// index's own name).
    pub postgres: &'static str,
    /// Its columns as SQLite's message lists them: `table.column, table.column`.
    pub sqlite: &'static str,
    /// What [`StoreError::Conflict`] names.
    pub field: &'static str,
}

const fn key(postgres: &'static str, sqlite: &'static str, field: &'static str) -> UniqueKey {
    UniqueKey {
        postgres,
        sqlite,
        field,
    }
}

/// The field of a conflict on a key that is not in [`UNIQUE_KEYS`].
pub const UNKNOWN_KEY_FIELD: &str = "value";

/// Every unique key of `migrations/*/*.sql`, in migration order.
pub const UNIQUE_KEYS: &[UniqueKey] = &[
    // 0001_accounts_profiles
    key("members_handle_key", "members.handle", "handle"),
    key("members_email_key", "members.email", "email"),
    key("profiles_pkey", "profiles.member_id", "profile"),
    key("sessions_pkey", "sessions.token_hash", "token"),
    key(
        "api_tokens_token_hash_key",
        "api_tokens.token_hash",
        "token",
    ),
    key("email_tokens_pkey", "email_tokens.token_hash", "token"),
    key("signup_invites_pkey", "signup_invites.token_hash", "token"),
    key("skills_pkey", "skills.member_id, skills.name_key", "skill"),
    // 0002_network
    key(
        "invitations_open_pair",
        "invitations.from_id, invitations.to_id",
        "invitation",
    ),
    key(
        "connections_pkey",
        "connections.member_id, connections.other_id",
        "connection",
    ),
    key(
        "follows_pkey",
        "follows.follower_id, follows.followee_id",
        "follow",
    ),
    key(
        "blocks_pkey",
        "blocks.blocker_id, blocks.blocked_id",
        "block",
    ),
    key(
        "pymk_dismissals_pkey",
        "pymk_dismissals.member_id, pymk_dismissals.other_id",
        "dismissal",
    ),
    // 0003_feed
    key(
        "post_hashtags_pkey",
        "post_hashtags.tag, post_hashtags.post_id",
        "hashtag",
    ),
    key(
        "post_mentions_pkey",
        "post_mentions.post_id, post_mentions.member_id",
        "mention",
    ),
    key(
        "reactions_pkey",
        "reactions.post_id, reactions.member_id",
        "reaction",
    ),
    key(
        "comment_mentions_pkey",
        "comment_mentions.comment_id, comment_mentions.member_id",
        "mention",
    ),
    key(
        "comment_reactions_pkey",
        "comment_reactions.comment_id, comment_reactions.member_id",
        "reaction",
    ),
    key(
        "post_impressions_pkey",
        "post_impressions.post_id, post_impressions.viewer_id, post_impressions.day",
        "impression",
    ),
    key(
        "hashtag_follows_pkey",
        "hashtag_follows.member_id, hashtag_follows.tag",
        "hashtag",
    ),
    key(
        "notifications_member_id_group_key_key",
        "notifications.member_id, notifications.group_key",
        "notification",
    ),
    key(
        "notification_settings_pkey",
        "notification_settings.member_id, notification_settings.kind",
        "setting",
    ),
    // 0004_conversations
    key(
        "conversation_members_pkey",
        "conversation_members.conversation_id, conversation_members.member_id",
        "participant",
    ),
    key(
        "message_settings_pkey",
        "message_settings.member_id",
        "setting",
    ),
    key(
        "away_replies_pkey",
        "away_replies.away_id, away_replies.sender_id",
        "reply",
    ),
    // 0005_media
    key("media_pkey", "media.key", "media"),
    // 0006_outbox_signups
    key("signups_token_hash_key", "signups.token_hash", "token"),
    // 0008_server_keys
    key("server_keys_pkey", "server_keys.name", "key"),
    // 0010_profile_views (written with ON CONFLICT DO NOTHING: one view a day per viewer)
    key(
        "profile_views_pkey",
        "profile_views.member_id, profile_views.day, profile_views.viewer_id",
        "view",
    ),
    // 0011_change_stream (each written with ON CONFLICT: a node's row, a lease, the horizon)
    key("stream_nodes_pkey", "stream_nodes.node", "node"),
    key("stream_horizon_pkey", "stream_horizon.one", "horizon"),
    key("leases_pkey", "leases.name", "lease"),
];

/// The key a unique violation is about, if the table knows it.
fn violated_key(d: &dyn DatabaseError) -> Option<&'static UniqueKey> {
    let by_name = |name: &str| UNIQUE_KEYS.iter().find(|k| k.postgres == name);
    let by_columns = |message: &str| {
        let columns = message.strip_prefix("UNIQUE constraint failed: ")?;
        UNIQUE_KEYS.iter().find(|k| k.sqlite == columns)
    };
    d.constraint()
        .and_then(by_name)
        .or_else(|| by_columns(d.message()))
}

/// Whether the error says the database cannot be reached now, rather than that this
/// statement is wrong: no connection came within the pool's acquire timeout (the server is
/// down or refusing), the connection was cut (I/O, TLS, a dead worker), or PostgreSQL said so
/// itself (class 08 "connection exception", 57P01–57P03: shutting down, crashed, starting up).
/// The request may succeed when retried, so clients are told that, never "internal".
fn unreachable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_)
        | sqlx::Error::Tls(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(d) => d
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Maps a database error, naming the field of a unique-key violation.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if unreachable(&e) {
        return StoreError::Unavailable(e.to_string());
    }
    match &e {
        sqlx::Error::Database(d) if d.is_unique_violation() => {
            StoreError::Conflict(violated_key(d.as_ref()).map_or(UNKNOWN_KEY_FIELD, |k| k.field))
        }
        sqlx::Error::RowNotFound => StoreError::NotFound,
        _ => StoreError::Backend(e.to_string()),
    }
}

/// Like [`db_err`], but a missing referenced row (the post reacted to or commented on, the
/// original of a repost, a mentioned member) is "not found" rather than a backend failure.
pub(crate) fn reference_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e {
        if d.is_foreign_key_violation() {
            return StoreError::NotFound;
        }
    }
    db_err(e)
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::{db_err, UNIQUE_KEYS};
    use guild_core::store::StoreError;

    /// A database that cannot be reached is "try again", not "internal": clients get 503.
    #[test]
    fn an_unreachable_database_is_unavailable_and_other_errors_keep_their_meaning() {
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        for e in [
            sqlx::Error::PoolTimedOut,
            sqlx::Error::PoolClosed,
            sqlx::Error::Io(refused),
        ] {
            assert!(matches!(db_err(e), StoreError::Unavailable(_)));
        }
        assert!(matches!(
            db_err(sqlx::Error::RowNotFound),
            StoreError::NotFound
        ));
        assert!(matches!(
            db_err(sqlx::Error::Protocol("unexpected".into())),
            StoreError::Backend(_)
        ));
    }

    #[test]
    fn each_key_is_listed_once() {
        for (i, k) in UNIQUE_KEYS.iter().enumerate() {
            assert!(
                UNIQUE_KEYS[..i]
                    .iter()
                    .all(|o| o.postgres != k.postgres && o.sqlite != k.sqlite),
                "{k:?} is listed twice"
            );
            let table = k.postgres.split('_').next().unwrap_or_default();
            assert!(k.sqlite.starts_with(table), "{k:?}: names disagree");
        }
    }
}
