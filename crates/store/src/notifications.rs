//! `NotificationStore` for [`SqlStore`]: notifications (one row per member and group key,
//! reactions aggregated), their read state, per-kind settings, and the email digest's
//! schedule on `members`.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::feed::model::*;
use guild_core::feed::store::NotificationStore;
use guild_core::store::StoreResult;

use crate::errors::reference_err;
use crate::sql::{bind_all, id_list, vals, Sql};
use crate::{db_err, with_pool, SqlStore};

/// The prefix of the group keys that aggregate (`reaction:<post>`).
const AGGREGATED: &str = "reaction:";

const INSERT_COLS: &str =
    "member_id, kind, actor_id, post_id, comment_id, invitation_id, group_key, created_at";

#[derive(sqlx::FromRow)]
struct NotificationRow {
    id: i64,
    member_id: i64,
    kind: String,
    actor_id: i64,
    count: i64,
    post_id: Option<i64>,
    comment_id: Option<i64>,
    invitation_id: Option<i64>,
    group_key: String,
    created_at: i64,
    read_at: Option<i64>,
}

const NOTIFICATION_COLS: &str = "id, member_id, kind, actor_id, count, post_id, \
     comment_id, invitation_id, group_key, created_at, read_at";

impl NotificationRow {
    /// Kinds are only ever written from [`NotificationKind::as_str`]; a row of a kind this
    /// build does not know is left out.
    fn into_model(self) -> Option<Notification> {
        Some(Notification {
            id: self.id,
            member_id: self.member_id,
            kind: NotificationKind::parse(&self.kind)?,
            actor_id: self.actor_id,
            count: self.count,
            post_id: self.post_id,
            comment_id: self.comment_id,
            invitation_id: self.invitation_id,
            group_key: self.group_key,
            created_at: self.created_at,
            read_at: self.read_at,
        })
    }
}

/// ` AND kind IN ($n, …)` for these notification kinds, as values of `sql`.
fn push_kinds(sql: &mut Sql<'_>, kinds: &[NotificationKind]) {
    let places: Vec<String> = kinds.iter().map(|k| sql.arg(k.as_str())).collect();
    sql.push(&format!(" AND kind IN ({})", places.join(", ")));
}

impl SqlStore {
    async fn fetch_notifications(&self, sql: &Sql<'_>) -> StoreResult<Vec<Notification>> {
        let rows: Vec<NotificationRow> = self
            .fetch_all::<NotificationRow, _>(&sql.text, &sql.binds)
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(NotificationRow::into_model)
            .collect())
    }
}

#[async_trait]
impl NotificationStore for SqlStore {
    /// Returns the rows this call wrote (inserted, or aggregated into); a repeated key that
    /// is ignored returns nothing, so it is not pushed again.
    async fn notify(&self, n: &[NewNotification]) -> StoreResult<Vec<Notification>> {
        if n.is_empty() {
            return Ok(Vec::new());
        }
        let aggregate = format!(
            "INSERT INTO notifications ({INSERT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (member_id, group_key) DO UPDATE SET \
             count = notifications.count + 1, actor_id = excluded.actor_id, \
             created_at = excluded.created_at, read_at = NULL \
             RETURNING {NOTIFICATION_COLS}"
        );
        let once = format!(
            "INSERT INTO notifications ({INSERT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT (member_id, group_key) DO NOTHING RETURNING {NOTIFICATION_COLS}"
        );
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let mut out = Vec::with_capacity(n.len());
            for x in n {
                let sql = if x.group_key.starts_with(AGGREGATED) {
                    &aggregate
                } else {
                    &once
                };
                let binds = vals![
                    x.member_id,
                    x.kind.as_str(),
                    x.actor_id,
                    x.post_id,
                    x.comment_id,
                    x.invitation_id,
                    &x.group_key,
                    x.created_at,
                ];
                let row: Option<NotificationRow> = bind_all!(sqlx::query_as(sql), &binds)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(reference_err)?;
                out.extend(row.and_then(NotificationRow::into_model));
            }
            tx.commit().await.map_err(db_err)?;
            Ok(out)
        })
    }

    async fn notify_connections(
        &self,
        member: MemberId,
        template: &NewNotification,
    ) -> StoreResult<u64> {
        // Connections are stored one row per direction: `member_id = $1` is every connection.
        let sql = format!(
            "INSERT INTO notifications ({INSERT_COLS}) \
             SELECT c.other_id, $2, $3, $4, $5, $6, $7, $8 FROM connections c \
             WHERE c.member_id = $1 ON CONFLICT (member_id, group_key) DO NOTHING"
        );
        let binds = vals![
            member,
            template.kind.as_str(),
            template.actor_id,
            template.post_id,
            template.comment_id,
            template.invitation_id,
            &template.group_key,
            template.created_at,
        ];
        self.run_referencing(&sql, &binds).await
    }

    async fn notifications(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        before: Option<(i64, i64)>,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = of_member(member, kinds);
        sql.newest_first(before, limit);
        self.fetch_notifications(&sql).await
    }

    async fn notifications_after(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        after_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = of_member(member, kinds);
        let a = sql.arg(after_id);
        let l = sql.arg(limit);
        sql.push(&format!(" AND id > {a} ORDER BY id LIMIT {l}"));
        self.fetch_notifications(&sql).await
    }

    async fn latest_notification_id(&self, member: MemberId) -> StoreResult<i64> {
        let sql = "SELECT MAX(id) FROM notifications WHERE member_id = $1";
        let max: Option<i64> = self.scalar(sql, &vals![member]).await?;
        Ok(max.unwrap_or(0))
    }

    async fn unread_count(&self, member: MemberId, kinds: &[NotificationKind]) -> StoreResult<i64> {
        if kinds.is_empty() {
            return Ok(0);
        }
        let mut sql = Sql::new("SELECT COUNT(*) FROM notifications WHERE member_id = ");
        let m = sql.arg(member);
        sql.push(&m);
        sql.push(" AND read_at IS NULL");
        push_kinds(&mut sql, kinds);
        self.scalar(&sql.text, &sql.binds).await
    }

    async fn mark_read(&self, member: MemberId, ids: Option<&[i64]>, now: i64) -> StoreResult<u64> {
        let mut sql = String::from(
            "UPDATE notifications SET read_at = $1 WHERE member_id = $2 AND read_at IS NULL",
        );
        if let Some(ids) = ids {
            if ids.is_empty() {
                return Ok(0);
            }
            sql.push_str(&format!(" AND id IN ({})", id_list(ids)));
        }
        self.run(&sql, &vals![now, member]).await
    }

    async fn mark_invitation_read(
        &self,
        member: MemberId,
        invitation: i64,
        now: i64,
    ) -> StoreResult<u64> {
        let sql = "UPDATE notifications SET read_at = $1 \
                   WHERE member_id = $2 AND invitation_id = $3 AND read_at IS NULL";
        self.run(sql, &vals![now, member, invitation]).await
    }

    async fn unread_since(
        &self,
        member: MemberId,
        kinds: &[NotificationKind],
        since: i64,
        limit: u32,
    ) -> StoreResult<Vec<Notification>> {
        if kinds.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = of_member(member, kinds);
        sql.push(" AND read_at IS NULL");
        let s = sql.arg(since);
        let l = sql.arg(limit);
        sql.push(&format!(
            " AND created_at >= {s} ORDER BY created_at DESC, id DESC LIMIT {l}"
        ));
        self.fetch_notifications(&sql).await
    }

    async fn notification_settings(
        &self,
        member: MemberId,
    ) -> StoreResult<Vec<NotificationSetting>> {
        let sql = "SELECT kind, in_app, email FROM notification_settings WHERE member_id = $1 \
                   ORDER BY kind";
        let rows: Vec<(String, bool, bool)> = self
            .fetch_all::<(String, bool, bool), _>(sql, &vals![member])
            .await?;
        Ok(rows
            .into_iter()
            .filter_map(|(kind, in_app, email)| {
                Some(NotificationSetting {
                    kind: NotificationKind::parse(&kind)?,
                    in_app,
                    email,
                })
            })
            .collect())
    }

    async fn set_notification_setting(
        &self,
        member: MemberId,
        setting: NotificationSetting,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO notification_settings (member_id, kind, in_app, email) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, kind) DO UPDATE SET \
             in_app = excluded.in_app, email = excluded.email";
        let binds = vals![member, setting.kind.as_str(), setting.in_app, setting.email];
        self.run_referencing(sql, &binds).await.map(|_| ())
    }

    async fn digests_due(&self, now: i64, limit: u32) -> StoreResult<Vec<(MemberId, Digest)>> {
        // Due: last sent (or, never sent, joined) at or before now - period. The plain
        // `digest_sent_at <= cutoff` lets `members_digest` narrow the scan (never-sent rows
        // hold 0 and pass it; their `created_at` decides).
        let cutoff = |d: Digest| d.period_ms().map_or(i64::MIN, |p| now - p);
        let sql = "SELECT id, digest FROM members WHERE active = TRUE AND ( \
               (digest = $1 AND digest_sent_at <= $2 \
                AND COALESCE(NULLIF(digest_sent_at, 0), created_at) <= $2) \
               OR (digest = $3 AND digest_sent_at <= $4 \
                AND COALESCE(NULLIF(digest_sent_at, 0), created_at) <= $4)) \
             ORDER BY id LIMIT $5";
        let binds = vals![
            Digest::Daily.as_str(),
            cutoff(Digest::Daily),
            Digest::Weekly.as_str(),
            cutoff(Digest::Weekly),
            limit,
        ];
        let rows: Vec<(i64, String)> = self.fetch_all::<(i64, String), _>(sql, &binds).await?;
        Ok(rows
            .into_iter()
            .map(|(id, d)| (id, Digest::from_db(&d)))
            .collect())
    }

    async fn mark_digest_sent(&self, member: MemberId, at: i64) -> StoreResult<()> {
        let sql = "UPDATE members SET digest_sent_at = $1 WHERE id = $2";
        self.run(sql, &vals![at, member]).await.map(|_| ())
    }
}

/// `SELECT … FROM notifications` of one member, of these kinds: the opening every list shares.
fn of_member(member: MemberId, kinds: &[NotificationKind]) -> Sql<'static> {
    let mut sql = Sql::new(format!(
        "SELECT {NOTIFICATION_COLS} FROM notifications WHERE member_id = "
    ));
    let m = sql.arg(member);
    sql.push(&m);
    push_kinds(&mut sql, kinds);
    sql
}
