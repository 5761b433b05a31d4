//! The per-author cap: from items sorted best first, the order in which no author has more
//! than `cap` items in any `window` consecutive positions.
//!
//! Greedy: each position takes the best item whose author has fewer than `cap` items among
//! the previous `window - 1` positions; an item that does not fit waits (deferred) and takes
//! the first position where it fits, ahead of any worse item. When only waiting items are
//! left and none fits, the rest is dropped — filling with them would break the cap.
//!
//! Per-author queues under a heap of their best waiting item make each position cost
//! `O(log authors)`: at most `(window - 1) / cap` authors can be blocked at one position, so
//! only that many heads are popped and pushed back.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use crate::hash::IdMap;
use crate::Member;

/// `sorted` best first; returns the placed items in feed order (a subset, when dropped).
pub(crate) fn place<T>(
    sorted: Vec<T>,
    author: impl Fn(&T) -> Member,
    cap: usize,
    window: usize,
) -> Vec<T> {
    let n = sorted.len();
    let mut queues: IdMap<Member, VecDeque<usize>> = IdMap::default();
    for (i, item) in sorted.iter().enumerate() {
        queues.entry(author(item)).or_default().push_back(i);
    }
    // Min-heap on the rank of each author's best remaining item.
    let mut heap: BinaryHeap<Reverse<(usize, Member)>> = queues
        .iter()
        .filter_map(|(&a, q)| q.front().map(|&i| Reverse((i, a))))
        .collect();
    let mut slots: Vec<Option<T>> = sorted.into_iter().map(Some).collect();
    let mut recent: VecDeque<Member> = VecDeque::with_capacity(window);
    let mut in_window: IdMap<Member, usize> = IdMap::default();
    let mut blocked = Vec::new();
    let mut out = Vec::with_capacity(n);
    while let Some(Reverse((i, a))) = heap.pop() {
        if in_window.get(&a).copied().unwrap_or(0) >= cap {
            blocked.push(Reverse((i, a)));
            continue;
        }
        if let Some(item) = slots[i].take() {
            out.push(item);
        }
        if let Some(q) = queues.get_mut(&a) {
            q.pop_front();
            if let Some(&next) = q.front() {
                heap.push(Reverse((next, a)));
            }
        }
        heap.extend(blocked.drain(..));
        *in_window.entry(a).or_default() += 1;
        recent.push_back(a);
        if recent.len() >= window {
            if let Some(old) = recent.pop_front() {
                if let Some(c) = in_window.get_mut(&old) {
                    *c -= 1;
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(order: &[Member], cap: usize, window: usize) -> bool {
        order.windows(window.min(order.len()).max(1)).all(|w| {
            w.iter()
                .all(|a| w.iter().filter(|b| *b == a).count() <= cap)
        })
    }

    #[test]
    fn defers_then_places_then_drops() {
        let authors = [1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 1, 1, 9, 10];
        let placed = place(authors.to_vec(), |&a| a, 2, 10);
        // The third 1 waits until position 10, ahead of the worse 10; the last 1 never fits.
        assert_eq!(placed, vec![1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 1, 10]);
        assert!(ok(&placed, 2, 10));
        // Only one author: two, then nothing fits again.
        assert_eq!(place(vec![5, 5, 5, 5], |&a| a, 2, 10), vec![5, 5]);
    }

    proptest! {
        #[test]
        fn cap_holds_and_placement_is_greedy(
            authors in proptest::collection::vec(0u32..6, 0..200),
        ) {
            let ranked: Vec<(usize, Member)> = authors.iter().copied().enumerate().collect();
            let placed = place(ranked.clone(), |&(_, a)| a, 2, 10);
            let order: Vec<Member> = placed.iter().map(|&(_, a)| a).collect();
            prop_assert!(ok(&order, 2, 10));
            // Nothing twice, nothing invented.
            let mut ranks: Vec<usize> = placed.iter().map(|&(i, _)| i).collect();
            ranks.sort_unstable();
            ranks.dedup();
            prop_assert_eq!(ranks.len(), placed.len());
            // Greedy: at each position, no better unplaced item would have fitted.
            let mut used = vec![false; ranked.len()];
            for (pos, &(i, a)) in placed.iter().enumerate() {
                let lo = pos.saturating_sub(9);
                let fits = |b: Member| order[lo..pos].iter().filter(|&&x| x == b).count() < 2;
                prop_assert!(fits(a));
                for &(j, b) in &ranked[..i] {
                    prop_assert!(used[j] || !fits(b), "item {} fitted before {}", j, i);
                }
                used[i] = true;
            }
            // Whatever was dropped could not fit after the last item.
            let lo = order.len().saturating_sub(9);
            for &(j, b) in &ranked {
                let fits = order[lo..].iter().filter(|&&x| x == b).count() < 2;
                prop_assert!(used[j] || !fits, "item {} dropped but fits", j);
            }
        }
    }
}
