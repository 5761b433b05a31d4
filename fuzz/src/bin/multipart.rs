//! Fuzz target: a multipart body as the web layer reads an upload, through axum's `Multipart`
//! and `guild_web::extract::read_upload`, under a tokio runtime. Whatever the body, the result
//! is the upload or a refusal on the upload's own field, and an upload's bytes are bytes the
//! body held.

use axum::body::Body;
use axum::extract::{FromRequest, Multipart};
use axum::http::{header, Request};
use guild_core::media::UploadKind;
use guild_core::settings::Limits;
use guild_core::CoreError;

/// The boundary every body is read with; the seeds use it.
const BOUNDARY: &str = "guildfuzz";

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("a runtime");
    let limits = Limits::default();
    afl::fuzz!(|data: &[u8]| {
        // The first byte chooses which kind of upload the route expects.
        let Some((&choice, body)) = data.split_first() else {
            return;
        };
        let kind = [
            UploadKind::Photo,
            UploadKind::PostImage,
            UploadKind::Attachment,
            UploadKind::Contacts,
        ][usize::from(choice % 4)];
        let request = Request::builder()
            .method("POST")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(Body::from(body.to_vec()))
            .unwrap();
        runtime.block_on(async {
            let multipart = Multipart::from_request(request, &()).await.unwrap();
            match guild_web::extract::read_upload(multipart, kind, &limits).await {
                Ok(upload) => {
                    let held = upload.bytes.is_empty()
                        || body
                            .windows(upload.bytes.len())
                            .any(|w| w == upload.bytes.as_slice());
                    assert!(held, "upload bytes not in the body");
                }
                Err(CoreError::Invalid(fields)) => {
                    let names: Vec<&String> = fields.0.keys().collect();
                    assert_eq!(names, [kind.field()]);
                }
                Err(other) => panic!("{other:?}"),
            }
        });
    });
}
