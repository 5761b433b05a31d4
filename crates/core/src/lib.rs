//! Guild's domain: validated types, the rules, and the services every interface calls.
//!
//! `core` owns every rule of the product — who may read or change what, limits, validation —
//! so that the pages, the JSON API and the command line all obey the same code. It knows
//! nothing of HTTP or SQL: storage is reached through the [`store::Store`] trait and email
//! through [`mail::Mailer`].
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

pub mod accounts;
pub mod auth;
pub mod directory;
pub mod domain;
pub mod error;
pub mod feed;
pub mod lengths;
pub mod live;
pub mod mail;
pub mod markup;
pub mod media;
pub mod messaging;
pub mod network;
pub mod ops;
pub mod outbox;
pub mod paging;
pub mod photo;
pub mod profiles;
pub mod ratelimit;
pub mod round;
mod seen;
pub mod settings;
pub mod store;
pub mod stream;
pub mod strength;

mod guild;

pub use error::{Code, CoreError, FieldErrors};
pub use guild::Guild;

/// An hour and a day in milliseconds, the unit of every time in the store.
pub const HOUR_MS: i64 = 3_600_000;
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// Milliseconds since the Unix epoch, UTC: the one representation of time in the store.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}
