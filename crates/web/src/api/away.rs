//! The asker's messaging settings (who may message them, read receipts, email) and away
//! period (out of office), and another member's away notice.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use guild_core::messaging::model::{Away, MessageSettings, WhoCanMessage};
use guild_core::messaging::AwayInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::rfc3339;
use super::messages::AwayNoticeJson;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, CurrentViewer};
use crate::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSettingsJson {
    /// `everyone`, `second_degree` or `connections`.
    #[schema(schema_with = who_can_message)]
    pub who_can_message: String,
    /// Reciprocal: off for one means off for both.
    pub read_receipts: bool,
    /// Email about messages unread for a while.
    pub email: bool,
}

fn who_can_message() -> utoipa::openapi::schema::Object {
    super::schema::choice(WhoCanMessage::ALL.map(WhoCanMessage::as_str), false)
}

impl From<MessageSettings> for MessageSettingsJson {
    fn from(s: MessageSettings) -> Self {
        MessageSettingsJson {
            who_can_message: s.who_can_message.as_str().into(),
            read_receipts: s.read_receipts,
            email: s.email_after_minutes > 0,
        }
    }
}

/// The asker's messaging settings.
#[utoipa::path(get, path = "/api/v1/me/messaging-settings", operation_id = "messaging_settings", tag = "messaging",
    responses((status = 200, body = MessageSettingsJson)))]
pub async fn settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<MessageSettingsJson>> {
    Ok(Json(state.message_settings(&v).await?.into()))
}

/// Change the asker's messaging settings.
#[utoipa::path(put, path = "/api/v1/me/messaging-settings", operation_id = "set_messaging_settings", tag = "messaging", request_body = MessageSettingsJson,
    responses((status = 200, body = MessageSettingsJson), (status = 422)))]
pub async fn set_settings(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<MessageSettingsJson>,
) -> ApiResult<Json<MessageSettingsJson>> {
    let who = WhoCanMessage::parse(&r.who_can_message).ok_or_else(|| {
        ApiError::Core(guild_core::CoreError::invalid(
            "who_can_message",
            "Choose everyone, second_degree or connections.",
        ))
    })?;
    let s = MessageSettings {
        who_can_message: who,
        read_receipts: r.read_receipts,
        email_after_minutes: if r.email { 60 } else { 0 },
    };
    state.set_message_settings(&v, &s).await?;
    Ok(Json(s.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwayRequest {
    /// A date (`2026-06-03`) or an RFC 3339 time.
    #[schema(schema_with = super::schema::date_or_time)]
    pub start: String,
    /// The last day away (`2026-06-14`, through its end) or an RFC 3339 time.
    #[schema(schema_with = super::schema::date_or_time)]
    pub end: String,
    #[schema(schema_with = super::schema::text::<{ guild_core::lengths::AWAY_MESSAGE }>)]
    pub message: String,
    #[schema(schema_with = super::schema::optional_any_upto::<{ guild_core::lengths::AWAY_MESSAGE }>)]
    pub message_for_others: Option<String>,
    #[schema(schema_with = super::schema::optional_any)]
    pub contact_handle: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AwayJson {
    pub start: String,
    pub end: String,
    pub message: String,
    pub message_for_others: Option<String>,
    pub contact_id: Option<String>,
    /// In force now (else it is still to come).
    pub current: bool,
}

fn away_json(a: &Away) -> AwayJson {
    let now = guild_core::now_ms();
    AwayJson {
        start: rfc3339(a.starts_at),
        end: rfc3339(a.ends_at),
        message: a.message.clone(),
        message_for_others: a.message_for_others.clone(),
        contact_id: a.contact_id.map(|c| c.to_string()),
        current: a.starts_at <= now && now < a.ends_at,
    }
}

/// The asker's current or coming away period (404 when none).
#[utoipa::path(get, path = "/api/v1/me/away", tag = "messaging",
    responses((status = 200, body = AwayJson), (status = 404)))]
pub async fn get_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<AwayJson>> {
    let a = state
        .my_away(&v)
        .await?
        .ok_or(ApiError::Core(guild_core::CoreError::NotFound))?;
    Ok(Json(away_json(&a)))
}

/// Set the asker's away period (replacing any current or coming one).
#[utoipa::path(put, path = "/api/v1/me/away", tag = "messaging", request_body = AwayRequest,
    responses((status = 200, body = AwayJson), (status = 422)))]
pub async fn set_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<AwayRequest>,
) -> ApiResult<Json<AwayJson>> {
    let a = state
        .set_away(
            &v,
            &AwayInput {
                start: r.start,
                end: r.end,
                message: r.message,
                message_for_others: r.message_for_others,
                contact_handle: r.contact_handle,
            },
        )
        .await?;
    Ok(Json(away_json(&a)))
}

/// End the asker's away period now (or cancel a coming one).
#[utoipa::path(delete, path = "/api/v1/me/away", tag = "messaging",
    responses((status = 204), (status = 404)))]
pub async fn end_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<StatusCode> {
    if state.end_away(&v).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(ApiError::Core(guild_core::CoreError::NotFound))
    }
}

/// A member's away notice, if they are away now (404 otherwise).
#[utoipa::path(get, path = "/api/v1/members/{handle}/away", tag = "messaging", params(("handle" = String, Path)),
    responses((status = 200, body = AwayNoticeJson), (status = 404)))]
pub async fn member_away(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Path(handle): Path<String>,
) -> ApiResult<Json<AwayNoticeJson>> {
    let a = state
        .member_away(&v, &handle)
        .await?
        .ok_or(ApiError::Core(guild_core::CoreError::NotFound))?;
    Ok(Json((&a).into()))
}
