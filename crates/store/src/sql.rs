//! Statements whose shape depends on the request: `$n` placeholders numbered as values are
//! added, and lists of member ids written inline.

use guild_core::model::MemberId;
use guild_core::store::StoreResult;

use crate::{db_err, with_pool, SqlStore};

/// Comma-separated integers for an `IN (…)` list. Only ever given member ids from core, never
/// text from input, so inlining cannot inject anything.
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

/// Text fragments of one SQL statement whose `$n` placeholders are numbered as values are added.
pub(crate) struct Sql {
    pub(crate) text: String,
    pub(crate) binds: Vec<Val>,
}

pub(crate) enum Val {
    Int(i64),
    OptInt(Option<i64>),
    Text(String),
}

impl Sql {
    pub(crate) fn new(text: impl Into<String>) -> Sql {
        Sql {
            text: text.into(),
            binds: Vec::new(),
        }
    }
    pub(crate) fn arg(&mut self, v: Val) -> String {
        self.binds.push(v);
        format!("${}", self.binds.len())
    }
    pub(crate) fn push(&mut self, s: &str) {
        self.text.push_str(s);
    }
    /// The newest-first keyset tail shared by every list ordered by `(created_at, id)`:
    /// rows strictly before `before`, newest first, at most `limit`.
    pub(crate) fn newest_first(&mut self, before: Option<(i64, i64)>, limit: u32) {
        if let Some((t, id)) = before {
            let t = self.arg(Val::Int(t));
            let i = self.arg(Val::Int(id));
            self.push(&format!(
                " AND (created_at < {t} OR (created_at = {t} AND id < {i}))"
            ));
        }
        let l = self.arg(Val::Int(i64::from(limit)));
        self.push(&format!(" ORDER BY created_at DESC, id DESC LIMIT {l}"));
    }
}

macro_rules! bind_all {
    ($q:expr, $binds:expr) => {{
        let mut q = $q;
        for b in $binds {
            q = match b {
                Val::Int(i) => q.bind(*i),
                Val::OptInt(i) => q.bind(*i),
                Val::Text(s) => q.bind(s.clone()),
            };
        }
        q
    }};
}

pub(crate) use bind_all;

impl SqlStore {
    /// Runs one statement with these values for `$1, $2, …` and returns how many rows it
    /// changed: the single-statement writes of the network tables.
    pub(crate) async fn run(&self, sql: &str, binds: &[Val]) -> StoreResult<u64> {
        with_pool!(self, |p| bind_all!(sqlx::query(sql), binds)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))
        .map_err(db_err)
    }
}
