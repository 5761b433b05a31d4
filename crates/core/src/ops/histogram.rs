//! [`Histogram`]: durations counted into fixed buckets with atomics alone, so the hot paths
//! that record one (every SQL statement, every HTTP request) never take a lock.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

/// Upper bounds of the buckets, in seconds: from a millisecond (an indexed SQLite read) to
/// ten seconds (the pool's acquire timeout). Prometheus's default buckets, with 1 ms added
/// at the start because most of Guild's statements and reads take less than 5 ms.
pub const BUCKETS: [f64; 12] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];

/// The same bounds in nanoseconds, compared against on every observation.
const BOUNDS_NS: [u64; 12] = [
    1_000_000,
    2_500_000,
    5_000_000,
    10_000_000,
    25_000_000,
    50_000_000,
    100_000_000,
    250_000_000,
    500_000_000,
    1_000_000_000,
    2_500_000_000,
    10_000_000_000,
];

/// Counts of durations per bucket (the last slot is "above every bound") and their sum.
/// Relaxed atomics are enough: a scrape may see an observation's bucket before its sum, which
/// only shifts the mean by one sample until the next scrape.
#[derive(Debug, Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len() + 1],
    sum_ns: AtomicU64,
}

/// What a [`Histogram`] held when read: cumulative counts per bound, as Prometheus wants them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct HistogramSnapshot {
    /// `(bound in seconds, observations ≤ bound)`, in the order of [`BUCKETS`].
    pub buckets: Vec<(f64, u64)>,
    /// Every observation (the `+Inf` bucket).
    pub count: u64,
    pub sum_seconds: f64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let ns = u64::try_from(d.as_nanos()).unwrap_or(u64::MAX);
        let slot = BOUNDS_NS
            .iter()
            .position(|&b| ns <= b)
            .unwrap_or(BOUNDS_NS.len());
        self.counts[slot].fetch_add(1, Ordering::Relaxed);
        self.sum_ns.fetch_add(ns, Ordering::Relaxed);
    }

    pub fn snapshot(&self) -> HistogramSnapshot {
        let mut out = HistogramSnapshot::default();
        let mut running = 0;
        for (i, c) in self.counts.iter().enumerate() {
            running += c.load(Ordering::Relaxed);
            if let Some(&bound) = BUCKETS.get(i) {
                out.buckets.push((bound, running));
            }
        }
        out.count = running;
        out.sum_seconds = self.sum_ns.load(Ordering::Relaxed) as f64 / 1e9;
        out
    }
}

impl HistogramSnapshot {
    /// Adds another snapshot's counts (the same buckets): one route's series over its statuses.
    pub fn merge(&mut self, other: &HistogramSnapshot) {
        if self.buckets.is_empty() {
            self.buckets = other.buckets.clone();
        } else {
            for (mine, theirs) in self.buckets.iter_mut().zip(&other.buckets) {
                mine.1 += theirs.1;
            }
        }
        self.count += other.count;
        self.sum_seconds += other.sum_seconds;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn observations_land_in_cumulative_buckets() {
        let h = Histogram::default();
        h.observe(Duration::from_micros(500)); // ≤ 1 ms
        h.observe(Duration::from_millis(1)); // exactly on a bound: counted in it
        h.observe(Duration::from_millis(30)); // ≤ 50 ms
        h.observe(Duration::from_secs(60)); // above every bound
        let s = h.snapshot();
        assert_eq!(s.count, 4);
        assert_eq!(s.buckets.len(), BUCKETS.len());
        assert_eq!(s.buckets[0], (0.001, 2));
        assert_eq!(s.buckets[4], (0.025, 2));
        assert_eq!(s.buckets[5], (0.05, 3));
        assert_eq!(s.buckets[11], (10.0, 3));
        assert!((s.sum_seconds - 60.0315).abs() < 1e-9, "{}", s.sum_seconds);

        let mut merged = s.clone();
        merged.merge(&s);
        assert_eq!(merged.count, 8);
        assert_eq!(merged.buckets[5], (0.05, 6));
    }

    #[test]
    fn bounds_agree_in_both_units() {
        for (s, ns) in BUCKETS.iter().zip(BOUNDS_NS) {
            assert_eq!((s * 1e9).round() as u64, ns);
        }
    }
}
