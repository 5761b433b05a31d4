//! Sliding-window rate limits kept in memory: "at most N attempts per key in the last hour".
//!
//! Why by hand rather than `tower_governor`: the limits here are per account as well as per IP,
//! are checked inside services (the rule lives in core, for pages and API alike), and the
//! refusal must say exactly when the next attempt is allowed — which a sliding log of attempt
//! times answers directly. One process, so memory is the right place; a restart forgets.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use crate::error::{Code, CoreError, CoreResult, Lift};
use crate::{now_ms, Guild, HOUR_MS};

impl Guild {
    /// One more attempt under "at most `max` an hour" for `key`. Past the limit: a refusal
    /// with `code` whose message (written from when the limit lifts) says when to retry.
    pub(crate) fn per_hour(
        &self,
        code: Code,
        key: &str,
        max: u32,
        message: impl FnOnce(&Lift) -> String,
    ) -> CoreResult<()> {
        self.limiter
            .hit(key, max, HOUR_MS, now_ms())
            .map_err(|until| CoreError::limited(code, until, message))
    }
}

/// Attempt times per key, oldest first. The lock is held only for the few list operations of
/// one check; never across an `.await`.
#[derive(Default)]
pub struct RateLimiter {
    windows: Mutex<HashMap<String, VecDeque<i64>>>,
}

impl RateLimiter {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records an attempt for `key` at `now_ms` if fewer than `max` happened in the window;
    /// otherwise returns the time (ms) at which the next attempt will be allowed.
    pub fn hit(&self, key: &str, max: u32, window_ms: i64, now_ms: i64) -> Result<(), i64> {
        let mut map = match self.windows.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        // Keep memory bounded: now and then drop keys whose attempts have all expired.
        if map.len() > 100_000 {
            map.retain(|_, q| q.back().is_some_and(|&t| t > now_ms - window_ms));
        }
        let q = map.entry(key.to_string()).or_default();
        while q.front().is_some_and(|&t| t <= now_ms - window_ms) {
            q.pop_front();
        }
        if max == 0 {
            return Err(now_ms + window_ms);
        }
        if q.len() >= max as usize {
            let oldest = q.front().copied().unwrap_or(now_ms);
            return Err(oldest + window_ms);
        }
        q.push_back(now_ms);
        Ok(())
    }

    /// Records an event for `key` without a limit; how many happened in the window, this one
    /// included (each caller sees a different number, so "the 11th" happens once).
    pub fn note(&self, key: &str, window_ms: i64, now_ms: i64) -> usize {
        let mut map = match self.windows.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        let q = map.entry(key.to_string()).or_default();
        while q.front().is_some_and(|&t| t <= now_ms - window_ms) {
            q.pop_front();
        }
        q.push_back(now_ms);
        q.len()
    }

    /// How many events `key` had in the window.
    pub fn count(&self, key: &str, window_ms: i64, now_ms: i64) -> usize {
        let map = match self.windows.lock() {
            Ok(m) => m,
            Err(poisoned) => poisoned.into_inner(),
        };
        map.get(key)
            .map_or(0, |q| q.iter().filter(|&&t| t > now_ms - window_ms).count())
    }

    /// Forgets a key (after a successful sign-in, the account's failures no longer count).
    pub fn clear(&self, key: &str) {
        if let Ok(mut map) = self.windows.lock() {
            map.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allows_max_then_says_when() {
        let rl = RateLimiter::new();
        let hour = 3_600_000;
        for i in 0..3 {
            assert!(rl.hit("ip:1", 3, hour, 1_000 + i).is_ok());
        }
        assert_eq!(rl.hit("ip:1", 3, hour, 5_000), Err(1_000 + hour));
        assert!(rl.hit("ip:2", 3, hour, 5_000).is_ok(), "keys are separate");
        assert!(
            rl.hit("ip:1", 3, hour, 1_000 + hour + 1).is_ok(),
            "window slides"
        );
        rl.clear("ip:1");
        assert!(rl.hit("ip:1", 1, hour, 2).is_ok());
    }

    #[test]
    fn notes_count_within_the_window() {
        let rl = RateLimiter::new();
        let hour = 3_600_000;
        assert_eq!(rl.count("acct", hour, 0), 0);
        assert_eq!(rl.note("acct", hour, 10), 1);
        assert_eq!(rl.note("acct", hour, 20), 2);
        assert_eq!(rl.count("acct", hour, 30), 2);
        assert_eq!(
            rl.count("acct", hour, 15 + hour),
            1,
            "the first has left the window"
        );
        assert_eq!(rl.note("acct", hour, 25 + hour), 1);
    }
}
