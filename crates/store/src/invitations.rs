//! `InvitationStore` for [`SqlStore`]: invitations, their answers, and who may invite a
//! member. Accepting writes the invitation, the connection and the follows in one transaction.

use async_trait::async_trait;
use guild_core::model::MemberId;
use guild_core::network::model::*;
use guild_core::store::{InvitationStore, StoreError, StoreResult};

use crate::rows::{InvitationRow, INVITATION_COLS};
use crate::sql::{bind_all, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

impl SqlStore {
    /// Runs an `UPDATE … RETURNING` of one invitation: the row as changed, or `None` when the
    /// conditions matched nothing (not theirs, or no longer in that state).
    async fn changed_invitation(
        &self,
        sql: &str,
        binds: &[Val],
    ) -> StoreResult<Option<Invitation>> {
        let row: Option<InvitationRow> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, InvitationRow>(sql),
            binds
        )
        .fetch_optional(p)
        .await)
        .map_err(db_err)?;
        Ok(row.map(Invitation::from))
    }

    async fn invitation_where(&self, sql: &str, a: i64, b: i64) -> StoreResult<Vec<Invitation>> {
        let rows: Vec<InvitationRow> = with_pool!(self, |p| sqlx::query_as(sql)
            .bind(a)
            .bind(b)
            .fetch_all(p)
            .await)
        .map_err(db_err)?;
        Ok(rows.into_iter().map(Invitation::from).collect())
    }
}

#[async_trait]
impl InvitationStore for SqlStore {
    async fn invite_policy(&self, member: MemberId) -> StoreResult<InvitePolicy> {
        let raw: Option<String> = with_pool!(self, |p| sqlx::query_scalar(
            "SELECT invite_policy FROM members WHERE id = $1"
        )
        .bind(member)
        .fetch_optional(p)
        .await)
        .map_err(db_err)?;
        let raw = raw.ok_or(StoreError::NotFound)?;
        Ok(InvitePolicy::parse(&raw).unwrap_or_default())
    }

    async fn set_invite_policy(&self, member: MemberId, policy: InvitePolicy) -> StoreResult<()> {
        let sql = "UPDATE members SET invite_policy = $1 WHERE id = $2";
        self.run(sql, &[Val::Text(policy.as_str().into()), Val::Int(member)])
            .await
            .map(|_| ())
    }

    async fn create_invitation(
        &self,
        from: MemberId,
        to: MemberId,
        note: Option<&str>,
        now: i64,
    ) -> StoreResult<Invitation> {
        let id: i64 = with_pool!(self, |p| sqlx::query_scalar(
            "INSERT INTO invitations (from_id, to_id, note, state, created_at) \
             VALUES ($1, $2, $3, 'pending', $4) RETURNING id"
        )
        .bind(from)
        .bind(to)
        .bind(note)
        .bind(now)
        .fetch_one(p)
        .await)
        .map_err(|e| match db_err(e) {
            StoreError::Conflict(_) => StoreError::Conflict("invitation"),
            other => other,
        })?;
        Ok(Invitation {
            id,
            from,
            to,
            note: note.map(str::to_string),
            state: InvitationState::Pending,
            created_at: now,
            responded_at: None,
            ignored_at: None,
            withdrawn_at: None,
        })
    }

    async fn invitation(&self, id: i64) -> StoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE id = $1");
        let row: Option<InvitationRow> = with_pool!(self, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await)
        .map_err(db_err)?;
        Ok(row.map(Invitation::from))
    }

    async fn close_invitation(&self, id: i64, now: i64) -> StoreResult<()> {
        let sql = "UPDATE invitations SET state = 'closed', responded_at = $1 \
                   WHERE id = $2 AND state IN ('pending', 'ignored')";
        self.run(sql, &[Val::Int(now), Val::Int(id)])
            .await
            .map(|_| ())
    }

    async fn invitation_history(
        &self,
        from: MemberId,
        to: MemberId,
    ) -> StoreResult<Vec<Invitation>> {
        let sql = format!(
            "SELECT {INVITATION_COLS} FROM invitations WHERE from_id = $1 AND to_id = $2 ORDER BY id"
        );
        self.invitation_where(&sql, from, to).await
    }

    async fn invitations_sent_since(&self, from: MemberId, since: i64) -> StoreResult<i64> {
        with_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM invitations WHERE from_id = $1 AND created_at >= $2"
        )
        .bind(from)
        .bind(since)
        .fetch_one(p)
        .await)
        .map_err(db_err)
    }

    async fn dont_know_answers_since(&self, from: MemberId, since: i64) -> StoreResult<Vec<i64>> {
        with_pool!(self, |p| sqlx::query_scalar(
            "SELECT responded_at FROM invitations WHERE from_id = $1 AND responded_at >= $2 \
             AND state IN ('dont_know', 'spam') ORDER BY responded_at"
        )
        .bind(from)
        .bind(since)
        .fetch_all(p)
        .await)
        .map_err(db_err)
    }

    async fn list_invitations(&self, q: &InvitationQuery) -> StoreResult<Vec<Invitation>> {
        // Received: only pending (an ignored one is gone for its recipient). Sent: pending and
        // ignored, which its sender cannot tell apart.
        let (who, states) = match q.box_ {
            InvitationBox::Received => ("to_id", "('pending')"),
            InvitationBox::Sent => ("from_id", "('pending', 'ignored')"),
        };
        let mut sql = Sql::new(format!("SELECT {INVITATION_COLS} FROM invitations WHERE "));
        let m = sql.arg(Val::Int(q.member));
        let e = sql.arg(Val::Int(q.expired_before));
        sql.push(&format!(
            "{who} = {m} AND state IN {states} AND created_at > {e}"
        ));
        sql.newest_first(q.before, q.limit);
        let rows: Vec<InvitationRow> = with_pool!(self, |p| bind_all!(
            sqlx::query_as::<_, InvitationRow>(&sql.text),
            &sql.binds
        )
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows.into_iter().map(Invitation::from).collect())
    }

    async fn count_pending_received(&self, to: MemberId, expired_before: i64) -> StoreResult<i64> {
        with_pool!(self, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM invitations WHERE to_id = $1 AND state = 'pending' \
             AND created_at > $2"
        )
        .bind(to)
        .bind(expired_before)
        .fetch_one(p)
        .await)
        .map_err(db_err)
    }

    async fn open_invitation_peers(
        &self,
        member: MemberId,
        expired_before: i64,
    ) -> StoreResult<Vec<(MemberId, bool)>> {
        let rows: Vec<(i64, i64)> = with_pool!(self, |p| sqlx::query_as(
            "SELECT from_id, to_id FROM invitations WHERE from_id = $1 \
               AND state IN ('pending', 'ignored') AND created_at > $2 \
             UNION ALL \
             SELECT from_id, to_id FROM invitations WHERE to_id = $1 \
               AND state = 'pending' AND created_at > $2"
        )
        .bind(member)
        .bind(expired_before)
        .fetch_all(p)
        .await)
        .map_err(db_err)?;
        Ok(rows
            .into_iter()
            .map(|(f, t)| if f == member { (t, true) } else { (f, false) })
            .collect())
    }

    async fn answer_invitation(
        &self,
        id: i64,
        to: MemberId,
        answer: InvitationState,
        now: i64,
    ) -> StoreResult<Option<Invitation>> {
        let ignored = (answer == InvitationState::Ignored).then_some(now);
        let sql = format!(
            "UPDATE invitations SET state = $1, responded_at = $2, ignored_at = $3 \
             WHERE id = $4 AND to_id = $5 AND state = 'pending' RETURNING {INVITATION_COLS}"
        );
        let binds = [
            Val::Text(answer.as_str().into()),
            Val::Int(now),
            Val::OptInt(ignored),
            Val::Int(id),
            Val::Int(to),
        ];
        self.changed_invitation(&sql, &binds).await
    }

    async fn withdraw_invitation(
        &self,
        id: i64,
        from: MemberId,
        now: i64,
    ) -> StoreResult<Option<Invitation>> {
        let sql = format!(
            "UPDATE invitations SET state = 'withdrawn', withdrawn_at = $1 \
             WHERE id = $2 AND from_id = $3 AND state IN ('pending', 'ignored') \
             RETURNING {INVITATION_COLS}"
        );
        self.changed_invitation(&sql, &[Val::Int(now), Val::Int(id), Val::Int(from)])
            .await
    }

    async fn accept_invitation(
        &self,
        id: i64,
        to: MemberId,
        now: i64,
    ) -> StoreResult<Option<Invitation>> {
        let accept = format!(
            "UPDATE invitations SET state = 'accepted', responded_at = $1 \
             WHERE id = $2 AND to_id = $3 AND state IN ('pending', 'ignored') \
             RETURNING {INVITATION_COLS}"
        );
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            let row: Option<InvitationRow> = sqlx::query_as(&accept)
                .bind(now)
                .bind(id)
                .bind(to)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_err)?;
            let Some(inv) = row.map(Invitation::from) else {
                return Ok(None);
            };
            let from = inv.from;
            sqlx::query(
                "UPDATE invitations SET state = 'closed', responded_at = $1 \
                 WHERE state IN ('pending', 'ignored') \
                 AND ((from_id = $2 AND to_id = $3) OR (from_id = $3 AND to_id = $2))",
            )
            .bind(now)
            .bind(from)
            .bind(to)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            for (table, a, b) in [
                ("connections (member_id, other_id", from, to),
                ("connections (member_id, other_id", to, from),
                ("follows (follower_id, followee_id", from, to),
                ("follows (follower_id, followee_id", to, from),
            ] {
                sqlx::query(&format!(
                    "INSERT INTO {table}, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
                ))
                .bind(a)
                .bind(b)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            tx.commit().await.map_err(db_err)?;
            Ok(Some(inv))
        })
    }
}
