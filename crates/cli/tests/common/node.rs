//! `guild serve` as a process a test can SIGKILL and start again on the same data: one or
//! several nodes (on one PostgreSQL database, each on its own free port), each logging to a
//! file the test can read afterwards (a panic leaves its message there).
#![allow(dead_code)] // each test binary uses its part

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Child;

/// Limits a load test would otherwise meet within seconds: these tests are about surviving
/// faults, and the limits have tests of their own.
const LOOSE_LIMITS: &[(&str, &str)] = &[
    ("GUILD_LIMITS__POSTS_PER_HOUR", "100000"),
    ("GUILD_LIMITS__COMMENTS_PER_HOUR", "100000"),
    ("GUILD_LIMITS__MESSAGES_PER_HOUR", "100000"),
    ("GUILD_LIMITS__CONVERSATIONS_PER_HOUR", "100000"),
    ("GUILD_LIMITS__INVITATIONS_PER_WEEK", "100000"),
    ("GUILD_LIMITS__SPAM_RECIPIENTS_PER_HOUR", "100000"),
];

/// Where a node keeps its data and which database it uses.
#[derive(Clone, Debug)]
pub struct Install {
    /// Its data directory (media, outbox; and `guild.db` when no URL is given).
    pub data_dir: PathBuf,
    /// `postgres://…`, or `None` for SQLite in the data directory.
    pub database_url: Option<String>,
}

impl Install {
    pub fn sqlite(data_dir: &Path) -> Install {
        Install {
            data_dir: data_dir.to_path_buf(),
            database_url: None,
        }
    }

    pub fn postgres(data_dir: &Path, url: &str) -> Install {
        Install {
            data_dir: data_dir.to_path_buf(),
            database_url: Some(url.to_string()),
        }
    }

    /// The URL the store connects to, as `guild serve` resolves it.
    pub fn url(&self) -> String {
        self.database_url
            .clone()
            .unwrap_or_else(|| format!("sqlite://{}/guild.db", self.data_dir.display()))
    }
}

/// One running `guild serve`.
pub struct Node {
    pub install: Install,
    /// `127.0.0.1:PORT`, as its "listening on" line said (a new port after each restart).
    pub addr: String,
    /// Its standard error, across restarts.
    pub log: PathBuf,
    child: Option<Child>,
}

impl Node {
    /// Starts `guild serve` on `install`, bound to a free port, and waits until it listens.
    pub async fn start(install: &Install, log: &Path) -> Node {
        let mut node = Node {
            install: install.clone(),
            addr: String::new(),
            log: log.to_path_buf(),
            child: None,
        };
        node.spawn().await;
        node
    }

    /// `n` nodes on one installation (one PostgreSQL database), logs under `dir`.
    pub async fn start_many(install: &Install, n: usize, dir: &Path) -> Vec<Node> {
        let mut nodes = Vec::new();
        for i in 0..n {
            nodes.push(Node::start(install, &dir.join(format!("node{i}.log"))).await);
        }
        nodes
    }

    async fn spawn(&mut self) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("open the node's log");
        let dir = self.install.data_dir.parent().unwrap_or(Path::new("/tmp"));
        let mut args: Vec<OsString> = vec!["serve".into(), "--bind".into(), "127.0.0.1:0".into()];
        args.push("--data-dir".into());
        args.push(self.install.data_dir.clone().into());
        if let Some(url) = &self.install.database_url {
            args.push("--database-url".into());
            args.push(url.into());
        }
        let mut cmd = super::guild(dir);
        cmd.args(&args)
            .envs(LOOSE_LIMITS.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::from(log));
        let mut child = cmd.spawn().expect("start guild serve");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let addr = tokio::time::timeout(Duration::from_secs(60), async {
            while let Ok(Some(line)) = lines.next_line().await {
                if let Some(a) = line.strip_prefix("listening on http://") {
                    return Some(a.to_string());
                }
            }
            None
        })
        .await
        .expect("no listening line within 60 s");
        let Some(addr) = addr else {
            let log = std::fs::read_to_string(&self.log).unwrap_or_default();
            panic!("guild serve stopped before listening:\n{log}");
        };
        // Whatever else it prints is read, so a full pipe never blocks the server.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        self.addr = addr;
        self.child = Some(child);
    }

    /// SIGKILL: no shutdown, no flush, nothing the process could still do.
    pub async fn kill9(&mut self) {
        if let Some(mut child) = self.child.take() {
            child.start_kill().expect("SIGKILL the node");
            child.wait().await.expect("reap the node");
        }
    }

    /// Starts it again on the same data (on a new port).
    pub async fn restart(&mut self) {
        self.kill9().await;
        self.spawn().await;
    }

    /// Whether the process is still running (it has not exited, by a panic or otherwise).
    pub fn running(&mut self) -> bool {
        self.child
            .as_mut()
            .is_some_and(|c| matches!(c.try_wait(), Ok(None)))
    }

    /// Its log so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}
