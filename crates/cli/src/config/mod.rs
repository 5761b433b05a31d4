//! Configuration: defaults, then `guild.toml` (in the working directory, or `--config FILE`),
//! then `GUILD_*` environment variables (nested with `__`, e.g.
//! `GUILD_LIMITS__INVITATIONS_PER_WEEK=5`), then command-line flags, each overriding the one
//! before. Unknown keys anywhere are an error naming the key, so a typo never silently does
//! nothing.

use std::ffi::OsString;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use figment::providers::{Format, Serialized, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use guild_core::ops::access::MetricsAccess;
use guild_core::settings::{Limits, Registration, Settings};
use guild_web::mail::SmtpSettings;
use serde::{Deserialize, Serialize};

/// The prefix of the environment variables read.
pub const ENV_PREFIX: &str = "GUILD_";
/// The file read from the working directory when no `--config` is given.
pub const DEFAULT_FILE: &str = "guild.toml";

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Where the database (by default), uploaded media and the email outbox live. Relative
    /// paths are relative to the working directory.
    pub data_dir: PathBuf,
    /// The address and port to listen on; port 0 picks a free one.
    pub bind: String,
    /// `sqlite://FILE` or `postgres://…`; by default `sqlite://<data_dir>/guild.db`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
    /// The address members reach Guild at (links in emails); by default `http://<bind>`
    /// with the real port.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_url: Option<String>,
    /// Trust the first `X-Forwarded-For` address (only behind a proxy you run).
    pub behind_proxy: bool,
    /// Seconds browsers keep to https only, when `public_url` is https; 0 sends no header.
    pub hsts_max_age: u64,
    /// The sender of Guild's email.
    pub mail_from: String,
    pub registration: Registration,
    pub limits: Limits,
    /// Who may read `/metrics`: addresses or networks, or a bearer token.
    pub metrics: MetricsAccess,
    /// An SMTP server; without one, email is written to `<data_dir>/outbox` as `.eml` files.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smtp: Option<SmtpSettings>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("./guild-data"),
            bind: "127.0.0.1:8080".into(),
            database_url: None,
            public_url: None,
            behind_proxy: false,
            hsts_max_age: guild_core::settings::DEFAULT_HSTS_MAX_AGE,
            mail_from: "Guild <guild@localhost>".into(),
            registration: Registration::default(),
            limits: Limits::default(),
            metrics: MetricsAccess::default(),
            smtp: None,
        }
    }
}

impl Config {
    pub fn database_url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| default_database_url(&self.data_dir))
    }
    pub fn media_dir(&self) -> PathBuf {
        self.data_dir.join("media")
    }
    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }
    /// The public URL given the address actually bound (`None` before binding).
    pub fn public_url(&self, bound: Option<std::net::SocketAddr>) -> String {
        match (&self.public_url, bound) {
            (Some(u), _) => u.trim_end_matches('/').to_string(),
            (None, Some(addr)) => format!("http://{addr}"),
            (None, None) => format!("http://{}", self.bind),
        }
    }
    /// The settings core's services obey.
    pub fn settings(&self, public_url: String) -> Settings {
        Settings {
            public_url,
            registration: self.registration.clone(),
            limits: self.limits.clone(),
            behind_proxy: self.behind_proxy,
            hsts_max_age: self.hsts_max_age,
            metrics: self.metrics.clone(),
        }
    }
}

pub fn default_database_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("guild.db").display())
}

/// The values command-line flags give; `None` leaves the key to the layers below.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FlagOverrides {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_dir: Option<PathBuf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub database_url: Option<String>,
}

/// A configuration that could not be read: exit code 2.
#[derive(Debug)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "configuration: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

/// Where the layers come from; [`Sources::from_process`] for the real thing, tests make
/// their own.
#[derive(Debug, Clone)]
pub struct Sources {
    /// `--config FILE`: must exist.
    pub config_file: Option<PathBuf>,
    /// Where `guild.toml` is looked for when no `--config` is given.
    pub working_dir: PathBuf,
    /// Environment variables (all of them; only `GUILD_*` are read).
    pub env: Vec<(OsString, OsString)>,
}

impl Sources {
    pub fn from_process(config_file: Option<PathBuf>) -> Sources {
        Sources {
            config_file,
            working_dir: std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")),
            env: std::env::vars_os().collect(),
        }
    }
}

/// Reads the layers in order and checks the result.
pub fn load(sources: &Sources, flags: &FlagOverrides) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(Config::default()));
    match &sources.config_file {
        Some(file) => {
            if !file.is_file() {
                return Err(ConfigError(format!(
                    "the configuration file {} does not exist",
                    file.display()
                )));
            }
            figment = figment.merge(Toml::file_exact(file));
        }
        None => {
            let file = sources.working_dir.join(DEFAULT_FILE);
            if file.is_file() {
                figment = figment.merge(Toml::file_exact(file));
            }
        }
    }
    let mut vars: Vec<EnvVar> = sources
        .env
        .iter()
        .filter_map(|(k, v)| EnvVar::parse(k, v))
        .collect();
    vars.sort_by(|a, b| a.name.cmp(&b.name));
    for var in vars {
        figment = figment.merge(var);
    }
    figment = figment.merge(Flags(flags.clone()));
    let config: Config = figment.extract().map_err(|e| ConfigError(describe(e)))?;
    check(&config)?;
    Ok(config)
}

/// Checks what types alone cannot.
fn check(c: &Config) -> Result<(), ConfigError> {
    if c.bind.trim().is_empty() {
        return Err(ConfigError(
            "`bind` is empty; give an address like 127.0.0.1:8080".into(),
        ));
    }
    if let Some(url) = &c.public_url {
        if !(url.starts_with("http://") || url.starts_with("https://")) {
            return Err(ConfigError(format!(
                "`public_url` must start with http:// or https://, not {url:?}"
            )));
        }
    }
    c.metrics.check().map_err(ConfigError)?;
    if !valid_mailbox(&c.mail_from) {
        return Err(ConfigError(format!(
            "`mail_from` must be an address like \"Guild <guild@example.com>\", not {:?}",
            c.mail_from
        )));
    }
    Ok(())
}

/// `Name <addr@host>` or `addr@host`.
fn valid_mailbox(s: &str) -> bool {
    let s = s.trim();
    let addr = match (s.rfind('<'), s.ends_with('>')) {
        (Some(i), true) => &s[i + 1..s.len() - 1],
        (None, false) => s,
        _ => return false,
    };
    // `localhost` and other dotless hosts are fine for a sender, so this is looser than a
    // member's email address.
    matches!(addr.split_once('@'), Some((local, host))
        if !local.is_empty() && !host.is_empty() && !host.contains('@') && !addr.contains(char::is_whitespace))
}

/// One `GUILD_*` variable as a provider, so that an error names the variable.
struct EnvVar {
    name: String,
    key: String,
    value: String,
}

impl EnvVar {
    fn parse(name: &OsString, value: &OsString) -> Option<EnvVar> {
        let name = name.to_str()?.trim();
        let rest = name
            .get(..ENV_PREFIX.len())
            .filter(|p| p.eq_ignore_ascii_case(ENV_PREFIX))
            .map(|_| &name[ENV_PREFIX.len()..])?;
        let key = rest.to_ascii_lowercase().replace("__", ".");
        if key.is_empty() || key.split('.').any(str::is_empty) {
            return None;
        }
        Some(EnvVar {
            name: name.to_string(),
            key,
            value: value.to_string_lossy().into_owned(),
        })
    }
}

impl Provider for EnvVar {
    fn metadata(&self) -> Metadata {
        Metadata::named(format!("environment variable {}", self.name))
    }
    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        let value: Value = self
            .value
            .parse()
            .unwrap_or_else(|_| Value::from(self.value.clone()));
        let dict = figment::util::nest(&self.key, value)
            .into_dict()
            .unwrap_or_default();
        Ok(Profile::Default.collect(dict))
    }
}

struct Flags(FlagOverrides);

impl Provider for Flags {
    fn metadata(&self) -> Metadata {
        Metadata::named("command-line flags")
    }
    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Serialized::defaults(&self.0).data()
    }
}

/// One line per problem, naming the key and where it came from.
fn describe(err: figment::Error) -> String {
    let mut lines = Vec::new();
    for e in err {
        let source = match &e.metadata {
            Some(md) => match &md.source {
                Some(src) => format!("{} {src}", md.name),
                None => md.name.to_string(),
            },
            None => "the configuration".into(),
        };
        let line = match &e.kind {
            figment::error::Kind::UnknownField(field, expected) => {
                let mut key = e.path.clone();
                if key.last() != Some(field) {
                    key.push(field.clone());
                }
                format!(
                    "unknown key `{}` in {source}; the keys here are: {}",
                    key.join("."),
                    expected.join(", ")
                )
            }
            kind => {
                if e.path.is_empty() {
                    format!("{kind} in {source}")
                } else {
                    format!("{kind} for key `{}` in {source}", e.path.join("."))
                }
            }
        };
        lines.push(line);
    }
    lines.join("\n")
}

/// A commented `guild.toml` listing every key with its default; it parses back to
/// [`Config::default()`].
pub fn example() -> Result<String, toml::ser::Error> {
    let defaults = Config::default();
    let mut out = String::from(
        "# guild.toml: the configuration of a Guild installation.\n\
         #\n\
         # Every key is shown with its default. Keys are read in this order, each overriding the\n\
         # one before: these defaults, this file (from the working directory, or --config FILE),\n\
         # environment variables GUILD_<KEY> (tables nested with a double underscore, e.g.\n\
         # GUILD_LIMITS__INVITATIONS_PER_WEEK=5), then command-line flags.\n\
         # Unknown keys are an error.\n\n",
    );
    // The serializer writes keys in declaration order; each gets its comment above it.
    let mut table = String::new();
    for line in toml::to_string(&defaults)?.lines() {
        if line.is_empty() && table.is_empty() {
            continue; // top-level keys are already spaced out
        }
        if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            table = name.to_string();
        } else if let Some((key, _)) = line.split_once(" = ") {
            let text = if table.is_empty() {
                top_comment(key)
            } else {
                table_comment(&table, key)
            };
            comment(&mut out, text);
        }
        out.push_str(line);
        out.push('\n');
        if table.is_empty() && line.starts_with("bind = ") {
            // Keys whose default is derived from others: shown commented out.
            for (key, derived) in [
                ("database_url", defaults.database_url()),
                ("public_url", defaults.public_url(None)),
            ] {
                out.push('\n');
                comment(&mut out, top_comment(key));
                let _ = writeln!(out, "# {key} = {}", toml::Value::String(derived));
            }
        }
        if table == "metrics" && line.starts_with("allow = ") {
            // No token by default: shown commented out.
            comment(&mut out, table_comment("metrics", "token"));
            out.push_str("# token = \"change-me\"\n");
        }
        if table.is_empty() && !line.is_empty() {
            out.push('\n');
        }
    }
    out.push_str(
        "\n# An SMTP server for Guild's email. Without this table, email is written as .eml files\n\
         # to <data_dir>/outbox, so nothing is lost.\n# [smtp]\n",
    );
    let smtp = SmtpSettings {
        host: "smtp.example.com".into(),
        port: 587,
        username: Some("guild@example.com".into()),
        password: Some("change-me".into()),
        security: "starttls".into(),
    };
    for line in toml::to_string(&smtp)?.lines() {
        if let Some((key, _)) = line.split_once(" = ") {
            for c in table_comment("smtp", key).lines() {
                let _ = writeln!(out, "# # {c}");
            }
        }
        let _ = writeln!(out, "# {line}");
    }
    Ok(out)
}

fn comment(out: &mut String, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "# {line}");
    }
}

/// The comment above each top-level key of the example; every key has one (a test checks).
pub fn top_comment(key: &str) -> &'static str {
    match key {
        "data_dir" => "Where the database (by default), uploaded media and the email outbox live.\nRelative to the working directory.",
        "bind" => "The address and port to listen on. Port 0 picks a free port (the \"listening on\" line says which).",
        "database_url" => "sqlite://FILE (the default is <data_dir>/guild.db) or postgres://user:pass@host/db.",
        "public_url" => "The address members reach Guild at; links in emails start with it, and https://\nmarks session cookies Secure. Default: http://<bind>, with the real port.",
        "behind_proxy" => "Trust the first X-Forwarded-For address as the client's (only behind a proxy you run).",
        "hsts_max_age" => "When public_url is https://, browsers are told to use only https for this many\nseconds (Strict-Transport-Security). 0 sends no such header.",
        "mail_from" => "The sender of Guild's email.",
        _ => "",
    }
}

/// The comment above each key of a table in the example; every key has one (a test checks).
pub fn table_comment(table: &str, key: &str) -> &'static str {
    match (table, key) {
        ("registration", "mode") => {
            "Who may sign up: \"open\", \"invite-only\" (with a link from an admin) or \"domains\"."
        }
        ("registration", "allowed_domains") => {
            "With mode = \"domains\": the email domains that may sign up, e.g. [\"example.com\"]."
        }
        ("limits", "signups_per_ip_per_hour") => {
            "Sign-ups (and password-reset requests) from one IP address per hour."
        }
        ("limits", "sign_ins_per_ip_per_hour") => "Sign-in attempts from one IP address per hour.",
        ("limits", "sign_ins_per_account_per_hour") => {
            "Failed sign-in attempts on one account per hour."
        }
        ("limits", "password_resets_per_account_per_hour") => {
            "Password-reset emails to one account per hour."
        }
        ("limits", "invitations_per_week") => {
            "Connection invitations one member may send per week (Monday to Sunday, UTC)."
        }
        ("limits", "invitation_expiry_days") => "Days an unanswered invitation stays pending.",
        ("limits", "reinvite_after_withdraw_days") => {
            "Days before a member may invite the same person again after withdrawing."
        }
        ("limits", "reinvite_after_ignore_days") => {
            "Days before a member may invite the same person again after being ignored."
        }
        ("limits", "dont_know_threshold") => {
            "\"I don't know this person\" answers (within the window) after which a sender must give the invitee's email."
        }
        ("limits", "dont_know_window_days") => "The window those answers are counted in, in days.",
        ("limits", "email_required_days") => {
            "Days a sender who reached the threshold must give the invitee's email address."
        }
        ("limits", "max_connections") => "The most connections one member may have.",
        ("limits", "session_days") => "Days a sign-in lasts.",
        ("limits", "posts_per_hour") => "Posts and articles one member may write in an hour.",
        ("limits", "comments_per_hour") => "Comments one member may write in an hour.",
        ("limits", "messages_per_hour") => "Messages one member may send in an hour.",
        ("limits", "conversations_per_hour") => {
            "New conversations one member may start in an hour; more are slowed with a message."
        }
        ("limits", "spam_recipients_per_hour") => {
            "Non-connections one member may send the same (or nearly the same) text within an hour; from this many on, such messages are held for review."
        }
        ("limits", "message_email_after_minutes") => {
            "Unread messages older than this are emailed (one email per conversation), unless the member chose otherwise."
        }
        ("limits", "attachment_max_bytes") => "Largest message attachment, in bytes.",
        ("limits", "photo_max_bytes") => "Largest profile photo upload, in bytes.",
        ("limits", "photo_max_pixels") => {
            "Largest image accepted (photos, post images, image attachments), in pixels (width × height)."
        }
        ("limits", "image_decodes_at_once") => {
            "Images decoded at once across the server; each may take photo_max_pixels × 8 bytes of memory."
        }
        ("limits", "uploads_per_hour") => "Files one member may upload in an hour.",
        ("metrics", "allow") => {
            "Who may read /metrics (Prometheus format): addresses or networks, e.g. [\"127.0.0.1\", \"::1\", \"10.0.0.0/8\"].\nBehind a proxy (behind_proxy = true) the address is the first X-Forwarded-For entry. Others get 404."
        }
        ("metrics", "token") => {
            "Also open /metrics to anyone sending Authorization: Bearer <token> (GUILD_METRICS__TOKEN keeps it out of this file)."
        }
        ("smtp", "host") => "The SMTP server.",
        ("smtp", "port") => "Default 587.",
        ("smtp", "username") => "Optional credentials.",
        ("smtp", "password") => "Tip: GUILD_SMTP__PASSWORD keeps it out of this file.",
        ("smtp", "security") => {
            "\"starttls\" (default), \"tls\" (implicit, port 465) or \"none\" (a local relay only)."
        }
        _ => "",
    }
}

#[cfg(test)]
mod tests;
