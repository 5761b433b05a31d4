//! Addresses members type from habit that are another page here: `/feed` is the home feed.
//! Signed out, they lead to sign-in and back.

use axum::response::Response;
use axum::routing::get;
use axum::Router;

use super::layout::see_other;
use crate::error::{fail, PageResult};
use crate::extract::CurrentViewer;
use crate::AppState;

pub fn router() -> Router<AppState> {
    Router::new().route("/feed", get(feed))
}

/// The home page is the feed for a signed-in member.
async fn feed(CurrentViewer(v): CurrentViewer) -> PageResult<Response> {
    v.require().map_err(|e| fail(e, &v, "/feed"))?;
    Ok(see_other("/", None))
}
