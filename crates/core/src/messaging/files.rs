//! Attachments: uploaded before the message that carries them, at most
//! `attachment_max_bytes`. Images are re-encoded (as post images are) and may be shown
//! inline; every other file is kept as sent and only ever served as a download.

use std::path::PathBuf;

use super::model::*;
use crate::auth::{self, Viewer};
use crate::error::{CoreError, CoreResult};
use crate::photo;
use crate::{now_ms, Guild};

/// Longest side of an image attachment.
const IMAGE_SIDE: u32 = 2_048;

/// A file the viewer may download.
#[derive(Debug, Clone)]
pub struct Download {
    pub attachment: Attachment,
    pub path: PathBuf,
}

/// A file name safe to offer in a `Content-Disposition` header: no paths, no quotes, no
/// control characters, at most 120 characters.
fn clean_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let name: String = base
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '\\' | ';'))
        .take(120)
        .collect();
    let name = name.trim().trim_start_matches('.').to_string();
    if name.is_empty() {
        "file".into()
    } else {
        name
    }
}

impl Guild {
    fn files_dir(&self) -> PathBuf {
        self.media_dir.join("files")
    }

    /// Keeps an upload for the viewer's next message; returns it (its id goes with the
    /// message).
    pub async fn upload_attachment(
        &self,
        viewer: &Viewer,
        name: &str,
        bytes: Vec<u8>,
    ) -> CoreResult<Attachment> {
        let me = viewer.require()?.clone();
        let max = self.settings.limits.attachment_max_bytes;
        if bytes.is_empty() {
            return Err(CoreError::invalid("file", "The file is empty."));
        }
        if bytes.len() > max {
            return Err(CoreError::invalid(
                "file",
                format!("A file is at most {} MB.", max / (1024 * 1024)),
            ));
        }
        let is_image = matches!(
            image::guess_format(&bytes),
            Ok(image::ImageFormat::Jpeg
                | image::ImageFormat::Png
                | image::ImageFormat::Gif
                | image::ImageFormat::WebP)
        );
        let mut name = clean_name(name);
        let (data, content_type) = if is_image {
            let limits = self.settings.limits.clone();
            let jpeg = tokio::task::spawn_blocking(move || {
                photo::fit_jpeg(&bytes, max, limits.photo_max_pixels, IMAGE_SIDE)
            })
            .await
            .map_err(|e| CoreError::Internal(format!("image task: {e}")))?
            .map_err(|m| CoreError::invalid("file", m))?;
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            name = format!("{stem}.jpg");
            (jpeg, "image/jpeg".to_string())
        } else {
            (bytes, "application/octet-stream".to_string())
        };
        let key: String = auth::new_secret("")
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .take(32)
            .collect();
        let dir = self.files_dir();
        let io = |e: std::io::Error| CoreError::Internal(format!("writing attachment: {e}"));
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        tokio::fs::write(dir.join(&key), &data).await.map_err(io)?;
        Ok(self
            .store
            .create_attachment(&NewAttachment {
                owner_id: me.id,
                name,
                content_type,
                size: i64::try_from(data.len()).unwrap_or(i64::MAX),
                key,
                image: is_image,
                created_at: now_ms(),
            })
            .await?)
    }

    /// An attachment the viewer may download: sent in a message they may see, or their own
    /// upload not yet sent. Anything else is "not found".
    pub async fn download(&self, viewer: &Viewer, id: i64) -> CoreResult<Download> {
        let me = Self::me(viewer)?;
        let a = self
            .store
            .attachment(id)
            .await?
            .ok_or(CoreError::NotFound)?;
        let allowed = match self.store.attachment_message(id).await? {
            None => a.owner_id == me,
            Some(m) => self.message_for(viewer, m.id).await?.is_some(),
        };
        if !allowed {
            return Err(CoreError::NotFound);
        }
        if a.key.is_empty() || !a.key.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(CoreError::NotFound);
        }
        let path = self.files_dir().join(&a.key);
        Ok(Download {
            attachment: a,
            path,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::clean_name;

    #[test]
    fn names_lose_paths_and_quotes() {
        assert_eq!(clean_name("../../etc/passwd"), "passwd");
        assert_eq!(clean_name("C:\\x\\report \"q1\".pdf"), "report q1.pdf");
        assert_eq!(clean_name(".."), "file");
        assert_eq!(clean_name("a\r\nb.txt"), "ab.txt");
    }
}
