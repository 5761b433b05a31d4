//! What the binary's integration tests share.

use tokio::process::Command;

/// The `guild` binary, run in `dir`, with no `GUILD_*` setting of the caller's environment.
pub fn guild(dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_guild"));
    cmd.current_dir(dir)
        .env("RUST_LOG", "warn")
        .kill_on_drop(true);
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy()
            .to_ascii_uppercase()
            .starts_with("GUILD_")
        {
            cmd.env_remove(k);
        }
    }
    cmd
}

pub mod http;
pub mod node;
pub mod pg;
pub mod seed;
