//! Checking a sign-in without letting strangers lock the owner out.
//!
//! Three limits, each per hour: attempts from one network (`sign_ins_per_ip_per_hour`);
//! attempts at one account from one network (`sign_ins_per_account_per_hour`), which slows a
//! guesser down without touching the owner elsewhere; and wrong passwords for one account
//! from anywhere. Past that last one the account is *guarded*: its owner is told by email
//! that someone is guessing, and the right password alone no longer signs in — it brings a
//! one-time code by email, and the code signs in. So a guesser who finds the password still
//! needs the mailbox, and the owner is never refused.

use super::model::{EmailTokenPurpose, Member};
use crate::auth;
use crate::domain;
use crate::error::{Code, CoreError, CoreResult, StoreError};
use crate::lengths;
use crate::mail::Letter;
use crate::outbox::Job;
use crate::{now_ms, Guild};

/// How long an emailed sign-in code works.
const CODE_MINUTES: i64 = 15;
/// Wrong codes for one account in an hour before codes are refused for the rest of it.
const WRONG_CODES_PER_HOUR: u32 = 10;
const NOT_RIGHT: &str = "Email or password is not right.";

fn failures_key(key: &str) -> String {
    format!("signin-fail:{key}")
}

/// The secret a sign-in code is stored as: bound to its member, so codes never collide
/// across accounts.
fn code_hash(member: i64, code: &str) -> String {
    auth::secret_hash(&format!("signin:{member}:{code}"))
}

impl Guild {
    /// Checks email and password under the limits above. A guarded account answers the
    /// right password with [`Code::SignInCodeRequired`] and emails a code.
    pub async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        ip: &str,
    ) -> CoreResult<Member> {
        let key = domain::fold_key(email);
        if email.len() > lengths::EMAIL || password.len() > lengths::PASSWORD_CHECKED {
            return Err(CoreError::Unauthenticated(NOT_RIGHT.into()));
        }
        self.attempt_limits(&key, ip).await?;
        let member = self.store.member_by_email(&key).await?;
        let hash = member
            .as_ref()
            .map(|m| m.password_hash.as_str())
            .unwrap_or(auth::dummy_hash());
        let ok = auth::verify_password(password, hash);
        let m = match member {
            Some(m) if ok => m,
            member => return Err(self.wrong_password(&key, member.as_ref(), password).await?),
        };
        if !m.active {
            // An account from before sign-ups waited in their own table.
            self.send_confirmation(&m).await?;
            return Err(CoreError::Unauthenticated(
                "Please confirm your email first: we have sent you a new link.".into(),
            ));
        }
        let limit = self.settings.limits.sign_ins_per_account_per_hour as usize;
        if self.count_hourly(&failures_key(&key)).await? > limit {
            self.send_sign_in_code(&m, ip).await?;
            return Err(CoreError::refused(
                Code::SignInCodeRequired,
                "Someone has been trying to guess this account's password, so we have emailed \
                 you a sign-in code. Enter it to sign in.",
            ));
        }
        self.signed_in(&key, ip).await?;
        Ok(m)
    }

    /// Checks a code emailed by [`Guild::check_credentials`], under the same limits.
    pub async fn check_sign_in_code(
        &self,
        email: &str,
        code: &str,
        ip: &str,
    ) -> CoreResult<Member> {
        let key = domain::fold_key(email);
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if email.len() > lengths::EMAIL || code.len() > 12 {
            return Err(CoreError::invalid("code", "This code is not right."));
        }
        self.attempt_limits(&key, ip).await?;
        self.limit(
            Code::SignInRateLimited,
            format!("signin-code:{key}"),
            WRONG_CODES_PER_HOUR,
            "wrong codes for this account",
        )
        .await?;
        let wrong = || CoreError::invalid("code", "This code is not right, or it has expired.");
        let Some(m) = self.store.member_by_email(&key).await? else {
            return Err(wrong());
        };
        let taken = self
            .store
            .take_email_token(
                &code_hash(m.id, &code),
                EmailTokenPurpose::SignInCode,
                now_ms(),
            )
            .await?;
        if taken != Some(m.id) || !m.active {
            return Err(wrong());
        }
        self.forget_attempts(&format!("signin-code:{key}")).await?;
        self.forget_attempts(&failures_key(&key)).await?;
        self.signed_in(&key, ip).await?;
        Ok(m)
    }

    async fn attempt_limits(&self, key: &str, ip: &str) -> CoreResult<()> {
        let limits = &self.settings.limits;
        self.limit(
            Code::SignInRateLimited,
            format!("signin-ip:{ip}"),
            limits.sign_ins_per_ip_per_hour,
            "sign-in attempts from your network",
        )
        .await?;
        self.limit(
            Code::SignInRateLimited,
            format!("signin-acct:{key}|{ip}"),
            limits.sign_ins_per_account_per_hour,
            "sign-in attempts for this account from your network",
        )
        .await
    }

    async fn signed_in(&self, key: &str, ip: &str) -> CoreResult<()> {
        self.forget_attempts(&format!("signin-acct:{key}|{ip}"))
            .await
    }

    /// Counts a wrong password against the account (telling its owner once, when it becomes
    /// guarded) and says what to answer: a sign-up not yet confirmed is reminded of its link.
    async fn wrong_password(
        &self,
        key: &str,
        member: Option<&Member>,
        password: &str,
    ) -> CoreResult<CoreError> {
        let limit = self.settings.limits.sign_ins_per_account_per_hour as usize;
        let failures = self.note_hourly(&failures_key(key)).await?;
        if let (Some(m), true) = (member, failures == limit + 1) {
            let letter = Letter::new(m.email.as_str(), "Someone is trying to guess your Guild password")
                .hello(&m.name)
                .text(format!(
                    "There have been {failures} sign-in attempts with a wrong password for your Guild \
                     account in the last hour. Your account is safe: while this goes on, the right password alone \
                     does not sign in — we also email a one-time code to this address."
                ))
                .text("If these were not you, choose a long password you use nowhere else:")
                .button("Open your settings", format!("{}/settings", self.settings.public_url));
            self.queue_email(letter.email()).await?;
        }
        // Whether or not the address is registered (a sign-up for a registered address is
        // kept too), so this answer says nothing about it.
        if let Some(s) = self.store.newest_signup_for(key, now_ms()).await? {
            if auth::verify_password(password, &s.new.password_hash) {
                self.enqueue(&Job::Signup { signup: s.id }).await?;
                return Ok(CoreError::Unauthenticated(
                    "Please confirm your email first: we have sent you a new link.".into(),
                ));
            }
        }
        Ok(CoreError::Unauthenticated(NOT_RIGHT.into()))
    }

    /// Emails a new six-digit sign-in code, valid for a quarter of an hour.
    async fn send_sign_in_code(&self, m: &Member, ip: &str) -> CoreResult<()> {
        let expires = now_ms() + CODE_MINUTES * 60_000;
        let mut code = String::new();
        // Two codes of one member alike (one in a million) would share a hash: draw again.
        for _ in 0..3 {
            let candidate = format!("{:06}", rand::random::<u32>() % 1_000_000);
            let hash = code_hash(m.id, &candidate);
            match self
                .store
                .create_email_token(&hash, m.id, EmailTokenPurpose::SignInCode, expires)
                .await
            {
                Ok(()) => {
                    code = candidate;
                    break;
                }
                Err(StoreError::Conflict(_)) => continue,
                Err(e) => return Err(e.into()),
            }
        }
        if code.is_empty() {
            return Err(CoreError::Internal("no free sign-in code".into()));
        }
        let letter = Letter::new(m.email.as_str(), &format!("Your Guild sign-in code: {code}"))
            .hello(&m.name)
            .text(format!("Your sign-in code is {code}. It works once, for {CODE_MINUTES} minutes."))
            .code(&code)
            .small(format!(
                "We asked for it because someone has been trying to guess your password. The right password \
                 was just given (from the network {ip}). If that was not you, change your password now:"
            ))
            .button("Reset your password", format!("{}/password/forgot", self.settings.public_url));
        self.queue_email(letter.email()).await
    }
}
