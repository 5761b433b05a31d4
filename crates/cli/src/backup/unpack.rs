//! Reading an archive back: every entry unpacked into a staging directory and hashed as it
//! is written, then compared with the manifest, whose own digest is checked first. Entry
//! names are checked before anything is written, so a crafted archive cannot write outside
//! the staging directory.

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use super::{
    bar, safe_media_path, sha256_hex, Backend, FileEntry, Hashing, Manifest, FORMAT,
    FORMAT_VERSION, MANIFEST, MANIFEST_DIGEST, MEDIA_PREFIX,
};

/// A manifest larger than this is not one of ours (it lists paths and digests).
const MANIFEST_MAX: u64 = 256 << 20;

/// Unpacks the archive into `staging`, hashing each entry, then checks the manifest and its
/// digest against what was found. Any difference, a missing manifest (a truncated archive) or
/// an entry with an unexpected name refuses the archive.
pub fn unpack(archive: &Path, staging: &Path) -> Result<Manifest> {
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
