//! The shapes of a profile: its row (`Profile`), its patch (`ProfilePatch`), positions,
//! education, featured links and profile events, the member card every list of people shows
//! (`MemberCard`), and the queries and bulk forms of the directory and demo seeding.

use serde::Serialize;

use crate::accounts::model::{MemberId, NewMember};
use crate::domain::{Handle, Visibility, YearMonth};

/// `viewer` opened `member`'s profile at `at` (ms), on `day` (days since the epoch, UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileViewed {
    pub member: MemberId,
    pub viewer: MemberId,
    pub day: i64,
    pub at: i64,
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

/// One line of the directory: enough to show a member card.
#[derive(Debug, Clone)]
pub struct MemberCard {
    pub id: MemberId,
    pub handle: Handle,
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

/// Filters of the member directory. Text filters are folded with [`crate::domain::fold_key`].
#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    /// Prefix of the name, or of any word of it.
    pub name: Option<String>,
    /// Exact (folded) company of any position.
    pub company: Option<String>,
    /// Prefix of the location.
    pub location: Option<String>,
    pub school: Option<String>,
    pub skill: Option<String>,
    /// Profiles with these visibilities are listed (the viewer's rights, decided in core).
    pub visible: Vec<Visibility>,
    /// The member asking, who always sees their own entry and the profiles their
    /// connections share with connections.
    pub viewer: Option<MemberId>,
    /// Members the viewer must not see (blocks either way).
    pub hidden: Vec<MemberId>,
    /// Keyset cursor: strictly after this (sort_key, id).
    pub after: Option<(String, MemberId)>,
    pub limit: u32,
    /// The picker's words (folded by [`crate::domain::search_words`]): each must begin a word
    /// of the name (accents folded) or begin the handle.
    pub words: Vec<String>,
    /// The picker's order: the viewer's connections first, then by name (no keyset paging).
    pub connections_first: bool,
}

/// Everything a seeded demo member brings, written in bulk.
#[derive(Debug, Clone)]
pub struct SeedMember {
    pub member: NewMember,
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    pub visibility: Visibility,
    pub positions: Vec<NewPosition>,
    pub education: Vec<NewEducation>,
    pub skills: Vec<String>,
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
