//! The shapes of an account: the member row (`Member`), its insert form (`NewMember`),
//! personal access tokens as listed, sign-up invitation links, and what an emailed link is for.

use serde::Serialize;

use crate::domain::{Email, Handle, Role};

pub type MemberId = i64;

/// An account. `name` and `handle` are public facts; email and password hash are not, and
/// never serialised.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: MemberId,
    pub handle: Handle,
    pub name: String,
    pub email: Email,
    pub password_hash: String,
    pub role: Role,
    /// False until the member opens the confirmation link mailed at sign-up. A pending
    /// account cannot sign in and is not listed anywhere.
    pub active: bool,
    pub created_at: i64,
}

impl Member {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }
}

#[derive(Debug, Clone)]
pub struct NewMember {
    pub handle: Handle,
    pub name: String,
    pub email: Email,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
}

/// A personal access token as listed in settings: the secret itself is never stored.
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// An admin-made invitation link for invite-only sign-up.
#[derive(Debug, Clone)]
pub struct SignupInvite {
    pub token: String,
    pub expires_at: i64,
}

/// What a single-use emailed link is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailTokenPurpose {
    /// "Confirm your email" after sign-up.
    Confirm,
    /// "Reset your password".
    Reset,
    /// The one-time code a guarded account signs in with (see `accounts::guard`).
    SignInCode,
}

impl EmailTokenPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            EmailTokenPurpose::Confirm => "confirm",
            EmailTokenPurpose::Reset => "reset",
            EmailTokenPurpose::SignInCode => "signin_code",
        }
    }
}

/// A sign-up as it is written: who asked, with what, until when it may be confirmed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSignup {
    pub email: Email,
    pub name: String,
    /// The handle asked for, or the free one suggested from the name when asked.
    pub handle: Handle,
    pub password_hash: String,
    /// The sign-up invitation used, in invite-only mode; used up when the link is opened.
    pub invite_hash: Option<String>,
    pub created_at: i64,
    pub expires_at: i64,
}

/// A sign-up waiting for its email to be confirmed. No member exists until then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Signup {
    pub id: i64,
    pub new: NewSignup,
}
