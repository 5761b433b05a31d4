//! The score of one item for one viewer, and the constants that shape the feed. The formula is
//! spelled out on [`crate::Factors`]; the reasons for each choice are beside each constant.

use crate::hash::IdMap;
use crate::members::ViewerMemory;
use crate::posts::Posts;
use crate::{Factors, Member, Sources};

/// Items older than this are no candidates: 14 days.
pub const WINDOW_MS: i64 = 14 * 24 * 3_600 * 1_000;
/// At most this many items from one member, one hashtag: the newest.
pub const PER_SOURCE: usize = 20;
/// At most this many candidates in all, the newest: bounds the work of a page whatever the
/// size of the viewer's network.
pub const MAX_CANDIDATES: usize = 3_000;
/// Freshness halves every 24 hours: yesterday's post needs twice the quality (or affinity)
/// of today's, last week's 128 times — which keeps the feed about the last few days.
pub const HALF_LIFE_HOURS: f64 = 24.0;
/// An item the viewer already saw keeps 15 % of its score: it sinks below new items of the
/// same kind, yet a great one can still come back.
pub const SEEN_FACTOR: f64 = 0.15;
/// At most `AUTHOR_CAP` items of one author in any `AUTHOR_WINDOW` consecutive feed items.
pub const AUTHOR_CAP: usize = 2;
pub const AUTHOR_WINDOW: usize = 10;
/// At most this many reposts in any `AUTHOR_WINDOW` consecutive feed items.
pub const REPOST_CAP: usize = 3;
/// At most this many network updates ("started a new position") in any `AUTHOR_WINDOW`
/// consecutive feed items.
pub const UPDATE_CAP: usize = 2;

/// Impressions' worth of weight the author's baseline keeps in an item's rate: 3 reactions
/// out of 10 impressions is mostly luck, 300 out of 1,000 is not.
pub(crate) const ITEM_PRIOR: f64 = 50.0;
/// Quality is `log2(1 + rate / network rate)`, kept within these bounds, so that no single
/// viral number can outweigh affinity and freshness.
const QUALITY_MIN: f64 = 0.1;
const QUALITY_MAX: f64 = 4.0;
/// Interaction counts beyond this add nothing more.
const INTERACTIONS_MAX: u32 = 1_000;
/// Degree look-ups (the caller's graph query) per page, for authors who are neither the
/// viewer nor a connection; beyond it an author counts as out of network. Bounds the graph
/// work of a page whose candidates come from many strangers (hashtags, activity).
pub(crate) const DEGREE_LOOKUPS: usize = 100;

/// `log2(1 + rate / network_rate)`, clamped (see [`QUALITY_MIN`], [`QUALITY_MAX`]).
pub(crate) fn quality(rate: f64, network_rate: f64) -> f64 {
    let q = (1.0 + rate / network_rate.max(f64::MIN_POSITIVE)).log2();
    if q.is_finite() {
        q.clamp(QUALITY_MIN, QUALITY_MAX)
    } else {
        QUALITY_MIN
    }
}

/// The weight of the viewer's relation to the author: own or 1st degree 1.0, followed 0.8,
/// 2nd 0.5, 3rd 0.3, out of network 0.2.
pub(crate) fn relation(degree: Option<u8>, followed: bool) -> f64 {
    let by_degree = match degree {
        Some(0 | 1) => 1.0,
        Some(2) => 0.5,
        Some(3) => 0.3,
        _ => 0.2,
    };
    if followed {
        f64::max(by_degree, 0.8)
    } else {
        by_degree
    }
}

pub(crate) fn freshness(age_hours: f64) -> f64 {
    0.5f64.powf(age_hours.max(0.0) / HALF_LIFE_HOURS)
}

/// Scores items for one viewer as of one time. Holds a copy of the viewer's memory and a
/// cache of the degrees it asked for, so a page asks the graph once per author.
pub(crate) struct Scorer<'a> {
    posts: &'a Posts,
    viewer: Member,
    as_of: i64,
    sources: &'a Sources<'a>,
    memory: ViewerMemory,
    network_rate: f64,
    degrees: IdMap<Member, Option<u8>>,
    lookups_left: usize,
}

impl<'a> Scorer<'a> {
    pub(crate) fn new(
        posts: &'a Posts,
        viewer: Member,
        as_of: i64,
        sources: &'a Sources<'a>,
        memory: ViewerMemory,
    ) -> Self {
        Scorer {
            posts,
            viewer,
            as_of,
            sources,
            memory,
            network_rate: posts.network_rate(),
            degrees: IdMap::default(),
            lookups_left: DEGREE_LOOKUPS,
        }
    }

    /// `Some(0)` for the viewer, 1 for a connection, else the caller's answer (cached).
    fn degree(&mut self, author: Member) -> Option<u8> {
        if author == self.viewer {
            return Some(0);
        }
        if self.sources.connections.binary_search(&author).is_ok() {
            return Some(1);
        }
        if let Some(&d) = self.degrees.get(&author) {
            return d;
        }
        if self.lookups_left == 0 {
            return None;
        }
        self.lookups_left -= 1;
        let d = (self.sources.degree)(author);
        self.degrees.insert(author, d);
        d
    }

    pub(crate) fn factors(&mut self, slot: u32) -> Factors {
        let p = self.posts;
        self.factors_of(slot, p.author(slot), p.created(slot))
    }

    /// [`Scorer::factors`] when the author and time are at hand (fewer memory reads).
    pub(crate) fn factors_of(&mut self, slot: u32, author: Member, created: i64) -> Factors {
        let p = self.posts;
        let c = p.counts(slot);
        let author_baseline = p.author_baseline(author, self.network_rate);
        let engagement_rate = (c.engagement() as f64 + ITEM_PRIOR * author_baseline)
            / (f64::from(c.impressions) + ITEM_PRIOR);
        let quality = quality(engagement_rate, self.network_rate);
        let interactions = self.memory.interactions(author);
        let degree = self.degree(author);
        let followed = self.sources.following.binary_search(&author).is_ok();
        let boost = 1.0 + f64::from(interactions.min(INTERACTIONS_MAX)).ln_1p();
        let affinity = relation(degree, followed) * boost;
        let age_hours = (self.as_of - created).max(0) as f64 / 3_600_000.0;
        let freshness = freshness(age_hours);
        let seen = self.memory.seen(slot);
        let score = quality * affinity * freshness * if seen { SEEN_FACTOR } else { 1.0 };
        Factors {
            score,
            engagement_rate,
            author_baseline,
            network_rate: self.network_rate,
            quality,
            affinity,
            interactions,
            degree,
            freshness,
            age_hours,
            seen,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quality_is_one_at_the_network_rate_and_bounded() {
        assert!((quality(0.05, 0.05) - 1.0).abs() < 1e-12);
        assert!((quality(0.15, 0.05) - 2.0).abs() < 1e-12);
        assert_eq!(quality(100.0, 0.05), QUALITY_MAX);
        assert_eq!(quality(0.0, 0.05), QUALITY_MIN);
        assert_eq!(quality(f64::NAN, 0.05), QUALITY_MIN);
        assert!(quality(0.2, 0.05) > quality(0.1, 0.05));
    }

    #[test]
    fn relation_orders_degrees() {
        assert_eq!(relation(Some(0), false), 1.0);
        assert_eq!(relation(Some(1), false), 1.0);
        assert!(relation(Some(1), false) > relation(None, true));
        assert!(relation(None, true) > relation(Some(2), false));
        assert!(relation(Some(2), false) > relation(Some(3), false));
        assert!(relation(Some(3), false) > relation(None, false));
    }

    #[test]
    fn freshness_halves_per_half_life() {
        assert_eq!(freshness(0.0), 1.0);
        assert!((freshness(HALF_LIFE_HOURS) - 0.5).abs() < 1e-12);
        assert!((freshness(3.0 * HALF_LIFE_HOURS) - 0.125).abs() < 1e-12);
        assert_eq!(freshness(-5.0), 1.0);
    }
}
