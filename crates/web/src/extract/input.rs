//! A request's input, with rejections in the shape its client reads: JSON bodies and query
//! strings for the API ([`ApiJson`], [`OptionalJson`], [`ApiQuery`]: a 400 with the error
//! shape), a numeric path id for both ([`Id`]: anything else names nothing, so 404), and one
//! uploaded file of a multipart form ([`read_upload`], with the limits from the settings).

use axum::body::{Body, Bytes};
use axum::extract::multipart::{MultipartError, MultipartRejection};
use axum::extract::{FromRequest, FromRequestParts, Multipart, Path, Query, Request};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use guild_core::media::UploadKind;
use guild_core::settings::Limits;
use guild_core::CoreError;
use serde::de::DeserializeOwned;

use super::viewer::ResolvedViewer;
use crate::error::{ApiError, PageError};

/// A JSON object body; malformed JSON, a wrong type or an unknown field is a 400 in the API's
/// error shape (request types use `#[serde(deny_unknown_fields)]`), and so is any JSON value
/// but an object: serde would read a request type from an array of its fields in order, which
/// no client is told it may send.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        // Read within the route's body limit, then parsed by axum's `Json` as before (its
        // content-type check and its messages), and refused if it is not an object.
        let (parts, body) = req.into_parts();
        let bytes = Bytes::from_request(Request::from_parts(parts.clone(), body), state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        let req = Request::from_parts(parts, Body::from(bytes.clone()));
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) if is_object(&bytes) => Ok(ApiJson(v)),
            Ok(_) => Err(ApiError::BadRequest(NOT_AN_OBJECT.into())),
            Err(rej) => Err(ApiError::BadRequest(rej.body_text())),
        }
    }
}

const NOT_AN_OBJECT: &str = "The JSON body must be an object.";

/// Whether a JSON text that parsed is an object: its first character past white space.
fn is_object(json: &[u8]) -> bool {
    json.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{')
}

/// A JSON object body that may be left out entirely (an empty body, or `null`, is `None`);
/// anything else must be an object that parses, or it is a 400 in the API's error shape.
pub struct OptionalJson<T>(pub Option<T>);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for OptionalJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = Bytes::from_request(req, state)
            .await
            .map_err(|e| ApiError::BadRequest(e.body_text()))?;
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(OptionalJson(None));
        }
        match serde_json::from_slice::<Option<T>>(&body) {
            Ok(Some(_)) if !is_object(&body) => Err(ApiError::BadRequest(NOT_AN_OBJECT.into())),
            Ok(v) => Ok(OptionalJson(v)),
            Err(e) => Err(ApiError::BadRequest(format!(
                "The JSON body is not valid: {e}"
            ))),
        }
    }
}

/// The query string of an API request; an unknown parameter or a wrong type is a 400 in the
/// API's error shape (parameter types use `#[serde(deny_unknown_fields)]`).
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match Query::<T>::from_request_parts(parts, state).await {
            Ok(Query(v)) => Ok(ApiQuery(v)),
            Err(rej) => Err(ApiError::BadRequest(rej.body_text())),
        }
    }
}

/// The numeric id of a route with one path parameter (`/posts/{id}`). A path that is not a
/// number names nothing: "not found", exactly like the id of something the asker may not see.
pub struct Id(pub i64);

/// The rejection of [`Id`]: a 404 as JSON under `/api/`, as a page elsewhere.
pub struct NotFound {
    api: bool,
    viewer: Option<ResolvedViewer>,
}

impl IntoResponse for NotFound {
    fn into_response(self) -> Response {
        if self.api {
            return ApiError::Core(CoreError::NotFound).into_response();
        }
        PageError {
            error: CoreError::NotFound,
            next: None,
            viewer: self
                .viewer
                .and_then(|ResolvedViewer(v)| v.member().cloned()),
        }
        .into_response()
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = NotFound;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let raw = Path::<String>::from_request_parts(parts, state).await;
        match raw.ok().and_then(|Path(raw)| parse_id(&raw).ok()) {
            Some(id) => Ok(Id(id)),
            None => Err(NotFound {
                api: super::is_api(parts),
                viewer: parts.extensions.get::<ResolvedViewer>().cloned(),
            }),
        }
    }
}

/// An id from a path with several parameters: not a number is "not found".
pub fn parse_id(raw: &str) -> Result<i64, CoreError> {
    raw.parse().map_err(|_| CoreError::NotFound)
}

/// One uploaded file.
#[derive(Debug)]
pub struct Upload {
    /// The file name the browser gave (may be empty).
    pub name: String,
    pub bytes: Vec<u8>,
}

/// What a multipart body that is not whole gets: not "too large", which it is not.
pub const BROKEN_UPLOAD: &str =
    "The upload did not arrive whole (the connection broke off, or the form was malformed). Please try again.";

/// Reads the file field of `kind` from a multipart body. A body over the route's limit (which
/// the settings decide) says how large a file may be; one that breaks off or is malformed
/// says so; a form without the field says what to choose. Other fields are skipped (the
/// pages' forms send their own).
pub async fn read_upload(
    mp: Multipart,
    kind: UploadKind,
    limits: &Limits,
) -> Result<Upload, CoreError> {
    read_form(mp, kind, limits, false)
        .await
        .map_err(|e| match e {
            FormError::Refused(e) => e,
            // not reached: only the API's forms are strict
            FormError::OtherField(m) => CoreError::invalid(kind.field(), m),
        })
}

/// [`read_upload`] for the API, whose forms have the one file field: another field, or a
/// body that is not a multipart form at all, is a 400 like any malformed request; a form
/// that breaks off is a 422 on the file field, as on the pages.
pub async fn read_api_upload(
    mp: Result<Multipart, MultipartRejection>,
    kind: UploadKind,
    limits: &Limits,
) -> Result<Upload, ApiError> {
    let mp = mp.map_err(|e| ApiError::BadRequest(e.body_text()))?;
    read_form(mp, kind, limits, true)
        .await
        .map_err(|e| match e {
            FormError::Refused(e) => ApiError::Core(e),
            FormError::OtherField(m) => ApiError::BadRequest(m),
        })
}

enum FormError {
    /// What core says of it: too large, broken off, or no file.
    Refused(CoreError),
    /// A field the API's form does not have.
    OtherField(String),
}

async fn read_form(
    mut mp: Multipart,
    kind: UploadKind,
    limits: &Limits,
    strict: bool,
) -> Result<Upload, FormError> {
    let field = kind.field();
    let cause = |e: MultipartError| {
        FormError::Refused(if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            CoreError::invalid(field, kind.too_large(limits))
        } else {
            CoreError::invalid(field, BROKEN_UPLOAD)
        })
    };
    let mut upload = None;
    while let Some(f) = mp.next_field().await.map_err(cause)? {
        if f.name() == Some(field) && upload.is_none() {
            let name = f.file_name().unwrap_or_default().to_string();
            let bytes = f.bytes().await.map_err(cause)?;
            upload = Some(Upload {
                name,
                bytes: bytes.to_vec(),
            });
            if !strict {
                break;
            }
        } else if strict {
            return Err(FormError::OtherField(format!(
                "This form has one field, `{field}`, holding the file."
            )));
        }
    }
    upload.ok_or_else(|| FormError::Refused(CoreError::invalid(field, kind.missing())))
}
