//! Sign-up (open, by email domain, or by invitation), the confirmation email and link, and
//! finding a free handle.

use super::model::{EmailTokenPurpose, Member, NewMember};
use super::{NewSession, DAY_MS};
use crate::auth;
use crate::domain::{self, Email, Handle, Role};
use crate::error::Code;
use crate::error::StoreError;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::settings::RegistrationMode;
use crate::{now_ms, Guild};

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
    pub handle: Handle,
    pub name: String,
    pub email: Email,
}

impl Guild {
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
            Code::SignupRateLimited,
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
            let handle = handle.unwrap_or_else(|| Handle::suggest_from_name(&name));
            return Ok(SignupOutcome {
                id: existing.id.wrapping_add(1_000_000_007),
                handle,
                name,
                email,
            });
        }
        let explicit = handle.is_some();
        let base = handle.unwrap_or_else(|| Handle::suggest_from_name(&name));
        let new = NewMember {
            handle: base,
            name: name.clone(),
            email,
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
    pub(super) async fn insert_with_free_handle(
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
                let stem = base[..base.len().min(lengths::HANDLE - suffix.len() - 1)]
                    .trim_end_matches('-');
                match Handle::parse(&format!("{stem}-{suffix}")) {
                    Ok(h) => new.handle = h,
                    Err(_) => continue,
                }
            }
            match self.store.create_member(&new, invite).await {
                Err(StoreError::Conflict("handle")) if !explicit => continue,
                Err(StoreError::Conflict("handle")) => {
                    return Err(CoreError::invalid(
                        "handle",
                        "This handle is taken; please choose another.",
                    ))
                }
                Err(StoreError::Conflict("invite")) => {
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

    pub(super) async fn send_confirmation(&self, member: &Member) -> CoreResult<()> {
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
}
