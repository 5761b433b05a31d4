//! `guild backup --to FILE` and `guild restore --from FILE`: one tar archive holding the
//! database (a SQLite snapshot made by `VACUUM INTO`, or a `pg_dump -Fc` of PostgreSQL), every
//! file under `<data-dir>/media/`, and a manifest of what it holds.
//!
//! The archive, in this order: `database.sqlite` or `database.pgdump`, then `media/<path>` for
//! each file, then `manifest.json` (format, versions, backend, time, schema version, and each
//! file's size and SHA-256), then `manifest.json.sha256` (the manifest's own digest). The
//! manifest comes last because it lists the digests of what was written before it: the
//! archive is written in one pass, and a truncated archive is one without a manifest.
//!
//! Consistency: the database copy is one snapshot, taken first; media files are copied after
//! it. Core writes an upload's file (aside, then renamed) before the row that names it, so
//! every file the snapshot names is already on disk when the copy starts; files added later
//! are harmless extras. Restoring refuses a non-empty target and checks every digest before
//! it changes anything.

mod pg;
mod restore;
mod take;
mod unpack;

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Args;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::cli::StoreArgs;
use crate::config::{load, Config, Sources};

pub use restore::restore;
pub use take::backup;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// The archive to write (a tar file); written as FILE.partial, then renamed.
    #[arg(long, value_name = "FILE")]
    pub to: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// An archive made by `guild backup`.
    #[arg(long, value_name = "FILE")]
    pub from: PathBuf,
    #[command(flatten)]
    pub store: StoreArgs,
}

/// What `format` says in every manifest, so another tar file is recognised as not ours.
pub const FORMAT: &str = "guild-backup";
/// Bumped when a change to the archive's layout would mislead an older `guild restore`.
pub const FORMAT_VERSION: u32 = 1;
pub const MANIFEST: &str = "manifest.json";
pub const MANIFEST_DIGEST: &str = "manifest.json.sha256";
pub const MEDIA_PREFIX: &str = "media/";

/// The manifest: the last but one entry of the archive.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Manifest {
    pub format: String,
    pub format_version: u32,
    /// The version of the `guild` that wrote it.
    pub guild_version: String,
    pub backend: Backend,
    /// RFC 3339, UTC: when the backup started.
    pub created_at: String,
    /// The newest migration applied to the database copied.
    pub schema_version: i64,
    /// Every entry but the manifest and its digest, in archive order.
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct FileEntry {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// The archive entry that holds this backend's database copy.
    pub fn database_entry(self) -> &'static str {
        match self {
            Backend::Sqlite => "database.sqlite",
            Backend::Postgres => "database.pgdump",
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres => "PostgreSQL",
        }
    }
}

/// The installation a command works on, resolved from the configuration.
pub struct Target {
    pub config: Config,
    pub url: String,
    pub backend: Backend,
}

impl Target {
    pub fn load(store: &StoreArgs) -> Result<Target> {
        let config = load(
            &Sources::from_process(store.config.clone()),
            &store.overrides(),
        )?;
        let url = config.database_url();
        let backend = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            bail!("unsupported database URL {url:?}: use sqlite://FILE or postgres://…");
        };
        Ok(Target {
            config,
            url,
            backend,
        })
    }

    pub fn redacted_url(&self) -> String {
        crate::app::redact_url(&self.url)
    }

    /// The SQLite database file the URL names.
    pub fn sqlite_file(&self) -> Result<PathBuf> {
        use std::str::FromStr;
        let opts = sqlx::sqlite::SqliteConnectOptions::from_str(&self.url)
            .with_context(|| format!("reading the database URL {}", self.redacted_url()))?;
        Ok(opts.get_filename().to_path_buf())
    }
}

/// The change stream's bookkeeping (issue 17's `0011_change_stream`), reset by a restore to
/// what a new installation has: a restored installation's nodes load every index from the
/// tables at start, so old entries are not needed; the nodes named are the source's; and on
/// PostgreSQL the entries' and the horizon's transaction ids belong to the source's cluster,
/// so a new cluster (whose ids may be lower) would find its nodes behind a horizon from the
/// future. Each statement runs only when its table exists.
pub const STREAM_RESET: &[(&str, &str)] = &[
    ("changes", "DELETE FROM changes"),
    ("stream_nodes", "DELETE FROM stream_nodes"),
    ("leases", "DELETE FROM leases"),
    (
        "stream_horizon",
        "UPDATE stream_horizon SET tx = 0, change_id = 0",
    ),
];

/// The newest migration this binary knows for `backend`: a backup with a newer schema came
/// from a newer Guild, which this one cannot serve.
pub fn known_schema_version(backend: Backend) -> i64 {
    let migrator = match backend {
        Backend::Sqlite => &guild_store::SQLITE_MIGRATIONS,
        Backend::Postgres => &guild_store::POSTGRES_MIGRATIONS,
    };
    migrator.iter().map(|m| m.version).max().unwrap_or(0)
}

/// A media path as `DiskMedia` makes them: names of letters, digits, `-`, `_` and `.`, none
/// starting with a dot (so neither `..` nor hidden files), no empty part. An archive entry
/// outside this shape is refused, so a crafted archive cannot write outside the media folder.
pub fn safe_media_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        })
}

/// A reader or writer that hashes and counts what passes through it.
pub struct Hashing<T> {
    pub inner: T,
    pub hasher: Sha256,
    pub bytes: u64,
}

impl<T> Hashing<T> {
    pub fn new(inner: T) -> Self {
        Hashing {
            inner,
            hasher: Sha256::new(),
            bytes: 0,
        }
    }
    pub fn finish(self) -> (u64, String) {
        (self.bytes, hex(&self.hasher.finalize()))
    }
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.bytes += n as u64;
        Ok(n)
    }
    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// A progress bar on standard error, drawn only when it is a terminal (logs and tests get
/// the one summary line instead).
pub fn bar(len: u64, message: &'static str) -> ProgressBar {
    if !io::IsTerminal::is_terminal(&io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(Some(len), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg} [{bar:40}] {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(message);
    bar
}

/// A spinner for work whose length is unknown (a copy, a dump, `pg_restore`), showing the
/// bytes written so far when there is a file to watch.
pub fn spinner(message: &'static str, bytes: bool) -> ProgressBar {
    if !io::IsTerminal::is_terminal(&io::stderr()) {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    let template = if bytes {
        "{spinner} {msg}: {bytes} ({elapsed})"
    } else {
        "{spinner} {msg} ({elapsed})"
    };
    bar.set_style(
        ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

/// `FILE.partial`, beside `FILE`.
pub fn partial_path(file: &Path) -> PathBuf {
    let mut name = file
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_default();
    name.push(".partial");
    file.with_file_name(name)
}

/// Flushes a directory's entries (a rename into it) to disk; where directories cannot be
/// opened (not on Unix), the rename is as durable as the system makes it.
pub fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// "12.3 MB" for the summary lines.
pub fn human_bytes(n: u64) -> String {
    indicatif::HumanBytes(n).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn media_paths_stay_inside() {
        assert!(safe_media_path("photos/abc-400.jpg"));
        assert!(safe_media_path("attachments/x_y.pdf"));
        for bad in [
            "",
            "../x",
            "/etc/passwd",
            "a//b",
            "a/.hidden",
            "a/../b",
            "a\\b",
        ] {
            assert!(!safe_media_path(bad), "{bad}");
        }
    }

    #[test]
    fn partial_is_beside_the_file() {
        assert_eq!(
            partial_path(Path::new("/b/guild.tar")),
            PathBuf::from("/b/guild.tar.partial")
        );
    }
}
