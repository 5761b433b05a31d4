//! [`DiskMedia`]: uploaded files under a directory (`<data-dir>/media`), behind core's
//! `MediaStorage` port. Object storage would be one more implementation of the same trait.

use std::io::{Error, ErrorKind};
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use guild_core::media::store::MediaStorage;

/// Files under `root`, at the paths core gives (`photos/<key>-400.jpg`).
#[derive(Debug, Clone)]
pub struct DiskMedia {
    root: PathBuf,
}

impl DiskMedia {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        DiskMedia { root: root.into() }
    }

    /// The file for `path`. Core makes every path itself, but a path that could leave the
    /// root (`..`, an absolute path, anything but letters, digits, `-`, `_` and one `.` in a
    /// name) is refused here too.
    fn file(&self, path: &str) -> std::io::Result<PathBuf> {
        let safe = !path.is_empty()
            && path.split('/').all(|part| {
                !part.is_empty()
                    && !part.starts_with('.')
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
            });
        if safe {
            Ok(self.root.join(Path::new(path)))
        } else {
            Err(Error::new(
                ErrorKind::InvalidInput,
                format!("not a media path: {path:?}"),
            ))
        }
    }
}

#[async_trait]
impl MediaStorage for DiskMedia {
    async fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()> {
        let file = self.file(path)?;
        if let Some(dir) = file.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        // Written aside and renamed, so a reader never sees half a file.
        let partial = file.with_extension("partial");
        tokio::fs::write(&partial, bytes).await?;
        tokio::fs::rename(&partial, &file).await
    }

    async fn get(&self, path: &str) -> std::io::Result<Option<Vec<u8>>> {
        let Ok(file) = self.file(path) else {
            return Ok(None);
        };
        match tokio::fs::read(file).await {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn delete(&self, path: &str) -> std::io::Result<()> {
        match tokio::fs::remove_file(self.file(path)?).await {
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_round_trip_and_paths_stay_inside() {
        let dir = tempfile::tempdir().unwrap();
        let media = DiskMedia::new(dir.path());
        media.put("posts/abc.jpg", b"jpeg").await.unwrap();
        assert_eq!(
            media.get("posts/abc.jpg").await.unwrap(),
            Some(b"jpeg".to_vec())
        );
        assert_eq!(media.get("posts/none.jpg").await.unwrap(), None);
        for bad in [
            "../x",
            "/etc/passwd",
            "posts/../x",
            "posts/.hidden",
            "",
            "posts//x",
            "a\\b",
        ] {
            assert!(media.put(bad, b"x").await.is_err(), "{bad}");
            assert_eq!(media.get(bad).await.unwrap(), None, "{bad}");
        }
        media.delete("posts/abc.jpg").await.unwrap();
        media.delete("posts/abc.jpg").await.unwrap();
        assert_eq!(media.get("posts/abc.jpg").await.unwrap(), None);
    }
}
