//! PostgreSQL's side: finding `pg_dump` and `pg_restore`, running them with the password in
//! the environment (never on a command line others can read in the process list), and making
//! a migrated but empty database ready to receive a dump.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use sqlx::{Connection, PgConnection};
use tokio::io::AsyncReadExt;

use super::spinner;

/// `pg_dump` or `pg_restore`: the one on `PATH` (on Debian, a wrapper that picks the right
/// version), else the newest under `/usr/lib/postgresql/*/bin` (where Debian installs each
/// version without putting it on `PATH`).
pub fn find_tool(name: &str) -> Result<PathBuf> {
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let tool = e.path().join("bin").join(name);
            tool.is_file().then_some((version, tool))
        })
        .collect();
    versions.sort();
    match versions.pop() {
        Some((_, tool)) => Ok(tool),
        None => bail!(
            "`{name}` was not found on PATH nor under /usr/lib/postgresql/*/bin: install \
             PostgreSQL's client tools (Debian: `apt install postgresql-client`), of the \
             server's major version or newer"
        ),
    }
}

/// The URL without its password, and the password (percent-decoded) for `PGPASSWORD`.
pub fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else {
        return (url.to_string(), None);
    };
    let (authority, tail) = match rest.find('/') {
        Some(i) => rest.split_at(i),
        None => (rest, ""),
    };
    let Some((userinfo, host)) = authority.rsplit_once('@') else {
        return (url.to_string(), None);
    };
    match userinfo.split_once(':') {
        Some((user, password)) => (
            format!("{scheme}://{user}@{host}{tail}"),
            Some(percent_decode(password)),
        ),
        None => (url.to_string(), None),
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs a PostgreSQL tool against `url` with a spinner that shows how large `watch` (the
/// file being written, if any) has grown; fails with the tool's own error text.
pub async fn run_tool(
    tool: &str,
    args: &[&str],
    url: &str,
    watch: Option<&Path>,
    message: &'static str,
) -> Result<()> {
    let program = find_tool(tool)?;
    let (url, password) = split_password(url);
    let mut cmd = tokio::process::Command::new(&program);
    cmd.args(args)
        .arg("--no-password")
        .arg("--dbname")
        .arg(&url)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let mut child = cmd
        .spawn()
        .with_context(|| format!("starting {}", program.display()))?;
    let mut stderr = child.stderr.take();
    let errors = tokio::spawn(async move {
        let mut text = String::new();
        if let Some(s) = stderr.as_mut() {
            let _ = s.read_to_string(&mut text).await;
        }
        text
    });
    let bar = spinner(message, watch.is_some());
    let status = loop {
        tokio::select! {
            status = child.wait() => break status.with_context(|| format!("waiting for {tool}"))?,
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                if let Some(len) = watch.and_then(|f| std::fs::metadata(f).ok()).map(|m| m.len()) {
                    bar.set_position(len);
                }
            }
        }
    };
    bar.finish_and_clear();
    let errors = errors.await.unwrap_or_default();
    if !status.success() {
        bail!("{} failed ({status}): {}", program.display(), errors.trim());
    }
    Ok(())
}

/// The newest migration applied, from sqlx's own table (0 when there is none).
pub async fn schema_version(conn: &mut PgConnection) -> Result<i64> {
    let exists: bool = sqlx::query_scalar("SELECT to_regclass('_sqlx_migrations') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .context("looking for the migrations table")?;
    if !exists {
        return Ok(0);
    }
    sqlx::query_scalar("SELECT COALESCE(MAX(version), 0) FROM _sqlx_migrations WHERE success")
        .fetch_one(&mut *conn)
        .await
        .context("reading the schema version")
}

pub async fn connect(url: &str, redacted: &str) -> Result<PgConnection> {
    PgConnection::connect(url)
        .await
        .with_context(|| format!("connecting to {redacted}"))
}

/// What the target database holds.
pub enum PgTarget {
    /// No table at all in its schema.
    Empty,
    /// Guild's tables (a server started on it, or `guild migrate`), without a member.
    MigratedEmpty,
}

/// Refuses a database with members, or with tables that are not Guild's.
pub async fn check_target(conn: &mut PgConnection, redacted: &str) -> Result<PgTarget> {
    let tables: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM pg_tables WHERE schemaname = current_schema()")
            .fetch_one(&mut *conn)
            .await
            .context("listing the target's tables")?;
    if tables == 0 {
        return Ok(PgTarget::Empty);
    }
    let guild: bool = sqlx::query_scalar("SELECT to_regclass('members') IS NOT NULL")
        .fetch_one(&mut *conn)
        .await
        .context("looking for the members table")?;
    if !guild {
        bail!(
            "the target database {redacted} has {tables} tables but is not a Guild database: \
             restore into an empty database"
        );
    }
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(&mut *conn)
        .await
        .context("counting the target's members")?;
    if members > 0 {
        bail!(
            "the target database {redacted} already has {members} members: restore only into \
             an empty installation (a new database)"
        );
    }
    Ok(PgTarget::MigratedEmpty)
}

/// Drops Guild's empty tables (with what hangs on them: sequences, triggers, views) and any
/// function of the schema, in one transaction, so `pg_restore` can create them as the dump
/// has them. Only called once [`check_target`] found no member.
pub async fn clear_migrated(conn: &mut PgConnection) -> Result<()> {
    let mut tx = conn.begin().await.context("starting a transaction")?;
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM members")
        .fetch_one(&mut *tx)
        .await
        .context("counting members again")?;
    if members > 0 {
        bail!("members appeared in the target database: is a server running on it?");
    }
    let drops: Vec<String> = sqlx::query_scalar(
        "SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE', schemaname, tablename) \
         FROM pg_tables WHERE schemaname = current_schema() \
         UNION ALL \
         SELECT format('DROP FUNCTION IF EXISTS %s CASCADE', p.oid::regprocedure) \
         FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace \
         WHERE n.nspname = current_schema() AND p.prokind = 'f' \
           AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')",
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing what to drop")?;
    for drop in drops {
        sqlx::query(&drop)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("running {drop}"))?;
    }
    let left: Vec<String> = sqlx::query_scalar(
        "SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE', schemaname, sequencename) \
         FROM pg_sequences WHERE schemaname = current_schema()",
    )
    .fetch_all(&mut *tx)
    .await
    .context("listing sequences")?;
    for drop in left {
        sqlx::query(&drop)
            .execute(&mut *tx)
            .await
            .with_context(|| format!("running {drop}"))?;
    }
    tx.commit().await.context("committing the drops")?;
    Ok(())
}

/// [`STREAM_RESET`](super::STREAM_RESET), in one transaction.
pub async fn reset_stream(conn: &mut PgConnection) -> Result<()> {
    let mut tx = conn.begin().await.context("starting a transaction")?;
    for (table, reset) in super::STREAM_RESET {
        let exists: bool = sqlx::query_scalar("SELECT to_regclass($1) IS NOT NULL")
            .bind(table)
            .fetch_one(&mut *tx)
            .await
            .with_context(|| format!("looking for {table}"))?;
        if exists {
            sqlx::query(reset)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("running {reset}"))?;
        }
    }
    tx.commit().await.context("resetting the change stream")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        assert_eq!(
            split_password("postgres://guild:s%40cret@db:5432/guild?sslmode=require"),
            (
                "postgres://guild@db:5432/guild?sslmode=require".to_string(),
                Some("s@cret".to_string())
            )
        );
        assert_eq!(
            split_password("postgres://postgres@127.0.0.1:55432/x"),
            ("postgres://postgres@127.0.0.1:55432/x".to_string(), None)
        );
    }
}
