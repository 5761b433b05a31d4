//! The background round: the work a server does every few minutes, on one node at a time.

use crate::Guild;

/// How long the round's lease lasts: less than the five minutes between rounds, so the holder
/// renews it each time while another node waits, and a dead holder's lease has lapsed by the
/// next round (another node takes over).
pub const ROUND_LEASE_MS: i64 = 240_000;

/// What one round did (for logs and tests).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Round {
    pub digests: usize,
    pub message_emails: usize,
    pub away_summaries: usize,
    pub changes_pruned: u64,
}

impl Guild {
    /// Runs the round if this node holds (or takes) its lease: email digests, emails about
    /// unread messages and "while you were away" summaries for whoever is due (queued in the
    /// outbox), then deleting uploads nothing used within a day, done jobs after a week,
    /// attempts older than every rate limit's window,
    /// sign-ups never confirmed and what every node has read of the change stream. `None`
    /// when another node holds the lease. Each failure is logged and tried again next round.
    pub async fn background_round(&self, now: i64) -> Option<Round> {
        // One round at a time on this node too (the lease is this node's while it runs).
        let Ok(_running) = self.round_running.try_lock() else {
            return None;
        };
        match self.take_lease("round", ROUND_LEASE_MS).await {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => {
                tracing::warn!("taking the round's lease: {e}");
                return None;
            }
        }
        let mut done = Round::default();
        match self.send_due_digests(now).await {
            Ok(n) => done.digests = n,
            Err(e) => tracing::warn!("sending digests: {e}"),
        }
        match self.send_message_emails().await {
            Ok(n) => done.message_emails = n,
            Err(e) => tracing::warn!("sending message emails: {e}"),
        }
        match self.send_away_summaries().await {
            Ok(n) => done.away_summaries = n,
            Err(e) => tracing::warn!("sending away summaries: {e}"),
        }
        if let Err(e) = self.sweep_unused_uploads(now).await {
            tracing::warn!("deleting unused uploads: {e}");
        }
        if let Err(e) = self.purge_outbox(now).await {
            tracing::warn!("purging the outbox: {e}");
        }
        if let Err(e) = self.purge_rate_events(now).await {
            tracing::warn!("purging old rate-limit attempts: {e}");
        }
        match self.prune_changes().await {
            Ok(n) => done.changes_pruned = n,
            Err(e) => tracing::warn!("pruning the change stream: {e}"),
        }
        if done != Round::default() {
            tracing::info!(?done, "background round");
        }
        Some(done)
    }
}
