//! The messaging routes: conversations and their messages, requests, attachments, search,
//! messaging settings and the away period. Live delivery is the `message` event of
//! `/api/v1/events` (see [`super::feed::events`]).

use axum::body::Body;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Json;
use guild_core::messaging::model::{Away, MessageBox, MessageSettings, WhoCanMessage};
use guild_core::messaging::{
    AwayInput, AwayView, ConversationView, MessageView, SendInput, Sent, ThreadView,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::network::{query, PersonJson, QueryResult};
use super::posts::id;
use super::{rfc3339, ListJson};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, CurrentViewer};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: String,
    pub name: String,
    pub size: i64,
    /// Images are shown inline; any other file is only ever a download.
    pub image: bool,
    pub url: String,
}

impl From<&guild_core::messaging::model::Attachment> for AttachmentJson {
    fn from(a: &guild_core::messaging::model::Attachment) -> Self {
        AttachmentJson {
            id: a.id.to_string(),
            name: a.name.clone(),
            size: a.size,
            image: a.image,
            url: format!("/api/v1/attachments/{}", a.id),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MessageJson {
    pub id: String,
    pub conversation_id: String,
    /// Null when the sender is no longer visible to the asker.
    pub sender: Option<PersonJson>,
    pub body: String,
    pub body_html: String,
    /// An out-of-office reply written by Guild.
    pub automatic: bool,
    /// Held as likely spam (only its sender sees it): not delivered.
    pub held: bool,
    /// The asker's message was read by everyone else (where receipts are on both ways).
    pub seen: bool,
    pub attachment: Option<AttachmentJson>,
    pub created_at: String,
}

impl From<&MessageView> for MessageJson {
    fn from(v: &MessageView) -> Self {
        let m = &v.m;
        MessageJson {
            id: m.id.to_string(),
            conversation_id: m.conversation_id.to_string(),
            sender: v.sender.as_ref().map(PersonJson::from),
            body: m.body.clone(),
            body_html: m.body_html.clone(),
            automatic: m.automatic,
            held: m.held,
            seen: v.seen,
            attachment: m.attachment.as_ref().map(AttachmentJson::from),
            created_at: rfc3339(m.created_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationJson {
    pub id: String,
    pub group: bool,
    /// "Ann Lee", or the names of a group.
    pub title: String,
    /// The other participants still in it.
    pub members: Vec<PersonJson>,
    /// `active`, `request` (waiting for the asker's answer), `ignored` or `left`.
    pub state: String,
    pub archived: bool,
    pub muted: bool,
    pub unread: i64,
    pub last_message: Option<MessageJson>,
    pub updated_at: String,
}

impl From<&ConversationView> for ConversationJson {
    fn from(v: &ConversationView) -> Self {
        ConversationJson {
            id: v.conversation.id.to_string(),
            group: v.conversation.group,
            title: v.title(),
            members: v.others.iter().map(PersonJson::from).collect(),
            state: v.me.state.as_str().into(),
            archived: v.me.archived,
            muted: v.me.muted,
            unread: v.unread,
            last_message: v.last.as_ref().map(MessageJson::from),
            updated_at: rfc3339(v.conversation.last_message_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwayNoticeJson {
    pub member: PersonJson,
    pub until: String,
    pub contact: Option<PersonJson>,
    /// "Bo Chan is away until 3 June 2026 — contact Cy Diaz."
    pub notice: String,
}

impl From<&AwayView> for AwayNoticeJson {
    fn from(a: &AwayView) -> Self {
        AwayNoticeJson {
            member: (&a.member).into(),
            until: rfc3339(a.away.ends_at),
            contact: a.contact.as_ref().map(PersonJson::from),
            notice: a.notice.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ThreadJson {
    pub conversation: ConversationJson,
    /// Why the asker cannot write here, if they cannot.
    pub read_only: Option<String>,
    /// The asker's own request is waiting: no second message until it is accepted.
    pub awaiting_answer: bool,
    /// Others away now.
    pub away: Vec<AwayNoticeJson>,
}

impl From<&ThreadView> for ThreadJson {
    fn from(t: &ThreadView) -> Self {
        ThreadJson {
            conversation: (&t.conversation).into(),
            read_only: t.read_only.clone(),
            awaiting_answer: t.awaiting_answer,
            away: t.away.iter().map(AwayNoticeJson::from).collect(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StartRequest {
    /// Handles: one for a 1:1 conversation, several (your connections) for a group.
    pub to: Vec<String>,
    #[serde(default)]
    pub body: String,
    /// An attachment id from `POST /api/v1/attachments`.
    pub attachment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    #[serde(default)]
    pub body: String,
    pub attachment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SentJson {
    pub conversation: ConversationRefJson,
    pub message: MessageJson,
    /// `inbox`, `request` (waiting for the recipient's answer) or `held` (likely spam, not
    /// delivered, flagged for review).
    pub delivery: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationRefJson {
    pub id: String,
    pub group: bool,
    pub url: String,
}

fn sent_json(s: &Sent) -> SentJson {
    SentJson {
        conversation: ConversationRefJson {
            id: s.conversation.id.to_string(),
            group: s.conversation.group,
            url: format!("/messages/{}", s.conversation.id),
        },
        message: (&MessageView {
            m: s.message.clone(),
            sender: None,
            seen: false,
        })
            .into(),
        delivery: serde_json::to_value(s.delivery)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default(),
    }
}

fn attachment_id(raw: &Option<String>) -> ApiResult<Option<i64>> {
    raw.as_deref()
        .map(|a| {
            a.trim().parse().map_err(|_| {
                ApiError::Core(guild_core::CoreError::invalid(
                    "attachment",
                    "This attachment is not available; upload it again.",
                ))
            })
        })
        .transpose()
}

/// Write to members: a new conversation, or the existing 1:1 one. Non-connections get a
/// message request; likely spam is held. 429 past `conversations_per_hour`.
#[utoipa::path(post, path = "/api/v1/conversations", tag = "messaging", request_body = StartRequest,
    responses((status = 201, body = SentJson), (status = 422), (status = 429), (status = 403, description = "the recipient does not accept messages from the asker")))]
pub async fn start(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<StartRequest>,
) -> ApiResult<(StatusCode, Json<SentJson>)> {
    let input = SendInput {
        to: r.to,
        body: r.body,
        attachment: attachment_id(&r.attachment)?,
    };
    let sent = state.start_conversation(&v, &input).await?;
    Ok((StatusCode::CREATED, Json(sent_json(&sent))))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// `inbox` (default), `requests` or `archived`.
    #[serde(rename = "box")]
    pub in_box: Option<String>,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// The asker's conversations, most recent first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "messaging", params(ListParams),
    responses((status = 200, body = ListJson<ConversationJson>)))]
pub async fn list(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: QueryResult<ListParams>,
) -> ApiResult<Json<ListJson<ConversationJson>>> {
    let p = query(q)?;
    let in_box = MessageBox::parse(p.in_box.as_deref().unwrap_or("")).ok_or_else(|| {
        ApiError::Core(guild_core::CoreError::invalid(
            "box",
            "Choose inbox, requests or archived.",
        ))
    })?;
    let page = state
        .conversations(&v, in_box, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson {
        items: page.items.iter().map(ConversationJson::from).collect(),
        next_cursor: page.next_cursor,
    }))
}

/// One conversation the asker takes part in (404 otherwise).
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200, body = ThreadJson), (status = 404)))]
pub async fn get_one(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> ApiResult<Json<ThreadJson>> {
    let t = state.thread(&v, id(&raw)?).await?;
    Ok(Json((&t).into()))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MessagesParams {
    /// Older than this message id (the `next_cursor` of the previous page).
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Messages, newest page first, each page oldest first; `next_cursor` leads to older ones.
/// Reading the newest page marks the conversation read.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messaging", params(("id" = String, Path), MessagesParams),
    responses((status = 200, body = ListJson<MessageJson>), (status = 404)))]
pub async fn messages(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    q: QueryResult<MessagesParams>,
) -> ApiResult<Json<ListJson<MessageJson>>> {
    let p = query(q)?;
    let before = p
        .cursor
        .as_deref()
        .map(|c| {
            c.parse::<i64>().map_err(|_| {
                ApiError::Core(guild_core::CoreError::invalid(
                    "cursor",
                    "This page link is not valid.",
                ))
            })
        })
        .transpose()?;
    let page = state.messages(&v, id(&raw)?, before, p.limit).await?;
    Ok(Json(ListJson {
        items: page.items.iter().map(MessageJson::from).collect(),
        next_cursor: page.older.map(|o| o.to_string()),
    }))
}

/// Write in a conversation. In one's own unanswered request: 403 `request_pending`.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messaging", params(("id" = String, Path)), request_body = MessageRequest,
    responses((status = 201, body = SentJson), (status = 404), (status = 403), (status = 422)))]
pub async fn send(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
    ApiJson(r): ApiJson<MessageRequest>,
) -> ApiResult<(StatusCode, Json<SentJson>)> {
    let input = SendInput {
        to: Vec::new(),
        body: r.body,
        attachment: attachment_id(&r.attachment)?,
    };
    let sent = state.send_message(&v, id(&raw)?, &input).await?;
    Ok((StatusCode::CREATED, Json(sent_json(&sent))))
}

macro_rules! action {
    ($name:ident, $path:literal, $doc:literal, |$s:ident, $v:ident, $id:ident| $body:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "messaging", params(("id" = String, Path)),
            responses((status = 200), (status = 404)))]
        pub async fn $name(
            $s: State<AppState>,
            CurrentViewer($v): CurrentViewer,
            Path(raw): Path<String>,
        ) -> ApiResult<Json<serde_json::Value>> {
            let $id = id(&raw)?;
            $body.await?;
            Ok(Json(serde_json::json!({ "ok": true })))
        }
    };
}

action!(
    accept,
    "/api/v1/conversations/{id}/accept",
    "Accept a message request.",
    |state, v, c| state.answer_request(&v, c, true)
);
action!(
    ignore,
    "/api/v1/conversations/{id}/ignore",
    "Ignore a message request (the sender is not told).",
    |state, v, c| state.answer_request(&v, c, false)
);
action!(
    report,
    "/api/v1/conversations/{id}/report",
    "Report a conversation for review (a request is also ignored).",
    |state, v, c| state.report_conversation(&v, c)
);
action!(
    archive,
    "/api/v1/conversations/{id}/archive",
    "Archive (a new message brings it back).",
    |state, v, c| state.set_archived(&v, c, true)
);
action!(
    unarchive,
    "/api/v1/conversations/{id}/unarchive",
    "Back to the inbox.",
    |state, v, c| state.set_archived(&v, c, false)
);
action!(
    mute,
    "/api/v1/conversations/{id}/mute",
    "No emails about this conversation.",
    |state, v, c| state.set_muted(&v, c, true)
);
action!(
    unmute,
    "/api/v1/conversations/{id}/unmute",
    "Emails again.",
    |state, v, c| state.set_muted(&v, c, false)
);
action!(
    leave,
    "/api/v1/conversations/{id}/leave",
    "Leave a group: nothing sent afterwards reaches the asker.",
    |state, v, c| state.leave_group(&v, c)
);
action!(
    clear,
    "/api/v1/conversations/{id}/clear",
    "Delete for me: the messages so far disappear for the asker only.",
    |state, v, c| state.clear_conversation(&v, c)
);

/// The group's creator removes a member.
#[utoipa::path(delete, path = "/api/v1/conversations/{id}/members/{handle}", tag = "messaging",
    params(("id" = String, Path), ("handle" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn remove_member(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((raw, handle)): Path<(String, String)>,
) -> ApiResult<StatusCode> {
    state.remove_from_group(&v, id(&raw)?, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    pub q: String,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// Search in the asker's own messages, newest first.
#[utoipa::path(get, path = "/api/v1/messages/search", tag = "messaging", params(SearchParams),
    responses((status = 200, body = ListJson<MessageJson>), (status = 422)))]
pub async fn search(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: QueryResult<SearchParams>,
) -> ApiResult<Json<ListJson<MessageJson>>> {
    let p = query(q)?;
    let before = p.cursor.as_deref().and_then(|c| c.parse().ok());
    let (items, next) = state.search_messages(&v, &p.q, before, p.limit).await?;
    Ok(Json(ListJson {
        items: items.iter().map(MessageJson::from).collect(),
        next_cursor: next.map(|n| n.to_string()),
    }))
}

/// Upload a file for the next message (multipart field `file`, ≤ 10 MB). Images are
/// re-encoded; other files are only ever served as downloads.
#[utoipa::path(post, path = "/api/v1/attachments", tag = "messaging", request_body(content_type = "multipart/form-data", description = "field `file`"),
    responses((status = 201, body = AttachmentJson), (status = 422)))]
pub async fn upload(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentJson>)> {
    v.require()?;
    let mut mp = mp.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    let too_big = || guild_core::CoreError::invalid("file", "A file is at most 10 MB.");
    let (name, bytes) = loop {
        match mp.next_field().await {
            Ok(Some(f)) if f.name() == Some("file") => {
                let name = f.file_name().unwrap_or("file").to_string();
                let bytes = f.bytes().await.map_err(|_| too_big())?;
                break (name, bytes.to_vec());
            }
            Ok(Some(_)) => continue,
            Ok(None) => {
                return Err(
                    guild_core::CoreError::invalid("file", "Choose a file to attach.").into(),
                )
            }
            Err(_) => return Err(too_big().into()),
        }
    };
    let a = state.upload_attachment(&v, &name, bytes).await?;
    Ok((StatusCode::CREATED, Json((&a).into())))
}

pub fn attachment_body_limit() -> axum::extract::DefaultBodyLimit {
    axum::extract::DefaultBodyLimit::max(11 * 1024 * 1024)
}

/// Download an attachment of a message the asker may see (404 otherwise). Only images are
/// inline; every other file is `Content-Disposition: attachment`.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 404)))]
pub async fn download(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> ApiResult<Response> {
    let d = state.download(&v, id(&raw)?).await?;
    file_response(&d).await
}

/// The response for a download: never sniffed, never inline unless a re-encoded image.
pub async fn file_response(d: &guild_core::messaging::Download) -> ApiResult<Response> {
    let bytes = tokio::fs::read(&d.path)
        .await
        .map_err(|_| ApiError::Core(guild_core::CoreError::NotFound))?;
    let a = &d.attachment;
    let disposition = if a.image { "inline" } else { "attachment" };
    let ascii: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::builder()
        .header(header::CONTENT_TYPE, a.content_type.as_str())
        .header(
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{ascii}\""),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "private, max-age=3600")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .body(Body::from(bytes))
        .map_err(|e| ApiError::Core(guild_core::CoreError::Internal(e.to_string())))
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSettingsJson {
    /// `everyone`, `second_degree` or `connections`.
    pub who_can_message: String,
    /// Reciprocal: off for one means off for both.
    pub read_receipts: bool,
    /// Email about messages unread for a while.
    pub email: bool,
}

impl From<MessageSettings> for MessageSettingsJson {
    fn from(s: MessageSettings) -> Self {
        MessageSettingsJson {
            who_can_message: s.who_can_message.as_str().into(),
            read_receipts: s.read_receipts,
            email: s.email_after_minutes > 0,
        }
    }
}

/// The asker's messaging settings.
#[utoipa::path(get, path = "/api/v1/me/messaging-settings", tag = "messaging",
    responses((status = 200, body = MessageSettingsJson)))]
pub async fn settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<MessageSettingsJson>> {
    Ok(Json(state.message_settings(&v).await?.into()))
}

/// Change the asker's messaging settings.
#[utoipa::path(put, path = "/api/v1/me/messaging-settings", tag = "messaging", request_body = MessageSettingsJson,
    responses((status = 200, body = MessageSettingsJson), (status = 422)))]
pub async fn set_settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<MessageSettingsJson>,
) -> ApiResult<Json<MessageSettingsJson>> {
    let who = WhoCanMessage::parse(&r.who_can_message).ok_or_else(|| {
        ApiError::Core(guild_core::CoreError::invalid(
            "who_can_message",
            "Choose everyone, second_degree or connections.",
        ))
    })?;
    let s = MessageSettings {
        who_can_message: who,
        read_receipts: r.read_receipts,
        email_after_minutes: if r.email { 60 } else { 0 },
    };
    state.set_message_settings(&v, &s).await?;
    Ok(Json(s.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwayRequest {
    /// A date (`2026-06-03`) or an RFC 3339 time.
    pub start: String,
    /// The last day away (`2026-06-14`, through its end) or an RFC 3339 time.
    pub end: String,
    pub message: String,
    pub message_for_others: Option<String>,
    pub contact_handle: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwayJson {
    pub start: String,
    pub end: String,
    pub message: String,
    pub message_for_others: Option<String>,
    pub contact_id: Option<String>,
    /// In force now (else it is still to come).
    pub current: bool,
}

fn away_json(a: &Away) -> AwayJson {
    let now = guild_core::now_ms();
    AwayJson {
        start: rfc3339(a.starts_at),
        end: rfc3339(a.ends_at),
        message: a.message.clone(),
        message_for_others: a.message_for_others.clone(),
        contact_id: a.contact_id.map(|c| c.to_string()),
        current: a.starts_at <= now && now < a.ends_at,
    }
}

/// The asker's current or coming away period (404 when none).
#[utoipa::path(get, path = "/api/v1/me/away", tag = "messaging",
    responses((status = 200, body = AwayJson), (status = 404)))]
pub async fn get_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<AwayJson>> {
    let a = state
        .my_away(&v)
        .await?
        .ok_or(ApiError::Core(guild_core::CoreError::NotFound))?;
    Ok(Json(away_json(&a)))
}

/// Set the asker's away period (replacing any current or coming one).
#[utoipa::path(put, path = "/api/v1/me/away", tag = "messaging", request_body = AwayRequest,
    responses((status = 200, body = AwayJson), (status = 422)))]
pub async fn set_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<AwayRequest>,
) -> ApiResult<Json<AwayJson>> {
    let a = state
        .set_away(
            &v,
            &AwayInput {
                start: r.start,
                end: r.end,
                message: r.message,
                message_for_others: r.message_for_others,
                contact_handle: r.contact_handle,
            },
        )
        .await?;
    Ok(Json(away_json(&a)))
}

/// End the asker's away period now (or cancel a coming one).
#[utoipa::path(delete, path = "/api/v1/me/away", tag = "messaging",
    responses((status = 204), (status = 404)))]
pub async fn end_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<StatusCode> {
    if state.end_away(&v).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Core(guild_core::CoreError::NotFound))
    }
}

/// A member's away notice, if they are away now (404 otherwise).
#[utoipa::path(get, path = "/api/v1/members/{handle}/away", tag = "messaging", params(("handle" = String, Path)),
    responses((status = 200, body = AwayNoticeJson), (status = 404)))]
pub async fn member_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<Json<AwayNoticeJson>> {
    let a = state
        .member_away(&v, &handle)
        .await?
        .ok_or(ApiError::Core(guild_core::CoreError::NotFound))?;
    Ok(Json((&a).into()))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeldJson {
    pub message: MessageJson,
    pub sender: Option<super::MemberJson>,
    pub recipients: Vec<super::MemberJson>,
}

/// Messages held as likely spam, newest first (administrators only).
#[utoipa::path(get, path = "/api/v1/admin/held-messages", tag = "messaging", params(MessagesParams),
    responses((status = 200, body = ListJson<HeldJson>), (status = 403)))]
pub async fn held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: QueryResult<MessagesParams>,
) -> ApiResult<Json<ListJson<HeldJson>>> {
    let p = query(q)?;
    let before = p.cursor.as_deref().and_then(|c| c.parse().ok());
    let limit = p.limit.unwrap_or(20);
    let items = state.held_messages(&v, before, Some(limit)).await?;
    let next = (items.len() == limit as usize)
        .then(|| items.last().map(|h| h.message.id.to_string()))
        .flatten();
    Ok(Json(ListJson {
        items: items
            .iter()
            .map(|h| HeldJson {
                message: (&MessageView {
                    m: h.message.clone(),
                    sender: None,
                    seen: false,
                })
                    .into(),
                sender: h.sender.as_ref().map(super::MemberJson::from),
                recipients: h.recipients.iter().map(super::MemberJson::from).collect(),
            })
            .collect(),
        next_cursor: next,
    }))
}

/// Deliver a held message after review (administrators only).
#[utoipa::path(post, path = "/api/v1/admin/held-messages/{id}/release", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200), (status = 403), (status = 404)))]
pub async fn release_held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> ApiResult<Json<serde_json::Value>> {
    state.review_held(&v, id(&raw)?, true).await?;
    Ok(Json(serde_json::json!({ "ok": true })))
}

/// Delete a held message after review (administrators only).
#[utoipa::path(delete, path = "/api/v1/admin/held-messages/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(raw): Path<String>,
) -> ApiResult<StatusCode> {
    state.review_held(&v, id(&raw)?, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
