//! Attachments: a file uploaded for the next message, and the download of one the asker may
//! see. Images are re-encoded; any other file is only ever served as a download.

use axum::body::Body;
use axum::extract::{Multipart, State};
use axum::http::{header, StatusCode};
use axum::response::Response;
use axum::Json;
use guild_core::media::UploadKind;
use guild_core::messaging::model::Attachment;
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{ApiError, ApiResult};
use crate::extract::{read_api_upload, CurrentViewer, Id};
use crate::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentJson {
    pub id: String,
    pub name: String,
    pub size: i64,
    /// Images are shown inline; any other file is only ever a download.
    pub image: bool,
    pub url: String,
}

impl From<&Attachment> for AttachmentJson {
    fn from(a: &Attachment) -> Self {
        AttachmentJson {
            id: a.id.to_string(),
            name: a.name.clone(),
            size: a.size,
            image: a.image,
            url: format!("/api/v1/attachments/{}", a.id),
        }
    }
}

/// Upload a file for the next message (multipart field `file`, at most `attachment_max_bytes`,
/// 10 MB by default). Images are
/// re-encoded; other files are only ever served as downloads.
#[utoipa::path(post, path = "/api/v1/attachments", operation_id = "upload_attachment", tag = "messaging", request_body(content = super::schema::AttachmentForm, content_type = "multipart/form-data"),
    responses((status = 201, body = AttachmentJson), (status = 422), (status = 429, description = "the member's uploads per hour (`uploads_per_hour`) are used up")))]
pub async fn upload(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    mp: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> ApiResult<(StatusCode, Json<AttachmentJson>)> {
    v.require()?;
    let file = read_api_upload(mp, UploadKind::Attachment, &state.settings.limits).await?;
    let a = state.upload_attachment(&v, &file.name, file.bytes).await?;
    Ok((StatusCode::CREATED, Json((&a).into())))
}

/// Download an attachment of a message the asker may see (404 otherwise). Only images are
/// inline; every other file is `Content-Disposition: attachment`.
#[utoipa::path(get, path = "/api/v1/attachments/{id}", tag = "messaging", params(("id" = String, Path)),
    responses((status = 200, description = "the file"), (status = 404)))]
pub async fn download(
    state: State<AppState>,
    CurrentViewer(v): CurrentViewer,
    Id(id): Id,
) -> ApiResult<Response> {
    file_response(state.download(&v, id).await?)
}

/// The response for a download: never sniffed, never inline unless a re-encoded image.
pub fn file_response(d: guild_core::messaging::Download) -> ApiResult<Response> {
    let a = &d.attachment;
    let disposition = if a.image { "inline" } else { "attachment" };
    let ascii: String = a
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    Response::builder()
        .header(header::CONTENT_TYPE, a.content_type.as_str())
        .header(
            header::CONTENT_DISPOSITION,
            format!("{disposition}; filename=\"{ascii}\""),
        )
        .header(header::X_CONTENT_TYPE_OPTIONS, "nosniff")
        .header(header::CACHE_CONTROL, "private, max-age=3600")
        .header("content-security-policy", "default-src 'none'; sandbox")
        .body(Body::from(d.bytes))
        .map_err(|e| ApiError::Core(guild_core::CoreError::Internal(e.to_string())))
}
