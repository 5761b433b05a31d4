//! Variety: from items sorted best first, the order in which no author has more than
//! `author_cap` items, and no capped kind more than its cap, in any `window` consecutive
//! positions.
//!
//! Greedy: each position takes the best item whose author and kind both have room among the
//! previous `window - 1` positions; an item that does not fit waits (deferred) and takes the
//! first position where it fits, ahead of any worse item. When only waiting items are left
//! and none fits, the rest is dropped — filling with them would break a cap.
//!
//! One lane per kind: per-author queues under a heap of each author's best waiting item. A
//! position looks at the head of every lane whose kind has room, setting aside the heads of
//! authors without room — at most `(window - 1) / author_cap` authors per lane — so a
//! position costs `O(kinds × log authors)`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::hash::IdMap;
use crate::Member;

/// The caps of one ordering. `kinds[k]` is the cap of kind `k` (`window` or more: uncapped).
pub(crate) struct Caps<'a> {
    pub(crate) author: usize,
    pub(crate) kinds: &'a [usize],
    pub(crate) window: usize,
}

#[derive(Default)]
struct Lane {
    queues: IdMap<Member, VecDeque<usize>>,
    /// Min-heap on the rank of each author's best remaining item of this kind.
    heap: BinaryHeap<Reverse<(usize, Member)>>,
}

/// `sorted` best first; `key` gives an item's author and kind (`< caps.kinds.len()`).
/// Returns the placed items in feed order (a subset, when some are dropped).
pub(crate) fn place<T>(
    sorted: Vec<T>,
    key: impl Fn(&T) -> (Member, usize),
    caps: &Caps<'_>,
) -> Vec<T> {
    let n = sorted.len();
    let mut lanes: Vec<Lane> = (0..caps.kinds.len()).map(|_| Lane::default()).collect();
    for (i, item) in sorted.iter().enumerate() {
        let (a, k) = key(item);
        let k = k.min(lanes.len().saturating_sub(1));
        if let Some(lane) = lanes.get_mut(k) {
            lane.queues.entry(a).or_default().push_back(i);
        }
    }
    for lane in &mut lanes {
        let heads: Vec<_> = lane
            .queues
            .iter()
            .filter_map(|(&a, q)| q.front().map(|&i| Reverse((i, a))))
            .collect();
        lane.heap.extend(heads);
    }
    let mut slots: Vec<Option<T>> = sorted.into_iter().map(Some).collect();
    let mut recent: VecDeque<(Member, usize)> = VecDeque::with_capacity(caps.window);
    let mut by_author: IdMap<Member, usize> = IdMap::default();
    let mut by_kind = vec![0usize; lanes.len()];
    let mut blocked: Vec<(usize, Reverse<(usize, Member)>)> = Vec::new();
    let mut out = Vec::with_capacity(n);
    loop {
        let full = |a: &Member| by_author.get(a).copied().unwrap_or(0) >= caps.author;
        let mut best: Option<(usize, usize, Member)> = None;
        for (k, lane) in lanes.iter_mut().enumerate() {
            if by_kind[k] >= caps.kinds[k] {
                continue;
            }
            while let Some(&Reverse((i, a))) = lane.heap.peek() {
                if full(&a) {
                    blocked.push((k, Reverse((i, a))));
                    lane.heap.pop();
                    continue;
                }
                if best.is_none_or(|b| i < b.0) {
                    best = Some((i, k, a));
                }
                break;
            }
        }
        // The chosen head is still on top of its lane: only heads above it were set aside.
        if let Some((_, k, _)) = best {
            lanes[k].heap.pop();
        }
        for (k, head) in blocked.drain(..) {
            lanes[k].heap.push(head);
        }
        let Some((i, k, a)) = best else { break };
        if let Some(item) = slots[i].take() {
            out.push(item);
        }
        let lane = &mut lanes[k];
        if let Some(q) = lane.queues.get_mut(&a) {
            q.pop_front();
            if let Some(&next) = q.front() {
                lane.heap.push(Reverse((next, a)));
            }
        }
        *by_author.entry(a).or_default() += 1;
        by_kind[k] += 1;
        recent.push_back((a, k));
        if recent.len() >= caps.window {
            if let Some((old, ok)) = recent.pop_front() {
                if let Some(c) = by_author.get_mut(&old) {
                    *c -= 1;
                }
                by_kind[ok] -= 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const AUTHORS_ONLY: Caps<'static> = Caps {
        author: 2,
        kinds: &[10],
        window: 10,
    };

    /// Whether `fits(pos, author, kind)`: both have room among the previous `window - 1`.
    fn room(order: &[(Member, usize)], pos: usize, a: Member, k: usize, caps: &Caps<'_>) -> bool {
        let w = &order[pos.saturating_sub(caps.window - 1)..pos];
        w.iter().filter(|x| x.0 == a).count() < caps.author
            && w.iter().filter(|x| x.1 == k).count() < caps.kinds[k]
    }

    fn caps_hold(order: &[(Member, usize)], caps: &Caps<'_>) -> bool {
        order.windows(caps.window.min(order.len()).max(1)).all(|w| {
            w.iter().all(|x| {
                w.iter().filter(|y| y.0 == x.0).count() <= caps.author
                    && w.iter().filter(|y| y.1 == x.1).count() <= caps.kinds[x.1]
            })
        })
    }

    #[test]
    fn defers_then_places_then_drops() {
        let authors = [1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 9, 10];
        let placed = place(authors.to_vec(), |&a| (a, 0), &AUTHORS_ONLY);
        // The third 1 waits until position 10, ahead of the worse 10; the last 1 never fits.
        assert_eq!(placed, vec![1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 10]);
        // Only one author: two, then nothing fits again.
        assert_eq!(
            place(vec![5, 5, 5, 5], |&a| (a, 0), &AUTHORS_ONLY),
            vec![5, 5]
        );
    }

    #[test]
    fn a_capped_kind_waits_for_room() {
        // Kind 1 (say reposts) at most 2 in 10, each by a different author.
        let caps = Caps {
            author: 2,
            kinds: &[10, 2],
            window: 10,
        };
        let items: Vec<(Member, usize)> = (0..14).map(|i| (i, usize::from(i < 4))).collect();
        let placed: Vec<Member> = place(items, |&x| x, &caps).iter().map(|x| x.0).collect();
        // Reposts 0 and 1 first; 2 and 3 each as soon as 0, then 1, left the window.
        assert_eq!(placed, vec![0, 1, 4, 5, 6, 7, 8, 9, 10, 11, 2, 3, 12, 13]);
    }

    proptest! {
        #[test]
        fn caps_hold_and_placement_is_greedy(
            items in proptest::collection::vec((0u32..6, 0usize..3), 0..200),
            kind_caps in (1usize..4, 1usize..4),
        ) {
            let kinds = [10, kind_caps.0, kind_caps.1];
            let caps = Caps { author: 2, kinds: &kinds, window: 10 };
            let ranked: Vec<(usize, (Member, usize))> = items.iter().copied().enumerate().collect();
            let placed = place(ranked.clone(), |&(_, x)| x, &caps);
            let order: Vec<(Member, usize)> = placed.iter().map(|&(_, x)| x).collect();
            prop_assert!(caps_hold(&order, &caps));
            // Nothing twice, nothing invented.
            let mut ranks: Vec<usize> = placed.iter().map(|&(i, _)| i).collect();
            ranks.sort_unstable();
            ranks.dedup();
            prop_assert_eq!(ranks.len(), placed.len());
            // Greedy: at each position, no better unplaced item would have fitted.
            let mut used = vec![false; ranked.len()];
            for (pos, &(i, (a, k))) in placed.iter().enumerate() {
                prop_assert!(room(&order, pos, a, k, &caps));
                for &(j, (b, l)) in &ranked[..i] {
                    prop_assert!(
                        used[j] || !room(&order, pos, b, l, &caps),
                        "item {} fitted before {}", j, i
                    );
                }
                used[i] = true;
            }
            // Whatever was dropped could not fit after the last item.
            for &(j, (b, l)) in &ranked {
                prop_assert!(
                    used[j] || !room(&order, order.len(), b, l, &caps),
                    "item {} dropped but fits", j
                );
            }
        }
    }
}
