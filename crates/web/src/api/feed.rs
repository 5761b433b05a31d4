//! The feed routes: the home feed, hashtag pages and follows, notifications with their
//! settings, and the live event stream (`/api/v1/events`, server-sent events).

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::Json;
use futures::{stream, Stream, StreamExt};
use guild_core::auth::Viewer;
use guild_core::feed::{FeedItem, NotificationView, Push, Why};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::network::{query, PersonJson, QueryResult};
use super::posts::{PageParams, PostJson};
use super::rfc3339;
use crate::error::ApiResult;
use crate::extract::{ApiJson, CurrentViewer};
use crate::AppState;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct FeedParams {
    /// `relevant` or `recent`; remembered as the asker's choice. Default: the last choice.
    pub sort: Option<String>,
    pub cursor: Option<String>,
    /// 1–50, default 10.
    pub limit: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WhyJson {
    /// "Why am I seeing this?" in sentences, the reason first.
    pub lines: Vec<String>,
    pub score: f64,
    /// The post's engagement per impression, smoothed toward its author's usual rate.
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
    q: QueryResult<FeedParams>,
) -> ApiResult<Json<FeedJson>> {
    let p = query(q)?;
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
    q: QueryResult<PageParams>,
) -> ApiResult<Json<HashtagJson>> {
    let p = query(q)?;
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
    responses((status = 204), (status = 422)))]
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

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MentionParams {
    /// The start of a connection's name.
    pub q: String,
}

/// Connections matching a name, for the @mention typeahead.
#[utoipa::path(get, path = "/api/v1/mentions", tag = "feed", params(MentionParams),
    responses((status = 200, body = Vec<PersonJson>)))]
pub async fn mentions(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: QueryResult<MentionParams>,
) -> ApiResult<Json<Vec<PersonJson>>> {
    let p = query(q)?;
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
    q: QueryResult<PageParams>,
) -> ApiResult<Json<NotificationsJson>> {
    let p = query(q)?;
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
    pub ids: Option<Vec<String>>,
}

/// Mark notifications read (all of the asker's when no ids are given).
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = ReadRequest,
    responses((status = 204), (status = 422)))]
pub async fn read(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    body: axum::body::Bytes,
) -> ApiResult<StatusCode> {
    let r: ReadRequest = super::optional_json(&body)?.unwrap_or_default();
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
    pub kind: String,
    pub in_app: bool,
    pub email: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsJson {
    pub kinds: Vec<SettingJson>,
    /// `daily`, `weekly` or `off`.
    pub digest: String,
}

/// Which notifications the asker gets in-app and by email, and the digest's frequency.
#[utoipa::path(get, path = "/api/v1/me/notification-settings", tag = "notifications",
    responses((status = 200, body = SettingsJson)))]
pub async fn settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<SettingsJson>> {
    let me = v.require()?.id;
    let kinds = state.notification_settings(&v).await?;
    let prefs = state
        .store
        .feed_prefs(me)
        .await
        .map_err(guild_core::CoreError::from)?;
    Ok(Json(SettingsJson {
        kinds: kinds
            .iter()
            .map(|s| SettingJson {
                kind: s.kind.as_str().into(),
                in_app: s.in_app,
                email: s.email,
            })
            .collect(),
        digest: prefs.digest.as_str().into(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsRequest {
    #[serde(default)]
    pub kinds: Vec<SettingJson>,
    pub digest: Option<String>,
}

/// Change notification settings: any kinds listed, and the digest.
#[utoipa::path(put, path = "/api/v1/me/notification-settings", tag = "notifications", request_body = SettingsRequest,
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

async fn counts_event(state: &guild_core::Guild, v: &Viewer) -> Event {
    let unread = state.unread_notifications(v).await.unwrap_or(0);
    let invitations = state.pending_invitation_count(v).await.unwrap_or(0);
    let (messages, requests) = state.message_counts(v).await.unwrap_or((0, 0));
    Event::default()
        .event("counts")
        .json_data(serde_json::json!({
            "notifications": unread,
            "invitations": invitations,
            "messages": messages,
            "message_requests": requests,
        }))
        .unwrap_or_default()
}

/// Where a stream stands: the last notification id and the last message id sent. Every
/// event carries both as its id (`"12_345"`), so `Last-Event-ID` resumes each.
#[derive(Clone, Copy)]
struct Mark {
    notification: i64,
    message: i64,
}

impl Mark {
    fn id(self) -> String {
        format!("{}_{}", self.notification, self.message)
    }

    /// `"12_345"`, or a plain notification id from an older client.
    fn parse(raw: &str) -> (Option<i64>, Option<i64>) {
        let mut parts = raw.trim().splitn(2, '_');
        let n = parts.next().and_then(|p| p.parse().ok());
        let m = parts.next().and_then(|p| p.parse().ok());
        (n, m)
    }
}

fn notification_event(n: &NotificationView, mark: &mut Mark) -> Event {
    mark.notification = mark.notification.max(n.n.id);
    Event::default()
        .event("notification")
        .id(mark.id())
        .json_data(NotificationJson::from(n))
        .unwrap_or_default()
}

fn message_event(m: &guild_core::messaging::MessageView, mark: &mut Mark) -> Event {
    mark.message = mark.message.max(m.m.id);
    Event::default()
        .event("message")
        .id(mark.id())
        .json_data(super::messages::MessageJson::from(m))
        .unwrap_or_default()
}

/// The asker's live events (server-sent events): `notification`, `message` (a message in
/// one of the asker's conversations, the asker's own included, for other tabs), `read`
/// (`{conversation_id}`: someone read a conversation, receipts may change) and `counts`
/// (`{notifications, invitations, messages, message_requests}` unread). Each event's id
/// marks the stream's place; after a reconnect, `Last-Event-ID` brings what was missed.
#[utoipa::path(get, path = "/api/v1/events", tag = "notifications",
    responses((status = 200, description = "text/event-stream"), (status = 401)))]
pub async fn events(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    headers: HeaderMap,
) -> ApiResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let me = v.require()?.id;
    let rx = state.subscribe();
    let mut first = Vec::new();
    let (last_n, last_m) = headers
        .get("last-event-id")
        .and_then(|h| h.to_str().ok())
        .map(Mark::parse)
        .unwrap_or((None, None));
    let mut mark = Mark {
        notification: match last_n {
            Some(n) => n,
            None => state.latest_notification_id(&v).await?,
        },
        message: match last_m {
            Some(m) => m,
            None => state.latest_message_id(&v).await?,
        },
    };
    if last_n.is_some() {
        for n in state.notifications_after(&v, mark.notification).await? {
            first.push(notification_event(&n, &mut mark));
        }
    }
    if last_m.is_some() {
        for m in state.messages_after(&v, mark.message).await? {
            first.push(message_event(&m, &mut mark));
        }
    }
    let state = state.0 .0.clone();
    first.push(counts_event(&state, &v).await);
    let live = stream::unfold(
        (rx, state, v, mark),
        move |(mut rx, state, v, mut mark)| async move {
            loop {
                match rx.recv().await {
                    Ok(Push::Closing) | Err(tokio::sync::broadcast::error::RecvError::Closed) => {
                        return None
                    }
                    Ok(p) if p.member() != me => continue,
                    Ok(Push::Notification { id, .. }) => {
                        let mut out = Vec::new();
                        if let Ok(Some(n)) = state.notification(&v, id).await {
                            out.push(notification_event(&n, &mut mark));
                        }
                        out.push(counts_event(&state, &v).await);
                        return Some((out, (rx, state, v, mark)));
                    }
                    Ok(Push::Message {
                        id: 0,
                        conversation,
                        ..
                    }) => {
                        let out = vec![Event::default()
                            .event("read")
                            .json_data(
                                serde_json::json!({ "conversation_id": conversation.to_string() }),
                            )
                            .unwrap_or_default()];
                        return Some((out, (rx, state, v, mark)));
                    }
                    Ok(Push::Message { id, .. }) => {
                        let mut out = Vec::new();
                        // Everything after the mark, in order: a message pushed twice (or one
                        // whose push was lagged) is sent once.
                        if id > mark.message {
                            if let Ok(ms) = state.messages_after(&v, mark.message).await {
                                for m in ms.iter().filter(|m| m.m.id <= id) {
                                    out.push(message_event(m, &mut mark));
                                }
                            }
                        }
                        out.push(counts_event(&state, &v).await);
                        return Some((out, (rx, state, v, mark)));
                    }
                    Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => {
                        let out = vec![counts_event(&state, &v).await];
                        return Some((out, (rx, state, v, mark)));
                    }
                }
            }
        },
    )
    .flat_map(stream::iter);
    let all = stream::iter(first).chain(live).map(Ok);
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
