//! `guild backup` and `guild restore` against a real server, on SQLite and (with
//! `TEST_DATABASE_URL`) on PostgreSQL: a backup taken while writes keep arriving restores to
//! exactly what its snapshot held, a quiet one to an identical installation, and a damaged
//! archive or a non-empty target is refused without changing anything.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;

mod common;
#[path = "backup/install.rs"]
mod install;
#[path = "backup/load.rs"]
mod load;
#[path = "backup/tables.rs"]
mod tables;

use install::{call, pg_admin, Body, Install};
use load::{a_conversation, ids, png, round};

const MEMBER: (&str, &str) = ("member@demo.guild", "guild-demo-member");
const ADMIN: (&str, &str) = ("admin@demo.guild", "guild-demo-admin");

/// Tables whose rows a later write legitimately changes, and why. In the backup taken under
/// writes, their restored rows must exist in the source but may differ from its final state;
/// every other table's restored rows must equal the source's exactly.
const UPDATED_LATER: &[(&str, &str)] = &[
    ("posts", "reaction, comment and impression counters"),
    ("notifications", "grouped: a row's count and time grow"),
    ("conversations", "the newest message"),
    ("conversation_members", "read and emailed positions"),
    ("media", "used_at, once a post claims the upload"),
    ("outbox", "each job's state once the worker runs it"),
    ("api_tokens", "last used"),
    ("sqlite_sequence", "each table's last id"),
];

fn ok(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

async fn backup_under_writes(pg: Option<&str>) {
    let source = Install::new(pg).await;
    let server = source.demo().await;
    let addr = server.addr.clone();
    let (member, admin) = (
        server.token(MEMBER.0, MEMBER.1).await,
        server.token(ADMIN.0, ADMIN.1).await,
    );
    let conversation = a_conversation(&addr, &member, &admin).await;
    let (s, j) = call(
        &addr,
        "POST",
        "/api/v1/me/photo",
        Some(&member),
        Body::File("photo", png(1)),
    )
    .await;
    assert_eq!(s, 200, "{j}");

    // Two writers until told to stop; a few rounds each land before the backup starts.
    let stop = Arc::new(AtomicBool::new(false));
    let writers: Vec<_> = [
        (member.clone(), admin.clone(), 0u32),
        (admin.clone(), member.clone(), 1000),
    ]
    .into_iter()
    .map(|(me, other, base)| {
        let (addr, stop, conversation) = (addr.clone(), stop.clone(), conversation.clone());
        tokio::spawn(async move {
            let mut acked = Vec::new();
            let mut n = base;
            while !stop.load(Ordering::Relaxed) {
                round(&addr, &me, &other, &conversation, n, &mut acked).await;
                n += 1;
            }
            acked
        })
    })
    .collect();
    tokio::time::sleep(Duration::from_millis(800)).await;

    let archive = source.dir.path().join("backup.tar");
    let started = Instant::now();
    let out = source
        .run(&["backup", "--to", archive.to_str().unwrap()])
        .await;
    let finished = Instant::now();
    println!("{}", ok(&out).trim());
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let mut acked = Vec::new();
    for w in writers {
        acked.extend(w.await.unwrap());
    }
    server.kill().await;

    let target = Install::new(pg).await;
    let out = target
        .run(&["restore", "--from", archive.to_str().unwrap()])
        .await;
    println!("{}", ok(&out).trim());

    // Every write acknowledged before the backup started is restored; none acknowledged
    // after it ended is (it is a snapshot, not whatever the files held at the end).
    let mut restored = std::collections::HashMap::new();
    for table in ["media", "posts", "comments", "messages"] {
        restored.insert(table, ids(&target.url, table).await);
    }
    let (mut before, mut during, mut after) = (0, 0, 0);
    for a in &acked {
        let there = restored[a.table].contains(&a.id);
        if a.at < started {
            before += 1;
            assert!(
                there,
                "acknowledged before the backup, missing from it: {a:?}"
            );
        } else if a.at > finished {
            after += 1;
            assert!(
                !there,
                "acknowledged after the backup ended, yet in it: {a:?}"
            );
        } else {
            during += usize::from(there);
        }
    }
    assert!(
        before >= 10 && after > 0,
        "{before} writes before, {after} after the backup"
    );
    println!("acknowledged writes: {before} before the backup, {during} of those during it restored, {after} after");

    // Nothing invented, nothing changed: every restored row is in the source as it ended,
    // identical unless its table is one a later write updates.
    let (mut src, mut dst) = (
        tables::read_tables(&source.url).await,
        tables::read_tables(&target.url).await,
    );
    assert_eq!(
        src.keys().collect::<Vec<_>>(),
        dst.keys().collect::<Vec<_>>(),
        "the same tables"
    );
    tables::take_reset_tables(&mut src, &mut dst);
    let mut updated = std::collections::BTreeMap::new();
    for (table, rows) in &dst {
        let mutable =
            UPDATED_LATER.iter().any(|(t, _)| t == table) || table.starts_with("sequence:");
        for (key, row) in rows {
            let Some(now) = src[table].get(key) else {
                panic!("{table}: restored row {key} is not in the source: {row}");
            };
            assert!(
                mutable || now == row,
                "{table} {key}: restored {row}, source {now}"
            );
            *updated.entry(table.as_str()).or_insert(0) += usize::from(now != row);
        }
    }
    updated.retain(|_, n| *n > 0);
    println!("rows updated after the snapshot, by table: {updated:?}");
    // Every file the restored database names is restored, byte for byte.
    let (src_files, dst_files) = (
        tables::read_files(&source.data.join("media")),
        tables::read_files(&target.data.join("media")),
    );
    for key in &restored["media"] {
        assert!(
            dst_files.keys().any(|p| p.contains(key.as_str())),
            "no file for upload {key}"
        );
    }
    for (path, bytes) in &dst_files {
        assert_eq!(Some(bytes), src_files.get(path), "{path}");
    }
    println!(
        "{} rows in {} tables, {} media files compared",
        tables::sizes(&dst),
        dst.len(),
        dst_files.len()
    );

    // The restored installation is no longer empty: a second restore into it is refused.
    let out = target
        .run(&["restore", "--from", archive.to_str().unwrap()])
        .await;
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not empty") || err.contains("already has"),
        "{err}"
    );
}

#[tokio::test]
async fn a_backup_under_writes_restores_its_snapshot_on_sqlite() {
    if install::postgres_pass() {
        return;
    }
    backup_under_writes(None).await;
}

#[tokio::test]
async fn a_backup_under_writes_restores_its_snapshot_on_postgres() {
    let Some(admin) = pg_admin() else { return };
    backup_under_writes(Some(&admin)).await;
}

/// Without writes meanwhile, the restore is the source: every table row for row, every
/// media file byte for byte, and the restored installation serves and takes new writes.
async fn quiet_backup_is_restored_exactly(pg: Option<&str>) {
    let source = Install::new(pg).await;
    let server = source.demo().await;
    let addr = server.addr.clone();
    let (member, admin) = (
        server.token(MEMBER.0, MEMBER.1).await,
        server.token(ADMIN.0, ADMIN.1).await,
    );
    let conversation = a_conversation(&addr, &member, &admin).await;
    for token in [&member, &admin] {
        let (s, j) = call(
            &addr,
            "POST",
            "/api/v1/me/photo",
            Some(token),
            Body::File("photo", png(9)),
        )
        .await;
        assert_eq!(s, 200, "{j}");
    }
    let mut acked = Vec::new();
    for n in 0..2 {
        round(&addr, &member, &admin, &conversation, n, &mut acked).await;
    }
    // Stopped, so that no background job (the outbox worker) changes a row after the copy.
    server.kill().await;
    let archive = source.dir.path().join("quiet.tar");
    ok(&source
        .run(&["backup", "--to", archive.to_str().unwrap()])
        .await);

    // The target was migrated (as a server's first start does): still empty, so accepted.
    let target = Install::new(pg).await;
    ok(&target.run(&["migrate"]).await);
    println!(
        "{}",
        ok(&target
            .run(&["restore", "--from", archive.to_str().unwrap()])
            .await)
        .trim()
    );
    let (mut src, mut dst) = (
        tables::read_tables(&source.url).await,
        tables::read_tables(&target.url).await,
    );
    assert_eq!(
        src.keys().collect::<Vec<_>>(),
        dst.keys().collect::<Vec<_>>()
    );
    tables::take_reset_tables(&mut src, &mut dst);
    for (table, rows) in &src {
        assert_eq!(rows, &dst[table], "table {table}");
    }
    let src_files = tables::read_files(&source.data.join("media"));
    assert!(src_files.len() >= 6, "{:?}", src_files.keys());
    assert_eq!(src_files, tables::read_files(&target.data.join("media")));

    let server = target.demo().await;
    let token = server.token(MEMBER.0, MEMBER.1).await;
    let (s, j) = call(
        &server.addr,
        "POST",
        "/api/v1/posts",
        Some(&token),
        Body::Json(json!({ "body": "after" })),
    )
    .await;
    assert_eq!(s, 201, "a new post on the restored installation: {j}");
    server.kill().await;
}

#[tokio::test]
async fn a_quiet_backup_is_restored_exactly_on_sqlite() {
    if install::postgres_pass() {
        return;
    }
    quiet_backup_is_restored_exactly(None).await;
}

#[tokio::test]
async fn a_quiet_backup_is_restored_exactly_on_postgres() {
    let Some(admin) = pg_admin() else { return };
    quiet_backup_is_restored_exactly(Some(&admin)).await;
}

#[path = "backup/refusals.rs"]
mod refusals;
