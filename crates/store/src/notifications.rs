//! `NotificationStore` for [`SqlStore`]: notifications (one row per member and group key,
//! reactions aggregated), their read state, per-kind settings, and the email digest's
//! schedule on `members`.

use async_trait::async_trait;
use guild_core::feed::model::*;
use guild_core::model::MemberId;
use guild_core::store::{NotificationStore, StoreResult};

use crate::feed_rows::*;
use crate::sql::{bind_all, id_list, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

/// The prefix of the group keys that aggregate (`reaction:<post>`).
const AGGREGATED: &str = "reaction:";

const INSERT_COLS: &str =
    "member_id, kind, actor_id, post_id, comment_id, invitation_id, group_key, created_at";

impl SqlStore {
    async fn fetch_notifications(&self, sql: &Sql) -> StoreResult<Vec<Notification>> {
        let rows: Vec<NotificationRow> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, NotificationRow>(&sql.text),
            &sql.binds
        )
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(notifications(rows))
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
                let row: Option<NotificationRow> = sqlx::query_as(sql)
                    .bind(x.member_id)
                    .bind(x.kind.as_str())
                    .bind(x.actor_id)
                    .bind(x.post_id)
                    .bind(x.comment_id)
                    .bind(x.invitation_id)
                    .bind(&x.group_key)
                    .bind(x.created_at)
                    .fetch_optional(&mut *tx)
                    .await
                    .map_err(feed_err)?;
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
        with_pool!(self, |p| sqlx::query(&sql)
            .bind(member)
            .bind(template.kind.as_str())
            .bind(template.actor_id)
            .bind(template.post_id)
            .bind(template.comment_id)
            .bind(template.invitation_id)
            .bind(&template.group_key)
            .bind(template.created_at)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map_err(feed_err)
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
        let a = sql.arg(Val::Int(after_id));
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(" AND id > {a} ORDER BY id LIMIT {l}"));
        self.fetch_notifications(&sql).await
    }

    async fn latest_notification_id(&self, member: MemberId) -> StoreResult<i64> {
        let max: Option<i64> = with_pool!(self, |p| sqlx::query_scalar(
            "SELECT MAX(id) FROM notifications WHERE member_id = $1"
        )
        .bind(member)
        .fetch_one(p)
        .await)
        .map_err(db_err)?;
        Ok(max.unwrap_or(0))
    }

    async fn unread_count(&self, member: MemberId, kinds: &[NotificationKind]) -> StoreResult<i64> {
        if kinds.is_empty() {
            return Ok(0);
        }
        let mut sql = Sql::new("SELECT COUNT(*) FROM notifications WHERE member_id = ");
        let m = sql.arg(Val::Int(member));
        sql.push(&m);
        sql.push(" AND read_at IS NULL");
        push_kinds(&mut sql, kinds);
        with_pool!(self, |p| bind_all!(
            sqlx::query_scalar::<_, i64>(&sql.text),
            &sql.binds
        )
        .fetch_one(p)
        .await)
        .map_err(db_err)
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
        self.run(&sql, &[Val::Int(now), Val::Int(member)]).await
    }

    async fn mark_invitation_read(
        &self,
        member: MemberId,
        invitation: i64,
        now: i64,
    ) -> StoreResult<u64> {
        let sql = "UPDATE notifications SET read_at = $1 \
                   WHERE member_id = $2 AND invitation_id = $3 AND read_at IS NULL";
        self.run(
            sql,
            &[Val::Int(now), Val::Int(member), Val::Int(invitation)],
        )
        .await
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
        let s = sql.arg(Val::Int(since));
        let l = sql.arg(Val::Int(i64::from(limit)));
        sql.push(&format!(
            " AND created_at >= {s} ORDER BY created_at DESC, id DESC LIMIT {l}"
        ));
        self.fetch_notifications(&sql).await
    }

    async fn notification_settings(
        &self,
        member: MemberId,
    ) -> StoreResult<Vec<NotificationSetting>> {
        let rows: Vec<(String, bool, bool)> = with_pool!(self, |p| sqlx::query_as(
            "SELECT kind, in_app, email FROM notification_settings WHERE member_id = $1 \
             ORDER BY kind"
        )
        .bind(member)
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
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
        with_pool!(self, |p| sqlx::query(
            "INSERT INTO notification_settings (member_id, kind, in_app, email) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (member_id, kind) DO UPDATE SET \
             in_app = excluded.in_app, email = excluded.email"
        )
        .bind(member)
        .bind(setting.kind.as_str())
        .bind(setting.in_app)
        .bind(setting.email)
        .execute(p)
        .await
        .map(|_| ()))
        .map_err(feed_err)
    }

    async fn digests_due(&self, now: i64, limit: u32) -> StoreResult<Vec<(MemberId, Digest)>> {
        // Due: last sent (or, never sent, joined) at or before now - period. The plain
        // `digest_sent_at <= cutoff` lets `members_digest` narrow the scan (never-sent rows
        // hold 0 and pass it; their `created_at` decides).
        let cutoff = |d: Digest| d.period_ms().map_or(i64::MIN, |p| now - p);
        let rows: Vec<(i64, String)> = with_pool!(self, |p| sqlx::query_as(
            "SELECT id, digest FROM members WHERE active = TRUE AND ( \
               (digest = $1 AND digest_sent_at <= $2 \
                AND COALESCE(NULLIF(digest_sent_at, 0), created_at) <= $2) \
               OR (digest = $3 AND digest_sent_at <= $4 \
                AND COALESCE(NULLIF(digest_sent_at, 0), created_at) <= $4)) \
             ORDER BY id LIMIT $5"
        )
        .bind(Digest::Daily.as_str())
        .bind(cutoff(Digest::Daily))
        .bind(Digest::Weekly.as_str())
        .bind(cutoff(Digest::Weekly))
        .bind(i64::from(limit))
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(id, d)| (id, Digest::from_db(&d)))
            .collect())
    }

    async fn mark_digest_sent(&self, member: MemberId, at: i64) -> StoreResult<()> {
        let sql = "UPDATE members SET digest_sent_at = $1 WHERE id = $2";
        self.run(sql, &[Val::Int(at), Val::Int(member)])
            .await
            .map(|_| ())
    }
}

/// `SELECT … FROM notifications` of one member, of these kinds: the opening every list shares.
fn of_member(member: MemberId, kinds: &[NotificationKind]) -> Sql {
    let mut sql = Sql::new(format!(
        "SELECT {NOTIFICATION_COLS} FROM notifications WHERE member_id = "
    ));
    let m = sql.arg(Val::Int(member));
    sql.push(&m);
    push_kinds(&mut sql, kinds);
    sql
}
