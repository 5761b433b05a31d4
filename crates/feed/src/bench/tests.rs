//! A whole benchmark run on a small network: every figure is there and sensible.

use super::*;

#[test]
fn a_small_run_reports_everything() {
    let opts = FeedBenchOptions {
        members: 3_000,
        avg_connections: 20,
        posts: 20_000,
        reactions: 100_000,
        seed: 1,
        queries: 300,
    };
    let mut heard = Vec::new();
    let r = run(opts, &mut |m| heard.push(m.to_owned()));
    assert!(!heard.is_empty());
    assert_eq!(r.members, 3_000);
    assert_eq!(r.world.posts, 20_000);
    let engagement = r.world.reactions + r.world.comments + r.world.reposts;
    assert!(engagement.abs_diff(100_000) < 2_000, "{engagement}");
    assert!(r.world.impressions > 20 * engagement && r.world.impressions < 30 * engagement);
    assert!(r.world.activity_events > 9_000 && r.world.seen_events > 9_000);
    assert!(r.memory_bytes > 20_000 * 40);
    assert!(r.items_per_page > 10.0, "{}", r.items_per_page);
    let names: Vec<_> = r.ops.iter().map(|(n, _)| *n).collect();
    assert_eq!(
        names,
        [
            "feed_page",
            "feed_page_next",
            "feed_page_recent",
            "hashtag_page"
        ]
    );
    for (_, s) in &r.ops {
        assert!(s.count == 300 && s.p50_us <= s.p99_us && s.p99_us <= s.p999_us);
    }
    let f = r.fairness;
    assert_eq!(f.top_1pct_members, 30);
    assert!(f.top_1pct_engagement_share > 0.02 && f.top_1pct_engagement_share < 0.5);
    assert!(f.top_1pct_slot_share > 0.0 && f.top_1pct_slot_share < 0.5);
    let json = r.to_json();
    for key in [
        "{\"machine\":{\"cpu\":",
        "\"members\":3000,",
        "\"posts\":20000,",
        "\"materialised\":{",
        "\"build_s\":",
        "\"memory_bytes\":",
        "\"ops\":{\"feed_page\":{\"p50_us\":",
        "\"count\":300}",
        "\"fairness\":{\"top_1pct_slot_share\":",
        "\"budgets\":{\"feed_page_p99_us\":{\"limit\":20000,\"value\":",
    ] {
        assert!(json.contains(key), "{key} in {json}");
    }
    assert!(json.ends_with("}}"));
}
