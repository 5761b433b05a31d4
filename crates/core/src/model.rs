//! Rows (`Member`), insert forms (`NewMember`), patches (`ProfilePatch`) and joined views
//! (`ProfileView`): the shapes that cross the store and service boundary.

use serde::Serialize;

use crate::domain::{Role, Visibility, YearMonth};

pub type MemberId = i64;

/// An account. `name` and `handle` are public facts; email and password hash are not, and
/// never serialised.
#[derive(Debug, Clone)]
pub struct Member {
    pub id: MemberId,
    pub handle: String,
    pub name: String,
    pub email: String,
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
    pub handle: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: Role,
    pub active: bool,
    pub created_at: i64,
}

/// The editable part of a member's profile: one row per member.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Profile {
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    /// Storage key of the photo (both sizes share it), if any.
    #[serde(skip)]
    pub photo_key: Option<String>,
    pub visibility: Visibility,
    pub contact_visibility: Visibility,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub updated_at: i64,
}

/// A change to the profile. `None` leaves a field alone; `Some(None)` clears it.
#[derive(Debug, Clone, Default)]
pub struct ProfilePatch {
    pub name: Option<String>,
    pub headline: Option<Option<String>>,
    pub about: Option<Option<String>>,
    pub location: Option<Option<String>>,
    pub visibility: Option<Visibility>,
    pub contact_visibility: Option<Visibility>,
    pub contact_email: Option<Option<String>>,
    pub phone: Option<Option<String>>,
    pub website: Option<Option<String>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Position {
    pub id: i64,
    pub company: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    #[serde(serialize_with = "ser_month")]
    pub start: YearMonth,
    #[serde(serialize_with = "ser_opt_month")]
    pub end: Option<YearMonth>,
}

impl Position {
    pub fn is_current(&self) -> bool {
        self.end.is_none()
    }
    /// "Sep 2021 – Present"
    pub fn period(&self) -> String {
        match self.end {
            Some(e) => format!("{} – {}", self.start.label(), e.label()),
            None => format!("{} – Present", self.start.label()),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewPosition {
    pub company: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start: YearMonth,
    pub end: Option<YearMonth>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Education {
    pub id: i64,
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

impl Education {
    pub fn period(&self) -> String {
        match (self.start_year, self.end_year) {
            (Some(s), Some(e)) => format!("{s} – {e}"),
            (Some(s), None) => format!("{s} –"),
            (None, Some(e)) => format!("{e}"),
            (None, None) => String::new(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewEducation {
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeaturedLink {
    pub id: i64,
    pub title: String,
    pub url: String,
}

/// Something others would care about, kept for the network updates of the feed.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileEvent {
    pub id: i64,
    pub member_id: MemberId,
    pub kind: ProfileEventKind,
    pub detail: serde_json::Value,
    pub created_at: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileEventKind {
    NewPosition,
    NewSchool,
    NewHeadline,
}

impl ProfileEventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileEventKind::NewPosition => "new_position",
            ProfileEventKind::NewSchool => "new_school",
            ProfileEventKind::NewHeadline => "new_headline",
        }
    }
    pub fn from_db(s: &str) -> Option<Self> {
        match s {
            "new_position" => Some(ProfileEventKind::NewPosition),
            "new_school" => Some(ProfileEventKind::NewSchool),
            "new_headline" => Some(ProfileEventKind::NewHeadline),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct NewProfileEvent {
    pub kind: ProfileEventKind,
    pub detail: serde_json::Value,
}

/// A personal access token as listed in settings: the secret itself is never stored.
#[derive(Debug, Clone, Serialize)]
pub struct ApiToken {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

/// One line of the directory: enough to show a member card.
#[derive(Debug, Clone)]
pub struct MemberCard {
    pub id: MemberId,
    pub handle: String,
    pub name: String,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub photo_key: Option<String>,
    pub current_company: Option<String>,
    /// The profile's visibility: headline, place and company are shown only to viewers
    /// allowed to see the profile.
    pub visibility: Visibility,
    /// The directory's sort key (folded name); part of the keyset cursor.
    pub sort_key: String,
}

/// An admin-made invitation link for invite-only sign-up.
#[derive(Debug, Clone)]
pub struct SignupInvite {
    pub token: String,
    pub expires_at: i64,
}

fn ser_month<S: serde::Serializer>(m: &YearMonth, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&m.to_string())
}

fn ser_opt_month<S: serde::Serializer>(m: &Option<YearMonth>, s: S) -> Result<S::Ok, S::Error> {
    match m {
        Some(m) => s.serialize_str(&m.to_string()),
        None => s.serialize_none(),
    }
}
