//! The page frame: the title and the top bar ([`Layout`]), rendering a page ([`render`]),
//! redirecting after a form ([`see_other`]), and the error page that every failure renders
//! ([`render_error`]).

use askama::Template;
use axum::http::{header, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use guild_core::accounts::model::Member;
use guild_core::live::BadgeCounts;

use crate::incident::log_internal;

/// What the page frame needs: the title, the signed-in member for the top bar and the
/// theme this browser chose.
#[derive(Debug, Clone)]
pub struct Layout {
    pub title: String,
    pub me: Option<MeBar>,
    /// "Profile saved": the one-shot confirmation this page carries, shown at the top of
    /// `<main>` (see [`super::flash`]). A page that shows it elsewhere takes it out.
    pub flash: Option<super::flash::Flash>,
    pub theme: Theme,
    pub tab: Tab,
}

/// The colours a browser asked for in Settings (the `guild_theme` cookie): the system's
/// (`prefers-color-scheme`, the default), or always light, or always dark. The stylesheet
/// reads it from `<html data-theme>`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

/// The cookie that keeps a browser's theme (a display preference of that browser, not of the
/// account: a phone may follow the system while a desktop stays light).
pub const THEME_COOKIE: &str = "guild_theme";

impl Theme {
    pub const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "system" => Some(Theme::System),
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Theme::System => "system",
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Theme::System => "Same as my device",
            Theme::Light => "Light",
            Theme::Dark => "Dark",
        }
    }

    /// `Set-Cookie` keeping this theme for a year (readable by pages only through the server).
    pub fn cookie(self, secure: bool) -> String {
        format!(
            "{THEME_COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=31536000{}",
            self.as_str(),
            if secure { "; Secure" } else { "" }
        )
    }
}

impl std::fmt::Display for Theme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The signed-in member as the top bar shows them.
#[derive(Debug, Clone)]
pub struct MeBar {
    pub name: String,
    /// The first letter of the name, on the menu's round avatar.
    pub initial: String,
    pub handle: String,
    pub is_admin: bool,
    /// Invitations waiting for an answer (the badge on "My network").
    pub pending: Badge,
    /// Unread notifications (the badge on "Notifications"; kept live by `/api/v1/events`).
    pub unread: Badge,
    /// Conversations with unread messages (the badge on "Messages"; kept live too).
    pub messages: Badge,
    /// Message requests waiting for an answer (a second badge on "Messages", apart from the
    /// unread count; the `message_requests` of the live `counts` event).
    pub requests: Badge,
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

/// What the top-bar middleware ([`super::topbar`]) reads once per page request, so that every
/// `Layout::new` can show it without a query: the viewer's badge counts, the theme the
/// request's cookie asks for, and which tab of the main navigation the address belongs to.
#[derive(Debug, Clone, Copy, Default)]
pub struct FrameContext {
    pub badges: BadgeCounts,
    pub theme: Theme,
    pub tab: Tab,
}

/// The main navigation's tabs; the current one is marked `aria-current="page"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Tab {
    #[default]
    None,
    Home,
    Network,
    Members,
    Messages,
    Notifications,
}

impl Tab {
    /// The tab a page's path belongs to.
    pub fn of_path(path: &str) -> Tab {
        let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
        match first {
            "" | "feed" => Tab::Home,
            "network" => Tab::Network,
            "members" => Tab::Members,
            "messages" => Tab::Messages,
            "notifications" => Tab::Notifications,
            _ => Tab::None,
        }
    }

    /// The `aria-current` of a tab's link: "true" on the section the page belongs to (the page
    /// itself may mark its own link with "page", as the inbox marks the open conversation).
    pub fn current(&self, tab: &str) -> &'static str {
        let this = match tab {
            "home" => Tab::Home,
            "network" => Tab::Network,
            "members" => Tab::Members,
            "messages" => Tab::Messages,
            "notifications" => Tab::Notifications,
            _ => return "",
        };
        if *self == this {
            "true"
        } else {
            "false"
        }
    }
}

tokio::task_local! {
    pub(super) static FRAME: FrameContext;
}

impl Layout {
    pub fn new(title: &str, me: Option<&Member>) -> Layout {
        // Outside the pages' router (the 404 of an unknown address) no counts were read:
        // the badges stay hidden until the live stream brings them.
        let frame = FRAME.try_with(|f| *f).ok();
        let counts = frame.map(|f| f.badges);
        let badge = |count: fn(&BadgeCounts) -> Option<i64>, what: &str| match &counts {
            Some(c) => Badge::of(count(c), what),
            None => Badge::of(Some(0), what),
        };
        Layout {
            flash: super::flash::current(),
            title: title.to_string(),
            theme: frame.map(|f| f.theme).unwrap_or_default(),
            tab: frame.map(|f| f.tab).unwrap_or_default(),
            me: me.map(|m| MeBar {
                name: m.name.clone(),
                initial: m
                    .name
                    .chars()
                    .next()
                    .map(|c| c.to_uppercase().collect())
                    .unwrap_or_default(),
                handle: m.handle.to_string(),
                is_admin: m.is_admin(),
                pending: badge(|c| c.invitations, "pending invitation"),
                unread: badge(|c| c.notifications, "unread notification"),
                messages: badge(|c| c.messages, "unread conversation"),
                requests: badge(|c| c.message_requests, "message request"),
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
