//! `/admin`: what administrators do from the pages — for now, sign-up invitation links.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::{require_admin, Viewer};
use guild_core::settings::RegistrationMode;

use super::{date, fail, render, url_encode, Layout};
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(show_admin))
        .route("/admin/invites", post(create_invite))
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    mode: &'static str,
    /// A link just made, and when it expires.
    invite: Option<(String, String)>,
}

fn admin_page(state: &AppState, v: &Viewer, invite: Option<(String, String)>) -> AdminPage {
    let reg = &state.settings.registration;
    let mode = match reg.mode {
        RegistrationMode::Open => "Anyone may sign up.",
        RegistrationMode::InviteOnly => "Sign-up needs an invitation link made here.",
        RegistrationMode::Domains => "Sign-up is open to the allowed email domains.",
    };
    AdminPage {
        layout: Layout::new("Administration", v.member()),
        mode,
        invite,
    }
}

async fn show_admin(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    require_admin(&v).map_err(|e| fail(e, &v, "/admin"))?;
    Ok(render(StatusCode::OK, &admin_page(&state, &v, None)))
}

async fn create_invite(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    let invite = state
        .create_signup_invite(&v)
        .await
        .map_err(|e| fail(e, &v, "/admin"))?;
    let link = format!(
        "{}/signup?invite={}",
        state.settings.public_url,
        url_encode(&invite.token)
    );
    Ok(render(
        StatusCode::OK,
        &admin_page(&state, &v, Some((link, date(invite.expires_at)))),
    ))
}
