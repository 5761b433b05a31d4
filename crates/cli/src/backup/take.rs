//! Taking a backup: the database snapshot first, then the media files, written into one tar
//! archive as `FILE.partial` and renamed to `FILE` once complete and on disk.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};

use super::{
    bar, human_bytes, partial_path, pg, sha256_hex, spinner, sync_dir, Backend, BackupArgs,
    FileEntry, Hashing, Manifest, Target, FORMAT, FORMAT_VERSION, MANIFEST, MANIFEST_DIGEST,
    MEDIA_PREFIX,
};

/// One file to put in the archive: its name there and where it is now.
struct Source {
    name: String,
    path: PathBuf,
    size: u64,
}

pub async fn backup(args: BackupArgs) -> Result<()> {
    let started = Instant::now();
    let target = Target::load(&args.store)?;
    let created_at = chrono::Utc::now();
    let out = args.to.clone();
    if out.is_dir() {
        bail!(
            "{} is a directory: give the archive's file name",
            out.display()
        );
    }
    let out_dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The database copy is made beside the archive (same disk, and room the operator chose),
    // in a directory that disappears with this process however it ends.
    let work = tempfile::Builder::new()
        .prefix(".guild-backup-")
        .tempdir_in(&out_dir)
        .with_context(|| format!("making a working directory in {}", out_dir.display()))?;
    let db_copy = work.path().join(target.backend.database_entry());
    let schema_version = match target.backend {
        Backend::Sqlite => snapshot_sqlite(&target, &db_copy).await?,
        Backend::Postgres => dump_postgres(&target, &db_copy).await?,
    };
    let db_size = std::fs::metadata(&db_copy)
        .with_context(|| format!("reading {}", db_copy.display()))?
        .len();
    // Only now the media: every file the snapshot names was written before its row was.
    let mut sources = vec![Source {
        name: target.backend.database_entry().to_string(),
        path: db_copy,
        size: db_size,
    }];
    let media_dir = target.config.media_dir();
    let media_files = list_media(&media_dir)?;
    let media_count = media_files.len();
    sources.extend(media_files);

    let manifest = Manifest {
        format: FORMAT.into(),
        format_version: FORMAT_VERSION,
        guild_version: env!("CARGO_PKG_VERSION").into(),
        backend: target.backend,
        created_at: created_at.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        schema_version,
        files: Vec::new(),
    };
    let partial = partial_path(&out);
    let writing = partial.clone();
    let written = tokio::task::spawn_blocking(move || write_archive(&writing, sources, manifest))
        .await
        .context("the archive writer stopped")?;
    let size = match written {
        Ok(size) => size,
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            return Err(e);
        }
    };
    std::fs::rename(&partial, &out)
        .with_context(|| format!("renaming {} to {}", partial.display(), out.display()))?;
    sync_dir(&out_dir);
    println!(
        "backup written to {}: {} ({} database, {} media files), schema {}, in {:.1} s",
        out.display(),
        human_bytes(size),
        target.backend.name(),
        media_count,
        schema_version,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// `VACUUM INTO`: one read transaction, so a consistent snapshot, and it neither blocks the
/// server's writers (WAL) nor is blocked by them. Returns the copy's schema version.
async fn snapshot_sqlite(target: &Target, into: &Path) -> Result<i64> {
    let file = target.sqlite_file()?;
    if !file.is_file() {
        bail!(
            "there is no SQLite database at {}: nothing to back up",
            file.display()
        );
    }
    let into_str = into
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", into.display()))?;
    let opts = SqliteConnectOptions::new()
        .filename(&file)
        .busy_timeout(Duration::from_secs(30))
        // A copy of a large database is a slow statement by nature, not one to warn about.
        .disable_statement_logging();
    let mut conn = SqliteConnection::connect_with(&opts)
        .await
        .with_context(|| format!("opening {}", file.display()))?;
    let spin = spinner("copying the database", true);
    let copied = {
        let copy = sqlx::query("VACUUM INTO $1")
            .bind(into_str)
            .execute(&mut conn);
        tokio::pin!(copy);
        loop {
            tokio::select! {
                done = &mut copy => break done,
                () = tokio::time::sleep(Duration::from_millis(200)) => {
                    if let Ok(m) = std::fs::metadata(into) {
                        spin.set_position(m.len());
                    }
                }
            }
        }
    };
    copied.with_context(|| format!("copying {} with VACUUM INTO", file.display()))?;
    spin.finish_and_clear();
    conn.close().await.context("closing the database")?;

    // The copy is checked, and made one self-contained file (no write-ahead log beside it).
    let mut copy = SqliteConnection::connect_with(&SqliteConnectOptions::new().filename(into))
        .await
        .context("opening the copy")?;
    sqlx::query("PRAGMA journal_mode = DELETE")
        .execute(&mut copy)
        .await
        .context("setting the copy's journal mode")?;
    let check: String = sqlx::query_scalar("PRAGMA quick_check")
        .fetch_one(&mut copy)
        .await
        .context("checking the copy")?;
    if check != "ok" {
        bail!("the database copy failed SQLite's check: {check}");
    }
    let has_migrations: bool = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = '_sqlx_migrations')",
    )
    .fetch_one(&mut copy)
    .await
    .context("looking for the migrations table")?;
    let version = if has_migrations {
        sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut copy)
            .await
            .context("reading the schema version")?
    } else {
        0
    };
    copy.close().await.context("closing the copy")?;
    Ok(version)
}

/// `pg_dump -Fc`: one snapshot by nature. The schema version is read before and after, so a
/// node upgraded (and migrating) meanwhile makes the backup fail rather than mislabel it.
async fn dump_postgres(target: &Target, into: &Path) -> Result<i64> {
    let redacted = target.redacted_url();
    let mut conn = pg::connect(&target.url, &redacted).await?;
    let before = pg::schema_version(&mut conn).await?;
    let into_str = into
        .to_str()
        .with_context(|| format!("{} is not valid UTF-8", into.display()))?;
    pg::run_tool(
        "pg_dump",
        &["--format=custom", "--file", into_str],
        &target.url,
        Some(into),
        "dumping the database",
    )
    .await?;
    let after = pg::schema_version(&mut conn).await?;
    let _ = conn.close().await;
    if before != after {
        bail!(
            "the schema changed during the backup (migration {before} → {after}: a node was \
             upgraded); take the backup again"
        );
    }
    Ok(after)
}

/// Every regular file under the media directory, sorted by path. Files being written
/// (`*.partial`, renamed into place when complete) and anything that is not a plain file are
/// left out; a missing directory is an installation without uploads.
fn list_media(root: &Path) -> Result<Vec<Source>> {
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e).with_context(|| format!("listing {}", dir.display())),
        };
        for entry in entries {
            let entry = entry.with_context(|| format!("listing {}", dir.display()))?;
            let path = entry.path();
            let kind = entry
                .file_type()
                .with_context(|| format!("reading {}", path.display()))?;
            if kind.is_dir() {
                dirs.push(path);
                continue;
            }
            if !kind.is_file() || path.extension().is_some_and(|x| x == "partial") {
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .ok()
                .and_then(|r| r.to_str())
                .map(|r| r.replace(std::path::MAIN_SEPARATOR, "/"));
            let Some(rel) = rel.filter(|r| super::safe_media_path(r)) else {
                tracing::warn!(
                    "left out of the backup (not a media file name): {}",
                    path.display()
                );
                continue;
            };
            // A file deleted since it was listed (an unused upload swept) is simply absent.
            let Ok(meta) = entry.metadata() else { continue };
            out.push(Source {
                name: format!("{MEDIA_PREFIX}{rel}"),
                path,
                size: meta.len(),
            });
        }
    }
    out.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(out)
}

/// Writes the archive and returns its size. Each entry is hashed as it is written, and the
/// manifest of those digests ends the archive.
fn write_archive(partial: &Path, sources: Vec<Source>, mut manifest: Manifest) -> Result<u64> {
    let file = {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create(true).truncate(true);
        // The archive holds every member's data: readable by its owner only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        o.open(partial)
            .with_context(|| format!("creating {}", partial.display()))?
    };
    let total: u64 = sources.iter().map(|s| s.size).sum();
    let progress = bar(total, "writing the archive");
    let mut tar = tar::Builder::new(BufWriter::with_capacity(1 << 20, file));
    let mtime = chrono::Utc::now().timestamp().max(0) as u64;
    for source in sources {
        let f = match File::open(&source.path) {
            Ok(f) => f,
            // Swept between listing and copying: it was unused, and is not needed.
            Err(e)
                if e.kind() == std::io::ErrorKind::NotFound
                    && source.name != manifest.backend.database_entry() =>
            {
                continue
            }
            Err(e) => return Err(e).with_context(|| format!("opening {}", source.path.display())),
        };
        let size = f
            .metadata()
            .with_context(|| format!("reading {}", source.path.display()))?
            .len();
        let mut reader = Hashing::new(progress.wrap_read(f).take(size));
        tar.append_data(&mut header(size, mtime), &source.name, &mut reader)
            .with_context(|| format!("adding {} to the archive", source.path.display()))?;
        let (bytes, sha256) = reader.finish();
        if bytes != size {
            bail!("{} changed while it was copied", source.path.display());
        }
        manifest.files.push(FileEntry {
            path: source.name,
            size,
            sha256,
        });
    }
    let json = serde_json::to_vec_pretty(&manifest).context("writing the manifest")?;
    let digest = format!("{}\n", sha256_hex(&json));
    for (name, bytes) in [
        (MANIFEST, json.as_slice()),
        (MANIFEST_DIGEST, digest.as_bytes()),
    ] {
        tar.append_data(&mut header(bytes.len() as u64, mtime), name, bytes)
            .with_context(|| format!("adding {name}"))?;
    }
    let mut writer = tar.into_inner().context("ending the archive")?;
    writer.flush().context("writing the archive")?;
    let file = writer
        .into_inner()
        .map_err(|e| e.into_error())
        .context("writing the archive")?;
    file.sync_all().context("flushing the archive to disk")?;
    progress.finish_and_clear();
    Ok(file.metadata().map(|m| m.len()).unwrap_or(0))
}

fn header(size: u64, mtime: u64) -> tar::Header {
    let mut h = tar::Header::new_gnu();
    h.set_size(size);
    h.set_mode(0o600);
    h.set_mtime(mtime);
    h.set_entry_type(tar::EntryType::Regular);
    h
}
