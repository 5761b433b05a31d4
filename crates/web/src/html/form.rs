//! What a page form needs to be shown again after a failure: the values as typed, each error
//! beside its field, and alerts for the whole form. Plus [`PageForm`], the form extractor whose
//! rejection is a 400 page rather than plain text.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{FromRequest, Request};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use guild_core::{CoreError, FieldErrors};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::layout::{render, render_error};
use crate::extract::{cookie, SESSION_COOKIE};
use crate::AppState;

/// One form's state. Values come from serialising the typed input, so a field marked
/// `#[serde(skip_serializing)]` (every password) is never written back into a page.
#[derive(Debug, Clone, Default)]
pub struct Form {
    values: BTreeMap<String, String>,
    errors: FieldErrors,
    /// Messages about the whole form (wrong credentials, a rate limit, or an error about a
    /// field the form does not show), shown at its top.
    pub alerts: Vec<String>,
}

impl Form {
    /// A form filled from `data` (a struct of strings and optional strings).
    pub fn of(data: &impl Serialize) -> Form {
        let values = match serde_json::to_value(data) {
            Ok(serde_json::Value::Object(map)) => map
                .into_iter()
                .map(|(k, v)| {
                    let s = match v {
                        serde_json::Value::String(s) => s,
                        serde_json::Value::Null => String::new(),
                        other => other.to_string(),
                    };
                    (k, s)
                })
                .collect(),
            _ => BTreeMap::new(),
        };
        Form {
            values,
            ..Form::default()
        }
    }

    /// Adds field errors; an error for a field not in `shown` becomes an alert, so that no
    /// message is ever dropped.
    pub fn with_errors(mut self, errors: FieldErrors, shown: &[&str]) -> Form {
        for (field, message) in errors.0 {
            if shown.contains(&field.as_str()) {
                self.errors.add(&field, message);
            } else {
                self.alerts.push(message);
            }
        }
        self
    }

    pub fn with_alert(mut self, message: impl Into<String>) -> Form {
        self.alerts.push(message.into());
        self
    }

    /// The value typed into `field`, or "".
    pub fn v(&self, field: &str) -> &str {
        self.values.get(field).map(String::as_str).unwrap_or("")
    }

    /// Whether a checkbox was ticked.
    pub fn checked(&self, field: &str) -> bool {
        !self.v(field).is_empty()
    }

    /// The message for `field`, if it failed.
    pub fn err(&self, field: &str) -> Option<&str> {
        self.errors.get(field)
    }

    pub fn failed(&self) -> bool {
        !self.errors.is_empty() || !self.alerts.is_empty()
    }
}

/// How a refused submission is answered: the status, and when a limit lifts.
pub struct Refused {
    pub status: StatusCode,
    retry_after_secs: Option<i64>,
}

impl Refused {
    /// Renders the page (built with the failed form) under this status.
    pub fn render(&self, page: &impl Template) -> Response {
        let mut resp = render(self.status, page);
        if let Some(v) = self
            .retry_after_secs
            .and_then(|s| HeaderValue::from_str(&s.to_string()).ok())
        {
            resp.headers_mut().insert(header::RETRY_AFTER, v);
        }
        resp
    }
}

/// Sorts a service error into "show the form again" — invalid input (422, each message beside
/// its field) or a limit (429, the message on top, saying when to retry) — or anything else,
/// handed back for an error page.
pub fn refuse(form: Form, error: CoreError, shown: &[&str]) -> Result<(Refused, Form), CoreError> {
    match error {
        CoreError::Invalid(errors) => Ok((
            Refused {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                retry_after_secs: None,
            },
            form.with_errors(errors, shown),
        )),
        CoreError::RateLimited {
            message,
            retry_after,
            ..
        } => {
            let secs = (retry_after - chrono::Utc::now()).num_seconds().max(1);
            Ok((
                Refused {
                    status: StatusCode::TOO_MANY_REQUESTS,
                    retry_after_secs: Some(secs),
                },
                form.with_alert(message),
            ))
        }
        other => Err(other),
    }
}

/// A URL-encoded form body. A body that cannot be read as the form (wrong content type,
/// malformed encoding, too large) is answered with a 400 page, never a 500 or plain text.
pub struct PageForm<T>(pub T);

impl<T: DeserializeOwned + Send> FromRequest<AppState> for PageForm<T> {
    type Rejection = Response;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Response> {
        let (parts, body) = req.into_parts();
        let token = cookie(&parts, SESSION_COOKIE).map(str::to_string);
        let req = Request::from_parts(parts, body);
        let rejection = match axum::Form::<T>::from_request(req, state).await {
            Ok(axum::Form(v)) => return Ok(PageForm(v)),
            Err(rejection) => rejection.body_text(),
        };
        tracing::debug!("form rejected: {rejection}");
        // Only now ask who it is, for the top bar of the error page.
        let me = match token {
            Some(t) => state
                .session_viewer(&t)
                .await
                .ok()
                .and_then(|v| v.member().cloned()),
            None => None,
        };
        Err(bad_form(me.as_ref()))
    }
}

/// The 400 page for a body that is not the form the page sent.
pub fn bad_form(me: Option<&guild_core::accounts::model::Member>) -> Response {
    render_error(
        me,
        StatusCode::BAD_REQUEST,
        "This form could not be read",
        "What was sent is not a form this page understands. Please go back, reload the page and try again.",
    )
}

/// Where to go after signing in: a local path only (`/…`, not `//…` or `/\…`, which
/// browsers read as another site), else the start page.
pub fn safe_next(raw: Option<&str>) -> String {
    match raw {
        Some(p)
            if p.starts_with('/')
                && !p.starts_with("//")
                && !p.contains('\\')
                && !p.chars().any(char::is_control) =>
        {
            p.to_string()
        }
        _ => "/".to_string(),
    }
}
