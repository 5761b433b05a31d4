//! `/auth/*`, password and email: sign-up, access tokens, credentials.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use guild_core::accounts::SignupInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::json::{rfc3339, ListJson};
use crate::error::ApiResult;
use crate::extract::{session_cookie, ApiJson, ClientIp, CurrentViewer, Id};
use crate::AppState;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignupRequest {
    #[schema(schema_with = super::schema::line::<{ guild_core::lengths::NAME }>)]
    pub name: String,
    #[schema(schema_with = super::schema::email)]
    pub email: String,
    #[schema(schema_with = super::schema::new_password)]
    pub password: String,
    #[schema(schema_with = super::schema::optional_handle)]
    pub handle: Option<String>,
    /// The invitation token, where sign-up is by invitation only.
    pub invite: Option<String>,
}

/// The member a sign-up will make once its link is opened: no id yet, for there is no member
/// until then.
#[derive(Debug, Serialize, ToSchema)]
pub struct PendingMemberJson {
    pub handle: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SignupResponse {
    pub member: PendingMemberJson,
    /// Always `confirmation_sent`: the account works once the emailed link is opened. The
    /// answer is the same for an address that is already registered (its owner is emailed).
    pub status: String,
}

/// Sign up. The account is confirmed through an emailed link.
#[utoipa::path(post, path = "/api/v1/auth/signup", request_body = SignupRequest, tag = "accounts",
    responses((status = 201, body = SignupResponse), (status = 422, description = "invalid fields"), (status = 429, description = "too many sign-ups")))]
pub async fn signup(
    state: axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(r): ApiJson<SignupRequest>,
) -> ApiResult<Response> {
    let input = SignupInput {
        name: r.name,
        email: r.email,
        password: r.password,
        handle: r.handle,
        invite: r.invite,
    };
    let out = state.signup(input, &ip).await?;
    let member = PendingMemberJson {
        handle: out.handle.to_string(),
        name: out.name,
    };
    Ok((
        StatusCode::CREATED,
        Json(SignupResponse {
            member,
            status: "confirmation_sent".into(),
        }),
    )
        .into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenRequest {
    #[schema(schema_with = super::schema::password)]
    pub email: String,
    /// Not needed with `code`.
    #[serde(default)]
    #[schema(schema_with = super::schema::password)]
    pub password: String,
    #[schema(schema_with = super::schema::optional_line::<{ guild_core::lengths::TOKEN_LABEL }>)]
    pub label: Option<String>,
    /// The sign-in code emailed when the password was right but the account is being
    /// guessed (`sign_in_code_required`); given instead of the password.
    #[schema(schema_with = super::schema::sign_in_code)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct NewTokenResponse {
    /// The secret: shown this once, stored only hashed.
    pub token: String,
    pub id: String,
}

/// Create a personal access token with email and password. When the account is being
/// guessed, the right password answers 401 `sign_in_code_required` and a code is emailed:
/// ask again with `email` and `code`.
#[utoipa::path(post, path = "/api/v1/auth/tokens", request_body = TokenRequest, tag = "accounts",
    responses((status = 201, body = NewTokenResponse), (status = 401, description = "wrong email or password (`unauthenticated`); or the right password for an account being guessed, whose owner is emailed a code (`sign_in_code_required`)"), (status = 422, description = "a `code` that is not right or has expired"), (status = 429, description = "too many attempts")))]
pub async fn create_token(
    state: axum::extract::State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(r): ApiJson<TokenRequest>,
) -> ApiResult<Response> {
    let member = match &r.code {
        Some(code) => state.check_sign_in_code(&r.email, code, &ip).await?,
        None => state.check_credentials(&r.email, &r.password, &ip).await?,
    };
    let viewer = guild_core::auth::Viewer::Member(member);
    let (id, token) = state
        .create_token(&viewer, r.label.as_deref().unwrap_or(""))
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(NewTokenResponse {
            token,
            id: id.to_string(),
        }),
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TokenJson {
    pub id: String,
    pub label: String,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// My active access tokens (never their secrets).
#[utoipa::path(get, path = "/api/v1/auth/tokens", tag = "accounts", responses((status = 200, body = ListJson<TokenJson>)))]
pub async fn list_tokens(
    state: axum::extract::State<AppState>,
    CurrentViewer(v): CurrentViewer,
) -> ApiResult<Json<ListJson<TokenJson>>> {
    let items: Vec<TokenJson> = state
        .list_tokens(&v)
        .await?
        .into_iter()
        .map(|t| TokenJson {
            id: t.id.to_string(),
            label: t.label,
            created_at: rfc3339(t.created_at),
            last_used_at: t.last_used_at.map(rfc3339),
        })
        .collect();
    Ok(Json(ListJson::all(items)))
}

/// Revoke one of my tokens. Another member's token id is 404.
#[utoipa::path(delete, path = "/api/v1/auth/tokens/{id}", tag = "accounts", params(("id" = String, Path)),
    responses((status = 204), (status = 401), (status = 404)))]
pub async fn revoke_token(
    state: axum::extract::State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<StatusCode> {
    state.revoke_token(&v, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    #[schema(schema_with = super::schema::password)]
    pub current_password: String,
    #[schema(schema_with = super::schema::new_password)]
    pub new_password: String,
    /// Keep the account's access tokens working (default: revoke them all, this one too).
    #[serde(default)]
    pub keep_tokens: bool,
}

/// Change my password. Every session of the account ends (a session-cookie caller gets a new
/// one), and every access token is revoked unless `keep_tokens` is true.
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange, tag = "accounts",
    responses((status = 204), (status = 401), (status = 422)))]
pub async fn change_password(
    state: axum::extract::State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<PasswordChange>,
) -> ApiResult<Response> {
    let s = state
        .change_password(&v, &r.current_password, &r.new_password, r.keep_tokens)
        .await?;
    let cookie = session_cookie(
        &s.token,
        state.settings.secure_cookies(),
        state.settings.limits.session_days,
    );
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookie)]).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailChange {
    #[schema(schema_with = super::schema::password)]
    pub password: String,
    #[schema(schema_with = super::schema::email)]
    pub email: String,
}

/// Change my email address (asks for the password; the old address is told).
#[utoipa::path(put, path = "/api/v1/me/email", request_body = EmailChange, tag = "accounts",
    responses((status = 204), (status = 401), (status = 422)))]
pub async fn change_email(
    state: axum::extract::State<AppState>,
    CurrentViewer(v): CurrentViewer,
    ApiJson(r): ApiJson<EmailChange>,
) -> ApiResult<StatusCode> {
    state.change_email(&v, &r.password, &r.email).await?;
    Ok(StatusCode::NO_CONTENT)
}
