//! `/in/{handle}`: a member's profile, as the viewer may see it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::profiles::{photo_url, ProfileView};

use super::{fail, initials, render, url_encode, visibility_label, Layout, Meter};
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/in/{handle}", get(show_profile))
}

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    layout: Layout,
    view: ProfileView,
    photo: Option<String>,
    initials: String,
    current_company: Option<String>,
    /// Shown only on one's own profile.
    meter: Option<Meter>,
    visibility: &'static str,
    has_contact: bool,
}

async fn show_profile(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> PageResult<Response> {
    let view = state
        .view_profile(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &format!("/in/{}", url_encode(&handle))))?;
    let p = &view.profile;
    let page = ProfilePage {
        layout: Layout::new(&view.member.name, v.member()),
        photo: p
            .photo_key
            .as_deref()
            .map(|k| photo_url(k, guild_core::photo::LARGE)),
        initials: initials(&view.member.name),
        current_company: view.current_position().map(|c| c.company.clone()),
        meter: view.strength.as_ref().map(Meter::from),
        visibility: visibility_label(p.visibility),
        has_contact: view.contact_visible
            && (p.contact_email.is_some() || p.phone.is_some() || p.website.is_some()),
        view,
    };
    Ok(render(StatusCode::OK, &page))
}
