fn main() -> std::process::ExitCode {
    guild_cli::main()
}
