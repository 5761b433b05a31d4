//! Reading a whole installation for comparison: every table of the schema (listed from the
//! catalog, so a table added later is covered without touching this file) as rows keyed by
//! their primary key, and every media file's bytes.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use sqlx::{Connection, Row};

/// Table → primary key (as text) → the whole row (as text).
pub type Tables = BTreeMap<String, BTreeMap<String, String>>;

/// Every table's rows; on PostgreSQL also every sequence's position (as a table named
/// `sequence:<name>`), since a restore that lost them would collide on the next insert.
pub async fn read_tables(url: &str) -> Tables {
    if url.starts_with("postgres") {
        read_postgres(url).await
    } else {
        read_sqlite(url).await
    }
}

async fn read_sqlite(url: &str) -> Tables {
    let opts = sqlx::sqlite::SqliteConnectOptions::from_str(url).unwrap();
    let mut conn = sqlx::SqliteConnection::connect_with(&opts).await.unwrap();
    // sqlite_sequence holds each AUTOINCREMENT table's last id: part of what must survive.
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' \
         AND (name NOT LIKE 'sqlite_%' OR name = 'sqlite_sequence') ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() > 10, "too few tables in {url}: {tables:?}");
    let mut out = Tables::new();
    for table in tables {
        let cols: Vec<(String, i64)> =
            sqlx::query_as("SELECT name, pk FROM pragma_table_info($1) ORDER BY cid")
                .bind(&table)
                .fetch_all(&mut conn)
                .await
                .unwrap();
        let quote = |c: &str| format!("quote(\"{c}\")");
        let row = cols
            .iter()
            .map(|(c, _)| quote(c))
            .collect::<Vec<_>>()
            .join(" || '|' || ");
        let mut pk: Vec<&(String, i64)> = cols.iter().filter(|(_, p)| *p > 0).collect();
        pk.sort_by_key(|(_, p)| *p);
        let key = if table == "sqlite_sequence" {
            // No primary key, but one row per table it counts for.
            quote("name")
        } else if pk.is_empty() {
            row.clone()
        } else {
            pk.iter()
                .map(|(c, _)| quote(c))
                .collect::<Vec<_>>()
                .join(" || '|' || ")
        };
        let sql = format!("SELECT {key} AS k, {row} AS r FROM \"{table}\"");
        let rows = sqlx::query(&sql).fetch_all(&mut conn).await.unwrap();
        out.insert(table, keyed(rows.iter().map(|r| (r.get(0), r.get(1)))));
    }
    conn.close().await.unwrap();
    out
}

async fn read_postgres(url: &str) -> Tables {
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    assert!(tables.len() > 10, "too few tables: {tables:?}");
    let mut out = Tables::new();
    for table in tables {
        let pk: Vec<String> = sqlx::query_scalar(
            "SELECT a.attname::text FROM pg_index i \
             JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) \
             WHERE i.indrelid = quote_ident($1)::regclass AND i.indisprimary \
             ORDER BY array_position(i.indkey::int2[], a.attnum)",
        )
        .bind(&table)
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let key = if pk.is_empty() {
            "t::text".to_string()
        } else {
            let cols: Vec<String> = pk.iter().map(|c| format!("t.\"{c}\"")).collect();
            format!("ROW({})::text", cols.join(", "))
        };
        let sql = format!("SELECT {key}, t::text FROM \"{table}\" t");
        let rows = sqlx::query(&sql).fetch_all(&mut conn).await.unwrap();
        out.insert(table, keyed(rows.iter().map(|r| (r.get(0), r.get(1)))));
    }
    let seqs: Vec<(String, Option<i64>)> = sqlx::query_as(
        "SELECT sequencename::text, last_value FROM pg_sequences \
         WHERE schemaname = current_schema()",
    )
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for (name, last) in seqs {
        let rows = BTreeMap::from([(String::new(), format!("{last:?}"))]);
        out.insert(format!("sequence:{name}"), rows);
    }
    conn.close().await.unwrap();
    out
}

/// Rows by key; rows of a table without a primary key are their own key, numbered when the
/// same row appears more than once.
fn keyed(rows: impl Iterator<Item = (String, String)>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (k, r) in rows {
        let mut key = k.clone();
        let mut n = 1;
        while out.contains_key(&key) {
            n += 1;
            key = format!("{k}#{n}");
        }
        out.insert(key, r);
    }
    out
}

/// Every file under `root`, by its path relative to it.
pub fn read_files(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for e in entries {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let rel = path
                    .strip_prefix(root)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .to_string();
                out.insert(rel, std::fs::read(&path).unwrap());
            }
        }
    }
    out
}

/// The tables' row counts, for the test's log line.
pub fn sizes(t: &Tables) -> usize {
    t.values().map(BTreeMap::len).sum()
}

/// The change stream's bookkeeping, which a restore resets to a new installation's state
/// (`STREAM_RESET` in the backup module): checked reset in the restore, then left out of
/// the comparison. Absent tables (before the change stream's migration) are skipped.
const RESET_BY_RESTORE: &[&str] = &["changes", "stream_nodes", "leases", "stream_horizon"];

pub fn take_reset_tables(src: &mut Tables, dst: &mut Tables) {
    for table in RESET_BY_RESTORE {
        src.remove(*table);
        let Some(rows) = dst.remove(*table) else {
            continue;
        };
        if *table == "stream_horizon" {
            for row in rows.values() {
                assert!(
                    row.ends_with("0|0") || row.ends_with("0,0)"),
                    "horizon {row}"
                );
            }
        } else {
            assert!(rows.is_empty(), "{table} after a restore: {rows:?}");
        }
    }
}
