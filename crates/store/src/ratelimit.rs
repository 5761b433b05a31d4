//! `RateStore` for [`SqlStore`]: attempts under rate limits (`rate_events`).
//!
//! An attempt is written first and counted after, in one transaction: on SQLite the write
//! takes the database's one write lock, on PostgreSQL an advisory lock on the key is taken
//! first, so attempts at one key from several nodes are counted one after the other and a
//! limit of N lets exactly N through.

use async_trait::async_trait;
use guild_core::ratelimit::RateStore;
use guild_core::store::StoreResult;

use crate::sql::{exec, vals};
use crate::{db_err, with_pool, Pool, SqlStore};

impl SqlStore {
    /// Writes an attempt and counts the key's attempts after `since`; keeps it only if
    /// `keep(count)`. The count, and the oldest attempt counted.
    async fn attempt(
        &self,
        key: &str,
        since: i64,
        now: i64,
        keep: impl Fn(i64) -> bool + Send,
    ) -> StoreResult<(i64, i64)> {
        let pg = matches!(self.pool, Pool::Pg(_));
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            if pg {
                exec!(tx, "SELECT pg_advisory_xact_lock(hashtext($1))", [key])?;
            }
            exec!(
                tx,
                "INSERT INTO rate_events (key, at) VALUES ($1, $2)",
                [key, now]
            )?;
            let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
                "SELECT COUNT(*), MIN(at) FROM rate_events WHERE key = $1 AND at > $2",
            )
            .bind(key)
            .bind(since)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            if keep(count) {
                tx.commit().await.map_err(db_err)?;
            } else {
                tx.rollback().await.map_err(db_err)?;
            }
            Ok((count, oldest.unwrap_or(now)))
        })
    }
}

#[async_trait]
impl RateStore for SqlStore {
    async fn rate_hit(
        &self,
        key: &str,
        max: u32,
        since: i64,
        now: i64,
    ) -> StoreResult<Result<(), i64>> {
        if max == 0 {
            return Ok(Err(now));
        }
        let max = i64::from(max);
        if let Pool::Sqlite(_) = self.pool {
            // One statement on the one writer connection: counted and kept at once, without
            // a transaction's four round trips (PostgreSQL, with writers on every node, needs
            // `attempt`'s lock).
            let kept = self
                .run(
                    "INSERT INTO rate_events (key, at) SELECT $1, $2 \
                     WHERE (SELECT COUNT(*) FROM rate_events WHERE key = $1 AND at > $3) < $4",
                    &vals![key, now, since, max],
                )
                .await?;
            if kept == 1 {
                return Ok(Ok(()));
            }
            let oldest: Option<i64> = self
                .scalar(
                    "SELECT MIN(at) FROM rate_events WHERE key = $1 AND at > $2",
                    &vals![key, since],
                )
                .await?;
            return Ok(Err(oldest.unwrap_or(now)));
        }
        let (count, oldest) = self.attempt(key, since, now, |n| n <= max).await?;
        Ok(if count <= max { Ok(()) } else { Err(oldest) })
    }

    async fn rate_note(&self, key: &str, since: i64, now: i64) -> StoreResult<u64> {
        let (count, _) = self.attempt(key, since, now, |_| true).await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }

    async fn rate_count(&self, key: &str, since: i64) -> StoreResult<u64> {
        let n: i64 = self
            .scalar(
                "SELECT COUNT(*) FROM rate_events WHERE key = $1 AND at > $2",
                &vals![key, since],
            )
            .await?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    async fn rate_clear(&self, key: &str) -> StoreResult<()> {
        self.run("DELETE FROM rate_events WHERE key = $1", &vals![key])
            .await
            .map(|_| ())
    }

    async fn rate_purge(&self, before: i64) -> StoreResult<u64> {
        self.run("DELETE FROM rate_events WHERE at < $1", &vals![before])
            .await
    }
}
