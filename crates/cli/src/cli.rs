//! The command line: `guild demo|serve|migrate|admin|config|backup|restore`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::config::FlagOverrides;

#[derive(Debug, Parser)]
#[command(
    name = "guild",
    version,
    about = "Guild: a professional network you run yourself"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Seed a realistic demo network (when the data directory is new), then serve it.
    Demo(DemoArgs),
    /// Serve an installation, creating and migrating it when the data directory or database is new.
    Serve(ServeArgs),
    /// Apply the database migrations that have not run yet.
    Migrate(StoreArgs),
    /// Manage members from the command line.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Configuration files.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Measure the hot paths; one JSON object on stdout, progress on stderr.
    #[command(subcommand)]
    Bench(BenchCommand),
    /// Write data out for other tools.
    #[command(subcommand)]
    Export(ExportCommand),
    /// People You May Know from an edge list alone: the product's engine and ranking, fed
    /// from a file; prints `{"ID":[ID,…],…}`, each listed member's top N, best first.
    Suggest(SuggestArgs),
    /// Copy the database and the media files into one archive while the server runs.
    Backup(crate::backup::BackupArgs),
    /// Restore an archive of `guild backup` into an empty installation (server stopped).
    Restore(crate::backup::RestoreArgs),
}

#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// One `a,b` or `a b` pair of integer ids per line.
    #[arg(long, value_name = "FILE")]
    pub edges: std::path::PathBuf,
    /// The members to suggest for, comma-separated ids.
    #[arg(
        long = "for",
        value_name = "ID,…",
        value_delimiter = ',',
        required = true
    )]
    pub for_ids: Vec<u64>,
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub limit: usize,
}

#[derive(Debug, Args)]
pub struct BenchSuggestionsArgs {
    /// The network: one `a,b` or `a b` pair of integer ids per line.
    #[arg(long, value_name = "FILE")]
    pub edges: std::path::PathBuf,
    /// The share of connections hidden before asking for suggestions.
    #[arg(long, default_value_t = 0.1, value_name = "SHARE")]
    pub holdout: f64,
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
    /// Members asked (among those who lost a connection to the hold-out and kept one).
    #[arg(long, default_value_t = 300, value_name = "N")]
    pub sample: usize,
    /// The engine's cap per mutual connection (default: the product's).
    #[arg(long, value_name = "N")]
    pub hub_cap: Option<usize>,
    /// The engine's cap of steps per query (default: the product's).
    #[arg(long, value_name = "N")]
    pub work_cap: Option<usize>,
}

/// The generated benchmark network: the same (members, avg-connections, seed) always gives
/// the same connections.
#[derive(Debug, Clone, Args)]
pub struct NetworkArgs {
    #[arg(long, default_value_t = 1_000_000, value_name = "N")]
    pub members: u32,
    #[arg(long, default_value_t = 100, value_name = "K")]
    pub avg_connections: u32,
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
}

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// The graph engine on a generated network: build time, bytes per edge, and p50/p99/p999
    /// of degree, mutual count and list, network counts, path and People You May Know.
    Graph(BenchGraphArgs),
    /// The feed index on the same network plus a fortnight of generated posts: build time,
    /// memory, p50/p99/p999 of feed pages (relevant, next, recent) and hashtag pages, and
    /// whether the most connected members get more feed slots than their engagement earns.
    Feed(BenchFeedArgs),
    /// Messaging end to end on a local server: send-to-delivered latency over the event
    /// stream (p50/p99/p999) with every member holding a stream open, the send request's
    /// own latency, and memory per open stream.
    Messaging(BenchMessagingArgs),
    /// How well suggestions predict real connections: hides a share of an edge list's
    /// connections and prints precision@10 and recall@10 for Guild's ranking beside common
    /// neighbours, Adamic-Adar, resource allocation and random, and the time per query.
    Suggestions(BenchSuggestionsArgs),
    /// A mixed load over real HTTP against `guild serve` processes (80 % reads: feed,
    /// profile, notifications, People You May Know, directory; 20 % writes: posts, reactions,
    /// comments, messages): requests per second, p50/p99/p999 per route, errors and each
    /// node's CPU, on SQLite or on one PostgreSQL database with one or more nodes.
    Http(BenchHttpArgs),
}

#[derive(Debug, Args)]
pub struct BenchHttpArgs {
    /// Members of the seeded network (each connected to the next eight).
    #[arg(long, default_value_t = 2_000, value_name = "N")]
    pub members: usize,
    /// How long the load runs.
    #[arg(long, default_value_t = 20, value_name = "S")]
    pub seconds: u64,
    /// Keep-alive connections (one member each), spread over the nodes.
    #[arg(long, default_value_t = 16, value_name = "C")]
    pub connections: usize,
    /// A PostgreSQL server, as an administrator's URL: the bench makes a database there for
    /// the run and drops it after. Without it: one node on a SQLite file.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// Nodes on that database (more than one needs --postgres).
    #[arg(long, default_value_t = 1, value_name = "K")]
    pub nodes: usize,
    /// Drive one route of the mix alone (feed, profile, notifications, pymk, directory,
    /// post, reaction, comment, message), for its own throughput budget.
    #[arg(long, value_name = "ROUTE")]
    pub only: Option<String>,
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BenchMessagingArgs {
    /// Members, each with an open event stream (needs about two file descriptors each).
    #[arg(long, default_value_t = 1_000, value_name = "N")]
    pub members: usize,
    /// Messages sent in all.
    #[arg(long, default_value_t = 5_000, value_name = "M")]
    pub messages: usize,
    /// Messages in flight at once.
    #[arg(long, default_value_t = 16, value_name = "C")]
    pub concurrency: usize,
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
}

#[derive(Debug, Args)]
pub struct BenchFeedArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Posts over the last 14 days.
    #[arg(long, default_value_t = 10_000_000, value_name = "P")]
    pub posts: u64,
    /// Reactions, comments and reposts in all (applied as counters; a tenth replayed as
    /// individual events for affinity and network activity).
    #[arg(long, default_value_t = 100_000_000, value_name = "R")]
    pub reactions: u64,
    /// Viewers asked (each: first page, second page, recent page, hashtag page).
    #[arg(long, default_value_t = 5_000, value_name = "Q")]
    pub queries: usize,
    /// The notification list is read from a real SQLite store: members in it…
    #[arg(long, default_value_t = 2_000, value_name = "N")]
    pub notification_members: usize,
    /// …and notifications each.
    #[arg(long, default_value_t = 100, value_name = "K")]
    pub notifications_per_member: usize,
}

#[derive(Debug, Args)]
pub struct BenchGraphArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Also write the network through the store (into a fresh SQLite database in a temporary
    /// directory, or `--database-url`) and load the graph back from it, as `guild serve`
    /// does at start; adds a `store` object with those timings.
    #[arg(long)]
    pub through_store: bool,
    /// With --through-store: an empty database to use instead of a temporary SQLite file.
    #[arg(long, value_name = "URL", requires = "through_store")]
    pub database_url: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The edges of the network `guild bench graph` generates with the same arguments, one
    /// `a,b` pair per line.
    Graph(ExportGraphArgs),
}

#[derive(Debug, Args)]
pub struct ExportGraphArgs {
    #[command(flatten)]
    pub network: NetworkArgs,
    /// Where to write the CSV.
    #[arg(long, value_name = "FILE")]
    pub csv: PathBuf,
}

/// Where the installation is: flags override `guild.toml` and `GUILD_*` variables.
#[derive(Debug, Clone, Args, Default)]
pub struct StoreArgs {
    /// The data directory [default: ./guild-data].
    #[arg(long, value_name = "DIR")]
    pub data_dir: Option<PathBuf>,
    /// The database URL: sqlite://FILE or postgres://… [default: sqlite://<data-dir>/guild.db].
    #[arg(long, value_name = "URL")]
    pub database_url: Option<String>,
    /// A TOML configuration file (must exist) [default: ./guild.toml, when present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Debug, Clone, Args, Default)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// The address to listen on; port 0 picks a free port [default: 127.0.0.1:8080].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
}

impl ServeArgs {
    pub fn overrides(&self) -> FlagOverrides {
        FlagOverrides {
            data_dir: self.store.data_dir.clone(),
            bind: self.bind.clone(),
            database_url: self.store.database_url.clone(),
        }
    }
}

impl StoreArgs {
    pub fn overrides(&self) -> FlagOverrides {
        FlagOverrides {
            data_dir: self.data_dir.clone(),
            bind: None,
            database_url: self.database_url.clone(),
        }
    }
}

#[derive(Debug, Clone, Args)]
pub struct DemoArgs {
    /// How many members to generate (besides the two demo logins).
    #[arg(long, default_value_t = 2000, value_name = "N")]
    pub members: usize,
    /// The random seed: the same seed gives the same network.
    #[arg(long, default_value_t = 42, value_name = "S")]
    pub seed: u64,
    #[command(flatten)]
    pub serve: ServeArgs,
}

#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an active member (no confirmation email).
    CreateMember(CreateMemberArgs),
    /// Make a member an administrator.
    Promote(RoleArgs),
    /// Make an administrator a regular member again.
    Demote(RoleArgs),
}

#[derive(Debug, Args)]
pub struct CreateMemberArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub email: String,
    /// At least 10 characters. When omitted, read from the first line of standard input
    /// (so it does not show in the process list).
    #[arg(long)]
    pub password: Option<String>,
    /// The profile address /in/HANDLE [default: made from the name].
    #[arg(long)]
    pub handle: Option<String>,
    /// Make the member an administrator.
    #[arg(long)]
    pub admin: bool,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Args)]
pub struct RoleArgs {
    /// The member's handle.
    pub handle: String,
    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Print a commented guild.toml listing every key with its default.
    Example,
    /// Print the configuration in effect (files, environment and flags applied), secrets hidden.
    Show(ServeArgs),
}
