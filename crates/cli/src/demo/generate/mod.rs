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

mod career;

#[cfg(test)]
mod tests;
