//! The feed benchmark's report as JSON, written by hand like `guild bench graph`'s, in the
//! shape API.md gives for `guild bench`: the same `machine`, `ops` and `budgets` objects,
//! plus what the feed adds (`posts`, `reactions`, `materialised`, `fairness`).

use std::fmt::Write;

use guild_graph::bench::json::{comma, decimals, num, op_json, string};

use super::FeedBenchReport;

impl FeedBenchReport {
    /// Every budget met.
    pub fn budgets_met(&self) -> bool {
        self.budgets.iter().all(|b| b.met)
    }

    /// One line: `{"machine":{…},"members":N,"edges":M,"posts":…,"reactions":…,
    /// "engagement":{…},"materialised":{…},"network_s":…,"build_s":…,"memory_bytes":…,
    /// "peak_rss_bytes":…,"items_per_page":…,"ops":{"feed_page":{"p50_us":…,"p99_us":…,
    /// "p999_us":…,"count":…},…},"fairness":{…},"budgets":{"feed_page_p99_us":{"limit":…,
    /// "value":…,"met":…},…}}`.
    pub fn to_json(&self) -> String {
        let w = &self.world;
        let mut o = String::new();
        let _ = write!(
            o,
            "{{\"machine\":{},\"members\":{},\"edges\":{},\"posts\":{},\"reactions\":{},\
             \"engagement\":{{\"reactions\":{},\"comments\":{},\"reposts\":{},\"impressions\":{}}},\
             \"materialised\":{{\"counters\":\"every post's reactions, comments, reposts and \
             impressions\",\"activity_events\":{},\"seen_events\":{}}},\
             \"network_s\":{},\"build_s\":{},\"memory_bytes\":{},\"peak_rss_bytes\":{},\
             \"items_per_page\":{},\"ops\":{{",
            self.machine.to_json(),
            self.members,
            self.edges,
            w.posts,
            w.reactions + w.comments + w.reposts,
            w.reactions,
            w.comments,
            w.reposts,
            w.impressions,
            w.activity_events,
            w.seen_events,
            num(self.network_s),
            num(self.build_s),
            self.memory_bytes,
            self.peak_rss_bytes,
            num(self.items_per_page),
        );
        for (i, (name, s)) in self.ops.iter().enumerate() {
            let _ = write!(o, "{}{}:{}", comma(i), string(name), op_json(s));
        }
        let f = &self.fairness;
        let _ = write!(
            o,
            "}},\"fairness\":{{\"top_1pct_slot_share\":{},\"top_1pct_engagement_share\":{},\
             \"top_1pct_members\":{},\"top_1pct_min_connections\":{}}},\"budgets\":{{",
            num4(f.top_1pct_slot_share),
            num4(f.top_1pct_engagement_share),
            f.top_1pct_members,
            f.top_1pct_min_connections
        );
        for (i, b) in self.budgets.iter().enumerate() {
            let _ = write!(
                o,
                "{}{}:{{\"limit\":{},\"value\":{},\"met\":{}}}",
                comma(i),
                string(b.name),
                num(b.limit),
                num(b.value),
                b.met
            );
        }
        o.push_str("}}");
        o
    }
}

/// Four decimals, for shares.
fn num4(x: f64) -> String {
    decimals(x, 4)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_and_strings() {
        assert_eq!(num(100.0), "100");
        assert_eq!(num(1.23456), "1.235");
        assert_eq!(num4(0.123456), "0.1235");
        assert_eq!(num(-0.0001), "0");
        assert_eq!(num(f64::INFINITY), "null");
        assert_eq!(string("a\"b\\c\n\u{1}é"), "\"a\\\"b\\\\c\\n\\u0001é\"");
    }
}
