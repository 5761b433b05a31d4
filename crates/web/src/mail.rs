//! [`LettreMailer`]: email through an SMTP server, or — when none is configured — as `.eml`
//! files in `<data-dir>/outbox`, so nothing is lost and a demo can read its "sent" mail.

use std::path::PathBuf;

use async_trait::async_trait;
use guild_core::mail::{Mailer, OutgoingEmail};
use lettre::message::header::{ContentTransferEncoding, ContentType, HeaderName, HeaderValue};
use lettre::message::{Body, Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};

/// The `[smtp]` table of the configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default = "default_port")]
    pub port: u16,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<String>,
    /// `starttls` (default), `tls` (implicit, port 465) or `none` (a local relay only).
    #[serde(default = "default_security")]
    pub security: String,
}

fn default_port() -> u16 {
    587
}
fn default_security() -> String {
    "starttls".into()
}

enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// `<outbox>/<sent-at in ns>-<sequence>.eml`: the names sort in the order the emails were
    /// sent, which file times cannot promise (two emails written within one clock tick).
    Files {
        dir: PathBuf,
        sequence: AtomicU64,
    },
}

pub struct LettreMailer {
    from: Mailbox,
    transport: Transport,
}

impl LettreMailer {
    /// Writes `.eml` files into `outbox` (created if missing).
    pub fn outbox(outbox: PathBuf, from: &str) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&outbox)?;
        Ok(LettreMailer {
            from: from.parse()?,
            transport: Transport::Files {
                dir: outbox,
                sequence: AtomicU64::new(0),
            },
        })
    }

    pub fn smtp(s: &SmtpSettings, from: &str) -> anyhow::Result<Self> {
        let builder = match s.security.as_str() {
            "tls" => AsyncSmtpTransport::<Tokio1Executor>::relay(&s.host)?,
            "starttls" => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(&s.host)?,
            "none" => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&s.host),
            other => anyhow::bail!("smtp.security must be starttls, tls or none, not {other:?}"),
        };
        let mut builder = builder.port(s.port);
        if let (Some(u), Some(p)) = (&s.username, &s.password) {
            builder = builder.credentials(Credentials::new(u.clone(), p.clone()));
        }
        Ok(LettreMailer {
            from: from.parse()?,
            transport: Transport::Smtp(builder.build()),
        })
    }
}

#[async_trait]
impl Mailer for LettreMailer {
    async fn send(&self, email: OutgoingEmail) -> Result<(), String> {
        let to: Mailbox = email
            .to
            .parse()
            .map_err(|e| format!("bad recipient: {e}"))?;
        let mut builder = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(email.subject);
        if let Some(url) = &email.unsubscribe {
            // RFC 8058: mail clients offer "unsubscribe", and one POST to the link turns
            // that kind of email off without signing in.
            builder = builder
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe"),
                    format!("<{url}>"),
                ))
                .raw_header(HeaderValue::new(
                    HeaderName::new_from_ascii_str("List-Unsubscribe-Post"),
                    "List-Unsubscribe=One-Click".into(),
                ));
        }
        let msg = match email.html {
            Some(html) => builder.multipart(
                MultiPart::alternative()
                    .singlepart(part(ContentType::TEXT_PLAIN, email.body))
                    .singlepart(part(ContentType::TEXT_HTML, html)),
            ),
            None => builder.header(ContentType::TEXT_PLAIN).body(email.body),
        }
        .map_err(|e| e.to_string())?;
        match &self.transport {
            Transport::Smtp(t) => t.send(msg).await.map(|_| ()).map_err(|e| e.to_string()),
            Transport::Files { dir, sequence } => {
                let at = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos())
                    .unwrap_or_default();
                let n = sequence.fetch_add(1, Ordering::Relaxed);
                let path = dir.join(format!("{at:020}-{n:06}.eml"));
                tokio::fs::write(&path, msg.formatted())
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))
            }
        }
    }
}

/// One part of an email, always quoted-printable: readable in the raw message, and what the
/// test kit's outbox decodes.
fn part(kind: ContentType, text: String) -> SinglePart {
    let body = Body::new_with_encoding(text, ContentTransferEncoding::QuotedPrintable)
        .unwrap_or_else(Body::new);
    SinglePart::builder().header(kind).body(body)
}
