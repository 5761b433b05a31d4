//! The integration suite for guild-import: real-shaped uploads under `tests/fixtures/`, error
//! reporting, limits, and properties.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod csv_files;
mod errors;
mod limits;
mod linkedin;
mod props;
mod vcard;

use guild_import::{parse_contacts, Contact, ImportError, Limits, Parsed};

/// The bytes of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> Vec<u8> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses with the default limits.
pub fn parse(bytes: &[u8]) -> Result<Parsed, ImportError> {
    parse_contacts(bytes, Limits::default())
}

pub fn parse_fixture(name: &str) -> Parsed {
    parse(&fixture(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The contact whose full name is `name`.
pub fn by_name<'a>(parsed: &'a Parsed, name: &str) -> &'a Contact {
    parsed
        .contacts
        .iter()
        .find(|c| c.full_name == name)
        .unwrap_or_else(|| panic!("no contact named {name:?} in {:#?}", parsed.contacts))
}
