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

#[cfg(test)]
mod tests {
    use super::*;

    /// A tar of `(name, bytes)` entries, names written into the header as they are (the tar
    /// crate's own setters refuse `..`, which is what a crafted archive would hold).
    fn tar_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = tar::Builder::new(Vec::new());
        for (name, bytes) in entries {
            let mut h = tar::Header::new_old();
            h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
            h.set_size(bytes.len() as u64);
            h.set_mode(0o600);
            h.set_entry_type(tar::EntryType::Regular);
            h.set_cksum();
            out.append(&h, *bytes).unwrap();
        }
        out.into_inner().unwrap()
    }

    fn unpack_bytes(bytes: &[u8]) -> (tempfile::TempDir, Result<Manifest>) {
        let dir = tempfile::tempdir().unwrap();
        let archive = dir.path().join("a.tar");
        std::fs::write(&archive, bytes).unwrap();
        let staging = dir.path().join("staging");
        std::fs::create_dir(&staging).unwrap();
        let got = unpack(&archive, &staging);
        (dir, got)
    }

    #[test]
    fn entries_outside_the_staging_directory_are_refused() {
        for name in [
            "media/../../evil",
            "../evil",
            "/tmp/evil",
            "media/.hidden",
            "other.txt",
        ] {
            let (dir, got) = unpack_bytes(&tar_of(&[("database.sqlite", b"db"), (name, b"x")]));
            let err = format!("{:#}", got.unwrap_err());
            assert!(err.contains("unexpected entry"), "{name}: {err}");
            assert!(!dir.path().join("evil").exists() && !Path::new("/tmp/evil").exists());
        }
    }

    #[test]
    fn a_repeated_entry_or_a_missing_manifest_is_refused() {
        let db: (&str, &[u8]) = ("database.sqlite", b"db");
        let (_d, got) = unpack_bytes(&tar_of(&[db, db]));
        assert!(format!("{:#}", got.unwrap_err()).contains("appears twice"));
        let (_d, got) = unpack_bytes(&tar_of(&[db, ("media/photos/a.jpg", b"jpg")]));
        assert!(format!("{:#}", got.unwrap_err()).contains("ends before its manifest"));
    }

    #[test]
    fn a_manifest_that_lists_other_files_is_refused() {
        let manifest = Manifest {
            format: FORMAT.into(),
            format_version: FORMAT_VERSION,
            guild_version: "0".into(),
            backend: Backend::Sqlite,
            created_at: "2026-01-01T00:00:00.000Z".into(),
            schema_version: 1,
            files: vec![FileEntry {
                path: "database.sqlite".into(),
                size: 2,
                sha256: sha256_hex(b"db"),
            }],
        };
        let json = serde_json::to_vec(&manifest).unwrap();
        let digest = sha256_hex(&json);
        let ok = tar_of(&[
            ("database.sqlite", b"db"),
            (MANIFEST, &json),
            (MANIFEST_DIGEST, digest.as_bytes()),
        ]);
        let (_d, got) = unpack_bytes(&ok);
        assert_eq!(got.unwrap(), manifest);
        // The same manifest over another database, and over an extra file.
        let other = tar_of(&[
            ("database.sqlite", b"DB"),
            (MANIFEST, &json),
            (MANIFEST_DIGEST, digest.as_bytes()),
        ]);
        let (_d, got) = unpack_bytes(&other);
        assert!(format!("{:#}", got.unwrap_err()).contains("does not match the manifest"));
        let extra = tar_of(&[
            ("database.sqlite", b"db"),
            ("media/x.jpg", b"x"),
            (MANIFEST, &json),
            (MANIFEST_DIGEST, digest.as_bytes()),
        ]);
        let (_d, got) = unpack_bytes(&extra);
        assert!(format!("{:#}", got.unwrap_err()).contains("does not list"));
    }
}
