//! One-shot confirmations after a form saves something ("Profile saved"). The handler
//! redirects with [`with_flash`], which sets a short-lived `guild_flash` cookie holding one
//! of the fixed codes of [`Flash`] (never text from the request, so nothing can be made to
//! say anything else); [`carry`] reads it on the next page, hands it to the frame
//! ([`super::layout::Layout::flash`]) and clears it, so it shows once.

use axum::extract::Request;
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;

const COOKIE: &str = "guild_flash";

/// What was saved. Each code is one fixed sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flash {
    ProfileSaved,
    PhotoSaved,
    PhotoRemoved,
    PositionAdded,
    PositionSaved,
    PositionDeleted,
    EducationAdded,
    EducationDeleted,
    SkillsSaved,
    LinkAdded,
    LinkDeleted,
    PasswordChanged,
    EmailChanged,
    HandleChanged,
    TokenRevoked,
    NotificationSettingsSaved,
    MessagingSettingsSaved,
    AwaySaved,
    HeldReleased,
    HeldDeleted,
    PasswordReset,
    EmailConfirmed,
    ThemeSaved,
}

impl Flash {
    const ALL: [Flash; 23] = [
        Flash::ProfileSaved,
        Flash::PhotoSaved,
        Flash::PhotoRemoved,
        Flash::PositionAdded,
        Flash::PositionSaved,
        Flash::PositionDeleted,
        Flash::EducationAdded,
        Flash::EducationDeleted,
        Flash::SkillsSaved,
        Flash::LinkAdded,
        Flash::LinkDeleted,
        Flash::PasswordChanged,
        Flash::EmailChanged,
        Flash::HandleChanged,
        Flash::TokenRevoked,
        Flash::NotificationSettingsSaved,
        Flash::MessagingSettingsSaved,
        Flash::AwaySaved,
        Flash::HeldReleased,
        Flash::HeldDeleted,
        Flash::PasswordReset,
        Flash::EmailConfirmed,
        Flash::ThemeSaved,
    ];

    fn code(self) -> &'static str {
        match self {
            Flash::ProfileSaved => "profile",
            Flash::PhotoSaved => "photo",
            Flash::PhotoRemoved => "photo-removed",
            Flash::PositionAdded => "position-added",
            Flash::PositionSaved => "position-saved",
            Flash::PositionDeleted => "position-deleted",
            Flash::EducationAdded => "education-added",
            Flash::EducationDeleted => "education-deleted",
            Flash::SkillsSaved => "skills",
            Flash::LinkAdded => "link-added",
            Flash::LinkDeleted => "link-deleted",
            Flash::PasswordChanged => "password",
            Flash::EmailChanged => "email",
            Flash::HandleChanged => "handle",
            Flash::TokenRevoked => "token-revoked",
            Flash::NotificationSettingsSaved => "notifications",
            Flash::MessagingSettingsSaved => "messaging",
            Flash::AwaySaved => "away",
            Flash::HeldReleased => "held-released",
            Flash::HeldDeleted => "held-deleted",
            Flash::PasswordReset => "password-reset",
            Flash::EmailConfirmed => "confirmed",
            Flash::ThemeSaved => "theme",
        }
    }

    fn parse(code: &str) -> Option<Flash> {
        Flash::ALL.into_iter().find(|f| f.code() == code)
    }

    /// What the member reads.
    pub fn sentence(&self) -> &'static str {
        match self {
            Flash::ProfileSaved => "Profile saved.",
            Flash::PhotoSaved => "Photo saved.",
            Flash::PhotoRemoved => "Photo removed.",
            Flash::PositionAdded => "Position added.",
            Flash::PositionSaved => "Position saved.",
            Flash::PositionDeleted => "Position deleted.",
            Flash::EducationAdded => "Education added.",
            Flash::EducationDeleted => "Education deleted.",
            Flash::SkillsSaved => "Skills saved.",
            Flash::LinkAdded => "Link added.",
            Flash::LinkDeleted => "Link deleted.",
            Flash::PasswordChanged => "Password changed; you were signed out everywhere else.",
            Flash::EmailChanged => "Email address changed. We told your previous address about it.",
            Flash::HandleChanged => "Profile address changed.",
            Flash::TokenRevoked => "Token revoked: it no longer works.",
            Flash::NotificationSettingsSaved => "Notification settings saved.",
            Flash::MessagingSettingsSaved => "Messaging settings saved.",
            Flash::AwaySaved => "Your away period is saved.",
            Flash::HeldReleased => "Message released: it was delivered.",
            Flash::HeldDeleted => "Message deleted.",
            Flash::PasswordReset => "Password changed: you are signed in with the new one.",
            Flash::ThemeSaved => "Theme saved for this browser.",
            Flash::EmailConfirmed => {
                "Email confirmed. Welcome to Guild! Start with your profile: open a section below."
            }
        }
    }

    /// The section of the settings page it is about, if any (the page shows it there).
    pub fn settings_section(&self) -> Option<&'static str> {
        match self {
            Flash::PasswordChanged => Some("password-section"),
            Flash::EmailChanged => Some("email-section"),
            Flash::HandleChanged => Some("handle-section"),
            Flash::TokenRevoked => Some("tokens"),
            Flash::ThemeSaved => Some("theme-section"),
            _ => None,
        }
    }

    /// The section of the profile editor it is about, if any (the editor shows it there).
    pub fn edit_section(&self) -> Option<&'static str> {
        match self {
            Flash::ProfileSaved => Some("intro"),
            Flash::PhotoSaved | Flash::PhotoRemoved => Some("photo"),
            Flash::PositionAdded | Flash::PositionSaved | Flash::PositionDeleted => {
                Some("experience")
            }
            Flash::EducationAdded | Flash::EducationDeleted => Some("education"),
            Flash::SkillsSaved => Some("skills"),
            Flash::LinkAdded | Flash::LinkDeleted => Some("links"),
            _ => None,
        }
    }
}

tokio::task_local! {
    /// The flash the request carried, for [`current`] (read by `Layout::new`).
    static FLASH: Option<Flash>;
}

/// The flash of the page being rendered, if it carried one.
pub fn current() -> Option<Flash> {
    FLASH.try_with(|f| *f).ok().flatten()
}

/// Adds the flash to a redirect (or any response): the next page shows it.
pub fn with_flash(mut response: Response, flash: Flash) -> Response {
    let cookie = format!(
        "{COOKIE}={}; Path=/; HttpOnly; SameSite=Lax; Max-Age=60",
        flash.code()
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, v);
    }
    response
}

fn from_cookies(req: &Request) -> Option<Option<Flash>> {
    let mut seen = None;
    for value in req.headers().get_all(header::COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            if let Some((name, code)) = pair.trim().split_once('=') {
                if name == COOKIE {
                    seen = Some(Flash::parse(code));
                }
            }
        }
    }
    seen
}

/// Middleware for pages: reads the flash cookie, makes it the frame's for this request, and
/// clears it on the answer (unless the answer sets a new one: a form saved again).
pub async fn carry(req: Request, next: Next) -> Response {
    let carried = from_cookies(&req);
    let mut response = FLASH.scope(carried.flatten(), next.run(req)).await;
    let sets_new = response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .any(|v| v.as_bytes().starts_with(COOKIE.as_bytes()));
    if carried.is_some() && !sets_new {
        let clear = format!("{COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
        if let Ok(v) = HeaderValue::from_str(&clear) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}
