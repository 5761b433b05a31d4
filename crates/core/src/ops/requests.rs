//! [`RequestMetrics`]: requests served, by route template, method and status, each series a
//! [`Histogram`] of how long the answer took (its count is the request counter).
//!
//! The web layer records into it; it lives in [`crate::Guild`] so that every router built
//! over one Guild (a server, a test's second listener) counts into the same series. Routes
//! are templates (`/api/v1/posts/{id}`), never raw paths: a label per id would grow without
//! bound and take the monitoring down with it.

use std::collections::HashMap;
use std::sync::RwLock;
use std::time::Duration;

use super::histogram::{Histogram, HistogramSnapshot};

/// The label of a request no route matched (scanners, typos): one series for all of them.
pub const UNMATCHED: &str = "unmatched";

/// route → (method, status) → durations. Recording takes the read lock only (a map lookup
/// and two atomic adds); the write lock is taken once per new series, which after the first
/// minutes of traffic is never.
#[derive(Debug, Default)]
pub struct RequestMetrics {
    series: RwLock<HashMap<Box<str>, RouteSeries>>,
}

/// One route's series: (method, status) → durations.
type RouteSeries = HashMap<(&'static str, u16), Histogram>;

/// One series as read: `(route, method, status)` and its durations.
#[derive(Debug, Clone, PartialEq)]
pub struct RequestSeries {
    pub route: String,
    pub method: &'static str,
    pub status: u16,
    pub durations: HistogramSnapshot,
}

/// The methods HTTP defines for Guild's routes; anything else is one label, so an arbitrary
/// method token cannot add series.
pub fn method_label(method: &str) -> &'static str {
    match method {
        "GET" => "GET",
        "HEAD" => "HEAD",
        "POST" => "POST",
        "PUT" => "PUT",
        "PATCH" => "PATCH",
        "DELETE" => "DELETE",
        "OPTIONS" => "OPTIONS",
        _ => "other",
    }
}

impl RequestMetrics {
    /// Records one answered request. `route` must be a route template or [`UNMATCHED`].
    pub fn record(&self, route: &str, method: &'static str, status: u16, took: Duration) {
        let key = (method, status);
        {
            // A panic elsewhere while the lock was held leaves whole maps behind (each write
            // is one insert), so a poisoned lock is still safe to use.
            let series = self.series.read().unwrap_or_else(|e| e.into_inner());
            if let Some(h) = series.get(route).and_then(|m| m.get(&key)) {
                h.observe(took);
                return;
            }
        }
        let mut series = self.series.write().unwrap_or_else(|e| e.into_inner());
        series
            .entry(route.into())
            .or_default()
            .entry(key)
            .or_default()
            .observe(took);
    }

    /// Every series, sorted by route, method and status (stable output for a scrape).
    pub fn snapshot(&self) -> Vec<RequestSeries> {
        let series = self.series.read().unwrap_or_else(|e| e.into_inner());
        let mut out: Vec<RequestSeries> = series
            .iter()
            .flat_map(|(route, m)| {
                m.iter().map(move |(&(method, status), h)| RequestSeries {
                    route: route.to_string(),
                    method,
                    status,
                    durations: h.snapshot(),
                })
            })
            .collect();
        out.sort_by(|a, b| (&a.route, a.method, a.status).cmp(&(&b.route, b.method, b.status)));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_per_route_method_and_status() {
        let m = RequestMetrics::default();
        let ms = Duration::from_millis;
        m.record("/api/v1/posts/{id}", "GET", 200, ms(3));
        m.record("/api/v1/posts/{id}", "GET", 200, ms(30));
        m.record("/api/v1/posts/{id}", "GET", 404, ms(1));
        m.record("/api/v1/posts/{id}", "DELETE", 204, ms(5));
        m.record(UNMATCHED, method_label("BREW"), 404, ms(1));
        let s = m.snapshot();
        let got: Vec<_> = s
            .iter()
            .map(|r| (r.route.as_str(), r.method, r.status, r.durations.count))
            .collect();
        assert_eq!(
            got,
            [
                ("/api/v1/posts/{id}", "DELETE", 204, 1),
                ("/api/v1/posts/{id}", "GET", 200, 2),
                ("/api/v1/posts/{id}", "GET", 404, 1),
                (UNMATCHED, "other", 404, 1),
            ]
        );
    }
}
