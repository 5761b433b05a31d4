//! The messaging routes: conversations and their messages, requests and what a participant
//! does to their place, and search. Attachments, settings with the away period, and the
//! review of held messages have modules of their own; live delivery is the `message` event
//! of `/api/v1/events` ([`super::events`]).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use guild_core::messaging::model::MessageBox;
use guild_core::messaging::{AwayView, ConversationView, MessageView, SendInput, Sent, ThreadView};
use serde::{Deserialize, Serialize};
use utoipa::openapi::path::{Parameter, ParameterIn};
use utoipa::{IntoParams, ToSchema};

use super::attachments::AttachmentJson;
use super::json::{rfc3339, ListJson, OkJson, PageParams, PersonJson};
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiQuery, CurrentViewer, Id};
use crate::AppState;

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
    #[schema(schema_with = super::schema::any_upto::<{ guild_core::lengths::MESSAGE }>)]
    pub body: String,
    /// An attachment id from `POST /api/v1/attachments`.
    #[schema(schema_with = super::schema::optional_id)]
    pub attachment: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageRequest {
    #[serde(default)]
    #[schema(schema_with = super::schema::any_upto::<{ guild_core::lengths::MESSAGE }>)]
    pub body: String,
    #[schema(schema_with = super::schema::optional_id)]
    pub attachment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SentJson {
    pub conversation: ConversationRefJson,
    pub message: MessageJson,
    /// `inbox`, `request` (waiting for the recipient's answer) or `held` (likely spam, not
    /// delivered, flagged for review).
    pub delivery: String,
    /// This message answered a request the sender had received, and so accepted it.
    pub accepted_request: bool,
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
        accepted_request: s.accepted_request,
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
    responses((status = 201, body = SentJson), (status = 429, description = "`rate_limited`: past `conversations_per_hour` or the hourly message limit"), (status = 403, description = "`not_accepting`: the recipient does not accept messages from the asker; `blocked`, `left`, `request_pending`")))]
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
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListParams {
    /// `inbox` (default, or empty), `requests` or `archived`.
    #[serde(rename = "box")]
    #[param(rename = "box", schema_with = message_box)]
    pub in_box: Option<String>,
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}

fn message_box() -> utoipa::openapi::schema::Object {
    let all = MessageBox::ALL.map(MessageBox::as_str);
    super::schema::choice(all.into_iter().chain([""]), false)
}

/// The asker's conversations, most recent first.
#[utoipa::path(get, path = "/api/v1/conversations", tag = "messaging", params(ListParams),
    responses((status = 200, body = ListJson<ConversationJson>)))]
pub async fn list(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<ListParams>,
) -> ApiResult<Json<ListJson<ConversationJson>>> {
    let in_box = MessageBox::parse(p.in_box.as_deref().unwrap_or("")).ok_or_else(|| {
        ApiError::Core(guild_core::CoreError::invalid(
            "box",
            "Choose inbox, requests or archived.",
        ))
    })?;
    let page = state
        .conversations(&v, in_box, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, ConversationJson::from)))
}

/// One conversation the asker takes part in (404 otherwise).
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200, body = ThreadJson), (status = 404)))]
pub async fn get_one(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<ThreadJson>> {
    let t = state.thread(&v, id).await?;
    Ok(Json((&t).into()))
}

/// Messages, newest page first, each page oldest first; `next_cursor` leads to older ones.
/// Reading the newest page marks the conversation read.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/messages", tag = "messaging", params(("id" = String, Path), PageParams),
    responses((status = 200, body = ListJson<MessageJson>), (status = 404), (status = 422)))]
pub async fn messages(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<MessageJson>>> {
    let page = state.messages(&v, id, p.cursor.as_deref(), p.limit).await?;
    Ok(Json(ListJson::of(&page, MessageJson::from)))
}

/// Write in a conversation. In one's own unanswered request: 403 `request_pending`.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "messaging", params(("id" = String, Path)), request_body = MessageRequest,
    responses((status = 201, body = SentJson), (status = 403, description = "`request_pending`, `left` or `blocked`: the asker cannot write here now"), (status = 429, description = "`rate_limited`: too many messages this hour")))]
pub async fn send(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    ApiJson(r): ApiJson<MessageRequest>,
) -> ApiResult<(StatusCode, Json<SentJson>)> {
    let input = SendInput {
        to: Vec::new(),
        body: r.body,
        attachment: attachment_id(&r.attachment)?,
    };
    let sent = state.send_message(&v, id, &input).await?;
    Ok((StatusCode::CREATED, Json(sent_json(&sent))))
}

macro_rules! action {
    ($name:ident, $path:literal, $doc:literal, |$s:ident, $v:ident, $id:ident| $body:expr
        $(, $extra:tt)*) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "messaging", params(("id" = String, Path)),
            responses((status = 200, body = OkJson) $(, $extra)*))]
        pub async fn $name(
            $s: State<AppState>,
            CurrentViewer($v): CurrentViewer,
            Id(id): Id,
        ) -> ApiResult<Json<OkJson>> {
            let $id = id;
            $body.await?;
            Ok(OkJson::done())
        }
    };
}

action!(
    accept,
    "/api/v1/conversations/{id}/accept",
    "Accept a message request.",
    |state, v, c| state.answer_request(&v, c, true),
    (
        status = 409,
        description = "`not_a_request`: not a request waiting for the asker"
    )
);
action!(
    ignore,
    "/api/v1/conversations/{id}/ignore",
    "Ignore a message request (the sender is not told).",
    |state, v, c| state.answer_request(&v, c, false),
    (
        status = 409,
        description = "`not_a_request`: not a request waiting for the asker"
    )
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
    |state, v, c| state.leave_group(&v, c),
    (
        status = 409,
        description = "`not_a_group`: a 1:1 conversation cannot be left"
    )
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
    let id = crate::extract::input::parse_id(&raw)?;
    state.remove_from_group(&v, id, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// At least 2 characters besides white space around them.
    pub q: String,
    pub cursor: Option<String>,
    pub limit: Option<u32>,
}

/// By hand: utoipa drops `required` from a parameter whose schema is `schema_with`.
impl IntoParams for SearchParams {
    fn into_params(_: impl Fn() -> Option<ParameterIn>) -> Vec<Parameter> {
        use super::schema::{cursor, limit, message_search, query};
        vec![
            query(
                "q",
                true,
                "At least 2 characters besides white space around them.",
                message_search(),
            ),
            query(
                "cursor",
                false,
                "The `next_cursor` of the previous page.",
                cursor(),
            ),
            query("limit", false, "Default 20.", limit()),
        ]
    }
}

/// Search in the asker's own messages, newest first.
#[utoipa::path(get, path = "/api/v1/messages/search", tag = "messaging", params(SearchParams),
    responses((status = 200, body = ListJson<MessageJson>), (status = 422)))]
pub async fn search(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<Json<ListJson<MessageJson>>> {
    let page = state
        .search_messages(&v, &p.q, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, MessageJson::from)))
}
