//! Test-only helpers: a [`TestApp`] with a fresh database per test (SQLite in a temporary
//! directory, or a new PostgreSQL database when `TEST_DATABASE_URL` is set), members with a
//! session cookie and an API token, a small request builder over the router (no socket), a
//! real server on `127.0.0.1:0` for browser tests, and the outbox of sent email.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::http::Method;
use axum::Router;
use guild_core::accounts::store::AccountStore;
use guild_core::auth::{self, Viewer};
use guild_core::domain::Role;
use guild_core::settings::Settings;
use guild_core::Guild;
use guild_store::{DiskMedia, SqlStore};
use guild_web::mail::LettreMailer;
use guild_web::AppState;

mod databases;
pub use databases::fresh_postgres;
mod outbox;
mod request;

pub use outbox::Email;
pub use request::{Req, Resp};

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
        Self::build(adjust, false).await
    }

    /// A TestApp whose mail goes to an SMTP server that refuses connections (a port on this
    /// machine nothing listens on): every attempt to send fails as a real one would.
    pub async fn with_mail_down() -> TestApp {
        Self::build(|_| {}, true).await
    }

    async fn build(adjust: impl FnOnce(&mut Settings), mail_down: bool) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let database_url = match std::env::var("TEST_DATABASE_URL") {
            Ok(admin) if !admin.is_empty() => databases::fresh_postgres(&admin).await,
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
        let from = "Guild <guild@guild.test>";
        let mailer = if mail_down {
            let closed = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
            let port = closed.local_addr().expect("its address").port();
            drop(closed);
            let smtp = guild_web::mail::SmtpSettings {
                host: "127.0.0.1".into(),
                port,
                username: None,
                password: None,
                security: "none".into(),
            };
            LettreMailer::smtp(&smtp, from).expect("smtp mailer")
        } else {
            LettreMailer::outbox(dir.path().join("outbox"), from).expect("outbox")
        };
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

    /// Another node of the same installation: its own store connections, services and
    /// indexes over the same database, as a second `guild serve` would have (its uploads
    /// under this app's media directory). Neither follows the change stream until the test
    /// says so ([`TestApp::follow_changes`]) or catches up by hand (`guild.catch_up()`).
    pub async fn another_node(&self) -> TestApp {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SqlStore::connect(&self.database_url)
            .await
            .expect("connect");
        let mailer = LettreMailer::outbox(dir.path().join("outbox"), "Guild <guild@guild.test>")
            .expect("outbox");
        let guild = Arc::new(
            Guild::open(
                Arc::new(store.clone()),
                Arc::new(mailer),
                Arc::new(DiskMedia::new(self.dir.path().join("media"))),
                self.guild.settings.clone(),
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
            database_url: self.database_url.clone(),
        }
    }

    /// Follows the change stream in the background until the test ends, as a server does.
    pub fn follow_changes(&self) {
        let guild = self.guild.clone();
        tokio::spawn(async move { guild.follow_changes().await });
    }

    /// Writes impressions and profile views in the background until the test ends, as a
    /// server does (requests then only note them; see `guild_core`'s `seen` module).
    pub async fn write_seen_continuously(&self) {
        let guild = self.guild.clone();
        tokio::spawn(async move { guild.write_seen_continuously().await });
        // Lets the task start (and take over the writing) before the test goes on.
        tokio::task::yield_now().await;
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

    /// Where the file mailer writes the emails it sends, as `.eml` files.
    pub fn outbox_dir(&self) -> PathBuf {
        self.dir.path().join("outbox")
    }

    /// Every email sent so far, decoded, oldest first: the outbox's due jobs are run first,
    /// as the server's worker would run them.
    pub async fn emails(&self) -> Vec<Email> {
        self.guild
            .run_outbox(guild_core::now_ms())
            .await
            .expect("run the outbox");
        let mut files: Vec<_> = std::fs::read_dir(self.outbox_dir())
            .map(|d| {
                d.filter_map(Result::ok)
                    .map(|e| e.path())
                    .filter(|p| p.extension().is_some_and(|x| x == "eml"))
                    .collect()
            })
            .unwrap_or_default();
        // The outbox names each file by when it was sent (see `guild_web::mail`).
        files.sort();
        files
            .iter()
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .map(|raw| Email::parse(&raw))
            .collect()
    }

    /// The sign-in code in the newest sign-in-code email to `to`.
    pub async fn sign_in_code(&self, to: &str) -> Option<String> {
        self.emails()
            .await
            .into_iter()
            .rev()
            .find(|e| e.to.contains(to) && e.subject.contains("sign-in code"))
            .map(|e| e.subject.chars().filter(char::is_ascii_digit).collect())
    }

    /// The first link in the newest email to `to` whose path starts with `prefix`.
    pub async fn link_in_email(&self, to: &str, prefix: &str) -> Option<String> {
        self.emails()
            .await
            .into_iter()
            .rev()
            .filter(|e| e.to.contains(to))
            .find_map(|e| e.link(prefix))
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
