//! Attachments: uploaded before the message that carries them, at most
//! `attachment_max_bytes`. Images are re-encoded (as post images are) and may be shown
//! inline; every other file is kept as sent and only ever served as a download.

use super::model::*;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::media::UploadKind;
use crate::{now_ms, Guild};

/// A file the viewer may download.
#[derive(Debug, Clone)]
pub struct Download {
    pub attachment: Attachment,
    pub bytes: Vec<u8>,
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
    /// Keeps an upload for the viewer's next message; returns it (its id goes with the
    /// message). Images are re-encoded; anything else is kept as sent.
    pub async fn upload_attachment(
        &self,
        viewer: &Viewer,
        name: &str,
        bytes: Vec<u8>,
    ) -> CoreResult<Attachment> {
        let me = viewer.require()?.clone();
        let kept = self
            .keep_upload(me.id, UploadKind::Attachment, bytes, false)
            .await?;
        let mut name = clean_name(name);
        if kept.image {
            let stem = name.rsplit_once('.').map_or(name.as_str(), |(s, _)| s);
            name = format!("{stem}.jpg");
        }
        let content_type = if kept.image {
            "image/jpeg"
        } else {
            "application/octet-stream"
        };
        Ok(self
            .store
            .create_attachment(&NewAttachment {
                owner_id: me.id,
                name,
                content_type: content_type.into(),
                size: i64::try_from(kept.bytes).unwrap_or(i64::MAX),
                key: kept.key,
                image: kept.image,
                created_at: now_ms(),
            })
            .await?)
    }

    /// An attachment the viewer may download, with its bytes: sent in a message they may
    /// see, or their own upload not yet sent. Anything else is "not found".
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
        let bytes = self.attachment_bytes(&a.key).await?;
        Ok(Download {
            attachment: a,
            bytes,
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
