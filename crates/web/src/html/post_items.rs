//! Posts and comments as pages show them ([`PostItem`], [`CommentItem`]), and the composer's
//! form ([`ComposeForm`]): the view models the feed, the post pages and profiles share.

use guild_core::feed::model::{PostKind, PostVisibility, ReactionKind};
use guild_core::feed::{CommentView, FeedItem, PostInput, PostView};
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::format::{age, date};

/// A reaction button: its value, its label, and whether it is the viewer's.
pub struct ReactionButton {
    pub kind: &'static str,
    pub label: &'static str,
    pub mine: bool,
}

/// The summary under a post: the icons of the kinds used (most used first, at most three),
/// the count, and the same in words for screen readers.
pub struct ReactionSummary {
    pub kinds: Vec<&'static str>,
    pub total: i64,
    /// "12 reactions: 8 like, 4 support"
    pub label: String,
}

impl ReactionSummary {
    fn of(total: i64, kinds: &[(ReactionKind, i64)]) -> ReactionSummary {
        let detail = kinds
            .iter()
            .map(|(k, n)| format!("{n} {}", k.label().to_lowercase()))
            .collect::<Vec<_>>()
            .join(", ");
        let count = match total {
            1 => "1 reaction".to_string(),
            n => format!("{n} reactions"),
        };
        ReactionSummary {
            kinds: kinds.iter().take(3).map(|(k, _)| k.as_str()).collect(),
            total,
            label: if detail.is_empty() {
                count
            } else {
                format!("{count}: {detail}")
            },
        }
    }
}

/// A post as pages show it (`_posts.html`).
pub struct PostItem {
    pub id: i64,
    pub url: String,
    pub author: Card,
    pub kind: &'static str,
    pub title: Option<String>,
    pub body_html: String,
    pub audience: &'static str,
    /// The age: "3 h".
    pub created: String,
    /// The day: "3 Mar 2025".
    pub created_date: String,
    /// An article's reading time in minutes (200 words a minute, at least 1).
    pub reading_minutes: usize,
    pub edited: bool,
    pub images: Vec<String>,
    pub cover: Option<String>,
    pub comments: i64,
    pub reposts: i64,
    pub impressions: i64,
    pub buttons: Vec<ReactionButton>,
    /// The one button under the post: the viewer's reaction (pressing takes it back), or Like.
    pub main: ReactionButton,
    pub summary: ReactionSummary,
    /// Sends a link to the post in a message.
    pub send_url: String,
    pub mine: bool,
    pub is_update: bool,
    pub repostable: bool,
    /// A repost: the original it credits.
    pub original: Option<Box<PostItem>>,
    pub original_missing: bool,
    /// Feed only: the one reason, and "Why am I seeing this?".
    pub reason: Option<String>,
    pub why: Vec<String>,
}

impl PostItem {
    /// Comments and reposts in words ("2 comments · 1 repost"); the reactions have their
    /// own summary beside it.
    pub fn counts_line(&self) -> String {
        let part = |n: i64, one: &str, many: &str| match n {
            0 => None,
            1 => Some(format!("1 {one}")),
            n => Some(format!("{n} {many}")),
        };
        [
            part(self.comments, "comment", "comments"),
            part(self.reposts, "repost", "reposts"),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
    }
}

impl From<&PostView> for PostItem {
    fn from(v: &PostView) -> Self {
        let p = &v.post;
        let mine = v.my_reaction;
        PostItem {
            id: p.id,
            url: v.url(),
            author: Card::from(&v.author),
            kind: p.kind.as_str(),
            title: p.title.clone(),
            body_html: p.body_html.clone(),
            audience: match p.visibility {
                PostVisibility::Anyone => "Anyone",
                PostVisibility::Connections => "Connections",
            },
            created: age(p.created_at),
            created_date: date(p.created_at),
            reading_minutes: p.body.split_whitespace().count().div_ceil(200).max(1),
            edited: v.edited(),
            images: v.image_urls(),
            cover: v.cover_url(),
            comments: p.counts.comments,
            reposts: p.counts.reposts,
            impressions: p.counts.impressions,
            buttons: ReactionKind::ALL
                .into_iter()
                .map(|k| ReactionButton {
                    kind: k.as_str(),
                    label: k.label(),
                    mine: mine == Some(k),
                })
                .collect(),
            main: {
                let k = mine.unwrap_or(ReactionKind::Like);
                ReactionButton {
                    kind: k.as_str(),
                    label: k.label(),
                    mine: mine.is_some(),
                }
            },
            summary: ReactionSummary::of(p.counts.reactions, &v.reaction_kinds),
            send_url: format!(
                "/messages/new?body={}",
                super::format::url_encode(&format!("Have a look at this post: {}", v.url()))
            ),
            mine: v.mine,
            is_update: p.kind == PostKind::Update,
            repostable: v.can_repost(),
            original: v.original.as_deref().map(|o| Box::new(PostItem::from(o))),
            original_missing: v.original_missing(),
            reason: None,
            why: Vec::new(),
        }
    }
}

impl From<&FeedItem> for PostItem {
    fn from(i: &FeedItem) -> Self {
        let mut item = PostItem::from(&i.post);
        item.reason = Some(i.reason.clone());
        item.why = i.why.lines.iter().skip(1).cloned().collect();
        item
    }
}

/// A comment or reply as the post page shows it.
pub struct CommentItem {
    pub id: i64,
    pub author: Card,
    pub body_html: String,
    pub created: String,
    pub edited: bool,
    pub reactions: i64,
    pub liked: bool,
    pub can_delete: bool,
    pub is_reply: bool,
    /// The thread a reply joins (the top-level comment's id).
    pub thread: i64,
}

impl From<&CommentView> for CommentItem {
    fn from(v: &CommentView) -> Self {
        let c = &v.comment;
        CommentItem {
            id: c.id,
            author: Card::from(&v.author),
            body_html: c.body_html.clone(),
            created: age(c.created_at),
            edited: c.edited_at.is_some(),
            reactions: c.reactions,
            liked: v.my_reaction.is_some(),
            can_delete: v.can_delete,
            is_reply: c.parent_id.is_some(),
            thread: c.parent_id.unwrap_or(c.id),
        }
    }
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
/// The composer: a post or an article as typed.
pub struct ComposeForm {
    pub body: String,
    pub visibility: String,
    pub kind: String,
    pub title: String,
}

impl ComposeForm {
    /// The form's fields as the services take them (no images yet).
    pub fn input(&self) -> PostInput {
        let given = |s: &str| Some(s.to_string()).filter(|s| !s.trim().is_empty());
        PostInput {
            body: self.body.clone(),
            visibility: given(&self.visibility),
            kind: given(&self.kind),
            title: given(&self.title),
            images: Vec::new(),
            cover: None,
        }
    }

    /// The form as it was typed, from what the services were given.
    pub fn of(input: &PostInput) -> ComposeForm {
        ComposeForm {
            body: input.body.clone(),
            visibility: input.visibility.clone().unwrap_or_default(),
            kind: input.kind.clone().unwrap_or_default(),
            title: input.title.clone().unwrap_or_default(),
        }
    }
}
