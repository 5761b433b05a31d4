//! What `guild restore` refuses: a damaged or truncated archive (and then the target is left
//! exactly as it was), a target that is not empty, and a backup of the other backend.

use super::install::{pg_admin, Install};
use super::ok;

/// A SQLite installation with one member and one media file, and its backup.
async fn small_backup() -> (Install, std::path::PathBuf) {
    let source = Install::new(None).await;
    ok(&source.run(&["migrate"]).await);
    let create = [
        "admin",
        "create-member",
        "--name",
        "Ann Lee",
        "--email",
        "ann@example.com",
        "--password",
        "long enough pw",
    ];
    ok(&source.run(&create).await);
    let photos = source.data.join("media/photos");
    std::fs::create_dir_all(&photos).unwrap();
    std::fs::write(photos.join("k1-400.jpg"), vec![7u8; 5000]).unwrap();
    let archive = source.dir.path().join("small.tar");
    ok(&source
        .run(&["backup", "--to", archive.to_str().unwrap()])
        .await);
    assert!(!source.dir.path().join("small.tar.partial").exists());
    (source, archive)
}

fn refused(out: &std::process::Output, words: &str) {
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: ") && err.contains(words), "{err}");
}

#[tokio::test]
async fn a_damaged_archive_or_a_non_empty_target_is_refused() {
    if super::install::postgres_pass() {
        return;
    }
    let (source, archive) = small_backup().await;
    let bytes = std::fs::read(&archive).unwrap();
    let target = Install::new(None).await;
    let damaged = source.dir.path().join("damaged.tar");
    let restore = ["restore", "--from", damaged.to_str().unwrap()];

    // A byte flipped in the database, in the manifest, and the archive cut in half.
    let manifest_at = bytes
        .windows(15)
        .position(|w| w == b"\"guild_version\"")
        .unwrap();
    let cases: [(Vec<u8>, &str); 3] = [
        (
            flip(&bytes, 512 + 4096),
            "database.sqlite does not match the manifest",
        ),
        (
            flip(&bytes, manifest_at + 3),
            "the manifest does not match its digest",
        ),
        (bytes[..bytes.len() / 2].to_vec(), "damaged or truncated"),
    ];
    for (broken, words) in cases {
        std::fs::write(&damaged, broken).unwrap();
        refused(&target.run(&restore).await, words);
        assert!(
            !target.data.exists(),
            "a refused restore left {}",
            target.data.display()
        );
    }

    // The intact archive restores into that same place.
    ok(&target
        .run(&["restore", "--from", archive.to_str().unwrap()])
        .await);
    assert_eq!(
        std::fs::read(target.data.join("media/photos/k1-400.jpg")).unwrap(),
        vec![7u8; 5000]
    );
    // …and is refused everywhere something already is: the source itself (members and
    // media), a database with a member, a media directory with a file.
    let again = ["restore", "--from", archive.to_str().unwrap()];
    refused(&source.run(&again).await, "not empty");
    let with_member = Install::new(None).await;
    ok(&with_member.run(&["migrate"]).await);
    let create = [
        "admin",
        "create-member",
        "--name",
        "Bo Lee",
        "--email",
        "bo@example.com",
        "--password",
        "long enough pw",
    ];
    ok(&with_member.run(&create).await);
    refused(&with_member.run(&again).await, "already has 1 members");
    let with_file = Install::new(None).await;
    std::fs::create_dir_all(with_file.data.join("media")).unwrap();
    std::fs::write(with_file.data.join("media/stray"), b"x").unwrap();
    refused(&with_file.run(&again).await, "not empty");
    assert!(!with_file.data.join("guild.db").exists());
}

#[tokio::test]
async fn a_backup_restores_only_into_its_own_backend() {
    let Some(admin) = pg_admin() else { return };
    let (_source, archive) = small_backup().await;
    let target = Install::new(Some(&admin)).await;
    let out = target
        .run(&["restore", "--from", archive.to_str().unwrap()])
        .await;
    refused(&out, "restore it into a SQLite installation");
    // The PostgreSQL database was not touched: still without a table.
    use sqlx::Connection;
    let mut c = sqlx::PgConnection::connect(&target.url).await.unwrap();
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'")
            .fetch_one(&mut c)
            .await
            .unwrap();
    assert_eq!(tables, 0);
}

fn flip(bytes: &[u8], at: usize) -> Vec<u8> {
    let mut b = bytes.to_vec();
    b[at] ^= 0x55;
    b
}
