//! Restoring a backup into an empty installation of the same backend.
//!
//! In order: the target is checked empty (no member in the database, nothing in the media
//! directory); the whole archive is unpacked into a staging directory inside the data
//! directory and every entry checked against the manifest's size and SHA-256; only then are
//! the media moved into place and the database installed (a SQLite file renamed into place,
//! or `pg_restore --single-transaction`). A damaged or truncated archive is refused before
//! anything in the installation changes. A SQLite backup restores into SQLite and a
//! PostgreSQL backup into PostgreSQL; moving between backends is not supported.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::{
    known_schema_version, pg, sync_dir, Backend, Manifest, RestoreArgs, Target, MEDIA_PREFIX,
};

pub async fn restore(args: RestoreArgs) -> Result<()> {
    let started = Instant::now();
    let target = Target::load(&args.store)?;
    if !args.from.is_file() {
        bail!("there is no backup at {}", args.from.display());
    }
    // Refused at once, before the archive is read: restoring is only into an empty place.
    check_empty(&target).await?;

    let data_dir = target.config.data_dir.clone();
    let made_data_dir = !data_dir.exists();
    std::fs::create_dir_all(&data_dir)
        .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".guild-restore-")
        .tempdir_in(&data_dir)
        .with_context(|| format!("making a staging directory in {}", data_dir.display()))?;
    let done = restore_from(&target, &args.from, staging.path()).await;
    drop(staging);
    if done.is_err() && made_data_dir {
        // Leave the place as it was: a directory made only for this restore goes again.
        let _ = std::fs::remove_dir(&data_dir);
    }
    let manifest = done?;
    let media = manifest
        .files
        .iter()
        .filter(|f| f.path.starts_with(MEDIA_PREFIX))
        .count();
    println!(
        "restored {} into {}: {} database of {}, schema {}, {} media files, in {:.1} s",
        args.from.display(),
        target.redacted_url(),
        manifest.backend.name(),
        manifest.created_at,
        manifest.schema_version,
        media,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn restore_from(target: &Target, archive: &Path, staging: &Path) -> Result<Manifest> {
    let (from, into) = (archive.to_path_buf(), staging.to_path_buf());
    let manifest = tokio::task::spawn_blocking(move || super::unpack::unpack(&from, &into))
        .await
        .context("the archive reader stopped")??;
    if manifest.backend != target.backend {
        bail!(
            "this is a backup of a {} installation and the target is {}: restore it into a {} \
             installation (moving between backends is not supported)",
            manifest.backend.name(),
            target.backend.name(),
            manifest.backend.name()
        );
    }
    let known = known_schema_version(target.backend);
    if manifest.schema_version > known {
        bail!(
            "this backup's schema (migration {}) is newer than this guild {} knows (migration \
             {known}): restore it with the Guild version that made it ({}) or a newer one",
            manifest.schema_version,
            env!("CARGO_PKG_VERSION"),
            manifest.guild_version
        );
    }
    // Checked again: the archive took a while to read.
    check_empty(target).await?;
    let media_dir = target.config.media_dir();
    let staged_media = staging.join("media");
    let moved_media = staged_media.is_dir();
    if moved_media {
        if media_dir.exists() {
            std::fs::remove_dir(&media_dir)
                .with_context(|| format!("replacing the empty {}", media_dir.display()))?;
        }
        std::fs::rename(&staged_media, &media_dir)
            .with_context(|| format!("moving the media into {}", media_dir.display()))?;
    }
    let db = staging.join(target.backend.database_entry());
    if target.backend == Backend::Sqlite {
        reset_stream_sqlite(&db).await?;
    }
    let installed = match target.backend {
        Backend::Sqlite => install_sqlite(target, &db).await,
        Backend::Postgres => install_postgres(target, &db).await,
    };
    if let Err(e) = installed {
        if moved_media {
            // Back where they came from, so the installation is as empty as it was.
            let _ = std::fs::rename(&media_dir, &staged_media);
            let _ = std::fs::create_dir_all(&media_dir);
        }
        return Err(e);
    }
    Ok(manifest)
}

/// Refuses a target with members or with files in its media directory.
async fn check_empty(target: &Target) -> Result<()> {
    let media = target.config.media_dir();
    if let Ok(mut entries) = std::fs::read_dir(&media) {
        if entries.next().is_some() {
            bail!(
                "the media directory {} is not empty: restore only into an empty installation \
                 (a new data directory)",
                media.display()
            );
        }
    }
    match target.backend {
        Backend::Sqlite => check_sqlite_empty(target).await,
        Backend::Postgres => {
            let redacted = target.redacted_url();
            let mut conn = pg::connect(&target.url, &redacted).await?;
            pg::check_target(&mut conn, &redacted).await?;
            let _ = conn.close().await;
            Ok(())
        }
    }
}

/// A missing file is empty; an existing one must be Guild's without a member, and must not be
/// open in another process: an exclusive lock (which a running server's connections prevent)
/// is taken and given back.
async fn check_sqlite_empty(target: &Target) -> Result<()> {
    let file = target.sqlite_file()?;
    if !file.exists() {
        return Ok(());
    }
    let opts = SqliteConnectOptions::new()
        .filename(&file)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::from_secs(1))
        .disable_statement_logging();
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let locked = sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await;
    if let Err(e) = locked {
        bail!(
            "the database {} is in use by another process (stop the server before restoring): {e}",
            file.display()
        );
    }
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_one(&mut conn)
    .await
    .context("listing the target's tables")?;
    let members: Option<i64> = if tables == 0 {
        None
    } else {
        let guild: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'members')",
        )
        .fetch_one(&mut conn)
        .await
        .context("looking for the members table")?;
        if !guild {
            bail!(
                "{} has {tables} tables but is not a Guild database: restore into a new data directory",
                file.display()
            );
        }
        Some(
            sqlx::query_scalar("SELECT COUNT(*) FROM members")
                .fetch_one(&mut conn)
                .await
                .context("counting the target's members")?,
        )
    };
    let _ = sqlx::query("ROLLBACK").execute(&mut conn).await;
    conn.close().await.context("closing the target database")?;
    if let Some(n) = members.filter(|&n| n > 0) {
        bail!(
            "the target database {} already has {n} members: restore only into an empty \
             installation (a new data directory)",
            file.display()
        );
    }
    Ok(())
}

/// [`STREAM_RESET`](super::STREAM_RESET) on the staged copy, before it is put in place.
async fn reset_stream_sqlite(db: &Path) -> Result<()> {
    let mut conn = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(db))
        .await
        .with_context(|| format!("opening {}", db.display()))?;
    let mut tx = conn.begin().await.context("starting a transaction")?;
    for (table, reset) in super::STREAM_RESET {
        let exists: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = $1)",
        )
        .bind(table)
        .fetch_one(&mut *tx)
        .await
        .with_context(|| format!("looking for {table}"))?;
        if exists {
            sqlx::query(reset)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("running {reset}"))?;
        }
    }
    tx.commit().await.context("resetting the change stream")?;
    conn.close().await.context("closing the copy")?;
    Ok(())
}

/// The snapshot becomes the database file: written beside it, flushed, then renamed over
/// the empty one, whose write-ahead log (of an empty installation) is removed first.
async fn install_sqlite(target: &Target, db: &Path) -> Result<()> {
    let file = target.sqlite_file()?;
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut name = file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".restoring");
    let beside = file.with_file_name(name);
    if std::fs::rename(db, &beside).is_err() {
        // Another file system: copied instead.
        std::fs::copy(db, &beside)
            .with_context(|| format!("copying the database to {}", beside.display()))?;
    }
    File::open(&beside)
        .and_then(|f| f.sync_all())
        .with_context(|| format!("flushing {}", beside.display()))?;
    for suffix in ["-wal", "-shm"] {
        let mut side = file.clone().into_os_string();
        side.push(suffix);
        match std::fs::remove_file(&side) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
                return Err(e).with_context(|| format!("removing {}", Path::new(&side).display()))
            }
            _ => {}
        }
    }
    std::fs::rename(&beside, &file)
        .with_context(|| format!("moving the database into {}", file.display()))?;
    sync_dir(&dir);
    Ok(())
}

/// `pg_restore` in one transaction into an empty database (Guild's empty tables, from a
/// server start or `guild migrate`, are dropped first so the dump creates them as they were).
async fn install_postgres(target: &Target, dump: &Path) -> Result<()> {
    let redacted = target.redacted_url();
    let mut conn = pg::connect(&target.url, &redacted).await?;
    if let pg::PgTarget::MigratedEmpty = pg::check_target(&mut conn, &redacted).await? {
        pg::clear_migrated(&mut conn).await?;
    }
    let dump_str = dump
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", dump.display()))?;
    // Objects belong to whoever restores (the backup's roles may not exist here), and grants
    // are left out for the same reason.
    pg::run_tool(
        "pg_restore",
        &[
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            dump_str,
        ],
        &target.url,
        None,
        "restoring the database",
    )
    .await?;
    pg::reset_stream(&mut conn).await?;
    // A restored database has no planner statistics until autovacuum gets to it.
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .context("analyzing the restored database")?;
    let _ = conn.close().await;
    Ok(())
}
