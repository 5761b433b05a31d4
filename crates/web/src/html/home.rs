//! `/`: a short landing page for visitors; for members, the home feed (see [`super::feed`]).

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::layout::{render, Layout};
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/", get(show_home))
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    layout: Layout,
}

async fn show_home(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    q: Query<super::feed::FeedQuery>,
) -> PageResult<Response> {
    if v.member().is_some() {
        return super::feed::show_feed(&state, &v, q.0).await;
    }
    Ok(render(
        StatusCode::OK,
        &HomePage {
            layout: Layout::new("Welcome", None),
        },
    ))
}
