//! `MediaStore` for [`SqlStore`]: the record of every upload (`media`), and finding and
//! forgetting the uploads nothing used. The files themselves are [`crate::files`].

use async_trait::async_trait;
use guild_core::accounts::model::MemberId;
use guild_core::media::store::{MediaStore, StoredUpload, UploadUse};
use guild_core::media::UploadKind;
use guild_core::store::StoreResult;

use crate::sql::{bind_all, placeholders, vals, Val};
use crate::{db_err, with_pool, SqlStore};

#[derive(sqlx::FromRow)]
struct UploadRow {
    key: String,
    owner_id: i64,
    purpose: String,
    bytes: i64,
    created_at: i64,
    used_at: Option<i64>,
}

impl From<UploadRow> for StoredUpload {
    fn from(r: UploadRow) -> Self {
        StoredUpload {
            key: r.key,
            owner_id: r.owner_id,
            // A kind this version does not know is swept as an attachment would be: its
            // files are under its key all the same.
            kind: UploadKind::parse(&r.purpose).unwrap_or(UploadKind::Attachment),
            bytes: r.bytes,
            created_at: r.created_at,
            used_at: r.used_at,
        }
    }
}

#[derive(sqlx::FromRow)]
struct UseRow {
    owner_id: i64,
    purpose: String,
    post_id: Option<i64>,
}

impl From<UseRow> for UploadUse {
    fn from(r: UseRow) -> Self {
        UploadUse {
            owner_id: r.owner_id,
            kind: UploadKind::parse(&r.purpose).unwrap_or(UploadKind::Attachment),
            post_id: r.post_id,
        }
    }
}

/// `$first…` placeholders for `keys`, and the values to bind to them.
fn key_list(first: usize, keys: &[String]) -> (String, Vec<Val<'_>>) {
    (
        placeholders(first, keys.len()),
        keys.iter().map(Val::from).collect(),
    )
}

#[async_trait]
impl MediaStore for SqlStore {
    async fn record_upload(&self, u: &StoredUpload) -> StoreResult<()> {
        let sql = "INSERT INTO media (key, owner_id, purpose, bytes, created_at, used_at) \
                   VALUES ($1, $2, $3, $4, $5, $6)";
        let binds = vals![
            &u.key,
            u.owner_id,
            u.kind.as_str(),
            u.bytes,
            u.created_at,
            u.used_at,
        ];
        self.run_referencing(sql, &binds).await.map(|_| ())
    }

    async fn claim_uploads(
        &self,
        owner: MemberId,
        kind: UploadKind,
        keys: &[String],
        now: i64,
    ) -> StoreResult<Vec<String>> {
        if keys.is_empty() {
            return Ok(Vec::new());
        }
        let (list, mut binds) = key_list(4, keys);
        let mut all = vals![owner, kind.as_str(), now].to_vec();
        all.append(&mut binds);
        let sql = format!(
            "UPDATE media SET used_at = COALESCE(used_at, $3) \
             WHERE owner_id = $1 AND purpose = $2 AND key IN ({list}) RETURNING key"
        );
        self.scalars(&sql, &all).await
    }

    async fn show_in_post(
        &self,
        owner: MemberId,
        post_id: i64,
        keys: &[String],
    ) -> StoreResult<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let (list, mut binds) = key_list(4, keys);
        let mut all = vals![owner, post_id, UploadKind::PostImage.as_str()].to_vec();
        all.append(&mut binds);
        let sql = format!(
            "UPDATE media SET post_id = $2 \
             WHERE owner_id = $1 AND purpose = $3 AND key IN ({list})"
        );
        self.run_referencing(&sql, &all).await.map(|_| ())
    }

    async fn upload_use(&self, key: &str) -> StoreResult<Option<UploadUse>> {
        let sql = "SELECT owner_id, purpose, post_id FROM media WHERE key = $1";
        self.fetch_optional::<UseRow, _>(sql, &vals![key]).await
    }

    async fn unused_uploads(&self, before: i64, limit: u32) -> StoreResult<Vec<StoredUpload>> {
        let sql = "SELECT key, owner_id, purpose, bytes, created_at, used_at FROM media m \
                   WHERE used_at IS NULL AND created_at < $1 \
                   AND NOT EXISTS (SELECT 1 FROM message_attachments a \
                       JOIN messages g ON g.attachment_id = a.id WHERE a.storage_key = m.key) \
                   ORDER BY created_at LIMIT $2";
        self.fetch_all::<UploadRow, _>(sql, &vals![before, limit])
            .await
    }

    async fn forget_uploads(&self, keys: &[String]) -> StoreResult<()> {
        if keys.is_empty() {
            return Ok(());
        }
        let (list, binds) = key_list(1, keys);
        // An attachment's record goes with it, unless a message carries it after all.
        let attachments = format!(
            "DELETE FROM message_attachments WHERE storage_key IN ({list}) \
             AND NOT EXISTS (SELECT 1 FROM messages g WHERE g.attachment_id = message_attachments.id)"
        );
        let uploads = format!("DELETE FROM media WHERE key IN ({list})");
        with_pool!(self, |p| {
            let mut tx = p.begin().await.map_err(db_err)?;
            bind_all!(sqlx::query(&attachments), &binds)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            bind_all!(sqlx::query(&uploads), &binds)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            tx.commit().await.map_err(db_err)
        })
    }
}
