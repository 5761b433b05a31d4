//! Careers as the demo draws them: schools and degrees, then positions from the first job to
//! the current one, each with a description of what was achieved.

use super::*;

impl Generator {
    /// 0–3 entries, most recent first, ending by the year the career starts.
    pub(super) fn education(
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
    pub(super) fn career(
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
}
