//! The configuration model inside one community: stubs paired at random, then self-loops and
//! repeats repaired by double-edge swaps, so that (almost) every stub becomes a distinct
//! connection inside its community.

use std::collections::HashSet;
use std::hash::{BuildHasherDefault, Hasher};

use crate::rng::{mix, Rng};
use crate::Node;

/// Random partners tried for each bad pair before its stubs are left to the global top-up.
const SWAP_ATTEMPTS: u32 = 16;

/// An undirected pair as one sortable key: the smaller end in the high half.
pub(super) fn key(a: Node, b: Node) -> u64 {
    let (a, b) = if a < b { (a, b) } else { (b, a) };
    (u64::from(a) << 32) | u64::from(b)
}

/// The ends of a [`key`], smaller first.
pub(super) fn ends(k: u64) -> (Node, Node) {
    ((k >> 32) as Node, k as Node)
}

/// Pairs `tokens` (each member once per stub) into distinct pairs, appended to `out` as keys.
///
/// A plain random pairing makes self-loops and repeats, many of them in small communities and
/// around the members with the most stubs. Each such bad pair `(u, v)` is repaired by a
/// double-edge swap with a random good pair `{x, y}` of the same community: `{x, y}` is
/// replaced by `{u, x}` and `{v, y}` when both are new. This keeps every member's degree and
/// keeps the connections inside the community. A bad pair that finds no partner in
/// [`SWAP_ATTEMPTS`] tries is dropped; the global top-up re-pairs its stubs.
pub(super) fn pair_community(rng: &mut Rng, tokens: &mut [Node], out: &mut Vec<u64>) {
    rng.shuffle(tokens);
    let start = out.len();
    let mut bad: Vec<(Node, Node)> = Vec::new();
    for p in tokens.chunks_exact(2) {
        if p[0] == p[1] {
            bad.push((p[0], p[1]));
        } else {
            out.push(key(p[0], p[1]));
        }
    }
    out[start..].sort_unstable();
    let mut w = start;
    for r in start..out.len() {
        if w > start && out[r] == out[w - 1] {
            bad.push(ends(out[r]));
        } else {
            out[w] = out[r];
            w += 1;
        }
    }
    out.truncate(w);
    if bad.is_empty() || w == start {
        return;
    }
    let good = &out[start..];
    let (mut removed, mut added) = (KeySet::default(), KeySet::default());
    let exists = |k: u64, removed: &KeySet, added: &KeySet| {
        added.contains(&k) || (good.binary_search(&k).is_ok() && !removed.contains(&k))
    };
    for (u, v) in bad {
        for _ in 0..SWAP_ATTEMPTS {
            let g = good[rng.below(good.len() as u64) as usize];
            if removed.contains(&g) {
                continue;
            }
            let (x, y) = match ends(g) {
                (x, y) if rng.next_u64() & 1 == 0 => (x, y),
                (x, y) => (y, x),
            };
            let (e1, e2) = (key(u, x), key(v, y));
            if u == x || v == y || e1 == e2 {
                continue;
            }
            if exists(e1, &removed, &added) || exists(e2, &removed, &added) {
                continue;
            }
            removed.insert(g);
            added.insert(e1);
            added.insert(e2);
            break;
        }
    }
    if !removed.is_empty() {
        let mut w = start;
        for r in start..out.len() {
            if !removed.contains(&out[r]) {
                out[w] = out[r];
                w += 1;
            }
        }
        out.truncate(w);
    }
    // Set order is not deterministic; the caller sorts every pair anyway, but keep `out`
    // itself reproducible.
    let mut added: Vec<u64> = added.into_iter().collect();
    added.sort_unstable();
    out.extend(added);
}

pub(super) type KeySet = HashSet<u64, BuildHasherDefault<KeyHasher>>;

/// Keys are already well spread after [`mix`]; SipHash would only cost time.
#[derive(Default)]
pub(super) struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = mix(self.0 ^ u64::from(b));
        }
    }
    fn write_u64(&mut self, k: u64) {
        self.0 = mix(k);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        assert_eq!(key(7, 3), key(3, 7));
        assert_eq!(ends(key(7, 3)), (3, 7));
        assert_eq!(ends(key(0, u32::MAX)), (0, u32::MAX));
    }

    #[test]
    fn a_saturated_community_keeps_degrees_and_stays_simple() {
        // 20 members, 9 stubs each: almost half of all possible pairs, many repeats at first.
        let mut tokens: Vec<Node> = (0..20).flat_map(|m| [m; 9]).collect();
        let mut out = Vec::new();
        pair_community(&mut Rng::stream(1, 2), &mut tokens, &mut out);
        let mut sorted = out.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), out.len(), "no repeats");
        let mut deg = [0u32; 20];
        for &k in &out {
            let (a, b) = ends(k);
            assert_ne!(a, b);
            deg[a as usize] += 1;
            deg[b as usize] += 1;
        }
        assert!(deg.iter().all(|&d| d <= 9));
        assert!(out.len() >= 85, "{} of 90 pairs", out.len());
    }
}
