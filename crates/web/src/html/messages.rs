//! Messaging pages: the conversation list (inbox, requests, archived) with search, and a new
//! message; how messages look on every messaging page. One conversation is
//! [`super::conversation`]; settings and the away period are [`super::away`].

use askama::Template;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::media::UploadKind;
use guild_core::messaging::model::MessageBox;
use guild_core::messaging::{ConversationView, MessageView, SendInput};
use guild_core::settings::Limits;
use guild_core::{now_ms, CoreError};
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::form::{refuse, Form};
use super::format::{clock, day_heading, full_time, iso_time, list_when};
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router(limits: &Limits) -> Router<AppState> {
    // A message form carries one attachment.
    let body = DefaultBodyLimit::max(UploadKind::Attachment.body_limit(limits, 1));
    Router::new()
        .route("/messages", get(inbox).post(start).layer(body))
        .route("/messages/new", get(new_message))
        .route("/messages/search", get(search))
}

/// A message as pages show it.
pub struct MessageItem {
    pub id: i64,
    pub mine: bool,
    pub sender: Option<Card>,
    pub body_html: String,
    pub automatic: bool,
    pub held: bool,
    pub seen: bool,
    /// "14:05", with the full date and time for hover and `<time datetime>`.
    pub time: String,
    pub iso: String,
    pub full: String,
    /// "Today", "Yesterday", "Mon 30 Nov": the heading of the day the message is in.
    pub day: String,
    /// The first message of its day in the list shown: the day's heading goes above it.
    pub day_break: bool,
    pub attachment: Option<AttachmentItem>,
}

pub struct AttachmentItem {
    pub url: String,
    pub name: String,
    pub image: bool,
    pub size: String,
}

fn size_label(bytes: i64) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} KB", b / 1024),
        b => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
    }
}

pub(super) fn message_item(me: i64, v: &MessageView) -> MessageItem {
    let at = v.m.created_at;
    MessageItem {
        id: v.m.id,
        mine: v.m.sender_id == me,
        sender: v.sender.as_ref().map(Card::from),
        body_html: v.m.body_html.clone(),
        automatic: v.m.automatic,
        held: v.m.held,
        seen: v.seen,
        time: clock(at),
        iso: iso_time(at),
        full: full_time(at),
        day: day_heading(at, now_ms()),
        day_break: false,
        attachment: v.m.attachment.as_ref().map(|a| AttachmentItem {
            url: format!("/api/v1/attachments/{}", a.id),
            name: a.name.clone(),
            image: a.image,
            size: size_label(a.size),
        }),
    }
}

/// Marks the first message of each day in `items` (oldest first) for its day's heading.
pub(super) fn mark_days(items: &mut [MessageItem]) {
    let mut previous: Option<String> = None;
    for m in items {
        m.day_break = previous.as_deref() != Some(m.day.as_str());
        previous = Some(m.day.clone());
    }
}

pub struct ConversationItem {
    pub id: i64,
    pub title: String,
    pub photo: Option<String>,
    pub initials: String,
    pub unread: i64,
    /// The last message: who wrote it ("You: " for the viewer) and its start.
    pub last_mine: bool,
    pub last: String,
    /// "14:05" today, "Yesterday", "Mon", "30 Nov"; the full time on hover.
    pub when: String,
    pub when_iso: String,
    pub when_full: String,
    pub muted: bool,
}

fn conversation_item(me: i64, c: &ConversationView) -> ConversationItem {
    let first = c.others.first().map(Card::from);
    let at = c.conversation.last_message_at;
    ConversationItem {
        id: c.conversation.id,
        title: c.title(),
        photo: first.as_ref().and_then(|f| f.photo.clone()),
        initials: first.map(|f| f.initials).unwrap_or_default(),
        unread: c.unread,
        last_mine: c.last.as_ref().is_some_and(|m| m.m.sender_id == me),
        last: c
            .last
            .as_ref()
            .map(|m| {
                let text = guild_core::markup::plain_excerpt(&m.m.body, 90);
                match (text.is_empty(), &m.m.attachment) {
                    (true, Some(a)) => format!("Sent {}", a.name),
                    _ => text,
                }
            })
            .unwrap_or_default(),
        when: list_when(at, now_ms()),
        when_iso: iso_time(at),
        when_full: full_time(at),
        muted: c.me.muted,
    }
}

/// The list pane of messaging: one page of a box of conversations, beside the open one (if
/// any) on wide screens.
pub struct InboxPane {
    pub tab: &'static str,
    pub items: Vec<ConversationItem>,
    pub next: Option<String>,
    /// Waiting requests (the count on the Requests tab).
    pub requests: i64,
    /// The open conversation, marked in the list (0: none).
    pub current: i64,
    /// A conversation or the composer is open beside the list (the list's title is then not
    /// the page's `h1`).
    pub open: bool,
}

/// One page of `in_box` for the list pane: one query for the page, one for its rows'
/// details, one for the counts.
pub(super) async fn inbox_pane(
    state: &AppState,
    v: &Viewer,
    in_box: MessageBox,
    cursor: Option<&str>,
    current: i64,
) -> Result<InboxPane, CoreError> {
    let me = v.require()?.id;
    let page = state.conversations(v, in_box, cursor, None).await?;
    let (_, requests) = state.message_counts(v).await?;
    Ok(InboxPane {
        tab: in_box.as_str(),
        items: page
            .items
            .iter()
            .map(|c| conversation_item(me, c))
            .collect(),
        next: page.next_cursor,
        requests,
        current,
        open: current != 0,
    })
}

#[derive(Template)]
#[template(path = "messages.html")]
struct InboxPage {
    layout: Layout,
    list: InboxPane,
    notice: Option<&'static str>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct InboxQuery {
    #[serde(rename = "box")]
    in_box: String,
    cursor: Option<String>,
    done: String,
}

async fn inbox(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<InboxQuery>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/messages");
    let in_box = MessageBox::parse(&q.in_box).ok_or_else(|| {
        back(CoreError::invalid(
            "box",
            "Choose inbox, requests or archived.",
        ))
    })?;
    inbox_page(&state, &v, in_box, q.cursor.as_deref(), notice(&q.done)).await
}

fn notice(done: &str) -> Option<&'static str> {
    match done {
        "ignored" => Some("The request is ignored. The sender is not told."),
        "reported" => Some("Thank you: the conversation is reported for review."),
        "left" => Some("You left the group."),
        "archived" => Some("The conversation is archived; a new message brings it back."),
        "cleared" => Some("The conversation is deleted for you."),
        "away-ended" => Some("Your away period has ended."),
        _ => None,
    }
}

async fn inbox_page(
    state: &AppState,
    v: &Viewer,
    in_box: MessageBox,
    cursor: Option<&str>,
    notice: Option<&'static str>,
) -> PageResult<Response> {
    let list = inbox_pane(state, v, in_box, cursor, 0)
        .await
        .map_err(|e| fail(e, v, "/messages"))?;
    Ok(render(
        StatusCode::OK,
        &InboxPage {
            layout: Layout::new("Messages", v.member()),
            list,
            notice,
        },
    ))
}

#[derive(Template)]
#[template(path = "message_new.html")]
struct NewPage {
    layout: Layout,
    list: InboxPane,
    /// "up to 10 MB": the attachment limit in effect.
    file_hint: String,
    form: Form,
    away: Vec<String>,
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
pub(super) struct NewForm {
    pub(super) to: String,
    pub(super) body: String,
}

async fn new_message(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<NewForm>,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, "/messages/new"))?;
    compose(&state, &v, Form::of(&q), &q.to, StatusCode::OK).await
}

/// The composer, with the away notices of the members it is addressed to.
async fn compose(
    state: &AppState,
    v: &Viewer,
    form: Form,
    to: &str,
    status: StatusCode,
) -> PageResult<Response> {
    let mut away = Vec::new();
    for h in handles(to).iter().take(10) {
        if let Ok(Some(a)) = state.member_away(v, h.trim_start_matches('@')).await {
            away.push(a.notice);
        }
    }
    let mut list = inbox_pane(state, v, MessageBox::Inbox, None, 0)
        .await
        .map_err(|e| fail(e, v, "/messages/new"))?;
    list.open = true;
    Ok(render(
        status,
        &NewPage {
            layout: Layout::new("New message", v.member()),
            list,
            file_hint: UploadKind::Attachment.hint(&state.settings.limits),
            form,
            away,
        },
    ))
}

/// The entries of the "To" field: handles or names, separated by commas (core reads each,
/// and still takes handles separated by spaces).
fn handles(raw: &str) -> Vec<String> {
    raw.split([',', ';'])
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .collect()
}

/// The text fields of a message form and its file, uploaded as an attachment.
pub(super) async fn read_message_form(
    state: &AppState,
    v: &Viewer,
    mut mp: Multipart,
) -> Result<(NewForm, Option<i64>), (NewForm, CoreError)> {
    let mut f = NewForm::default();
    let mut file = None;
    let too_big = || {
        CoreError::invalid(
            "file",
            UploadKind::Attachment.too_large(&state.settings.limits),
        )
    };
    loop {
        let field = match mp.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(_) => return Err((f, too_big())),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let fname = field.file_name().unwrap_or("file").to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(_) => return Err((f, too_big())),
            };
            if !bytes.is_empty() {
                file = Some((fname, bytes.to_vec()));
            }
            continue;
        }
        let text = match field.text().await {
            Ok(t) => t,
            Err(_) => return Err((f, too_big())),
        };
        match name.as_str() {
            "to" => f.to = text,
            "body" => f.body = text,
            _ => {}
        }
    }
    let attachment = match file {
        Some((name, bytes)) => match state.upload_attachment(v, &name, bytes).await {
            Ok(a) => Some(a.id),
            Err(e) => return Err((f, e)),
        },
        None => None,
    };
    Ok((f, attachment))
}

async fn start(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, "/messages/new"))?;
    let mp = mp.map_err(|_| {
        fail(
            CoreError::invalid("body", "The form could not be read."),
            &v,
            "/messages/new",
        )
    })?;
    let (f, attachment) = match read_message_form(&state, &v, mp).await {
        Ok(x) => x,
        Err((f, e)) => return start_failed(&state, &v, f, e).await,
    };
    let input = SendInput {
        to: handles(&f.to),
        body: f.body.clone(),
        attachment,
    };
    match state.start_conversation(&v, &input).await {
        Ok(sent) => Ok(see_other(
            &format!(
                "/messages/{}?sent={}",
                sent.conversation.id,
                delivery_word(sent.delivery)
            ),
            None,
        )),
        Err(e) => start_failed(&state, &v, f, e).await,
    }
}

pub(super) fn delivery_word(d: guild_core::messaging::Delivery) -> &'static str {
    match d {
        guild_core::messaging::Delivery::Inbox => "inbox",
        guild_core::messaging::Delivery::Request => "request",
        guild_core::messaging::Delivery::Held => "held",
    }
}

async fn start_failed(
    state: &AppState,
    v: &Viewer,
    f: NewForm,
    e: CoreError,
) -> PageResult<Response> {
    let e = match e {
        // A refusal of the recipient is shown beside "To".
        CoreError::Refused { message, .. } => CoreError::invalid("to", message),
        e => e,
    };
    let (r, form) = refuse(Form::of(&f), e, &["to", "body", "file", "attachment"])
        .map_err(|e| fail(e, v, "/messages/new"))?;
    compose(state, v, form, &f.to, r.status).await
}

#[derive(Template)]
#[template(path = "message_search.html")]
struct SearchPage {
    layout: Layout,
    q: String,
    items: Vec<(i64, MessageItem)>,
    error: Option<String>,
    next: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct SearchQuery {
    q: String,
    cursor: Option<String>,
}

async fn search(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Query(q): Query<SearchQuery>,
) -> PageResult<Response> {
    let me = v.require().map_err(|e| fail(e, &v, "/messages"))?.id;
    let found = state
        .search_messages(&v, &q.q, q.cursor.as_deref(), None)
        .await;
    let (items, next, error, status) = match found {
        Ok(page) => (page.items, page.next_cursor, None, StatusCode::OK),
        Err(CoreError::Invalid(e)) => (
            Vec::new(),
            None,
            e.get("q").map(str::to_string),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(fail(e, &v, "/messages")),
    };
    Ok(render(
        status,
        &SearchPage {
            layout: Layout::new("Search messages", v.member()),
            q: q.q.clone(),
            items: items
                .iter()
                .map(|m| (m.m.conversation_id, message_item(me, m)))
                .collect(),
            error,
            next,
        },
    ))
}
