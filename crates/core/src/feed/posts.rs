//! Writing posts, articles and reposts; editing and deleting one's own; reading one post,
//! an author's posts and a post's statistics (the author's only).

use serde::{Deserialize, Serialize};

use super::model::*;
use super::views::PostView;
use super::MAX_IMAGES;
use crate::accounts::model::{Member, MemberId};
use crate::auth::Viewer;
use crate::error::Code;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::media::pipeline::is_key;
use crate::media::UploadKind;
use crate::paging::{Page, PageRequest};
use crate::{markup, now_ms, Guild};

/// What a member writes. Images are media keys from [`Guild::upload_image`].
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PostInput {
    pub body: String,
    pub visibility: Option<String>,
    pub kind: Option<String>,
    pub title: Option<String>,
    #[serde(default)]
    pub images: Vec<String>,
    pub cover: Option<String>,
}

/// A post as the page's composer sends it: the text fields, and the image files themselves
/// (the API uploads them first and sends their keys in [`PostInput`]).
#[derive(Debug, Clone, Default)]
pub struct ComposedPost {
    pub input: PostInput,
    /// Up to [`MAX_IMAGES`] image files, in order.
    pub images: Vec<Vec<u8>>,
    /// An article's cover image file.
    pub cover: Option<Vec<u8>>,
}

/// What the author sees on their post.
#[derive(Debug, Clone, Serialize)]
pub struct PostStats {
    pub impressions: i64,
    pub unique_viewers: i64,
    pub reactions: std::collections::BTreeMap<&'static str, i64>,
    pub comments: i64,
    pub reposts: i64,
    /// Distinct members, other than the author, who reacted, commented or reposted.
    pub engaged_members: i64,
    /// See [`super::engagement`]: engaged members ÷ members reached, 0..=1, `None` below
    /// [`super::engagement::MIN_IMPRESSIONS`].
    pub engagement_rate: Option<f64>,
}

struct Checked {
    kind: PostKind,
    title: Option<String>,
    body: String,
    visibility: PostVisibility,
    images: Vec<String>,
    cover: Option<String>,
}

impl Guild {
    fn check_post(&self, input: &PostInput, editing: Option<PostKind>) -> CoreResult<Checked> {
        let mut errors = FieldErrors::new();
        let kind = match (editing, input.kind.as_deref().map(str::trim)) {
            (Some(k), _) => k,
            (None, None | Some("") | Some("post")) => PostKind::Post,
            (None, Some("article")) => PostKind::Article,
            (None, Some(_)) => {
                errors.add("kind", "Choose post or article.");
                PostKind::Post
            }
        };
        let visibility = errors
            .take(
                "visibility",
                input
                    .visibility
                    .as_deref()
                    .map(PostVisibility::parse)
                    .unwrap_or(Ok(PostVisibility::Anyone)),
            )
            .unwrap_or_default();
        let body = input.body.trim().to_string();
        let max = if kind == PostKind::Article {
            lengths::ARTICLE
        } else {
            lengths::POST
        };
        let chars = body.chars().count();
        if body.is_empty() && input.images.is_empty() {
            errors.add("body", "Write something to post.");
        } else if chars > max {
            errors.add(
                "body",
                format!(
                    "A {} is at most {max} characters; this one has {chars}.",
                    kind.as_str()
                ),
            );
        }
        if body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            errors.add("body", "The text contains control characters.");
        }
        let title = input
            .title
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string);
        match (kind, &title) {
            (PostKind::Article, None) => errors.add("title", "An article needs a title."),
            (PostKind::Article, Some(t)) if t.chars().count() > lengths::ARTICLE_TITLE => errors
                .add(
                    "title",
                    format!("A title is at most {} characters.", lengths::ARTICLE_TITLE),
                ),
            (PostKind::Article, Some(t)) if t.chars().any(char::is_control) => {
                errors.add("title", "The title contains control characters.")
            }
            (PostKind::Post | PostKind::Update, Some(_)) => {
                errors.add("title", "Only articles have a title.")
            }
            _ => {}
        }
        if input.images.len() > MAX_IMAGES {
            errors.add("images", format!("A post has at most {MAX_IMAGES} images."));
        }
        if input.images.iter().any(|k| !is_key(k)) {
            errors.add("images", "An image was not found; upload it again.");
        }
        let cover = input
            .cover
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty());
        if let Some(c) = cover {
            if kind != PostKind::Article {
                errors.add("cover", "Only articles have a cover image.");
            } else if !is_key(c) {
                errors.add("cover", "The cover image was not found; upload it again.");
            }
        }
        errors.into_result()?;
        Ok(Checked {
            kind,
            title: if kind == PostKind::Article {
                title
            } else {
                None
            },
            body,
            visibility,
            images: input.images.clone(),
            cover: cover.map(str::to_string),
        })
    }

    /// Claims the post's images that it did not have before (`kept`): each must be an image
    /// the author uploaded. Claimed before the post is written, so the sweep of unused
    /// uploads can never delete an image a post shows.
    async fn claim_images(&self, me: MemberId, c: &Checked, kept: &[String]) -> CoreResult<()> {
        let new: Vec<String> = c
            .images
            .iter()
            .chain(c.cover.iter())
            .filter(|k| !kept.contains(k))
            .cloned()
            .collect();
        let found = self.claim_uploads(me, UploadKind::PostImage, &new).await?;
        let missing = |k: &String| !kept.contains(k) && !found.contains(k);
        let mut errors = FieldErrors::new();
        if c.images.iter().any(missing) {
            errors.add("images", "An image was not found; upload it again.");
        }
        if c.cover.iter().any(missing) {
            errors.add("cover", "The cover image was not found; upload it again.");
        }
        errors.into_result()
    }

    /// The posting limit: so many per hour per member, with a message saying when it lifts.
    async fn posting_limit(&self, me: &Member, what: &'static str, max: u32) -> CoreResult<()> {
        self.per_hour(
            Code::RateLimited,
            &format!("{what}:{}", me.id),
            max,
            |lift| {
                format!(
                    "You can write {max} {what} an hour. Try again after {}.",
                    lift.at
                )
            },
        )
        .await
    }

    /// Renders member text: mentions of members the author may reach become links showing
    /// their names, hashtags link to their page. Returns the HTML, the folded tags and the mentioned members.
    pub(crate) async fn render_text(
        &self,
        viewer: &Viewer,
        text: &str,
        blocks: markup::Blocks,
    ) -> CoreResult<(String, Vec<String>, Vec<Member>)> {
        let refs = markup::refs(text);
        // The members mentioned, read at once; those the author may not reach stay text (as
        // `reachable_member` decides for one).
        let handles: Vec<String> = refs.mentions.iter().take(20).cloned().collect();
        let mut mentioned: Vec<Member> = self
            .store
            .members_by_handles(&handles)
            .await?
            .into_iter()
            .filter(|m| m.active && !self.is_hidden(viewer, m.id))
            .collect();
        mentioned.sort_by_key(|m| handles.iter().position(|h| h == m.handle.as_str()));
        // The link shows the name as it is now; the text keeps the handle it was written with.
        let html = markup::render_named(text, blocks, &|h: &str| {
            mentioned
                .iter()
                .find(|m| m.handle.as_str() == h)
                .map(|m| m.name.clone())
        });
        Ok((html, refs.hashtags, mentioned))
    }

    /// Writes a post or an article.
    pub async fn create_post(&self, viewer: &Viewer, input: &PostInput) -> CoreResult<PostView> {
        let me = viewer.require()?.clone();
        let c = self.check_post(input, None)?;
        self.posting_limit(&me, "posts", self.settings.limits.posts_per_hour)
            .await?;
        self.claim_images(me.id, &c, &[]).await?;
        let (body_html, hashtags, mentioned) =
            self.render_text(viewer, &c.body, c.kind.blocks()).await?;
        let post = self
            .store
            .create_post(&NewPost {
                author_id: me.id,
                kind: c.kind,
                title: c.title,
                body: c.body,
                body_html,
                visibility: c.visibility,
                repost_of: None,
                images: c.images,
                cover: c.cover,
                hashtags,
                mentions: mentioned.iter().map(|m| m.id).collect(),
                created_at: now_ms(),
            })
            .await?;
        self.show_images(&post).await?;
        self.feed.insert(&IndexedPost::from(&post))?;
        self.notify_mentions(&me, &post, None, &mentioned).await?;
        self.post_view(viewer, post).await
    }

    /// Records that the post shows its images, whose files are then served to those who may
    /// read it (until then only to their uploader).
    async fn show_images(&self, post: &Post) -> CoreResult<()> {
        let keys: Vec<String> = post
            .images
            .iter()
            .chain(post.cover.iter())
            .cloned()
            .collect();
        self.store
            .show_in_post(post.author_id, post.id, &keys)
            .await?;
        Ok(())
    }

    /// Writes a post from the composer: its images are checked (how many, how large) before
    /// any is kept, then uploaded as [`Guild::upload_image`] does, then the post is written as
    /// [`Guild::create_post`] does. A refused image is reported on the field the form shows
    /// (`images` or `cover`).
    pub async fn compose_post(&self, viewer: &Viewer, post: ComposedPost) -> CoreResult<PostView> {
        viewer.require()?;
        let count = post.images.len() + post.input.images.len();
        if count > MAX_IMAGES {
            return Err(CoreError::invalid(
                "images",
                format!("A post has at most {MAX_IMAGES} images; this one has {count}."),
            ));
        }
        let mut input = post.input;
        let on_field = |field: &'static str| {
            move |e: CoreError| match e {
                CoreError::Invalid(mut f) => {
                    let m = f.0.remove("image").unwrap_or_default();
                    CoreError::invalid(field, m)
                }
                e => e,
            }
        };
        for bytes in post.images {
            let key = self
                .upload_image(viewer, bytes)
                .await
                .map_err(on_field("images"))?;
            input.images.push(key);
        }
        if let Some(bytes) = post.cover {
            let key = self
                .upload_image(viewer, bytes)
                .await
                .map_err(on_field("cover"))?;
            input.cover = Some(key);
        }
        self.create_post(viewer, &input).await
    }

    /// Reposts a post the viewer may read, plainly or with their own commentary. Only posts
    /// for anyone can be reposted (a connections-only post stays with its audience), and
    /// never one's own ([`PostView::can_repost`] says so beforehand).
    pub async fn repost(
        &self,
        viewer: &Viewer,
        original: PostId,
        body: Option<&str>,
    ) -> CoreResult<PostView> {
        let me = viewer.require()?.clone();
        let (orig, _) = self.readable_post(viewer, original).await?;
        // Reposting a repost credits the original it carries.
        let orig = match orig.repost_of {
            Some(id) if orig.body.is_empty() => self.readable_post(viewer, id).await?.0,
            _ => orig,
        };
        if let Some(why) = super::views::not_repostable(&orig, me.id) {
            return Err(CoreError::refused(Code::NotRepostable, why));
        }
        let input = PostInput {
            body: body.unwrap_or("").to_string(),
            ..PostInput::default()
        };
        let text = input.body.trim().to_string();
        if text.chars().count() > lengths::POST {
            return Err(CoreError::invalid(
                "body",
                format!("A post is at most {} characters.", lengths::POST),
            ));
        }
        // As a post's own text (`PostInput::validate`): the API document promises it.
        if text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(CoreError::invalid(
                "body",
                "The text contains control characters.",
            ));
        }
        self.posting_limit(&me, "posts", self.settings.limits.posts_per_hour)
            .await?;
        let (body_html, hashtags, mentioned) = self
            .render_text(viewer, &text, markup::Blocks::Post)
            .await?;
        let post = self
            .store
            .create_post(&NewPost {
                author_id: me.id,
                kind: PostKind::Post,
                title: None,
                body: text,
                body_html,
                visibility: PostVisibility::Anyone,
                repost_of: Some(orig.id),
                images: Vec::new(),
                cover: None,
                hashtags,
                mentions: mentioned.iter().map(|m| m.id).collect(),
                created_at: now_ms(),
            })
            .await?;
        self.feed.insert(&IndexedPost::from(&post))?;
        self.feed.index.activity(
            orig.id,
            crate::network::state::node(me.id)?,
            guild_feed::Activity::Reposted,
            1,
            post.created_at,
        );
        self.notify_one(
            &me,
            orig.author_id,
            NotificationKind::Repost,
            Some(orig.id),
            None,
            format!("repost:{}", post.id),
        )
        .await?;
        self.notify_mentions(&me, &post, None, &mentioned).await?;
        self.post_view(viewer, post).await
    }

    /// One post the viewer may read.
    pub async fn post(&self, viewer: &Viewer, id: PostId) -> CoreResult<PostView> {
        let (post, _) = self.readable_post(viewer, id).await?;
        if viewer.id().is_some() && !viewer.is(post.author_id) {
            self.record_impressions(viewer, &[post.id]).await?;
        }
        self.post_view(viewer, post).await
    }

    /// The author edits their post; it is marked "edited". Someone else's: not found.
    pub async fn edit_post(
        &self,
        viewer: &Viewer,
        id: PostId,
        input: &PostInput,
    ) -> CoreResult<PostView> {
        let me = viewer.require()?.clone();
        let old = self
            .store
            .post(id)
            .await?
            .filter(|p| p.author_id == me.id && p.kind != PostKind::Update)
            .ok_or(CoreError::NotFound)?;
        let mut input = input.clone();
        if old.repost_of.is_some() {
            // A repost's commentary may change; what it reposts and who sees it may not.
            input.visibility = Some("anyone".into());
        }
        let c = self.check_post(&input, Some(old.kind))?;
        let kept: Vec<String> = old.images.iter().chain(old.cover.iter()).cloned().collect();
        self.claim_images(me.id, &c, &kept).await?;
        let (body_html, hashtags, mentioned) =
            self.render_text(viewer, &c.body, c.kind.blocks()).await?;
        let post = self
            .store
            .update_post(
                id,
                me.id,
                &PostEdit {
                    title: c.title,
                    body: c.body,
                    body_html,
                    visibility: c.visibility,
                    images: c.images,
                    cover: c.cover,
                    hashtags,
                    mentions: mentioned.iter().map(|m| m.id).collect(),
                    edited_at: now_ms(),
                },
            )
            .await?
            .ok_or(CoreError::NotFound)?;
        self.show_images(&post).await?;
        // Re-inserting replaces the item in place: new audience and hashtags, same counts.
        self.feed.insert(&IndexedPost::from(&post))?;
        // Only members newly mentioned hear of it (the key dedupes the rest).
        self.notify_mentions(&me, &post, None, &mentioned).await?;
        self.post_view(viewer, post).await
    }

    /// The author deletes their post, with its comments and reactions.
    pub async fn delete_post(&self, viewer: &Viewer, id: PostId) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let post = self.store.post(id).await?.filter(|p| p.author_id == me);
        if !self.store.delete_post(id, me).await? {
            return Err(CoreError::NotFound);
        }
        self.feed.index.remove(id);
        if let Some(orig) = post.and_then(|p| p.repost_of) {
            self.feed.index.activity(
                orig,
                crate::network::state::node(me)?,
                guild_feed::Activity::Reposted,
                -1,
                now_ms(),
            );
        }
        Ok(())
    }

    /// An author's posts as the viewer may read them, newest first.
    pub async fn posts_by(
        &self,
        viewer: &Viewer,
        handle: &str,
        cursor: Option<&str>,
        limit: Option<u32>,
    ) -> CoreResult<Page<PostView>> {
        let page = PageRequest::<(i64, PostId)>::new(cursor, limit)?;
        let author = self.reachable_member(viewer, handle).await?;
        let connections_too = viewer.is(author.id) || self.is_connected(viewer, author.id);
        let posts = self
            .store
            .posts_by_author(author.id, connections_too, page.after, page.fetch())
            .await?;
        let (posts, next_cursor) = page.finish(posts, |p| (p.created_at, p.id));
        let items = self.post_views(viewer, posts).await?;
        Ok(Page { items, next_cursor })
    }

    /// The author's figures for one post; anyone else gets "not found".
    pub async fn post_stats(&self, viewer: &Viewer, id: PostId) -> CoreResult<PostStats> {
        let me = Self::me(viewer)?;
        // The counts read here include every impression noted so far.
        self.seen_written().await?;
        let post = self
            .store
            .post(id)
            .await?
            .filter(|p| p.author_id == me)
            .ok_or(CoreError::NotFound)?;
        let unique_viewers = self.store.unique_viewers(id).await?;
        let reactions = self
            .store
            .reaction_counts(id)
            .await?
            .into_iter()
            .map(|(k, n)| (k.as_str(), n))
            .collect();
        let c = post.counts;
        let engaged_members = self.store.engaged_members(id, me).await?;
        Ok(PostStats {
            impressions: c.impressions,
            unique_viewers,
            reactions,
            comments: c.comments,
            reposts: c.reposts,
            engaged_members,
            engagement_rate: super::engagement::engagement_rate(
                engaged_members,
                unique_viewers,
                c.impressions,
            ),
        })
    }

    /// Checks, re-encodes and keeps an image for a post or an article cover; returns its key.
    /// It waits for a post to use it, and is deleted after a day if none does.
    pub async fn upload_image(&self, viewer: &Viewer, bytes: Vec<u8>) -> CoreResult<String> {
        let me = viewer.require()?.clone();
        self.posting_limit(
            &me,
            "image uploads",
            self.settings.limits.posts_per_hour * 4,
        )
        .await?;
        let kept = self
            .keep_upload(me.id, UploadKind::PostImage, bytes, false)
            .await?;
        Ok(kept.key)
    }

    /// Publishes a network update for a profile event ("started a new position at Acme") to
    /// the member's connections: a post of kind `update` they can react to, and a
    /// notification to each connection.
    pub(crate) async fn publish_update(
        &self,
        me: &Member,
        text: &str,
        notify: bool,
    ) -> CoreResult<()> {
        let body = text.to_string();
        let body_html = markup::render(&body, &|_| false);
        let post = self
            .store
            .create_post(&NewPost {
                author_id: me.id,
                kind: PostKind::Update,
                title: None,
                body,
                body_html,
                visibility: PostVisibility::Connections,
                repost_of: None,
                images: Vec::new(),
                cover: None,
                hashtags: Vec::new(),
                mentions: Vec::new(),
                created_at: now_ms(),
            })
            .await?;
        self.feed.insert(&IndexedPost::from(&post))?;
        if notify {
            self.notify_connections_of(me, &post).await?;
        }
        Ok(())
    }
}
