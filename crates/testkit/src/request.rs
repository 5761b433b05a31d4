//! Requests through the router without a socket ([`Req`]) and their responses ([`Resp`]).

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt;
use tower::ServiceExt;

use crate::{TestApp, TestMember};

/// A request being built. Same-origin browser headers are added for cookie requests, as a
/// browser would send them (the CSRF guard needs them); `.cross_site()` sends a forged one.
pub struct Req<'a> {
    app: &'a TestApp,
    method: Method,
    path: String,
    headers: HeaderMap,
    body: Body,
    same_origin: bool,
}

impl<'a> Req<'a> {
    pub(crate) fn new(app: &'a TestApp, method: Method, path: &str) -> Self {
        Req {
            app,
            method,
            path: path.to_string(),
            headers: HeaderMap::new(),
            body: Body::empty(),
            same_origin: true,
        }
    }
    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers
            .insert(name, value.parse().expect("header value"));
        self
    }
    /// Authenticates with the member's API token.
    pub fn token(self, m: &TestMember) -> Self {
        let t = format!("Bearer {}", m.token);
        self.header("authorization", &t)
    }
    pub fn bearer(self, token: &str) -> Self {
        let t = format!("Bearer {token}");
        self.header("authorization", &t)
    }
    /// Authenticates with the member's session cookie, as the pages do.
    pub fn session(self, m: &TestMember) -> Self {
        let c = m.cookie.clone();
        self.header("cookie", &c)
    }
    pub fn cookie(self, cookie: &str) -> Self {
        self.header("cookie", cookie)
    }
    pub fn cross_site(mut self) -> Self {
        self.same_origin = false;
        self.header("sec-fetch-site", "cross-site")
            .header("origin", "https://evil.example")
    }
    pub fn json(mut self, v: serde_json::Value) -> Self {
        self.body = Body::from(v.to_string());
        self.header("content-type", "application/json")
    }
    pub fn raw_body(mut self, content_type: &str, body: impl Into<Vec<u8>>) -> Self {
        self.body = Body::from(body.into());
        self.header("content-type", content_type)
    }
    /// A URL-encoded form, as a browser posts it.
    pub fn form(mut self, fields: &[(&str, &str)]) -> Self {
        let enc = fields
            .iter()
            .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v)))
            .collect::<Vec<_>>()
            .join("&");
        self.body = Body::from(enc);
        self.header("content-type", "application/x-www-form-urlencoded")
    }
    /// A multipart body with one file field.
    pub fn multipart_file(
        mut self,
        field: &str,
        filename: &str,
        content_type: &str,
        data: &[u8],
    ) -> Self {
        let boundary = "----guildtestboundary7MA4YWxk";
        let mut body = Vec::new();
        body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
        body.extend_from_slice(data);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        self.body = Body::from(body);
        self.header(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
    }

    /// A multipart form with text fields and files `(field, filename, content type, bytes)`,
    /// as a browser sends a form with `enctype="multipart/form-data"`.
    pub fn multipart(
        mut self,
        fields: &[(&str, &str)],
        files: &[(&str, &str, &str, &[u8])],
    ) -> Self {
        let boundary = "----guildtestboundary9QX2pLmz";
        let mut body = Vec::new();
        for (name, value) in fields {
            body.extend_from_slice(
                format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n")
                    .as_bytes(),
            );
        }
        for (name, filename, content_type, data) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n").as_bytes());
            body.extend_from_slice(data);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.body = Body::from(body);
        self.header(
            "content-type",
            &format!("multipart/form-data; boundary={boundary}"),
        )
    }

    pub async fn send(mut self) -> Resp {
        if self.same_origin && !self.headers.contains_key("sec-fetch-site") {
            self.headers
                .insert("sec-fetch-site", "same-origin".parse().expect("static"));
        }
        let mut req = Request::builder()
            .method(self.method)
            .uri(&self.path)
            .header(header::HOST, "guild.test");
        for (k, v) in &self.headers {
            req = req.header(k, v);
        }
        let req = req.body(self.body).expect("request");
        let resp = self
            .app
            .router
            .clone()
            .oneshot(req)
            .await
            .expect("infallible router");
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp
            .into_body()
            .collect()
            .await
            .expect("body")
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body,
        }
    }
}

fn form_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// A response, fully read.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_string)
    }
    /// The `guild_session=…` pair from a `Set-Cookie` header, if any.
    pub fn session_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("guild_session=") && !c.starts_with("guild_session=;"))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
    }
    /// The `guild_flash=…` pair a saved form sets for the next page ("Profile saved"), if any.
    pub fn flash_cookie(&self) -> Option<String> {
        self.headers
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("guild_flash=") && !c.starts_with("guild_flash=;"))
            .and_then(|c| c.split(';').next())
            .map(str::to_string)
    }
    /// The error code of an API error body.
    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    #[track_caller]
    pub fn assert_status(&self, s: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            s,
            "unexpected status; body: {}",
            self.text()
        );
        self
    }
}
