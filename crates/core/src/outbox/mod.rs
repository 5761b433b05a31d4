//! The outbox: work done after the request that asked for it, kept in the database until it
//! is done. Every email Guild sends goes through it, and so do the two requests whose answer
//! must not depend on whether an address is registered: a sign-up and a password reset only
//! queue a job, so they answer in the same time whatever the address, and a mail server that
//! is slow or down never turns into an error for the member (the job is tried again later).
//!
//! A server runs [`Guild::run_outbox`] when woken by [`Guild::outbox_waiting`] (a job was just
//! queued) and every half minute. Jobs are claimed for a few minutes, so a node that dies while
//! running one leaves it to be run again, and two nodes never run one at once.

pub mod store;

use serde::{Deserialize, Serialize};

use crate::error::{CoreError, CoreResult};
use crate::mail::OutgoingEmail;
use crate::ops::OpsState;
use crate::{now_ms, Guild, DAY_MS, HOUR_MS};

/// How long a claimed job is held before another node may run it.
const LEASE_MS: i64 = 5 * 60_000;
/// Jobs claimed at once.
const BATCH: u32 = 50;
/// Attempts before a job is given up (the last about a day after the first).
pub const MAX_ATTEMPTS: i32 = 8;
/// How long a done job is kept (without its payload) before it is deleted.
const KEEP_DONE_MS: i64 = 7 * DAY_MS;

/// One piece of work.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Job {
    /// Send this email.
    Mail {
        to: String,
        subject: String,
        body: String,
        /// The HTML part; jobs queued before emails had one have none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        html: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unsubscribe: Option<String>,
    },
    /// Someone asked to reset the password of this address: mail a link if it has an account.
    PasswordReset { email: String },
    /// A sign-up was made: mail its confirmation link, or tell the owner of an address that
    /// already has an account.
    Signup { signup: i64 },
}

impl Job {
    /// Every kind [`Job::kind`] gives: metrics show each, at 0 when none is queued.
    pub const KINDS: [&'static str; 3] = ["mail", "password_reset", "signup"];

    fn kind(&self) -> &'static str {
        match self {
            Job::Mail { .. } => "mail",
            Job::PasswordReset { .. } => "password_reset",
            Job::Signup { .. } => "signup",
        }
    }
}

/// How long to wait after the `attempts`-th failure: 1 minute, then four times longer each
/// time, at most 6 hours.
pub fn backoff_ms(attempts: i32) -> i64 {
    let steps = attempts.clamp(1, 10) - 1;
    (60_000i64 << (2 * steps)).min(6 * HOUR_MS)
}

impl Guild {
    /// Queues `job` and wakes the worker. The job is in the database when this returns.
    pub async fn enqueue(&self, job: &Job) -> CoreResult<()> {
        let payload = serde_json::to_string(job)
            .map_err(|e| CoreError::Internal(format!("job payload: {e}")))?;
        let now = now_ms();
        self.store
            .enqueue_job(job.kind(), &payload, now, now)
            .await?;
        self.outbox_wake.notify_one();
        Ok(())
    }

    /// Queues an email (composed as a [`crate::mail::Letter`]).
    pub(crate) async fn queue_email(&self, email: OutgoingEmail) -> CoreResult<()> {
        self.enqueue(&Job::Mail {
            to: email.to,
            subject: email.subject,
            body: email.body,
            html: email.html,
            unsubscribe: email.unsubscribe,
        })
        .await
    }

    /// Resolves when a job has been queued since the last call: the worker waits on this
    /// (and on a timer, for retries and for jobs queued by other nodes).
    pub async fn outbox_waiting(&self) {
        self.outbox_wake.notified().await;
    }

    /// Runs every job due at `now`; how many were done. A job that fails is tried again
    /// later ([`backoff_ms`]), and given up after [`MAX_ATTEMPTS`] with its error kept.
    pub async fn run_outbox(&self, now: i64) -> CoreResult<usize> {
        let mut done = 0;
        loop {
            let batch = self.store.claim_jobs(now, now + LEASE_MS, BATCH).await?;
            let full = batch.len() == BATCH as usize;
            for queued in batch {
                let result = match serde_json::from_str::<Job>(&queued.payload) {
                    Ok(job) => self.run_job(job).await,
                    Err(e) => Err(CoreError::Internal(format!("unreadable job: {e}"))),
                };
                if result.is_err() {
                    OpsState::count(&self.ops.job_attempts_failed);
                }
                match result {
                    Ok(()) => {
                        self.store.finish_job(queued.id, now_ms(), None).await?;
                        done += 1;
                    }
                    Err(e) if queued.attempts >= MAX_ATTEMPTS => {
                        tracing::error!(job = queued.id, kind = %queued.kind, "giving up: {e}");
                        OpsState::count(&self.ops.jobs_given_up);
                        let error = e.to_string();
                        self.store
                            .finish_job(queued.id, now_ms(), Some(&error))
                            .await?;
                    }
                    Err(e) => {
                        tracing::warn!(job = queued.id, kind = %queued.kind, "will retry: {e}");
                        let at = now + backoff_ms(queued.attempts);
                        self.store.retry_job(queued.id, at, &e.to_string()).await?;
                    }
                }
            }
            if !full {
                return Ok(done);
            }
        }
    }

    /// Jobs queued or running: what an operator watches.
    pub async fn pending_jobs(&self) -> CoreResult<i64> {
        Ok(self.store.pending_jobs().await?)
    }

    /// Deletes done jobs after a week, and sign-ups never confirmed once they expire.
    pub async fn purge_outbox(&self, now: i64) -> CoreResult<()> {
        self.store.purge_jobs(now - KEEP_DONE_MS).await?;
        self.store.delete_expired_signups(now).await?;
        Ok(())
    }

    async fn run_job(&self, job: Job) -> CoreResult<()> {
        match job {
            Job::Mail {
                to,
                subject,
                body,
                html,
                unsubscribe,
            } => {
                self.send_now(OutgoingEmail {
                    to,
                    subject,
                    body,
                    html,
                    unsubscribe,
                })
                .await
            }
            Job::PasswordReset { email } => self.deliver_password_reset(&email).await,
            Job::Signup { signup } => self.deliver_signup(signup).await,
        }
    }

    /// Hands an email to the mail server; only jobs call this.
    pub(crate) async fn send_now(&self, email: OutgoingEmail) -> CoreResult<()> {
        let sent = self.mailer.send(email).await;
        OpsState::count(match sent {
            Ok(()) => &self.ops.emails_sent,
            Err(_) => &self.ops.emails_failed,
        });
        sent.map_err(|e| CoreError::Internal(format!("mail: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(backoff_ms(1), 60_000);
        assert_eq!(backoff_ms(2), 4 * 60_000);
        assert_eq!(backoff_ms(3), 16 * 60_000);
        assert_eq!(backoff_ms(5), 256 * 60_000);
        assert_eq!(backoff_ms(6), 6 * HOUR_MS);
        assert_eq!(backoff_ms(i32::MAX), 6 * HOUR_MS);
        let total: i64 = (1..MAX_ATTEMPTS).map(backoff_ms).sum();
        assert!(total > 12 * HOUR_MS && total < 2 * DAY_MS, "{total}");
    }

    #[test]
    fn jobs_read_back_as_written() {
        for job in [
            Job::Mail {
                to: "a@example.com".into(),
                subject: "Hi".into(),
                body: "Hello".into(),
                html: Some("<p>Hello</p>".into()),
                unsubscribe: None,
            },
            Job::PasswordReset {
                email: "a@example.com".into(),
            },
            Job::Signup { signup: 7 },
        ] {
            let text = serde_json::to_string(&job).unwrap_or_default();
            assert!(
                text.contains(&format!("\"kind\":\"{}\"", job.kind())),
                "{text}"
            );
            assert!(Job::KINDS.contains(&job.kind()));
            assert_eq!(serde_json::from_str::<Job>(&text).ok(), Some(job));
        }
    }
}
