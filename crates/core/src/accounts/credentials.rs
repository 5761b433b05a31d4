//! Changing what proves an account: password reset by emailed link, password change, email
//! change. A reset ends every session and every access token: whoever held the account
//! keeps nothing. A change ends every session (the device that asked gets a new one) and
//! revokes the tokens unless the member keeps them.

use super::model::{EmailTokenPurpose, Member};
use super::{NewSession, HOUR_MS};
use crate::auth::{self, Viewer};
use crate::domain::{self, Email};
use crate::error::Code;
use crate::error::StoreError;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::mail::Letter;
use crate::outbox::Job;
use crate::{now_ms, Guild};

impl Guild {
    /// Always succeeds from the caller's point of view: the request is only queued, so it
    /// answers in the same time for every address and never fails on mail. The job mails a
    /// link only to a real account.
    pub async fn request_password_reset(&self, email: &str, ip: &str) -> CoreResult<()> {
        let email = Email::parse(email).map_err(|m| CoreError::invalid("email", m))?;
        self.limit(
            Code::ResetRateLimited,
            format!("reset-ip:{ip}"),
            self.settings.limits.signups_per_ip_per_hour,
            "reset requests from your network",
        )
        .await?;
        self.enqueue(&Job::PasswordReset {
            email: email.to_string(),
        })
        .await
    }

    /// The job a reset request queued: a link for the account with this address, if there
    /// is one and it has not had too many links this hour.
    pub(crate) async fn deliver_password_reset(&self, email: &str) -> CoreResult<()> {
        let Some(m) = self.store.member_by_email(email).await? else {
            return Ok(());
        };
        let per_account = format!("reset-acct:{}", m.id);
        if !self
            .within_hourly(
                &per_account,
                self.settings.limits.password_resets_per_account_per_hour,
            )
            .await?
        {
            return Ok(());
        }
        let token = auth::new_secret("");
        self.store
            .create_email_token(
                &auth::secret_hash(&token),
                m.id,
                EmailTokenPurpose::Reset,
                now_ms() + HOUR_MS,
            )
            .await?;
        let url = format!("{}/password/reset/{token}", self.settings.public_url);
        let letter = Letter::new(m.email.as_str(), "Reset your Guild password")
            .hello(&m.name)
            .text("Someone asked to reset the password of your Guild account. To choose a new one, open:")
            .button("Choose a new password", url)
            .small("The link works once, for one hour. If you did not ask, ignore this email: your password stays as it is.");
        self.send_now(letter.email()).await
    }

    /// Whether a reset link still works (it is not used up by asking): its page says so
    /// before asking for a new password.
    pub async fn reset_link_valid(&self, token: &str) -> CoreResult<bool> {
        Ok(self
            .store
            .email_token_valid(
                &auth::secret_hash(token),
                EmailTokenPurpose::Reset,
                now_ms(),
            )
            .await?)
    }

    /// Sets a new password from a reset link; every session and every access token of the
    /// account ends.
    pub async fn reset_password(&self, token: &str, new_password: &str) -> CoreResult<NewSession> {
        let password =
            domain::new_password(new_password).map_err(|m| CoreError::invalid("password", m))?;
        let id = self
            .store
            .take_email_token(
                &auth::secret_hash(token),
                EmailTokenPurpose::Reset,
                now_ms(),
            )
            .await?
            .ok_or_else(|| {
                CoreError::invalid(
                    "token",
                    "This reset link has expired or was already used. Ask for a new one.",
                )
            })?;
        self.store
            .set_password_hash(id, &auth::hash_password(&password)?)
            .await?;
        // Opening the emailed link proves the address, so a pending account is confirmed too.
        self.store.activate_member(id).await?;
        self.affinity_changed(id).await;
        self.store.delete_member_sessions(id).await?;
        self.store.revoke_member_tokens(id, now_ms()).await?;
        self.start_session(id).await
    }

    /// Changes the password after checking the current one; ends every session (all devices)
    /// and returns a fresh one for the device that asked. The access tokens are revoked too,
    /// unless `keep_tokens`.
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
        keep_tokens: bool,
    ) -> CoreResult<NewSession> {
        let me = viewer.require()?;
        let mut errs = FieldErrors::new();
        if !auth::verify_password(current, &me.password_hash) {
            errs.add("current_password", "This is not your current password.");
        }
        let new = errs.take("new_password", domain::new_password(new));
        errs.into_result()?;
        let new = new.unwrap_or_default();
        self.store
            .set_password_hash(me.id, &auth::hash_password(&new)?)
            .await?;
        self.store.delete_member_sessions(me.id).await?;
        if !keep_tokens {
            self.store.revoke_member_tokens(me.id, now_ms()).await?;
        }
        self.start_session(me.id).await
    }

    pub async fn change_email(
        &self,
        viewer: &Viewer,
        password: &str,
        new_email: &str,
    ) -> CoreResult<Member> {
        let me = viewer.require()?;
        let mut errs = FieldErrors::new();
        if !auth::verify_password(password, &me.password_hash) {
            errs.add("password", "This is not your current password.");
        }
        let email = errs.take("email", Email::parse(new_email));
        errs.into_result()?;
        let email = email.ok_or(CoreError::NotFound)?;
        self.store
            .set_email(me.id, email.as_str())
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => {
                    CoreError::invalid("email", "This address cannot be used for your account.")
                }
                e => e.into(),
            })?;
        let letter = Letter::new(me.email.as_str(), "Your Guild email address was changed")
            .hello(&me.name)
            .text(format!(
                "The email address of your Guild account was changed to {}.",
                email.as_str()
            ))
            .small("If this was not you, reset your password now and contact an administrator.")
            .button(
                "Reset your password",
                format!("{}/password/forgot", self.settings.public_url),
            );
        self.queue_email(letter.email()).await?;
        self.store
            .member_by_id(me.id)
            .await?
            .ok_or(CoreError::NotFound)
    }
}
