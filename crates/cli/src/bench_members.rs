//! The members the benches seed: bare rows, `bench-<i>`, parsed like anyone's.

use anyhow::{Context, Result};
use guild_core::accounts::model::NewMember;
use guild_core::auth::Viewer;
use guild_core::domain::{Email, Handle, Role, Visibility};
use guild_core::profiles::model::SeedMember;
use guild_core::store::Store;
use guild_core::Guild;

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

/// An API token for each of the `n` members from id `first` on, in order.
pub(crate) async fn tokens(
    store: &dyn Store,
    guild: &Guild,
    first: i64,
    n: usize,
) -> Result<Vec<String>> {
    let mut tokens = Vec::with_capacity(n);
    for i in 0..n {
        let m = store
            .member_by_id(first + i as i64)
            .await
            .context("reading a member")?
            .context("a seeded member is missing")?;
        let (_, token) = guild
            .create_token(&Viewer::Member(m), "bench")
            .await
            .map_err(|e| anyhow::anyhow!("making a token: {e}"))?;
        tokens.push(token);
    }
    Ok(tokens)
}
