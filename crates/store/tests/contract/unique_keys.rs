//! Unique-key violations: each is a `Conflict` naming its field, recognised by the key's name
//! (PostgreSQL) or columns (SQLite) through `guild_store::UNIQUE_KEYS`, and that table lists
//! every unique key the migrations create.

use guild_core::accounts::store::AccountStore;
use guild_core::domain::Email;
use guild_core::profiles::store::ProfileStore;
use guild_core::store::StoreError;
use guild_store::{Pool, UNIQUE_KEYS};
use guild_testkit::TestApp;

use super::new_member;

#[tokio::test]
async fn duplicates_are_conflicts_on_their_field() {
    let app = TestApp::new().await;
    let s = &app.store;
    let ann = s.create_member(&new_member("ann"), None).await.unwrap();
    let bob = s.create_member(&new_member("bob"), None).await.unwrap();

    let mut dup = new_member("carl");
    dup.email = Email::parse("ann@example.com").unwrap();
    assert!(matches!(
        s.create_member(&dup, None).await,
        Err(StoreError::Conflict("email"))
    ));
    assert!(matches!(
        s.set_email(bob.id, "ann@example.com").await,
        Err(StoreError::Conflict("email"))
    ));

    let mut dup = new_member("ann");
    dup.email = Email::parse("carl@example.com").unwrap();
    assert!(matches!(
        s.create_member(&dup, None).await,
        Err(StoreError::Conflict("handle"))
    ));
    assert!(matches!(
        s.set_handle(bob.id, "ann").await,
        Err(StoreError::Conflict("handle"))
    ));

    assert!(matches!(
        s.set_skills(ann.id, &["Rust".into(), "rust".into()]).await,
        Err(StoreError::Conflict("skill"))
    ));

    s.create_session("h", ann.id, 1, 2).await.unwrap();
    assert!(matches!(
        s.create_session("h", bob.id, 1, 2).await,
        Err(StoreError::Conflict("token"))
    ));
}

/// The unique keys of the live schema: PostgreSQL's names, or SQLite's `table.column, …`
/// lists. Generated ids (`id` primary keys; SQLite's rowid aliases have no index) and sqlx's
/// own table are left out.
async fn schema_unique_keys(pool: &Pool) -> Vec<String> {
    match pool {
        Pool::Pg(p) => sqlx::query_scalar(
            "SELECT i.relname::TEXT FROM pg_index x \
             JOIN pg_class i ON i.oid = x.indexrelid \
             JOIN pg_class t ON t.oid = x.indrelid \
             JOIN pg_namespace n ON n.oid = t.relnamespace \
             WHERE x.indisunique AND n.nspname = current_schema() \
             AND t.relname <> '_sqlx_migrations' \
             AND NOT (x.indisprimary AND x.indnatts = 1 AND EXISTS (SELECT 1 FROM pg_attribute a \
               WHERE a.attrelid = t.oid AND a.attnum = x.indkey[0] AND a.attname = 'id')) \
             ORDER BY 1",
        )
        .fetch_all(p)
        .await
        .unwrap(),
        Pool::Sqlite(p) => {
            let indexes: Vec<(String, String)> = sqlx::query_as(
                "SELECT m.name, il.name FROM sqlite_master m, pragma_index_list(m.name) il \
                 WHERE m.type = 'table' AND il.\"unique\" = 1 AND m.name NOT LIKE '\\_sqlx%' ESCAPE '\\' \
                 ORDER BY 1, 2",
            )
            .fetch_all(p)
            .await
            .unwrap();
            let mut keys = Vec::new();
            for (table, index) in indexes {
                let columns: Vec<String> = sqlx::query_scalar(&format!(
                    "SELECT name FROM pragma_index_info('{index}') ORDER BY seqno"
                ))
                .fetch_all(p)
                .await
                .unwrap();
                let columns: Vec<String> = columns.iter().map(|c| format!("{table}.{c}")).collect();
                keys.push(columns.join(", "));
            }
            keys
        }
    }
}

#[tokio::test]
async fn every_unique_key_of_the_schema_is_in_the_table() {
    let app = TestApp::new().await;
    let keys = schema_unique_keys(&app.store.pool).await;
    let listed: Vec<&str> = UNIQUE_KEYS
        .iter()
        .map(|k| match app.store.pool {
            Pool::Pg(_) => k.postgres,
            Pool::Sqlite(_) => k.sqlite,
        })
        .collect();
    for key in &keys {
        assert!(
            listed.contains(&key.as_str()),
            "unique key {key} is missing from guild_store::UNIQUE_KEYS"
        );
    }
    for key in &listed {
        assert!(
            keys.iter().any(|k| k == key),
            "UNIQUE_KEYS lists {key}, which the schema does not have"
        );
    }
}
