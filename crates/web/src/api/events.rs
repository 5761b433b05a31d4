//! `/api/v1/events`: the asker's live stream as server-sent events. What it sends and in
//! which order is decided in core ([`guild_core::live`]); this turns each event into SSE.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::{stream, Stream, StreamExt};
use guild_core::live::{BadgeCounts, LiveEvent};
use serde::Serialize;
use utoipa::ToSchema;

use super::feed::NotificationJson;
use super::messages::MessageJson;
use crate::error::ApiResult;
use crate::extract::CurrentViewer;
use crate::AppState;

/// The `counts` event: unread and waiting counts; null where a count could not be read.
#[derive(Debug, Serialize, ToSchema)]
pub struct BadgeCountsJson {
    pub notifications: Option<i64>,
    pub invitations: Option<i64>,
    pub messages: Option<i64>,
    pub message_requests: Option<i64>,
}

impl From<BadgeCounts> for BadgeCountsJson {
    fn from(c: BadgeCounts) -> Self {
        BadgeCountsJson {
            notifications: c.notifications,
            invitations: c.invitations,
            messages: c.messages,
            message_requests: c.message_requests,
        }
    }
}

fn sse(e: &LiveEvent) -> Event {
    let event = match e {
        LiveEvent::Notification { view, id } => Event::default()
            .event("notification")
            .id(id)
            .json_data(NotificationJson::from(view)),
        LiveEvent::Message { view, id } => Event::default()
            .event("message")
            .id(id)
            .json_data(MessageJson::from(view)),
        LiveEvent::Read { conversation } => Event::default()
            .event("read")
            .json_data(serde_json::json!({ "conversation_id": conversation.to_string() })),
        LiveEvent::Counts(c) => Event::default()
            .event("counts")
            .json_data(BadgeCountsJson::from(*c)),
    };
    event.unwrap_or_default()
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
    let last = headers.get("last-event-id").and_then(|h| h.to_str().ok());
    let (live, first) = state.open_stream(&v, last).await?;
    let guild = state.0 .0.clone();
    let rest = stream::unfold((live, guild), |(mut live, guild)| async move {
        let events = live.next(&guild).await?;
        Some((events, (live, guild)))
    })
    .flat_map(stream::iter);
    let all = stream::iter(first).chain(rest).map(|e| Ok(sse(&e)));
    Ok(Sse::new(all).keep_alive(KeepAlive::new().interval(Duration::from_secs(20))))
}
