//! Extractors, the edge where a request becomes typed values: who is asking and from where
//! ([`viewer`]), and the request's input with rejections in the shape its client reads
//! ([`input`]: JSON and query strings, path ids, uploaded files).

pub mod input;
pub mod viewer;

pub use input::{read_api_upload, read_upload, ApiJson, ApiQuery, Id, OptionalJson, Upload};
pub use viewer::{
    clear_session_cookie, cookie, session_cookie, ClientIp, CurrentViewer, ResolvedViewer,
    SessionToken, ViewerRejection, SESSION_COOKIE,
};

/// Whether the request is for the JSON API (its errors are JSON) rather than a page.
fn is_api(parts: &axum::http::request::Parts) -> bool {
    // Inside the nested API router `parts.uri` has lost its `/api/v1` prefix.
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or(parts.uri.path(), |o| o.0.path())
        .starts_with("/api/")
}
