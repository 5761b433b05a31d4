//! The page frame: the title and the top bar ([`Layout`]), rendering a page ([`render`]),
//! redirecting after a form ([`see_other`]), and the error page that every failure renders
//! ([`render_error`]).

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use guild_core::accounts::model::Member;
use guild_core::live::BadgeCounts;

use crate::incident::log_internal;

/// What the page frame needs: the title and the signed-in member for the top bar.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub me: Option<MeBar>,
    /// "Profile saved": the one-shot confirmation this page carries, shown at the top of
    /// `<main>` (see [`super::flash`]). A page that shows it elsewhere takes it out.
    pub flash: Option<super::flash::Flash>,
}

/// The signed-in member as the top bar shows them.
#[derive(Debug, Clone)]
pub struct MeBar {
    pub name: String,
    pub handle: String,
    pub is_admin: bool,
    /// Invitations waiting for an answer (the badge on "My network").
    pub pending: Badge,
    /// Unread notifications (the badge on "Notifications"; kept live by `/api/v1/events`).
    pub unread: Badge,
    /// Conversations with unread messages (the badge on "Messages"; kept live too).
    pub messages: Badge,
}

/// One count of the top bar as it is shown: hidden at 0, "?" when it could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badge {
    pub text: String,
    /// What a screen reader says: "3 pending invitations".
    pub label: String,
    pub hidden: bool,
}

impl Badge {
    pub fn of(count: Option<i64>, what: &str) -> Badge {
        match count {
            Some(n) => Badge {
                text: n.to_string(),
                label: format!("{n} {what}{}", if n == 1 { "" } else { "s" }),
                hidden: n == 0,
            },
            None => Badge {
                text: "?".into(),
                label: format!("{what}s: unknown"),
                hidden: false,
            },
        }
    }
}

tokio::task_local! {
    /// The viewer's badge counts, read once per page request by the top-bar middleware
    /// ([`super::topbar`]) so that every `Layout::new` can show them without a query.
    pub(super) static BADGES: BadgeCounts;
}

impl Layout {
    pub fn new(title: &str, me: Option<&Member>) -> Layout {
        // Outside the pages' router (the 404 of an unknown address) no counts were read:
        // the badges stay hidden until the live stream brings them.
        let counts = BADGES.try_with(|c| *c).ok();
        let badge = |count: fn(&BadgeCounts) -> Option<i64>, what: &str| match &counts {
            Some(c) => Badge::of(count(c), what),
            None => Badge::of(Some(0), what),
        };
        Layout {
            flash: super::flash::current(),
            title: title.to_string(),
            me: me.map(|m| MeBar {
                name: m.name.clone(),
                handle: m.handle.to_string(),
                is_admin: m.is_admin(),
                pending: badge(|c| c.invitations, "pending invitation"),
                unread: badge(|c| c.notifications, "unread notification"),
                messages: badge(|c| c.messages, "unread conversation"),
            }),
        }
    }
}

/// Renders a page with `status`; a template failure is a logged 500 page.
pub fn render(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            let id = log_internal(&format!("template: {e}"));
            render_error(
                None,
                StatusCode::INTERNAL_SERVER_ERROR,
                "Something went wrong",
                &format!("This is our fault, not yours. Please try again; if it keeps happening, tell an administrator the error id {id}."),
            )
        }
    }
}

/// 303 to `to`, optionally setting a cookie on the way.
pub fn see_other(to: &str, cookie: Option<String>) -> Response {
    match cookie {
        Some(c) => ([(header::SET_COOKIE, c)], Redirect::to(to)).into_response(),
        None => Redirect::to(to).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    status: u16,
    title: String,
    message: String,
}

/// The error page: a title and a sentence under `status`, in the usual frame.
pub fn render_error(
    viewer: Option<&Member>,
    status: StatusCode,
    title: &str,
    message: &str,
) -> Response {
    let page = ErrorPage {
        layout: Layout::new(title, viewer),
        status: status.as_u16(),
        title: title.to_string(),
        message: message.to_string(),
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            let id = log_internal(&format!("error page: {e}"));
            (status, format!("{title}. (error id {id})")).into_response()
        }
    }
}
