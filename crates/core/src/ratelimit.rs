//! Sliding-window rate limits: "at most N attempts per key in the last hour".
//!
//! Why by hand rather than `tower_governor`: the limits here are per account as well as per IP,
//! are checked inside services (the rule lives in core, for pages and API alike), and the
//! refusal must say exactly when the next attempt is allowed — which a log of attempt times
//! answers directly. The log is in the database (`rate_events`), not in a node's memory, so
//! every node of an installation counts the same attempts and none is counted twice or lost
//! (the store serialises the attempts at one key: [`RateStore::rate_hit`]).

use async_trait::async_trait;

use crate::error::{Code, CoreError, CoreResult, Lift, StoreResult};
use crate::{now_ms, Guild, HOUR_MS};

#[async_trait]
pub trait RateStore: Send + Sync {
    /// Records an attempt for `key` at `now` if fewer than `max` happened after `since`;
    /// otherwise records nothing and gives the time of the oldest attempt after `since` (the
    /// limit lifts a window after it). Attempts at one key from several nodes at once are
    /// counted one after the other.
    async fn rate_hit(
        &self,
        key: &str,
        max: u32,
        since: i64,
        now: i64,
    ) -> StoreResult<Result<(), i64>>;
    /// Records an event for `key` at `now` without a limit; how many happened after `since`,
    /// this one included (each caller sees a different number, so "the 11th" happens once).
    async fn rate_note(&self, key: &str, since: i64, now: i64) -> StoreResult<u64>;
    /// How many events `key` had after `since`.
    async fn rate_count(&self, key: &str, since: i64) -> StoreResult<u64>;
    /// Forgets a key (after a successful sign-in, the account's failures no longer count).
    async fn rate_clear(&self, key: &str) -> StoreResult<()>;
    /// Deletes events from before `before`; how many.
    async fn rate_purge(&self, before: i64) -> StoreResult<u64>;
}

impl Guild {
    /// One more attempt under "at most `max` an hour" for `key`. Past the limit: a refusal
    /// with `code` whose message (written from when the limit lifts) says when to retry.
    pub(crate) async fn per_hour(
        &self,
        code: Code,
        key: &str,
        max: u32,
        message: impl FnOnce(&Lift) -> String,
    ) -> CoreResult<()> {
        let now = now_ms();
        match self.store.rate_hit(key, max, now - HOUR_MS, now).await? {
            Ok(()) => Ok(()),
            Err(oldest) => Err(CoreError::limited(code, oldest + HOUR_MS, message)),
        }
    }

    /// Whether one more attempt fits under `max` an hour for `key` (recording it if so).
    pub(crate) async fn within_hourly(&self, key: &str, max: u32) -> CoreResult<bool> {
        let now = now_ms();
        Ok(self
            .store
            .rate_hit(key, max, now - HOUR_MS, now)
            .await?
            .is_ok())
    }

    /// Notes one event for `key`; how many in the last hour, this one included.
    pub(crate) async fn note_hourly(&self, key: &str) -> CoreResult<usize> {
        let now = now_ms();
        let n = self.store.rate_note(key, now - HOUR_MS, now).await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// How many events `key` had in the last hour.
    pub(crate) async fn count_hourly(&self, key: &str) -> CoreResult<usize> {
        let n = self.store.rate_count(key, now_ms() - HOUR_MS).await?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    pub(crate) async fn forget_attempts(&self, key: &str) -> CoreResult<()> {
        Ok(self.store.rate_clear(key).await?)
    }

    /// Deletes attempts older than every window (the background round).
    pub async fn purge_rate_events(&self, now: i64) -> CoreResult<u64> {
        Ok(self.store.rate_purge(now - 2 * HOUR_MS).await?)
    }
}
