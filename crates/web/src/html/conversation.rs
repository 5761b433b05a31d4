//! One conversation: its messages (pages of older ones, and the newest added live), writing
//! in it, and what a participant does to their place (accept, ignore, report, archive, mute,
//! leave, delete for me).

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::media::UploadKind;
use guild_core::messaging::model::{MessageBox, ParticipantState};
use guild_core::messaging::SendInput;
use guild_core::settings::Limits;
use guild_core::CoreError;
use serde::Deserialize;

use super::cards::Card;
use super::form::{refuse, Form};
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::input::parse_id;
use crate::extract::{CurrentViewer, Id};
use crate::AppState;

use super::messages::{
    delivery_word, inbox_pane, mark_days, message_item, read_message_form, InboxPane, MessageItem,
    NewForm,
};

pub fn router(limits: &Limits) -> Router<AppState> {
    // A message form carries one attachment.
    let body = DefaultBodyLimit::max(UploadKind::Attachment.body_limit(limits, 1));
    Router::new()
        .route("/messages/{id}", get(thread).post(send).layer(body))
        .route("/messages/{id}/items", get(items))
        .route("/messages/{id}/do/{action}", post(act))
}

#[derive(Template)]
#[template(path = "conversation.html")]
struct ThreadPage {
    layout: Layout,
    /// The list pane beside the thread (the box this conversation is in).
    list: InboxPane,
    /// Who wrote the request the viewer is answering ("Zed Ng"), for the words of its choices.
    requester: String,
    file_hint: String,
    id: i64,
    title: String,
    group: bool,
    members: Vec<Card>,
    state: &'static str,
    archived: bool,
    muted: bool,
    items: Vec<MessageItem>,
    older: Option<String>,
    last_id: i64,
    read_only: Option<String>,
    awaiting_answer: bool,
    away: Vec<String>,
    form: Form,
    sent: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ThreadQuery {
    cursor: Option<String>,
    sent: String,
}

async fn thread(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    Query(q): Query<ThreadQuery>,
) -> PageResult<Response> {
    let sent = match q.sent.as_str() {
        "request" => Some("Sent as a message request: they can accept it, and until then you can send one message."),
        "accepted" => Some("You accepted the request: this is now an ordinary conversation in your inbox."),
        "held" => Some("Your message is held for review: it looks like the same text sent to many people who are not your connections. It was not delivered."),
        _ => None,
    };
    thread_page(
        &state,
        &v,
        id,
        q.cursor.as_deref(),
        Form::default(),
        StatusCode::OK,
        sent,
    )
    .await
}

async fn thread_page(
    state: &AppState,
    v: &Viewer,
    id: i64,
    cursor: Option<&str>,
    form: Form,
    status: StatusCode,
    sent: Option<&'static str>,
) -> PageResult<Response> {
    let here = format!("/messages/{id}");
    let back = |e| fail(e, v, &here);
    let me = v.require().map_err(|e| fail(e, v, &here))?.id;
    let t = state.thread(v, id).await.map_err(back)?;
    let page = state
        .messages(v, id, cursor, Some(50))
        .await
        .map_err(back)?;
    let c = &t.conversation;
    let in_box = if c.me.state == ParticipantState::Request {
        MessageBox::Requests
    } else if c.me.archived {
        MessageBox::Archived
    } else {
        MessageBox::Inbox
    };
    let list = inbox_pane(state, v, in_box, None, id).await.map_err(back)?;
    let mut items: Vec<MessageItem> = page.items.iter().map(|m| message_item(me, m)).collect();
    mark_days(&mut items);
    Ok(render(
        status,
        &ThreadPage {
            layout: Layout::new(&c.title(), v.member()),
            list,
            requester: c
                .others
                .first()
                .map_or_else(|| "The sender".to_string(), |p| p.card.name.clone()),
            file_hint: UploadKind::Attachment.hint(&state.settings.limits),
            id,
            title: c.title(),
            group: c.conversation.group,
            members: c.others.iter().map(Card::from).collect(),
            state: c.me.state.as_str(),
            archived: c.me.archived,
            muted: c.me.muted,
            last_id: page.items.last().map_or(0, |m| m.m.id),
            items,
            older: page.next_cursor,
            read_only: t.read_only.clone(),
            awaiting_answer: t.awaiting_answer,
            away: t.away.iter().map(|a| a.notice.clone()).collect(),
            form,
            sent,
        },
    ))
}

#[derive(Template)]
#[template(path = "message_items.html")]
struct ItemsFragment {
    items: Vec<MessageItem>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AfterQuery {
    after: i64,
}

/// The messages after `after` (the newest page at most), for the live thread. Reading them
/// marks the conversation read.
async fn items(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    Query(q): Query<AfterQuery>,
) -> PageResult<Response> {
    let me = v.require().map_err(|e| fail(e, &v, "/messages"))?.id;
    let page = state
        .messages(&v, id, None, Some(50))
        .await
        .map_err(|e| fail(e, &v, "/messages"))?;
    // Days are marked over the whole page, so a message of a day already shown gets no
    // second heading.
    let mut items: Vec<MessageItem> = page.items.iter().map(|m| message_item(me, m)).collect();
    mark_days(&mut items);
    items.retain(|m| m.id > q.after);
    Ok(render(StatusCode::OK, &ItemsFragment { items }))
}

async fn send(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult<Response> {
    let here = format!("/messages/{id}");
    v.require().map_err(|e| fail(e, &v, &here))?;
    let mp = mp.map_err(|_| {
        fail(
            CoreError::invalid("body", "The form could not be read."),
            &v,
            &here,
        )
    })?;
    let (f, attachment) = match read_message_form(&state, &v, mp).await {
        Ok(x) => x,
        Err((f, e)) => return send_failed(&state, &v, id, f, e).await,
    };
    let input = SendInput {
        to: Vec::new(),
        body: f.body.clone(),
        attachment,
    };
    match state.send_message(&v, id, &input).await {
        Ok(sent) => {
            let word = match sent.delivery {
                guild_core::messaging::Delivery::Inbox if sent.accepted_request => "accepted",
                d => delivery_word(d),
            };
            Ok(see_other(
                &format!("/messages/{id}?sent={word}#message-{}", sent.message.id),
                None,
            ))
        }
        Err(e) => send_failed(&state, &v, id, f, e).await,
    }
}

async fn send_failed(
    state: &AppState,
    v: &Viewer,
    id: i64,
    f: NewForm,
    e: CoreError,
) -> PageResult<Response> {
    let e = match e {
        CoreError::Refused { message, .. } => CoreError::invalid("body", message),
        e => e,
    };
    let (r, form) = refuse(Form::of(&f), e, &["body", "file", "attachment"])
        .map_err(|e| fail(e, v, &format!("/messages/{id}")))?;
    thread_page(state, v, id, None, form, r.status, None).await
}

async fn act(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((raw, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let id = parse_id(&raw).map_err(|e| fail(e, &v, "/messages"))?;
    let here = format!("/messages/{id}");
    let back = |e| fail(e, &v, &here);
    let to = match action.as_str() {
        "accept" => {
            state.answer_request(&v, id, true).await.map_err(back)?;
            here.clone()
        }
        "ignore" => {
            state.answer_request(&v, id, false).await.map_err(back)?;
            "/messages?box=requests&done=ignored".into()
        }
        "report" => {
            state.report_conversation(&v, id).await.map_err(back)?;
            "/messages?done=reported".into()
        }
        "archive" => {
            state.set_archived(&v, id, true).await.map_err(back)?;
            "/messages?done=archived".into()
        }
        "unarchive" => {
            state.set_archived(&v, id, false).await.map_err(back)?;
            here.clone()
        }
        "mute" | "unmute" => {
            state
                .set_muted(&v, id, action == "mute")
                .await
                .map_err(back)?;
            here.clone()
        }
        "leave" => {
            state.leave_group(&v, id).await.map_err(back)?;
            "/messages?done=left".into()
        }
        "clear" => {
            state.clear_conversation(&v, id).await.map_err(back)?;
            "/messages?done=cleared".into()
        }
        _ => return Err(back(CoreError::NotFound)),
    };
    Ok(see_other(&to, None))
}
