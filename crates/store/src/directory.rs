//! `DirectoryStore` for [`SqlStore`]: the directory query (built from the filters given), the
//! member card rows every list of people reads, and bulk seeding of demo members with their
//! profiles.

use std::collections::HashMap;

use async_trait::async_trait;
use guild_core::domain::{fold_key, search_key, Handle, Visibility};
use guild_core::profiles::model::{DirectoryQuery, MemberCard, SeedMember};
use guild_core::profiles::store::DirectoryStore;
use guild_core::store::{StoreError, StoreResult};

use crate::sql::{bind_all, exec, id_list, like_escape, Sql, Val};
use crate::{db_err, with_pool, SqlStore};

/// A member card as `CARD_COLS` reads it.
#[derive(sqlx::FromRow)]
pub(crate) struct CardRow {
    id: i64,
    handle: String,
    name: String,
    name_key: String,
    headline: Option<String>,
    location: Option<String>,
    photo_key: Option<String>,
    current_company: Option<String>,
    visibility: String,
}

impl From<CardRow> for MemberCard {
    fn from(r: CardRow) -> MemberCard {
        MemberCard {
            id: r.id,
            handle: Handle::stored(r.handle),
            name: r.name,
            headline: r.headline,
            location: r.location,
            photo_key: r.photo_key,
            current_company: r.current_company,
            visibility: Visibility::parse(&r.visibility).unwrap_or(Visibility::Connections),
            sort_key: r.name_key,
        }
    }
}

/// The columns of a [`CardRow`], from `members m JOIN profiles p`; the current company is a
/// correlated lookup on `positions_member`, one per row, inside the same statement.
pub(crate) const CARD_COLS: &str = "m.id, m.handle, m.name, m.name_key, p.headline, p.location, \
     p.photo_key, p.visibility, \
     (SELECT c.company FROM positions c WHERE c.member_id = m.id AND c.end_month IS NULL \
      ORDER BY c.start_month DESC LIMIT 1) AS current_company";

/// Builds the SQL and its bind values. Every filter is backed by an index (see the
/// migration); the current company is a correlated lookup on `positions_member`, one per row
/// of the page, inside the same statement.
fn build(q: &DirectoryQuery) -> Sql<'static> {
    let mut sql = Sql::new(format!(
        "SELECT {CARD_COLS} FROM members m JOIN profiles p ON p.member_id = m.id \
         WHERE m.active = TRUE"
    ));
    // Visibility levels come from core's enum, never from input, so they are inlined.
    let levels: Vec<String> = q
        .visible
        .iter()
        .map(|v| format!("'{}'", v.as_str()))
        .collect();
    let viewer_clause = match q.viewer {
        Some(id) => {
            let v = sql.arg(id);
            format!(
                " OR m.id = {v} OR (p.visibility = 'connections' AND EXISTS \
                 (SELECT 1 FROM connections k WHERE k.member_id = {v} AND k.other_id = m.id))"
            )
        }
        None => String::new(),
    };
    if levels.is_empty() {
        sql.push(&format!(" AND (1 = 0{viewer_clause})"));
    } else {
        sql.push(&format!(
            " AND (p.visibility IN ({}){viewer_clause})",
            levels.join(", ")
        ));
    }
    if !q.hidden.is_empty() {
        // Member ids from core's block list, integers never from input: inlined.
        sql.push(&format!(" AND m.id NOT IN ({})", id_list(&q.hidden)));
    }
    if let Some(name) = &q.name {
        let prefix = like_escape(&fold_key(name));
        let a = sql.arg(format!("{prefix}%"));
        let b = sql.arg(format!("% {prefix}%"));
        sql.push(&format!(
            " AND (m.name_key LIKE {a} ESCAPE '\\' OR m.name_key LIKE {b} ESCAPE '\\')"
        ));
    }
    for w in &q.words {
        let prefix = like_escape(w);
        let a = sql.arg(format!("% {prefix}%"));
        let b = sql.arg(format!("{prefix}%"));
        sql.push(&format!(
            " AND (m.search_name LIKE {a} ESCAPE '\\' OR m.handle LIKE {b} ESCAPE '\\')"
        ));
    }
    if let Some(c) = &q.company {
        let c = sql.arg(fold_key(c));
        sql.push(&format!(" AND EXISTS (SELECT 1 FROM positions x WHERE x.company_key = {c} AND x.member_id = m.id)"));
    }
    if let Some(l) = &q.location {
        let l = sql.arg(format!("{}%", like_escape(&fold_key(l))));
        sql.push(&format!(" AND p.location_key LIKE {l} ESCAPE '\\'"));
    }
    if let Some(s) = &q.school {
        let s = sql.arg(fold_key(s));
        sql.push(&format!(" AND EXISTS (SELECT 1 FROM education e WHERE e.school_key = {s} AND e.member_id = m.id)"));
    }
    if let Some(s) = &q.skill {
        let s = sql.arg(fold_key(s));
        sql.push(&format!(
            " AND EXISTS (SELECT 1 FROM skills k WHERE k.name_key = {s} AND k.member_id = m.id)"
        ));
    }
    if let Some((key, id)) = &q.after {
        let k = sql.arg(key.clone());
        let i = sql.arg(*id);
        sql.push(&format!(
            " AND (m.name_key > {k} OR (m.name_key = {k} AND m.id > {i}))"
        ));
    }
    let first = match (q.connections_first, q.viewer) {
        (true, Some(id)) => {
            let v = sql.arg(id);
            format!(
                "CASE WHEN EXISTS (SELECT 1 FROM connections k WHERE k.member_id = {v} \
                 AND k.other_id = m.id) THEN 0 ELSE 1 END, "
            )
        }
        _ => String::new(),
    };
    let l = sql.arg(q.limit);
    sql.push(&format!(" ORDER BY {first}m.name_key, m.id LIMIT {l}"));
    sql
}

/// `INSERT INTO table (cols) VALUES ($1, …), (…)` for `rows` rows of `cols` values each.
fn multi_insert(table: &str, cols: &[&str], rows: usize, returning: &str) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
    let mut n = 0;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..cols.len() {
            n += 1;
            if c > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&format!("${n}"));
        }
        sql.push(')');
    }
    sql.push_str(returning);
    sql
}

/// A table's name, its columns, and the rows to insert into it.
type Table<'a> = (&'a str, &'a [&'a str], Vec<Vec<Val<'a>>>);

/// Rows per statement: few round trips, well under both backends' parameter limits.
const ROWS_PER_INSERT: usize = 200;

#[async_trait]
impl DirectoryStore for SqlStore {
    async fn directory(&self, q: &DirectoryQuery) -> StoreResult<Vec<MemberCard>> {
        let sql = build(q);
        self.fetch_all::<CardRow, _>(&sql.text, &sql.binds).await
    }

    async fn seed_members(&self, members: &[SeedMember]) -> StoreResult<()> {
        seed_members(self, members).await
    }
}

/// Inserts members with their whole profiles in one transaction, many rows per statement
/// (one statement per row made `guild demo --members 100000` spend most of its minute on
/// round trips to SQLite's worker thread).
async fn seed_members(store: &SqlStore, members: &[SeedMember]) -> StoreResult<()> {
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        let mut ids: HashMap<String, i64> = HashMap::with_capacity(members.len());
        for chunk in members.chunks(ROWS_PER_INSERT) {
            let cols = [
                "handle",
                "name",
                "name_key",
                "email",
                "password_hash",
                "role",
                "active",
                "created_at",
                "search_name",
            ];
            let sql = multi_insert("members", &cols, chunk.len(), " RETURNING id, handle");
            let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
            for s in chunk {
                let m = &s.member;
                q = q
                    .bind(m.handle.as_str())
                    .bind(&m.name)
                    .bind(fold_key(&m.name))
                    .bind(m.email.as_str());
                q = q
                    .bind(&m.password_hash)
                    .bind(m.role.as_str())
                    .bind(m.active)
                    .bind(m.created_at)
                    .bind(search_key(&m.name));
            }
            // RETURNING order is not promised, so ids are matched by the unique handle.
            ids.extend(
                q.fetch_all(&mut *tx)
                    .await
                    .map_err(db_err)?
                    .into_iter()
                    .map(|(id, h)| (h, id)),
            );
        }
        let id_of = |s: &SeedMember| {
            ids.get(s.member.handle.as_str())
                .copied()
                .ok_or(StoreError::NotFound)
        };
        let mut tables: Vec<Table> = vec![
            (
                "profiles",
                &[
                    "member_id",
                    "headline",
                    "about",
                    "location",
                    "location_key",
                    "visibility",
                    "updated_at",
                ],
                vec![],
            ),
            (
                "positions",
                &[
                    "member_id",
                    "company",
                    "company_key",
                    "title",
                    "description",
                    "location",
                    "start_month",
                    "end_month",
                ],
                vec![],
            ),
            (
                "education",
                &[
                    "member_id",
                    "school",
                    "school_key",
                    "degree",
                    "field",
                    "start_year",
                    "end_year",
                ],
                vec![],
            ),
            (
                "skills",
                &["member_id", "position", "name", "name_key"],
                vec![],
            ),
        ];
        for s in members {
            let id = id_of(s)?;
            tables[0].2.push(vec![
                Val::from(id),
                Val::from(&s.headline),
                Val::from(&s.about),
                Val::from(&s.location),
                Val::from(s.location.as_deref().map(fold_key)),
                Val::from(s.visibility.as_str()),
                Val::from(s.member.created_at),
            ]);
            for pos in &s.positions {
                tables[1].2.push(vec![
                    Val::from(id),
                    Val::from(&pos.company),
                    Val::from(fold_key(&pos.company)),
                    Val::from(&pos.title),
                    Val::from(&pos.description),
                    Val::from(&pos.location),
                    Val::from(i64::from(pos.start.to_index())),
                    Val::from(pos.end.map(|e| i64::from(e.to_index()))),
                ]);
            }
            for e in &s.education {
                tables[2].2.push(vec![
                    Val::from(id),
                    Val::from(&e.school),
                    Val::from(fold_key(&e.school)),
                    Val::from(&e.degree),
                    Val::from(&e.field),
                    Val::from(e.start_year.map(i64::from)),
                    Val::from(e.end_year.map(i64::from)),
                ]);
            }
            for (i, sk) in s.skills.iter().enumerate() {
                tables[3].2.push(vec![
                    Val::from(id),
                    Val::from(i as i64),
                    Val::from(sk),
                    Val::from(fold_key(sk)),
                ]);
            }
        }
        for (table, cols, rows) in &tables {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = multi_insert(table, cols, chunk.len(), "");
                bind_all!(sqlx::query(&sql), chunk.iter().flatten())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    })
}

impl SqlStore {
    /// Folds the names of members written before `members.search_name` existed (0009), in
    /// batches, each in one transaction; a store migrated already finds none and reads once.
    pub(crate) async fn fill_search_names(&self) -> StoreResult<()> {
        const BATCH: i64 = 1_000;
        loop {
            let rows: Vec<(i64, String)> = with_pool!(self, |p| sqlx::query_as(
                "SELECT id, name FROM members WHERE search_name IS NULL ORDER BY id LIMIT $1"
            )
            .bind(BATCH)
            .fetch_all(p)
            .await)
            .map_err(db_err)?;
            if rows.is_empty() {
                return Ok(());
            }
            with_pool!(self, |p| {
                let mut tx = p.begin().await.map_err(db_err)?;
                for (id, name) in &rows {
                    exec!(
                        tx,
                        "UPDATE members SET search_name = $1 WHERE id = $2",
                        [search_key(name), *id]
                    )?;
                }
                tx.commit().await.map_err(db_err)
            })?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_follow_first_use_and_input_is_escaped() {
        let q = DirectoryQuery {
            name: Some("a%n_".into()),
            skill: Some("Rust".into()),
            visible: vec![Visibility::Public],
            viewer: Some(7),
            after: Some(("ann".into(), 3)),
            limit: 21,
            ..Default::default()
        };
        let Sql { text: sql, binds } = build(&q);
        let mut last = 0;
        for (i, _) in sql.match_indices('$') {
            let n: usize = sql[i + 1..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect::<String>()
                .parse()
                .unwrap();
            assert!(n <= last + 1, "placeholder ${n} out of order in {sql}");
            last = last.max(n);
        }
        assert_eq!(last, binds.len());
        assert_eq!(binds[1], Val::from("a\\%n\\_%"));
    }
}
