//! Faults survived: the real `guild` binary killed with SIGKILL under load (SQLite and
//! PostgreSQL), its PostgreSQL stopped for ten seconds under load, and one of two nodes on
//! one database killed. Each test drives writes over HTTP, records every write the server
//! acknowledged, and after the fault finds each one again, with the in-memory indexes
//! agreeing with the store.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../common/mod.rs"]
mod common;

mod database_away;
mod kill;
mod load;
mod node_dies;
mod verify;
