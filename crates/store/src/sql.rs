//! The one way this crate runs a statement: values for `$1, $2, …` as [`Val`]s (written with
//! [`vals!`]), and a handful of [`SqlStore`] methods that run it on whichever pool is open and
//! map errors once — [`SqlStore::run`] and [`SqlStore::run_referencing`] (rows changed),
//! [`SqlStore::fetch_all`], [`SqlStore::fetch_optional`] and [`SqlStore::fetch_one`] (rows read
//! as a row type and converted to a model), [`SqlStore::scalar`], [`SqlStore::scalar_optional`]
//! and [`SqlStore::scalars`] (one column). Statements whose shape depends on the request are
//! built with [`Sql`]: `$n` placeholders numbered as values are added, and lists of ids written
//! inline. Only transactions use [`with_pool!`](crate::with_pool) directly, binding with
//! [`bind_all!`]. Every helper records how long its statement took (the metric
//! `guild_db_query_duration_seconds`); statements inside transactions are not timed.

use std::borrow::Cow;
use std::future::Future;
use std::time::Instant;

use guild_core::accounts::model::MemberId;
use guild_core::domain::{Email, Handle};
use guild_core::store::{StoreError, StoreResult};
use sqlx::postgres::{PgRow, Postgres};
use sqlx::sqlite::{Sqlite, SqliteRow};

use crate::errors::reference_err;
use crate::{db_err, with_pool, Pool, SqlStore};

/// One value for a `$n` placeholder. Each variant binds as the Rust type it came from, so
/// PostgreSQL sees the same parameter types as a hand-written `.bind(…)` chain would give it
/// (a `NULL` is still typed: `Int(None)` is a `BIGINT` null, `Text(None)` a `TEXT` null).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val<'a> {
    Int(Option<i64>),
    /// `INTEGER` columns written from `i32` (months, years, skill positions).
    Int4(Option<i32>),
    Bool(Option<bool>),
    Text(Option<Cow<'a, str>>),
}

/// `[Val::from(a), Val::from(b), …]`: the values of one statement, in placeholder order.
macro_rules! vals {
    ($($v:expr),* $(,)?) => {
        [$($crate::sql::Val::from($v)),*]
    };
}
pub(crate) use vals;

impl From<i64> for Val<'_> {
    fn from(v: i64) -> Self {
        Val::Int(Some(v))
    }
}
impl From<Option<i64>> for Val<'_> {
    fn from(v: Option<i64>) -> Self {
        Val::Int(v)
    }
}
/// Limits and counts given as `u32` are bound as `BIGINT`, as `i64::from(limit)` was.
impl From<u32> for Val<'_> {
    fn from(v: u32) -> Self {
        Val::Int(Some(i64::from(v)))
    }
}
impl From<i32> for Val<'_> {
    fn from(v: i32) -> Self {
        Val::Int4(Some(v))
    }
}
impl From<Option<i32>> for Val<'_> {
    fn from(v: Option<i32>) -> Self {
        Val::Int4(v)
    }
}
impl From<bool> for Val<'_> {
    fn from(v: bool) -> Self {
        Val::Bool(Some(v))
    }
}
impl<'a> From<&'a str> for Val<'a> {
    fn from(v: &'a str) -> Self {
        Val::Text(Some(Cow::Borrowed(v)))
    }
}
/// A `String`, and validated values (`Handle`, `Email`), are written as the text they hold.
macro_rules! text_val {
    ($($t:ty),*) => {$(
        impl<'a> From<&'a $t> for Val<'a> {
            fn from(v: &'a $t) -> Self {
                Val::Text(Some(Cow::Borrowed(v.as_str())))
            }
        }
    )*};
}
text_val!(String, Handle, Email);
impl From<String> for Val<'_> {
    fn from(v: String) -> Self {
        Val::Text(Some(Cow::Owned(v)))
    }
}
impl<'a> From<Option<&'a str>> for Val<'a> {
    fn from(v: Option<&'a str>) -> Self {
        Val::Text(v.map(Cow::Borrowed))
    }
}
impl<'a> From<&'a Option<String>> for Val<'a> {
    fn from(v: &'a Option<String>) -> Self {
        Val::Text(v.as_deref().map(Cow::Borrowed))
    }
}
impl From<Option<String>> for Val<'_> {
    fn from(v: Option<String>) -> Self {
        Val::Text(v.map(Cow::Owned))
    }
}

/// Binds every value of `$binds` (a `&[Val]`) to the query `$q`, in order.
macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                $crate::sql::Val::Int(v) => q.bind(*v),
                $crate::sql::Val::Int4(v) => q.bind(*v),
                $crate::sql::Val::Bool(v) => q.bind(*v),
                $crate::sql::Val::Text(v) => q.bind(v.as_deref()),
            };
        }
        q
    }};
}
pub(crate) use bind_all;

/// Runs one statement inside a transaction `tx` with these values for `$1, $2, …`:
/// `exec!(tx, "UPDATE …", [a, b])?`; what it gives back has `rows_affected()`.
macro_rules! exec {
    ($tx:expr, $sql:expr, [$($v:expr),* $(,)?]) => {{
        let sql = $sql;
        let binds = $crate::sql::vals![$($v),*];
        $crate::sql::bind_all!(sqlx::query(sql), &binds)
            .execute(&mut *$tx)
            .await
            .map_err($crate::db_err)
    }};
}
pub(crate) use exec;

/// A row type that both backends can decode (`#[derive(sqlx::FromRow)]` structs, tuples).
pub(crate) trait Row:
    for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where
    T: for<'r> sqlx::FromRow<'r, SqliteRow> + for<'r> sqlx::FromRow<'r, PgRow> + Send + Unpin
{
}

/// A single column's value that both backends can decode.
pub(crate) trait Column:
    sqlx::Type<Sqlite>
    + for<'r> sqlx::Decode<'r, Sqlite>
    + sqlx::Type<Postgres>
    + for<'r> sqlx::Decode<'r, Postgres>
    + Send
    + Unpin
{
}
impl<T> Column for T where
    T: sqlx::Type<Sqlite>
        + for<'r> sqlx::Decode<'r, Sqlite>
        + sqlx::Type<Postgres>
        + for<'r> sqlx::Decode<'r, Postgres>
        + Send
        + Unpin
{
}

/// Whether a statement may change rows: anything but a plain `SELECT` (or a `WITH … SELECT`
/// that neither inserts, updates nor deletes). The store writes its SQL in capitals.
pub(crate) fn writes(sql: &str) -> bool {
    let s = sql.trim_start();
    if s.starts_with("SELECT") {
        return false;
    }
    if s.starts_with("WITH") {
        return ["INSERT", "UPDATE", "DELETE"].iter().any(|w| s.contains(w));
    }
    true
}

impl SqlStore {
    /// The writer for a statement that changes rows, a reader otherwise (see
    /// [`SqlStore::reads`]).
    pub(crate) fn pool_for(&self, sql: &str) -> &Pool {
        if writes(sql) {
            &self.pool
        } else {
            &self.reads
        }
    }

    /// Runs `statement`, recording how long it took (waiting for a connection included) in
    /// the store's query-time histogram: an `Instant` and two atomic adds, no lock.
    async fn timed<T>(&self, statement: impl Future<Output = T>) -> T {
        let start = Instant::now();
        let out = statement.await;
        self.query_times.observe(start.elapsed());
        out
    }

    /// Runs one statement and returns how many rows it changed.
    pub(crate) async fn run(&self, sql: &str, binds: &[Val<'_>]) -> StoreResult<u64> {
        self.execute(sql, binds, db_err).await
    }

    /// [`SqlStore::run`] for a statement that refers to rows which may be gone meanwhile (a
    /// post, a comment, a member): a foreign-key violation is "not found" ([`reference_err`]).
    pub(crate) async fn run_referencing(&self, sql: &str, binds: &[Val<'_>]) -> StoreResult<u64> {
        self.execute(sql, binds, reference_err).await
    }

    async fn execute(
        &self,
        sql: &str,
        binds: &[Val<'_>],
        map_err: fn(sqlx::Error) -> StoreError,
    ) -> StoreResult<u64> {
        self.timed(async {
            with_pool!(self, |p| bind_all!(sqlx::query(sql), binds)
                .execute(p)
                .await
                .map(|r| r.rows_affected()))
        })
        .await
        .map_err(map_err)
    }

    /// Every row, read as `R` and converted to the model `M`.
    pub(crate) async fn fetch_all<R: Row, M: From<R>>(
        &self,
        sql: &str,
        binds: &[Val<'_>],
    ) -> StoreResult<Vec<M>> {
        let rows: Vec<R> = self
            .timed(async {
                with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_as::<_, R>(sql), binds)
                    .fetch_all(p)
                    .await)
            })
            .await
            .map_err(db_err)?;
        Ok(rows.into_iter().map(M::from).collect())
    }

    /// The row, if there is one, read as `R` and converted to the model `M`.
    pub(crate) async fn fetch_optional<R: Row, M: From<R>>(
        &self,
        sql: &str,
        binds: &[Val<'_>],
    ) -> StoreResult<Option<M>> {
        let row: Option<R> = self
            .timed(async {
                with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_as::<_, R>(sql), binds)
                    .fetch_optional(p)
                    .await)
            })
            .await
            .map_err(db_err)?;
        Ok(row.map(M::from))
    }

    /// The one row, read as `R` and converted to the model `M`; no row is
    /// [`StoreError::NotFound`](guild_core::store::StoreError::NotFound).
    pub(crate) async fn fetch_one<R: Row, M: From<R>>(
        &self,
        sql: &str,
        binds: &[Val<'_>],
    ) -> StoreResult<M> {
        let row: R = self
            .timed(async {
                with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_as::<_, R>(sql), binds)
                    .fetch_one(p)
                    .await)
            })
            .await
            .map_err(db_err)?;
        Ok(M::from(row))
    }

    /// The first column of the one row (a count, a new id, a setting).
    pub(crate) async fn scalar<T: Column>(&self, sql: &str, binds: &[Val<'_>]) -> StoreResult<T> {
        self.timed(async {
            with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_scalar::<_, T>(sql), binds)
                .fetch_one(p)
                .await)
        })
        .await
        .map_err(db_err)
    }

    /// The first column of the row, if there is one.
    pub(crate) async fn scalar_optional<T: Column>(
        &self,
        sql: &str,
        binds: &[Val<'_>],
    ) -> StoreResult<Option<T>> {
        self.timed(async {
            with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_scalar::<_, T>(sql), binds)
                .fetch_optional(p)
                .await)
        })
        .await
        .map_err(db_err)
    }

    /// The first column of every row.
    pub(crate) async fn scalars<T: Column>(
        &self,
        sql: &str,
        binds: &[Val<'_>],
    ) -> StoreResult<Vec<T>> {
        self.timed(async {
            with_pool!(on self.pool_for(sql), |p| bind_all!(sqlx::query_scalar::<_, T>(sql), binds)
                .fetch_all(p)
                .await)
        })
        .await
        .map_err(db_err)
    }
}

impl SqlStore {
    /// A set of ids as one bound parameter `$n`, for `column IN {set}`: the statement's text is
    /// the same whatever the ids, so each connection prepares it once and keeps it, where ids
    /// written into the text made a new statement to parse for every request. Bind
    /// [`SqlStore::id_array`] of the ids at `$n`.
    pub(crate) fn id_set(&self, n: usize) -> String {
        match self.pool {
            Pool::Sqlite(_) => format!("(SELECT value FROM json_each(${n}))"),
            Pool::Pg(_) => format!("(SELECT unnest(CAST(${n} AS BIGINT[])))"),
        }
    }

    /// The ids as [`SqlStore::id_set`] reads them: a JSON array for SQLite, an array literal
    /// for PostgreSQL.
    pub(crate) fn id_array(&self, ids: &[i64]) -> String {
        let list = id_list(ids);
        match self.pool {
            Pool::Sqlite(_) => format!("[{list}]"),
            Pool::Pg(_) => format!("{{{list}}}"),
        }
    }
}

/// Comma-separated integers for an `IN (…)` list. Only ever given ids from core, never text
/// from input, so inlining cannot inject anything.
pub(crate) fn id_list(ids: &[MemberId]) -> String {
    ids.iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// `$first, $first+1, …` placeholders for `n` text values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Escapes `%`, `_` and `\` so member input matches literally in `LIKE … ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Text fragments of one SQL statement whose `$n` placeholders are numbered as values are added.
pub(crate) struct Sql<'a> {
    pub(crate) text: String,
    pub(crate) binds: Vec<Val<'a>>,
}

impl<'a> Sql<'a> {
    pub(crate) fn new(text: impl Into<String>) -> Sql<'a> {
        Sql {
            text: text.into(),
            binds: Vec::new(),
        }
    }
    /// Adds a value and returns its placeholder (`$n`).
    pub(crate) fn arg(&mut self, v: impl Into<Val<'a>>) -> String {
        self.binds.push(v.into());
        format!("${}", self.binds.len())
    }
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// The newest-first keyset tail shared by every list ordered by `(created_at, id)`:
    /// rows strictly before `before`, newest first, at most `limit`.
    pub(crate) fn newest_first(&mut self, before: Option<(i64, i64)>, limit: u32) {
        if let Some((t, id)) = before {
            let t = self.arg(t);
            let i = self.arg(id);
            self.push(&format!(
                " AND (created_at < {t} OR (created_at = {t} AND id < {i}))"
            ));
        }
        let l = self.arg(limit);
        self.push(&format!(" ORDER BY created_at DESC, id DESC LIMIT {l}"));
    }
    /// The newest-first keyset tail of a list ordered by one id `column` alone (messages):
    /// rows strictly before `before`, newest first, at most `limit`.
    pub(crate) fn newest_by_id(&mut self, column: &str, before: Option<i64>, limit: u32) {
        if let Some(b) = before {
            let b = self.arg(b);
            self.push(&format!(" AND {column} < {b}"));
        }
        let l = self.arg(limit);
        self.push(&format!(" ORDER BY {column} DESC LIMIT {l}"));
    }
}
