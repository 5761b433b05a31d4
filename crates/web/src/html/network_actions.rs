//! The network's form actions: answering and withdrawing invitations, dismissing
//! suggestions, who may invite me, and the buttons on a member (follow, unfollow, remove,
//! block, unblock). Each calls its core service and redirects back with a confirmation.

use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::post;
use axum::Router;
use guild_core::network::model::InvitationState;
use serde::Deserialize;

use super::form::PageForm;
use super::format::url_encode;
use super::layout::see_other;
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::input::parse_id;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/network/invite-policy", post(set_invite_policy))
        .route("/network/invitations/{id}/{action}", post(answer))
        .route("/network/suggestions/{handle}/dismiss", post(dismiss))
        .route("/in/{handle}/remove", post(remove_connection))
        .route("/in/{handle}/{action}", post(member_action))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PolicyForm {
    invite_policy: String,
}

async fn set_invite_policy(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    PageForm(f): PageForm<PolicyForm>,
) -> PageResult<Response> {
    state
        .set_invite_policy(&v, &f.invite_policy)
        .await
        .map_err(|e| fail(e, &v, "/network/manage"))?;
    Ok(see_other("/network/manage?done=policy", None))
}

async fn answer(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((id, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let back = |e| fail(e, &v, "/network");
    let id = parse_id(&id).map_err(back)?;
    let to = match action.as_str() {
        "accept" => {
            state.accept_invitation(&v, id).await.map_err(back)?;
            "/network?done=accept"
        }
        "withdraw" => {
            state.withdraw_invitation(&v, id).await.map_err(back)?;
            "/network/sent?done=withdraw"
        }
        other => {
            let (answer, to) = match other {
                "ignore" => (InvitationState::Ignored, "/network?done=ignore"),
                "dont-know" => (InvitationState::DontKnow, "/network?done=dont-know"),
                "spam" => (InvitationState::Spam, "/network?done=spam"),
                _ => return Err(back(guild_core::CoreError::NotFound)),
            };
            state
                .answer_invitation(&v, id, answer)
                .await
                .map_err(back)?;
            to
        }
    };
    Ok(see_other(to, None))
}

/// Where a member action returns: the page it came from when that is one of ours.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Back {
    back: String,
}

fn back_to(b: &Back, fallback: &str, done: &str) -> String {
    let base = if b.back.starts_with('/') && !b.back.starts_with("//") {
        b.back.as_str()
    } else {
        fallback
    };
    let sep = if base.contains('?') { '&' } else { '?' };
    format!("{base}{sep}done={done}")
}

async fn dismiss(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    PageForm(b): PageForm<Back>,
) -> PageResult<Response> {
    state
        .dismiss_suggestion(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, "/network"))?;
    Ok(see_other(&back_to(&b, "/network", "dismiss"), None))
}

/// Follow, unfollow, block, unblock: one button on a profile or in "Manage", then back.
async fn member_action(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path((handle, action)): Path<(String, String)>,
) -> PageResult<Response> {
    let profile = format!("/in/{}", url_encode(&handle));
    let (result, back) = match action.as_str() {
        "follow" => (state.set_follow(&v, &handle, true).await, profile.clone()),
        "unfollow" => (state.set_follow(&v, &handle, false).await, profile.clone()),
        "block" => (
            state.block(&v, &handle).await,
            "/network/manage?done=blocked".into(),
        ),
        "unblock" => (
            state.unblock(&v, &handle).await,
            "/network/manage?done=unblocked".into(),
        ),
        _ => (Err(guild_core::CoreError::NotFound), profile.clone()),
    };
    result.map_err(|e| fail(e, &v, &profile))?;
    Ok(see_other(&back, None))
}

async fn remove_connection(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    PageForm(b): PageForm<Back>,
) -> PageResult<Response> {
    state
        .remove_connection(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, "/network/connections"))?;
    Ok(see_other(
        &back_to(&b, "/network/connections", "removed"),
        None,
    ))
}
