//! `/in/{handle}`: a member's profile, as the viewer may see it.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::profiles::{photo_url, ProfileView};

use super::cards::Card;
use super::format::{initials, url_encode, visibility_label};
use super::layout::{render, Layout};
use super::post_items::PostItem;
use super::strength::Meter;
use crate::error::fail;
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
    /// The badge, mutual count and relation, for everyone but the member themself.
    card: Option<Card>,
    following: bool,
    connections: String,
    /// "How you're connected": the chain from the viewer, when within 3 hops.
    path: Vec<Card>,
    notice: Option<&'static str>,
    signed_in: bool,
    /// The member's latest posts the viewer may read.
    activity: Vec<PostItem>,
    /// Where reaction forms on those posts return to.
    back: String,
    /// "Bo is away until 3 June — contact Cy." (signed-in visitors only).
    away: Option<String>,
}

#[derive(Debug, Default, serde::Deserialize)]
struct Done {
    done: Option<String>,
}

async fn show_profile(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    done: axum::extract::Query<Done>,
) -> PageResult<Response> {
    let view = state
        .view_profile(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &format!("/in/{}", url_encode(&handle))))?;
    let path = if view.is_self || v.member().is_none() {
        Vec::new()
    } else {
        match state.path_to(&v, &handle).await {
            Ok(p) if p.path.len() > 2 => p.path.iter().map(Card::from).collect(),
            _ => Vec::new(),
        }
    };
    let activity = state
        .posts_by(&v, &handle, None, Some(3))
        .await
        .map(|page| page.items.iter().map(PostItem::from).collect())
        .map_err(|e| fail(e, &v, &format!("/in/{}", url_encode(&handle))))?;
    let away = if view.is_self {
        None
    } else {
        state
            .away_of(&v, view.member.id)
            .await
            .map_err(|e| fail(e, &v, &format!("/in/{}", url_encode(&handle))))?
            .map(|a| a.notice)
    };
    let p = &view.profile;
    let page = ProfilePage {
        away,
        activity,
        back: format!("/in/{}", view.member.handle),
        card: view
            .network
            .person
            .as_ref()
            .filter(|_| !view.is_self)
            .map(Card::from),
        following: view.network.following,
        connections: view.network.connections_label(),
        path,
        notice: match done.done.as_deref() {
            Some("invited") => Some("Invitation sent."),
            Some("connected") => Some("You are now connected."),
            _ => None,
        },
        signed_in: v.member().is_some(),
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
