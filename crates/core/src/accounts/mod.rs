//! Accounts: sign-up, confirmation, sign-in and sessions, password reset and change, email
//! change, personal access tokens, sign-up invitations and roles. This file holds what the
//! topics share (the rate-limit refusal and sending mail); each topic has its own file.
//!
//! Sign-up and reset never reveal whether an email is registered: both always answer "we have
//! sent you an email", and the email says what applies (a confirmation link, or "you already
//! have an account").

use crate::error::{Code, CoreError, CoreResult};
use crate::mail::OutgoingEmail;
use crate::Guild;

mod admin;
mod credentials;
pub mod model;
mod sessions;
mod signup;
pub mod store;
mod tokens;

pub use sessions::NewSession;
pub use signup::{SignupInput, SignupOutcome};

use crate::{DAY_MS, HOUR_MS};

impl Guild {
    /// Counts one attempt against `max` per hour under `key`; past it, a refusal that says
    /// when the next attempt is allowed.
    pub(super) fn limit(&self, code: Code, key: String, max: u32, what: &str) -> CoreResult<()> {
        self.per_hour(code, &key, max, |lift| {
            let mins = lift.minutes;
            format!(
                "Too many {what}. Please try again in {mins} minute{} (at {}).",
                if mins == 1 { "" } else { "s" },
                lift.at
            )
        })
    }

    pub(super) async fn send_mail(&self, to: &str, subject: &str, body: String) -> CoreResult<()> {
        self.mailer
            .send(OutgoingEmail {
                to: to.into(),
                subject: subject.into(),
                body,
            })
            .await
            .map_err(|e| CoreError::Internal(format!("mail: {e}")))
    }
}
