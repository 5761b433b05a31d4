//! Middleware for pages: establishes who is asking once per request and reads their badge
//! counts ([`guild_core::Guild::badge_counts`]) for the top bar, and the theme the browser
//! chose. An unreadable session is
//! left for the handler's own extractor to answer.

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guild_core::live::BadgeCounts;

use super::layout::{FrameContext, Tab, Theme, FRAME, THEME_COOKIE};
use crate::extract::{cookie, CurrentViewer, ResolvedViewer};
use crate::AppState;

pub async fn topbar_counts(state: State<AppState>, req: Request, next: Next) -> Response {
    let (mut parts, body) = req.into_parts();
    let theme = cookie(&parts, THEME_COOKIE)
        .and_then(Theme::parse)
        .unwrap_or_default();
    let counts = match CurrentViewer::from_request_parts(&mut parts, &state).await {
        Ok(CurrentViewer(v)) => {
            let counts = state.badge_counts(&v).await;
            parts.extensions.insert(ResolvedViewer(v));
            counts
        }
        // With the database away the handler would only wait as long again to fail the
        // same way: answer now (503, a clear page).
        Err(rejection) if matches!(rejection.error, guild_core::CoreError::Unavailable(_)) => {
            return rejection.into_response();
        }
        Err(_) => BadgeCounts::default(),
    };
    let frame = FrameContext {
        badges: counts,
        theme,
        tab: Tab::of_path(parts.uri.path()),
    };
    FRAME
        .scope(frame, next.run(Request::from_parts(parts, body)))
        .await
}
