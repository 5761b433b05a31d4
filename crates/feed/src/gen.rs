//! A deterministic generated world of posts on a generated network, for `guild bench feed`:
//! who posts, when, to whom, about what, and how each post did.
//!
//! # The model
//! - **Authors.** 40 % of members never post; the others get a posting weight `1/√u − 1`
//!   (Lomax, tail index 2, capped at 100 × the mean) drawn independently of their
//!   connections: a few post every day, most a couple of times a fortnight.
//! - **Posts** are spread evenly over the last 14 days; ids grow with time, as the store's do.
//!   70 % are for anyone, 30 % for connections; 80 % posts, 10 % reposts, 5 % articles, 5 %
//!   updates; half carry one to three hashtags from a vocabulary of [`VOCABULARY`] names,
//!   popular ones more often (`⌊V·u²⌋`).
//! - **Impressions** grow with the author's audience: `(connections + 1) × maturity × noise`,
//!   maturity rising over the first two days, scaled so that all posts together have
//!   `reactions / 4 %` impressions.
//! - **Engagement** (reactions, comments, reposts: 85 / 12 / 3 %) per impression — the *rate*
//!   — is the author's own quality (0.4–1.6, drawn independently of connections) times a
//!   per-post draw, scaled so that all posts together get `reactions` events. So the rate does
//!   not depend on the audience while the absolute numbers do: the world in which ranking by
//!   rate must be fair to members with few connections.
//! - Counters go in with [`FeedIndex::insert`]. A sample of the individual events is replayed
//!   for what counters cannot give: `activity_events` reactions, comments and reposts (picked
//!   in proportion to each post's engagement, 80 % by a connection of the author, always for
//!   connections-only posts) feed affinity and network-activity candidates; `seen_events`
//!   impressions (by a connection of the author) feed "seen items sink".

use guild_graph::Snapshot;

use crate::{Activity, Audience, Counts, FeedIndex, ItemKind, Member, NewItem, PostId};
use guild_graph::rng::Rng;

/// Hashtags in use: `topic0` (the most popular) to `topic199`.
pub const VOCABULARY: u32 = 200;
const SPAN_MS: i64 = 14 * 24 * 3_600 * 1_000;
/// Weighted impressions-to-events: all posts together get `reactions / TARGET_RATE`
/// impressions.
const TARGET_RATE: f64 = 0.04;
const LURKERS_PERCENT: u64 = 40;
const MAX_WEIGHT: f64 = 100.0;

const STREAM_WEIGHTS: u64 = 0xF1;
const STREAM_QUALITY: u64 = 0xF2;
const STREAM_EVENTS: u64 = 0xF3;
const STREAM_SEEN: u64 = 0xF4;
const STREAM_POST: u64 = 1 << 40;

/// What to generate on top of a network.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorldSpec {
    pub posts: u64,
    /// Reactions, comments and reposts in all, applied as counters.
    pub reactions: u64,
    /// Of those, replayed one by one for affinity and activity candidates.
    pub activity_events: u64,
    /// Impressions replayed one by one for "seen".
    pub seen_events: u64,
    pub seed: u64,
    /// The end of the 14 days the posts span.
    pub now_ms: i64,
}

/// What was generated, for the report and for the fairness figures.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct World {
    pub posts: u64,
    pub reactions: u64,
    pub comments: u64,
    pub reposts: u64,
    pub impressions: u64,
    pub activity_events: u64,
    pub seen_events: u64,
    /// Reactions + comments + reposts on posts by each member.
    pub engagement_by_author: Vec<u64>,
}

/// The name of hashtag `i` of the vocabulary.
pub fn tag(i: u32) -> String {
    format!("topic{i}")
}

/// A popular-biased hashtag index.
pub(crate) fn popular_tag(rng: &mut Rng) -> u32 {
    let u = rng.unit();
    ((f64::from(VOCABULARY) * u * u) as u32).min(VOCABULARY - 1)
}

/// One post, drawn from its own stream (so both passes see the same post).
struct Draw {
    author: Member,
    created: i64,
    audience: Audience,
    kind: ItemKind,
    tags: Vec<String>,
    reach: f64,
    rate: f64,
    rng: Rng,
}

struct Model<'a> {
    spec: &'a WorldSpec,
    graph: &'a Snapshot,
    /// Cumulative posting weights by member.
    cumulative: Vec<f64>,
}

impl Model<'_> {
    fn draw(&self, i: u64) -> Draw {
        let s = self.spec;
        let mut rng = Rng::stream(s.seed, STREAM_POST + i);
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        let author = self.cumulative.partition_point(|&c| c < x) as Member;
        let created = created_at(s, i);
        let audience = if rng.below(10) < 3 {
            Audience::Connections
        } else {
            Audience::Anyone
        };
        let kind = match rng.below(100) {
            0..=4 => ItemKind::Article,
            5..=14 => ItemKind::Repost,
            15..=19 => ItemKind::Update,
            _ => ItemKind::Post,
        };
        let n_tags = [0, 0, 1, 1, 2, 3][rng.below(6) as usize];
        let tags = (0..n_tags).map(|_| tag(popular_tag(&mut rng))).collect();
        let age_hours = (s.now_ms - created) as f64 / 3_600_000.0;
        let maturity = ((age_hours + 1.0) / 48.0).min(1.0);
        let connections = self.graph.connection_count(author) as f64;
        let reach = (connections + 1.0) * maturity * (0.5 + rng.unit());
        let quality = 0.4 + 1.2 * Rng::stream(s.seed, STREAM_QUALITY + u64::from(author)).unit();
        let u = rng.unit();
        let rate = quality * (0.25 + 1.5 * u * u);
        Draw {
            author,
            created,
            audience,
            kind,
            tags,
            reach,
            rate,
            rng,
        }
    }
}

/// Post `i` of `spec.posts`, evenly over the 14 days before `now_ms`.
fn created_at(spec: &WorldSpec, i: u64) -> i64 {
    let offset = i128::from(SPAN_MS) * i128::from(i) / i128::from(spec.posts.max(1));
    spec.now_ms - SPAN_MS + offset as i64
}

/// `x` rounded down or up at random, in proportion: exact on average.
fn round(rng: &mut Rng, x: f64) -> u64 {
    let f = x.floor();
    f as u64 + u64::from(rng.unit() <= x - f)
}

/// Fills `index` with the world of `spec` on `graph`; `progress` hears how far it got.
pub fn populate(
    index: &FeedIndex,
    graph: &Snapshot,
    spec: &WorldSpec,
    progress: &mut dyn FnMut(&str),
) -> World {
    let n = graph.node_count();
    let mut wr = Rng::stream(spec.seed, STREAM_WEIGHTS);
    let raw: Vec<f64> = (0..n)
        .map(|_| {
            let lurker = wr.below(100) < LURKERS_PERCENT;
            let x = 1.0 / wr.unit().sqrt() - 1.0;
            if lurker {
                0.0
            } else {
                x.min(MAX_WEIGHT)
            }
        })
        .collect();
    let mut acc = 0.0;
    let cumulative = raw
        .iter()
        .map(|w| {
            acc += w;
            acc
        })
        .collect();
    let model = Model {
        spec,
        graph,
        cumulative,
    };
    progress("sizing impressions and engagement");
    let (mut reach_sum, mut weighted_sum) = (0.0, 0.0);
    for i in 0..spec.posts {
        let d = model.draw(i);
        reach_sum += d.reach;
        weighted_sum += d.reach * d.rate;
    }
    let impressions_per_reach = spec.reactions as f64 / TARGET_RATE / reach_sum.max(1e-9);
    let events_per_weight = spec.reactions as f64 / weighted_sum.max(1e-9);

    progress(&format!("inserting {} posts", spec.posts));
    let mut world = World {
        posts: spec.posts,
        engagement_by_author: vec![0; n as usize],
        ..World::default()
    };
    let mut authors: Vec<Member> = Vec::with_capacity(spec.posts as usize);
    let mut connections_only: Vec<bool> = Vec::with_capacity(spec.posts as usize);
    let mut cumulative_events: Vec<u64> = Vec::with_capacity(spec.posts as usize);
    for i in 0..spec.posts {
        let mut d = model.draw(i);
        let events = round(&mut d.rng, d.reach * d.rate * events_per_weight);
        let comments = round(&mut d.rng, events as f64 * 0.12).min(events);
        let reposts = round(&mut d.rng, events as f64 * 0.03).min(events - comments);
        let impressions = round(&mut d.rng, d.reach * impressions_per_reach).max(events);
        let c = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
        let counts = Counts {
            reactions: c(events - comments - reposts),
            comments: c(comments),
            reposts: c(reposts),
            impressions: c(impressions),
        };
        world.reactions += u64::from(counts.reactions);
        world.comments += comments;
        world.reposts += reposts;
        world.impressions += impressions;
        world.engagement_by_author[d.author as usize] += events;
        authors.push(d.author);
        connections_only.push(d.audience == Audience::Connections);
        cumulative_events.push(cumulative_events.last().copied().unwrap_or(0) + events);
        let item = NewItem {
            id: i as PostId + 1,
            author: d.author,
            created_ms: d.created,
            audience: d.audience,
            kind: d.kind,
            tags: d.tags,
        };
        index.insert(item, counts);
    }
    let created = |i: usize| created_at(spec, i as u64);
    let posts = Posts {
        authors: &authors,
        connections_only: &connections_only,
        cumulative_events: &cumulative_events,
    };
    progress(&format!("replaying {} activities", spec.activity_events));
    world.activity_events = replay_activity(index, graph, spec, &posts, &created);
    progress(&format!("replaying {} impressions", spec.seen_events));
    world.seen_events = replay_seen(index, graph, spec, &posts, &created);
    world
}

struct Posts<'a> {
    authors: &'a [Member],
    connections_only: &'a [bool],
    cumulative_events: &'a [u64],
}

/// A random connection of `m`, if any.
fn connection_of(rng: &mut Rng, graph: &Snapshot, m: Member) -> Option<Member> {
    let l = graph.neighbours(m);
    (!l.is_empty()).then(|| l[rng.below(l.len() as u64) as usize])
}

fn replay_activity(
    index: &FeedIndex,
    graph: &Snapshot,
    spec: &WorldSpec,
    posts: &Posts,
    created: &dyn Fn(usize) -> i64,
) -> u64 {
    let total = posts.cumulative_events.last().copied().unwrap_or(0);
    if total == 0 {
        return 0;
    }
    let mut rng = Rng::stream(spec.seed, STREAM_EVENTS);
    let mut done = 0;
    for _ in 0..spec.activity_events {
        let x = rng.below(total);
        let i = posts.cumulative_events.partition_point(|&c| c <= x);
        let author = posts.authors[i];
        let by_connection = posts.connections_only[i] || rng.below(10) < 8;
        let actor = if by_connection {
            connection_of(&mut rng, graph, author)
        } else {
            Some(rng.below(u64::from(graph.node_count())) as Member)
        };
        let Some(actor) = actor.filter(|&a| a != author) else {
            continue;
        };
        let what = match rng.below(100) {
            0..=84 => Activity::Reacted,
            85..=96 => Activity::Commented,
            _ => Activity::Reposted,
        };
        let c = created(i);
        let u = rng.unit();
        let ms = c + ((spec.now_ms - c) as f64 * u * u) as i64;
        index.replay_activity(i as PostId + 1, actor, what, ms);
        done += 1;
    }
    done
}

fn replay_seen(
    index: &FeedIndex,
    graph: &Snapshot,
    spec: &WorldSpec,
    posts: &Posts,
    created: &dyn Fn(usize) -> i64,
) -> u64 {
    let n = posts.authors.len() as u64;
    if n == 0 {
        return 0;
    }
    let mut rng = Rng::stream(spec.seed, STREAM_SEEN);
    let mut done = 0;
    for _ in 0..spec.seen_events {
        let i = rng.below(n) as usize;
        let Some(viewer) = connection_of(&mut rng, graph, posts.authors[i]) else {
            continue;
        };
        let c = created(i);
        let ms = c + ((spec.now_ms - c) as f64 * rng.unit()) as i64;
        index.replay_impression(i as PostId + 1, viewer, ms);
        done += 1;
    }
    done
}
