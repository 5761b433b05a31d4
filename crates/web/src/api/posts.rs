//! The post routes: write, read, edit and delete posts and articles; reactions, comments and
//! reposts; the author's statistics; image uploads.

use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::Json;
use guild_core::feed::model::{PostKind, PostVisibility, ReactionKind};
use guild_core::feed::{CommentInput, CommentView, PostInput, PostStats, PostView};
use guild_core::media::UploadKind;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::{rfc3339, ListJson, PageParams, PersonJson};
use crate::error::ApiResult;
use crate::extract::{read_api_upload, ApiJson, ApiQuery, CurrentViewer, Id, OptionalJson};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct PostCountsJson {
    pub reactions: i64,
    pub comments: i64,
    pub reposts: i64,
    pub impressions: i64,
}

/// A post as the asker may see it.
#[derive(Debug, Serialize, ToSchema)]
pub struct PostJson {
    pub id: String,
    pub author: PersonJson,
    /// `post`, `article` or `update` (a network update such as a new position).
    pub kind: String,
    pub title: Option<String>,
    /// The text as written (a safe Markdown subset).
    pub body: String,
    /// The text rendered and sanitised: mentions and hashtags are links.
    pub body_html: String,
    /// `anyone` or `connections`.
    pub visibility: String,
    pub hashtags: Vec<String>,
    pub image_urls: Vec<String>,
    pub cover_url: Option<String>,
    pub created_at: String,
    /// Set when the author edited it ("edited").
    pub edited_at: Option<String>,
    pub counts: PostCountsJson,
    /// The asker's reaction, if any.
    pub my_reaction: Option<String>,
    /// The asker wrote it.
    pub mine: bool,
    /// The asker may repost it (not their own, and shared with anyone).
    pub can_repost: bool,
    pub url: String,
    /// A repost: the original it credits (null when it was deleted or is no longer visible).
    #[schema(no_recursion)]
    pub repost_of: Option<Box<PostJson>>,
    pub is_repost: bool,
}

impl From<&PostView> for PostJson {
    fn from(v: &PostView) -> Self {
        let p = &v.post;
        PostJson {
            id: p.id.to_string(),
            author: (&v.author).into(),
            kind: p.kind.as_str().into(),
            title: p.title.clone(),
            body: p.body.clone(),
            body_html: p.body_html.clone(),
            visibility: p.visibility.as_str().into(),
            hashtags: p.hashtags.clone(),
            image_urls: v.image_urls(),
            cover_url: v.cover_url(),
            created_at: rfc3339(p.created_at),
            edited_at: p.edited_at.map(rfc3339),
            counts: PostCountsJson {
                reactions: p.counts.reactions,
                comments: p.counts.comments,
                reposts: p.counts.reposts,
                impressions: p.counts.impressions,
            },
            my_reaction: v.my_reaction.map(|k| k.as_str().into()),
            mine: v.mine,
            can_repost: v.can_repost(),
            url: v.url(),
            repost_of: v.original.as_deref().map(|o| Box::new(o.into())),
            is_repost: p.repost_of.is_some() || p.repost_deleted,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostEnvelope {
    pub post: PostJson,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostRequest {
    /// At most 3,000 characters (articles 100,000): a Markdown subset; `@handle` mentions a
    /// member, `#tag` a hashtag.
    #[schema(schema_with = super::schema::upto::<{ guild_core::lengths::ARTICLE }>)]
    pub body: String,
    /// `anyone` (default) or `connections`.
    #[schema(schema_with = post_visibility)]
    pub visibility: Option<String>,
    /// `post` (default) or `article`.
    #[schema(schema_with = post_kind)]
    pub kind: Option<String>,
    /// Articles only: at most 150 characters.
    #[schema(schema_with = super::schema::optional_upto::<{ guild_core::lengths::ARTICLE_TITLE }>)]
    pub title: Option<String>,
    /// Up to 4 keys from `POST /api/v1/media`.
    #[serde(default)]
    #[schema(schema_with = super::schema::image_keys)]
    pub images: Vec<String>,
    /// Articles only: a key from `POST /api/v1/media`.
    pub cover: Option<String>,
}

fn post_visibility() -> utoipa::openapi::schema::Object {
    super::schema::choice(PostVisibility::ALL.map(PostVisibility::as_str), true)
}

/// What a member may write: `post` or `article` (`update` is Guild's own).
fn post_kind() -> utoipa::openapi::schema::Object {
    super::schema::choice(
        [PostKind::Post, PostKind::Article].map(PostKind::as_str),
        true,
    )
}

impl From<PostRequest> for PostInput {
    fn from(r: PostRequest) -> Self {
        PostInput {
            body: r.body,
            visibility: r.visibility,
            kind: r.kind,
            title: r.title,
            images: r.images,
            cover: r.cover,
        }
    }
}

/// Write a post or an article. Posting is limited per hour (`rate_limited`, 429).
#[utoipa::path(post, path = "/api/v1/posts", tag = "posts", request_body = PostRequest,
    responses((status = 201, body = PostEnvelope), (status = 422), (status = 429)))]
pub async fn create(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<PostRequest>,
) -> ApiResult<(StatusCode, Json<PostEnvelope>)> {
    let post = state.create_post(&v, &r.into()).await?;
    Ok((
        StatusCode::CREATED,
        Json(PostEnvelope {
            post: (&post).into(),
        }),
    ))
}

/// One post the asker may read (404 otherwise). Counts an impression.
#[utoipa::path(get, path = "/api/v1/posts/{id}", tag = "posts", params(("id" = String, Path)),
    responses((status = 200, body = PostEnvelope), (status = 404)))]
pub async fn get_post(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<PostEnvelope>> {
    let post = state.post(&v, id).await?;
    Ok(Json(PostEnvelope {
        post: (&post).into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PostEditRequest {
    #[schema(schema_with = super::schema::upto::<{ guild_core::lengths::ARTICLE }>)]
    pub body: String,
    #[schema(schema_with = post_visibility)]
    pub visibility: Option<String>,
    #[schema(schema_with = super::schema::optional_upto::<{ guild_core::lengths::ARTICLE_TITLE }>)]
    pub title: Option<String>,
    #[serde(default)]
    #[schema(schema_with = super::schema::image_keys)]
    pub images: Vec<String>,
    pub cover: Option<String>,
}

/// Edit one's own post (marked edited). Anyone else's: 404.
#[utoipa::path(patch, path = "/api/v1/posts/{id}", tag = "posts", params(("id" = String, Path)),
    request_body = PostEditRequest, responses((status = 200, body = PostEnvelope), (status = 404), (status = 422)))]
pub async fn edit(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<PostEditRequest>,
) -> ApiResult<Json<PostEnvelope>> {
    let input = PostInput {
        body: r.body,
        visibility: r.visibility,
        kind: None,
        title: r.title,
        images: r.images,
        cover: r.cover,
    };
    let post = state.edit_post(&v, id, &input).await?;
    Ok(Json(PostEnvelope {
        post: (&post).into(),
    }))
}

/// Delete one's own post with its comments and reactions. Anyone else's: 404.
#[utoipa::path(delete, path = "/api/v1/posts/{id}", tag = "posts", params(("id" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn delete_post(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.delete_post(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReactionRequest {
    /// `like`, `celebrate`, `support`, `insightful` or `curious`.
    #[schema(schema_with = reaction_kind)]
    pub kind: String,
}

fn reaction_kind() -> utoipa::openapi::schema::Object {
    super::schema::choice(ReactionKind::ALL.map(ReactionKind::as_str), false)
}

/// Set (or change) the asker's reaction: one per member per post.
#[utoipa::path(put, path = "/api/v1/posts/{id}/reaction", tag = "posts", params(("id" = String, Path)),
    request_body = ReactionRequest, responses((status = 200, body = PostEnvelope), (status = 404), (status = 422)))]
pub async fn react(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<ReactionRequest>,
) -> ApiResult<Json<PostEnvelope>> {
    let post = state.react(&v, id, &r.kind).await?;
    Ok(Json(PostEnvelope {
        post: (&post).into(),
    }))
}

/// Take the asker's reaction back.
#[utoipa::path(delete, path = "/api/v1/posts/{id}/reaction", tag = "posts", params(("id" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn unreact(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.unreact(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReactorJson {
    pub member: PersonJson,
    pub kind: String,
}

/// Who reacted, newest first.
#[utoipa::path(get, path = "/api/v1/posts/{id}/reactions", tag = "posts", params(("id" = String, Path)),
    responses((status = 200, body = ListJson<ReactorJson>), (status = 404)))]
pub async fn reactions(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<ListJson<ReactorJson>>> {
    let list = state.reactors(&v, id).await?;
    Ok(Json(ListJson::all(
        list.iter()
            .map(|r| ReactorJson {
                member: (&r.person).into(),
                kind: r.kind.as_str().into(),
            })
            .collect(),
    )))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentJson {
    pub id: String,
    pub post_id: String,
    pub parent_id: Option<String>,
    pub author: PersonJson,
    pub body: String,
    pub body_html: String,
    pub created_at: String,
    pub edited_at: Option<String>,
    pub reactions: i64,
    pub my_reaction: Option<String>,
    pub mine: bool,
    /// The asker may delete it (wrote it, or wrote the post).
    pub can_delete: bool,
}

impl From<&CommentView> for CommentJson {
    fn from(v: &CommentView) -> Self {
        let c = &v.comment;
        CommentJson {
            id: c.id.to_string(),
            post_id: c.post_id.to_string(),
            parent_id: c.parent_id.map(|p| p.to_string()),
            author: (&v.author).into(),
            body: c.body.clone(),
            body_html: c.body_html.clone(),
            created_at: rfc3339(c.created_at),
            edited_at: c.edited_at.map(rfc3339),
            reactions: c.reactions,
            my_reaction: v.my_reaction.map(|k| k.as_str().into()),
            mine: v.mine,
            can_delete: v.can_delete,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CommentEnvelope {
    pub comment: CommentJson,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentRequest {
    /// At most 1,250 characters.
    #[schema(schema_with = super::schema::text::<{ guild_core::lengths::COMMENT }>)]
    pub body: String,
    /// Reply to this comment (one level: a reply to a reply joins its thread).
    #[schema(schema_with = super::schema::optional_id)]
    pub parent_id: Option<String>,
}

/// Comment on a post, or reply to a comment. Limited per hour (429).
#[utoipa::path(post, path = "/api/v1/posts/{id}/comments", tag = "posts", params(("id" = String, Path)),
    request_body = CommentRequest, responses((status = 201, body = CommentEnvelope), (status = 404), (status = 422), (status = 429)))]
pub async fn add_comment(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<CommentRequest>,
) -> ApiResult<(StatusCode, Json<CommentEnvelope>)> {
    let parent_id = match r.parent_id.as_deref() {
        Some(p) => Some(p.parse::<i64>().map_err(|_| {
            guild_core::CoreError::invalid("parent_id", "That comment is not on this post.")
        })?),
        None => None,
    };
    let c = state
        .add_comment(
            &v,
            id,
            &CommentInput {
                body: r.body,
                parent_id,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CommentEnvelope {
            comment: (&c).into(),
        }),
    ))
}

/// A post's comments and replies, oldest first.
#[utoipa::path(get, path = "/api/v1/posts/{id}/comments", tag = "posts", params(("id" = String, Path), PageParams),
    responses((status = 200, body = ListJson<CommentJson>), (status = 404)))]
pub async fn comments(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<CommentJson>>> {
    let page = state.comments(&v, id, p.cursor.as_deref(), p.limit).await?;
    Ok(Json(ListJson::of(&page, CommentJson::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentEditRequest {
    #[schema(schema_with = super::schema::text::<{ guild_core::lengths::COMMENT }>)]
    pub body: String,
}

/// Edit one's own comment. Anyone else's: 404.
#[utoipa::path(patch, path = "/api/v1/comments/{id}", tag = "posts", params(("id" = String, Path)),
    request_body = CommentEditRequest, responses((status = 200, body = CommentEnvelope), (status = 404), (status = 422)))]
pub async fn edit_comment(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<CommentEditRequest>,
) -> ApiResult<Json<CommentEnvelope>> {
    let c = state.edit_comment(&v, id, &r.body).await?;
    Ok(Json(CommentEnvelope {
        comment: (&c).into(),
    }))
}

/// Delete a comment and its replies: its author, or the post's author, may.
#[utoipa::path(delete, path = "/api/v1/comments/{id}", tag = "posts", params(("id" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn delete_comment(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.delete_comment(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// React to a comment (one per member, changeable).
#[utoipa::path(put, path = "/api/v1/comments/{id}/reaction", tag = "posts", params(("id" = String, Path)),
    request_body = ReactionRequest, responses((status = 204), (status = 404), (status = 422)))]
pub async fn react_comment(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<ReactionRequest>,
) -> ApiResult<StatusCode> {
    state.react_comment(&v, id, &r.kind).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/comments/{id}/reaction", tag = "posts", params(("id" = String, Path)),
    responses((status = 204), (status = 404)))]
pub async fn unreact_comment(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.unreact_comment(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RepostRequest {
    /// Optional commentary (at most 3,000 characters).
    #[schema(schema_with = super::schema::optional_upto::<{ guild_core::lengths::POST }>)]
    pub body: Option<String>,
}

/// Repost a post for anyone, plainly or with commentary; the repost credits the original.
/// Connections-only posts cannot be reposted (403 `not_repostable`).
#[utoipa::path(post, path = "/api/v1/posts/{id}/reposts", tag = "posts", params(("id" = String, Path)),
    request_body(content = Option<RepostRequest>, description = "Optional: no body is a plain repost."), responses((status = 201, body = PostEnvelope), (status = 403, description = "`not_repostable`: a connections-only post, or the asker's own"), (status = 429, description = "`rate_limited`: a repost is a post, and posts are limited per hour")))]
pub async fn repost(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    OptionalJson(r): OptionalJson<RepostRequest>,
) -> ApiResult<(StatusCode, Json<PostEnvelope>)> {
    let text = r.and_then(|r| r.body);
    let post = state.repost(&v, id, text.as_deref()).await?;
    Ok((
        StatusCode::CREATED,
        Json(PostEnvelope {
            post: (&post).into(),
        }),
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostStatsJson {
    pub impressions: i64,
    pub unique_viewers: i64,
    /// Count per reaction kind.
    #[schema(value_type = Object)]
    pub reactions: std::collections::BTreeMap<&'static str, i64>,
    pub comments: i64,
    pub reposts: i64,
    /// Distinct members other than the author who reacted, commented or reposted.
    pub engaged_members: i64,
    #[schema(schema_with = super::schema::engagement_rate)]
    pub engagement_rate: Option<f64>,
}

impl From<PostStats> for PostStatsJson {
    fn from(s: PostStats) -> Self {
        PostStatsJson {
            impressions: s.impressions,
            unique_viewers: s.unique_viewers,
            reactions: s.reactions,
            comments: s.comments,
            reposts: s.reposts,
            engaged_members: s.engaged_members,
            engagement_rate: s.engagement_rate,
        }
    }
}

/// The author's figures for their post (404 for anyone else).
#[utoipa::path(get, path = "/api/v1/posts/{id}/stats", operation_id = "post_stats", tag = "posts", params(("id" = String, Path)),
    responses((status = 200, body = PostStatsJson), (status = 404)))]
pub async fn stats(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<PostStatsJson>> {
    Ok(Json(state.post_stats(&v, id).await?.into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaJson {
    /// Give this in a post's `images` or an article's `cover`.
    pub key: String,
    pub url: String,
}

/// Upload an image for a post or an article cover (multipart field `image`: JPEG, PNG or
/// WebP, ≤ 5 MB); it is re-encoded.
#[utoipa::path(post, path = "/api/v1/media", operation_id = "upload_image", tag = "posts", request_body(content = super::schema::ImageForm, content_type = "multipart/form-data"),
    responses((status = 201, body = MediaJson), (status = 422), (status = 429, description = "the member's uploads per hour (`uploads_per_hour`) are used up")))]
pub async fn upload(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<MediaJson>)> {
    v.require()?;
    let file = read_api_upload(mp, UploadKind::PostImage, &state.settings.limits).await?;
    let key = state.upload_image(&v, file.bytes).await?;
    Ok((
        StatusCode::CREATED,
        Json(MediaJson {
            url: guild_core::feed::media_url(&key),
            key,
        }),
    ))
}

/// An author's posts as the asker may read them, newest first.
#[utoipa::path(get, path = "/api/v1/members/{handle}/posts", tag = "posts", params(("handle" = String, Path), PageParams),
    responses((status = 200, body = ListJson<PostJson>), (status = 404)))]
pub async fn by_member(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<PostJson>>> {
    let page = state
        .posts_by(&v, &handle, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, PostJson::from)))
}
