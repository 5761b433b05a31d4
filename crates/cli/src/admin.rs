//! `guild admin …`: member management for operators.

use std::io::BufRead;

use anyhow::{bail, Context, Result};
use guild_core::domain::Role;
use guild_core::CoreError;

use crate::app::{build_guild, core_error, open_store};
use crate::cli::{AdminCommand, StoreArgs};
use crate::config::{load, Sources};

pub async fn run(cmd: AdminCommand) -> Result<()> {
    let store_args: &StoreArgs = match &cmd {
        AdminCommand::CreateMember(a) => &a.store,
        AdminCommand::Promote(a) | AdminCommand::Demote(a) => &a.store,
    };
    let config = load(
        &Sources::from_process(store_args.config.clone()),
        &store_args.overrides(),
    )?;
    let store = open_store(&config).await?;
    let guild = build_guild(&config, store.clone(), config.public_url(None)).await?;
    let result = match cmd {
        AdminCommand::CreateMember(a) => {
            let password = match a.password {
                Some(p) => p,
                None => read_password()?,
            };
            let role = if a.admin { Role::Admin } else { Role::Member };
            let m = guild
                .create_member_directly(&a.name, &a.email, &password, a.handle.as_deref(), role)
                .await
                .map_err(core_error)
                .context("creating the member")?;
            println!(
                "created {} <{}> as @{} ({})",
                m.name,
                m.email,
                m.handle,
                m.role.as_str()
            );
            Ok(())
        }
        AdminCommand::Promote(a) => set_role(&guild, &a.handle, Role::Admin).await,
        AdminCommand::Demote(a) => set_role(&guild, &a.handle, Role::Member).await,
    };
    store.close().await;
    result
}

async fn set_role(guild: &guild_core::Guild, handle: &str, role: Role) -> Result<()> {
    let handle = handle.trim().trim_start_matches('@');
    match guild.set_role(handle, role).await {
        Ok(m) => {
            println!(
                "@{} ({}) is now {}",
                m.handle,
                m.name,
                if m.is_admin() {
                    "an administrator"
                } else {
                    "a member"
                }
            );
            Ok(())
        }
        Err(CoreError::NotFound) => bail!("no member has the handle @{handle}"),
        Err(e) => Err(core_error(e)).context("changing the role"),
    }
}

fn read_password() -> Result<String> {
    eprintln!("password (one line on standard input):");
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_string();
    if password.is_empty() {
        bail!("no password given: use --password or write it on standard input");
    }
    Ok(password)
}
