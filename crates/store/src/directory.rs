//! The directory query (built from the filters given) and bulk seeding of demo members.

use guild_core::domain::fold_key;
use guild_core::model::MemberCard;
use std::collections::HashMap;

use guild_core::store::{DirectoryQuery, SeedMember, StoreError, StoreResult};

use crate::rows::{CardRow, CARD_COLS};
use crate::{db_err, with_pool, SqlStore};

enum Bind {
    Text(String),
    Int(i64),
}

/// Escapes `%`, `_` and `\` so member input matches literally in `LIKE … ESCAPE '\'`.
pub(crate) fn like_escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

/// Builds the SQL and its bind values. Every filter is backed by an index (see the
/// migration); the current company is a correlated lookup on `positions_member`, one per row
/// of the page, inside the same statement.
fn build(q: &DirectoryQuery) -> (String, Vec<Bind>) {
    let mut binds = Vec::new();
    let next = |b: Bind, binds: &mut Vec<Bind>| {
        binds.push(b);
        format!("${}", binds.len())
    };
    let mut sql = format!(
        "SELECT {CARD_COLS} FROM members m JOIN profiles p ON p.member_id = m.id \
         WHERE m.active = TRUE"
    );
    // Visibility levels come from core's enum, never from input, so they are inlined.
    let levels: Vec<String> = q
        .visible
        .iter()
        .map(|v| format!("'{}'", v.as_str()))
        .collect();
    let viewer_clause = match q.viewer {
        Some(id) => {
            let v = next(Bind::Int(id), &mut binds);
            format!(
                " OR m.id = {v} OR (p.visibility = 'connections' AND EXISTS \
                 (SELECT 1 FROM connections k WHERE k.member_id = {v} AND k.other_id = m.id))"
            )
        }
        None => String::new(),
    };
    if levels.is_empty() {
        sql.push_str(&format!(" AND (1 = 0{viewer_clause})"));
    } else {
        sql.push_str(&format!(
            " AND (p.visibility IN ({}){viewer_clause})",
            levels.join(", ")
        ));
    }
    if !q.hidden.is_empty() {
        // Member ids from core's block list, integers never from input: inlined.
        let ids: Vec<String> = q.hidden.iter().map(|i| i.to_string()).collect();
        sql.push_str(&format!(" AND m.id NOT IN ({})", ids.join(", ")));
    }
    if let Some(name) = &q.name {
        let prefix = like_escape(&fold_key(name));
        let a = next(Bind::Text(format!("{prefix}%")), &mut binds);
        let b = next(Bind::Text(format!("% {prefix}%")), &mut binds);
        sql.push_str(&format!(
            " AND (m.name_key LIKE {a} ESCAPE '\\' OR m.name_key LIKE {b} ESCAPE '\\')"
        ));
    }
    if let Some(c) = &q.company {
        let c = next(Bind::Text(fold_key(c)), &mut binds);
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM positions x WHERE x.company_key = {c} AND x.member_id = m.id)"));
    }
    if let Some(l) = &q.location {
        let l = next(
            Bind::Text(format!("{}%", like_escape(&fold_key(l)))),
            &mut binds,
        );
        sql.push_str(&format!(" AND p.location_key LIKE {l} ESCAPE '\\'"));
    }
    if let Some(s) = &q.school {
        let s = next(Bind::Text(fold_key(s)), &mut binds);
        sql.push_str(&format!(" AND EXISTS (SELECT 1 FROM education e WHERE e.school_key = {s} AND e.member_id = m.id)"));
    }
    if let Some(s) = &q.skill {
        let s = next(Bind::Text(fold_key(s)), &mut binds);
        sql.push_str(&format!(
            " AND EXISTS (SELECT 1 FROM skills k WHERE k.name_key = {s} AND k.member_id = m.id)"
        ));
    }
    if let Some((key, id)) = &q.after {
        let k = next(Bind::Text(key.clone()), &mut binds);
        let i = next(Bind::Int(*id), &mut binds);
        sql.push_str(&format!(
            " AND (m.name_key > {k} OR (m.name_key = {k} AND m.id > {i}))"
        ));
    }
    let l = next(Bind::Int(i64::from(q.limit)), &mut binds);
    sql.push_str(&format!(" ORDER BY m.name_key, m.id LIMIT {l}"));
    (sql, binds)
}

pub(crate) async fn directory(
    store: &SqlStore,
    q: &DirectoryQuery,
) -> StoreResult<Vec<MemberCard>> {
    let (sql, binds) = build(q);
    let rows = with_pool!(store, |p| {
        let mut query = sqlx::query_as::<_, CardRow>(&sql);
        for b in &binds {
            query = match b {
                Bind::Text(s) => query.bind(s.clone()),
                Bind::Int(i) => query.bind(*i),
            };
        }
        query.fetch_all(p).await
    })
    .map_err(db_err)?;
    Ok(rows.into_iter().map(MemberCard::from).collect())
}

/// A value for a multi-row insert.
enum Val {
    Text(Option<String>),
    Int(Option<i64>),
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
type Table<'a> = (&'a str, &'a [&'a str], Vec<Vec<Val>>);

/// Rows per statement: few round trips, well under both backends' parameter limits.
const ROWS_PER_INSERT: usize = 200;

/// Inserts members with their whole profiles in one transaction, many rows per statement
/// (one statement per row made `guild demo --members 100000` spend most of its minute on
/// round trips to SQLite's worker thread).
pub(crate) async fn seed_members(store: &SqlStore, members: &[SeedMember]) -> StoreResult<()> {
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
            ];
            let sql = multi_insert("members", &cols, chunk.len(), " RETURNING id, handle");
            let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
            for s in chunk {
                let m = &s.member;
                q = q
                    .bind(&m.handle)
                    .bind(&m.name)
                    .bind(fold_key(&m.name))
                    .bind(&m.email);
                q = q
                    .bind(&m.password_hash)
                    .bind(m.role.as_str())
                    .bind(m.active)
                    .bind(m.created_at);
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
            ids.get(&s.member.handle)
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
                Val::Int(Some(id)),
                Val::Text(s.headline.clone()),
                Val::Text(s.about.clone()),
                Val::Text(s.location.clone()),
                Val::Text(s.location.as_deref().map(fold_key)),
                Val::Text(Some(s.visibility.as_str().into())),
                Val::Int(Some(s.member.created_at)),
            ]);
            for pos in &s.positions {
                tables[1].2.push(vec![
                    Val::Int(Some(id)),
                    Val::Text(Some(pos.company.clone())),
                    Val::Text(Some(fold_key(&pos.company))),
                    Val::Text(Some(pos.title.clone())),
                    Val::Text(pos.description.clone()),
                    Val::Text(pos.location.clone()),
                    Val::Int(Some(i64::from(pos.start.to_index()))),
                    Val::Int(pos.end.map(|e| i64::from(e.to_index()))),
                ]);
            }
            for e in &s.education {
                tables[2].2.push(vec![
                    Val::Int(Some(id)),
                    Val::Text(Some(e.school.clone())),
                    Val::Text(Some(fold_key(&e.school))),
                    Val::Text(e.degree.clone()),
                    Val::Text(e.field.clone()),
                    Val::Int(e.start_year.map(i64::from)),
                    Val::Int(e.end_year.map(i64::from)),
                ]);
            }
            for (i, sk) in s.skills.iter().enumerate() {
                tables[3].2.push(vec![
                    Val::Int(Some(id)),
                    Val::Int(Some(i as i64)),
                    Val::Text(Some(sk.clone())),
                    Val::Text(Some(fold_key(sk))),
                ]);
            }
        }
        for (table, cols, rows) in &tables {
            for chunk in rows.chunks(ROWS_PER_INSERT) {
                let sql = multi_insert(table, cols, chunk.len(), "");
                let mut q = sqlx::query(&sql);
                for v in chunk.iter().flatten() {
                    q = match v {
                        Val::Text(t) => q.bind(t.clone()),
                        Val::Int(i) => q.bind(*i),
                    };
                }
                q.execute(&mut *tx).await.map_err(db_err)?;
            }
        }
        tx.commit().await.map_err(db_err)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use guild_core::domain::Visibility;

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
        let (sql, binds) = build(&q);
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
        assert!(matches!(&binds[1], Bind::Text(s) if s == "a\\%n\\_%"));
    }
}
