//! Per-test PostgreSQL databases, cloned from one migrated template.

use guild_store::SqlStore;

/// A new PostgreSQL database for one test, cloned from a migrated template.
///
/// Migrating a database takes far longer than copying one, so the first test to need it
/// builds a template (named for the migrations, so a changed migration gets a new one) and
/// every test clones it. An advisory lock keeps two test processes from building it at once,
/// and the template is published by renaming only once it is complete.
pub async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::Connection;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("database url with a path");
    let template = template_name();
    let name = format!("guild_t_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    // Any constant works as the key: only the test kit takes this lock.
    sqlx::query("SELECT pg_advisory_lock(7471029)")
        .execute(&mut conn)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut conn)
            .await
            .expect("look for the template");
    if !exists {
        let building = format!("{template}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
            .execute(&mut conn)
            .await
            .expect("drop a half-built template");
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .await
            .expect("create the template");
        let store = SqlStore::connect(&format!("{base}/{building}"))
            .await
            .expect("connect to the template");
        store.migrate().await.expect("migrate the template");
        store.close().await;
        // PostgreSQL renames (and later copies) only a database nobody is connected to, and
        // a pool's last connection can outlive `close()` by a moment (or, seen under a
        // multi-threaded runtime, linger idle): end whatever is still connected, then rename.
        let mut tries = 0;
        loop {
            sqlx::query(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
                 WHERE datname = $1 AND pid <> pg_backend_pid()",
            )
            .bind(&building)
            .execute(&mut conn)
            .await
            .expect("end the template's sessions");
            let renamed = sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {template}"))
                .execute(&mut conn)
                .await;
            match renamed {
                Ok(_) => break,
                Err(e) => {
                    tries += 1;
                    assert!(tries < 20, "publish the template: {e}");
                }
            }
        }
    }
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut conn)
        .await
        .expect("clone the template");
    sqlx::query("SELECT pg_advisory_unlock(7471029)")
        .execute(&mut conn)
        .await
        .expect("advisory unlock");
    format!("{base}/{name}")
}

/// `guild_tpl_<hash of the PostgreSQL migrations>`.
fn template_name() -> String {
    // FNV-1a: stable across builds, unlike the standard library's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in guild_store::POSTGRES_MIGRATIONS.iter() {
        for b in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("guild_tpl_{h:016x}")
}
