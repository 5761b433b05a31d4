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
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sqlx::sqlite::{SqliteConnectOptions, SqliteLockingMode};
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::{
    bar, known_schema_version, pg, safe_media_path, sha256_hex, sync_dir, Backend, FileEntry,
    Hashing, Manifest, RestoreArgs, Target, FORMAT, FORMAT_VERSION, MANIFEST, MANIFEST_DIGEST,
    MEDIA_PREFIX,
};

/// A manifest larger than this is not one of ours (it lists paths and digests).
const MANIFEST_MAX: u64 = 256 << 20;

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
    let manifest = tokio::task::spawn_blocking(move || unpack(&from, &into))
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
    // A restored database has no planner statistics until autovacuum gets to it.
    sqlx::query("ANALYZE")
        .execute(&mut conn)
        .await
        .context("analyzing the restored database")?;
    let _ = conn.close().await;
    Ok(())
}

/// Unpacks the archive into `staging`, hashing each entry, then checks the manifest and its
/// digest against what was found. Any difference, a missing manifest (a truncated archive) or
/// an entry with an unexpected name refuses the archive.
fn unpack(archive: &Path, staging: &Path) -> Result<Manifest> {
    let file = File::open(archive).with_context(|| format!("opening {}", archive.display()))?;
    let len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let progress = bar(len, "checking the archive");
    let damaged = || {
        format!(
            "reading {}: the archive is damaged or truncated",
            archive.display()
        )
    };
    let mut tar = tar::Archive::new(BufReader::with_capacity(1 << 20, progress.wrap_read(file)));
    let mut found: Vec<FileEntry> = Vec::new();
    let (mut manifest, mut digest): (Option<Vec<u8>>, Option<Vec<u8>>) = (None, None);
    for entry in tar.entries().with_context(damaged)? {
        let mut entry = entry.with_context(damaged)?;
        let name = String::from_utf8(entry.path_bytes().into_owned())
            .map_err(|_| anyhow::anyhow!("{}: an entry's name is not UTF-8", damaged()))?;
        if entry.header().entry_type() != tar::EntryType::Regular {
            bail!("{}: unexpected entry {name:?}", damaged());
        }
        if digest.is_some() {
            bail!("{}: entries after the manifest", damaged());
        }
        if name == MANIFEST || name == MANIFEST_DIGEST {
            let mut bytes = Vec::new();
            (&mut entry)
                .take(MANIFEST_MAX)
                .read_to_end(&mut bytes)
                .with_context(damaged)?;
            let slot = if name == MANIFEST {
                &mut manifest
            } else {
                &mut digest
            };
            *slot = Some(bytes);
            continue;
        }
        if manifest.is_some() {
            bail!("{}: entries after the manifest", damaged());
        }
        let dest = staged_path(staging, &name)
            .with_context(|| format!("{}: unexpected entry {name:?}", damaged()))?;
        if found.iter().any(|f| f.path == name) || dest.exists() {
            bail!("{}: {name} appears twice", damaged());
        }
        if let Some(dir) = dest.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let out = File::create(&dest).with_context(|| format!("creating {}", dest.display()))?;
        let mut writer = Hashing::new(BufWriter::new(out));
        std::io::copy(&mut entry, &mut writer).with_context(damaged)?;
        writer
            .flush()
            .with_context(|| format!("writing {}", dest.display()))?;
        let (size, sha256) = writer.finish();
        found.push(FileEntry {
            path: name,
            size,
            sha256,
        });
    }
    progress.finish_and_clear();
    let manifest =
        manifest.with_context(|| format!("{}: it ends before its manifest", damaged()))?;
    let digest =
        digest.with_context(|| format!("{}: the manifest's digest is missing", damaged()))?;
    if String::from_utf8_lossy(&digest).trim() != sha256_hex(&manifest) {
        bail!("{}: the manifest does not match its digest", damaged());
    }
    let manifest: Manifest = serde_json::from_slice(&manifest)
        .with_context(|| format!("{}: reading the manifest", damaged()))?;
    if manifest.format != FORMAT {
        bail!("{} is not a Guild backup", archive.display());
    }
    if manifest.format_version > FORMAT_VERSION {
        bail!(
            "{} was written by a newer Guild ({}, archive format {}): restore it with that version",
            archive.display(),
            manifest.guild_version,
            manifest.format_version
        );
    }
    for (i, want) in manifest.files.iter().enumerate() {
        match found.get(i) {
            Some(got) if got == want => {}
            Some(got) if got.path == want.path => bail!(
                "{}: {} does not match the manifest (size {} and SHA-256 {}, expected {} and {})",
                damaged(),
                want.path,
                got.size,
                got.sha256,
                want.size,
                want.sha256
            ),
            _ => bail!("{}: {} is missing or out of place", damaged(), want.path),
        }
    }
    if found.len() != manifest.files.len() {
        bail!("{}: it holds files its manifest does not list", damaged());
    }
    if manifest.files.first().map(|f| f.path.as_str()) != Some(manifest.backend.database_entry()) {
        bail!("{}: the database is missing", damaged());
    }
    Ok(manifest)
}

/// Where an entry is unpacked: the database file, or a media file under `staging/media`.
fn staged_path(staging: &Path, name: &str) -> Option<PathBuf> {
    if name == Backend::Sqlite.database_entry() || name == Backend::Postgres.database_entry() {
        return Some(staging.join(name));
    }
    let rel = name.strip_prefix(MEDIA_PREFIX)?;
    safe_media_path(rel).then(|| staging.join("media").join(rel))
}
