//! The bench's installation: its database (a SQLite file, or a database made for the run on
//! a PostgreSQL server and dropped after) and its nodes (`guild serve` child processes).

use std::path::Path;
use std::process::Stdio;

use anyhow::{Context, Result};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

pub enum Database {
    Sqlite(String),
    Postgres {
        admin: String,
        name: String,
        url: String,
    },
}

impl Database {
    pub async fn create(postgres: Option<&str>, dir: &Path) -> Result<Database> {
        let Some(admin) = postgres else {
            return Ok(Database::Sqlite(format!(
                "sqlite://{}/bench.db",
                dir.display()
            )));
        };
        let name = format!(
            "guild_bench_{}_{}",
            std::process::id(),
            guild_core::now_ms()
        );
        let conn = sqlx::postgres::PgPool::connect(admin)
            .await
            .context("connecting to --postgres")?;
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&conn)
            .await
            .with_context(|| format!("creating the database {name}"))?;
        conn.close().await;
        let url = match admin.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => anyhow::bail!("--postgres must be a URL naming a database"),
        };
        Ok(Database::Postgres {
            admin: admin.to_string(),
            name,
            url,
        })
    }

    pub fn url(&self) -> &str {
        match self {
            Database::Sqlite(u) => u,
            Database::Postgres { url, .. } => url,
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Database::Sqlite(_) => "sqlite",
            Database::Postgres { .. } => "postgres",
        }
    }

    /// Drops the database made for the run (a failure is only reported).
    pub async fn drop_it(&self) {
        if let Database::Postgres { admin, name, .. } = self {
            let dropped = async {
                let conn = sqlx::postgres::PgPool::connect(admin).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&conn)
                    .await?;
                conn.close().await;
                Ok::<_, sqlx::Error>(())
            };
            if let Err(e) = dropped.await {
                eprintln!("could not drop the bench database {name}: {e}");
            }
        }
    }
}

/// A `guild serve` of this binary.
pub struct Node {
    pub addr: String,
    child: Child,
}

impl Node {
    pub async fn start(url: &str, data_dir: &Path) -> Result<Node> {
        std::fs::create_dir_all(data_dir).context("a node's data directory")?;
        let exe = std::env::current_exe().context("finding this binary")?;
        let log = std::fs::File::create(data_dir.join("serve.log")).context("a node's log")?;
        let mut cmd = Command::new(exe);
        cmd.arg("serve")
            .env("GUILD_DATA_DIR", data_dir)
            .env("GUILD_DATABASE_URL", url)
            .env("GUILD_BIND", "127.0.0.1:0")
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log))
            .kill_on_drop(true);
        // The load is a few members acting many times an hour.
        for limit in [
            "POSTS_PER_HOUR",
            "COMMENTS_PER_HOUR",
            "MESSAGES_PER_HOUR",
            "CONVERSATIONS_PER_HOUR",
            "SPAM_RECIPIENTS_PER_HOUR",
        ] {
            cmd.env(format!("GUILD_LIMITS__{limit}"), "100000000");
        }
        let mut child = cmd.spawn().context("starting guild serve")?;
        let out = child.stdout.take().context("the node's output")?;
        let mut lines = BufReader::new(out).lines();
        let addr = loop {
            let line = tokio::time::timeout(std::time::Duration::from_secs(60), lines.next_line())
                .await
                .context("the node did not start within a minute")?
                .context("reading the node's output")?
                .with_context(|| {
                    format!(
                        "the node stopped; see {}",
                        data_dir.join("serve.log").display()
                    )
                })?;
            if let Some(a) = line.strip_prefix("listening on http://") {
                break a.trim().to_string();
            }
        };
        // Keep reading its output so it never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        Ok(Node { addr, child })
    }

    pub fn pid(&self) -> u32 {
        self.child.id().unwrap_or(0)
    }

    /// CPU time (user + system) the node has used, in seconds (Linux; 0 elsewhere). Clock
    /// ticks are taken as 100 a second, which Linux reports to user space everywhere.
    pub fn cpu_seconds(&self) -> f64 {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        let Some((_, rest)) = stat.rsplit_once(')') else {
            return 0.0;
        };
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (ticks(11) + ticks(12)) / 100.0
    }

    pub async fn stop(&mut self) {
        let _ = self.child.kill().await;
    }
}
