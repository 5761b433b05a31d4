//! Accounts: sign-up, confirmation, sign-in and sessions, password reset and change, email
//! change, personal access tokens, sign-up invitations and roles. This file holds what the
//! topics share (the rate-limit refusal); each topic has its own file. Every email goes
//! through the outbox ([`crate::outbox`]).
//!
//! Sign-up and reset never reveal whether an email is registered: both always answer "we have
//! sent you an email", and the email says what applies (a confirmation link, or "you already
//! have an account").

use crate::error::{Code, CoreResult};
use crate::Guild;

mod admin;
mod credentials;
mod guard;
pub mod model;
mod sessions;
mod signup;
pub mod store;
mod tokens;
pub mod unsubscribe;

pub use sessions::NewSession;
pub use signup::{SignupInput, SignupOutcome};

use crate::{DAY_MS, HOUR_MS};

impl Guild {
    /// Counts one attempt against `max` per hour under `key`; past it, a refusal that says
    /// when the next attempt is allowed.
    pub(super) async fn limit(
        &self,
        code: Code,
        key: String,
        max: u32,
        what: &str,
    ) -> CoreResult<()> {
        self.per_hour(code, &key, max, |lift| {
            let mins = lift.minutes;
            format!(
                "Too many {what}. Please try again in {mins} minute{} (at {}).",
                if mins == 1 { "" } else { "s" },
                lift.at
            )
        })
        .await
    }
}
