//! Opening an installation (data directory, database, mailer, services) and serving it.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use guild_core::mail::Mailer;
use guild_core::{CoreError, Guild};
use guild_store::{DiskMedia, SqlStore};
use guild_web::mail::LettreMailer;
use tokio::net::TcpListener;

use crate::config::Config;

/// Creates the data directory if needed, opens (creating) the database and migrates it.
pub async fn open_store(config: &Config) -> Result<SqlStore> {
    std::fs::create_dir_all(&config.data_dir)
        .with_context(|| format!("creating the data directory {}", config.data_dir.display()))?;
    let url = config.database_url();
    let store = SqlStore::connect(&url)
        .await
        .with_context(|| format!("opening the database {}", redact_url(&url)))?;
    store
        .migrate()
        .await
        .with_context(|| format!("migrating the database {}", redact_url(&url)))?;
    Ok(store)
}

/// The services over `store`, with the mailer the configuration asks for.
pub async fn build_guild(
    config: &Config,
    store: SqlStore,
    public_url: String,
) -> Result<Arc<Guild>> {
    let media = config.media_dir();
    std::fs::create_dir_all(&media)
        .with_context(|| format!("creating the media directory {}", media.display()))?;
    let mailer: Arc<dyn Mailer> = match &config.smtp {
        Some(smtp) => Arc::new(
            LettreMailer::smtp(smtp, &config.mail_from)
                .with_context(|| format!("setting up SMTP to {}", smtp.host))?,
        ),
        None => Arc::new(
            LettreMailer::outbox(config.outbox_dir(), &config.mail_from).with_context(|| {
                format!(
                    "setting up the email outbox {}",
                    config.outbox_dir().display()
                )
            })?,
        ),
    };
    let guild = Guild::open(
        Arc::new(store),
        mailer,
        Arc::new(DiskMedia::new(media)),
        config.settings(public_url),
    )
    .await
    .context("loading the network into memory")?;
    Ok(Arc::new(guild))
}

pub async fn bind(config: &Config) -> Result<TcpListener> {
    TcpListener::bind(config.bind.as_str())
        .await
        .with_context(|| format!("listening on {}", config.bind))
}

/// Serves until Ctrl-C (or SIGTERM), then lets requests in flight finish; a second signal
/// exits at once. Prints `listening on http://ADDR` once connections are accepted, then runs
/// `after_listening` (the demo prints its logins there).
pub async fn run_server(
    listener: TcpListener,
    guild: Arc<Guild>,
    store: SqlStore,
    after_listening: impl FnOnce(SocketAddr),
) -> Result<()> {
    let addr = listener.local_addr().context("reading the bound address")?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("shutting down: finishing requests in flight (interrupt again to stop now)");
        let _ = stop_tx.send(());
        shutdown_signal().await;
        eprintln!("stopping now");
        std::process::exit(130);
    });
    // The outbox: every email and the jobs of sign-ups and reset requests, run as soon as
    // they are queued and every half minute (for retries, and for jobs queued elsewhere).
    let jobs = guild.clone();
    let outbox_task = tokio::spawn(async move {
        loop {
            match jobs.run_outbox(guild_core::now_ms()).await {
                Ok(0) => {}
                Ok(n) => tracing::debug!("ran {n} outbox jobs"),
                Err(e) => tracing::warn!("running the outbox: {e}"),
            }
            tokio::select! {
                () = jobs.outbox_waiting() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(30)) => {}
            }
        }
    });
    // The change stream: what other nodes commit reaches this node's indexes and live streams.
    let follower = guild.clone();
    let stream_task = tokio::spawn(async move { follower.follow_changes().await });
    // Impressions and profile views, written in batches off the requests' path.
    let seen = guild.clone();
    let seen_task = tokio::spawn(async move { seen.write_seen_continuously().await });
    let last = guild.clone();
    // The background round (digests, message emails, away summaries, sweeps, pruning): every
    // few minutes, on the one node that holds its lease (`Guild::background_round`).
    let round = guild.clone();
    let digest_task = tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(300));
        loop {
            tick.tick().await;
            round.background_round(guild_core::now_ms()).await;
        }
    });
    let server = tokio::spawn(guild_web::serve(listener, guild, async move {
        let _ = stop_rx.await;
    }));
    println!("listening on http://{addr}");
    after_listening(addr);
    let served = server.await.context("the server task failed")?;
    seen_task.abort();
    if let Err(e) = last.seen_written().await {
        tracing::warn!("writing the last impressions and profile views: {e}");
    }
    digest_task.abort();
    outbox_task.abort();
    stream_task.abort();
    store.close().await;
    served.context("serving")?;
    tracing::info!("stopped");
    Ok(())
}

/// Ctrl-C, or SIGTERM on Unix (what service managers send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

/// A service error as one readable sentence (field errors listed by field).
pub fn core_error(e: CoreError) -> anyhow::Error {
    match e {
        CoreError::Invalid(fields) => {
            anyhow!(fields
                .0
                .iter()
                .map(|(k, v)| format!("{k}: {v}"))
                .collect::<Vec<_>>()
                .join("; "))
        }
        other => anyhow!(other.to_string()),
    }
}

/// Hides the password of `postgres://user:password@host/db`.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let Some((userinfo, host)) = rest.rsplit_once('@') else {
        return url.to_string();
    };
    match userinfo.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::redact_url;

    #[test]
    fn passwords_are_hidden() {
        assert_eq!(
            redact_url("postgres://guild:s3cret@db:5432/guild"),
            "postgres://guild:***@db:5432/guild"
        );
        assert_eq!(
            redact_url("sqlite://./guild-data/guild.db"),
            "sqlite://./guild-data/guild.db"
        );
    }
}
