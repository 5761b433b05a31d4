//! Accounts: sign-up, confirmation, sign-in and sessions, password reset and change, email
//! change, personal access tokens, sign-up invitations and roles.
//!
//! Sign-up and reset never reveal whether an email is registered: both always answer "we have
//! sent you an email", and the email says what applies (a confirmation link, or "you already
//! have an account").

use chrono::{TimeZone, Utc};

use crate::auth::{self, Viewer};
use crate::domain::{self, Email, Handle, Role};
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::mail::OutgoingEmail;
use crate::model::{ApiToken, Member, NewMember, SignupInvite};
use crate::settings::RegistrationMode;
use crate::store::EmailTokenPurpose;
use crate::{now_ms, Guild};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;

#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub name: String,
    pub email: String,
    pub password: String,
    pub handle: Option<String>,
    /// The invitation token, in invite-only mode.
    pub invite: Option<String>,
}

/// What sign-up answers, the same whether or not the email was already registered.
#[derive(Debug, Clone)]
pub struct SignupOutcome {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub email: String,
}

/// A new session: the cookie value (shown once) and its member.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub token: String,
    pub member: Member,
}

impl Guild {
    fn limit(&self, code: &'static str, key: String, max: u32, what: &str) -> CoreResult<()> {
        let now = now_ms();
        self.limiter.hit(&key, max, HOUR_MS, now).map_err(|until| {
            let retry_after = Utc
                .timestamp_millis_opt(until)
                .single()
                .unwrap_or_else(Utc::now);
            let mins = ((until - now) as f64 / 60_000.0).ceil().max(1.0) as i64;
            CoreError::RateLimited {
                code,
                message: format!(
                    "Too many {what}. Please try again in {mins} minute{} (at {} UTC).",
                    if mins == 1 { "" } else { "s" },
                    retry_after.format("%H:%M")
                ),
                retry_after,
            }
        })
    }

    pub async fn signup(&self, input: SignupInput, ip: &str) -> CoreResult<SignupOutcome> {
        let limits = &self.settings.limits;
        let mut errs = FieldErrors::new();
        let name = errs.take("name", domain::display_name(&input.name));
        let email = errs.take("email", Email::parse(&input.email));
        let password = errs.take("password", domain::new_password(&input.password));
        let handle = match input
            .handle
            .as_deref()
            .map(str::trim)
            .filter(|h| !h.is_empty())
        {
            Some(h) => errs.take("handle", Handle::parse(h)).map(Some),
            None => Some(None),
        };
        let reg = &self.settings.registration;
        let invite_hash = match reg.mode {
            RegistrationMode::InviteOnly => {
                let token = input.invite.as_deref().unwrap_or("").trim();
                let hash = auth::secret_hash(token);
                if token.is_empty() || !self.store.signup_invite_valid(&hash, now_ms()).await? {
                    errs.add(
                        "invite",
                        "Sign-up here needs a valid invitation link from an administrator.",
                    );
                }
                Some(hash)
            }
            RegistrationMode::Domains => {
                if let Some(e) = &email {
                    if !reg
                        .allowed_domains
                        .iter()
                        .any(|d| d.eq_ignore_ascii_case(e.domain()))
                    {
                        errs.add(
                            "email",
                            format!(
                                "Sign-up is open to addresses at {}.",
                                reg.allowed_domains.join(", ")
                            ),
                        );
                    }
                }
                None
            }
            RegistrationMode::Open => None,
        };
        errs.into_result()?;
        let (Some(name), Some(email), Some(password), Some(handle)) =
            (name, email, password, handle)
        else {
            return Err(CoreError::Internal("validated fields missing".into()));
        };
        // Counted only for well-formed attempts, so typos do not use up the allowance.
        self.limit(
            "signup_rate_limited",
            format!("signup-ip:{ip}"),
            limits.signups_per_ip_per_hour,
            "sign-ups from your network",
        )?;

        let password_hash = auth::hash_password(&password)?;
        if let Some(existing) = self.store.member_by_email(email.as_str()).await? {
            // Do not reveal the account: answer as for a new one, and tell its owner.
            self.send_mail(
                email.as_str(),
                "Someone tried to sign up with your address",
                format!(
                    "Hello {},\n\nSomeone (perhaps you) tried to create a Guild account with this email address, \
                     which already has one.\n\nSign in: {}/signin\nForgot your password? {}/password/forgot\n\n\
                     If it was not you, you can ignore this email.\n",
                    existing.name, self.settings.public_url, self.settings.public_url
                ),
            )
            .await?;
            let handle = handle
                .map(Handle::into_string)
                .unwrap_or_else(|| Handle::suggest_from_name(&name));
            return Ok(SignupOutcome {
                id: existing.id.wrapping_add(1_000_000_007),
                handle,
                name,
                email: email.as_str().into(),
            });
        }
        let explicit = handle.is_some();
        let base = handle
            .map(Handle::into_string)
            .unwrap_or_else(|| Handle::suggest_from_name(&name));
        let new = NewMember {
            handle: base.clone(),
            name: name.clone(),
            email: email.as_str().into(),
            password_hash,
            role: Role::Member,
            active: false,
            created_at: now_ms(),
        };
        let member = self
            .insert_with_free_handle(new, explicit, invite_hash.as_deref())
            .await?;
        self.send_confirmation(&member).await?;
        Ok(SignupOutcome {
            id: member.id,
            handle: member.handle,
            name: member.name,
            email: member.email,
        })
    }

    /// Inserts, trying `handle`, then `handle-2`, `handle-3`… when the handle was proposed by
    /// us (an explicit handle that is taken is the member's to change).
    async fn insert_with_free_handle(
        &self,
        mut new: NewMember,
        explicit: bool,
        invite: Option<&str>,
    ) -> CoreResult<Member> {
        let base = new.handle.clone();
        for n in 1..50 {
            if n > 1 {
                let suffix = if n < 10 {
                    n.to_string()
                } else {
                    rand::random::<u32>().to_string()
                };
                let stem = base[..base.len().min(30 - suffix.len() - 1)].trim_end_matches('-');
                new.handle = format!("{stem}-{suffix}");
            }
            match self.store.create_member(&new, invite).await {
                Err(crate::store::StoreError::Conflict("handle")) if !explicit => continue,
                Err(crate::store::StoreError::Conflict("handle")) => {
                    return Err(CoreError::invalid(
                        "handle",
                        "This handle is taken; please choose another.",
                    ))
                }
                Err(crate::store::StoreError::Conflict("invite")) => {
                    return Err(CoreError::invalid(
                        "invite",
                        "This invitation link has already been used.",
                    ))
                }
                other => return Ok(other?),
            }
        }
        Err(CoreError::invalid("handle", "Please choose a handle."))
    }

    async fn send_confirmation(&self, member: &Member) -> CoreResult<()> {
        let token = auth::new_secret("");
        self.store
            .create_email_token(
                &auth::secret_hash(&token),
                member.id,
                EmailTokenPurpose::Confirm,
                now_ms() + 7 * DAY_MS,
            )
            .await?;
        self.send_mail(
            &member.email,
            "Confirm your email for Guild",
            format!(
                "Hello {},\n\nWelcome to Guild. Open this link to confirm your email and sign in:\n\n{}/confirm/{}\n\n\
                 The link works once, for 7 days.\n",
                member.name, self.settings.public_url, token
            ),
        )
        .await
    }

    /// Opens a confirmation link: activates the account and starts a session.
    pub async fn confirm_email(&self, token: &str) -> CoreResult<NewSession> {
        let id = self
            .store
            .take_email_token(
                &auth::secret_hash(token),
                EmailTokenPurpose::Confirm,
                now_ms(),
            )
            .await?
            .ok_or_else(|| {
                CoreError::invalid(
                    "token",
                    "This confirmation link has expired or was already used.",
                )
            })?;
        self.store.activate_member(id).await?;
        self.start_session(id).await
    }

    async fn send_mail(&self, to: &str, subject: &str, body: String) -> CoreResult<()> {
        self.mailer
            .send(OutgoingEmail {
                to: to.into(),
                subject: subject.into(),
                body,
            })
            .await
            .map_err(|e| CoreError::Internal(format!("mail: {e}")))
    }

    /// Checks email and password under the per-IP and per-account limits.
    pub async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        ip: &str,
    ) -> CoreResult<Member> {
        let limits = &self.settings.limits;
        let key = domain::fold_key(email);
        if email.len() > 254 || password.len() > domain::PASSWORD_MAX * 4 {
            return Err(CoreError::Unauthenticated(
                "Email or password is not right.".into(),
            ));
        }
        self.limit(
            "sign_in_rate_limited",
            format!("signin-ip:{ip}"),
            limits.sign_ins_per_ip_per_hour,
            "sign-in attempts from your network",
        )?;
        self.limit(
            "sign_in_rate_limited",
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

    async fn start_session(&self, member: i64) -> CoreResult<NewSession> {
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

    /// Always succeeds from the caller's point of view; mails a link only to a real account.
    pub async fn request_password_reset(&self, email: &str, ip: &str) -> CoreResult<()> {
        let email = Email::parse(email).map_err(|m| CoreError::invalid("email", m))?;
        self.limit(
            "reset_rate_limited",
            format!("reset-ip:{ip}"),
            self.settings.limits.signups_per_ip_per_hour,
            "reset requests from your network",
        )?;
        let Some(m) = self.store.member_by_email(email.as_str()).await? else {
            return Ok(());
        };
        let per_account = format!("reset-acct:{}", m.id);
        if self
            .limiter
            .hit(
                &per_account,
                self.settings.limits.password_resets_per_account_per_hour,
                HOUR_MS,
                now_ms(),
            )
            .is_err()
        {
            return Ok(()); // silently: saying so would reveal the account
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
        self.send_mail(
            &m.email,
            "Reset your Guild password",
            format!(
                "Hello {},\n\nSomeone asked to reset the password of your Guild account. To choose a new one, open:\n\n\
                 {}/password/reset/{}\n\nThe link works once, for one hour. If you did not ask, ignore this email: \
                 your password stays as it is.\n",
                m.name, self.settings.public_url, token
            ),
        )
        .await
    }

    /// Sets a new password from a reset link; every session of the account ends.
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
        self.store.delete_member_sessions(id).await?;
        self.start_session(id).await
    }

    /// Changes the password after checking the current one; ends every session (all devices)
    /// and returns a fresh one for the device that asked.
    pub async fn change_password(
        &self,
        viewer: &Viewer,
        current: &str,
        new: &str,
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
                crate::store::StoreError::Conflict(_) => {
                    CoreError::invalid("email", "This address cannot be used for your account.")
                }
                e => e.into(),
            })?;
        self.send_mail(
            &me.email,
            "Your Guild email address was changed",
            format!("Hello {},\n\nThe email address of your Guild account was changed to {}. If this was not you, reset your password at {}/password/forgot and contact an administrator.\n", me.name, email.as_str(), self.settings.public_url),
        )
        .await?;
        self.store
            .member_by_id(me.id)
            .await?
            .ok_or(CoreError::NotFound)
    }

    // ---- personal access tokens ----

    pub async fn create_token(&self, viewer: &Viewer, label: &str) -> CoreResult<(i64, String)> {
        let me = viewer.require()?;
        let label = domain::optional_line(label, "Label", 100)
            .map_err(|m| CoreError::invalid("label", m))?;
        let label = label.unwrap_or_else(|| "API token".into());
        let token = auth::new_secret("gld_");
        let id = self
            .store
            .create_token(me.id, &label, &auth::secret_hash(&token), now_ms())
            .await?;
        Ok((id, token))
    }

    pub async fn list_tokens(&self, viewer: &Viewer) -> CoreResult<Vec<ApiToken>> {
        Ok(self.store.list_tokens(viewer.require()?.id).await?)
    }

    /// Revokes one of the viewer's own tokens; another member's token id is "not found".
    pub async fn revoke_token(&self, viewer: &Viewer, id: i64) -> CoreResult<()> {
        if self
            .store
            .revoke_token(viewer.require()?.id, id, now_ms())
            .await?
        {
            Ok(())
        } else {
            Err(CoreError::NotFound)
        }
    }

    pub async fn token_viewer(&self, token: &str) -> CoreResult<Option<Viewer>> {
        if token.len() > 200 {
            return Ok(None);
        }
        Ok(self
            .store
            .token_member(&auth::secret_hash(token), now_ms())
            .await?
            .filter(|m| m.active)
            .map(Viewer::Member))
    }

    // ---- administration ----

    /// Creates an active member directly (the `guild admin create-member` command, tests).
    pub async fn create_member_directly(
        &self,
        name: &str,
        email: &str,
        password: &str,
        handle: Option<&str>,
        role: Role,
    ) -> CoreResult<Member> {
        let mut errs = FieldErrors::new();
        let name = errs.take("name", domain::display_name(name));
        let email = errs.take("email", Email::parse(email));
        let password = errs.take("password", domain::new_password(password));
        let handle = match handle {
            Some(h) => errs.take("handle", Handle::parse(h)).map(Some),
            None => Some(None),
        };
        errs.into_result()?;
        let (Some(name), Some(email), Some(password), Some(handle)) =
            (name, email, password, handle)
        else {
            return Err(CoreError::Internal("validated fields missing".into()));
        };
        let explicit = handle.is_some();
        let new = NewMember {
            handle: handle
                .map(Handle::into_string)
                .unwrap_or_else(|| Handle::suggest_from_name(&name)),
            name,
            email: email.as_str().into(),
            password_hash: auth::hash_password(&password)?,
            role,
            active: true,
            created_at: now_ms(),
        };
        self.insert_with_free_handle(new, explicit, None)
            .await
            .map_err(|e| match e {
                CoreError::Invalid(f) if f.get("email").is_some() => {
                    CoreError::invalid("email", "A member with this email already exists.")
                }
                e => e,
            })
    }

    pub async fn set_role(&self, handle: &str, role: Role) -> CoreResult<Member> {
        let m = self
            .store
            .member_by_handle(&domain::fold_key(handle))
            .await?
            .ok_or(CoreError::NotFound)?;
        self.store.set_role(m.id, role).await?;
        self.store
            .member_by_id(m.id)
            .await?
            .ok_or(CoreError::NotFound)
    }

    /// An invitation link for invite-only sign-up, valid for 14 days (admins only).
    pub async fn create_signup_invite(&self, viewer: &Viewer) -> CoreResult<SignupInvite> {
        let admin = auth::require_admin(viewer)?;
        let token = auth::new_secret("");
        let now = now_ms();
        let expires_at = now + 14 * DAY_MS;
        self.store
            .create_signup_invite(&auth::secret_hash(&token), admin.id, now, expires_at)
            .await?;
        Ok(SignupInvite { token, expires_at })
    }
}
