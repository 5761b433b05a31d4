//! Tests of the benchmark: percentiles, the sampled pairs, and a whole run on a small network.

use super::*;

#[test]
fn percentile_is_nearest_rank() {
    let v: Vec<f64> = (1..=1000).map(f64::from).collect();
    assert_eq!(percentile(&v, 50.0), 500.0);
    assert_eq!(percentile(&v, 99.0), 990.0);
    assert_eq!(percentile(&v, 99.9), 999.0);
    assert_eq!(percentile(&v, 100.0), 1000.0);
    assert_eq!(percentile(&v, 0.0), 1.0);
    assert_eq!(percentile(&[7.0], 99.9), 7.0);
    assert_eq!(percentile(&[1.0, 2.0], 50.0), 1.0);
    assert_eq!(percentile(&[], 50.0), 0.0);
}

#[test]
fn half_the_pairs_are_near() {
    let net = gen::generate(5_000, 20, 1);
    let g = Graph::from_edges(net.members, &net.edges);
    let snap = g.snapshot();
    let pairs = sample_pairs(&snap, &mut Rng::new(3), 2_000);
    assert_eq!(pairs.len(), 2_000);
    assert!(pairs.iter().all(|&(a, b)| a != b && a < 5_000 && b < 5_000));
    let near = pairs
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&(a, b)| snap.degree(a, b).is_some())
        .count();
    assert_eq!(near, 1_000, "walk ends are within 3 hops");
}

#[test]
fn a_small_run_reports_everything() {
    let mut heard = Vec::new();
    let opts = BenchOptions {
        members: 3_000,
        avg_connections: 15,
        seed: 1,
    };
    let samples = Samples {
        pairs: 4_000,
        pymk: 1_000,
        network_counts: 50,
    };
    let report = run_with(opts, samples, &mut |m| heard.push(m.to_owned()));
    assert!(!heard.is_empty());
    assert_eq!(report.members, 3_000);
    assert!(report.edges > 20_000 && report.edges < 25_000);
    assert!(report.bytes_per_edge > 4.0 && report.bytes_per_edge < 6.0);
    let names: Vec<_> = report.ops.iter().map(|(n, _)| *n).collect();
    let want = [
        "degree",
        "mutual_count",
        "mutual_list",
        "network_counts",
        "path",
        "pymk",
    ];
    assert_eq!(names, want);
    for (_, s) in &report.ops {
        assert!(s.count > 0 && s.p50_us <= s.p99_us && s.p99_us <= s.p999_us);
    }
    assert_eq!(report.budgets.len(), 7);
    let json = report.to_json();
    assert!(json.starts_with("{\"machine\":{\"cpu\":"));
    for key in [
        "\"members\":3000,",
        "\"edges\":",
        "\"build_s\":",
        "\"bytes_per_edge\":",
        "\"generate_s\":",
        "\"ops\":{\"degree\":{\"p50_us\":",
        "\"count\":4000}",
        "\"budgets\":{\"degree_p99_us\":{\"limit\":100,\"value\":",
        "\"bytes_per_edge\":{\"limit\":6,",
    ] {
        assert!(json.contains(key), "{key} in {json}");
    }
    assert!(json.ends_with("}}"));
}
