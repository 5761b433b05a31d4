//! The invitation routes: send (with every rule's refusal), list, the quota, and the
//! answers — accept, ignore, "I don't know this person", spam — and withdraw.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use guild_core::network::model::{InvitationBox, InvitationState};
use guild_core::network::rules::Quota;
use guild_core::network::{InvitationView, InviteInput, InviteOutcome};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::json::{rfc3339, ListJson, PersonJson};
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiQuery, CurrentViewer, Id};
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteRequest {
    /// The handle of the member to invite.
    #[schema(schema_with = super::schema::any)]
    pub to: String,
    /// At most 300 characters.
    #[schema(schema_with = super::schema::optional_upto::<{ guild_core::lengths::INVITATION_NOTE }>)]
    pub note: Option<String>,
    /// The invitee's email address, when they accept invitations only from people who know
    /// it (or the sender must give it).
    #[schema(schema_with = super::schema::optional_any)]
    pub email: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationJson {
    pub id: String,
    /// The other member: the sender (received box) or the recipient (sent box).
    pub member: PersonJson,
    pub note: Option<String>,
    /// `pending` (an ignored invitation stays `pending` to its sender).
    #[schema(value_type = String)]
    pub state: InvitationState,
    pub created_at: String,
    pub expires_at: String,
}

impl From<&InvitationView> for InvitationJson {
    fn from(v: &InvitationView) -> Self {
        InvitationJson {
            id: v.id.to_string(),
            member: (&v.other).into(),
            note: v.note.clone(),
            state: v.state,
            created_at: rfc3339(v.created_at),
            expires_at: rfc3339(v.expires_at),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationCreated {
    pub invitation: InvitationJson,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConnectionMade {
    /// The member the asker is now connected with.
    pub connection: PersonJson,
}

/// Invite a member to connect. When they had already invited the asker, the two are
/// connected at once (200 with `connection`). Refusals name the rule: `invitation_quota_exceeded`
/// and `invitation_cooldown` (429 with `retry_after`), `invitation_not_allowed` (403),
/// `already_connected`, `invitation_pending`, `connection_limit_reached` (409), a missing or
/// wrong `email` (422).
#[utoipa::path(post, path = "/api/v1/invitations", tag = "network", request_body = InviteRequest,
    responses((status = 201, body = InvitationCreated), (status = 200, body = ConnectionMade),
        (status = 403), (status = 404), (status = 409), (status = 422), (status = 429)))]
pub async fn invite(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<InviteRequest>,
) -> ApiResult<Response> {
    let input = InviteInput {
        to: r.to,
        note: r.note,
        email: r.email,
    };
    Ok(match state.invite(&v, &input).await? {
        InviteOutcome::Sent(inv) => (
            StatusCode::CREATED,
            Json(InvitationCreated {
                invitation: (&inv).into(),
            }),
        )
            .into_response(),
        InviteOutcome::Connected(p) => Json(ConnectionMade {
            connection: (&p).into(),
        })
        .into_response(),
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InvitationParams {
    /// `received` (default) or `sent`.
    #[serde(rename = "box")]
    #[param(rename = "box", schema_with = invitation_box)]
    pub box_: Option<String>,
    #[param(schema_with = super::schema::cursor)]
    pub cursor: Option<String>,
    #[param(schema_with = super::schema::limit)]
    pub limit: Option<u32>,
}

fn invitation_box() -> utoipa::openapi::schema::Object {
    super::schema::choice(InvitationBox::ALL.map(InvitationBox::as_str), false)
}

/// The asker's open invitations, newest first.
#[utoipa::path(get, path = "/api/v1/invitations", tag = "network", params(InvitationParams),
    responses((status = 200, body = ListJson<InvitationJson>)))]
pub async fn list_invitations(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<InvitationParams>,
) -> ApiResult<Json<ListJson<InvitationJson>>> {
    let box_ = match p.box_.as_deref() {
        None => InvitationBox::Received,
        Some(raw) => InvitationBox::parse(raw)
            .ok_or_else(|| guild_core::CoreError::invalid("box", "Use received or sent."))?,
    };
    let page = state
        .invitations(&v, box_, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, InvitationJson::from)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuotaJson {
    pub limit: u32,
    pub used: u32,
    pub left: u32,
    pub resets_at: String,
    /// "37 of 100 left this week, resets Monday"
    pub label: String,
}

impl From<Quota> for QuotaJson {
    fn from(q: Quota) -> Self {
        QuotaJson {
            limit: q.limit,
            used: q.used,
            left: q.left(),
            resets_at: rfc3339(q.resets_at),
            label: q.label(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvitationSummary {
    pub quota: QuotaJson,
    /// Pending invitations waiting for the asker.
    pub pending_received: i64,
}

/// The weekly invitation quota and how many invitations wait for an answer.
#[utoipa::path(get, path = "/api/v1/invitations/summary", tag = "network",
    responses((status = 200, body = InvitationSummary)))]
pub async fn invitation_summary(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<InvitationSummary>> {
    Ok(Json(InvitationSummary {
        quota: state.invitation_quota(&v).await?.into(),
        pending_received: state.pending_invitation_count(&v).await?,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerJson {
    /// The invitation's state now: `accepted`, `ignored`, `dont_know`, `spam` or `withdrawn`.
    pub state: String,
}

/// Accept an invitation addressed to the asker (404 for anyone else's).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/accept", operation_id = "accept_invitation", tag = "network", params(("id" = String, Path)),
    responses((status = 200, body = ConnectionMade), (status = 404), (status = 409)))]
pub async fn accept(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<ConnectionMade>> {
    let p = state.accept_invitation(&v, id).await?;
    Ok(Json(ConnectionMade {
        connection: (&p).into(),
    }))
}

async fn answer(
    state: &AppState,
    v: &guild_core::auth::Viewer,
    id: i64,
    answer: InvitationState,
) -> ApiResult<Json<AnswerJson>> {
    state.answer_invitation(v, id, answer).await?;
    Ok(Json(AnswerJson {
        state: answer.as_str().into(),
    }))
}

/// Ignore an invitation. Silent: the sender is not told.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/ignore", operation_id = "ignore_invitation", tag = "network", params(("id" = String, Path)),
    responses((status = 200, body = AnswerJson), (status = 404)))]
pub async fn ignore(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<AnswerJson>> {
    answer(&state, &v, id, InvitationState::Ignored).await
}

/// "I don't know this person": the sender can never invite the asker again.
#[utoipa::path(post, path = "/api/v1/invitations/{id}/dont-know", tag = "network", params(("id" = String, Path)),
    responses((status = 200, body = AnswerJson), (status = 404)))]
pub async fn dont_know(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<AnswerJson>> {
    answer(&state, &v, id, InvitationState::DontKnow).await
}

/// Report an invitation as spam (counts as "I don't know this person").
#[utoipa::path(post, path = "/api/v1/invitations/{id}/spam", tag = "network", params(("id" = String, Path)),
    responses((status = 200, body = AnswerJson), (status = 404)))]
pub async fn spam(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<AnswerJson>> {
    answer(&state, &v, id, InvitationState::Spam).await
}

/// Withdraw an invitation the asker sent (404 for anyone else's).
#[utoipa::path(post, path = "/api/v1/invitations/{id}/withdraw", tag = "network", params(("id" = String, Path)),
    responses((status = 200, body = AnswerJson), (status = 404)))]
pub async fn withdraw(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<AnswerJson>> {
    state.withdraw_invitation(&v, id).await?;
    Ok(Json(AnswerJson {
        state: "withdrawn".into(),
    }))
}
