//! `POST /settings/theme`: the theme switch of Settings. The choice is this browser's (a
//! cookie the frame reads, see [`Theme`]), so it needs no account and no database.

use axum::extract::rejection::FormRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

use super::flash::{with_flash, Flash};
use super::layout::{render_error, see_other, Theme};
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings/theme", post(choose_theme))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ThemeForm {
    theme: String,
}

async fn choose_theme(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    form: Result<Form<ThemeForm>, FormRejection>,
) -> Response {
    let chosen = form.ok().and_then(|Form(f)| Theme::parse(&f.theme));
    match chosen {
        Some(theme) => with_flash(
            see_other(
                "/settings#theme-section",
                Some(theme.cookie(state.settings.secure_cookies())),
            ),
            Flash::ThemeSaved,
        ),
        None => render_error(
            v.member(),
            StatusCode::BAD_REQUEST,
            "Choose a theme",
            "The theme is one of: same as my device, light or dark. Go back to Settings and pick one of them.",
        ),
    }
}
