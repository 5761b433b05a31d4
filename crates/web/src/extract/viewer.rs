//! Who is asking ([`CurrentViewer`], from a bearer token or the session cookie), and from
//! where ([`ClientIp`]); the session cookie itself.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use guild_core::auth::Viewer;
use guild_core::CoreError;

use crate::error::{ApiError, PageError};
use crate::AppState;

pub const SESSION_COOKIE: &str = "guild_session";

/// The value of a named cookie, if the request has it.
pub fn cookie<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// `Set-Cookie` for a new session: HttpOnly, SameSite=Lax, Secure behind HTTPS.
pub fn session_cookie(token: &str, secure: bool, max_age_days: u32) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        u64::from(max_age_days) * 86_400,
        if secure { "; Secure" } else { "" }
    )
}

/// `Set-Cookie` that removes the session cookie.
pub fn clear_session_cookie(secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{}",
        if secure { "; Secure" } else { "" }
    )
}

fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// The member asking, from `Authorization: Bearer <token>` or the session cookie; anonymous
/// when neither is present. A bearer token that is wrong or revoked is refused with 401 rather
/// than treated as anonymous, so a script learns its token no longer works.
pub struct CurrentViewer(pub Viewer);

/// A viewer already established for this request (by the pages' top-bar middleware), so
/// the handler's [`CurrentViewer`] does not look the session up a second time.
#[derive(Clone)]
pub struct ResolvedViewer(pub Viewer);

impl FromRequestParts<AppState> for CurrentViewer {
    type Rejection = ViewerRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(ResolvedViewer(v)) = parts.extensions.get::<ResolvedViewer>() {
            return Ok(CurrentViewer(v.clone()));
        }
        let api = super::is_api(parts);
        let reject = |error| ViewerRejection { error, api };
        if let Some(token) = bearer(parts) {
            return match state.token_viewer(token).await.map_err(reject)? {
                Some(v) => Ok(CurrentViewer(v)),
                None => Err(reject(CoreError::Unauthenticated(
                    "This access token is not valid or was revoked.".into(),
                ))),
            };
        }
        match cookie(parts, SESSION_COOKIE) {
            Some(t) if !t.is_empty() => Ok(CurrentViewer(
                state.session_viewer(t).await.map_err(reject)?,
            )),
            _ => Ok(CurrentViewer(Viewer::Anonymous)),
        }
    }
}

/// Why the asker could not be established: answered as JSON under `/api/`, as a page elsewhere.
#[derive(Debug)]
pub struct ViewerRejection {
    pub error: CoreError,
    api: bool,
}

impl IntoResponse for ViewerRejection {
    fn into_response(self) -> Response {
        if self.api {
            ApiError::Core(self.error).into_response()
        } else {
            PageError::from(self.error).into_response()
        }
    }
}

/// The raw session cookie value (to end that session on sign-out or rotate it on sign-in).
pub struct SessionToken(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for SessionToken {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(SessionToken(
            cookie(parts, SESSION_COOKIE)
                .filter(|t| !t.is_empty())
                .map(str::to_string),
        ))
    }
}

/// The client's address: the socket peer, or — only with `behind_proxy` — the first
/// `X-Forwarded-For` entry. Used as the key of per-IP limits.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if state.settings.behind_proxy {
            if let Some(ip) = parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(',').next())
                .map(str::trim)
                .filter(|s| !s.is_empty() && s.len() <= 64)
            {
                return Ok(ClientIp(ip.to_string()));
            }
        }
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientIp(peer.unwrap_or_else(|| "unknown".into())))
    }
}
