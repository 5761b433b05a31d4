//! The `guild` command: serve an installation, seed a demo network, migrate, administer.
//!
//! `main.rs` only calls [`main`]; everything else lives in modules so tests can reach it.

pub mod admin;
pub mod app;
pub mod backup;
pub mod bench;
pub mod bench_deliver;
pub mod bench_http;
mod bench_members;
pub mod bench_notify;
pub mod cli;
pub mod config;
pub mod demo;

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Parser;

use crate::cli::{Cli, Command, ConfigCommand};
use crate::config::{load, ConfigError, Sources};

/// Parses the command line, runs the command, and maps errors to exit codes: 2 for a bad
/// command line or configuration, 1 for anything else (printed as `error: …`).
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the runtime: {e}");
            return ExitCode::from(1);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            if e.downcast_ref::<ConfigError>().is_some() {
                ExitCode::from(2)
            } else {
                ExitCode::from(1)
            }
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .try_init();
}

pub async fn run(cli: Cli) -> Result<()> {
    match cli.command {
        Command::Demo(args) => demo::run(args).await,
        Command::Serve(args) => {
            let config = load(
                &Sources::from_process(args.store.config.clone()),
                &args.overrides(),
            )?;
            let store = app::open_store(&config).await?;
            let listener = app::bind(&config).await?;
            let addr = listener.local_addr().context("reading the bound address")?;
            let guild =
                app::build_guild(&config, store.clone(), config.public_url(Some(addr))).await?;
            app::run_server(listener, guild, store, |_| {}).await
        }
        Command::Migrate(args) => {
            let config = load(
                &Sources::from_process(args.config.clone()),
                &args.overrides(),
            )?;
            let store = app::open_store(&config).await?;
            println!(
                "migrated {} ({})",
                app::redact_url(&config.database_url()),
                store.backend_name()
            );
            store.close().await;
            Ok(())
        }
        Command::Admin(cmd) => admin::run(cmd).await,
        Command::Bench(cmd) => bench::run(cmd).await,
        Command::Export(cmd) => bench::export(cmd),
        Command::Suggest(args) => bench::suggest(args),
        Command::Backup(args) => backup::backup(args).await,
        Command::Restore(args) => backup::restore(args).await,
        Command::Config(ConfigCommand::Example) => {
            print!(
                "{}",
                config::example().context("writing the example configuration")?
            );
            Ok(())
        }
        Command::Config(ConfigCommand::Show(args)) => {
            let mut config = load(
                &Sources::from_process(args.store.config.clone()),
                &args.overrides(),
            )?;
            if let Some(smtp) = &mut config.smtp {
                if smtp.password.is_some() {
                    smtp.password = Some("***".into());
                }
            }
            if config.metrics.token.is_some() {
                config.metrics.token = Some("***".into());
            }
            config.database_url = Some(app::redact_url(&config.database_url()));
            print!(
                "{}",
                toml::to_string(&config).context("writing the configuration")?
            );
            Ok(())
        }
    }
}
