//! Sessions: starting one after the credentials check out ([`super::guard`]), and who a
//! session cookie belongs to.

use super::model::Member;
use super::DAY_MS;
use crate::auth::{self, Viewer};
use crate::error::{CoreError, CoreResult};
use crate::{now_ms, Guild};

/// A new session: the cookie value (shown once) and its member.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub member: Member,
}

impl Guild {
    pub async fn sign_in(&self, email: &str, password: &str, ip: &str) -> CoreResult<NewSession> {
        let m = self.check_credentials(email, password, ip).await?;
        self.start_session(m.id).await
    }

    /// Signs in with the code emailed when the account was being guessed.
    pub async fn sign_in_with_code(
        &self,
        email: &str,
        code: &str,
        ip: &str,
    ) -> CoreResult<NewSession> {
        let m = self.check_sign_in_code(email, code, ip).await?;
        self.start_session(m.id).await
    }

    pub(super) async fn start_session(&self, member: i64) -> CoreResult<NewSession> {
        let token = auth::new_secret("");
        let now = now_ms();
        let expires = now + i64::from(self.settings.limits.session_days) * DAY_MS;
        self.store
            .create_session(&auth::secret_hash(&token), member, now, expires)
            .await?;
        let member = self
            .store
            .member_by_id(member)
            .await?
            .ok_or(CoreError::NotFound)?;
        Ok(NewSession { token, member })
    }

    pub async fn session_viewer(&self, token: &str) -> CoreResult<Viewer> {
        if token.len() > 200 {
            return Ok(Viewer::Anonymous);
        }
        Ok(
            match self
                .store
                .session_member(&auth::secret_hash(token), now_ms())
                .await?
            {
                Some(m) if m.active => Viewer::Member(m),
                _ => Viewer::Anonymous,
            },
        )
    }

    pub async fn sign_out(&self, token: &str) -> CoreResult<()> {
        Ok(self.store.delete_session(&auth::secret_hash(token)).await?)
    }
}
