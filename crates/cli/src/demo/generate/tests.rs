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
        let h =
            Handle::parse(&m.member.handle).unwrap_or_else(|e| panic!("{}: {e}", m.member.handle));
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
