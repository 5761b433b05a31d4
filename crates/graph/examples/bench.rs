//! `cargo run --release -p guild-graph --example bench -- --members N --avg-connections K
//! --seed S`: the graph benchmark on its own, JSON on stdout, progress on stderr.

use std::process::ExitCode;
use std::time::Instant;

use guild_graph::bench::{self, BenchOptions};

const USAGE: &str = "usage: bench [--members N] [--avg-connections K] [--seed S]";

fn parse(args: impl Iterator<Item = String>) -> Result<BenchOptions, String> {
    let mut opts = BenchOptions::default();
    let mut args = args.peekable();
    while let Some(flag) = args.next() {
        if flag == "--help" || flag == "-h" {
            return Err(USAGE.into());
        }
        let value = args
            .next()
            .ok_or_else(|| format!("{flag} needs a value\n{USAGE}"))?;
        let bad = |e: std::num::ParseIntError| format!("{flag} {value}: {e}\n{USAGE}");
        match flag.as_str() {
            "--members" => opts.members = value.parse().map_err(bad)?,
            "--avg-connections" => opts.avg_connections = value.parse().map_err(bad)?,
            "--seed" => opts.seed = value.parse().map_err(bad)?,
            _ => return Err(format!("unknown argument {flag}\n{USAGE}")),
        }
    }
    Ok(opts)
}

fn main() -> ExitCode {
    let opts = match parse(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let start = Instant::now();
    let report = bench::run(opts, &mut |m| {
        eprintln!("[{:7.1} s] {m}", start.elapsed().as_secs_f64());
    });
    println!("{}", report.to_json());
    eprintln!(
        "done in {:.1} s; budgets {}",
        start.elapsed().as_secs_f64(),
        if report.budgets_met() {
            "met"
        } else {
            "NOT met"
        }
    );
    ExitCode::SUCCESS
}
