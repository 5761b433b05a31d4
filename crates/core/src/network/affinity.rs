//! The affinity index: every active member's place, employers and schools (`Affinity`) in
//! memory, and per folded company and school key the members who have it — what People You
//! May Know reads on each request, so the request reads no profile facts by SQL.
//!
//! The store stays the source of truth. The index is loaded at start (`Guild::open`, three
//! queries), swapped whole when the node reloads from the change stream's horizon, and kept
//! current by reading members again: after a member's own commit on this node (positions,
//! education, place, an account made active) and, for what other nodes wrote, from the
//! stream's `profile` and `member` changes (`stream/apply.rs`). A refresh reads the member's
//! rows as they are now, so a change applied twice changes nothing.
//!
//! Readers take the `RwLock` for reading only to copy out `Arc`s and ids; nothing holds it
//! across an await.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock, RwLockReadGuard, RwLockWriteGuard};

use super::model::Affinity;
use crate::accounts::model::MemberId;
use crate::error::CoreResult;
use crate::Guild;

#[derive(Default)]
pub struct AffinityIndex {
    inner: RwLock<Inner>,
    /// Held by whoever reads affinities from the store to put them here (a member's own
    /// edit, the change stream, a reload) from before the read until the index is changed:
    /// reads are applied in the order they were made, so an older read of a member never
    /// overwrites a newer one. An async mutex: it is held across the store's await, and
    /// readers never take it.
    writing: tokio::sync::Mutex<()>,
}

/// Invariant: `companies` and `schools` hold exactly the rows of the affinities in `members`
/// (one count per position or education row), and `members` only active members with at least
/// one fact (a missing member reads as the empty `Affinity`, as the store's reads would give).
#[derive(Default)]
struct Inner {
    members: HashMap<MemberId, Arc<Affinity>>,
    /// company key → member → their positions at it. Rows, not members, as the store's
    /// `colleagues` counts them against its limit (a member with two positions at one
    /// company takes two of its places).
    companies: HashMap<String, BTreeMap<MemberId, u32>>,
    /// school key → member → their education rows at it.
    schools: HashMap<String, BTreeMap<MemberId, u32>>,
}

fn is_empty(a: &Affinity) -> bool {
    a.location_key.is_none() && a.location.is_none() && a.jobs.is_empty() && a.schools.is_empty()
}

fn add_row(map: &mut HashMap<String, BTreeMap<MemberId, u32>>, key: &str, id: MemberId) {
    *map.entry(key.to_string())
        .or_default()
        .entry(id)
        .or_default() += 1;
}

fn remove_row(map: &mut HashMap<String, BTreeMap<MemberId, u32>>, key: &str, id: MemberId) {
    if let Some(rows) = map.get_mut(key) {
        if let Some(n) = rows.get_mut(&id) {
            *n -= 1;
            if *n == 0 {
                rows.remove(&id);
            }
        }
        if rows.is_empty() {
            map.remove(key);
        }
    }
}

impl Inner {
    fn insert(&mut self, a: Affinity) {
        self.remove(a.member);
        if is_empty(&a) {
            return;
        }
        for job in &a.jobs {
            add_row(&mut self.companies, &job.1, a.member);
        }
        for school in &a.schools {
            add_row(&mut self.schools, &school.1, a.member);
        }
        self.members.insert(a.member, Arc::new(a));
    }

    fn remove(&mut self, id: MemberId) {
        let Some(old) = self.members.remove(&id) else {
            return;
        };
        for job in &old.jobs {
            remove_row(&mut self.companies, &job.1, id);
        }
        for school in &old.schools {
            remove_row(&mut self.schools, &school.1, id);
        }
    }
}

impl AffinityIndex {
    /// Builds the index from every active member's affinity.
    pub fn load(all: Vec<Affinity>) -> AffinityIndex {
        let mut inner = Inner::default();
        for a in all {
            inner.insert(a);
        }
        AffinityIndex {
            inner: RwLock::new(inner),
            writing: tokio::sync::Mutex::new(()),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, Inner> {
        self.inner.read().unwrap_or_else(|e| e.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, Inner> {
        self.inner.write().unwrap_or_else(|e| e.into_inner())
    }

    /// Members with at least one fact in the index.
    pub fn len(&self) -> usize {
        self.read().members.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// A member's affinity (empty when they have none, or are not active).
    pub fn get(&self, id: MemberId) -> Arc<Affinity> {
        self.read().members.get(&id).cloned().unwrap_or_default()
    }

    /// The affinities of those of these members who have any.
    pub fn get_many(&self, ids: &[MemberId]) -> HashMap<MemberId, Arc<Affinity>> {
        let inner = self.read();
        ids.iter()
            .filter_map(|id| inner.members.get(id).map(|a| (*id, Arc::clone(a))))
            .collect()
    }

    /// Active members who worked at one of these companies or studied at one of these schools
    /// (folded keys), at most `limit` rows per company or school, the newest members (highest
    /// ids) first; each member once, in no particular order. The store's `colleagues`, exactly.
    pub fn colleagues(
        &self,
        company_keys: &[String],
        school_keys: &[String],
        limit: u32,
    ) -> Vec<MemberId> {
        let inner = self.read();
        let mut out = Vec::new();
        for (map, keys) in [
            (&inner.companies, company_keys),
            (&inner.schools, school_keys),
        ] {
            for rows in keys.iter().filter_map(|k| map.get(k)) {
                let mut taken = 0u64;
                for (&id, &n) in rows.iter().rev() {
                    if taken >= u64::from(limit) {
                        break;
                    }
                    taken += u64::from(n);
                    out.push(id);
                }
            }
        }
        drop(inner);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Puts these members' affinities as just read in place of what the index held; a member
    /// of `ids` not in `fresh` (no longer active, or gone) leaves the index.
    fn replace_members(&self, ids: &[MemberId], fresh: Vec<Affinity>) {
        let mut inner = self.write();
        for &id in ids {
            inner.remove(id);
        }
        for a in fresh {
            inner.insert(a);
        }
    }

    fn replace_with(&self, other: AffinityIndex) {
        let fresh = other.inner.into_inner().unwrap_or_else(|e| e.into_inner());
        *self.write() = fresh;
    }
}

impl Guild {
    /// Every active member's affinity, read from the store (three queries).
    pub(crate) async fn read_affinities(&self) -> CoreResult<AffinityIndex> {
        Ok(AffinityIndex::load(
            self.store.active_affinities(None).await?,
        ))
    }

    /// Loads the affinity index again and swaps it in (a reload from the stream's horizon).
    pub(crate) async fn reload_affinities(&self) -> CoreResult<()> {
        let _one = self.affinity.writing.lock().await;
        let fresh = self.read_affinities().await?;
        self.affinity.replace_with(fresh);
        Ok(())
    }

    /// Reads these members' affinities again (one read) and puts them in the index.
    pub(crate) async fn refresh_affinities(&self, ids: &[MemberId]) -> CoreResult<()> {
        if ids.is_empty() {
            return Ok(());
        }
        let _one = self.affinity.writing.lock().await;
        let fresh = self.store.active_affinities(Some(ids)).await?;
        self.affinity.replace_members(ids, fresh);
        Ok(())
    }

    /// After a member's own committed change to their positions, education, place or account:
    /// their entry read again. A failed read is logged, not returned: the change is committed,
    /// and an error would invite the member to make it twice. The entry stays stale until the
    /// member's next change or a reload.
    pub(crate) async fn affinity_changed(&self, id: MemberId) {
        if let Err(e) = self.refresh_affinities(&[id]).await {
            tracing::warn!("refreshing member {id}'s affinity: {e}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aff(member: MemberId, jobs: &[&str], schools: &[&str]) -> Affinity {
        let job = |k: &&str| (k.to_string(), k.to_lowercase(), 0, None);
        let school = |k: &&str| (k.to_string(), k.to_lowercase(), None, None);
        Affinity {
            member,
            location: None,
            location_key: None,
            jobs: jobs.iter().map(job).collect(),
            schools: schools.iter().map(school).collect(),
        }
    }

    #[test]
    fn colleagues_are_the_newest_rows_per_key_counted_like_the_store() {
        let index = AffinityIndex::load(vec![
            aff(1, &["Acme"], &["Delft"]),
            aff(2, &["Acme", "Initech"], &[]),
            // Two rows at Acme: two of its places, as the store's LIMIT counts rows.
            aff(3, &["Acme", "Acme"], &[]),
            aff(4, &[], &["Delft"]),
        ]);
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(index.colleagues(&keys(&["acme"]), &[], 2), vec![3]);
        assert_eq!(index.colleagues(&keys(&["acme"]), &[], 3), vec![2, 3]);
        assert_eq!(
            index.colleagues(&keys(&["acme", "initech"]), &keys(&["delft"]), 1),
            vec![2, 3, 4]
        );
        assert!(index.colleagues(&keys(&["nowhere"]), &[], 5).is_empty());

        // A refresh replaces a member's rows; one not read back (inactive) leaves.
        index.replace_members(&[3, 4], vec![aff(3, &["Initech"], &[])]);
        assert_eq!(index.colleagues(&keys(&["acme"]), &[], 5), vec![1, 2]);
        assert_eq!(index.colleagues(&keys(&["initech"]), &[], 5), vec![2, 3]);
        assert_eq!(index.colleagues(&[], &keys(&["delft"]), 5), vec![1]);
        assert!(index.get(4).jobs.is_empty() && index.get_many(&[4]).is_empty());
        assert_eq!(index.len(), 3);
        assert_eq!(index.get_many(&[1, 2, 9]).len(), 2);
    }
}
