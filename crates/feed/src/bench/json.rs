//! The feed benchmark's report as JSON, written by hand like `guild bench graph`'s, in the
//! shape API.md gives for `guild bench`: the same `machine`, `ops` and `budgets` objects,
//! plus what the feed adds (`posts`, `reactions`, `materialised`, `fairness`).

use std::fmt::Write;

use guild_graph::bench::{Machine, OpStats};

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
            machine(&self.machine),
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
            let _ = write!(o, "{}{}:{}", comma(i), string(name), op(s));
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

fn machine(m: &Machine) -> String {
    format!(
        "{{\"cpu\":{},\"cores\":{},\"memory_bytes\":{},\"os\":{},\"arch\":{},\"debug_build\":{}}}",
        string(&m.cpu),
        m.cores,
        m.memory_bytes,
        string(m.os),
        string(m.arch),
        m.debug_build
    )
}

fn op(s: &OpStats) -> String {
    format!(
        "{{\"p50_us\":{},\"p99_us\":{},\"p999_us\":{},\"count\":{}}}",
        num(s.p50_us),
        num(s.p99_us),
        num(s.p999_us),
        s.count
    )
}

fn comma(i: usize) -> &'static str {
    if i == 0 {
        ""
    } else {
        ","
    }
}

/// Three decimals; `null` for what JSON cannot hold.
fn num(x: f64) -> String {
    decimals(x, 3)
}

/// Four decimals, for shares.
fn num4(x: f64) -> String {
    decimals(x, 4)
}

fn decimals(x: f64, d: usize) -> String {
    if !x.is_finite() {
        return "null".into();
    }
    let s = format!("{x:.d$}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// A JSON string literal.
fn string(s: &str) -> String {
    let mut o = String::with_capacity(s.len() + 2);
    o.push('"');
    for c in s.chars() {
        match c {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\r' => o.push_str("\\r"),
            '\t' => o.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(o, "\\u{:04x}", u32::from(c));
            }
            c => o.push(c),
        }
    }
    o.push('"');
    o
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
