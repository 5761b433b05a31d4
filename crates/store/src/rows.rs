//! Row types as both backends return them, and their conversion to core's models.

use guild_core::domain::{Role, Visibility, YearMonth};
use guild_core::model::*;
use guild_core::network::model::{Invitation, InvitationState};

#[derive(sqlx::FromRow)]
pub struct MemberRow {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub active: bool,
    pub created_at: i64,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Member {
        Member {
            id: r.id,
            handle: r.handle,
            name: r.name,
            email: r.email,
            password_hash: r.password_hash,
            role: Role::from_db(&r.role),
            active: r.active,
            created_at: r.created_at,
        }
    }
}

pub const MEMBER_COLS: &str = "id, handle, name, email, password_hash, role, active, created_at";
pub const MEMBER_COLS_M: &str =
    "m.id, m.handle, m.name, m.email, m.password_hash, m.role, m.active, m.created_at";

#[derive(sqlx::FromRow)]
pub struct ProfileRow {
    pub headline: Option<String>,
    pub about: Option<String>,
    pub location: Option<String>,
    pub photo_key: Option<String>,
    pub visibility: String,
    pub contact_visibility: String,
    pub contact_email: Option<String>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub updated_at: i64,
}

impl From<ProfileRow> for Profile {
    fn from(r: ProfileRow) -> Profile {
        Profile {
            headline: r.headline,
            about: r.about,
            location: r.location,
            photo_key: r.photo_key,
            visibility: Visibility::parse(&r.visibility).unwrap_or(Visibility::Connections),
            contact_visibility: Visibility::parse(&r.contact_visibility)
                .unwrap_or(Visibility::Connections),
            contact_email: r.contact_email,
            phone: r.phone,
            website: r.website,
            updated_at: r.updated_at,
        }
    }
}

pub const PROFILE_COLS: &str = "headline, about, location, photo_key, visibility, contact_visibility, contact_email, phone, website, updated_at";

#[derive(sqlx::FromRow)]
pub struct PositionRow {
    pub id: i64,
    pub company: String,
    pub title: String,
    pub description: Option<String>,
    pub location: Option<String>,
    pub start_month: i32,
    pub end_month: Option<i32>,
}

impl From<PositionRow> for Position {
    fn from(r: PositionRow) -> Position {
        Position {
            id: r.id,
            company: r.company,
            title: r.title,
            description: r.description,
            location: r.location,
            start: YearMonth::from_index(r.start_month),
            end: r.end_month.map(YearMonth::from_index),
        }
    }
}

pub const POSITION_COLS: &str = "id, company, title, description, location, start_month, end_month";

#[derive(sqlx::FromRow)]
pub struct EducationRow {
    pub id: i64,
    pub school: String,
    pub degree: Option<String>,
    pub field: Option<String>,
    pub start_year: Option<i32>,
    pub end_year: Option<i32>,
}

impl From<EducationRow> for Education {
    fn from(r: EducationRow) -> Education {
        Education {
            id: r.id,
            school: r.school,
            degree: r.degree,
            field: r.field,
            start_year: r.start_year,
            end_year: r.end_year,
        }
    }
}

pub const EDUCATION_COLS: &str = "id, school, degree, field, start_year, end_year";

#[derive(sqlx::FromRow)]
pub struct LinkRow {
    pub id: i64,
    pub title: String,
    pub url: String,
}

#[derive(sqlx::FromRow)]
pub struct EventRow {
    pub id: i64,
    pub member_id: i64,
    pub kind: String,
    pub detail: String,
    pub created_at: i64,
}

#[derive(sqlx::FromRow)]
pub struct TokenRow {
    pub id: i64,
    pub label: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

#[derive(sqlx::FromRow)]
pub struct CardRow {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub name_key: String,
    pub headline: Option<String>,
    pub location: Option<String>,
    pub photo_key: Option<String>,
    pub current_company: Option<String>,
    pub visibility: String,
}

impl From<CardRow> for MemberCard {
    fn from(r: CardRow) -> MemberCard {
        MemberCard {
            id: r.id,
            handle: r.handle,
            name: r.name,
            headline: r.headline,
            location: r.location,
            photo_key: r.photo_key,
            current_company: r.current_company,
            visibility: Visibility::parse(&r.visibility).unwrap_or(Visibility::Connections),
            sort_key: r.name_key,
        }
    }
}

/// The columns of a [`CardRow`], from `members m JOIN profiles p`; the current company is a
/// correlated lookup on `positions_member`, one per row, inside the same statement.
pub const CARD_COLS: &str = "m.id, m.handle, m.name, m.name_key, p.headline, p.location, \
     p.photo_key, p.visibility, \
     (SELECT c.company FROM positions c WHERE c.member_id = m.id AND c.end_month IS NULL \
      ORDER BY c.start_month DESC LIMIT 1) AS current_company";

#[derive(sqlx::FromRow)]
pub struct InvitationRow {
    pub id: i64,
    pub from_id: i64,
    pub to_id: i64,
    pub note: Option<String>,
    pub state: String,
    pub created_at: i64,
    pub responded_at: Option<i64>,
    pub ignored_at: Option<i64>,
    pub withdrawn_at: Option<i64>,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Invitation {
        Invitation {
            id: r.id,
            from: r.from_id,
            to: r.to_id,
            note: r.note,
            state: InvitationState::from_db(&r.state),
            created_at: r.created_at,
            responded_at: r.responded_at,
            ignored_at: r.ignored_at,
            withdrawn_at: r.withdrawn_at,
        }
    }
}

pub const INVITATION_COLS: &str =
    "id, from_id, to_id, note, state, created_at, responded_at, ignored_at, withdrawn_at";
