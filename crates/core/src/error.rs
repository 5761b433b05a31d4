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
    /// The action clashes with how things stand (already connected, already invited, at the
    /// connection limit). `code` is stable for API clients.
    #[error("{message}")]
    Conflict { code: &'static str, message: String },
    /// A rule forbids this for good (the other member said they don't know you).
    #[error("{message}")]
    Refused { code: &'static str, message: String },
    /// A limit was met; it lifts at `retry_after`.
    #[error("{message}")]
    RateLimited {
        code: &'static str,
        message: String,
        retry_after: DateTime<Utc>,
    },
    /// The storage or mail backend failed; the cause is logged, never shown.
    #[error("internal error: {0}")]
    Internal(String),
}

impl CoreError {
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        CoreError::Invalid(FieldErrors::single(field, message))
    }
}

impl From<crate::store::StoreError> for CoreError {
    fn from(e: crate::store::StoreError) -> Self {
        use crate::store::StoreError;
        match e {
            StoreError::NotFound => CoreError::NotFound,
            StoreError::Conflict(field) => {
                CoreError::invalid(field, format!("This {field} is already taken."))
            }
            StoreError::Backend(m) => CoreError::Internal(m),
        }
    }
}

pub type CoreResult<T> = Result<T, CoreError>;
