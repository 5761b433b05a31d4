//! `/`: a short landing page for visitors; for members, a dashboard with the strength meter.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::auth::Viewer;

use super::{fail, render, Layout, Meter};
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
    /// The signed-in member's first name, handle and meter; `None` for visitors.
    dashboard: Option<Dashboard>,
    /// The People You May Know card beside the dashboard.
    suggestions: Vec<super::network::SuggestionRow>,
}

struct Dashboard {
    first_name: String,
    handle: String,
    meter: Meter,
}

async fn show_home(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let Viewer::Member(me) = &v else {
        return Ok(render(
            StatusCode::OK,
            &HomePage {
                layout: Layout::new("Welcome", None),
                dashboard: None,
                suggestions: Vec::new(),
            },
        ));
    };
    let view = state.my_profile(&v).await.map_err(|e| fail(e, &v, "/"))?;
    let dashboard = view.strength.as_ref().map(|s| Dashboard {
        first_name: me
            .name
            .split_whitespace()
            .next()
            .unwrap_or(&me.name)
            .to_string(),
        handle: me.handle.clone(),
        meter: Meter::from(s),
    });
    Ok(render(
        StatusCode::OK,
        &HomePage {
            layout: Layout::new("Home", Some(me)),
            dashboard,
            suggestions: super::network::suggestions_for(&state, &v, 3).await,
        },
    ))
}
