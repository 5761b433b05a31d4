//! The one list of routes: pages, the JSON API, its documentation, static files and media.

use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::{header, StatusCode, Uri};
use axum::middleware::from_fn;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use guild_core::auth::Viewer;
use guild_core::media::pipeline::MediaCache;

use crate::extract::CurrentViewer;
use crate::{api, html, ops, security, AppState};

/// Request bodies are small unless a route says otherwise (photo uploads do).
pub const BODY_LIMIT: usize = 64 * 1024;

pub fn router(state: AppState) -> Router {
    let limits = &state.settings.limits;
    let hsts = state
        .settings
        .hsts()
        .and_then(|v| header::HeaderValue::from_str(&v).ok());
    Router::new()
        .merge(
            html::router(limits)
                .layer(axum::middleware::from_fn_with_state(
                    state.clone(),
                    html::topbar::topbar_counts,
                ))
                .layer(from_fn(html::flash::carry)),
        )
        .nest("/api/v1", api::router(limits))
        .merge(api::docs::router())
        .route("/static/{file}", get(static_file))
        .route("/favicon.ico", get(|| icon("favicon.ico")))
        .route("/favicon.svg", get(|| icon("favicon.svg")))
        .route(
            "/apple-touch-icon.png",
            get(|| icon("apple-touch-icon.png")),
        )
        .route("/icon-192.png", get(|| icon("icon-192.png")))
        .route("/icon-512.png", get(|| icon("icon-512.png")))
        .route(
            "/manifest.webmanifest",
            get(|| icon("manifest.webmanifest")),
        )
        .route("/media/{*path}", get(media_file))
        // Health and metrics: outside the API, for load balancers and monitoring.
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .fallback(fallback)
        .layer(from_fn(security::csrf))
        .layer(axum::middleware::from_fn_with_state(
            hsts,
            security::headers,
        ))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        // Outermost, so every answer is counted, refusals by the layers above included.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ops::track_requests,
        ))
        .with_state(state)
}

/// The stylesheet and script are compiled in, so the binary runs from any directory.
async fn static_file(Path(file): Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "app.css" => (include_str!("../static/app.css"), "text/css; charset=utf-8"),
        "app.js" => (
            include_str!("../static/app.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// The favicon, the app icons and the web app manifest, compiled in and cached for thirty days
/// (browsers ask for them often; they change with a release at most).
async fn icon(file: &'static str) -> Response {
    let (body, mime): (&'static [u8], &str) = match file {
        "favicon.ico" => (
            include_bytes!("../static/icons/favicon.ico"),
            "image/x-icon",
        ),
        "favicon.svg" => (
            include_bytes!("../static/icons/favicon.svg"),
            "image/svg+xml",
        ),
        "apple-touch-icon.png" => (
            include_bytes!("../static/icons/apple-touch-icon.png"),
            "image/png",
        ),
        "icon-192.png" => (include_bytes!("../static/icons/icon-192.png"), "image/png"),
        "icon-512.png" => (include_bytes!("../static/icons/icon-512.png"), "image/png"),
        "manifest.webmanifest" => (
            include_bytes!("../static/icons/manifest.webmanifest"),
            "application/manifest+json",
        ),
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, mime),
            (header::CACHE_CONTROL, "public, max-age=2592000"),
        ],
        body,
    )
        .into_response()
}

/// A profile photo or a post image, if this viewer may see it (core decides, as for the
/// profile or the post); anything else is "not found". Attachments have their own route.
async fn media_file(
    State(state): State<AppState>,
    viewer: Result<CurrentViewer, crate::extract::ViewerRejection>,
    Path(path): Path<String>,
) -> Response {
    // A stale session cookie sees what anybody sees.
    let viewer = viewer.map_or(Viewer::Anonymous, |CurrentViewer(v)| v);
    match state.media_file(&viewer, &path).await {
        Ok(file) => {
            let cache = match file.cache {
                MediaCache::Forever => "public, max-age=31536000, immutable",
                MediaCache::Public => "public, max-age=3600",
                MediaCache::Private => "private, max-age=300",
            };
            (
                [
                    (header::CONTENT_TYPE, file.content_type),
                    (header::CACHE_CONTROL, cache),
                ],
                file.bytes,
            )
                .into_response()
        }
        Err(guild_core::CoreError::NotFound) => {
            (StatusCode::NOT_FOUND, "not found").into_response()
        }
        Err(e) => crate::error::ApiError::Core(e).into_response(),
    }
}

async fn fallback(
    uri: Uri,
    viewer: Result<CurrentViewer, crate::extract::ViewerRejection>,
) -> Response {
    if uri.path().starts_with("/api/") {
        return crate::error::ApiError::Core(guild_core::CoreError::NotFound).into_response();
    }
    let viewer = viewer.ok().and_then(|CurrentViewer(v)| v.member().cloned());
    page_not_found(viewer.as_ref())
}

/// The page of an address where nothing is (also what `/metrics` shows those it refuses).
pub(crate) fn page_not_found(viewer: Option<&guild_core::accounts::model::Member>) -> Response {
    crate::html::layout::render_error(
        viewer,
        StatusCode::NOT_FOUND,
        "Page not found",
        "There is nothing at this address. It may have moved, or never existed.",
    )
}
