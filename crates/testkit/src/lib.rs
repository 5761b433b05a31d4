//! Test-only helpers: a [`TestApp`] with a fresh database per test (SQLite in a temporary
//! directory, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), members with a
//! session cookie and an API token, a small request builder over the router (no socket), a
//! real server on `127.0.0.1:0` for browser tests, and the outbox of sent email.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use guild_core::accounts::store::AccountStore;
use guild_core::auth::{self, Viewer};
use guild_core::domain::Role;
use guild_core::settings::Settings;
use guild_core::Guild;
use guild_store::{DiskMedia, SqlStore};
use guild_web::mail::LettreMailer;
use guild_web::AppState;
use http_body_util::BodyExt;
use tower::ServiceExt;

pub const PASSWORD: &str = "correct horse battery";

/// The argon2id hash of [`PASSWORD`] with the product's parameters (m = 19 MiB, t = 2, p = 1),
/// computed once: every test member gets it, so making a member costs no hashing. The tests
/// that sign in with `PASSWORD` through the pages and the API would fail if it did not match.
const PASSWORD_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$weLDoLG+ynupDcywh4uZgg$gcOXinqp9PsFOd/kliukyMWhdUxdtC4+RPjte7BRMfc";

/// One Guild, with its own database and data directory, for one test.
pub struct TestApp {
    pub guild: Arc<Guild>,
    pub store: SqlStore,
    pub router: Router,
    pub dir: tempfile::TempDir,
    pub database_url: String,
}

/// A member created for a test, signed in both ways.
#[derive(Clone, Debug)]
pub struct TestMember {
    pub id: i64,
    pub handle: String,
    pub name: String,
    pub email: String,
    pub password: String,
    /// `guild_session=…` for the Cookie header.
    pub cookie: String,
    /// A personal access token for `Authorization: Bearer`.
    pub token: String,
}

impl TestApp {
    pub async fn new() -> TestApp {
        Self::with_settings(|_| {}).await
    }

    /// A TestApp whose settings the test adjusts (registration mode, limits…).
    pub async fn with_settings(adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => fresh_postgres(&admin).await,
            _ => format!("sqlite://{}/guild.db", dir.path().display()),
        };
        let store = SqlStore::connect(&database_url).await.expect("connect");
        store.migrate().await.expect("migrate");
        let mut settings = Settings {
            public_url: "http://guild.test".into(),
            ..Settings::default()
        };
        // Tests sign in many times from one address; rate-limit tests lower these again.
        settings.limits.sign_ins_per_ip_per_hour = 10_000;
        settings.limits.signups_per_ip_per_hour = 10_000;
        adjust(&mut settings);
        let mailer = LettreMailer::outbox(dir.path().join("outbox"), "Guild <guild@guild.test>")
            .expect("outbox");
        let guild = Arc::new(
            Guild::open(
                Arc::new(store.clone()),
                Arc::new(mailer),
                Arc::new(DiskMedia::new(dir.path().join("media"))),
                settings,
            )
            .await
            .expect("open guild"),
        );
        let router = guild_web::router(AppState(guild.clone()));
        TestApp {
            guild,
            store,
            router,
            dir,
            database_url,
        }
    }

    pub fn backend(&self) -> &'static str {
        self.store.backend_name()
    }

    /// Creates an active member `handle` (name from the handle) with a session and a token.
    pub async fn member(&self, handle: &str) -> TestMember {
        self.member_with_role(handle, Role::Member).await
    }

    pub async fn admin(&self, handle: &str) -> TestMember {
        self.member_with_role(handle, Role::Admin).await
    }

    async fn member_with_role(&self, handle: &str, role: Role) -> TestMember {
        let mut name: String = handle.replace('-', " ");
        if let Some(first) = name.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        let email = format!("{handle}@example.com");
        // Written through the store with a precomputed password hash, and signed in by
        // writing the session and token rows as the services do: argon2 is slow by design,
        // and the sign-in flows have tests of their own.
        let handle = guild_core::domain::Handle::parse(handle).expect("a valid test handle");
        let now = guild_core::now_ms();
        let m = self
            .store
            .create_member(
                &guild_core::accounts::model::NewMember {
                    handle,
                    name,
                    email: guild_core::domain::Email::parse(&email).expect("a valid test email"),
                    password_hash: PASSWORD_HASH.into(),
                    role,
                    active: true,
                    created_at: now,
                },
                None,
            )
            .await
            .expect("create member");
        let session = auth::new_secret("");
        let expires = now + i64::from(self.guild.settings.limits.session_days) * 86_400_000;
        self.store
            .create_session(&auth::secret_hash(&session), m.id, now, expires)
            .await
            .expect("session");
        let token = auth::new_secret("gld_");
        self.store
            .create_token(m.id, "test", &auth::secret_hash(&token), now)
            .await
            .expect("token");
        TestMember {
            id: m.id,
            handle: m.handle.to_string(),
            name: m.name,
            email,
            password: PASSWORD.into(),
            cookie: format!("guild_session={session}"),
            token,
        }
    }

    pub fn viewer(&self, m: &TestMember) -> Viewer {
        Viewer::Member(guild_core::accounts::model::Member {
            id: m.id,
            handle: guild_core::domain::Handle::parse(&m.handle).expect("a test handle"),
            name: m.name.clone(),
            email: guild_core::domain::Email::parse(&m.email).expect("a test email"),
            password_hash: String::new(),
            role: Role::Member,
            active: true,
            created_at: 0,
        })
    }

    /// Connects two members through the real services: `a` invites, `b` accepts.
    pub async fn connect(&self, a: &TestMember, b: &TestMember) {
        let input = guild_core::network::InviteInput {
            to: b.handle.clone(),
            ..Default::default()
        };
        match self
            .guild
            .invite(&self.viewer(a), &input)
            .await
            .expect("invite")
        {
            guild_core::network::InviteOutcome::Sent(inv) => {
                self.guild
                    .accept_invitation(&self.viewer(b), inv.id)
                    .await
                    .expect("accept");
            }
            guild_core::network::InviteOutcome::Connected(_) => {}
        }
    }

    pub fn get(&self, path: &str) -> Req<'_> {
        Req::new(self, Method::GET, path)
    }
    pub fn post(&self, path: &str) -> Req<'_> {
        Req::new(self, Method::POST, path)
    }
    pub fn put(&self, path: &str) -> Req<'_> {
        Req::new(self, Method::PUT, path)
    }
    pub fn patch(&self, path: &str) -> Req<'_> {
        Req::new(self, Method::PATCH, path)
    }
    pub fn delete(&self, path: &str) -> Req<'_> {
        Req::new(self, Method::DELETE, path)
    }

    /// Serves this app on a real socket, `127.0.0.1:0`, until the test process ends.
    pub async fn spawn_server(&self) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let guild = self.guild.clone();
        tokio::spawn(async move {
            let _ = guild_web::serve(listener, guild, std::future::pending()).await;
        });
        addr
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    /// Every email written to the outbox, decoded, oldest first.
    pub fn emails(&self) -> Vec<Email> {
        let mut files: Vec<_> = std::fs::read_dir(self.outbox_dir())
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        files.sort_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|raw| Email::parse(&raw))
            .collect()
    }

    /// The first link in the newest email to `to` whose path starts with `prefix`.
    pub fn link_in_email(&self, to: &str, prefix: &str) -> Option<String> {
        self.emails()
            .into_iter()
            .rev()
            .filter(|e| e.to.contains(to))
            .find_map(|e| e.link(prefix))
    }
}

/// A sent email, as the outbox holds it.
#[derive(Debug, Clone)]
pub struct Email {
    pub to: String,
    pub subject: String,
    pub body: String,
}

impl Email {
    fn parse(raw: &str) -> Email {
        let (head, body) = raw
            .split_once("\r\n\r\n")
            .or_else(|| raw.split_once("\n\n"))
            .unwrap_or((raw, ""));
        let header = |name: &str| {
            head.lines()
                .find(|l| {
                    l.to_ascii_lowercase()
                        .starts_with(&format!("{}:", name.to_ascii_lowercase()))
                })
                .map(|l| l[name.len() + 1..].trim().to_string())
                .unwrap_or_default()
        };
        let qp = head.to_ascii_lowercase().contains("quoted-printable");
        let body = if qp {
            decode_qp(body)
        } else {
            body.replace("\r\n", "\n")
        };
        Email {
            to: header("To"),
            subject: header("Subject"),
            body,
        }
    }

    /// The path (from `prefix` on) of the first `http…` link whose path starts with `prefix`.
    pub fn link(&self, prefix: &str) -> Option<String> {
        self.body
            .split_whitespace()
            .filter(|w| w.starts_with("http"))
            .find_map(|url| {
                let path_start = url
                    .find("://")
                    .map(|i| i + 3)
                    .and_then(|i| url[i..].find('/').map(|j| i + j))?;
                let path = &url[path_start..];
                path.starts_with(prefix).then(|| path.to_string())
            })
    }
}

fn decode_qp(s: &str) -> String {
    let s = s.replace("=\r\n", "").replace("=\n", "");
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'=' && i + 2 < bytes.len() + 1 {
            if let Ok(b) = u8::from_str_radix(
                std::str::from_utf8(&bytes[i + 1..(i + 3).min(bytes.len())]).unwrap_or(""),
                16,
            ) {
                out.push(b);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).replace("\r\n", "\n")
}

/// A new PostgreSQL database for one test, cloned from a migrated template.
///
/// Migrating a database takes far longer than copying one, so the first test to need it
/// builds a template (named for the migrations, so a changed migration gets a new one) and
/// every test clones it. An advisory lock keeps two test processes from building it at once,
/// and the template is published by renaming only once it is complete.
async fn fresh_postgres(admin_url: &str) -> String {
    use sqlx::Connection;
    let (base, _) = admin_url
        .rsplit_once('/')
        .expect("database url with a path");
    let template = template_name();
    let name = format!("guild_t_{:016x}", rand::random::<u64>());
    let mut conn = sqlx::PgConnection::connect(admin_url)
        .await
        .expect("connect to TEST_DATABASE_URL");
    // Any constant works as the key: only the test kit takes this lock.
    sqlx::query("SELECT pg_advisory_lock(7471029)")
        .execute(&mut conn)
        .await
        .expect("advisory lock");
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
            .bind(&template)
            .fetch_one(&mut conn)
            .await
            .expect("look for the template");
    if !exists {
        let building = format!("{template}_building");
        sqlx::query(&format!("DROP DATABASE IF EXISTS {building}"))
            .execute(&mut conn)
            .await
            .expect("drop a half-built template");
        sqlx::query(&format!("CREATE DATABASE {building}"))
            .execute(&mut conn)
            .await
            .expect("create the template");
        let store = SqlStore::connect(&format!("{base}/{building}"))
            .await
            .expect("connect to the template");
        store.migrate().await.expect("migrate the template");
        store.close().await;
        sqlx::query(&format!("ALTER DATABASE {building} RENAME TO {template}"))
            .execute(&mut conn)
            .await
            .expect("publish the template");
    }
    sqlx::query(&format!("CREATE DATABASE {name} TEMPLATE {template}"))
        .execute(&mut conn)
        .await
        .expect("clone the template");
    sqlx::query("SELECT pg_advisory_unlock(7471029)")
        .execute(&mut conn)
        .await
        .expect("advisory unlock");
    format!("{base}/{name}")
}

/// `guild_tpl_<hash of the PostgreSQL migrations>`.
fn template_name() -> String {
    // FNV-1a: stable across builds, unlike the standard library's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for m in guild_store::POSTGRES_MIGRATIONS.iter() {
        for b in m.version.to_le_bytes().iter().chain(m.checksum.iter()) {
            h = (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("guild_tpl_{h:016x}")
}

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
    fn new(app: &'a TestApp, method: Method, path: &str) -> Self {
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

/// A small PNG of the given size, for photo uploads.
pub fn png(width: u32, height: u32) -> Vec<u8> {
    png_bytes(width, height)
}

fn png_bytes(width: u32, height: u32) -> Vec<u8> {
    let mut img = image::RgbImage::new(width, height);
    for (x, y, p) in img.enumerate_pixels_mut() {
        *p = image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]);
    }
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("encode png");
    out
}
