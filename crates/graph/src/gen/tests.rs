//! Tests of the network generator: determinism, a simple graph, the cap, the mean degree,
//! heavy tails and communities.

use super::*;

fn stats(net: &Network) -> (f64, u32, u32) {
    let mut deg = net.degrees();
    let mean = deg.iter().map(|&d| f64::from(d)).sum::<f64>() / deg.len() as f64;
    deg.sort_unstable();
    (mean, deg[deg.len() / 2], deg[deg.len() - 1])
}

/// FNV-1a over the edge list: a change here changes every benchmark and export.
fn fingerprint(net: &Network) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325u64;
    for &(a, b) in &net.edges {
        for x in [a, b] {
            for byte in x.to_le_bytes() {
                h = (h ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
            }
        }
    }
    h
}

#[test]
fn same_spec_same_network_and_seed_matters() {
    let a = generate(3_000, 20, 7);
    let b = generate(3_000, 20, 7);
    assert_eq!(a, b);
    assert_ne!(a.edges, generate(3_000, 20, 8).edges);
}

#[test]
fn pinned_output() {
    let net = generate(2_000, 12, 42);
    assert_eq!(
        (net.edges.len(), fingerprint(&net)),
        (12_000, 7_179_426_305_978_402_209),
        "the generator's output changed"
    );
}

#[test]
fn simple_graph_sorted_and_in_range() {
    let net = generate(5_000, 30, 1);
    assert_eq!(net.profiles.len(), 5_000);
    assert!(net.edges.iter().all(|&(a, b)| a < b && b < 5_000));
    assert!(
        net.edges.windows(2).all(|w| w[0] < w[1]),
        "sorted, no repeats"
    );
}

#[test]
fn degree_cap_is_honoured() {
    let spec = NetworkSpec {
        max_connections: 60,
        ..NetworkSpec::new(10_000, 25, 3)
    };
    let net = spec.generate();
    let (mean, _, max) = stats(&net);
    assert!(max <= 60, "max degree {max}");
    assert!(
        max >= 55,
        "the cap is reached by the heaviest members: {max}"
    );
    assert!((mean - 25.0).abs() < 0.5, "mean {mean}");
}

#[test]
fn mean_degree_is_close_and_tail_is_heavy() {
    let net = generate(50_000, 40, 5);
    let (mean, median, max) = stats(&net);
    assert!((mean - 40.0).abs() / 40.0 < 0.005, "mean {mean}");
    assert!(median < 30, "median {median}");
    assert!(max > 1_000, "max {max}");
}

#[test]
fn most_connections_share_a_community() {
    let net = generate(50_000, 40, 9);
    let p = &net.profiles;
    let (mut employer, mut school, mut any) = (0usize, 0usize, 0usize);
    for &(a, b) in &net.edges {
        let (x, y) = (p[a as usize], p[b as usize]);
        employer += usize::from(x.employer == y.employer);
        school += usize::from(x.school == y.school);
        any += usize::from(x.employer == y.employer || x.school == y.school || x.city == y.city);
    }
    let m = net.edges.len() as f64;
    let (employer, school, any) = (employer as f64 / m, school as f64 / m, any as f64 / m);
    eprintln!("employer {employer:.3} school {school:.3} any {any:.3}");
    assert!(employer > 0.3 && school > 0.1 && any > 0.7);
}

#[test]
fn tiny_and_empty_specs() {
    assert!(generate(0, 10, 1).edges.is_empty());
    assert!(generate(1, 10, 1).edges.is_empty());
    assert!(generate(100, 0, 1).edges.is_empty());
    let two = generate(2, 10, 1);
    assert!(two.edges.len() <= 1);
    let dense = generate(30, 100, 1);
    assert!(dense.edges.len() <= 30 * 29 / 2);
}
