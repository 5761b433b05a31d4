//! `/in/{handle}/invite`: the invite form. It shows the week's quota ("37 of 100 left this
//! week, resets Monday"), asks for the invitee's email address when a rule needs it, and says
//! which rule stops an invitation and when it lifts — before sending, and again if sending
//! is refused.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use guild_core::auth::Viewer;
use guild_core::network::{InviteCheck, InviteInput, InviteOutcome};
use guild_core::CoreError;
use serde::{Deserialize, Serialize};

use super::cards::Card;
use super::form::{refuse, Form, PageForm};
use super::format::url_encode;
use super::layout::{render, see_other, Layout};
use crate::error::fail;
use crate::error::PageResult;
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/in/{handle}/invite", get(show_invite).post(send_invite))
}

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(default)]
struct InviteForm {
    note: String,
    email: String,
}

#[derive(Template)]
#[template(path = "invite.html")]
struct InvitePage {
    layout: Layout,
    card: Card,
    quota: String,
    /// Why the invitee's email address is asked for, when it is.
    email_reason: Option<String>,
    /// The rule that stops this invitation, with when it lifts.
    refusal: Option<String>,
    form: Form,
    /// The invitee's away notice, if they are away.
    away: Option<String>,
}

fn refusal_text(e: &CoreError) -> Option<String> {
    match e {
        CoreError::RateLimited { message, .. } | CoreError::Refused { message, .. } => {
            Some(message.clone())
        }
        CoreError::Invalid(f) => Some(f.0.values().cloned().collect::<Vec<_>>().join(" ")),
        _ => None,
    }
}

async fn page(
    state: &AppState,
    v: &Viewer,
    check: InviteCheck,
    form: Form,
) -> Result<InvitePage, CoreError> {
    let away = state.away_of(v, check.to.card.id).await?.map(|a| a.notice);
    let refusal = match check.refusal {
        Some(e) => Some(refusal_text(&e).ok_or(e)?),
        None => None,
    };
    Ok(InvitePage {
        layout: Layout::new(&format!("Invite {}", check.to.card.name), v.member()),
        card: Card::from(&check.to),
        quota: check.quota.label(),
        email_reason: check.email_required,
        refusal,
        form,
        away,
    })
}

async fn show_invite(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> PageResult<Response> {
    let here = format!("/in/{}/invite", url_encode(&handle));
    let check = state
        .invite_check(&v, &handle)
        .await
        .map_err(|e| fail(e, &v, &here))?;
    let p = page(&state, &v, check, Form::default())
        .await
        .map_err(|e| fail(e, &v, &here))?;
    Ok(render(StatusCode::OK, &p))
}

async fn send_invite(
    State(state): State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
    PageForm(f): PageForm<InviteForm>,
) -> PageResult<Response> {
    let here = format!("/in/{}/invite", url_encode(&handle));
    let input = InviteInput {
        to: handle.clone(),
        note: Some(f.note.clone()),
        email: Some(f.email.clone()).filter(|e| !e.trim().is_empty()),
    };
    match state.invite(&v, &input).await {
        Ok(InviteOutcome::Sent(_)) => Ok(see_other(
            &format!("/in/{}?done=invited", url_encode(&handle)),
            None,
        )),
        Ok(InviteOutcome::Connected(_)) => Ok(see_other(
            &format!("/in/{}?done=connected", url_encode(&handle)),
            None,
        )),
        Err(e) => {
            let form = Form::of(&f);
            let check = state
                .invite_check(&v, &handle)
                .await
                .map_err(|e| fail(e, &v, &here))?;
            let (status, form) = match e {
                e @ CoreError::Refused { .. } => {
                    let msg = refusal_text(&e).unwrap_or_default();
                    (StatusCode::CONFLICT, form.with_alert(msg))
                }
                e => {
                    let (r, form) =
                        refuse(form, e, &["note", "email"]).map_err(|e| fail(e, &v, &here))?;
                    let p = page(&state, &v, check, form)
                        .await
                        .map_err(|e| fail(e, &v, &here))?;
                    return Ok(r.render(&p));
                }
            };
            let p = page(&state, &v, check, form)
                .await
                .map_err(|e| fail(e, &v, &here))?;
            Ok(render(status, &p))
        }
    }
}
