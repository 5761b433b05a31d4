//! What uploads need from outside core: [`MediaStorage`], where the files' bytes are kept (a
//! port: files under the data directory today, object storage later), and [`MediaStore`],
//! the record of every upload in the database (who made it, for what, and when something
//! first used it), which finds the uploads nothing ever used.

use async_trait::async_trait;

use super::UploadKind;
use crate::accounts::model::MemberId;
use crate::error::StoreResult;

/// Where uploaded files are kept. Paths are made only by the pipeline
/// ([`UploadKind::paths`]): `photos/<key>-400.jpg`, `posts/<key>.jpg`, `files/<key>`.
#[async_trait]
pub trait MediaStorage: Send + Sync + 'static {
    async fn put(&self, path: &str, bytes: &[u8]) -> std::io::Result<()>;
    /// The file's bytes; `None` when there is no such file.
    async fn get(&self, path: &str) -> std::io::Result<Option<Vec<u8>>>;
    /// Removes the file; one that is not there is not an error.
    async fn delete(&self, path: &str) -> std::io::Result<()>;
}

/// One upload as the record keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredUpload {
    /// The random key its files are named by.
    pub key: String,
    pub owner_id: MemberId,
    pub kind: UploadKind,
    /// The size of what was kept (all its files).
    pub bytes: i64,
    pub created_at: i64,
    /// When a profile, post or message first used it; `None` until then.
    pub used_at: Option<i64>,
}

/// What serving an upload's file needs to know: whose it is, what for, and (a post image)
/// which post shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadUse {
    pub owner_id: MemberId,
    pub kind: UploadKind,
    pub post_id: Option<i64>,
}

#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn record_upload(&self, upload: &StoredUpload) -> StoreResult<()>;
    /// Marks `owner`'s uploads of `kind` with these keys as used (the first use counts) and
    /// returns the keys it found: a key that is someone else's, or of another kind, is not.
    async fn claim_uploads(
        &self,
        owner: MemberId,
        kind: UploadKind,
        keys: &[String],
        now: i64,
    ) -> StoreResult<Vec<String>>;
    /// Records that `owner`'s post `post_id` shows these post images (their readers are the
    /// post's); keys that are not the owner's post images are left alone.
    async fn show_in_post(&self, owner: MemberId, post_id: i64, keys: &[String])
        -> StoreResult<()>;
    /// The upload with this key, as serving its file needs it.
    async fn upload_use(&self, key: &str) -> StoreResult<Option<UploadUse>>;
    /// Uploads never used, made before `before`, oldest first; an attachment that a message
    /// carries is never among them.
    async fn unused_uploads(&self, before: i64, limit: u32) -> StoreResult<Vec<StoredUpload>>;
    /// Forgets these uploads, and the attachment records of those that were attachments.
    async fn forget_uploads(&self, keys: &[String]) -> StoreResult<()>;
}
