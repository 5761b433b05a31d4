//! Installations for the backup tests: a data directory with SQLite, or with a new database on
//! the test script's PostgreSQL (`TEST_DATABASE_URL`, dropped when the test ends); a real
//! `guild demo` server on it; and HTTP requests to that server.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{Output, Stdio};
use std::time::Duration;

use serde_json::Value;
use sqlx::Connection;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::Child;

use crate::common::guild;

/// The test script's PostgreSQL, when it gives one. Set but unusable is a failure, never a
/// reason to skip: [`Install::new`] panics on it.
pub fn pg_admin() -> Option<String> {
    std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
}

/// Whether this is the test script's PostgreSQL pass. The script runs the suite twice, without
/// and with `TEST_DATABASE_URL`, as every `TestApp` test picks its backend by it: the SQLite
/// variants run in the first pass and the PostgreSQL ones in the second, each once.
pub fn postgres_pass() -> bool {
    pg_admin().is_some()
}

pub struct Install {
    pub dir: tempfile::TempDir,
    pub data: PathBuf,
    pub url: String,
    _pg: Option<PgDatabase>,
}

impl Install {
    /// A new, empty installation: nothing on disk yet, and (on PostgreSQL) an empty database.
    pub async fn new(pg_admin: Option<&str>) -> Install {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let (url, pg) = match pg_admin {
            Some(admin) => {
                let db = PgDatabase::create(admin).await;
                (db.url.clone(), Some(db))
            }
            None => (format!("sqlite://{}/guild.db", data.display()), None),
        };
        Install {
            dir,
            data,
            url,
            _pg: pg,
        }
    }

    pub fn args(&self) -> Vec<OsString> {
        vec![
            "--data-dir".into(),
            self.data.clone().into(),
            "--database-url".into(),
            self.url.clone().into(),
        ]
    }

    /// `guild <args> --data-dir … --database-url …`, run to its end.
    pub async fn run(&self, args: &[&str]) -> Output {
        guild(self.dir.path())
            .args(args)
            .args(self.args())
            .output()
            .await
            .unwrap()
    }

    /// `guild demo` with a small network, serving on a free port, with limits raised so the
    /// load is never refused for its rate.
    pub async fn demo(&self) -> Server {
        let mut child = guild(self.dir.path())
            .args(["demo", "--members", "20", "--bind", "127.0.0.1:0"])
            .args(self.args())
            .env("GUILD_LIMITS__POSTS_PER_HOUR", "100000")
            .env("GUILD_LIMITS__COMMENTS_PER_HOUR", "100000")
            .env("GUILD_LIMITS__MESSAGES_PER_HOUR", "100000")
            .env("GUILD_LIMITS__UPLOADS_PER_HOUR", "100000")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            let mut addr = None;
            while let Some(line) = lines.next_line().await.unwrap() {
                if let Some(a) = line.strip_prefix("listening on http://") {
                    addr = Some(a.to_string());
                }
                if line.contains("member@demo.guild") {
                    return addr.expect("the address is printed before the logins");
                }
            }
            panic!("the demo stopped before it was ready")
        })
        .await
        .expect("the demo was not ready in time");
        // Whatever the server prints later is read, so it never writes into a closed pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Server { child, addr }
    }
}

pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    /// A bearer token for a demo login.
    pub async fn token(&self, email: &str, password: &str) -> String {
        let body = serde_json::json!({ "email": email, "password": password });
        let (status, json) = call(
            &self.addr,
            "POST",
            "/api/v1/auth/tokens",
            None,
            Body::Json(body),
        )
        .await;
        assert_eq!(status, 201, "{json}");
        json["token"].as_str().unwrap().to_string()
    }

    /// SIGKILL: the database must hold every acknowledged write without a clean shutdown.
    pub async fn kill(mut self) {
        self.child.kill().await.unwrap();
    }
}

pub enum Body {
    Json(Value),
    /// A multipart upload: the form field and the file's bytes (a PNG).
    File(&'static str, Vec<u8>),
}

/// One request over HTTP/1.1 (`Connection: close`): the status and the JSON body (null when
/// the body is not JSON).
pub async fn call(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Body,
) -> (u16, Value) {
    let (content_type, bytes) = match body {
        Body::Json(v) => (
            Some("application/json".to_string()),
            v.to_string().into_bytes(),
        ),
        Body::File(field, data) => {
            let boundary = "----guildbackuptest";
            let mut b = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"a.png\"\r\n\
                 Content-Type: image/png\r\n\r\n"
            )
            .into_bytes();
            b.extend_from_slice(&data);
            b.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (Some(format!("multipart/form-data; boundary={boundary}")), b)
        }
    };
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        bytes.len()
    );
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    if let Some(ct) = content_type {
        head.push_str(&format!("Content-Type: {ct}\r\n"));
    }
    head.push_str("\r\n");
    let mut stream = TcpStream::connect(addr).await.unwrap();
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&bytes).await.unwrap();
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await.unwrap();
    let text = String::from_utf8_lossy(&response);
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, serde_json::from_str(body).unwrap_or(Value::Null))
}

/// A database of its own on the test PostgreSQL, dropped when the test ends (passing or not).
struct PgDatabase {
    admin: String,
    name: String,
    url: String,
}

impl PgDatabase {
    async fn create(admin: &str) -> PgDatabase {
        let mut conn = sqlx::PgConnection::connect(admin)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE_URL is set but unusable: {e}"));
        let name = format!("guild_backup_{:016x}", rand::random::<u64>());
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        conn.close().await.unwrap();
        let (base, _) = admin.rsplit_once('/').expect("a database URL with a path");
        PgDatabase {
            admin: admin.to_string(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        let (done, finished) = std::sync::mpsc::channel();
        // Drop runs inside the test's runtime, which cannot be blocked on: a thread of its own.
        std::thread::spawn(move || {
            let dropped = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())
                .and_then(|rt| {
                    rt.block_on(async {
                        let mut conn = sqlx::PgConnection::connect(&admin)
                            .await
                            .map_err(|e| e.to_string())?;
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await
                            .map_err(|e| e.to_string())
                    })
                });
            let _ = done.send(dropped);
        });
        // DROP DATABASE waits for a checkpoint, which on a busy shared server took 40 s: the
        // test waits a little, then goes. The statement is sent by then, and the server
        // finishes it after the test process has ended.
        if let Ok(Err(e)) = finished.recv_timeout(std::time::Duration::from_secs(2)) {
            eprintln!("dropping the test database {}: {e}", self.name);
        }
    }
}
