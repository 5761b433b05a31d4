//! The feed routes: the home feed, hashtag pages and follows, and notifications with their
//! settings. Their live counterpart is [`super::events`].

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use guild_core::feed::model::{Digest, FeedSort, NotificationKind};
use guild_core::feed::{FeedItem, NotificationView, Why};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use super::json::{rfc3339, PageParams, PersonJson};
use super::posts::PostJson;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, CurrentViewer, OptionalJson};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    /// `relevant` or `recent`; remembered as the asker's choice. Default (or empty): the last
    /// choice.
    #[param(schema_with = feed_sort)]
    pub sort: Option<String>,
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    /// Default 10.
    #[param(schema_with = super::schema::feed_limit)]
    pub limit: Option<u32>,
}

fn feed_sort() -> utoipa::openapi::schema::Object {
    let all = FeedSort::ALL.map(FeedSort::as_str);
    super::schema::choice(all.into_iter().chain([""]), false)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhyJson {
    /// "Why am I seeing this?" in sentences, the reason first.
    pub lines: Vec<String>,
    pub score: f64,
    /// The ranking's factor: responses (reactions, comments, reposts) per impression, smoothed
    /// toward the author's usual rate; it may pass 1. Not the post's engagement rate, which
    /// `GET /posts/{id}/stats` gives its author.
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

impl From<&Why> for WhyJson {
    fn from(w: &Why) -> Self {
        WhyJson {
            lines: w.lines.clone(),
            score: w.score,
            engagement_rate: w.engagement_rate,
            author_baseline: w.author_baseline,
            network_rate: w.network_rate,
            affinity: w.affinity,
            interactions: w.interactions,
            degree: w.degree,
            freshness: w.freshness,
            age_hours: w.age_hours,
            seen: w.seen,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedItemJson {
    pub post: PostJson,
    /// The reason first ("Ann commented on this"), then the ranking's factors in words.
    pub reasons: Vec<String>,
    pub why: WhyJson,
}

impl From<&FeedItem> for FeedItemJson {
    fn from(i: &FeedItem) -> Self {
        FeedItemJson {
            post: (&i.post).into(),
            reasons: i.why.lines.clone(),
            why: (&i.why).into(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FeedJson {
    pub items: Vec<FeedItemJson>,
    pub next_cursor: Option<String>,
    /// The order used: `relevant` or `recent`.
    pub sort: String,
}

/// The asker's home feed. Items shown count an impression.
#[utoipa::path(get, path = "/api/v1/feed", tag = "feed", params(FeedParams),
    responses((status = 200, body = FeedJson), (status = 401), (status = 422)))]
pub async fn feed(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<FeedParams>,
) -> ApiResult<Json<FeedJson>> {
    let f = state
        .home_feed(&v, p.sort.as_deref(), p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(FeedJson {
        items: f.items.iter().map(FeedItemJson::from).collect(),
        next_cursor: f.next_cursor,
        sort: f.sort.as_str().into(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HashtagJson {
    pub tag: String,
    pub following: bool,
    pub items: Vec<PostJson>,
    pub next_cursor: Option<String>,
}

/// Posts with a hashtag that the asker may read, newest first.
#[utoipa::path(get, path = "/api/v1/hashtags/{tag}", tag = "feed", params(("tag" = String, Path), PageParams),
    responses((status = 200, body = HashtagJson), (status = 422)))]
pub async fn hashtag(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(tag): Path<String>,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<HashtagJson>> {
    let h = state
        .hashtag(&v, &tag, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(HashtagJson {
        tag: h.tag,
        following: h.following,
        items: h.posts.iter().map(PostJson::from).collect(),
        next_cursor: h.next_cursor,
    }))
}

/// Follow a hashtag: its posts come into the feed.
#[utoipa::path(put, path = "/api/v1/hashtags/{tag}/follow", tag = "feed", params(("tag" = String, Path)),
    responses((status = 204), (status = 409, description = "`hashtag_limit_reached`: the asker follows as many hashtags as one may")))]
pub async fn follow_hashtag(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(tag): Path<String>,
) -> ApiResult<StatusCode> {
    state.follow_hashtag(&v, &tag, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(delete, path = "/api/v1/hashtags/{tag}/follow", tag = "feed", params(("tag" = String, Path)),
    responses((status = 204), (status = 422)))]
pub async fn unfollow_hashtag(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(tag): Path<String>,
) -> ApiResult<StatusCode> {
    state.follow_hashtag(&v, &tag, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The hashtags the asker follows.
#[utoipa::path(get, path = "/api/v1/me/hashtags", tag = "feed", responses((status = 200, body = Vec<String>)))]
pub async fn my_hashtags(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<Vec<String>>> {
    Ok(Json(state.followed_hashtags(&v).await?))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MentionParams {
    /// The start of a connection's name (a leading `@` is dropped).
    pub q: String,
}

/// By hand: utoipa drops `required` from a parameter whose schema is `schema_with`.
impl IntoParams for MentionParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        vec![super::schema::query(
            "q",
            true,
            "The start of a connection's name (a leading `@` is dropped).",
            super::schema::search(),
        )]
    }
}

/// Connections matching a name, for the @mention typeahead.
#[utoipa::path(get, path = "/api/v1/mentions", tag = "feed", params(MentionParams),
    responses((status = 200, body = Vec<PersonJson>)))]
pub async fn mentions(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<MentionParams>,
) -> ApiResult<Json<Vec<PersonJson>>> {
    let people = state.mention_suggestions(&v, &p.q).await?;
    Ok(Json(people.iter().map(PersonJson::from).collect()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationJson {
    pub id: String,
    /// `invitation_received`, `invitation_accepted`, `mention`, `comment`, `reply`,
    /// `reaction`, `repost` or `new_position`.
    pub kind: String,
    pub read: bool,
    pub created_at: String,
    /// The latest member who did it.
    pub actor: PersonJson,
    /// How many did it (reactions are gathered per post).
    pub count: i64,
    /// "Ann Lee and 12 others reacted to your post."
    pub text: String,
    pub link: String,
    pub post_id: Option<String>,
    pub comment_id: Option<String>,
}

impl From<&NotificationView> for NotificationJson {
    fn from(v: &NotificationView) -> Self {
        NotificationJson {
            id: v.n.id.to_string(),
            kind: v.n.kind.as_str().into(),
            read: v.n.read_at.is_some(),
            created_at: rfc3339(v.n.created_at),
            actor: (&v.actor).into(),
            count: v.n.count,
            text: v.text.clone(),
            link: v.link.clone(),
            post_id: v.n.post_id.map(|p| p.to_string()),
            comment_id: v.n.comment_id.map(|c| c.to_string()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationsJson {
    pub items: Vec<NotificationJson>,
    pub next_cursor: Option<String>,
    pub unread: i64,
}

/// The asker's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", params(PageParams),
    responses((status = 200, body = NotificationsJson)))]
pub async fn notifications(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<NotificationsJson>> {
    let page = state
        .notifications(&v, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(NotificationsJson {
        items: page.items.iter().map(NotificationJson::from).collect(),
        next_cursor: page.next_cursor,
        unread: state.unread_notifications(&v).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ReadRequest {
    /// These notifications; none = all.
    #[schema(schema_with = super::schema::optional_ids)]
    pub ids: Option<Vec<String>>,
}

/// Mark notifications read (all of the asker's when no ids are given).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body(content = Option<ReadRequest>, description = "Optional: no body marks all read."),
    responses((status = 204), (status = 422)))]
pub async fn read(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    OptionalJson(r): OptionalJson<ReadRequest>,
) -> ApiResult<StatusCode> {
    let r = r.unwrap_or_default();
    let ids = match r.ids {
        Some(raw) => Some(
            raw.iter()
                .map(|s| s.parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map_err(|_| {
                    guild_core::CoreError::invalid("ids", "Ids are numbers, as strings.")
                })?,
        ),
        None => None,
    };
    state.mark_notifications_read(&v, ids.as_deref()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingJson {
    #[schema(schema_with = notification_kind)]
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

fn notification_kind() -> utoipa::openapi::schema::Object {
    super::schema::choice(NotificationKind::ALL.map(NotificationKind::as_str), false)
}

fn digest() -> utoipa::openapi::schema::Object {
    super::schema::choice(Digest::ALL.map(Digest::as_str), true)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsJson {
    pub kinds: Vec<SettingJson>,
    /// `daily`, `weekly` or `off`.
    pub digest: String,
}

/// Which notifications the asker gets in-app and by email, and the digest's frequency.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", operation_id = "notification_settings", tag = "notifications",
    responses((status = 200, body = SettingsJson)))]
pub async fn settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<SettingsJson>> {
    let kinds = state.notification_settings(&v).await?;
    let digest = state.digest(&v).await?;
    Ok(Json(SettingsJson {
        kinds: kinds
            .iter()
            .map(|s| SettingJson {
                kind: s.kind.as_str().into(),
                in_app: s.in_app,
                email: s.email,
            })
            .collect(),
        digest: digest.as_str().into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsRequest {
    #[serde(default)]
    pub kinds: Vec<SettingJson>,
    #[schema(schema_with = digest)]
    pub digest: Option<String>,
}

/// Change notification settings: any kinds listed, and the digest.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", operation_id = "set_notification_settings", tag = "notifications", request_body = SettingsRequest,
    responses((status = 200, body = SettingsJson), (status = 422)))]
pub async fn set_settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<SettingsRequest>,
) -> ApiResult<Json<SettingsJson>> {
    if let Some(d) = &r.digest {
        state.set_digest(&v, d).await?;
    }
    for k in &r.kinds {
        state
            .set_notification_setting(&v, &k.kind, k.in_app, k.email)
            .await?;
    }
    settings(state, CurrentViewer(v)).await
}
