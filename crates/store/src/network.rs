//! `NetworkStore` for [`SqlStore`]: invitations, connections, follows, blocks and dismissed
//! suggestions. Every write that changes two members' relation runs in one transaction.

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::network::model::*;
use guild_core::network::store::NetworkStore;
use guild_core::profiles::model::MemberCard;
use guild_core::store::StoreResult;

use crate::affinity::Which;
use crate::directory::{CardRow, CARD_COLS};
use crate::sql::{exec, like_escape, placeholders, vals, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

/// A member card with the time of the relation it is listed for (`CARD_COLS, … AS since`).
#[derive(sqlx::FromRow)]
struct RelatedRow {
    #[sqlx(flatten)]
    card: CardRow,
    since: i64,
}

impl From<RelatedRow> for Related {
    fn from(r: RelatedRow) -> Related {
        Related {
            card: MemberCard::from(r.card),
            since: r.since,
        }
    }
}

#[async_trait]
impl NetworkStore for SqlStore {
    async fn all_connections(&self) -> StoreResult<Vec<(MemberId, MemberId)>> {
        let sql = "SELECT member_id, other_id FROM connections WHERE member_id < other_id";
        self.fetch_all::<(i64, i64), _>(sql, &[]).await
    }

    async fn all_blocks(&self) -> StoreResult<Vec<(MemberId, MemberId)>> {
        let sql = "SELECT blocker_id, blocked_id FROM blocks";
        self.fetch_all::<(i64, i64), _>(sql, &[]).await
    }

    async fn max_member_id(&self) -> StoreResult<MemberId> {
        let max: Option<i64> = self.scalar("SELECT MAX(id) FROM members", &[]).await?;
        Ok(max.unwrap_or(0))
    }

    async fn remove_connection(&self, a: MemberId, b: MemberId) -> StoreResult<bool> {
        let sql = "DELETE FROM connections WHERE (member_id = $1 AND other_id = $2) \
                   OR (member_id = $2 AND other_id = $1)";
        Ok(self.run(sql, &vals![a, b]).await? > 0)
    }

    async fn list_connections(&self, q: &ConnectionQuery) -> StoreResult<Vec<Related>> {
        let mut sql = Sql::new(format!(
            "SELECT {CARD_COLS}, k.created_at AS since FROM connections k \
             JOIN members m ON m.id = k.other_id JOIN profiles p ON p.member_id = m.id \
             WHERE m.active = TRUE AND k.member_id = "
        ));
        let me = sql.arg(q.member);
        sql.push(&me);
        if let Some(name) = &q.name {
            let prefix = like_escape(name);
            let a = sql.arg(format!("{prefix}%"));
            let b = sql.arg(format!("% {prefix}%"));
            sql.push(&format!(
                " AND (m.name_key LIKE {a} ESCAPE '\\' OR m.name_key LIKE {b} ESCAPE '\\')"
            ));
        }
        match &q.after {
            Some(ListAfter::Time(t, id)) => {
                let t = sql.arg(*t);
                let i = sql.arg(*id);
                sql.push(&format!(
                    " AND (k.created_at < {t} OR (k.created_at = {t} AND k.other_id < {i}))"
                ));
            }
            Some(ListAfter::Name(key, id)) => {
                let k = sql.arg(key.as_str());
                let i = sql.arg(*id);
                sql.push(&format!(
                    " AND (m.name_key > {k} OR (m.name_key = {k} AND m.id > {i}))"
                ));
            }
            None => {}
        }
        let l = sql.arg(q.limit);
        sql.push(&match q.sort {
            ConnectionSort::Recent => {
                format!(" ORDER BY k.created_at DESC, k.other_id DESC LIMIT {l}")
            }
            ConnectionSort::Name => format!(" ORDER BY m.name_key, m.id LIMIT {l}"),
        });
        self.fetch_all::<RelatedRow, _>(&sql.text, &sql.binds).await
    }

    async fn set_follow(
        &self,
        follower: MemberId,
        followee: MemberId,
        on: bool,
        now: i64,
    ) -> StoreResult<bool> {
        let n = if on {
            let sql = "INSERT INTO follows (follower_id, followee_id, created_at) \
                       VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
            self.run(sql, &vals![follower, followee, now]).await?
        } else {
            let sql = "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2";
            self.run(sql, &vals![follower, followee]).await?
        };
        Ok(n > 0)
    }

    async fn is_following(&self, follower: MemberId, followee: MemberId) -> StoreResult<bool> {
        let sql = "SELECT COUNT(*) FROM follows WHERE follower_id = $1 AND followee_id = $2";
        let n: i64 = self.scalar(sql, &vals![follower, followee]).await?;
        Ok(n > 0)
    }

    async fn following_ids(&self, member: MemberId) -> StoreResult<Vec<MemberId>> {
        let sql = "SELECT followee_id FROM follows WHERE follower_id = $1";
        self.scalars(sql, &vals![member]).await
    }

    async fn list_follows(
        &self,
        member: MemberId,
        direction: FollowDirection,
        after: Option<(i64, MemberId)>,
        limit: u32,
    ) -> StoreResult<Vec<Related>> {
        let (mine, theirs) = match direction {
            FollowDirection::Followers => ("followee_id", "follower_id"),
            FollowDirection::Following => ("follower_id", "followee_id"),
        };
        let mut sql = Sql::new(format!(
            "SELECT {CARD_COLS}, f.created_at AS since FROM follows f \
             JOIN members m ON m.id = f.{theirs} JOIN profiles p ON p.member_id = m.id \
             WHERE m.active = TRUE AND f.{mine} = "
        ));
        let me = sql.arg(member);
        sql.push(&me);
        if let Some((t, id)) = after {
            let t = sql.arg(t);
            let i = sql.arg(id);
            sql.push(&format!(
                " AND (f.created_at < {t} OR (f.created_at = {t} AND f.{theirs} < {i}))"
            ));
        }
        let l = sql.arg(limit);
        sql.push(&format!(
            " ORDER BY f.created_at DESC, f.{theirs} DESC LIMIT {l}"
        ));
        self.fetch_all::<RelatedRow, _>(&sql.text, &sql.binds).await
    }

    async fn follow_counts(&self, member: MemberId) -> StoreResult<(i64, i64)> {
        let sql = "SELECT (SELECT COUNT(*) FROM follows WHERE followee_id = $1), \
                    (SELECT COUNT(*) FROM follows WHERE follower_id = $1)";
        self.fetch_one::<(i64, i64), _>(sql, &vals![member]).await
    }

    async fn block(&self, blocker: MemberId, blocked: MemberId, now: i64) -> StoreResult<bool> {
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            exec!(
                tx,
                "INSERT INTO blocks (blocker_id, blocked_id, created_at) VALUES ($1, $2, $3) \
                 ON CONFLICT DO NOTHING",
                [blocker, blocked, now]
            )?;
            let severed = exec!(
                tx,
                "DELETE FROM connections WHERE (member_id = $1 AND other_id = $2) \
                 OR (member_id = $2 AND other_id = $1)",
                [blocker, blocked]
            )?
            .rows_affected();
            exec!(
                tx,
                "DELETE FROM follows WHERE (follower_id = $1 AND followee_id = $2) \
                 OR (follower_id = $2 AND followee_id = $1)",
                [blocker, blocked]
            )?;
            exec!(
                tx,
                "UPDATE invitations SET state = 'closed', responded_at = $1 \
                 WHERE state IN ('pending', 'ignored') \
                 AND ((from_id = $2 AND to_id = $3) OR (from_id = $3 AND to_id = $2))",
                [now, blocker, blocked]
            )?;
            tx.commit().await.map_err(db_err)?;
            Ok(severed > 0)
        })
    }

    async fn unblock(&self, blocker: MemberId, blocked: MemberId) -> StoreResult<bool> {
        let sql = "DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2";
        Ok(self.run(sql, &vals![blocker, blocked]).await? > 0)
    }

    async fn list_blocks(&self, blocker: MemberId) -> StoreResult<Vec<Related>> {
        let mut sql = Sql::new(format!(
            "SELECT {CARD_COLS}, b.created_at AS since FROM blocks b \
             JOIN members m ON m.id = b.blocked_id JOIN profiles p ON p.member_id = m.id \
             WHERE b.blocker_id = "
        ));
        let me = sql.arg(blocker);
        sql.push(&format!("{me} ORDER BY b.created_at DESC, m.id DESC"));
        self.fetch_all::<RelatedRow, _>(&sql.text, &sql.binds).await
    }

    async fn dismiss_suggestion(
        &self,
        member: MemberId,
        other: MemberId,
        now: i64,
    ) -> StoreResult<()> {
        let sql = "INSERT INTO pymk_dismissals (member_id, other_id, created_at) \
                   VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        self.run(sql, &vals![member, other, now]).await.map(|_| ())
    }

    async fn dismissed(&self, member: MemberId) -> StoreResult<Vec<MemberId>> {
        let sql = "SELECT other_id FROM pymk_dismissals WHERE member_id = $1";
        self.scalars(sql, &vals![member]).await
    }

    async fn cards(&self, ids: &[MemberId]) -> StoreResult<Vec<MemberCard>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT {CARD_COLS} FROM members m JOIN profiles p ON p.member_id = m.id \
             WHERE m.active = TRUE AND m.id IN {}",
            self.id_set(1)
        );
        self.fetch_all::<CardRow, _>(&sql, &vals![self.id_array(ids)])
            .await
    }

    async fn affinities(&self, ids: &[MemberId]) -> StoreResult<Vec<Affinity>> {
        self.read_affinities(Which::Ids(ids)).await
    }

    async fn active_affinities(&self, ids: Option<&[MemberId]>) -> StoreResult<Vec<Affinity>> {
        self.read_affinities(ids.map_or(Which::AllActive, Which::ActiveIds))
            .await
    }

    async fn colleagues(
        &self,
        company_keys: &[String],
        school_keys: &[String],
        limit: u32,
    ) -> StoreResult<Vec<MemberId>> {
        if company_keys.is_empty() && school_keys.is_empty() {
            return Ok(Vec::new());
        }
        // One index range per company or school (`positions_company_key`,
        // `education_school_key`), newest members first, each cut at `limit`: a large
        // employer never makes this read thousands of rows.
        let mut parts = Vec::new();
        let mut binds: Vec<Val> = Vec::new();
        for (table, column, keys) in [
            ("positions", "company_key", company_keys),
            ("education", "school_key", school_keys),
        ] {
            for key in keys {
                binds.push(key.into());
                parts.push(format!(
                    "SELECT member_id FROM (SELECT x.member_id FROM {table} x \
                     JOIN members m ON m.id = x.member_id AND m.active = TRUE \
                     WHERE x.{column} = ${} ORDER BY x.member_id DESC LIMIT {limit}) k{}",
                    binds.len(),
                    binds.len()
                ));
            }
        }
        let sql = format!(
            "SELECT DISTINCT member_id FROM ({}) u",
            parts.join(" UNION ALL ")
        );
        self.scalars(&sql, &binds).await
    }

    async fn seed_connections(&self, pairs: &[(MemberId, MemberId, i64)]) -> StoreResult<()> {
        // Both directions, sorted by member, so every index is filled in key order (random
        // order made a 100,000-member demo spend minutes in B-tree page splits). Integers
        // only, never input, so the values are written into the statement.
        const ROWS: usize = 1_000;
        const ROWS_PER_TX: usize = 100_000;
        let mut rows: Vec<(MemberId, MemberId, i64)> = pairs
            .iter()
            .flat_map(|&(a, b, t)| [(a, b, t), (b, a, t)])
            .collect();
        rows.sort_unstable();
        rows.dedup_by_key(|r| (r.0, r.1));
        for table in [
            "connections (member_id, other_id, created_at)",
            "follows (follower_id, followee_id, created_at)",
        ] {
            for tx_rows in rows.chunks(ROWS_PER_TX) {
                with_pool!(self, |p| {
                    let mut tx = p.begin().await.map_err(db_err)?;
                    for chunk in tx_rows.chunks(ROWS) {
                        let values: Vec<String> = chunk
                            .iter()
                            .map(|(a, b, t)| format!("({a}, {b}, {t})"))
                            .collect();
                        exec!(
                            tx,
                            &format!(
                                "INSERT INTO {table} VALUES {} ON CONFLICT DO NOTHING",
                                values.join(", ")
                            ),
                            []
                        )?;
                    }
                    tx.commit().await.map_err(db_err)
                })?;
            }
        }
        Ok(())
    }

    async fn members_by_emails(&self, emails: &[String]) -> StoreResult<Vec<ContactMatch>> {
        self.contact_matches("m.email", emails).await
    }

    async fn members_by_name_keys(&self, keys: &[String]) -> StoreResult<Vec<ContactMatch>> {
        self.contact_matches("m.name_key", keys).await
    }
}

impl SqlStore {
    /// Active members whose `column` is one of `values`, with the folded keys of their
    /// companies; in chunks so no statement carries too many values.
    async fn contact_matches(
        &self,
        column: &'static str,
        values: &[String],
    ) -> StoreResult<Vec<ContactMatch>> {
        let mut out: Vec<ContactMatch> = Vec::new();
        for chunk in values.chunks(500) {
            let sql = format!(
                "SELECT m.id, m.email, m.name_key, x.company_key FROM members m \
                 LEFT JOIN positions x ON x.member_id = m.id \
                 WHERE m.active = TRUE AND {column} IN ({}) ORDER BY m.id",
                placeholders(1, chunk.len())
            );
            let binds: Vec<Val> = chunk.iter().map(Val::from).collect();
            let rows: Vec<(i64, String, String, Option<String>)> = self
                .fetch_all::<(i64, String, String, Option<String>), _>(&sql, &binds)
                .await?;
            for (id, email, name_key, company) in rows {
                match out.last_mut() {
                    Some(last) if last.id == id => last.company_keys.extend(company),
                    _ => out.push(ContactMatch {
                        id,
                        email,
                        name_key,
                        company_keys: company.into_iter().collect(),
                    }),
                }
            }
        }
        Ok(out)
    }
}
