//! The errors that services return: what went wrong, never which HTTP status to send.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

/// Field name → human sentence, shown beside the field (pages) or under `fields` (JSON).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn single(field: &str, message: impl Into<String>) -> Self {
        let mut e = Self::new();
        e.add(field, message);
        e
    }
    /// Records the first problem found for a field; later ones for the same field are dropped.
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_string())
            .or_insert_with(|| message.into());
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
    /// Collects the `Err` of a parse into this set, returning the value when it parsed.
    pub fn take<T>(&mut self, field: &str, r: Result<T, String>) -> Option<T> {
        match r {
            Ok(v) => Some(v),
            Err(m) => {
                self.add(field, m);
                None
            }
        }
    }
    pub fn into_result(self) -> Result<(), CoreError> {
        if self.is_empty() {
            Ok(())
        } else {
            Err(CoreError::Invalid(self))
        }
    }
}

/// The stable codes API clients read in `error.code`, one per way a request can fail. The
/// web layer maps each to its HTTP status in one table; a code's meaning never changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Code {
    /// Fields are not valid (their messages are under `fields`).
    InvalidInput,
    /// Not signed in, or credentials that do not check out.
    Unauthenticated,
    /// Signed in but not allowed.
    Forbidden,
    /// Absent, or not for this asker.
    NotFound,
    /// Something failed on our side.
    Internal,
    /// The database cannot be reached just now (stopped, restarting, the network to it
    /// gone): nothing was done, and the same request may succeed in a few seconds.
    DatabaseUnavailable,
    // Limits: each lifts at `retry_after`.
    RateLimited,
    SignupRateLimited,
    SignInRateLimited,
    ResetRateLimited,
    /// The password was right, but the account is being guessed: sign in with the code
    /// emailed to its owner.
    SignInCodeRequired,
    InvitationQuotaExceeded,
    InvitationCooldown,
    // Clashes with how things stand.
    AlreadyConnected,
    InvitationPending,
    ConnectionLimitReached,
    HashtagLimitReached,
    NotAGroup,
    NotARequest,
    // What a rule does not allow.
    InvitationNotAllowed,
    NotRepostable,
    Left,
    Blocked,
    RequestPending,
    NotAccepting,
}

impl Code {
    pub const ALL: [Code; 25] = [
        Code::InvalidInput,
        Code::Unauthenticated,
        Code::Forbidden,
        Code::NotFound,
        Code::Internal,
        Code::DatabaseUnavailable,
        Code::RateLimited,
        Code::SignupRateLimited,
        Code::SignInRateLimited,
        Code::ResetRateLimited,
        Code::SignInCodeRequired,
        Code::InvitationQuotaExceeded,
        Code::InvitationCooldown,
        Code::AlreadyConnected,
        Code::InvitationPending,
        Code::ConnectionLimitReached,
        Code::HashtagLimitReached,
        Code::NotAGroup,
        Code::NotARequest,
        Code::InvitationNotAllowed,
        Code::NotRepostable,
        Code::Left,
        Code::Blocked,
        Code::RequestPending,
        Code::NotAccepting,
    ];

    /// The code as clients read it: `invitation_quota_exceeded`.
    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidInput => "invalid_input",
            Code::Unauthenticated => "unauthenticated",
            Code::Forbidden => "forbidden",
            Code::NotFound => "not_found",
            Code::Internal => "internal",
            Code::DatabaseUnavailable => "database_unavailable",
            Code::RateLimited => "rate_limited",
            Code::SignupRateLimited => "signup_rate_limited",
            Code::SignInRateLimited => "sign_in_rate_limited",
            Code::ResetRateLimited => "reset_rate_limited",
            Code::SignInCodeRequired => "sign_in_code_required",
            Code::InvitationQuotaExceeded => "invitation_quota_exceeded",
            Code::InvitationCooldown => "invitation_cooldown",
            Code::AlreadyConnected => "already_connected",
            Code::InvitationPending => "invitation_pending",
            Code::ConnectionLimitReached => "connection_limit_reached",
            Code::HashtagLimitReached => "hashtag_limit_reached",
            Code::NotAGroup => "not_a_group",
            Code::NotARequest => "not_a_request",
            Code::InvitationNotAllowed => "invitation_not_allowed",
            Code::NotRepostable => "not_repostable",
            Code::Left => "left",
            Code::Blocked => "blocked",
            Code::RequestPending => "request_pending",
            Code::NotAccepting => "not_accepting",
        }
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// When a limit lifts, for its message: at "14:05 UTC", in so many minutes (at least 1).
#[derive(Debug, Clone)]
pub struct Lift {
    pub at: String,
    pub minutes: i64,
}

#[derive(Debug, thiserror::Error)]
pub enum CoreError {
    #[error("some fields are not valid")]
    Invalid(FieldErrors),
    /// Not signed in, or credentials that do not check out.
    #[error("{0}")]
    Unauthenticated(String),
    /// Signed in but not allowed.
    #[error("{0}")]
    Forbidden(String),
    /// Absent — or present but not for this viewer, where admitting it exists would leak.
    #[error("not found")]
    NotFound,
    /// A rule refuses the action: it clashes with how things stand (already connected, at
    /// the connection limit) or is not allowed (the other member said they don't know you).
    /// `code` says which.
    #[error("{message}")]
    Refused { code: Code, message: String },
    /// A limit was met; it lifts at `retry_after`.
    #[error("{message}")]
    RateLimited {
        code: Code,
        message: String,
        retry_after: DateTime<Utc>,
    },
    /// The storage or mail backend failed; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
    /// The database cannot be reached; the cause is logged, never shown. Kept apart from
    /// `Internal` so that clients are told to retry rather than that something broke.
    #[error("database unavailable: {0}")]
    Unavailable(String),
}

impl CoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        CoreError::Invalid(FieldErrors::single(field, message))
    }

    /// The same error with its fields named as a form names them (`(service's, form's)`):
    /// the services name fields as their inputs do, which is also what the JSON API reads.
    pub fn with_field_names(self, names: &[(&str, &str)]) -> Self {
        match self {
            CoreError::Invalid(FieldErrors(fields)) => CoreError::Invalid(FieldErrors(
                fields
                    .into_iter()
                    .map(|(f, m)| {
                        let f = names
                            .iter()
                            .find(|(from, _)| *from == f)
                            .map_or(f, |(_, to)| (*to).to_string());
                        (f, m)
                    })
                    .collect(),
            )),
            other => other,
        }
    }

    pub fn refused(code: Code, message: impl Into<String>) -> Self {
        CoreError::Refused {
            code,
            message: message.into(),
        }
    }

    /// A limit that lifts at `until` (ms); `message` says so in words from a [`Lift`].
    pub fn limited(code: Code, until: i64, message: impl FnOnce(&Lift) -> String) -> Self {
        let retry_after = DateTime::from_timestamp_millis(until).unwrap_or_else(Utc::now);
        let lift = Lift {
            at: retry_after.format("%H:%M UTC").to_string(),
            minutes: ((until - crate::now_ms()) as f64 / 60_000.0)
                .ceil()
                .max(1.0) as i64,
        };
        CoreError::RateLimited {
            code,
            message: message(&lift),
            retry_after,
        }
    }

    /// The stable code of this error.
    pub fn code(&self) -> Code {
        match self {
            CoreError::Invalid(_) => Code::InvalidInput,
            CoreError::Unauthenticated(_) => Code::Unauthenticated,
            CoreError::Forbidden(_) => Code::Forbidden,
            CoreError::NotFound => Code::NotFound,
            CoreError::Refused { code, .. } | CoreError::RateLimited { code, .. } => *code,
            CoreError::Internal(_) => Code::Internal,
            CoreError::Unavailable(_) => Code::DatabaseUnavailable,
        }
    }
}

/// What a store reports: what went wrong, for the services to turn into their own errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique value (the named field) is already taken.
    #[error("{0} already taken")]
    Conflict(&'static str),
    #[error("storage: {0}")]
    Backend(String),
    /// The database cannot be reached (refused, timed out waiting for a connection, the
    /// connection cut): the statement may not have run, and may succeed when retried.
    #[error("storage unreachable: {0}")]
    Unavailable(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

impl From<StoreError> for CoreError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => CoreError::NotFound,
            StoreError::Conflict(field) => {
                CoreError::invalid(field, format!("This {field} is already taken."))
            }
            StoreError::Backend(m) => CoreError::Internal(m),
            StoreError::Unavailable(m) => CoreError::Unavailable(m),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_renamed_for_a_form_and_others_kept() {
        let mut f = FieldErrors::new();
        f.add("url", "bad");
        f.add("other", "also");
        let e = CoreError::Invalid(f).with_field_names(&[("url", "link_url")]);
        let CoreError::Invalid(f) = e else {
            panic!("still invalid")
        };
        assert_eq!(f.get("link_url"), Some("bad"));
        assert_eq!(f.get("other"), Some("also"));
        assert_eq!(f.get("url"), None);
        assert!(matches!(
            CoreError::NotFound.with_field_names(&[("url", "x")]),
            CoreError::NotFound
        ));
    }
}
