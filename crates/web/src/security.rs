//! Response headers that make pages safe by default, and the cross-site form-post guard.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// No inline scripts anywhere; styles inline only for the Swagger UI page, which needs them.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   form-action 'self'; frame-ancestors 'none'";
const CSP_DOCS: &str = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
                        img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                        frame-ancestors 'none'";

/// The safe-by-default headers on every response; `hsts` is the `Strict-Transport-Security`
/// value when Guild is served over https ([`guild_core::settings::Settings::hsts`]).
pub async fn headers(
    State(hsts): State<Option<HeaderValue>>,
    req: Request,
    next: Next,
) -> Response {
    let docs = req.uri().path().starts_with("/api/docs");
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if let Some(v) = hsts {
        h.insert(header::STRICT_TRANSPORT_SECURITY, v);
    }
    // A response with a policy of its own keeps it: a member's file is served sandboxed.
    if !h.contains_key(header::CONTENT_SECURITY_POLICY) {
        h.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(if docs { CSP_DOCS } else { CSP }),
        );
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    resp
}

/// Refuses state-changing requests that a browser sent on behalf of another site.
///
/// Requests that carry a bearer token are scripts, not browsers riding on a cookie, and pass;
/// so do API requests with no session cookie at all (a script creating its token with email
/// and password: there is no session to ride on).
/// Otherwise the browser must say the request is same-origin: `Sec-Fetch-Site: same-origin`
/// (or `none`, typed by the user), or, from browsers without Fetch Metadata, an `Origin` whose
/// host is ours. A request with neither is refused: every current browser sends one of them on
/// a POST.
pub async fn csrf(req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS)
        || is_bearer(&req)
        || (req.uri().path().starts_with("/api/") && !has_session_cookie(&req))
        || same_origin(&req)
    {
        return next.run(req).await;
    }
    let api = req.uri().path().starts_with("/api/");
    let msg = "This request came from another site and was refused. Please use Guild's own pages.";
    if api {
        crate::error::ApiError::Core(guild_core::CoreError::Forbidden(msg.into())).into_response()
    } else {
        crate::html::layout::render_error(None, StatusCode::FORBIDDEN, "Request refused", msg)
    }
}

fn has_session_cookie(req: &Request) -> bool {
    req.headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .any(|kv| {
            kv.trim()
                .starts_with(&format!("{}=", crate::extract::SESSION_COOKIE))
        })
}

fn is_bearer(req: &Request) -> bool {
    req.headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("Bearer "))
}

fn same_origin(req: &Request) -> bool {
    let h = req.headers();
    if let Some(site) = h.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "same-origin" || site == "none";
    }
    let host = h.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = h.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (origin, host) {
        (Some(o), Some(host)) => {
            let o = o
                .strip_prefix("https://")
                .or_else(|| o.strip_prefix("http://"))
                .unwrap_or("");
            o.eq_ignore_ascii_case(host)
        }
        _ => false,
    }
}
