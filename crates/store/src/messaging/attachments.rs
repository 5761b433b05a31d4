//! Message attachments: the file's record (the bytes are stored by core under its key).

use guild_core::messaging::model::*;
use guild_core::store::StoreResult;

use crate::sql::vals;
use crate::SqlStore;

#[derive(sqlx::FromRow)]
struct AttachmentRow {
    id: i64,
    owner_id: i64,
    name: String,
    content_type: String,
    size: i64,
    storage_key: String,
    is_image: bool,
    created_at: i64,
}

impl From<AttachmentRow> for Attachment {
    fn from(r: AttachmentRow) -> Self {
        Attachment {
            id: r.id,
            owner_id: r.owner_id,
            name: r.name,
            content_type: r.content_type,
            size: r.size,
            key: r.storage_key,
            image: r.is_image,
            created_at: r.created_at,
        }
    }
}

pub(super) async fn create_attachment(
    store: &SqlStore,
    a: &NewAttachment,
) -> StoreResult<Attachment> {
    let sql = "INSERT INTO message_attachments \
         (owner_id, name, content_type, size, storage_key, is_image, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) \
         RETURNING id, owner_id, name, content_type, size, storage_key, is_image, created_at";
    let binds = vals![
        a.owner_id,
        &a.name,
        &a.content_type,
        a.size,
        &a.key,
        a.image,
        a.created_at,
    ];
    store.fetch_one::<AttachmentRow, _>(sql, &binds).await
}
pub(super) async fn attachment(store: &SqlStore, id: i64) -> StoreResult<Option<Attachment>> {
    let sql = "SELECT id, owner_id, name, content_type, size, storage_key, is_image, created_at \
               FROM message_attachments WHERE id = $1";
    store
        .fetch_optional::<AttachmentRow, _>(sql, &vals![id])
        .await
}
