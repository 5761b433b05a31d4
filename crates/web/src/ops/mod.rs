//! `/healthz`, `/readyz` and `/metrics` for load balancers and monitoring, and the layer that
//! counts every request by its route. Core decides (readiness, who may read metrics, what
//! the numbers are: [`guild_core::ops`]); this writes the answers. None of these routes is
//! part of the API (`/api/v1`) or its OpenAPI document.

mod text;

use std::net::IpAddr;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use guild_core::ops::requests::{method_label, UNMATCHED};

use crate::extract::ClientIp;
use crate::AppState;

const PLAIN: &str = "text/plain; charset=utf-8";
/// The classic Prometheus text format, which every Prometheus reads and `promtool` checks.
const EXPOSITION: &str = "text/plain; version=0.0.4; charset=utf-8";

/// 200 while the process serves requests: nothing else is asked (a liveness probe that
/// touched the database would restart healthy nodes when the database is down).
pub async fn healthz() -> Response {
    plain(StatusCode::OK, "ok\n".into())
}

/// 200 once this node should get traffic, else 503 with the reasons, one line.
pub async fn readyz(State(state): State<AppState>) -> Response {
    let r = state.readiness().await;
    if r.is_ready() {
        return plain(StatusCode::OK, "ready\n".into());
    }
    let why: Vec<String> = r.unready.iter().map(ToString::to_string).collect();
    plain(
        StatusCode::SERVICE_UNAVAILABLE,
        format!("not ready: {}\n", why.join("; ")),
    )
}

/// The metrics in Prometheus's text format, to the addresses of `[metrics] allow` or with
/// its token; anyone else gets the "not found" page any unknown address gets, so the route
/// does not tell that it exists.
pub async fn metrics(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    headers: HeaderMap,
) -> Response {
    let client = client.parse::<IpAddr>().ok();
    let bearer = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    if !state.settings.metrics.permits(client, bearer) {
        return crate::router::page_not_found(None);
    }
    let report = state.ops_report().await;
    (
        [(CONTENT_TYPE, EXPOSITION), (CACHE_CONTROL, "no-store")],
        text::render(&report),
    )
        .into_response()
}

/// Counts each request under its route's template (`/api/v1/posts/{id}`, as matched, never
/// the raw path), method and status, with how long the answer took to start. A live
/// stream counts the time to its first byte, not how long it stays open.
pub async fn track_requests(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().cloned();
    let method = method_label(req.method().as_str());
    let start = Instant::now();
    let resp = next.run(req).await;
    state.request_metrics().record(
        route.as_ref().map_or(UNMATCHED, MatchedPath::as_str),
        method,
        resp.status().as_u16(),
        start.elapsed(),
    );
    resp
}

fn plain(status: StatusCode, body: String) -> Response {
    (
        status,
        [(CONTENT_TYPE, PLAIN), (CACHE_CONTROL, "no-store")],
        body,
    )
        .into_response()
}
