//! Administration of accounts: members created directly, roles, and invitation links for
//! invite-only sign-up.

use super::model::{Member, NewMember, SignupInvite};
use super::DAY_MS;
use crate::auth::{self, Viewer};
use crate::domain::{self, Email, Handle, Role};
use crate::error::{CoreError, CoreResult, FieldErrors};
use crate::{now_ms, Guild};

impl Guild {
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
            handle: handle.unwrap_or_else(|| Handle::suggest_from_name(&name)),
            name,
            email,
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
