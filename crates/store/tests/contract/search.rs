//! Finding members by what a member types: the picker's name key (`members.search_name`),
//! written with every member and every new name and filled by `migrate` for members written
//! before the column existed; and members read by many handles at once (mentions).

use guild_core::accounts::store::AccountStore;
use guild_core::domain::Visibility;
use guild_core::profiles::model::{DirectoryQuery, ProfilePatch};
use guild_core::profiles::store::{DirectoryStore, ProfileStore};
use guild_store::{Pool, SqlStore};
use guild_testkit::TestApp;

use super::new_member;

async fn found(s: &SqlStore, word: &str) -> Vec<String> {
    let q = DirectoryQuery {
        visible: vec![Visibility::Public, Visibility::Members],
        words: vec![word.to_string()],
        limit: 10,
        ..Default::default()
    };
    s.directory(&q)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.handle.as_str().to_string())
        .collect()
}

#[tokio::test]
async fn members_are_read_by_many_handles_at_once() {
    let app = TestApp::new().await;
    let s = &app.store;
    for h in ["ann", "bob", "cyd"] {
        s.create_member(&new_member(h), None).await.unwrap();
    }
    let handles = ["cyd", "ghost", "ann"].map(String::from);
    let mut found: Vec<String> = s
        .members_by_handles(&handles)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.handle.as_str().to_string())
        .collect();
    found.sort();
    assert_eq!(found, ["ann", "cyd"]);
    assert!(s.members_by_handles(&[]).await.unwrap().is_empty());
}

#[tokio::test]
async fn names_are_found_by_any_word_with_accents_folded_and_old_rows_are_filled() {
    let app = TestApp::new().await;
    let s = &app.store;
    let mut m = new_member("zoe");
    m.name = "Zoë Ångström-Lind".into();
    let zoe = s.create_member(&m, None).await.unwrap();
    assert_eq!(found(s, "angs").await, ["zoe"]);
    assert_eq!(found(s, "lind").await, ["zoe"]);
    assert_eq!(
        found(s, "zo").await,
        ["zoe"],
        "the handle or the first name"
    );
    assert!(found(s, "ngs").await.is_empty(), "only the start of a word");

    // A new name is found by its words, the old one no more.
    let patch = ProfilePatch {
        name: Some("Zoë Øster".into()),
        ..Default::default()
    };
    s.update_profile(zoe.id, &patch, &[], 1_700_000_000_001)
        .await
        .unwrap();
    assert_eq!(found(s, "oster").await, ["zoe"]);
    assert!(found(s, "angs").await.is_empty());

    // A row from before the column: found again once the store has migrated.
    let sql = "UPDATE members SET search_name = NULL";
    match &s.pool {
        Pool::Sqlite(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
        Pool::Pg(p) => sqlx::query(sql).execute(p).await.map(|_| ()).unwrap(),
    }
    assert!(found(s, "oster").await.is_empty());
    s.migrate().await.unwrap();
    assert_eq!(found(s, "oster").await, ["zoe"]);
}
