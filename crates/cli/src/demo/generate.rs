//! The demo network generator: realistic, varied members, deterministic for a seed.
//!
//! Each member gets a region (which picks a culturally consistent name and, usually, a
//! nearby city and school), a career track (which picks titles, employers, skills and fields
//! of study that belong together), a profile completeness tier (from nearly empty to
//! All-Star), an education history and a career that runs from the end of their studies to
//! `today` without overlaps.

use std::collections::{HashMap, HashSet};

use guild_core::accounts::model::NewMember;
use guild_core::domain::{fold_key, Email, Handle, Role, Visibility, YearMonth};
use guild_core::lengths;
use guild_core::profiles::model::SeedMember;
use guild_core::profiles::model::{NewEducation, NewPosition};
use rand::distributions::WeightedIndex;
use rand::prelude::*;
use rand::rngs::StdRng;

use super::catalog::{
    Company, Track, COMPANIES, GENERAL_HEADLINES, GENERAL_SKILLS, HOBBIES, LOCATIONS, SCHOOLS,
    TRACKS,
};
use super::names::REGIONS;

/// The domain of every generated email address.
pub const EMAIL_DOMAIN: &str = "demo.guild";

/// Most positions a generated career has.
pub const MAX_POSITIONS: usize = 6;
/// Most skills a generated member lists.
pub const MAX_SKILLS: usize = 25;

const YEAR_MS: i64 = 365 * 24 * 3_600_000;

/// How much of their profile a member has filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Tier {
    /// A name, one position, little else.
    Sparse,
    Basic,
    Good,
    /// Everything the strength meter asks for that the generator can give.
    AllStar,
}

/// Produces [`SeedMember`]s one at a time. The same seed, `today` and `now_ms` give the same
/// members in the same order.
pub struct Generator {
    rng: StdRng,
    today: YearMonth,
    now_ms: i64,
    password_hash: String,
    /// Members generated so far; the next one's email carries `count + 1`.
    count: u64,
    /// Handles already given out (and reserved ones), folded.
    used_handles: HashSet<String>,
    /// Next numeric suffix to try per base handle, so clashes cost O(1).
    next_suffix: HashMap<String, u32>,
    regions: WeightedIndex<u32>,
    tracks: WeightedIndex<u32>,
    /// Per track: the companies it occurs at, and their size weights.
    track_companies: Vec<(Vec<&'static Company>, WeightedIndex<u32>)>,
    /// Per region (index into REGIONS): its locations and schools (indexes).
    region_locations: Vec<Vec<usize>>,
    region_schools: Vec<Vec<usize>>,
}

impl Generator {
    /// `password_hash` is stored for every generated member: hashing each member's password
    /// separately with argon2 would take about an hour for 100,000 members, so the demo
    /// computes one hash of the demo password and shares it.
    pub fn new(
        seed: u64,
        today: YearMonth,
        now_ms: i64,
        password_hash: String,
    ) -> anyhow::Result<Generator> {
        let regions = WeightedIndex::new(REGIONS.iter().map(|r| r.weight))?;
        let tracks = WeightedIndex::new(TRACKS.iter().map(|t| t.weight))?;
        let mut track_companies = Vec::with_capacity(TRACKS.len());
        for t in TRACKS {
            let list: Vec<&'static Company> = COMPANIES
                .iter()
                .filter(|c| t.industries.is_empty() || t.industries.contains(&c.industry))
                .collect();
            let weights = WeightedIndex::new(list.iter().map(|c| c.size))
                .map_err(|e| anyhow::anyhow!("track {} has no companies: {e}", t.name))?;
            track_companies.push((list, weights));
        }
        let by_region = |tags: Vec<&str>| -> Vec<Vec<usize>> {
            REGIONS
                .iter()
                .map(|r| {
                    tags.iter()
                        .enumerate()
                        .filter(|(_, t)| **t == r.tag)
                        .map(|(i, _)| i)
                        .collect()
                })
                .collect()
        };
        let region_locations = by_region(LOCATIONS.iter().map(|l| l.region).collect());
        let region_schools = by_region(SCHOOLS.iter().map(|s| s.region).collect());
        Ok(Generator {
            rng: StdRng::seed_from_u64(seed),
            today,
            now_ms,
            password_hash,
            count: 0,
            used_handles: HashSet::new(),
            next_suffix: HashMap::new(),
            regions,
            tracks,
            track_companies,
            region_locations,
            region_schools,
        })
    }

    /// Keeps `handle` out of generated members' reach (the demo logins' handles).
    pub fn reserve_handle(&mut self, handle: &str) {
        self.used_handles.insert(handle.to_ascii_lowercase());
    }

    /// The next `n` members.
    pub fn chunk(&mut self, n: usize) -> Result<Vec<SeedMember>, String> {
        (0..n).map(|_| self.member()).collect()
    }

    /// The next member. Its handle and email are parsed as a member's own would be, so a
    /// generator that made a bad one says so rather than seeding it.
    pub fn member(&mut self) -> Result<SeedMember, String> {
        self.count += 1;
        let region_ix = self.regions.sample(&mut self.rng);
        let region = &REGIONS[region_ix];
        let first = pick(&mut self.rng, region.first);
        let last = pick(&mut self.rng, region.last);
        let name = format!("{first} {last}");
        let handle = self.unique_handle(&name);
        let email = Email::parse(&format!(
            "{}.{}.{}@{EMAIL_DOMAIN}",
            ascii_key(first),
            ascii_key(last),
            self.count
        ))?;

        let tier = match self.rng.gen_range(0..100) {
            0..=11 => Tier::Sparse,
            12..=44 => Tier::Basic,
            45..=82 => Tier::Good,
            _ => Tier::AllStar,
        };
        let track_ix = self.tracks.sample(&mut self.rng);
        let track = &TRACKS[track_ix];
        let specialty = pick(&mut self.rng, track.specialties);

        let location = self.location(region_ix);
        let has_location = match tier {
            Tier::Sparse => self.rng.gen_bool(0.4),
            Tier::Basic => self.rng.gen_bool(0.85),
            Tier::Good | Tier::AllStar => true,
        };

        // Years of work so far, then education before it.
        let career_years: i32 = match self.rng.gen_range(0..100) {
            0..=14 => self.rng.gen_range(0..=2),
            15..=49 => self.rng.gen_range(3..=7),
            50..=79 => self.rng.gen_range(8..=15),
            _ => self.rng.gen_range(16..=32),
        };
        let career_months = (career_years * 12 + self.rng.gen_range(0..12)).max(2);
        let career_start = self.today.to_index() - career_months;
        let education = self.education(
            tier,
            track,
            region_ix,
            YearMonth::from_index(career_start).year,
        );
        let positions = self.career(tier, track_ix, specialty, career_start, &location);

        let headline = self.headline(tier, track, &positions);
        let wants_about = match tier {
            Tier::Sparse => false,
            Tier::Basic => self.rng.gen_bool(0.15),
            Tier::Good => self.rng.gen_bool(0.6),
            Tier::AllStar => true,
        };
        let about = wants_about.then(|| self.about(track, &positions, career_years, &location));
        let skills = self.skills(tier, track);
        let visibility = match self.rng.gen_range(0..100) {
            0..=84 => Visibility::Public,
            85..=96 => Visibility::Members,
            _ => Visibility::Connections,
        };
        let created_at = self.now_ms - self.rng.gen_range(0..3 * YEAR_MS);
        Ok(SeedMember {
            member: NewMember {
                handle,
                name,
                email,
                password_hash: self.password_hash.clone(),
                role: Role::Member,
                active: true,
                created_at,
            },
            headline,
            about,
            location: has_location.then_some(location),
            visibility,
            positions,
            education,
            skills,
        })
    }

    /// `Handle::suggest_from_name`, or with `-2`, `-3`… when taken (or reserved).
    fn unique_handle(&mut self, name: &str) -> Handle {
        let base = Handle::suggest_from_name(name);
        if self.used_handles.insert(base.to_string()) {
            return base;
        }
        let next = self.next_suffix.entry(base.to_string()).or_insert(2);
        loop {
            let n = *next;
            *next += 1;
            let suffix = n.to_string();
            let stem =
                base[..base.len().min(lengths::HANDLE - suffix.len() - 1)].trim_end_matches('-');
            if let Ok(candidate) = Handle::parse(&format!("{stem}-{suffix}")) {
                if self.used_handles.insert(candidate.to_string()) {
                    return candidate;
                }
            }
        }
    }

    /// A city: usually one of the member's region, sometimes anywhere (people move).
    fn location(&mut self, region_ix: usize) -> String {
        let local = &self.region_locations[region_ix];
        let ix = if !local.is_empty() && self.rng.gen_bool(0.8) {
            local[self.rng.gen_range(0..local.len())]
        } else {
            self.rng.gen_range(0..LOCATIONS.len())
        };
        let l = &LOCATIONS[ix];
        format!("{}, {}", l.city, l.country)
    }

    fn school(&mut self, region_ix: usize, local_share: f64) -> &'static str {
        let local = &self.region_schools[region_ix];
        let ix = if !local.is_empty() && self.rng.gen_bool(local_share) {
            local[self.rng.gen_range(0..local.len())]
        } else {
            self.rng.gen_range(0..SCHOOLS.len())
        };
        SCHOOLS[ix].name
    }

    /// 0–3 entries, most recent first, ending by the year the career starts.
    fn education(
        &mut self,
        tier: Tier,
        track: &Track,
        region_ix: usize,
        career_start_year: i32,
    ) -> Vec<NewEducation> {
        let count = match tier {
            Tier::Sparse => usize::from(self.rng.gen_bool(0.2)),
            Tier::Basic => self.rng.gen_range(0..=1),
            Tier::Good => self.rng.gen_range(1..=2),
            Tier::AllStar => *[1, 2, 2, 3].choose(&mut self.rng).unwrap_or(&1),
        };
        let field = pick(&mut self.rng, track.fields);
        // Built oldest first, then reversed.
        let mut out = Vec::with_capacity(count);
        let durations: Vec<i32> = (0..count)
            .map(|level| match level {
                0 => self.rng.gen_range(3..=4),
                1 => self.rng.gen_range(1..=2),
                _ => self.rng.gen_range(3..=5),
            })
            .collect();
        let mut start = career_start_year - durations.iter().sum::<i32>();
        for (level, years) in durations.iter().enumerate() {
            let (degree, field) = match level {
                0 => (pick(&mut self.rng, track.bachelor), field),
                1 => {
                    let d = pick(&mut self.rng, track.master);
                    // An MBA is in business whatever one studied before.
                    (
                        d,
                        if d == "MBA" {
                            "Business Administration"
                        } else {
                            pick(&mut self.rng, track.fields)
                        },
                    )
                }
                _ => (track.doctorate, field),
            };
            let school = self.school(region_ix, if level == 0 { 0.85 } else { 0.55 });
            out.push(NewEducation {
                school: school.to_string(),
                degree: Some(degree.to_string()),
                field: Some(field.to_string()),
                start_year: Some(start),
                end_year: Some(start + years),
            });
            start += years;
        }
        out.reverse();
        out
    }

    /// The career from `start` (a month index) to today: one position every few years, at
    /// most six, no overlaps, the latest usually current, seniority growing with experience.
    /// Members with less complete profiles list only their latest positions. Most recent
    /// first.
    fn career(
        &mut self,
        tier: Tier,
        track_ix: usize,
        specialty: &str,
        start: i32,
        location: &str,
    ) -> Vec<NewPosition> {
        let track = &TRACKS[track_ix];
        let today = self.today.to_index();
        let current = tier == Tier::AllStar || self.rng.gen_bool(0.88);
        let last_end = if current {
            today
        } else {
            (today - self.rng.gen_range(1..=8)).max(start)
        };
        let span = last_end - start + 1; // months, ≥ 1
        let per_position = self.rng.gen_range(18..=54);
        let k = usize::try_from((span + per_position / 2) / per_position)
            .unwrap_or(1)
            .clamp(1, MAX_POSITIONS)
            .min(usize::try_from(span / 6).unwrap_or(0).max(1));
        // Gaps between jobs, taken out of the span while at least six months a job remain.
        let mut gaps: Vec<i32> = (1..k)
            .map(|_| {
                if self.rng.gen_bool(0.6) {
                    0
                } else {
                    self.rng.gen_range(1..=4)
                }
            })
            .collect();
        let min_len = (span / k as i32).min(6);
        while span - gaps.iter().sum::<i32>() < min_len * k as i32 {
            match gaps.iter_mut().find(|g| **g > 0) {
                Some(g) => *g = 0,
                None => break,
            }
        }
        let working = span - gaps.iter().sum::<i32>();
        // Everyone gets `min_len` months; the rest is cut at random points.
        let spare = working - min_len * k as i32;
        let mut cuts: Vec<i32> = (1..k).map(|_| self.rng.gen_range(0..=spare)).collect();
        cuts.sort_unstable();
        let mut lengths = Vec::with_capacity(k);
        let mut prev = 0;
        for c in cuts.iter().chain(std::iter::once(&spare)) {
            lengths.push(min_len + c - prev);
            prev = *c;
        }

        let max_level = if self.rng.gen_bool(0.5) { 3 } else { 5 }; // many stay individual contributors
        let mut out = Vec::with_capacity(k);
        let mut month = start;
        let mut level = 0usize;
        let mut company: Option<&'static Company> = None;
        for (i, len) in lengths.iter().enumerate() {
            let p_start = month;
            let p_end = p_start + len - 1;
            let by_experience = match (p_start - start) / 12 {
                0..=1 => 0,
                2..=4 => 1,
                5..=8 => 2,
                9..=13 => 3,
                14..=19 => 4,
                _ => 5,
            };
            let wanted =
                (by_experience + self.rng.gen_range(-1i32..=1)).clamp(0, max_level) as usize;
            let previous_level = level;
            level = level.max(wanted);
            // Sometimes a promotion inside the same employer; otherwise a move elsewhere.
            let promoted_inside =
                company.is_some() && level < max_level as usize && self.rng.gen_bool(0.2);
            if promoted_inside {
                level = level.max(previous_level + 1);
            } else {
                let (list, weights) = &self.track_companies[track_ix];
                let mut next = list[weights.sample(&mut self.rng)];
                for _ in 0..4 {
                    if company.is_none_or(|c| c.name != next.name) {
                        break;
                    }
                    next = list[weights.sample(&mut self.rng)];
                }
                company = Some(next);
            }
            let employer = company.map(|c| c.name).unwrap_or("Independent");
            let title = pick(&mut self.rng, track.ladder[level]).replace("{}", specialty);
            let is_current = i + 1 == k && current;
            let describe = match tier {
                Tier::Sparse => false,
                Tier::Basic => self.rng.gen_bool(0.2),
                Tier::Good => self.rng.gen_bool(if is_current { 0.8 } else { 0.5 }),
                Tier::AllStar => is_current || self.rng.gen_bool(0.6),
            };
            let description = describe.then(|| self.achievements(track));
            let position_location = self.rng.gen_bool(0.4).then(|| location.to_string());
            out.push(NewPosition {
                company: employer.to_string(),
                title: title.trim().to_string(),
                description,
                location: position_location,
                start: YearMonth::from_index(p_start),
                end: (!is_current).then(|| YearMonth::from_index(p_end)),
            });
            month = p_end + 1 + gaps.get(i).copied().unwrap_or(0);
        }
        out.reverse();
        let listed = match tier {
            Tier::Sparse => 1,
            Tier::Basic => self.rng.gen_range(1..=3),
            Tier::Good => self.rng.gen_range(2..=MAX_POSITIONS),
            Tier::AllStar => MAX_POSITIONS,
        };
        out.truncate(listed);
        out
    }

    fn achievements(&mut self, track: &Track) -> String {
        let n = self.rng.gen_range(1..=3).min(track.achievements.len());
        let chosen: Vec<&str> = track
            .achievements
            .choose_multiple(&mut self.rng, n)
            .copied()
            .collect();
        chosen
            .iter()
            .map(|t| self.fill(t))
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Replaces `{pct}` with a percentage and `{A-B}` with a number from A to B.
    fn fill(&mut self, template: &str) -> String {
        let mut out = String::with_capacity(template.len() + 8);
        let mut rest = template;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                break;
            };
            let inner = &rest[open + 1..close];
            let value = if inner == "pct" {
                Some(self.rng.gen_range(12..=65))
            } else {
                inner
                    .split_once('-')
                    .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)))
                    .filter(|(a, b)| a <= b)
                    .map(|(a, b)| self.rng.gen_range(a..=b))
            };
            match value {
                Some(v) => out.push_str(&v.to_string()),
                None => out.push_str(&rest[open..=close]),
            }
            rest = &rest[close + 1..];
        }
        out.push_str(rest);
        out
    }

    fn headline(&mut self, tier: Tier, track: &Track, positions: &[NewPosition]) -> Option<String> {
        let roll = self.rng.gen_range(0..100);
        let (derived, free) = match tier {
            Tier::Sparse => (30, 0),
            Tier::Basic => (70, 15),
            Tier::Good | Tier::AllStar => (75, 25),
        };
        let latest = positions.first()?;
        if roll < derived {
            Some(if latest.end.is_none() {
                format!("{} at {}", latest.title, latest.company)
            } else {
                format!("{} | Open to new opportunities", latest.title)
            })
        } else if roll < derived + free {
            let list = if self.rng.gen_bool(0.8) {
                track.headlines
            } else {
                GENERAL_HEADLINES
            };
            Some(pick(&mut self.rng, list).to_string())
        } else {
            None
        }
    }

    fn about(
        &mut self,
        track: &Track,
        positions: &[NewPosition],
        career_years: i32,
        location: &str,
    ) -> String {
        let title = positions
            .first()
            .map(|p| p.title.as_str())
            .unwrap_or("Professional");
        let mut industries: Vec<&str> = Vec::new();
        for p in positions {
            if let Some(c) = COMPANIES.iter().find(|c| c.name == p.company) {
                if !industries.contains(&c.industry.label()) {
                    industries.push(c.industry.label());
                }
            }
        }
        let experience = match (career_years, industries.as_slice()) {
            (0..=1, _) => "at the start of my career".to_string(),
            (y, [one]) => format!("with {y} years of experience in {one}"),
            (y, [a, b, ..]) => format!("with {y} years of experience across {a} and {b}"),
            (y, []) => format!("with {y} years of experience"),
        };
        let interest = pick(&mut self.rng, track.interests);
        let hobby = pick(&mut self.rng, HOBBIES);
        let city = location.split(',').next().unwrap_or(location);
        match self.rng.gen_range(0..4) {
            0 => format!("{title} {experience}. I care about {interest}. Outside work, {hobby}."),
            1 => format!(
                "I work as {} in {city}, {experience}.\n\nWhat drives me: {interest}. Happy to connect with people who care about the same.",
                article(title)
            ),
            2 if career_years >= 2 => format!(
                "{career_years} years in {} have taught me to care about {interest}.\n\nToday I work as {}. When I am not working, {hobby}.",
                industries.first().copied().unwrap_or("this field"),
                article(title)
            ),
            _ => format!("Based in {city}. {title}. Interested in {interest}; always open to a good conversation."),
        }
    }

    /// Unique (ignoring case) skills, mostly from the member's track.
    fn skills(&mut self, tier: Tier, track: &Track) -> Vec<String> {
        let count = match tier {
            Tier::Sparse => *[0, 0, 0, 1, 2].choose(&mut self.rng).unwrap_or(&0),
            Tier::Basic => self.rng.gen_range(0..=6),
            Tier::Good => self.rng.gen_range(3..=15),
            Tier::AllStar => self.rng.gen_range(10..=MAX_SKILLS),
        };
        let mut seen = HashSet::new();
        let mut out = Vec::with_capacity(count);
        let mut attempts = 0;
        while out.len() < count && attempts < count * 8 {
            attempts += 1;
            let list = if self.rng.gen_bool(0.75) {
                track.skills
            } else {
                GENERAL_SKILLS
            };
            let s = pick(&mut self.rng, list);
            if seen.insert(fold_key(s)) {
                out.push(s.to_string());
            }
        }
        out
    }
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list.choose(rng).copied().unwrap_or("")
}

/// "a Product Manager", "an Engineering Manager".
fn article(title: &str) -> String {
    let vowel = title.starts_with(['A', 'E', 'I', 'O', 'U', 'a', 'e', 'i', 'o', 'u']);
    format!("{} {}", if vowel { "an" } else { "a" }, title)
}

/// A name as an email local part: lower-case ASCII letters and digits only.
pub fn ascii_key(name: &str) -> String {
    name.chars()
        .flat_map(char::to_lowercase)
        .filter_map(|c| {
            let c = guild_core::domain::fold_accent(c);
            c.is_ascii_alphanumeric().then_some(c)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::catalog::{GENERAL_SKILLS, SKILLS};
    use guild_core::domain::Email;

    const TODAY: YearMonth = YearMonth {
        year: 2025,
        month: 6,
    };
    const NOW_MS: i64 = 1_750_000_000_000;

    fn generate(seed: u64, n: usize) -> Vec<SeedMember> {
        let mut g = Generator::new(seed, TODAY, NOW_MS, "hash".into()).unwrap();
        g.reserve_handle("ada-admin");
        g.chunk(n).unwrap()
    }

    /// Everything about a member, as comparable text.
    fn fingerprint(m: &SeedMember) -> String {
        format!(
            "{} {} {} {:?} {:?} {:?} {:?} {:?} {}",
            m.member.handle,
            m.member.name,
            m.member.email,
            m.headline,
            m.about,
            m.location,
            m.visibility,
            m.skills,
            m.positions
                .iter()
                .map(|p| format!(
                    "{}|{}|{:?}|{:?}|{}|{:?}",
                    p.company, p.title, p.description, p.location, p.start, p.end
                ))
                .chain(m.education.iter().map(|e| format!(
                    "{}|{:?}|{:?}|{:?}|{:?}",
                    e.school, e.degree, e.field, e.start_year, e.end_year
                )))
                .collect::<Vec<_>>()
                .join(";")
        )
    }

    #[test]
    fn deterministic_for_a_seed() {
        let a: Vec<String> = generate(42, 500).iter().map(fingerprint).collect();
        let b: Vec<String> = generate(42, 500).iter().map(fingerprint).collect();
        let c: Vec<String> = generate(43, 500).iter().map(fingerprint).collect();
        assert_eq!(a, b);
        assert_ne!(a, c);
        // Chunking does not change the sequence.
        let mut g = Generator::new(42, TODAY, NOW_MS, "hash".into()).unwrap();
        g.reserve_handle("ada-admin");
        let mut chunked = g.chunk(123).unwrap();
        chunked.extend(g.chunk(377).unwrap());
        assert_eq!(a, chunked.iter().map(fingerprint).collect::<Vec<_>>());
    }

    #[test]
    fn data_is_valid_and_varied() {
        let members = generate(7, 2000);
        let mut handles = HashSet::new();
        let mut emails = HashSet::new();
        let mut companies = HashSet::new();
        let mut schools = HashSet::new();
        let mut locations = HashSet::new();
        let mut visibility = [0usize; 3];
        let (mut no_headline, mut rich) = (0, 0);
        for m in &members {
            let h = Handle::parse(&m.member.handle)
                .unwrap_or_else(|e| panic!("{}: {e}", m.member.handle));
            assert_eq!(h, m.member.handle);
            assert!(
                handles.insert(m.member.handle.clone()),
                "duplicate handle {}",
                m.member.handle
            );
            assert_ne!(m.member.handle, "ada-admin");
            let e = Email::parse(&m.member.email).unwrap();
            assert_eq!(e, m.member.email);
            assert!(m.member.email.ends_with("@demo.guild"));
            assert!(
                emails.insert(m.member.email.to_string()),
                "duplicate email {}",
                m.member.email
            );
            assert!(guild_core::domain::display_name(&m.member.name).is_ok());
            assert!(m.member.active);

            assert!(
                (1..=MAX_POSITIONS).contains(&m.positions.len()),
                "{} positions",
                m.positions.len()
            );
            // Most recent first, no overlaps, none ending before it starts, none in the future.
            let mut chronological = m.positions.clone();
            chronological.reverse();
            for (i, p) in chronological.iter().enumerate() {
                assert!(p.start <= TODAY, "starts in the future: {p:?}");
                if let Some(end) = p.end {
                    assert!(end >= p.start, "ends before it starts: {p:?}");
                    assert!(end <= TODAY);
                } else {
                    assert_eq!(
                        i + 1,
                        chronological.len(),
                        "only the latest position can be current"
                    );
                }
                if let Some(next) = chronological.get(i + 1) {
                    let end = p.end.unwrap();
                    assert!(end < next.start, "overlap: {p:?} / {next:?}");
                }
                assert!(
                    !p.title.is_empty() && !p.title.contains("{}"),
                    "{}",
                    p.title
                );
                assert!(p.title.chars().count() <= 100 && p.company.chars().count() <= 100);
                if let Some(d) = &p.description {
                    assert!(d.chars().count() <= 2000 && !d.contains('{'), "{d}");
                }
                companies.insert(p.company.clone());
            }
            assert!(m.education.len() <= 3);
            for e in &m.education {
                let (s, en) = (e.start_year.unwrap(), e.end_year.unwrap());
                assert!(s <= en && en <= TODAY.year && s >= 1950, "{e:?}");
                schools.insert(e.school.clone());
            }
            assert!(m.skills.len() <= MAX_SKILLS);
            let keys: HashSet<String> = m.skills.iter().map(|s| fold_key(s)).collect();
            assert_eq!(
                keys.len(),
                m.skills.len(),
                "duplicate skills: {:?}",
                m.skills
            );
            for s in &m.skills {
                assert!(
                    SKILLS.contains(&s.as_str()),
                    "{s} is not in the curated list"
                );
            }
            if let Some(h) = &m.headline {
                assert!(
                    guild_core::domain::line(h, "Headline", 1, 220).is_ok(),
                    "{h}"
                );
            } else {
                no_headline += 1;
            }
            if let Some(a) = &m.about {
                assert!(
                    guild_core::domain::bounded_text(a, "About", 1, 2600).is_ok(),
                    "{a}"
                );
                assert!(!a.contains('{'), "{a}");
            }
            if let Some(l) = &m.location {
                locations.insert(l.clone());
            }
            visibility[match m.visibility {
                Visibility::Public => 0,
                Visibility::Members => 1,
                Visibility::Connections => 2,
            }] += 1;
            if m.headline.is_some()
                && m.about.is_some()
                && m.skills.len() >= 3
                && m.positions.len() >= 3
                && !m.education.is_empty()
            {
                rich += 1;
            }
        }
        assert!(
            companies.len() >= 50,
            "only {} companies used",
            companies.len()
        );
        assert!(schools.len() >= 20, "only {} schools used", schools.len());
        assert!(
            locations.len() >= 40,
            "only {} locations used",
            locations.len()
        );
        // Roughly 85 / 12 / 3 per cent.
        assert!((1600..=1800).contains(&visibility[0]), "{visibility:?}");
        assert!((160..=330).contains(&visibility[1]), "{visibility:?}");
        assert!((20..=110).contains(&visibility[2]), "{visibility:?}");
        // A spread of completeness.
        assert!(no_headline > 100, "{no_headline} without headline");
        assert!(rich > 200, "{rich} rich profiles");
    }

    #[test]
    fn handle_clashes_get_suffixes() {
        let mut g = Generator::new(1, TODAY, NOW_MS, "h".into()).unwrap();
        assert_eq!(g.unique_handle("Ann Smith"), "ann-smith");
        assert_eq!(g.unique_handle("Ann Smith"), "ann-smith-2");
        assert_eq!(g.unique_handle("Ann Smith"), "ann-smith-3");
        // Reserved words and long names still give valid handles.
        assert!(Handle::parse(&g.unique_handle("Admin")).is_ok());
        let long = "Maximilian Alexander Konstantin von Hohenzollern";
        for _ in 0..20 {
            let h = g.unique_handle(long);
            assert!(Handle::parse(&h).is_ok(), "{h}");
        }
    }

    #[test]
    fn curated_lists_are_big_enough_and_consistent() {
        let firsts: HashSet<&str> = REGIONS
            .iter()
            .flat_map(|r| r.first.iter().copied())
            .collect();
        let lasts: HashSet<&str> = REGIONS
            .iter()
            .flat_map(|r| r.last.iter().copied())
            .collect();
        assert!(firsts.len() >= 150, "{} first names", firsts.len());
        assert!(lasts.len() >= 150, "{} last names", lasts.len());
        assert!(COMPANIES.len() >= 50);
        assert!(SCHOOLS.len() >= 20);
        assert!(LOCATIONS.len() >= 40);
        let skill_keys: HashSet<String> = SKILLS.iter().map(|s| fold_key(s)).collect();
        assert_eq!(
            skill_keys.len(),
            SKILLS.len(),
            "the skill list has duplicates"
        );
        assert!(SKILLS.len() >= 120, "{} skills", SKILLS.len());
        for s in GENERAL_SKILLS
            .iter()
            .chain(TRACKS.iter().flat_map(|t| t.skills.iter()))
        {
            assert!(SKILLS.contains(s), "{s} is missing from SKILLS");
        }
        // Names fold to ASCII handles and emails without losing letters.
        for name in firsts.iter().chain(lasts.iter()) {
            let letters = name.chars().filter(|c| c.is_alphabetic()).count();
            assert_eq!(
                ascii_key(name).len(),
                letters,
                "{name} has a letter the handle would drop"
            );
        }
        for r in REGIONS {
            assert!(
                LOCATIONS.iter().any(|l| l.region == r.tag),
                "no location for {}",
                r.tag
            );
            assert!(
                SCHOOLS.iter().any(|s| s.region == r.tag),
                "no school for {}",
                r.tag
            );
        }
        for t in TRACKS {
            assert!(
                !t.achievements.is_empty() && !t.headlines.is_empty() && !t.interests.is_empty(),
                "{}",
                t.name
            );
            for level in t.ladder {
                assert!(!level.is_empty(), "{}", t.name);
            }
        }
    }
}
