//! People You May Know: candidates from the graph (2nd degree, scored by resource allocation
//! over the mutual connections and damped by the candidate's degree, hubs capped; see
//! `guild_graph::suggest` and `docs/SUGGESTIONS.md`) and from shared employers and schools,
//! scored together
//! with shared employers or schools in overlapping years and a shared place. Connected,
//! invited, dismissed and blocked members never appear, nor members the viewer may not open
//! (their profile's visibility) or may not invite now (a cool-down: the rule `invite` uses). Computed at read time, so a new
//! connection changes the list at once.

use std::collections::{HashMap, HashSet};

use guild_graph::SuggestOptions;
use serde::Serialize;

use super::model::Affinity;
use super::{state, Person};
use crate::accounts::model::MemberId;
use crate::auth::Viewer;
use crate::error::{CoreError, CoreResult};
use crate::{now_ms, Guild};

/// Graph candidates considered before the profile-based scores are added.
const GRAPH_CANDIDATES: usize = 100;
/// Colleagues and schoolmates considered per employer or school, beyond the graph's.
const PROFILE_CANDIDATES: u32 = 25;
/// Profile signals, on the graph score's scale: a mutual connection `w` adds `1 / deg(w)`, so
/// a shared employer in overlapping years weighs as much as a few mutuals of ordinary reach.
const EMPLOYER_WEIGHT: f32 = 0.15;
const SCHOOL_WEIGHT: f32 = 0.1;
const PLACE_WEIGHT: f32 = 0.05;

#[derive(Debug, Clone, Serialize)]
pub struct SuggestionView {
    pub person: Person,
    pub score: f32,
    /// "22 mutual connections", "Both at Acme 2019–2021", "Also in Utrecht"
    pub reasons: Vec<String>,
}

/// Overlap of two periods (inclusive), if any.
fn overlap(a: (i32, i32), b: (i32, i32)) -> Option<(i32, i32)> {
    let (s, e) = (a.0.max(b.0), a.1.min(b.1));
    (s <= e).then_some((s, e))
}

fn years(from: i32, to: i32, current: bool) -> String {
    if current {
        format!("since {from}")
    } else if from == to {
        format!("in {from}")
    } else {
        format!("{from}–{to}")
    }
}

/// Profile-based score and reasons between `me` and a candidate.
fn affinity_reasons(me: &Affinity, them: &Affinity, this_year: i32) -> (f32, Vec<String>) {
    let mut score = 0.0;
    let mut reasons = Vec::new();
    let mut seen = HashSet::new();
    // Months are indices (year * 12 + month - 1); open ends are "now".
    let now_month = this_year * 12 + 11;
    for (company, key, s1, e1) in &me.jobs {
        for (_, k2, s2, e2) in &them.jobs {
            if key != k2 || seen.contains(key) {
                continue;
            }
            let a = (*s1, e1.unwrap_or(now_month));
            let b = (*s2, e2.unwrap_or(now_month));
            if let Some((s, e)) = overlap(a, b) {
                seen.insert(key.clone());
                score += EMPLOYER_WEIGHT;
                let current = e1.is_none() && e2.is_none();
                reasons.push(format!(
                    "Both at {company} {}",
                    years(s / 12, e / 12, current)
                ));
            }
        }
    }
    for (school, key, s1, e1) in &me.schools {
        for (_, k2, s2, e2) in &them.schools {
            if key != k2 || seen.contains(key) {
                continue;
            }
            let a = (s1.unwrap_or(i32::MIN), e1.or(*s1).unwrap_or(i32::MAX));
            let b = (s2.unwrap_or(i32::MIN), e2.or(*s2).unwrap_or(i32::MAX));
            if let Some((s, e)) = overlap(a, b) {
                seen.insert(key.clone());
                score += SCHOOL_WEIGHT;
                reasons.push(if s == i32::MIN || e == i32::MAX {
                    format!("Both studied at {school}")
                } else {
                    format!("Both at {school} {}", years(s, e, false))
                });
            }
        }
    }
    if let (Some(k1), Some(k2), Some(place)) = (&me.location_key, &them.location_key, &me.location)
    {
        if !k1.is_empty() && k1 == k2 {
            score += PLACE_WEIGHT;
            reasons.push(format!("Also in {place}"));
        }
    }
    (score, reasons)
}

impl Guild {
    /// The viewer's suggestions, best first, each with its reasons.
    pub async fn people_you_may_know(
        &self,
        viewer: &Viewer,
        limit: Option<u32>,
    ) -> CoreResult<Vec<SuggestionView>> {
        let me = Self::me(viewer)?;
        let limit = crate::paging::limit(
            limit,
            crate::paging::DEFAULT_LIMIT,
            crate::paging::MAX_LIMIT,
        )? as usize;
        let now = now_ms();
        let mut excluded: HashSet<MemberId> = self.network.hidden_from(me);
        excluded.extend(self.store.dismissed(me).await?);
        excluded.extend(
            self.store
                .open_invitation_peers(me, self.expired_before(now))
                .await?
                .into_iter()
                .map(|(id, _)| id),
        );
        excluded.insert(me);
        let snap = self.network.snapshot();
        let my_node = state::node(me)?;
        let graph = snap.suggestions(
            my_node,
            SuggestOptions {
                limit: GRAPH_CANDIDATES,
                ..SuggestOptions::default()
            },
            |n| excluded.contains(&MemberId::from(n)),
        );
        let mut scores: HashMap<MemberId, f32> = graph
            .iter()
            .map(|s| (MemberId::from(s.node), s.score))
            .collect();

        // Profile signals from memory (`network::affinity`), kept current from the change
        // stream: no profile query on this path.
        let mine = self.affinity.get(me);
        let companies: Vec<String> = mine.jobs.iter().map(|j| j.1.clone()).collect();
        let schools: Vec<String> = mine.schools.iter().map(|s| s.1.clone()).collect();
        for id in self
            .affinity
            .colleagues(&companies, &schools, PROFILE_CANDIDATES)
        {
            let connected = state::node(id).is_ok_and(|n| snap.are_connected(my_node, n));
            if !excluded.contains(&id) && !connected {
                scores.entry(id).or_insert(0.0);
            }
        }
        let ids: Vec<MemberId> = scores.keys().copied().collect();
        let affinities = self.affinity.get_many(&ids);
        let this_year = chrono::Datelike::year(&super::rules::utc(now));
        let mut ranked: Vec<(MemberId, f32, Vec<String>)> = ids
            .into_iter()
            .map(|id| {
                let mut reasons = Vec::new();
                let mutuals = state::node(id)
                    .map(|n| snap.mutual_count(my_node, n))
                    .unwrap_or(0);
                match mutuals {
                    0 => {}
                    1 => reasons.push("1 mutual connection".to_string()),
                    n => reasons.push(format!("{n} mutual connections")),
                }
                let (bonus, more) = affinities
                    .get(&id)
                    .map(|a| affinity_reasons(&mine, a, this_year))
                    .unwrap_or_default();
                reasons.extend(more);
                (id, scores.get(&id).copied().unwrap_or(0.0) + bonus, reasons)
            })
            .filter(|(_, score, reasons)| *score > 0.0 && !reasons.is_empty())
            .collect();
        ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        let ids: Vec<MemberId> = ranked.iter().map(|r| r.0).collect();
        let barred = self.barred_by_history(me, &ids, now).await?;
        ranked.retain(|r| !barred.contains(&r.0));
        // A suggestion the viewer may not open (a connections-only profile; candidates are
        // never connections) leads nowhere: the cards of every ranked candidate, in one query,
        // say whose profile this viewer may see.
        let ids: Vec<MemberId> = ranked.iter().map(|r| r.0).collect();
        let visible: HashSet<MemberId> = self
            .store
            .cards(&ids)
            .await?
            .into_iter()
            .filter(|c| crate::auth::may_see(viewer, c.id, c.visibility, false))
            .map(|c| c.id)
            .collect();
        ranked.retain(|r| visible.contains(&r.0));
        ranked.truncate(limit);
        let ids: Vec<MemberId> = ranked.iter().map(|r| r.0).collect();
        let mut people: HashMap<MemberId, Person> = self
            .people_by_ids(viewer, &ids)
            .await?
            .into_iter()
            .map(|p| (p.card.id, p))
            .collect();
        Ok(ranked
            .into_iter()
            .filter_map(|(id, score, reasons)| {
                let person = people.remove(&id)?;
                Some(SuggestionView {
                    person,
                    score,
                    reasons,
                })
            })
            .collect())
    }

    /// The candidates the viewer may not invite now because of their past invitations to them
    /// (one still open, or a cool-down after a withdrawal, an ignore or "I don't know"): the
    /// rule `invite` applies, read for all candidates in one query.
    async fn barred_by_history(
        &self,
        me: MemberId,
        candidates: &[MemberId],
        now: i64,
    ) -> CoreResult<HashSet<MemberId>> {
        let mut histories: HashMap<MemberId, Vec<super::model::Invitation>> = HashMap::new();
        for inv in self.store.invitation_histories(me, candidates).await? {
            histories.entry(inv.to).or_default().push(inv);
        }
        let limits = &self.settings.limits;
        let expired_before = self.expired_before(now);
        Ok(histories
            .into_iter()
            .filter(|(_, h)| super::rules::history_bar(h, limits, now, expired_before).is_some())
            .map(|(id, _)| id)
            .collect())
    }

    /// "Not interested": this member is never suggested to the viewer again.
    pub async fn dismiss_suggestion(&self, viewer: &Viewer, handle: &str) -> CoreResult<()> {
        let me = Self::me(viewer)?;
        let other = self.reachable_member(viewer, handle).await?;
        if other.id == me {
            return Err(CoreError::NotFound);
        }
        self.store
            .dismiss_suggestion(me, other.id, now_ms())
            .await?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aff(
        jobs: &[(&str, i32, Option<i32>)],
        schools: &[(&str, Option<i32>, Option<i32>)],
        place: Option<&str>,
    ) -> Affinity {
        Affinity {
            member: 0,
            location: place.map(str::to_string),
            location_key: place.map(crate::domain::fold_key),
            jobs: jobs
                .iter()
                .map(|(c, s, e)| (c.to_string(), crate::domain::fold_key(c), *s, *e))
                .collect(),
            schools: schools
                .iter()
                .map(|(c, s, e)| (c.to_string(), crate::domain::fold_key(c), *s, *e))
                .collect(),
        }
    }

    const fn m(year: i32, month: i32) -> i32 {
        year * 12 + month - 1
    }

    #[test]
    fn reasons_name_the_shared_employer_years_school_and_place() {
        let me = aff(
            &[
                ("Acme", m(2017, 3), Some(m(2021, 6))),
                ("Initech", m(2022, 1), None),
            ],
            &[("TU Delft", Some(2010), Some(2014))],
            Some("Utrecht"),
        );
        let them = aff(
            &[
                ("Acme", m(2019, 1), Some(m(2023, 1))),
                ("Initech", m(2024, 5), None),
            ],
            &[("TU Delft", Some(2013), Some(2016))],
            Some("Utrecht"),
        );
        let (score, reasons) = affinity_reasons(&me, &them, 2026);
        assert_eq!(
            reasons,
            vec![
                "Both at Acme 2019–2021",
                "Both at Initech since 2024",
                "Both at TU Delft 2013–2014",
                "Also in Utrecht"
            ]
        );
        let want = 2.0 * EMPLOYER_WEIGHT + SCHOOL_WEIGHT + PLACE_WEIGHT;
        assert!((score - want).abs() < 1e-5, "{score}");
        let stranger = aff(&[("Acme", m(2022, 1), None)], &[], Some("Oslo"));
        assert_eq!(affinity_reasons(&me, &stranger, 2026), (0.0, vec![]));
    }
}
