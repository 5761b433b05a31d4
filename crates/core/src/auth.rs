//! Secrets and the question "who is asking, and may they?".
//!
//! Passwords are hashed with argon2id at OWASP's minimum (19 MiB, 2 passes, 1 lane) or above.
//! Session cookies, API tokens, reset links and invite links are random 256-bit values; only
//! their SHA-256 is stored, so a copy of the database does not hand out sessions.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::accounts::model::{Member, MemberId};
use crate::domain::Visibility;
use crate::error::CoreError;

/// OWASP Password Storage Cheat Sheet, argon2id: m=19 MiB, t=2, p=1.
pub const ARGON2_MEMORY_KIB: u32 = 19 * 1024;
pub const ARGON2_PASSES: u32 = 2;

fn argon2() -> Result<Argon2<'static>, CoreError> {
    let params = Params::new(ARGON2_MEMORY_KIB, ARGON2_PASSES, 1, None)
        .map_err(|e| CoreError::Internal(format!("argon2 params: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

pub fn hash_password(password: &str) -> Result<String, CoreError> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    argon2()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| CoreError::Internal(format!("argon2 hash: {e}")))
}

/// Constant-time check; a malformed stored hash counts as a mismatch.
pub fn verify_password(password: &str, hash: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(hash) else {
        return false;
    };
    // Verify with the parameters recorded in the hash itself, so old hashes keep working.
    Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok()
}

/// A hash to verify against when the account does not exist, so that a sign-in for an unknown
/// email takes as long as one for a known email.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| hash_password("not-a-real-password-at-all").unwrap_or_default())
}

/// A new random secret, URL-safe, with a prefix saying what it is (`gld_` for API tokens).
pub fn new_secret(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    format!(
        "{prefix}{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// What the store keeps of a secret.
pub fn secret_hash(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Who is asking. Every service that reads or writes takes one.
#[derive(Debug, Clone)]
pub enum Viewer {
    Anonymous,
    Member(Member),
}

impl Viewer {
    pub fn member(&self) -> Option<&Member> {
        match self {
            Viewer::Anonymous => None,
            Viewer::Member(m) => Some(m),
        }
    }
    pub fn id(&self) -> Option<MemberId> {
        self.member().map(|m| m.id)
    }
    pub fn is(&self, id: MemberId) -> bool {
        self.id() == Some(id)
    }
    /// The signed-in member, or the error for "sign in first".
    pub fn require(&self) -> Result<&Member, CoreError> {
        self.member()
            .ok_or_else(|| CoreError::Unauthenticated("Please sign in.".into()))
    }
}

/// May `viewer` see something of `owner`'s that has visibility `vis`? `connected` says
/// whether the two are connected (the caller asks the graph).
pub fn may_see(viewer: &Viewer, owner: MemberId, vis: Visibility, connected: bool) -> bool {
    if viewer.is(owner) {
        return true;
    }
    match vis {
        Visibility::Public => true,
        Visibility::Members => viewer.member().is_some(),
        Visibility::Connections => connected && viewer.member().is_some(),
    }
}

/// The visibilities of other members' profiles this viewer may see whoever they are (for list
/// queries; "connections" profiles are added by the store for the viewer's connections).
pub fn visible_levels(viewer: &Viewer) -> Vec<Visibility> {
    [
        Visibility::Public,
        Visibility::Members,
        Visibility::Connections,
    ]
    .into_iter()
    .filter(|v| match v {
        Visibility::Public => true,
        Visibility::Members => viewer.member().is_some(),
        Visibility::Connections => false,
    })
    .collect()
}

pub fn require_admin(viewer: &Viewer) -> Result<&Member, CoreError> {
    let m = viewer.require()?;
    if m.is_admin() {
        Ok(m)
    } else {
        Err(CoreError::Forbidden(
            "Only administrators can do this.".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip_and_params() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"), "{h}");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong horse battery", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn secrets_are_random_and_hashed() {
        let a = new_secret("gld_");
        let b = new_secret("gld_");
        assert_ne!(a, b);
        assert!(a.starts_with("gld_") && a.len() > 40);
        assert_eq!(secret_hash(&a).len(), 64);
        assert_ne!(secret_hash(&a), secret_hash(&b));
    }
}
