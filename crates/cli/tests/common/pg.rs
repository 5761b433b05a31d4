//! A throwaway PostgreSQL cluster of the test's own (initdb into a temporary directory,
//! `pg_ctl start` on a free port), for tests that stop and start the database: the test
//! script's shared cluster must never be stopped. As `scripts/test.sh` does, the cluster
//! belongs to the `postgres` system user when the tests run as root (initdb refuses root).
#![allow(dead_code)] // each test binary uses its part

use std::path::PathBuf;
use std::process::Command;

pub struct Cluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    pub port: u16,
}

/// The newest `/usr/lib/postgresql/*/bin` that has the server's programs.
fn bin_dir() -> Option<PathBuf> {
    let mut dirs: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_string_lossy().parse().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    dirs.sort();
    dirs.pop().map(|(_, b)| b)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `program args…` as the cluster's owner.
fn as_owner(program: PathBuf) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("its address").port()
}

impl Cluster {
    /// A new cluster, started. PostgreSQL must be installed (scripts/test.sh installs it):
    /// a test that needs one fails without it rather than passing unseen.
    pub async fn start() -> Cluster {
        let bin = bin_dir().expect(
            "no PostgreSQL server under /usr/lib/postgresql/*/bin: run scripts/test.sh, which installs it",
        );
        let dir = tempfile::tempdir().expect("a directory for the cluster");
        if is_root() {
            let owned = Command::new("chown")
                .arg("postgres:")
                .arg(dir.path())
                .status()
                .expect("chown");
            assert!(owned.success(), "chown the cluster's directory to postgres");
        }
        let out = as_owner(bin.join("initdb"))
            .arg("-D")
            .arg(dir.path().join("data"))
            .args([
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C",
                "--no-sync",
            ])
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut cluster = Cluster { dir, bin, port: 0 };
        // A free port can be taken between the look and the start: try a few.
        for _ in 0..5 {
            cluster.port = free_port();
            if cluster.pg_ctl_start() {
                return cluster;
            }
        }
        panic!("PostgreSQL did not start:\n{}", cluster.server_log());
    }

    pub fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn pg_ctl_start(&self) -> bool {
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {} -c unix_socket_directories={} -c fsync=off \
             -c max_connections=100",
            self.port,
            self.dir.path().display()
        );
        as_owner(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .arg("-l")
            .arg(self.dir.path().join("server.log"))
            .args(["-w", "-t", "60", "-o", &options, "start"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    fn pg_ctl_stop(&self, mode: &str) -> bool {
        as_owner(self.bin.join("pg_ctl"))
            .arg("-D")
            .arg(self.dir.path().join("data"))
            .args(["-m", mode, "-w", "-t", "60", "stop"])
            .output()
            .is_ok_and(|o| o.status.success())
    }

    /// Stops the database as an operator would (`pg_ctl stop -m fast`: sessions are ended,
    /// nothing committed is lost).
    pub async fn stop(&self) {
        // pg_ctl waits for the server: off the runtime's threads, so the load goes on.
        let stopped = tokio::task::block_in_place(|| self.pg_ctl_stop("fast"));
        assert!(stopped, "pg_ctl stop:\n{}", self.server_log());
    }

    /// Starts it again on the same port.
    pub async fn resume(&self) {
        let started = tokio::task::block_in_place(|| self.pg_ctl_start());
        assert!(started, "pg_ctl start:\n{}", self.server_log());
    }

    pub fn server_log(&self) -> String {
        std::fs::read_to_string(self.dir.path().join("server.log")).unwrap_or_default()
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if self.dir.path().join("data/postmaster.pid").exists() {
            self.pg_ctl_stop("immediate");
        }
    }
}

/// A PostgreSQL database for one test: a fresh one on the test script's server when the
/// environment names one (`seed::test_postgres`), else on a cluster of the test's own, which
/// lives as long as the second value.
pub async fn database() -> (String, Option<Cluster>) {
    match super::seed::test_postgres().await {
        Some(url) => (url, None),
        None => {
            let cluster = Cluster::start().await;
            (cluster.url(), Some(cluster))
        }
    }
}
