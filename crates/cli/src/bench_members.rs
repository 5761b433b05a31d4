//! The members the benches seed: bare rows, `bench-<i>`, parsed like anyone's.

use anyhow::Result;
use guild_core::accounts::model::NewMember;
use guild_core::domain::{Email, Handle, Role, Visibility};
use guild_core::profiles::model::SeedMember;

/// A bare member of the benches' networks, `bench-<i>`: no profile beyond the row every
/// member has (and `headline`, where a bench shows one).
pub(crate) fn bench_member(
    i: usize,
    active: bool,
    created_at: i64,
    headline: Option<&str>,
) -> Result<SeedMember> {
    let handle = Handle::parse(&format!("bench-{i}")).map_err(anyhow::Error::msg)?;
    let email = Email::parse(&format!("{handle}@bench.invalid")).map_err(anyhow::Error::msg)?;
    Ok(SeedMember {
        member: NewMember {
            handle,
            name: format!("Bench Member {i}"),
            email,
            password_hash: "$argon2id$bench".into(),
            role: Role::Member,
            active,
            created_at,
        },
        headline: headline.map(str::to_string),
        about: None,
        location: None,
        visibility: Visibility::Members,
        positions: Vec::new(),
        education: Vec::new(),
        skills: Vec::new(),
    })
}
