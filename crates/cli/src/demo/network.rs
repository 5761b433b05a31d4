//! The demo's connections: drawn from the generated members' own employers, schools and
//! cities (most people know colleagues, classmates and neighbours), plus a few long-range
//! ties, with heavy-tailed degrees (a few connectors, many modest networks). Deterministic for a
//! seed. The demo member also gets a network of their own and a few invitations to answer.

use std::collections::{HashMap, HashSet};

use anyhow::{Context, Result};
use guild_core::accounts::model::MemberId;
use guild_core::network::model::Affinity;
use guild_core::store::Store;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Mean connections per member the demo aims for.
pub const MEAN_DEGREE: f64 = 16.0;
/// Nobody in the demo has more than this many (the product's cap is 30,000).
const DEMO_MAX_DEGREE: usize = 400;
/// Members read per query while gathering employers, schools and cities.
const READ_CHUNK: i64 = 1_000;

/// A heavy-tailed target degree: Pareto with shape 2 scaled to the mean, at least 2.
fn target_degree(rng: &mut StdRng) -> usize {
    let u: f64 = rng.gen_range(f64::EPSILON..1.0);
    let d = (MEAN_DEGREE / 2.0) / u.sqrt();
    (d.round() as usize).clamp(2, DEMO_MAX_DEGREE)
}

/// Draws the edges among `members` from their communities.
pub fn draw_edges(members: &[Affinity], seed: u64) -> Vec<(MemberId, MemberId)> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x006e_6574_776f_726b);
    let mut groups: HashMap<String, Vec<MemberId>> = HashMap::new();
    for m in members {
        for j in &m.jobs {
            groups
                .entry(format!("c:{}", j.1))
                .or_default()
                .push(m.member);
        }
        for s in &m.schools {
            groups
                .entry(format!("s:{}", s.1))
                .or_default()
                .push(m.member);
        }
        if let Some(l) = &m.location_key {
            groups.entry(format!("l:{l}")).or_default().push(m.member);
        }
    }
    let all: Vec<MemberId> = members.iter().map(|m| m.member).collect();
    let mut edges: HashSet<(MemberId, MemberId)> = HashSet::new();
    for m in members {
        let want = target_degree(&mut rng) / 2 + 1; // each edge counts for both ends
        let mut circles: Vec<&Vec<MemberId>> = Vec::new();
        for j in &m.jobs {
            circles.extend(groups.get(&format!("c:{}", j.1)));
        }
        for s in &m.schools {
            circles.extend(groups.get(&format!("s:{}", s.1)));
        }
        if let Some(l) = &m.location_key {
            circles.extend(groups.get(&format!("l:{l}")));
        }
        for _ in 0..want {
            let pool: &[MemberId] = if circles.is_empty() || rng.gen_bool(0.1) {
                &all
            } else {
                circles[rng.gen_range(0..circles.len())]
            };
            if pool.is_empty() {
                continue;
            }
            let other = pool[rng.gen_range(0..pool.len())];
            if other != m.member {
                edges.insert((m.member.min(other), m.member.max(other)));
            }
        }
    }
    let mut out: Vec<_> = edges.into_iter().collect();
    out.sort_unstable();
    out
}

/// Reads every member's employers, schools and city from the store.
pub async fn affinities(store: &dyn Store) -> Result<Vec<Affinity>> {
    let max = store.max_member_id().await.context("reading member ids")?;
    let mut out = Vec::new();
    let mut from = 1;
    while from <= max {
        let ids: Vec<MemberId> = (from..(from + READ_CHUNK).min(max + 1)).collect();
        out.extend(
            store
                .affinities(&ids)
                .await
                .context("reading employers and schools")?,
        );
        from += READ_CHUNK;
    }
    out.sort_by_key(|a| a.member);
    Ok(out)
}

/// Draws and writes the demo's connections; returns how many.
pub async fn seed_connections(store: &dyn Store, seed: u64, now: i64) -> Result<usize> {
    let members = affinities(store).await?;
    let edges = draw_edges(&members, seed);
    let mut rng = StdRng::seed_from_u64(seed);
    // Connected at some time over the last three years.
    let rows: Vec<(MemberId, MemberId, i64)> = edges
        .iter()
        .map(|&(a, b)| (a, b, now - rng.gen_range(0..3 * 365) * 86_400_000))
        .collect();
    store
        .seed_connections(&rows)
        .await
        .context("writing demo connections")?;
    Ok(rows.len())
}

/// Gives the demo member a network to look at: connections among the generated members and
/// a few invitations waiting for an answer.
pub async fn welcome_member(store: &dyn Store, seed: u64, now: i64) -> Result<()> {
    let me = store
        .member_by_email(super::MEMBER.email)
        .await
        .context("looking up the demo member")?
        .context("the demo member is missing")?
        .id;
    let max = store.max_member_id().await.context("reading member ids")?;
    if max <= me + 1 {
        return Ok(());
    }
    let mut rng = StdRng::seed_from_u64(seed ^ 0x0077_656c_636f_6d65);
    let mut picked: Vec<MemberId> = Vec::new();
    while picked.len() < 45.min((max - me) as usize) {
        let id = rng.gen_range(me + 1..=max);
        if !picked.contains(&id) {
            picked.push(id);
        }
    }
    let (friends, inviters) = picked.split_at(picked.len().saturating_sub(5));
    let rows: Vec<(MemberId, MemberId, i64)> = friends
        .iter()
        .map(|&f| (me, f, now - rng.gen_range(1..700) * 86_400_000))
        .collect();
    store
        .seed_connections(&rows)
        .await
        .context("connecting the demo member")?;
    let notes = [
        Some("We met at the design systems meetup in Lisbon. Would be great to stay in touch!"),
        None,
        Some("I enjoyed your talk on accessible admin consoles."),
        None,
        None,
    ];
    for (i, &from) in inviters.iter().enumerate() {
        let note = notes.get(i).copied().flatten();
        // Someone already connected by the community draw is skipped.
        let at = now - (i as i64 + 1) * 3_600_000;
        if let Ok(inv) = store.create_invitation(from, me, note, at).await {
            // As the product would: each invitation is also a notification.
            let kind = guild_core::feed::model::NotificationKind::InvitationReceived;
            store
                .notify(&[guild_core::feed::model::NewNotification {
                    member_id: me,
                    kind,
                    actor_id: from,
                    post_id: None,
                    comment_id: None,
                    invitation_id: Some(inv.id),
                    group_key: format!("{}:{}", kind.as_str(), inv.id),
                    created_at: at,
                }])
                .await
                .context("notifying the demo member")?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn member(id: MemberId, company: &str, city: &str) -> Affinity {
        Affinity {
            member: id,
            location: Some(city.into()),
            location_key: Some(city.into()),
            jobs: vec![(company.into(), company.into(), 0, None)],
            schools: vec![],
        }
    }

    #[test]
    fn edges_are_deterministic_mostly_within_communities_and_clean() {
        let members: Vec<Affinity> = (1..=2_000)
            .map(|i| {
                member(
                    i,
                    ["acme", "initech", "globex", "umbrella"][(i % 4) as usize],
                    ["utrecht", "oslo"][(i % 2) as usize],
                )
            })
            .collect();
        let a = draw_edges(&members, 7);
        assert_eq!(a, draw_edges(&members, 7));
        assert_ne!(a, draw_edges(&members, 8));
        assert!(
            a.iter().all(|&(x, y)| x < y),
            "no self-loops, one direction"
        );
        let mean = 2.0 * a.len() as f64 / members.len() as f64;
        assert!((8.0..=24.0).contains(&mean), "mean degree {mean}");
        let same_company = a.iter().filter(|&&(x, y)| x % 4 == y % 4).count();
        assert!(same_company * 2 > a.len(), "{same_company} of {}", a.len());
    }
}
