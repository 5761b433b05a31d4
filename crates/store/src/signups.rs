//! `SignupStore` for [`SqlStore`]: sign-ups waiting for their email to be confirmed.

use async_trait::async_trait;
use guild_core::accounts::model::{NewSignup, Signup};
use guild_core::accounts::store::SignupStore;
use guild_core::domain::{Email, Handle};
use guild_core::store::StoreResult;

use crate::sql::vals;
use crate::SqlStore;

#[derive(sqlx::FromRow)]
struct SignupRow {
    id: i64,
    email: String,
    name: String,
    handle: String,
    password_hash: String,
    invite_hash: Option<String>,
    created_at: i64,
    expires_at: i64,
}

impl From<SignupRow> for Signup {
    fn from(r: SignupRow) -> Signup {
        Signup {
            id: r.id,
            new: NewSignup {
                email: Email::stored(r.email),
                name: r.name,
                handle: Handle::stored(r.handle),
                password_hash: r.password_hash,
                invite_hash: r.invite_hash,
                created_at: r.created_at,
                expires_at: r.expires_at,
            },
        }
    }
}

const SIGNUP_COLS: &str =
    "id, email, name, handle, password_hash, invite_hash, created_at, expires_at";

#[async_trait]
impl SignupStore for SqlStore {
    async fn create_signup(&self, s: &NewSignup) -> StoreResult<i64> {
        let sql = "INSERT INTO signups \
                   (email, name, handle, password_hash, invite_hash, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id";
        let binds = vals![
            &s.email,
            &s.name,
            &s.handle,
            &s.password_hash,
            &s.invite_hash,
            s.created_at,
            s.expires_at,
        ];
        self.scalar(sql, &binds).await
    }

    async fn signup_by_id(&self, id: i64) -> StoreResult<Option<Signup>> {
        let sql = format!("SELECT {SIGNUP_COLS} FROM signups WHERE id = $1");
        self.fetch_optional::<SignupRow, _>(&sql, &vals![id]).await
    }

    async fn set_signup_token(&self, id: i64, hash: &str) -> StoreResult<()> {
        let sql = "UPDATE signups SET token_hash = $1 WHERE id = $2";
        self.run(sql, &vals![hash, id]).await.map(|_| ())
    }

    async fn take_signup(&self, hash: &str, now: i64) -> StoreResult<Option<Signup>> {
        // One statement removes and returns it, so two clicks cannot both create a member.
        let sql = format!(
            "DELETE FROM signups WHERE token_hash = $1 AND expires_at > $2 RETURNING {SIGNUP_COLS}"
        );
        self.fetch_optional::<SignupRow, _>(&sql, &vals![hash, now])
            .await
    }

    async fn newest_signup_for(&self, email: &str, now: i64) -> StoreResult<Option<Signup>> {
        let sql = format!(
            "SELECT {SIGNUP_COLS} FROM signups WHERE email = $1 AND expires_at > $2 \
             ORDER BY id DESC LIMIT 1"
        );
        self.fetch_optional::<SignupRow, _>(&sql, &vals![email, now])
            .await
    }

    async fn delete_expired_signups(&self, now: i64) -> StoreResult<u64> {
        self.run("DELETE FROM signups WHERE expires_at <= $1", &vals![now])
            .await
    }
}
