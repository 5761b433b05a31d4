//! The demo's conversation: posts by members of the generated network (the demo member's
//! connections first, so her feed has something in it at once), with hashtags, a few mentions,
//! reactions, comments and impressions from the authors' own connections, spread over the
//! last ten days. Deterministic for a seed; bounded, so a large demo does not wait on it.

use std::collections::HashMap;

use anyhow::{Context, Result};
use guild_core::accounts::model::MemberId;
use guild_core::feed::model::{
    Impression, NewComment, NewPost, PostKind, PostVisibility, ReactionKind,
};
use guild_core::markup;
use guild_core::store::Store;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

/// At most this many posts, whatever the demo's size.
const MAX_POSTS: usize = 400;
const DAY_MS: i64 = 86_400_000;

const TOPICS: &[&str] = &[
    "design systems",
    "hiring",
    "mentoring",
    "accessibility",
    "data pipelines",
    "pricing",
    "remote work",
    "product discovery",
    "onboarding",
    "security reviews",
    "public speaking",
];
const TAGS: &[&str] = &[
    "hiring",
    "leadership",
    "design",
    "rust",
    "careers",
    "mentoring",
    "productivity",
    "accessibility",
    "opentowork",
    "engineering",
];
const TEMPLATES: &[&str] = &[
    "Excited to share that our team just shipped a long-awaited piece of work on {topic}. Proud of everyone involved! #{tag}",
    "What's the one book that changed how you think about {topic}? Looking for recommendations. #{tag}",
    "Three things I learned about {topic} this year:\n1. Ship small.\n2. Write things down.\n3. Ask for help early.\n#{tag}",
    "We're growing the team and looking for someone who loves {topic}. Happy to tell you more. #hiring",
    "Great conversation today with @{handle} about {topic}. Still thinking about it. #{tag}",
    "After ten years in this field, {topic} is still the part that surprises me most. #{tag}",
    "Small win today: our first workshop on {topic} was full within an hour. #{tag}",
    "Honest question: how does your team handle {topic}? Curious what works for you. #{tag}",
];
const COMMENTS: &[&str] = &[
    "Congratulations, well deserved!",
    "Thanks for sharing this.",
    "Couldn't agree more.",
    "Would love to hear more about how you did it.",
    "Great point, saving this.",
];

/// What [`seed_posts`] wrote.
#[derive(Debug, Default, Clone, Copy)]
pub struct PostStats {
    pub posts: usize,
    pub reactions: usize,
    pub comments: usize,
}

/// Writes the demo's posts and the responses to them through the store.
pub async fn seed_posts(store: &dyn Store, seed: u64, now: i64) -> Result<PostStats> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x706f_7374);
    let mut adj: HashMap<MemberId, Vec<MemberId>> = HashMap::new();
    for (a, b) in store
        .all_connections()
        .await
        .context("reading connections")?
    {
        adj.entry(a).or_default().push(b);
        adj.entry(b).or_default().push(a);
    }
    let me = store
        .member_by_email(super::MEMBER.email)
        .await
        .context("looking up the demo member")?
        .map(|m| m.id);
    // Authors: the demo member's connections first, then members with networks.
    let mut authors: Vec<MemberId> = me.and_then(|m| adj.get(&m).cloned()).unwrap_or_default();
    let mut others: Vec<MemberId> = adj
        .keys()
        .copied()
        .filter(|id| Some(*id) != me && !authors.contains(id))
        .collect();
    others.sort_unstable();
    others.shuffle(&mut rng);
    authors.extend(others);
    let total = MAX_POSTS.min(adj.len() / 2 + authors.len().min(40));
    let mut stats = PostStats::default();
    for i in 0..total {
        let author = authors[i % authors.len().max(1)];
        let friends = adj.get(&author).cloned().unwrap_or_default();
        let template = TEMPLATES[rng.gen_range(0..TEMPLATES.len())];
        let mentioned = match friends.choose(&mut rng) {
            Some(&f) => store.member_by_id(f).await.context("reading a member")?,
            None => None,
        };
        let mention = mentioned.as_ref().map(|m| m.handle.as_str());
        let Some(body) = fill(template, &mut rng, mention) else {
            continue;
        };
        let created = now - rng.gen_range(0..10 * DAY_MS);
        // As the service writes posts: a mention's link shows the member's name.
        let body_html = markup::render_named(&body, markup::Blocks::Post, &|h: &str| {
            mentioned
                .as_ref()
                .filter(|m| m.handle.as_str() == h)
                .map(|m| m.name.clone())
        });
        let refs = markup::refs(&body);
        let post = store
            .create_post(&NewPost {
                author_id: author,
                kind: PostKind::Post,
                title: None,
                body_html,
                visibility: if rng.gen_bool(0.8) {
                    PostVisibility::Anyone
                } else {
                    PostVisibility::Connections
                },
                repost_of: None,
                images: Vec::new(),
                cover: None,
                hashtags: refs.hashtags,
                mentions: Vec::new(),
                created_at: created,
                body,
            })
            .await
            .context("writing a demo post")?;
        stats.posts += 1;
        // Some of the author's connections saw it; some of those responded. Engagement rates
        // differ from author to author, as they do.
        let mut audience = friends.clone();
        audience.shuffle(&mut rng);
        audience.truncate(rng.gen_range(0..=audience.len().min(25)));
        let rate: f64 = rng.gen_range(0.05..0.5);
        for &viewer in &audience {
            let at = created + rng.gen_range(0..DAY_MS);
            store
                .record_impressions(&[Impression {
                    post: post.id,
                    viewer,
                    day: at / DAY_MS,
                    at,
                }])
                .await
                .context("writing an impression")?;
            if rng.gen_bool(rate) {
                let kind = ReactionKind::ALL[rng.gen_range(0..ReactionKind::ALL.len())];
                store
                    .set_reaction(post.id, viewer, kind, at)
                    .await
                    .context("writing a reaction")?;
                stats.reactions += 1;
            } else if rng.gen_bool(rate / 3.0) {
                let text = COMMENTS[rng.gen_range(0..COMMENTS.len())];
                store
                    .create_comment(&NewComment {
                        post_id: post.id,
                        parent_id: None,
                        author_id: viewer,
                        body: text.into(),
                        body_html: markup::render(text, &|_| false),
                        mentions: Vec::new(),
                        created_at: at,
                    })
                    .await
                    .context("writing a comment")?;
                stats.comments += 1;
            }
        }
    }
    Ok(stats)
}

fn fill(template: &str, rng: &mut StdRng, mention: Option<&str>) -> Option<String> {
    let text = template
        .replace("{topic}", TOPICS[rng.gen_range(0..TOPICS.len())])
        .replace("{tag}", TAGS[rng.gen_range(0..TAGS.len())]);
    if text.contains("{handle}") {
        return mention.map(|h| text.replace("{handle}", h));
    }
    Some(text)
}
