//! The settings services obey: read from `guild.toml`, the environment and flags by the CLI,
//! with these defaults. Unknown keys are an error, so a typo never silently does nothing.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// The address members reach Guild at; links in emails start with it. `https://` here
    /// also marks session cookies `Secure`.
    pub public_url: String,
    pub registration: Registration,
    pub limits: Limits,
    /// Trust the first `X-Forwarded-For` address as the client's (only behind a proxy you run).
    pub behind_proxy: bool,
    /// How long (seconds) browsers are told to reach Guild only over https
    /// (`Strict-Transport-Security`), when `public_url` is https; 0 tells them nothing.
    pub hsts_max_age: u64,
    /// Who may read `/metrics`.
    pub metrics: crate::ops::access::MetricsAccess,
}

/// A year: what browsers' preload lists ask for.
pub const DEFAULT_HSTS_MAX_AGE: u64 = 31_536_000;

impl Default for Settings {
    fn default() -> Self {
        Settings {
            public_url: "http://127.0.0.1:8080".into(),
            registration: Registration::default(),
            limits: Limits::default(),
            behind_proxy: false,
            hsts_max_age: DEFAULT_HSTS_MAX_AGE,
            metrics: Default::default(),
        }
    }
}

impl Settings {
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }

    /// The `Strict-Transport-Security` value to send, if any: only when Guild is reached
    /// over https (over http a browser ignores it, and a mistaken one would lock a plain
    /// http install out).
    pub fn hsts(&self) -> Option<String> {
        (self.secure_cookies() && self.hsts_max_age > 0)
            .then(|| format!("max-age={}", self.hsts_max_age))
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(deny_unknown_fields, default)]
pub struct Registration {
    pub mode: RegistrationMode,
    /// With `mode = "domains"`: the email domains that may sign up, e.g. `["example.com"]`.
    pub allowed_domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq, Default)]
#[serde(rename_all = "kebab-case")]
pub enum RegistrationMode {
    /// Anyone may sign up.
    #[default]
    Open,
    /// Only with an invitation link made by an admin.
    InviteOnly,
    /// Only with an email address at one of `allowed_domains`.
    Domains,
}

/// Every limit of the product, one key each (`guild config example` lists them).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    pub signups_per_ip_per_hour: u32,
    pub sign_ins_per_ip_per_hour: u32,
    pub sign_ins_per_account_per_hour: u32,
    pub password_resets_per_account_per_hour: u32,
    pub invitations_per_week: u32,
    pub invitation_expiry_days: u32,
    pub reinvite_after_withdraw_days: u32,
    pub reinvite_after_ignore_days: u32,
    pub dont_know_threshold: u32,
    pub dont_know_window_days: u32,
    pub email_required_days: u32,
    pub max_connections: u32,
    pub session_days: u32,
    pub posts_per_hour: u32,
    pub comments_per_hour: u32,
    pub messages_per_hour: u32,
    pub conversations_per_hour: u32,
    pub spam_recipients_per_hour: u32,
    pub message_email_after_minutes: u32,
    pub attachment_max_bytes: usize,
    pub photo_max_bytes: usize,
    pub photo_max_pixels: u64,
    /// Images decoded at once across the server: each can take up to
    /// `photo_max_pixels` × 8 bytes while it is read, so this bounds the memory uploads use.
    pub image_decodes_at_once: u32,
    /// Files (photos, post images, attachments) one member may upload in an hour.
    pub uploads_per_hour: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            signups_per_ip_per_hour: 20,
            sign_ins_per_ip_per_hour: 60,
            sign_ins_per_account_per_hour: 10,
            password_resets_per_account_per_hour: 3,
            invitations_per_week: 100,
            invitation_expiry_days: 182,
            reinvite_after_withdraw_days: 21,
            reinvite_after_ignore_days: 182,
            dont_know_threshold: 5,
            dont_know_window_days: 90,
            email_required_days: 30,
            max_connections: 30_000,
            session_days: 30,
            posts_per_hour: 30,
            comments_per_hour: 120,
            messages_per_hour: 600,
            conversations_per_hour: 50,
            spam_recipients_per_hour: 10,
            message_email_after_minutes: 60,
            attachment_max_bytes: 10 * 1024 * 1024,
            photo_max_bytes: 5 * 1024 * 1024,
            // Guild shows images at most 2,048 px wide; 16 megapixels takes a 12-megapixel
            // phone photo and keeps one decode under 130 MB.
            photo_max_pixels: 16_000_000,
            image_decodes_at_once: 2,
            uploads_per_hour: 120,
        }
    }
}
