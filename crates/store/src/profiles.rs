//! `ProfileStore` for [`SqlStore`]: one member's profile row, positions, education, skills,
//! featured links and profile events, with the rows they read. Every row is addressed by the
//! member it belongs to. A change that is news (a profile event) is written in the same
//! transaction as the change.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::domain::{fold_key, search_key, Visibility, YearMonth};
use guild_core::profiles::model::*;
use guild_core::profiles::store::ProfileStore;
use guild_core::store::StoreResult;

use crate::sql::{bind_all, exec, vals, Row, Val};
use crate::{db_err, with_pool, SqlStore};

#[derive(sqlx::FromRow)]
struct ProfileRow {
    headline: Option<String>,
    about: Option<String>,
    location: Option<String>,
    photo_key: Option<String>,
    visibility: String,
    contact_visibility: String,
    contact_email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    updated_at: i64,
}

impl From<ProfileRow> for Profile {
    fn from(r: ProfileRow) -> Profile {
        Profile {
            headline: r.headline,
            about: r.about,
            location: r.location,
            photo_key: r.photo_key,
            visibility: Visibility::parse(&r.visibility).unwrap_or(Visibility::Connections),
            contact_visibility: Visibility::parse(&r.contact_visibility)
                .unwrap_or(Visibility::Connections),
            contact_email: r.contact_email,
            phone: r.phone,
            website: r.website,
            updated_at: r.updated_at,
        }
    }
}

const PROFILE_COLS: &str = "headline, about, location, photo_key, visibility, contact_visibility, contact_email, phone, website, updated_at";

#[derive(sqlx::FromRow)]
struct PositionRow {
    id: i64,
    company: String,
    title: String,
    description: Option<String>,
    location: Option<String>,
    start_month: i32,
    end_month: Option<i32>,
}

impl From<PositionRow> for Position {
    fn from(r: PositionRow) -> Position {
        Position {
            id: r.id,
            company: r.company,
            title: r.title,
            description: r.description,
            location: r.location,
            start: YearMonth::from_index(r.start_month),
            end: r.end_month.map(YearMonth::from_index),
        }
    }
}

const POSITION_COLS: &str = "id, company, title, description, location, start_month, end_month";

#[derive(sqlx::FromRow)]
struct EducationRow {
    id: i64,
    school: String,
    degree: Option<String>,
    field: Option<String>,
    start_year: Option<i32>,
    end_year: Option<i32>,
}

impl From<EducationRow> for Education {
    fn from(r: EducationRow) -> Education {
        Education {
            id: r.id,
            school: r.school,
            degree: r.degree,
            field: r.field,
            start_year: r.start_year,
            end_year: r.end_year,
        }
    }
}

const EDUCATION_COLS: &str = "id, school, degree, field, start_year, end_year";

#[derive(sqlx::FromRow)]
struct LinkRow {
    id: i64,
    title: String,
    url: String,
}

impl From<LinkRow> for FeaturedLink {
    fn from(r: LinkRow) -> FeaturedLink {
        FeaturedLink {
            id: r.id,
            title: r.title,
            url: r.url,
        }
    }
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    member_id: i64,
    kind: String,
    detail: String,
    created_at: i64,
}

impl EventRow {
    /// Kinds are only ever written from [`ProfileEventKind::as_str`]; a row of a kind this
    /// build does not know is left out.
    fn into_model(self) -> Option<ProfileEvent> {
        Some(ProfileEvent {
            id: self.id,
            member_id: self.member_id,
            kind: ProfileEventKind::from_db(&self.kind)?,
            detail: serde_json::from_str(&self.detail).unwrap_or(serde_json::Value::Null),
            created_at: self.created_at,
        })
    }
}

const INSERT_EVENT: &str =
    "INSERT INTO profile_events (member_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)";

impl SqlStore {
    /// Deletes row `id` of `table` only if it belongs to `member`. `table` is one of ours,
    /// never input.
    async fn delete_owned(
        &self,
        table: &'static str,
        member: MemberId,
        id: i64,
    ) -> StoreResult<bool> {
        let sql = format!("DELETE FROM {table} WHERE id = $1 AND member_id = $2");
        Ok(self.run(&sql, &vals![id, member]).await? == 1)
    }

    /// Inserts one row (a position, a school) and, in the same transaction, the profile
    /// event it makes news of; returns the row as `M`.
    async fn insert_with_event<R: Row, M: From<R>>(
        &self,
        sql: &str,
        insert: &[Val<'_>],
        member: MemberId,
        event: Option<&NewProfileEvent>,
        now: i64,
    ) -> StoreResult<M> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row: R = bind_all!(sqlx::query_as(sql), insert)
                .fetch_one(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(e) = event {
                exec!(
                    tx,
                    INSERT_EVENT,
                    [member, e.kind.as_str(), e.detail.to_string(), now]
                )?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(M::from(row))
        })
    }
}

#[async_trait]
impl ProfileStore for SqlStore {
    async fn profile(&self, member: MemberId) -> StoreResult<Profile> {
        let sql = format!("SELECT {PROFILE_COLS} FROM profiles WHERE member_id = $1");
        self.fetch_one::<ProfileRow, _>(&sql, &vals![member]).await
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
        let update = vals![
            keep(patch.headline.is_some()),
            text(&patch.headline),
            keep(patch.about.is_some()),
            text(&patch.about),
            keep(patch.location.is_some()),
            text(&patch.location),
            text(&patch.location).map(|l| fold_key(&l)),
            patch.visibility.map(|v| v.as_str()),
            patch.contact_visibility.map(|v| v.as_str()),
            keep(patch.contact_email.is_some()),
            text(&patch.contact_email),
            keep(patch.phone.is_some()),
            text(&patch.phone),
            keep(patch.website.is_some()),
            text(&patch.website),
            now,
            member,
        ];
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            bind_all!(sqlx::query(sql), &update)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            if let Some(name) = &patch.name {
                exec!(
                    tx,
                    "UPDATE members SET name = $1, name_key = $2, search_name = $3 WHERE id = $4",
                    [name, fold_key(name), search_key(name), member]
                )?;
            }
            for e in events {
                exec!(
                    tx,
                    INSERT_EVENT,
                    [member, e.kind.as_str(), e.detail.to_string(), now]
                )?;
            }
            tx.commit().await.map_err(db_err)
        })?;
        self.profile(member).await
    }

    async fn set_photo(&self, member: MemberId, key: Option<&str>, now: i64) -> StoreResult<()> {
        let sql = "UPDATE profiles SET photo_key = $1, updated_at = $2 WHERE member_id = $3";
        self.run(sql, &vals![key, now, member]).await.map(|_| ())
    }

    async fn positions(&self, member: MemberId) -> StoreResult<Vec<Position>> {
        // Current positions first, then by start, newest first.
        let sql = format!(
            "SELECT {POSITION_COLS} FROM positions WHERE member_id = $1 \
             ORDER BY CASE WHEN end_month IS NULL THEN 0 ELSE 1 END, start_month DESC, id DESC"
        );
        self.fetch_all::<PositionRow, _>(&sql, &vals![member]).await
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
        let insert = vals![
            member,
            &pos.company,
            fold_key(&pos.company),
            &pos.title,
            &pos.description,
            &pos.location,
            pos.start.to_index(),
            pos.end.map(|e| e.to_index()),
        ];
        self.insert_with_event::<PositionRow, _>(&sql, &insert, member, event, now)
            .await
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
        let binds = vals![
            &pos.company,
            fold_key(&pos.company),
            &pos.title,
            &pos.description,
            &pos.location,
            pos.start.to_index(),
            pos.end.map(|e| e.to_index()),
            id,
            member,
        ];
        self.fetch_optional::<PositionRow, _>(&sql, &binds).await
    }

    async fn delete_position(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("positions", member, id).await
    }

    async fn education(&self, member: MemberId) -> StoreResult<Vec<Education>> {
        let sql = format!(
            "SELECT {EDUCATION_COLS} FROM education WHERE member_id = $1 \
             ORDER BY COALESCE(end_year, 9999) DESC, COALESCE(start_year, 0) DESC, id DESC"
        );
        self.fetch_all::<EducationRow, _>(&sql, &vals![member])
            .await
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
        let insert = vals![
            member,
            &e.school,
            fold_key(&e.school),
            &e.degree,
            &e.field,
            e.start_year,
            e.end_year,
        ];
        self.insert_with_event::<EducationRow, _>(&sql, &insert, member, event, now)
            .await
    }

    async fn delete_education(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("education", member, id).await
    }

    async fn record_profile_views(&self, views: &[ProfileViewed]) -> StoreResult<()> {
        crate::impressions::record_profile_views(self, views).await
    }

    async fn profile_view_count(&self, member: MemberId, since_day: i64) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM profile_views WHERE member_id = $1 AND day >= $2";
        self.scalar(sql, &vals![member, since_day]).await
    }

    async fn skills(&self, member: MemberId) -> StoreResult<Vec<String>> {
        let sql = "SELECT name FROM skills WHERE member_id = $1 ORDER BY position";
        self.scalars(sql, &vals![member]).await
    }

    async fn set_skills(&self, member: MemberId, skills: &[String]) -> StoreResult<()> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            exec!(tx, "DELETE FROM skills WHERE member_id = $1", [member])?;
            for (i, s) in skills.iter().enumerate() {
                let binds = vals![member, i as i32, s, fold_key(s)];
                bind_all!(sqlx::query(
                        "INSERT INTO skills (member_id, position, name, name_key) VALUES ($1, $2, $3, $4)"
                    ), &binds)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)
        })
    }

    async fn links(&self, member: MemberId) -> StoreResult<Vec<FeaturedLink>> {
        let sql = "SELECT id, title, url FROM featured_links WHERE member_id = $1 ORDER BY id";
        self.fetch_all::<LinkRow, _>(sql, &vals![member]).await
    }

    async fn add_link(
        &self,
        member: MemberId,
        title: &str,
        url: &str,
    ) -> StoreResult<FeaturedLink> {
        let sql = "INSERT INTO featured_links (member_id, title, url) VALUES ($1, $2, $3) \
                   RETURNING id, title, url";
        self.fetch_one::<LinkRow, _>(sql, &vals![member, title, url])
            .await
    }

    async fn delete_link(&self, member: MemberId, id: i64) -> StoreResult<bool> {
        self.delete_owned("featured_links", member, id).await
    }

    async fn profile_events(&self, member: MemberId, limit: u32) -> StoreResult<Vec<ProfileEvent>> {
        let sql = "SELECT id, member_id, kind, detail, created_at FROM profile_events \
                   WHERE member_id = $1 ORDER BY id DESC LIMIT $2";
        let rows: Vec<EventRow> = self
            .fetch_all::<EventRow, _>(sql, &vals![member, limit])
            .await?;
        Ok(rows.into_iter().filter_map(EventRow::into_model).collect())
    }
}
