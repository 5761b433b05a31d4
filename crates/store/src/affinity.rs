//! The profile facts People You May Know reads (`Affinity`): a member's place, employers and
//! schools. One reader serves the request-time lookup (`affinities`) and the in-memory
//! affinity index's load and refreshes (`active_affinities`), so both see the same rows in
//! the same order.

use std::collections::HashMap;

use guild_core::accounts::model::MemberId;
use guild_core::network::model::Affinity;
use guild_core::store::StoreResult;

use crate::sql::id_list;
use crate::SqlStore;

/// Which members' affinities to read.
pub(crate) enum Which<'a> {
    /// These members, active or not.
    Ids(&'a [MemberId]),
    /// Those of these members who are active.
    ActiveIds(&'a [MemberId]),
    /// Every active member.
    AllActive,
}

impl SqlStore {
    /// Three reads (profiles, positions, education), whatever the number of members. Jobs and
    /// schools keep the order they were added in: reasons are listed in that order.
    pub(crate) async fn read_affinities(&self, which: Which<'_>) -> StoreResult<Vec<Affinity>> {
        let filter = match which {
            Which::Ids([]) | Which::ActiveIds([]) => return Ok(Vec::new()),
            Which::Ids(ids) => format!(
                "JOIN members m ON m.id = x.member_id WHERE m.id IN ({})",
                id_list(ids)
            ),
            Which::ActiveIds(ids) => format!(
                "JOIN members m ON m.id = x.member_id WHERE m.active = TRUE AND m.id IN ({})",
                id_list(ids)
            ),
            Which::AllActive => "JOIN members m ON m.id = x.member_id WHERE m.active = TRUE".into(),
        };
        type Place = (i64, Option<String>, Option<String>);
        type Job = (i64, String, String, i32, Option<i32>);
        type School = (i64, String, String, Option<i32>, Option<i32>);
        let places: Vec<Place> = self
            .fetch_all::<Place, _>(
                &format!("SELECT x.member_id, x.location, x.location_key FROM profiles x {filter}"),
                &[],
            )
            .await?;
        let jobs: Vec<Job> = self
            .fetch_all::<Job, _>(
                &format!(
                    "SELECT x.member_id, x.company, x.company_key, x.start_month, x.end_month \
                     FROM positions x {filter} ORDER BY x.member_id, x.id"
                ),
                &[],
            )
            .await?;
        let schools: Vec<School> = self
            .fetch_all::<School, _>(
                &format!(
                    "SELECT x.member_id, x.school, x.school_key, x.start_year, x.end_year \
                     FROM education x {filter} ORDER BY x.member_id, x.id"
                ),
                &[],
            )
            .await?;
        let mut out: HashMap<i64, Affinity> = places
            .into_iter()
            .map(|(id, location, location_key)| {
                (
                    id,
                    Affinity {
                        member: id,
                        location,
                        location_key,
                        ..Affinity::default()
                    },
                )
            })
            .collect();
        for (id, company, key, start, end) in jobs {
            if let Some(a) = out.get_mut(&id) {
                a.jobs.push((company, key, start, end));
            }
        }
        for (id, school, key, start, end) in schools {
            if let Some(a) = out.get_mut(&id) {
                a.schools.push((school, key, start, end));
            }
        }
        Ok(out.into_values().collect())
    }
}
