//! The home feed, hashtag pages and impressions: candidates and ranking come from the
//! in-memory index (`guild-feed`), the posts themselves from the store in one query.

use std::collections::HashMap;

use guild_feed::{Activity, Cursor, FeedQuery, Reason, Sort, Sources};
use serde::Serialize;

use super::model::*;
use super::views::PostView;
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::Code;
use crate::error::{CoreError, CoreResult};
use crate::markup;
use crate::network::state::node;
use crate::paging::PageRequest;
use crate::{now_ms, Guild};

pub const FEED_PAGE: u32 = 10;
/// The most items a client may ask for on one page of the feed.
pub const FEED_PAGE_MAX: u32 = 50;

/// "Why am I seeing this?": the reason, and the factors the ranking actually used.
#[derive(Debug, Clone, Serialize)]
pub struct Why {
    /// Sentences, the first being the reason ("Ann commented on this").
    pub lines: Vec<String>,
    pub score: f64,
    pub engagement_rate: f64,
    pub author_baseline: f64,
    pub network_rate: f64,
    pub affinity: f64,
    pub interactions: u32,
    pub degree: Option<u8>,
    pub freshness: f64,
    pub age_hours: f64,
    pub seen: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeedItem {
    #[serde(skip)]
    pub post: PostView,
    /// The one reason shown above the item.
    pub reason: String,
    pub why: Why,
}

#[derive(Debug, Clone)]
pub struct FeedView {
    pub items: Vec<FeedItem>,
    pub next_cursor: Option<String>,
    pub sort: FeedSort,
}

/// A ranking factor in words: responses (reactions, comments, reposts) per view, which can
/// pass 1 when one viewer responds several times, so it is never written as a percentage.
fn per_view(x: f64) -> String {
    format!("{x:.2}")
}

impl Guild {
    /// The viewer's home feed. `sort` (when given) is remembered as their choice.
    pub async fn home_feed(
        &self,
        viewer: &Viewer,
        sort: Option<&str>,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<FeedView> {
        let me = Self::me(viewer)?;
        let mut sources = self.feed_sources(me).await?;
        let sort = match sort.map(str::trim).filter(|s| !s.is_empty()) {
            Some(raw) => {
                let s = FeedSort::parse(raw).map_err(|m| CoreError::invalid("sort", m))?;
                if s != sources.sort {
                    self.store.set_feed_sort(me, s).await?;
                    self.feed_sources.forget(me);
                    sources = self.feed_sources(me).await?;
                }
                s
            }
            None => sources.sort,
        };
        let page = PageRequest::<Cursor>::bounded(cursor, limit, FEED_PAGE, FEED_PAGE_MAX)?;
        let limit = page.limit as usize;
        let cursor = match (page.after, sort) {
            (None, _) => Cursor::Start,
            (Some(c @ Cursor::Ranked { .. }), FeedSort::Relevant)
            | (Some(c @ Cursor::Recent { .. }), FeedSort::Recent) => c,
            _ => return Err(CoreError::invalid("cursor", "This page link is not valid.")),
        };
        let my_node = node(me)?;
        let snap = self.network.snapshot();
        let mut connections: Vec<u32> = snap.neighbours(my_node).to_vec();
        connections.sort_unstable();
        let hidden = self.network.hidden_from(me);
        let is_hidden = |m: u32| hidden.contains(&MemberId::from(m));
        let degree = |m: u32| snap.degree(my_node, m);
        let now = now_ms();
        let page = self.feed.index.feed(
            &FeedQuery {
                viewer: my_node,
                now_ms: now,
                sort: match sort {
                    FeedSort::Relevant => Sort::Relevant,
                    FeedSort::Recent => Sort::Recent,
                },
                cursor,
                limit,
            },
            &Sources {
                connections: &connections,
                following: &sources.following,
                hashtags: &sources.hashtags,
                hidden: &is_hidden,
                degree: &degree,
            },
        );
        let ids: Vec<PostId> = page.items.iter().map(|r| r.id).collect();
        let posts = self.store.posts_by_ids(&ids).await?;
        let views: HashMap<PostId, PostView> = self
            .post_views(viewer, posts)
            .await?
            .into_iter()
            .map(|v| (v.post.id, v))
            .collect();
        let actors: Vec<MemberId> = page
            .items
            .iter()
            .filter_map(|r| match r.reason {
                Reason::Activity { actor, .. } => Some(MemberId::from(actor)),
                _ => None,
            })
            .collect();
        // Only their names are shown: their cards, without degrees or invitations.
        let names: HashMap<MemberId, String> = if actors.is_empty() {
            HashMap::new()
        } else {
            self.store
                .cards(&actors)
                .await?
                .into_iter()
                .filter(|c| !hidden.contains(&c.id))
                .map(|c| (c.id, c.name))
                .collect()
        };
        let mut items = Vec::with_capacity(page.items.len());
        for r in page.items {
            let Some(post) = views.get(&r.id).cloned() else {
                continue;
            };
            let author = post.author.card.name.clone();
            let reason = match &r.reason {
                Reason::Own => "Your post".to_string(),
                Reason::Connection => format!("{author} is one of your connections"),
                Reason::Following => format!("You follow {author}"),
                Reason::Hashtag(t) => format!("You follow #{t}"),
                Reason::Activity { actor, what } => {
                    let who = names
                        .get(&MemberId::from(*actor))
                        .cloned()
                        .unwrap_or_else(|| "A connection".into());
                    match what {
                        Activity::Commented => format!("{who} commented on this"),
                        Activity::Reacted => format!("{who} reacted to this"),
                        Activity::Reposted => format!("{who} reposted this"),
                    }
                }
            };
            let f = r.factors;
            let mut lines = vec![reason.clone()];
            if post.mine {
                lines.push(
                    "This is your own post: it is in your feed so you can see how it is doing."
                        .into(),
                );
            }
            if sort == FeedSort::Relevant {
                lines.push(format!(
                    "Engagement, as the ranking weighs it: {} responses per view for this post, {} usual for {}, {} across Guild.",
                    per_view(f.engagement_rate),
                    per_view(f.author_baseline),
                    if post.mine { "your posts".to_string() } else { format!("{author}'s posts") },
                    per_view(f.network_rate)
                ));
                if !post.mine {
                    let degree = match f.degree {
                        Some(1) => "a connection (1st)",
                        Some(2) => "2nd degree",
                        Some(3) => "3rd degree",
                        _ => "outside your network",
                    };
                    lines.push(format!(
                        "Your affinity with {author}: {degree}, {} earlier interaction{} with their posts.",
                        f.interactions,
                        if f.interactions == 1 { "" } else { "s" }
                    ));
                }
                lines.push("Newer posts rank higher.".into());
                if f.seen {
                    lines.push("You have seen it before, so it is shown lower.".into());
                }
                lines
                    .push("How many followers or connections the author has plays no part.".into());
            } else {
                lines.push("Most recent first: newest posts at the top, nothing reordered.".into());
            }
            items.push(FeedItem {
                post,
                reason,
                why: Why {
                    lines,
                    score: f.score,
                    engagement_rate: f.engagement_rate,
                    author_baseline: f.author_baseline,
                    network_rate: f.network_rate,
                    affinity: f.affinity,
                    interactions: f.interactions,
                    degree: f.degree,
                    freshness: f.freshness,
                    age_hours: f.age_hours,
                    seen: f.seen,
                },
            });
        }
        // The author's own views are not impressions.
        let shown: Vec<PostId> = items
            .iter()
            .filter(|i| !i.post.mine)
            .map(|i| i.post.post.id)
            .collect();
        self.record_impressions(viewer, &shown).await?;
        Ok(FeedView {
            items,
            next_cursor: page.next.map(|c| crate::paging::cursor(&c)),
            sort,
        })
    }

    /// Counts an impression once per viewer per post per day (in batches: [`crate::seen`]).
    pub(crate) async fn record_impressions(
        &self,
        viewer: &Viewer,
        ids: &[PostId],
    ) -> CoreResult<()> {
        match viewer.id() {
            Some(me) => self.note_impressions(me, ids).await,
            None => Ok(()),
        }
    }

    /// Posts with a hashtag, newest first, as the viewer may read them.
    pub async fn hashtag(
        &self,
        viewer: &Viewer,
        raw: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<HashtagView> {
        let me = Self::me(viewer)?;
        let tag = markup::fold_tag(raw.trim().trim_start_matches('#'))
            .ok_or_else(|| CoreError::invalid("tag", "That is not a hashtag."))?;
        let page = PageRequest::<(i64, PostId)>::new(cursor, limit)?;
        let before = page.after;
        let limit = page.limit as usize;
        let my_node = node(me)?;
        let snap = self.network.snapshot();
        let mut connections: Vec<u32> = snap.neighbours(my_node).to_vec();
        connections.sort_unstable();
        let hidden = self.network.hidden_from(me);
        let ids = self.feed.index.hashtag(
            &tag,
            &connections,
            my_node,
            &|m| hidden.contains(&MemberId::from(m)),
            before,
            limit + 1,
        );
        let more = ids.len() > limit;
        let ids: Vec<PostId> = ids.into_iter().take(limit).collect();
        let posts = self.store.posts_by_ids(&ids).await?;
        let mut views = self.post_views(viewer, posts).await?;
        let order: HashMap<PostId, usize> =
            ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        views.sort_by_key(|v| order.get(&v.post.id).copied().unwrap_or(usize::MAX));
        let next_cursor = more
            .then(|| {
                views
                    .last()
                    .map(|v| crate::paging::cursor(&(v.post.created_at, v.post.id)))
            })
            .flatten();
        let following = self.store.followed_hashtags(me).await?.contains(&tag);
        Ok(HashtagView {
            tag,
            following,
            posts: views,
            next_cursor,
        })
    }

    pub async fn follow_hashtag(&self, viewer: &Viewer, raw: &str, on: bool) -> CoreResult<String> {
        let me = Self::me(viewer)?;
        let tag = markup::fold_tag(raw.trim().trim_start_matches('#'))
            .ok_or_else(|| CoreError::invalid("tag", "That is not a hashtag."))?;
        if on && self.store.followed_hashtags(me).await?.len() >= 500 {
            return Err(CoreError::refused(
                Code::HashtagLimitReached,
                "You follow 500 hashtags, the most there can be.",
            ));
        }
        self.store.follow_hashtag(me, &tag, on, now_ms()).await?;
        self.feed_sources.forget(me);
        Ok(tag)
    }

    pub async fn followed_hashtags(&self, viewer: &Viewer) -> CoreResult<Vec<String>> {
        Ok(self.store.followed_hashtags(Self::me(viewer)?).await?)
    }

    /// Connections whose name or handle starts with `q`, for the @mention typeahead.
    pub async fn mention_suggestions(
        &self,
        viewer: &Viewer,
        q: &str,
    ) -> CoreResult<Vec<crate::network::Person>> {
        let page = self
            .connections(
                viewer,
                Some(q.trim().trim_start_matches('@')),
                crate::network::model::ConnectionSort::Name,
                None,
                Some(8),
            )
            .await?;
        Ok(page.items.into_iter().map(|r| r.person).collect())
    }
}

#[derive(Debug, Clone)]
pub struct HashtagView {
    pub tag: String,
    pub following: bool,
    pub posts: Vec<PostView>,
    pub next_cursor: Option<String>,
}
