//! The directory query (built from the filters given) and bulk seeding of demo members.

use guild_core::domain::fold_key;
use guild_core::model::MemberCard;
use guild_core::store::{DirectoryQuery, SeedMember, StoreResult};

use crate::rows::CardRow;
use crate::{db_err, with_pool, SqlStore};

enum Bind {
    Text(String),
    Int(i64),
}

/// Escapes `%`, `_` and `\` so member input matches literally in `LIKE … ESCAPE '\'`.
fn like_escape(s: &str) -> String {
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
    let mut sql = String::from(
        "SELECT m.id, m.handle, m.name, m.name_key, p.headline, p.location, p.photo_key, \
         (SELECT c.company FROM positions c WHERE c.member_id = m.id AND c.end_month IS NULL \
          ORDER BY c.start_month DESC LIMIT 1) AS current_company \
         FROM members m JOIN profiles p ON p.member_id = m.id WHERE m.active = TRUE",
    );
    // Visibility levels come from core's enum, never from input, so they are inlined.
    let levels: Vec<String> = q
        .visible
        .iter()
        .map(|v| format!("'{}'", v.as_str()))
        .collect();
    let viewer_clause = match q.viewer {
        Some(id) => format!(" OR m.id = {}", next(Bind::Int(id), &mut binds)),
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

/// Inserts members with their whole profiles in one transaction.
pub(crate) async fn seed_members(store: &SqlStore, members: &[SeedMember]) -> StoreResult<()> {
    with_pool!(store, |p| {
        let mut tx = p.begin().await.map_err(db_err)?;
        for s in members {
            let m = &s.member;
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO members (handle, name, name_key, email, password_hash, role, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
            )
            .bind(&m.handle)
            .bind(&m.name)
            .bind(fold_key(&m.name))
            .bind(&m.email)
            .bind(&m.password_hash)
            .bind(m.role.as_str())
            .bind(m.active)
            .bind(m.created_at)
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            sqlx::query(
                "INSERT INTO profiles (member_id, headline, about, location, location_key, visibility, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(id)
            .bind(&s.headline)
            .bind(&s.about)
            .bind(&s.location)
            .bind(s.location.as_deref().map(fold_key))
            .bind(s.visibility.as_str())
            .bind(m.created_at)
            .execute(&mut *tx)
            .await
            .map_err(db_err)?;
            for pos in &s.positions {
                sqlx::query(
                    "INSERT INTO positions (member_id, company, company_key, title, description, location, start_month, end_month) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(&pos.company)
                .bind(fold_key(&pos.company))
                .bind(&pos.title)
                .bind(&pos.description)
                .bind(&pos.location)
                .bind(pos.start.to_index())
                .bind(pos.end.map(|e| e.to_index()))
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            for e in &s.education {
                sqlx::query(
                    "INSERT INTO education (member_id, school, school_key, degree, field, start_year, end_year) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(&e.school)
                .bind(fold_key(&e.school))
                .bind(&e.degree)
                .bind(&e.field)
                .bind(e.start_year)
                .bind(e.end_year)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            }
            for (i, sk) in s.skills.iter().enumerate() {
                sqlx::query("INSERT INTO skills (member_id, position, name, name_key) VALUES ($1, $2, $3, $4)")
                    .bind(id)
                    .bind(i as i32)
                    .bind(sk)
                    .bind(fold_key(sk))
                    .execute(&mut *tx)
                    .await
                    .map_err(db_err)?;
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
