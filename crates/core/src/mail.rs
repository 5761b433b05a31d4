//! Outgoing email. The web crate implements [`Mailer`] with lettre (SMTP, or `.eml` files in
//! the data directory's outbox when no SMTP server is configured).

use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, email: OutgoingEmail) -> Result<(), String>;
}
