//! Sign-up (open, by email domain, or by invitation), the confirmation email and link, and
//! finding a free handle.
//!
//! A sign-up is only written down and its email queued ([`crate::outbox`]): the member is
//! created when the link is opened. So the answer (status, shape, errors, time) is the same
//! whether or not the address is registered, and nothing anyone can see changes until then.

use super::model::{EmailTokenPurpose, Member, NewMember, NewSignup, Signup};
use super::{NewSession, DAY_MS};
use crate::auth;
use crate::domain::{self, Email, Handle, Role};
use crate::error::Code;
use crate::error::StoreError;
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::lengths;
use crate::mail::Letter;
use crate::outbox::Job;
use crate::settings::RegistrationMode;
use crate::{now_ms, Guild};

/// How long a sign-up's confirmation link works.
const SIGNUP_DAYS: i64 = 7;
const HANDLE_TAKEN: &str = "This handle is taken; please choose another.";

#[derive(Debug, Clone, Default)]
pub struct SignupInput {
    pub name: String,
    pub email: String,
    pub password: String,
    pub handle: Option<String>,
    /// The invitation token, in invite-only mode.
    pub invite: Option<String>,
}

/// What sign-up answers, the same whether or not the email was already registered: the
/// handle and name the member will have (no id: there is no member until the link is opened).
#[derive(Debug, Clone)]
pub struct SignupOutcome {
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
        )
        .await?;
        // Whether a handle is taken is public (profiles are found by it), and the same for
        // every address; whether the address is registered is looked up only by the job.
        let handle = match handle {
            Some(h) if self.store.member_by_handle(&h).await?.is_some() => {
                return Err(CoreError::invalid("handle", HANDLE_TAKEN));
            }
            Some(h) => h,
            None => self.free_handle(Handle::suggest_from_name(&name)).await?,
        };
        let now = now_ms();
        let signup = NewSignup {
            email,
            name,
            handle,
            password_hash: auth::hash_password(&password)?,
            invite_hash,
            created_at: now,
            expires_at: now + SIGNUP_DAYS * DAY_MS,
        };
        let id = self.store.create_signup(&signup).await?;
        self.enqueue(&Job::Signup { signup: id }).await?;
        Ok(SignupOutcome {
            handle: signup.handle,
            name: signup.name,
            email: signup.email,
        })
    }

    /// The job a sign-up queued: the confirmation link for a new address; for one that has
    /// an account, an email telling its owner (and no link: that sign-up can never become a
    /// member). A sign-up confirmed or expired meanwhile needs nothing.
    pub(crate) async fn deliver_signup(&self, id: i64) -> CoreResult<()> {
        let Some(Signup { id, new: s }) = self.store.signup_by_id(id).await? else {
            return Ok(());
        };
        if let Some(existing) = self.store.member_by_email(s.email.as_str()).await? {
            let base = &self.settings.public_url;
            let letter = Letter::new(existing.email.as_str(), "Someone tried to sign up with your address")
                .hello(&existing.name)
                .text("Someone (perhaps you) tried to create a Guild account with this email address, which already has one.")
                .button("Sign in", format!("{base}/signin"))
                .text(format!("Forgot your password? {base}/password/forgot"))
                .small("If it was not you, you can ignore this email.");
            return self.send_now(letter.email()).await;
        }
        let token = auth::new_secret("");
        self.store
            .set_signup_token(id, &auth::secret_hash(&token))
            .await?;
        let letter = Letter::new(s.email.as_str(), "Confirm your email for Guild")
            .hello(&s.name)
            .text("Welcome to Guild. Open this link to confirm your email and sign in:")
            .button(
                "Confirm your email",
                format!("{}/confirm/{token}", self.settings.public_url),
            )
            .small(format!("The link works for {SIGNUP_DAYS} days."));
        self.send_now(letter.email()).await
    }

    /// `base` if no member has it, else `base-2`, `base-3`…: a handle to suggest.
    async fn free_handle(&self, base: Handle) -> CoreResult<Handle> {
        for n in 1..10 {
            let candidate = if n == 1 {
                Some(base.clone())
            } else {
                suffixed(&base, n)
            };
            if let Some(h) = candidate {
                if self.store.member_by_handle(&h).await?.is_none() {
                    return Ok(h);
                }
            }
        }
        // Crowded names: a random suffix; confirming picks another if it is taken by then.
        Ok(suffixed(&base, rand::random::<u32>()).unwrap_or(base))
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
                let suffix = if n < 10 { n } else { rand::random::<u32>() };
                match suffixed(&base, suffix) {
                    Some(h) => new.handle = h,
                    None => continue,
                }
            }
            match self.store.create_member(&new, invite).await {
                Err(StoreError::Conflict("handle")) if !explicit => continue,
                Err(StoreError::Conflict("handle")) => {
                    return Err(CoreError::invalid("handle", HANDLE_TAKEN))
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
        let letter = Letter::new(member.email.as_str(), "Confirm your email for Guild")
            .hello(&member.name)
            .text("Welcome to Guild. Open this link to confirm your email and sign in:")
            .button(
                "Confirm your email",
                format!("{}/confirm/{token}", self.settings.public_url),
            )
            .small("The link works once, for 7 days.");
        self.queue_email(letter.email()).await
    }

    /// Opens a confirmation link: creates the member (with the handle asked for, or a free
    /// one like it if it was taken meanwhile) and starts a session. Links mailed before
    /// sign-ups waited in their own table still activate their pending account.
    pub async fn confirm_email(&self, token: &str) -> CoreResult<NewSession> {
        let hash = auth::secret_hash(token);
        let now = now_ms();
        if let Some(Signup { new: s, .. }) = self.store.take_signup(&hash, now).await? {
            let new = NewMember {
                handle: s.handle,
                name: s.name,
                email: s.email,
                password_hash: s.password_hash,
                role: Role::Member,
                active: true,
                created_at: now,
            };
            let member = self
                .insert_with_free_handle(new, false, s.invite_hash.as_deref())
                .await
                .map_err(|e| match e {
                    CoreError::Invalid(f) if f.get("email").is_some() => CoreError::invalid(
                        "token",
                        "This address already has an account: sign in, or reset your password.",
                    ),
                    e => e,
                })?;
            return self.start_session(member.id).await;
        }
        let id = self
            .store
            .take_email_token(&hash, EmailTokenPurpose::Confirm, now)
            .await?
            .ok_or_else(|| {
                CoreError::invalid(
                    "token",
                    "This confirmation link has expired or was already used.",
                )
            })?;
        self.store.activate_member(id).await?;
        self.affinity_changed(id).await;
        self.start_session(id).await
    }
}

/// `base-n`, shortened to fit; `None` if that is not a valid handle.
fn suffixed(base: &Handle, n: u32) -> Option<Handle> {
    let suffix = n.to_string();
    let stem = base[..base.len().min(lengths::HANDLE - suffix.len() - 1)].trim_end_matches('-');
    Handle::parse(&format!("{stem}-{suffix}")).ok()
}
