//! `Store` for [`SqlStore`]: accounts, sessions, tokens and profiles. The directory query and
//! bulk seeding, which build SQL, live in `directory.rs`.

use async_trait::async_trait;
use guild_core::domain::{fold_key, Role};
use guild_core::model::*;
use guild_core::store::{
    DirectoryQuery, EmailTokenPurpose, SeedMember, Store, StoreError, StoreResult,
};

use crate::rows::*;
use crate::{db_err, with_pool, SqlStore};

#[async_trait]
impl Store for SqlStore {
    async fn create_member(&self, m: &NewMember, invite_hash: Option<&str>) -> StoreResult<Member> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO members (handle, name, name_key, email, password_hash, role, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&m.handle)
            .bind(&m.name)
            .bind(fold_key(&m.name))
            .bind(&m.email)
            .bind(&m.password_hash)
            .bind(m.role.as_str())
            .bind(m.active)
            .bind(m.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query("INSERT INTO profiles (member_id, updated_at) VALUES ($1, $2)")
                .bind(id)
                .bind(m.created_at)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(h) = invite_hash {
                let used = sqlx::query("UPDATE signup_invites SET used_by = $1 WHERE token_hash = $2 AND used_by IS NULL AND expires_at > $3")
                    .bind(id)
                    .bind(h)
                    .bind(m.created_at)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
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
        self.member_where("id", id).await
    }

    async fn member_by_handle(&self, handle: &str) -> StoreResult<Option<Member>> {
        self.member_where("handle", handle.to_string()).await
    }

    async fn member_by_email(&self, email: &str) -> StoreResult<Option<Member>> {
        self.member_where("email", email.to_string()).await
    }

    async fn set_password_hash(&self, id: MemberId, hash: &str) -> StoreResult<()> {
        self.exec(
            "UPDATE members SET password_hash = $1 WHERE id = $2",
            hash,
            id,
        )
        .await
    }

    async fn set_email(&self, id: MemberId, email: &str) -> StoreResult<()> {
        self.exec("UPDATE members SET email = $1 WHERE id = $2", email, id)
            .await
    }

    async fn set_handle(&self, id: MemberId, handle: &str) -> StoreResult<()> {
        self.exec("UPDATE members SET handle = $1 WHERE id = $2", handle, id)
            .await
    }

    async fn set_role(&self, id: MemberId, role: Role) -> StoreResult<()> {
        self.exec(
            "UPDATE members SET role = $1 WHERE id = $2",
            role.as_str(),
            id,
        )
        .await
    }

    async fn count_members(&self) -> StoreResult<i64> {
        with_pool!(self, |p| sqlx::query_scalar("SELECT COUNT(*) FROM members")
            .fetch_one(p)
            .await)
        .map_err(db_err)
    }

    async fn activate_member(&self, id: MemberId) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE members SET active = TRUE WHERE id = $1"
        )
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn create_session(
        &self,
        hash: &str,
        member: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query("INSERT INTO sessions (token_hash, member_id, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(member)
            .bind(now)
            .bind(expires)
            .execute(p)
            .await.map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn session_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>> {
        let sql = format!(
            "SELECT {MEMBER_COLS_M} FROM sessions s JOIN members m ON m.id = s.member_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2"
        );
        with_pool!(self, |p| sqlx::query_as::<_, MemberRow>(&sql)
            .bind(hash)
            .bind(now)
            .fetch_optional(p)
            .await)
        .map(|r| r.map(Member::from))
        .map_err(db_err)
    }

    async fn delete_session(&self, hash: &str) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE token_hash = $1"
        )
        .bind(hash)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn delete_member_sessions(&self, member: MemberId) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "DELETE FROM sessions WHERE member_id = $1"
        )
        .bind(member)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn create_token(
        &self,
        member: MemberId,
        label: &str,
        hash: &str,
        now: i64,
    ) -> StoreResult<i64> {
        with_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO api_tokens (member_id, label, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id"
        )
        .bind(member)
        .bind(label)
        .bind(hash)
        .bind(now)
        .fetch_one(p)
        .await)
        .map_err(db_err)
    }

    async fn list_tokens(&self, member: MemberId) -> StoreResult<Vec<ApiToken>> {
        let rows = with_pool!(self, |p| sqlx::query_as::<_, TokenRow>(
            "SELECT id, label, created_at, last_used_at FROM api_tokens \
             WHERE member_id = $1 AND revoked_at IS NULL ORDER BY id DESC LIMIT 200"
        )
        .bind(member)
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|r| ApiToken {
                id: r.id,
                label: r.label,
                created_at: r.created_at,
                last_used_at: r.last_used_at,
            })
            .collect())
    }

    async fn revoke_token(&self, member: MemberId, id: i64, now: i64) -> StoreResult<bool> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND member_id = $3 AND revoked_at IS NULL"
        )
        .bind(now)
        .bind(id)
        .bind(member)
        .execute(p)
        .await.map(|r| r.rows_affected()))
        .map(|n| n == 1)
        .map_err(db_err)
    }

    async fn token_member(&self, hash: &str, now: i64) -> StoreResult<Option<Member>> {
        let sql = format!(
            "SELECT {MEMBER_COLS_M} FROM api_tokens t JOIN members m ON m.id = t.member_id \
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL"
        );
        let member = with_pool!(self, |p| sqlx::query_as::<_, MemberRow>(&sql)
            .bind(hash)
            .fetch_optional(p)
            .await)
        .map_err(db_err)?;
        if member.is_some() {
            // Last use shown in settings; a minute's precision is plenty, so skip most writes.
            with_pool!(self, |p| sqlx::query(
                "UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2 AND (last_used_at IS NULL OR last_used_at < $3)"
            )
            .bind(now)
            .bind(hash)
            .bind(now - 60_000)
            .execute(p)
            .await.map(|r| r.rows_affected()))
            .map_err(db_err)?;
        }
        Ok(member.map(Member::from))
    }

    async fn create_email_token(
        &self,
        hash: &str,
        member: MemberId,
        purpose: EmailTokenPurpose,
        expires: i64,
    ) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query("INSERT INTO email_tokens (token_hash, member_id, purpose, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(member)
            .bind(purpose.as_str())
            .bind(expires)
            .execute(p)
            .await.map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn take_email_token(
        &self,
        hash: &str,
        purpose: EmailTokenPurpose,
        now: i64,
    ) -> StoreResult<Option<MemberId>> {
        // One statement marks it used and returns it, so two clicks cannot both succeed.
        with_pool!(self, |p| sqlx::query_scalar(
            "UPDATE email_tokens SET used_at = $1 WHERE token_hash = $2 AND purpose = $3 \
             AND used_at IS NULL AND expires_at > $4 RETURNING member_id"
        )
        .bind(now)
        .bind(hash)
        .bind(purpose.as_str())
        .bind(now)
        .fetch_optional(p)
        .await)
        .map_err(db_err)
    }

    async fn create_signup_invite(
        &self,
        hash: &str,
        by: MemberId,
        now: i64,
        expires: i64,
    ) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query("INSERT INTO signup_invites (token_hash, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4)")
            .bind(hash)
            .bind(by)
            .bind(now)
            .bind(expires)
            .execute(p)
            .await.map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn signup_invite_valid(&self, hash: &str, now: i64) -> StoreResult<bool> {
        let n: i64 = with_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM signup_invites WHERE token_hash = $1 AND used_by IS NULL AND expires_at > $2"
        )
        .bind(hash)
        .bind(now)
        .fetch_one(p)
        .await)
        .map_err(db_err)?;
        Ok(n == 1)
    }

    async fn profile(&self, member: MemberId) -> StoreResult<Profile> {
        let sql = format!("SELECT {PROFILE_COLS} FROM profiles WHERE member_id = $1");
        with_pool!(self, |p| sqlx::query_as::<_, ProfileRow>(&sql)
            .bind(member)
            .fetch_one(p)
            .await)
        .map(Profile::from)
        .map_err(db_err)
    }

    async fn update_profile(
        &self,
        member: MemberId,
        patch: &ProfilePatch,
        events: &[NewProfileEvent],
        now: i64,
    ) -> StoreResult<Profile> {
        // COALESCE keeps a column when its flag says "leave alone"; the flag is bound as 0/1.
        let keep = |o: bool| if o { 0i64 } else { 1i64 };
        let text = |o: &Option<Option<String>>| o.clone().flatten();
        let sql = "UPDATE profiles SET \
            headline = CASE WHEN $1 = 1 THEN headline ELSE $2 END, \
            about = CASE WHEN $3 = 1 THEN about ELSE $4 END, \
            location = CASE WHEN $5 = 1 THEN location ELSE $6 END, \
            location_key = CASE WHEN $5 = 1 THEN location_key ELSE $7 END, \
            visibility = COALESCE($8, visibility), \
            contact_visibility = COALESCE($9, contact_visibility), \
            contact_email = CASE WHEN $10 = 1 THEN contact_email ELSE $11 END, \
            phone = CASE WHEN $12 = 1 THEN phone ELSE $13 END, \
            website = CASE WHEN $14 = 1 THEN website ELSE $15 END, \
            updated_at = $16 WHERE member_id = $17";
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query(sql)
                .bind(keep(patch.headline.is_some()))
                .bind(text(&patch.headline))
                .bind(keep(patch.about.is_some()))
                .bind(text(&patch.about))
                .bind(keep(patch.location.is_some()))
                .bind(text(&patch.location))
                .bind(text(&patch.location).map(|l| fold_key(&l)))
                .bind(patch.visibility.map(|v| v.as_str()))
                .bind(patch.contact_visibility.map(|v| v.as_str()))
                .bind(keep(patch.contact_email.is_some()))
                .bind(text(&patch.contact_email))
                .bind(keep(patch.phone.is_some()))
                .bind(text(&patch.phone))
                .bind(keep(patch.website.is_some()))
                .bind(text(&patch.website))
                .bind(now)
                .bind(member)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(name) = &patch.name {
                sqlx::query("UPDATE members SET name = $1, name_key = $2 WHERE id = $3")
                    .bind(name)
                    .bind(fold_key(name))
                    .bind(member)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            for e in events {
                sqlx::query("INSERT INTO profile_events (member_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(member)
                    .bind(e.kind.as_str())
                    .bind(e.detail.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })?;
        self.profile(member).await
    }

    async fn set_photo(&self, member: MemberId, key: Option<&str>, now: i64) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(
            "UPDATE profiles SET photo_key = $1, updated_at = $2 WHERE member_id = $3"
        )
        .bind(key)
        .bind(now)
        .bind(member)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    async fn positions(&self, member: MemberId) -> StoreResult<Vec<Position>> {
        // Current positions first, then by start, newest first.
        let sql = format!(
            "SELECT {POSITION_COLS} FROM positions WHERE member_id = $1 \
             ORDER BY CASE WHEN end_month IS NULL THEN 0 ELSE 1 END, start_month DESC, id DESC"
        );
        with_pool!(self, |p| sqlx::query_as::<_, PositionRow>(&sql)
            .bind(member)
            .fetch_all(p)
            .await)
        .map(|v| v.into_iter().map(Position::from).collect())
        .map_err(db_err)
    }

    async fn add_position(
        &self,
        member: MemberId,
        pos: &NewPosition,
        event: Option<&NewProfileEvent>,
        now: i64,
    ) -> StoreResult<Position> {
        let sql = format!(
            "INSERT INTO positions (member_id, company, company_key, title, description, location, start_month, end_month) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING {POSITION_COLS}"
        );
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query_as::<_, PositionRow>(&sql)
                .bind(member)
                .bind(&pos.company)
                .bind(fold_key(&pos.company))
                .bind(&pos.title)
                .bind(&pos.description)
                .bind(&pos.location)
                .bind(pos.start.to_index())
                .bind(pos.end.map(|e| e.to_index()))
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(e) = event {
                sqlx::query("INSERT INTO profile_events (member_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(member)
                    .bind(e.kind.as_str())
                    .bind(e.detail.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Position::from(row))
        })
    }

    async fn update_position(
        &self,
        member: MemberId,
        id: i64,
        pos: &NewPosition,
        _now: i64,
    ) -> StoreResult<Option<Position>> {
        let sql = format!(
            "UPDATE positions SET company = $1, company_key = $2, title = $3, description = $4, location = $5, \
             start_month = $6, end_month = $7 WHERE id = $8 AND member_id = $9 RETURNING {POSITION_COLS}"
        );
        with_pool!(self, |p| sqlx::query_as::<_, PositionRow>(&sql)
            .bind(&pos.company)
            .bind(fold_key(&pos.company))
            .bind(&pos.title)
            .bind(&pos.description)
            .bind(&pos.location)
            .bind(pos.start.to_index())
            .bind(pos.end.map(|e| e.to_index()))
            .bind(id)
            .bind(member)
            .fetch_optional(p)
            .await)
        .map(|r| r.map(Position::from))
        .map_err(db_err)
    }

    async fn delete_position(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("positions", member, id).await
    }

    async fn education(&self, member: MemberId) -> StoreResult<Vec<Education>> {
        let sql = format!(
            "SELECT {EDUCATION_COLS} FROM education WHERE member_id = $1 \
             ORDER BY COALESCE(end_year, 9999) DESC, COALESCE(start_year, 0) DESC, id DESC"
        );
        with_pool!(self, |p| sqlx::query_as::<_, EducationRow>(&sql)
            .bind(member)
            .fetch_all(p)
            .await)
        .map(|v| v.into_iter().map(Education::from).collect())
        .map_err(db_err)
    }

    async fn add_education(
        &self,
        member: MemberId,
        e: &NewEducation,
        event: Option<&NewProfileEvent>,
        now: i64,
    ) -> StoreResult<Education> {
        let sql = format!(
            "INSERT INTO education (member_id, school, school_key, degree, field, start_year, end_year) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING {EDUCATION_COLS}"
        );
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row = sqlx::query_as::<_, EducationRow>(&sql)
                .bind(member)
                .bind(&e.school)
                .bind(fold_key(&e.school))
                .bind(&e.degree)
                .bind(&e.field)
                .bind(e.start_year)
                .bind(e.end_year)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(ev) = event {
                sqlx::query("INSERT INTO profile_events (member_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(member)
                    .bind(ev.kind.as_str())
                    .bind(ev.detail.to_string())
                    .bind(now)
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Education::from(row))
        })
    }

    async fn delete_education(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("education", member, id).await
    }

    async fn skills(&self, member: MemberId) -> StoreResult<Vec<String>> {
        with_pool!(self, |p| sqlx::query_scalar(
            "SELECT name FROM skills WHERE member_id = $1 ORDER BY position"
        )
        .bind(member)
        .fetch_all(p)
        .await)
        .map_err(db_err)
    }

    async fn set_skills(&self, member: MemberId, skills: &[String]) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            sqlx::query("DELETE FROM skills WHERE member_id = $1")
                .bind(member)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            for (i, s) in skills.iter().enumerate() {
                sqlx::query("INSERT INTO skills (member_id, position, name, name_key) VALUES ($1, $2, $3, $4)")
                    .bind(member)
                    .bind(i as i32)
                    .bind(s)
                    .bind(fold_key(s))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    async fn links(&self, member: MemberId) -> StoreResult<Vec<FeaturedLink>> {
        with_pool!(self, |p| sqlx::query_as::<_, LinkRow>(
            "SELECT id, title, url FROM featured_links WHERE member_id = $1 ORDER BY id"
        )
        .bind(member)
        .fetch_all(p)
        .await)
        .map(|v| {
            v.into_iter()
                .map(|r| FeaturedLink {
                    id: r.id,
                    title: r.title,
                    url: r.url,
                })
                .collect()
        })
        .map_err(db_err)
    }

    async fn add_link(
        &self,
        member: MemberId,
        title: &str,
        url: &str,
    ) -> StoreResult<FeaturedLink> {
        with_pool!(self, |p| sqlx::query_as::<_, LinkRow>(
            "INSERT INTO featured_links (member_id, title, url) VALUES ($1, $2, $3) RETURNING id, title, url"
        )
        .bind(member)
        .bind(title)
        .bind(url)
        .fetch_one(p)
        .await)
        .map(|r| FeaturedLink { id: r.id, title: r.title, url: r.url })
        .map_err(db_err)
    }

    async fn delete_link(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("featured_links", member, id).await
    }

    async fn profile_events(&self, member: MemberId, limit: u32) -> StoreResult<Vec<ProfileEvent>> {
        let rows = with_pool!(self, |p| sqlx::query_as::<_, EventRow>(
            "SELECT id, member_id, kind, detail, created_at FROM profile_events WHERE member_id = $1 ORDER BY id DESC LIMIT $2"
        )
        .bind(member)
        .bind(i64::from(limit))
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .filter_map(|r| {
                Some(ProfileEvent {
                    id: r.id,
                    member_id: r.member_id,
                    kind: ProfileEventKind::from_db(&r.kind)?,
                    detail: serde_json::from_str(&r.detail).unwrap_or(serde_json::Value::Null),
                    created_at: r.created_at,
                })
            })
            .collect())
    }

    async fn directory(&self, q: &DirectoryQuery) -> StoreResult<Vec<MemberCard>> {
        crate::directory::directory(self, q).await
    }

    async fn seed_members(&self, members: &[SeedMember]) -> StoreResult<()> {
        crate::directory::seed_members(self, members).await
    }
}

impl SqlStore {
    /// The member whose `column` (one of ours, never input) equals `value`.
    async fn member_where<T>(&self, column: &'static str, value: T) -> StoreResult<Option<Member>>
    where
        T: for<'q> sqlx::Encode<'q, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
        T: for<'q> sqlx::Encode<'q, sqlx::Postgres> + sqlx::Type<sqlx::Postgres>,
        T: Send + Clone,
    {
        let sql = format!("SELECT {MEMBER_COLS} FROM members WHERE {column} = $1");
        with_pool!(self, |p| sqlx::query_as::<_, MemberRow>(&sql)
            .bind(value.clone())
            .fetch_optional(p)
            .await)
        .map(|r| r.map(Member::from))
        .map_err(db_err)
    }

    async fn exec(&self, sql: &str, value: &str, id: i64) -> StoreResult<()> {
        with_pool!(self, |p| sqlx::query(sql)
            .bind(value)
            .bind(id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map(|_| ())
        .map_err(db_err)
    }

    /// Deletes row `id` of `table` only if it belongs to `member`. `table` is one of ours,
    /// never input.
    async fn delete_owned(
        &self,
        table: &'static str,
        member: MemberId,
        id: i64,
    ) -> StoreResult<bool> {
        let sql = format!("DELETE FROM {table} WHERE id = $1 AND member_id = $2");
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(id)
            .bind(member)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map(|n| n == 1)
        .map_err(db_err)
    }
}
