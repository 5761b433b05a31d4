//! The one table from a service error to what the client sees: [`status`] gives every stable
//! code ([`Code`]) its HTTP status, and the error's variant says what else is shown.
//!
//! | error            | status                | code and extras                                   |
//! |------------------|-----------------------|---------------------------------------------------|
//! | Invalid          | 422                   | `invalid_input`, `fields`                         |
//! | bad JSON / body  | 400                   | `bad_request`                                     |
//! | Unauthenticated  | 401                   | `unauthenticated`                                 |
//! | Forbidden        | 403                   | `forbidden`                                       |
//! | NotFound         | 404                   | `not_found`                                       |
//! | Refused          | 409 (a clash) or 403  | its own code                                      |
//! | RateLimited      | 429                   | its own code, `retry_after`, `Retry-After` header |
//! | Internal         | 500                   | `internal`: logged with an id; the client sees only the id |
//! | Unavailable      | 503                   | `database_unavailable`, `Retry-After` header; the cause logged |
//!
//! [`ApiError`] renders it as JSON (`{"error":{…}}`), [`PageError`] as an HTML page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use guild_core::auth::Viewer;
use guild_core::{Code, CoreError};
use serde_json::json;

use crate::html::format::url_encode;
use crate::html::layout::render_error;
use crate::incident::log_internal;

/// The HTTP status of each stable code.
pub fn status(code: Code) -> StatusCode {
    match code {
        Code::InvalidInput => StatusCode::UNPROCESSABLE_ENTITY,
        Code::Unauthenticated | Code::SignInCodeRequired => StatusCode::UNAUTHORIZED,
        Code::Forbidden
        | Code::InvitationNotAllowed
        | Code::NotRepostable
        | Code::Left
        | Code::Blocked
        | Code::RequestPending
        | Code::NotAccepting => StatusCode::FORBIDDEN,
        Code::NotFound => StatusCode::NOT_FOUND,
        Code::AlreadyConnected
        | Code::InvitationPending
        | Code::ConnectionLimitReached
        | Code::HashtagLimitReached
        | Code::NotAGroup
        | Code::NotARequest => StatusCode::CONFLICT,
        Code::RateLimited
        | Code::SignupRateLimited
        | Code::SignInRateLimited
        | Code::ResetRateLimited
        | Code::InvitationQuotaExceeded
        | Code::InvitationCooldown => StatusCode::TOO_MANY_REQUESTS,
        Code::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        Code::DatabaseUnavailable => StatusCode::SERVICE_UNAVAILABLE,
    }
}

/// What a client is told while the database cannot be reached, and when to try again
/// (seconds, `Retry-After`): about as long as a PostgreSQL restart takes.
const UNAVAILABLE: &str =
    "Guild cannot reach its database just now. Nothing was changed; please try again in a few seconds.";
const UNAVAILABLE_RETRY_SECS: HeaderValue = HeaderValue::from_static("5");

/// Logs why the database could not be reached (once per failed request: an operator
/// watching the log sees the outage start and end).
fn log_unavailable(cause: &str) {
    tracing::warn!("database unavailable: {cause}");
}

fn retry_after_header(retry_after: &chrono::DateTime<chrono::Utc>) -> Option<HeaderValue> {
    let secs = (*retry_after - chrono::Utc::now()).num_seconds().max(1);
    HeaderValue::from_str(&secs.to_string()).ok()
}

/// An error for a JSON client.
#[derive(Debug)]
pub enum ApiError {
    Core(CoreError),
    /// The request itself is malformed: bad JSON, unknown fields, wrong content type.
    BadRequest(String),
}

impl From<CoreError> for ApiError {
    fn from(e: CoreError) -> Self {
        ApiError::Core(e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = match self {
            ApiError::BadRequest(m) => {
                let body = json!({"error": {"code": "bad_request", "message": m}});
                return (StatusCode::BAD_REQUEST, Json(body)).into_response();
            }
            ApiError::Core(e) => e,
        };
        let code = e.code();
        let (message, extra) = match &e {
            CoreError::Invalid(f) => (
                "Some fields are not valid.".to_string(),
                json!({"fields": f.0}),
            ),
            CoreError::Unauthenticated(m) | CoreError::Forbidden(m) => (m.clone(), json!({})),
            CoreError::NotFound => ("Not found.".to_string(), json!({})),
            CoreError::Refused { message, .. } => (message.clone(), json!({})),
            CoreError::RateLimited {
                message,
                retry_after,
                ..
            } => (
                message.clone(),
                json!({"retry_after": retry_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}),
            ),
            CoreError::Internal(cause) => {
                let id = log_internal(cause);
                (
                    format!("Something went wrong on our side (error id {id})."),
                    json!({}),
                )
            }
            CoreError::Unavailable(cause) => {
                log_unavailable(cause);
                (UNAVAILABLE.to_string(), json!({}))
            }
        };
        let mut err = json!({"code": code.as_str(), "message": message});
        if let (Some(obj), Some(extra)) = (err.as_object_mut(), extra.as_object()) {
            obj.extend(extra.clone());
        }
        let mut resp = (status(code), Json(json!({ "error": err }))).into_response();
        if let CoreError::RateLimited { retry_after, .. } = &e {
            if let Some(v) = retry_after_header(retry_after) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        if let CoreError::Unavailable(_) = &e {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, UNAVAILABLE_RETRY_SECS);
        }
        resp
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

/// An error for a person: a page with the status, or a redirect to sign in.
#[derive(Debug)]
pub struct PageError {
    pub error: CoreError,
    /// Where to come back after signing in (for 401s).
    pub next: Option<String>,
    pub viewer: Option<guild_core::accounts::model::Member>,
}

impl From<CoreError> for PageError {
    fn from(error: CoreError) -> Self {
        PageError {
            error,
            next: None,
            viewer: None,
        }
    }
}

/// A service error as a page, knowing who asked (for the top bar) and where to come back to
/// after signing in.
pub fn fail(error: CoreError, viewer: &Viewer, next: &str) -> PageError {
    PageError {
        error,
        next: Some(next.to_string()),
        viewer: viewer.member().cloned(),
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = status(self.error.code());
        let v = self.viewer.as_ref();
        match self.error {
            CoreError::Unauthenticated(_) if v.is_none() => {
                let next = self.next.unwrap_or_else(|| "/".into());
                let to = format!("/signin?next={}", url_encode(&next));
                Redirect::to(&to).into_response()
            }
            CoreError::Unauthenticated(m)
            | CoreError::Forbidden(m)
            | CoreError::Refused { message: m, .. } => render_error(v, status, "Not available", &m),
            CoreError::NotFound => render_error(
                v,
                status,
                "Page not found",
                "There is nothing at this address. It may have moved, or never existed.",
            ),
            CoreError::Invalid(f) => {
                let msg = f.0.values().cloned().collect::<Vec<_>>().join(" ");
                render_error(v, status, "Please check what you entered", &msg)
            }
            CoreError::RateLimited {
                message,
                retry_after,
                ..
            } => {
                let mut r = render_error(v, status, "Please wait a little", &message);
                if let Some(h) = retry_after_header(&retry_after) {
                    r.headers_mut().insert(header::RETRY_AFTER, h);
                }
                r
            }
            CoreError::Internal(cause) => {
                let id = log_internal(&cause);
                render_error(v, status, "Something went wrong", &format!("This is our fault, not yours. Please try again; if it keeps happening, tell an administrator the error id {id}."))
            }
            CoreError::Unavailable(cause) => {
                log_unavailable(&cause);
                let mut r = render_error(v, status, "Guild is briefly unavailable", UNAVAILABLE);
                r.headers_mut()
                    .insert(header::RETRY_AFTER, UNAVAILABLE_RETRY_SECS);
                r
            }
        }
    }
}

pub type PageResult<T> = Result<T, PageError>;
