//! The HTML pages: server-rendered askama templates (auto-escaped), plain forms, a little
//! plain JavaScript. Each page handler calls the same core service as its API twin.
//!
//! Every page works without JavaScript and without inline scripts or styles (the CSP forbids
//! them). A form that fails validation is rendered again with status 422, each message beside
//! its field and what was typed kept ([`form::Form`]); only errors that are not about the input
//! become error pages ([`crate::error::PageError`]).

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::Router;
use guild_core::accounts::model::Member;
use guild_core::auth::Viewer;
use guild_core::strength::Strength;
use guild_core::CoreError;

use crate::error::PageError;
use crate::AppState;

mod admin;
mod auth;
pub mod cards;
mod contacts;
mod directory;
mod edit;
mod feed;
pub mod form;
mod home;
mod invite;
mod messages;
mod network;
mod network_actions;
mod posts;
mod profile;
mod settings;

/// What the page frame needs: the title and the signed-in member for the top bar.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub me: Option<MeBar>,
}

/// The signed-in member as the top bar shows them.
#[derive(Debug, Clone)]
pub struct MeBar {
    pub name: String,
    pub handle: String,
    pub is_admin: bool,
    /// Invitations waiting for an answer (the badge on "My network").
    pub pending: i64,
    /// Unread notifications (the badge on "Notifications"; kept live by `/api/v1/events`).
    pub unread: i64,
    /// Conversations with unread messages (the badge on "Messages"; kept live too).
    pub messages: i64,
}

tokio::task_local! {
    /// The viewer's pending-invitation count, looked up once per page request by
    /// [`topbar_counts`] so that every `Layout::new` can show it without its own query.
    static PENDING: (i64, i64, i64);
}

impl Layout {
    pub fn new(title: &str, me: Option<&Member>) -> Layout {
        Layout {
            title: title.to_string(),
            me: me.map(|m| MeBar {
                name: m.name.clone(),
                handle: m.handle.clone(),
                is_admin: m.is_admin(),
                pending: PENDING.try_with(|p| p.0).unwrap_or(0),
                unread: PENDING.try_with(|p| p.1).unwrap_or(0),
                messages: PENDING.try_with(|p| p.2).unwrap_or(0),
            }),
        }
    }
}

/// Middleware for pages: counts the signed-in viewer's pending invitations and unread
/// notifications for the top bar.
/// An unreadable session is left for the handler's extractor to answer.
pub async fn topbar_counts(
    state: axum::extract::State<AppState>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use axum::extract::FromRequestParts;
    let (mut parts, body) = req.into_parts();
    let pending = match crate::extract::CurrentViewer::from_request_parts(&mut parts, &state).await
    {
        Ok(crate::extract::CurrentViewer(v)) => {
            let n = if v.member().is_some() {
                (
                    state.pending_invitation_count(&v).await.unwrap_or(0),
                    state.unread_notifications(&v).await.unwrap_or(0),
                    state.message_counts(&v).await.map_or(0, |c| c.0),
                )
            } else {
                (0, 0, 0)
            };
            parts.extensions.insert(crate::extract::ResolvedViewer(v));
            n
        }
        Err(_) => (0, 0, 0),
    };
    PENDING
        .scope(
            pending,
            next.run(axum::extract::Request::from_parts(parts, body)),
        )
        .await
}

/// Percent-encodes a query value.
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(home::router())
        .merge(auth::router())
        .merge(profile::router())
        .merge(edit::router())
        .merge(directory::router())
        .merge(settings::router())
        .merge(admin::router())
        .merge(network::router())
        .merge(invite::router())
        .merge(contacts::router())
        .merge(feed::router())
        .merge(posts::router())
        .merge(messages::router())
}

/// Renders a page with `status`; a template failure is a logged 500 page.
pub(crate) fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => PageError::from(CoreError::Internal(format!("template: {e}"))).into_response(),
    }
}

/// A service error as a page, knowing who asked (for the top bar) and where to come back to
/// after signing in.
pub(crate) fn fail(error: CoreError, viewer: &Viewer, next: &str) -> PageError {
    PageError {
        error,
        next: Some(next.to_string()),
        viewer: viewer.member().cloned(),
    }
}

/// 303 to `to`, optionally setting a cookie on the way.
pub(crate) fn see_other(to: &str, cookie: Option<String>) -> Response {
    match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], Redirect::to(to)).into_response(),
        None => Redirect::to(to).into_response(),
    }
}

/// A path id that is not a number names nothing: "not found", like an id of someone else's.
pub(crate) fn path_id(raw: &str) -> Result<i64, CoreError> {
    raw.parse().map_err(|_| CoreError::NotFound)
}

/// One or two letters standing in for a missing photo: "Ann de Vries" → "AV".
pub fn initials(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let pick = match words.as_slice() {
        [] => vec![],
        [one] => vec![*one],
        [first, .., last] => vec![*first, *last],
    };
    pick.iter()
        .filter_map(|w| w.chars().next())
        .flat_map(char::to_uppercase)
        .collect()
}

/// A day as pages show it: "3 Mar 2025".
pub fn date(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|d| d.format("%-d %b %Y").to_string())
        .unwrap_or_default()
}

/// The profile-strength meter as the `_strength.html` partial shows it.
#[derive(Debug, Clone)]
pub struct Meter {
    pub level: &'static str,
    pub done: usize,
    pub total: usize,
    /// The next step in words (`None` at All-Star), and where to do it.
    pub next_text: Option<&'static str>,
    pub next_href: &'static str,
}

impl From<&Strength> for Meter {
    fn from(s: &Strength) -> Self {
        Meter {
            level: s.level,
            done: s.done,
            total: s.total,
            next_text: s.next_step,
            next_href: step_href(s.next_key),
        }
    }
}

/// Where each step of the meter is done: the section of the edit page, or the directory.
fn step_href(key: Option<&str>) -> &'static str {
    match key {
        Some("photo") => "/me/edit#edit-photo",
        Some("headline" | "location") => "/me/edit#edit-intro",
        Some("position" | "past_positions") => "/me/edit#edit-experience",
        Some("education") => "/me/edit#edit-education",
        Some("skills") => "/me/edit#edit-skills",
        Some("connections") => "/members",
        _ => "/me/edit",
    }
}

/// "public" → the words the visibility select uses.
pub fn visibility_label(v: guild_core::domain::Visibility) -> &'static str {
    use guild_core::domain::Visibility;
    match v {
        Visibility::Public => "Anyone",
        Visibility::Members => "Signed-in members",
        Visibility::Connections => "My connections only",
    }
}
