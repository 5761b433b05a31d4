//! `AccountStore` for [`SqlStore`]: members, sessions, personal access tokens, single-use
//! emailed links and sign-up invitations, with the member and token rows they read.

use async_trait::async_trait;
use guild_core::accounts::model::*;
use guild_core::accounts::store::AccountStore;
use guild_core::domain::{fold_key, search_key, Email, Handle, Role};
use guild_core::store::{StoreError, StoreResult};

use crate::sql::{bind_all, exec, vals, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

#[derive(sqlx::FromRow)]
struct MemberRow {
    id: i64,
    handle: String,
    name: String,
    email: String,
    password_hash: String,
    role: String,
    active: bool,
    created_at: i64,
}

/// A token's member with when the token was last used.
#[derive(sqlx::FromRow)]
struct TokenMemberRow {
    last_used_at: Option<i64>,
    #[sqlx(flatten)]
    member: MemberRow,
}

impl From<MemberRow> for Member {
    fn from(r: MemberRow) -> Member {
        Member {
            id: r.id,
            handle: Handle::stored(r.handle),
            name: r.name,
            email: Email::stored(r.email),
            password_hash: r.password_hash,
            role: Role::from_db(&r.role),
            active: r.active,
            created_at: r.created_at,
        }
    }
}

const MEMBER_COLS: &str = "id, handle, name, email, password_hash, role, active, created_at";
const MEMBER_COLS_M: &str =
    "m.id, m.handle, m.name, m.email, m.password_hash, m.role, m.active, m.created_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    label: String,
    created_at: i64,
    last_used_at: Option<i64>,
}

impl From<TokenRow> for ApiToken {
    fn from(r: TokenRow) -> ApiToken {
        ApiToken {
            id: r.id,
            label: r.label,
            created_at: r.created_at,
            last_used_at: r.last_used_at,
        }
    }
}

impl SqlStore {
    /// The member whose `column` (one of ours, never input) equals `value`.
    async fn member_where(
        &self,
        column: &'static str,
        value: Val<'_>,
    ) -> StoreResult<Option<Member>> {
        let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE {column} = $1");
        self.fetch_optional::<MemberRow, _>(&sql, &[value]).await
    }
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn create_member(&self, m: &NewMember, invite_hash: Option<&str>) -> StoreResult<Member> {
        let insert = "INSERT INTO members (handle, name, name_key, email, password_hash, role, active, created_at, search_name) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id";
        let member = vals![
            &m.handle,
            &m.name,
            fold_key(&m.name),
            &m.email,
            &m.password_hash,
            m.role.as_str(),
            m.active,
            m.created_at,
            search_key(&m.name),
        ];
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let id: i64 = bind_all!(sqlx::query_scalar(insert), &member)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            exec!(
                tx,
                "INSERT INTO profiles (member_id, updated_at) VALUES ($1, $2)",
                [id, m.created_at]
            )?;
            if let Some(h) = invite_hash {
                let used = exec!(tx, "UPDATE signup_invites SET used_by = $1 WHERE token_hash = $2 AND used_by IS NULL AND expires_at > $3", [id, h, m.created_at])?;
                if used.rows_affected() != 1 {
                    return Err(StoreError::Conflict("invite"));
                }
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Member {
                id,
                handle: m.handle.clone(),
                name: m.name.clone(),
                email: m.email.clone(),
                password_hash: m.password_hash.clone(),
                role: m.role,
                active: m.active,
                created_at: m.created_at,
            })
        })
    }

    async fn member_by_id(&self, id: MemberId) -> StoreResult<Option<Member>> {
        self.member_where("id", id.into()).await
    }

    async fn member_by_handle(&self, handle: &str) -> StoreResult<Option<Member>> {
        self.member_where("handle", handle.into()).await
    }

    async fn members_by_handles(&self, handles: &[String]) -> StoreResult<Vec<Member>> {
        if handles.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = Sql::new(format!(
            "SELECT {MEMBER_COLS} FROM members WHERE handle IN ("
        ));
        for (i, h) in handles.iter().enumerate() {
            let p = sql.arg(h.as_str());
            sql.push(if i == 0 { "" } else { ", " });
            sql.push(&p);
        }
        sql.push(")");
        self.fetch_all::<MemberRow, _>(&sql.text, &sql.binds).await
    }

    async fn member_by_email(&self, email: &str) -> StoreResult<Option<Member>> {
        self.member_where("email", email.into()).await
    }

    async fn set_password_hash(&self, id: MemberId, hash: &str) -> StoreResult<()> {
        let sql = "UPDATE members SET password_hash = $1 WHERE id = $2";
        self.run(sql, &vals![hash, id]).await.map(|_| ())
    }

    async fn set_email(&self, id: MemberId, email: &str) -> StoreResult<()> {
        let sql = "UPDATE members SET email = $1 WHERE id = $2";
        self.run(sql, &vals![email, id]).await.map(|_| ())
    }

    async fn set_handle(&self, id: MemberId, handle: &str) -> StoreResult<()> {
        let sql = "UPDATE members SET handle = $1 WHERE id = $2";
        self.run(sql, &vals![handle, id]).await.map(|_| ())
    }

    async fn set_role(&self, id: MemberId, role: Role) -> StoreResult<()> {
        let sql = "UPDATE members SET role = $1 WHERE id = $2";
        self.run(sql, &vals![role.as_str(), id]).await.map(|_| ())
    }

    async fn count_members(&self) -> StoreResult<i64> {
        self.scalar("SELECT COUNT(*) FROM members", &[]).await
    }

    async fn activate_member(&self, id: MemberId) -> StoreResult<()> {
        let sql = "UPDATE members SET active = TRUE WHERE id = $1";
        self.run(sql, &vals![id]).await.map(|_| ())
    }

    async fn create_session(
        &self,
        hash: &str,
        member: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO sessions (token_hash, member_id, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4)";
        self.run(sql, &vals![hash, member, now, expires])
            .await
            .map(|_| ())
    }

    async fn session_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>> {
        let sql = format!(
            "SELECT {MEMBER_COLS_M} FROM sessions s JOIN members m ON m.id = s.member_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        self.fetch_optional::<MemberRow, _>(&sql, &vals![hash, now])
            .await
    }

    async fn delete_session(&self, hash: &str) -> StoreResult<()> {
        let sql = "DELETE FROM sessions WHERE token_hash = $1";
        self.run(sql, &vals![hash]).await.map(|_| ())
    }

    async fn delete_member_sessions(&self, member: MemberId) -> StoreResult<()> {
        let sql = "DELETE FROM sessions WHERE member_id = $1";
        self.run(sql, &vals![member]).await.map(|_| ())
    }

    async fn create_token(
        &self,
        member: MemberId,
        label: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<i64> {
        let sql = "INSERT INTO api_tokens (member_id, label, token_hash, created_at) \
                   VALUES ($1, $2, $3, $4) RETURNING id";
        self.scalar(sql, &vals![member, label, hash, now]).await
    }

    async fn list_tokens(&self, member: MemberId) -> StoreResult<Vec<ApiToken>> {
        let sql = "SELECT id, label, created_at, last_used_at FROM api_tokens \
                   WHERE member_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 200";
        self.fetch_all::<TokenRow, _>(sql, &vals![member]).await
    }

    async fn revoke_token(&self, member: MemberId, id: i64, now: i64) -> StoreResult<bool> {
        let sql = "UPDATE api_tokens SET revoked_at = $1 \
                   WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL";
        Ok(self.run(sql, &vals![now, id, member]).await? == 1)
    }

    async fn revoke_member_tokens(&self, member: MemberId, now: i64) -> StoreResult<u64> {
        let sql =
            "UPDATE api_tokens SET revoked_at = $1 WHERE member_id = $2 AND revoked_at IS NULL";
        self.run(sql, &vals![now, member]).await
    }

    async fn token_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>> {
        let sql = format!(
            "SELECT t.last_used_at, {MEMBER_COLS_M} FROM api_tokens t \
             JOIN members m ON m.id = t.member_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let Some(row) = self
            .fetch_optional::<TokenMemberRow, TokenMemberRow>(&sql, &vals![hash])
            .await?
        else {
            return Ok(None);
        };
        // Last use shown in settings; a minute's precision is plenty, so most requests only
        // read (a write here would queue every API call behind the writer).
        if row.last_used_at.is_none_or(|at| at < now - 60_000) {
            let touch = "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 \
                         AND (last_used_at IS NULL OR last_used_at < $3)";
            self.run(touch, &vals![now, hash, now - 60_000]).await?;
        }
        Ok(Some(row.member.into()))
    }

    async fn create_email_token(
        &self,
        hash: &str,
        member: MemberId,
        purpose: EmailTokenPurpose,
        expires: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO email_tokens (token_hash, member_id, purpose, expires_at) \
                   VALUES ($1, $2, $3, $4)";
        self.run(sql, &vals![hash, member, purpose.as_str(), expires])
            .await
            .map(|_| ())
    }

    async fn take_email_token(
        &self,
        hash: &str,
        purpose: EmailTokenPurpose,
        now: i64,
    ) -> StoreResult<Option<MemberId>> {
        // One statement marks it used and returns it, so two clicks cannot both succeed.
        let sql = "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
                   AND used_at IS NULL AND expires_at > $4 RETURNING member_id";
        self.scalar_optional(sql, &vals![now, hash, purpose.as_str(), now])
            .await
    }

    async fn create_signup_invite(
        &self,
        hash: &str,
        by: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO signup_invites (token_hash, created_by, created_at, expires_at) \
                   VALUES ($1, $2, $3, $4)";
        self.run(sql, &vals![hash, by, now, expires])
            .await
            .map(|_| ())
    }

    async fn signup_invite_valid(&self, hash: &str, now: i64) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*) FROM signup_invites WHERE token_hash = $1 \
                   AND used_by IS NULL AND expires_at > $2";
        let n: i64 = self.scalar(sql, &vals![hash, now]).await?;
        Ok(n == 1)
    }

    async fn email_token_valid(
        &self,
        hash: &str,
        purpose: EmailTokenPurpose,
        now: i64,
    ) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*) FROM email_tokens WHERE token_hash = $1 AND purpose = $2 \
                   AND used_at IS NULL AND expires_at > $3";
        let n: i64 = self
            .scalar(sql, &vals![hash, purpose.as_str(), now])
            .await?;
        Ok(n == 1)
    }

    async fn server_key(&self, name: &str, fresh: &str) -> StoreResult<String> {
        // Two nodes asking at once both insert; the first wins and both read it.
        let sql = "INSERT INTO server_keys (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING";
        self.run(sql, &vals![name, fresh]).await?;
        self.scalar(
            "SELECT value FROM server_keys WHERE name = $1",
            &vals![name],
        )
        .await
    }
}
