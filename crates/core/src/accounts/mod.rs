//! Accounts: sign-up, confirmation, sign-in and sessions, password reset and change, email
//! change, personal access tokens, sign-up invitations and roles. This file holds what the
//! topics share (the rate-limit refusal and sending mail); each topic has its own file.
//!
//! Sign-up and reset never reveal whether an email is registered: both always answer "we have
//! sent you an email", and the email says what applies (a confirmation link, or "you already
//! have an account").

use chrono::{TimeZone, Utc};

use crate::error::{CoreError, CoreResult};
use crate::mail::OutgoingEmail;
use crate::{now_ms, Guild};

mod admin;
mod credentials;
pub mod model;
mod sessions;
mod signup;
pub mod store;
mod tokens;

pub use sessions::NewSession;
pub use signup::{SignupInput, SignupOutcome};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

impl Guild {
    /// Counts one attempt against `max` per hour under `key`; past it, a refusal that says
    /// when the next attempt is allowed.
    pub(super) fn limit(
        &self,
        code: &'static str,
        key: String,
        max: u32,
        what: &str,
    ) -> CoreResult<()> {
        let now = now_ms();
        self.limiter.hit(&key, max, HOUR_MS, now).map_err(|until| {
            let retry_after = Utc
                .timestamp_millis_opt(until)
                .single()
                .unwrap_or_else(Utc::now);
            let mins = ((until - now) as f64 / 60_000.0).ceil().max(1.0) as i64;
            CoreError::RateLimited {
                code,
                message: format!(
                    "Too many {what}. Please try again in {mins} minute{} (at {} UTC).",
                    if mins == 1 { "" } else { "s" },
                    retry_after.format("%H:%M")
                ),
                retry_after,
            }
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
