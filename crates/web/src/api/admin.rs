//! What administrators review through the API: messages held as likely spam.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use guild_core::messaging::MessageView;
use serde::Serialize;
use utoipa::ToSchema;

use super::json::{ListJson, MemberJson, OkJson, PageParams};
use super::messages::MessageJson;
use crate::error::ApiResult;
use crate::extract::{ApiQuery, CurrentViewer, Id};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HeldJson {
    pub message: MessageJson,
    pub sender: Option<MemberJson>,
    pub recipients: Vec<MemberJson>,
}

/// Messages held as likely spam, newest first (administrators only).
#[utoipa::path(get, path = "/api/v1/admin/held-messages", tag = "messaging", params(PageParams),
    responses((status = 200, body = ListJson<HeldJson>), (status = 403)))]
pub async fn held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiQuery(p): ApiQuery<PageParams>,
) -> ApiResult<Json<ListJson<HeldJson>>> {
    let page = state
        .held_messages(&v, p.cursor.as_deref(), p.limit)
        .await?;
    Ok(Json(ListJson::of(&page, |h| HeldJson {
        message: (&MessageView {
            m: h.message.clone(),
            sender: None,
            seen: false,
        })
            .into(),
        sender: h.sender.as_ref().map(MemberJson::from),
        recipients: h.recipients.iter().map(MemberJson::from).collect(),
    })))
}

/// Deliver a held message after review (administrators only).
#[utoipa::path(post, path = "/api/v1/admin/held-messages/{id}/release", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200, body = OkJson), (status = 403, description = "not an administrator")))]
pub async fn release_held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Json<OkJson>> {
    state.review_held(&v, id, true).await?;
    Ok(OkJson::done())
}

/// Delete a held message after review (administrators only).
#[utoipa::path(delete, path = "/api/v1/admin/held-messages/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 204), (status = 403), (status = 404)))]
pub async fn delete_held(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.review_held(&v, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
