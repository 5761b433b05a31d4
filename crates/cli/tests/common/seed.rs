//! Members with API tokens, written straight into a new installation's database (the way
//! the test kit does: no password hashing, no sign-in round trips), for tests that then
//! drive the real binary over HTTP.
#![allow(dead_code)] // each test binary uses its part

use guild_core::accounts::model::NewMember;
use guild_core::accounts::store::AccountStore;
use guild_core::auth;
use guild_core::domain::{Email, Handle, Role};
use guild_store::SqlStore;

#[derive(Clone, Debug)]
pub struct Member {
    pub id: i64,
    pub handle: String,
    pub token: String,
}

/// Migrates the database at `url` (a new one is created) and writes `n` members named
/// `{prefix}{i}`, each with a token. Nobody signs in with a password, so none is kept.
pub async fn members(url: &str, prefix: &str, n: usize) -> Vec<Member> {
    let store = SqlStore::connect(url).await.expect("connect to seed");
    store.migrate().await.expect("migrate");
    let now = guild_core::now_ms();
    let mut out = Vec::new();
    for i in 0..n {
        let handle = format!("{prefix}{i}");
        let m = store
            .create_member(
                &NewMember {
                    handle: Handle::parse(&handle).expect("a valid handle"),
                    name: format!("Fault {prefix} {i}"),
                    email: Email::parse(&format!("{handle}@example.com")).expect("an email"),
                    password_hash: "!".into(),
                    role: Role::Member,
                    active: true,
                    created_at: now,
                },
                None,
            )
            .await
            .expect("create a member");
        let token = auth::new_secret("gld_");
        store
            .create_token(m.id, "faults", &auth::secret_hash(&token), now)
            .await
            .expect("create a token");
        out.push(Member {
            id: m.id,
            handle,
            token,
        });
    }
    store.close().await;
    out
}

/// A database for one test on the test script's PostgreSQL (`TEST_DATABASE_URL`), if set.
pub async fn test_postgres() -> Option<String> {
    // The test script's PostgreSQL step sets TEST_DATABASE_URL; its SQLite step (where these
    // tests run) names the same server as FAULTS_DATABASE_URL, so no cluster is made per test.
    let admin = ["TEST_DATABASE_URL", "FAULTS_DATABASE_URL"]
        .into_iter()
        .find_map(|v| std::env::var(v).ok().filter(|u| !u.is_empty()))?;
    Some(guild_testkit::fresh_postgres(&admin).await)
}
