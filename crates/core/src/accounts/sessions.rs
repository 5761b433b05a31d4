//! Signing in (credentials checked under rate limits), sessions, and who a session cookie
//! belongs to.

use super::model::Member;
use super::DAY_MS;
use crate::auth::{self, Viewer};
use crate::domain;
use crate::error::Code;
use crate::error::{CoreError, CoreResult};
use crate::lengths;
use crate::{now_ms, Guild};

/// A new session: the cookie value (shown once) and its member.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub member: Member,
}

impl Guild {
    /// Checks email and password under the per-IP and per-account limits.
    pub async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        ip: &str,
    ) -> CoreResult<Member> {
        let limits = &self.settings.limits;
        let key = domain::fold_key(email);
        if email.len() > lengths::EMAIL || password.len() > lengths::PASSWORD_CHECKED {
            return Err(CoreError::Unauthenticated(
                "Email or password is not right.".into(),
            ));
        }
        self.limit(
            Code::SignInRateLimited,
            format!("signin-ip:{ip}"),
            limits.sign_ins_per_ip_per_hour,
            "sign-in attempts from your network",
        )?;
        self.limit(
            Code::SignInRateLimited,
            format!("signin-acct:{key}"),
            limits.sign_ins_per_account_per_hour,
            "sign-in attempts for this account",
        )?;
        let member = self.store.member_by_email(&key).await?;
        let hash = member
            .as_ref()
            .map(|m| m.password_hash.as_str())
            .unwrap_or(auth::dummy_hash());
        let ok = auth::verify_password(password, hash);
        match member {
            Some(m) if ok => {
                if !m.active {
                    self.send_confirmation(&m).await?;
                    return Err(CoreError::Unauthenticated(
                        "Please confirm your email first: we have sent you a new link.".into(),
                    ));
                }
                self.limiter.clear(&format!("signin-acct:{key}"));
                Ok(m)
            }
            _ => Err(CoreError::Unauthenticated(
                "Email or password is not right.".into(),
            )),
        }
    }

    pub async fn sign_in(&self, email: &str, password: &str, ip: &str) -> CoreResult<NewSession> {
        let m = self.check_credentials(email, password, ip).await?;
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
