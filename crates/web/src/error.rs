//! The one table from a service error to what the client sees.
//!
//! | error            | status | code                       |
//! |------------------|--------|----------------------------|
//! | Invalid          | 422    | `invalid_input` (+ fields) |
//! | bad JSON / body  | 400    | `bad_request`              |
//! | Unauthenticated  | 401    | `unauthenticated`          |
//! | Forbidden        | 403    | `forbidden`                |
//! | NotFound         | 404    | `not_found`                |
//! | Conflict         | 409    | its own code               |
//! | Refused          | 403    | its own code               |
//! | RateLimited      | 429    | its own code, `retry_after`, `Retry-After` header |
//! | Internal         | 500    | `internal`: logged with an id; the client sees only the id |
//!
//! [`ApiError`] renders it as JSON (`{"error":{…}}`), [`PageError`] as an HTML page.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Json;
use guild_core::auth::Viewer;
use guild_core::CoreError;
use serde_json::json;

use crate::html::format::url_encode;
use crate::html::layout::render_error;
use crate::incident::log_internal;

pub fn status_of(e: &CoreError) -> StatusCode {
    match e {
        CoreError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
        CoreError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        CoreError::Forbidden(_) => StatusCode::FORBIDDEN,
        CoreError::NotFound => StatusCode::NOT_FOUND,
        CoreError::Conflict { .. } => StatusCode::CONFLICT,
        CoreError::Refused { .. } => StatusCode::FORBIDDEN,
        CoreError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        CoreError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
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
        let status = status_of(&e);
        let (code, message, extra) = match &e {
            CoreError::Invalid(f) => (
                "invalid_input",
                "Some fields are not valid.".to_string(),
                json!({"fields": f.0}),
            ),
            CoreError::Unauthenticated(m) => ("unauthenticated", m.clone(), json!({})),
            CoreError::Forbidden(m) => ("forbidden", m.clone(), json!({})),
            CoreError::NotFound => ("not_found", "Not found.".to_string(), json!({})),
            CoreError::Conflict { code, message } | CoreError::Refused { code, message } => {
                (*code, message.clone(), json!({}))
            }
            CoreError::RateLimited {
                code,
                message,
                retry_after,
            } => (
                *code,
                message.clone(),
                json!({"retry_after": retry_after.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}),
            ),
            CoreError::Internal(cause) => {
                let id = log_internal(cause);
                (
                    "internal",
                    format!("Something went wrong on our side (error id {id})."),
                    json!({}),
                )
            }
        };
        let mut err = json!({"code": code, "message": message});
        if let (Some(obj), Some(extra)) = (err.as_object_mut(), extra.as_object()) {
            obj.extend(extra.clone());
        }
        let mut resp = (status, Json(json!({ "error": err }))).into_response();
        if let CoreError::RateLimited { retry_after, .. } = &e {
            if let Some(v) = retry_after_header(retry_after) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
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
        let status = status_of(&self.error);
        let v = self.viewer.as_ref();
        match self.error {
            CoreError::Unauthenticated(_) if v.is_none() => {
                let next = self.next.unwrap_or_else(|| "/".into());
                let to = format!("/signin?next={}", url_encode(&next));
                Redirect::to(&to).into_response()
            }
            CoreError::Unauthenticated(m)
            | CoreError::Forbidden(m)
            | CoreError::Conflict { message: m, .. }
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
        }
    }
}

pub type PageResult<T> = Result<T, PageError>;
