//! Unsubscribe links: every email a member can turn off carries a link that turns off that
//! kind, for that member, without signing in. The link holds the member, the kind and an
//! HMAC-SHA256 of both under a key the server keeps (`server_keys`), so it cannot be made
//! for another member or another kind, and it needs no row per email sent.

use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::model::MemberId;
use crate::auth;
use crate::error::{CoreError, CoreResult};
use crate::feed::model::{Digest, NotificationKind, NotificationSetting};
use crate::Guild;

/// The kinds of email a member can turn off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailKind {
    /// The digest of unread notifications.
    Digest,
    /// Emails about unread messages.
    Messages,
    /// The "while you were away" summary.
    Away,
}

impl EmailKind {
    pub const ALL: [EmailKind; 3] = [EmailKind::Digest, EmailKind::Messages, EmailKind::Away];

    pub fn as_str(self) -> &'static str {
        match self {
            EmailKind::Digest => "digest",
            EmailKind::Messages => "messages",
            EmailKind::Away => "away",
        }
    }

    pub fn parse(raw: &str) -> Option<EmailKind> {
        EmailKind::ALL.into_iter().find(|k| k.as_str() == raw)
    }

    /// What is turned off, as a page says it: "Stop … ".
    pub fn describe(self) -> &'static str {
        match self {
            EmailKind::Digest => "the email digest of your notifications",
            EmailKind::Messages => "emails about unread messages",
            EmailKind::Away => "the “while you were away” summary email",
        }
    }
}

/// What an unsubscribe link is about: shown before and after it is used.
#[derive(Debug, Clone)]
pub struct Unsubscribe {
    pub kind: EmailKind,
    /// The member's name, so they can see the link is theirs.
    pub name: String,
    /// Whether this kind is already off.
    pub off: bool,
}

const KEY_NAME: &str = "unsubscribe";
const REFUSED: &str =
    "This unsubscribe link is not valid. Open the newest email, or change your settings after signing in.";

impl Guild {
    async fn unsubscribe_mac(&self, member: MemberId, kind: EmailKind) -> CoreResult<Hmac<Sha256>> {
        let key = self
            .store
            .server_key(KEY_NAME, &auth::new_secret(""))
            .await?;
        let mut mac = Hmac::<Sha256>::new_from_slice(key.as_bytes())
            .map_err(|e| CoreError::Internal(format!("unsubscribe key: {e}")))?;
        mac.update(format!("unsubscribe:{member}:{}", kind.as_str()).as_bytes());
        Ok(mac)
    }

    /// The address that turns `kind` off for `member`: `/unsubscribe?t=<member>.<kind>.<mac>`.
    pub async fn unsubscribe_url(&self, member: MemberId, kind: EmailKind) -> CoreResult<String> {
        let mac = self.unsubscribe_mac(member, kind).await?.finalize();
        let sig = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.into_bytes());
        Ok(format!(
            "{}/unsubscribe?t={member}.{}.{sig}",
            self.settings.public_url.trim_end_matches('/'),
            kind.as_str()
        ))
    }

    /// The member and kind of a link, if its signature is right.
    async fn read_unsubscribe(&self, token: &str) -> CoreResult<(MemberId, EmailKind)> {
        let refused = || CoreError::invalid("t", REFUSED);
        let mut parts = token.trim().splitn(3, '.');
        let member: MemberId = parts
            .next()
            .and_then(|p| p.parse().ok())
            .ok_or_else(refused)?;
        let kind = parts
            .next()
            .and_then(EmailKind::parse)
            .ok_or_else(refused)?;
        let sig = parts
            .next()
            .and_then(|s| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(s)
                    .ok()
            })
            .ok_or_else(refused)?;
        // Compared in constant time.
        self.unsubscribe_mac(member, kind)
            .await?
            .verify_slice(&sig)
            .map_err(|_| refused())?;
        Ok((member, kind))
    }

    /// What the link `token` would turn off (nothing is changed); a tampered link is
    /// refused on the field `t`.
    pub async fn check_unsubscribe(&self, token: &str) -> CoreResult<Unsubscribe> {
        let (member, kind) = self.read_unsubscribe(token).await?;
        let m = self
            .store
            .member_by_id(member)
            .await?
            .ok_or_else(|| CoreError::invalid("t", REFUSED))?;
        let off = match kind {
            EmailKind::Digest => self.store.feed_prefs(member).await?.digest == Digest::Off,
            EmailKind::Messages => {
                self.store
                    .message_settings(member)
                    .await?
                    .email_after_minutes
                    == 0
            }
            EmailKind::Away => self
                .store
                .notification_settings(member)
                .await?
                .iter()
                .any(|s| s.kind == NotificationKind::AwaySummary && !s.email),
        };
        Ok(Unsubscribe {
            kind,
            name: m.name,
            off,
        })
    }

    /// Turns off what the link `token` is for, for its member only. Using it twice is fine.
    pub async fn unsubscribe(&self, token: &str) -> CoreResult<Unsubscribe> {
        let (member, kind) = self.read_unsubscribe(token).await?;
        match kind {
            EmailKind::Digest => self.store.set_digest(member, Digest::Off).await?,
            EmailKind::Messages => {
                let mut s = self.store.message_settings(member).await?;
                s.email_after_minutes = 0;
                self.store.set_message_settings(member, &s).await?;
            }
            EmailKind::Away => {
                let in_app = self
                    .store
                    .notification_settings(member)
                    .await?
                    .iter()
                    .find(|s| s.kind == NotificationKind::AwaySummary)
                    .is_none_or(|s| s.in_app);
                self.store
                    .set_notification_setting(
                        member,
                        NotificationSetting {
                            kind: NotificationKind::AwaySummary,
                            in_app,
                            email: false,
                        },
                    )
                    .await?;
            }
        }
        self.check_unsubscribe(token).await
    }

    /// Whether `member` still wants the away summary by email.
    pub(crate) async fn wants_away_email(&self, member: MemberId) -> CoreResult<bool> {
        Ok(self
            .store
            .notification_settings(member)
            .await?
            .iter()
            .find(|s| s.kind == NotificationKind::AwaySummary)
            .is_none_or(|s| s.email))
    }
}
