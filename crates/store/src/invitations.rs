//! `InvitationStore` for [`SqlStore`]: invitations, their answers, and who may invite a
//! member. Accepting writes the invitation, the connection and the follows in one transaction.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::network::model::*;
use guild_core::network::store::InvitationStore;
use guild_core::store::{StoreError, StoreResult};

use crate::sql::{exec, vals, Sql};
use crate::{db_err, with_pool, Pool, SqlStore};

#[derive(sqlx::FromRow)]
struct InvitationRow {
    id: i64,
    from_id: i64,
    to_id: i64,
    note: Option<String>,
    state: String,
    created_at: i64,
    responded_at: Option<i64>,
    ignored_at: Option<i64>,
    withdrawn_at: Option<i64>,
}

impl From<InvitationRow> for Invitation {
    fn from(r: InvitationRow) -> Invitation {
        Invitation {
            id: r.id,
            from: r.from_id,
            to: r.to_id,
            note: r.note,
            state: InvitationState::from_db(&r.state),
            created_at: r.created_at,
            responded_at: r.responded_at,
            ignored_at: r.ignored_at,
            withdrawn_at: r.withdrawn_at,
        }
    }
}

const INVITATION_COLS: &str =
    "id, from_id, to_id, note, state, created_at, responded_at, ignored_at, withdrawn_at";

/// A pending invitation as just written.
fn pending(id: i64, from: MemberId, to: MemberId, note: Option<&str>, now: i64) -> Invitation {
    Invitation {
        id,
        from,
        to,
        note: note.map(str::to_string),
        state: InvitationState::Pending,
        created_at: now,
        responded_at: None,
        ignored_at: None,
        withdrawn_at: None,
    }
}

#[async_trait]
impl InvitationStore for SqlStore {
    async fn invite_policy(&self, member: MemberId) -> StoreResult<InvitePolicy> {
        let sql = "SELECT invite_policy FROM members WHERE id = $1";
        let raw: Option<String> = self.scalar_optional(sql, &vals![member]).await?;
        let raw = raw.ok_or(StoreError::NotFound)?;
        Ok(InvitePolicy::parse(&raw).unwrap_or_default())
    }

    async fn set_invite_policy(&self, member: MemberId, policy: InvitePolicy) -> StoreResult<()> {
        let sql = "UPDATE members SET invite_policy = $1 WHERE id = $2";
        self.run(sql, &vals![policy.as_str(), member])
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
        // One open invitation per pair: `invitations_open_pair` gives `Conflict("invitation")`.
        let sql = "INSERT INTO invitations (from_id, to_id, note, state, created_at) \
             VALUES ($1, $2, $3, 'pending', $4) RETURNING id";
        let id: i64 = self.scalar(sql, &vals![from, to, note, now]).await?;
        Ok(pending(id, from, to, note, now))
    }

    async fn create_invitation_within(
        &self,
        from: MemberId,
        to: MemberId,
        note: Option<&str>,
        now: i64,
        since: i64,
        max: u32,
    ) -> StoreResult<Option<Invitation>> {
        // Written first, counted after, in one transaction: SQLite's write lock, or on
        // PostgreSQL an advisory lock on the sender taken first, puts a sender's concurrent
        // invitations one after the other (as `ratelimit.rs` does for attempts).
        let pg = matches!(self.pool, Pool::Pg(_));
        let lock = format!("invitations:{from}");
        let id: Option<i64> = with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            if pg {
                exec!(
                    tx,
                    "SELECT pg_advisory_xact_lock(hashtext($1))",
                    [lock.as_str()]
                )?;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO invitations (from_id, to_id, note, state, created_at) \
                 VALUES ($1, $2, $3, 'pending', $4) RETURNING id",
            )
            .bind(from)
            .bind(to)
            .bind(note)
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            let sent: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM invitations WHERE from_id = $1 AND created_at >= $2",
            )
            .bind(from)
            .bind(since)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            if sent > i64::from(max) {
                tx.rollback().await.map_err(db_err)?;
                Ok::<_, StoreError>(None)
            } else {
                tx.commit().await.map_err(db_err)?;
                Ok(Some(id))
            }
        })?;
        Ok(id.map(|id| pending(id, from, to, note, now)))
    }

    async fn invitation(&self, id: i64) -> StoreResult<Option<Invitation>> {
        let sql = format!("SELECT {INVITATION_COLS} FROM invitations WHERE id = $1");
        self.fetch_optional::<InvitationRow, _>(&sql, &vals![id])
            .await
    }

    async fn close_invitation(&self, id: i64, now: i64) -> StoreResult<()> {
        let sql = "UPDATE invitations SET state = 'closed', responded_at = $1 \
                   WHERE id = $2 AND state IN ('pending', 'ignored')";
        self.run(sql, &vals![now, id]).await.map(|_| ())
    }

    async fn invitation_history(
        &self,
        from: MemberId,
        to: MemberId,
    ) -> StoreResult<Vec<Invitation>> {
        let sql = format!(
            "SELECT {INVITATION_COLS} FROM invitations WHERE from_id = $1 AND to_id = $2 ORDER BY id"
        );
        self.fetch_all::<InvitationRow, _>(&sql, &vals![from, to])
            .await
    }

    async fn invitation_histories(
        &self,
        from: MemberId,
        to: &[MemberId],
    ) -> StoreResult<Vec<Invitation>> {
        if to.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {INVITATION_COLS} FROM invitations WHERE from_id = $1 AND to_id IN {} ORDER BY id",
            self.id_set(2)
        );
        self.fetch_all::<InvitationRow, _>(&sql, &vals![from, self.id_array(to)])
            .await
    }

    async fn invitations_sent_since(&self, from: MemberId, since: i64) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM invitations WHERE from_id = $1 AND created_at >= $2";
        self.scalar(sql, &vals![from, since]).await
    }

    async fn dont_know_answers_since(&self, from: MemberId, since: i64) -> StoreResult<Vec<i64>> {
        let sql = "SELECT responded_at FROM invitations WHERE from_id = $1 AND responded_at >= $2 \
             AND state IN ('dont_know', 'spam') ORDER BY responded_at";
        self.scalars(sql, &vals![from, since]).await
    }

    async fn list_invitations(&self, q: &InvitationQuery) -> StoreResult<Vec<Invitation>> {
        // Received: only pending (an ignored one is gone for its recipient). Sent: pending and
        // ignored, which its sender cannot tell apart.
        let (who, states) = match q.box_ {
            InvitationBox::Received => ("to_id", "('pending')"),
            InvitationBox::Sent => ("from_id", "('pending', 'ignored')"),
        };
        let mut sql = Sql::new(format!("SELECT {INVITATION_COLS} FROM invitations WHERE "));
        let m = sql.arg(q.member);
        let e = sql.arg(q.expired_before);
        sql.push(&format!(
            "{who} = {m} AND state IN {states} AND created_at > {e}"
        ));
        sql.newest_first(q.before, q.limit);
        self.fetch_all::<InvitationRow, _>(&sql.text, &sql.binds)
            .await
    }

    async fn count_pending_received(&self, to: MemberId, expired_before: i64) -> StoreResult<i64> {
        let sql = "SELECT COUNT(*) FROM invitations WHERE to_id = $1 AND state = 'pending' \
             AND created_at > $2";
        self.scalar(sql, &vals![to, expired_before]).await
    }

    async fn open_invitation_peers(
        &self,
        member: MemberId,
        expired_before: i64,
    ) -> StoreResult<Vec<(MemberId, bool)>> {
        let sql = "SELECT from_id, to_id FROM invitations WHERE from_id = $1 \
               AND state IN ('pending', 'ignored') AND created_at > $2 \
             UNION ALL \
             SELECT from_id, to_id FROM invitations WHERE to_id = $1 \
               AND state = 'pending' AND created_at > $2";
        let rows: Vec<(i64, i64)> = self
            .fetch_all::<(i64, i64), _>(sql, &vals![member, expired_before])
            .await?;
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
        let binds = vals![answer.as_str(), now, ignored, id, to];
        self.fetch_optional::<InvitationRow, _>(&sql, &binds).await
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
        self.fetch_optional::<InvitationRow, _>(&sql, &vals![now, id, from])
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
            exec!(
                tx,
                "UPDATE invitations SET state = 'closed', responded_at = $1 \
                 WHERE state IN ('pending', 'ignored') \
                 AND ((from_id = $2 AND to_id = $3) OR (from_id = $3 AND to_id = $2))",
                [now, from, to]
            )?;
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
