//! `/admin`: what administrators do from the pages: sign-up invitation links, and the review
//! of messages held as likely spam (deliver or delete).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use axum::Router;
use guild_core::auth::{require_admin, Viewer};
use guild_core::settings::RegistrationMode;

use super::flash::{with_flash, Flash};
use super::format::{date, url_encode};
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::input::parse_id;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin", get(show_admin))
        .route("/admin/invites", post(create_invite))
        .route("/admin/held/{id}/{action}", post(review_held))
}

/// A held message on the review list.
struct HeldItem {
    id: i64,
    sender: String,
    to: String,
    body_html: String,
    when: String,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    mode: &'static str,
    /// A link just made, and when it expires.
    invite: Option<(String, String)>,
    held: Vec<HeldItem>,
}

async fn admin_page(
    state: &AppState,
    v: &Viewer,
    invite: Option<(String, String)>,
) -> Result<AdminPage, guild_core::CoreError> {
    let reg = &state.settings.registration;
    let mode = match reg.mode {
        RegistrationMode::Open => "Anyone may sign up.",
        RegistrationMode::InviteOnly => "Sign-up needs an invitation link made here.",
        RegistrationMode::Domains => "Sign-up is open to the allowed email domains.",
    };
    let held = state
        .held_messages(v, None, Some(50))
        .await?
        .items
        .into_iter()
        .map(|h| HeldItem {
            id: h.message.id,
            sender: h.sender.map(|c| c.name).unwrap_or_default(),
            to: h
                .recipients
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            body_html: h.message.body_html,
            when: date(h.message.created_at),
        })
        .collect();
    Ok(AdminPage {
        layout: Layout::new("Administration", v.member()),
        mode,
        invite,
        held,
    })
}

async fn show_admin(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> PageResult<Response> {
    require_admin(&v).map_err(|e| fail(e, &v, "/admin"))?;
    let page = admin_page(&state, &v, None)
        .await
        .map_err(|e| fail(e, &v, "/admin"))?;
    Ok(render(StatusCode::OK, &page))
}

/// Delivers (`release`) or deletes (`delete`) a held message, then back to the list.
async fn review_held(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((raw, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/admin");
    let id = parse_id(&raw).map_err(back)?;
    let release = match action.as_str() {
        "release" => true,
        "delete" => false,
        _ => return Err(back(guild_core::CoreError::NotFound)),
    };
    state.review_held(&v, id, release).await.map_err(back)?;
    let flash = if release {
        Flash::HeldReleased
    } else {
        Flash::HeldDeleted
    };
    Ok(with_flash(see_other("/admin#held", None), flash))
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
    let page = admin_page(&state, &v, Some((link, date(invite.expires_at))))
        .await
        .map_err(|e| fail(e, &v, "/admin"))?;
    Ok(render(StatusCode::OK, &page))
}
