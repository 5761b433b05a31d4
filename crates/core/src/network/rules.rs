//! The invitation rules as plain functions of time and history, so each one is tested on its
//! own: the weekly quota and its Monday reset, the cool-downs, "I don't know this person",
//! and when a sender must give the invitee's email address.

use chrono::{DateTime, Datelike, Duration, TimeZone, Utc};

use crate::network::model::{Invitation, InvitationState};
use crate::settings::Limits;

pub use crate::DAY_MS;

/// The start (Monday 00:00 UTC) of the week holding `now`.
pub fn week_start(now: i64) -> i64 {
    let t = utc(now);
    let days_back = i64::from(t.weekday().num_days_from_monday());
    let midnight = t
        .date_naive()
        .and_hms_opt(0, 0, 0)
        .map(|d| Utc.from_utc_datetime(&d));
    midnight
        .map(|m| (m - Duration::days(days_back)).timestamp_millis())
        .unwrap_or(now)
}

/// When the quota of the week holding `now` resets: next Monday 00:00 UTC.
pub fn next_week_start(now: i64) -> i64 {
    week_start(now) + 7 * DAY_MS
}

pub fn utc(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// "30 Nov 2026"
pub fn day_label(ms: i64) -> String {
    utc(ms).format("%-d %b %Y").to_string()
}

/// The weekly quota: how many invitations are left, and when the count resets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Quota {
    pub limit: u32,
    pub used: u32,
    pub resets_at: i64,
}

impl Quota {
    pub fn new(limit: u32, sent_this_week: i64, now: i64) -> Quota {
        Quota {
            limit,
            used: u32::try_from(sent_this_week.max(0)).unwrap_or(u32::MAX),
            resets_at: next_week_start(now),
        }
    }
    pub fn left(&self) -> u32 {
        self.limit.saturating_sub(self.used)
    }
    /// "37 of 100 left this week, resets Monday"
    pub fn label(&self) -> String {
        format!(
            "{} of {} left this week, resets Monday",
            self.left(),
            self.limit
        )
    }
}

/// Why the same sender may not invite the same member again yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cooldown {
    /// The recipient said "I don't know this person" (or reported spam): never again.
    Never,
    /// After a withdrawal, until this time.
    Withdrawn(i64),
    /// After the recipient ignored an invitation, until this time.
    Ignored(i64),
}

/// The cool-down that applies now to `from` inviting `to`, given every invitation `from`
/// sent `to` before. The longest one wins.
pub fn cooldown(history: &[Invitation], limits: &Limits, now: i64) -> Option<Cooldown> {
    if history
        .iter()
        .any(|i| matches!(i.state, InvitationState::DontKnow | InvitationState::Spam))
    {
        return Some(Cooldown::Never);
    }
    let withdraw = i64::from(limits.reinvite_after_withdraw_days) * DAY_MS;
    let ignore = i64::from(limits.reinvite_after_ignore_days) * DAY_MS;
    let mut best: Option<Cooldown> = None;
    let mut consider = |c: Cooldown, until: i64| {
        let current = match best {
            Some(Cooldown::Withdrawn(t)) | Some(Cooldown::Ignored(t)) => t,
            _ => i64::MIN,
        };
        if until > now && until > current {
            best = Some(c);
        }
    };
    for i in history {
        if let Some(t) = i.ignored_at {
            consider(Cooldown::Ignored(t + ignore), t + ignore);
        }
        if let Some(t) = i.withdrawn_at {
            consider(Cooldown::Withdrawn(t + withdraw), t + withdraw);
        }
    }
    best
}

/// What a sender's past invitations to one member stand against inviting them now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistoryBar {
    /// An invitation created at this time is still open (and not expired).
    Pending(i64),
    /// A cool-down applies.
    Cooldown(Cooldown),
}

/// Whether the history of `from` inviting `to` (every invitation, oldest first) stops a new
/// invitation now: an open one, or a cool-down. `invite` refuses on it and People You May Know
/// leaves such members out, through this one function, so the two cannot disagree.
pub fn history_bar(
    history: &[Invitation],
    limits: &Limits,
    now: i64,
    expired_before: i64,
) -> Option<HistoryBar> {
    if let Some(open) = history
        .iter()
        .find(|i| i.state.is_open() && i.created_at > expired_before)
    {
        return Some(HistoryBar::Pending(open.created_at));
    }
    cooldown(history, limits, now).map(HistoryBar::Cooldown)
}

/// Until when a sender must give the invitee's email address: set off when, at some answer,
/// `dont_know_threshold` or more "I don't know" answers fall within `dont_know_window_days`,
/// and lasting `email_required_days` from that answer. `answers` are the answer times,
/// oldest first.
pub fn email_required_until(answers: &[i64], limits: &Limits, now: i64) -> Option<i64> {
    let threshold = limits.dont_know_threshold.max(1) as usize;
    let window = i64::from(limits.dont_know_window_days) * DAY_MS;
    let lasting = i64::from(limits.email_required_days) * DAY_MS;
    let mut until = None;
    for (i, &t) in answers.iter().enumerate() {
        let within = answers[..=i].iter().filter(|&&a| a > t - window).count();
        if within >= threshold && t + lasting > now {
            until = Some(until.map_or(t + lasting, |u: i64| u.max(t + lasting)));
        }
    }
    until
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> i64 {
        DateTime::parse_from_rfc3339(s).unwrap().timestamp_millis()
    }

    fn inv(state: InvitationState, ignored: Option<i64>, withdrawn: Option<i64>) -> Invitation {
        Invitation {
            id: 1,
            from: 1,
            to: 2,
            note: None,
            state,
            created_at: 0,
            responded_at: None,
            ignored_at: ignored,
            withdrawn_at: withdrawn,
        }
    }

    #[test]
    fn weeks_start_on_monday_utc() {
        // 2026-11-22 is a Sunday.
        let sun = at("2026-11-22T23:59:00Z");
        assert_eq!(week_start(sun), at("2026-11-16T00:00:00Z"));
        assert_eq!(next_week_start(sun), at("2026-11-23T00:00:00Z"));
        let mon = at("2026-11-23T00:00:00Z");
        assert_eq!(week_start(mon), mon);
        assert_eq!(day_label(mon), "23 Nov 2026");
    }

    #[test]
    fn quota_label_counts_down() {
        let q = Quota::new(100, 63, at("2026-11-18T10:00:00Z"));
        assert_eq!(q.label(), "37 of 100 left this week, resets Monday");
        assert_eq!(q.resets_at, at("2026-11-23T00:00:00Z"));
        assert_eq!(Quota::new(5, 9, 0).left(), 0);
    }

    #[test]
    fn cooldowns_after_withdraw_and_ignore_and_never_after_dont_know() {
        let l = Limits::default();
        let t = at("2026-01-01T00:00:00Z");
        let w = [inv(InvitationState::Withdrawn, None, Some(t))];
        assert_eq!(
            cooldown(&w, &l, t + DAY_MS),
            Some(Cooldown::Withdrawn(t + 21 * DAY_MS))
        );
        assert_eq!(cooldown(&w, &l, t + 21 * DAY_MS), None);
        // Ignored, then withdrawn: the ignore's six months outlast the withdrawal's three weeks.
        let iw = [inv(InvitationState::Withdrawn, Some(t), Some(t + DAY_MS))];
        assert_eq!(
            cooldown(&iw, &l, t + 30 * DAY_MS),
            Some(Cooldown::Ignored(t + 182 * DAY_MS))
        );
        let dk = [
            inv(InvitationState::DontKnow, None, None),
            inv(InvitationState::Withdrawn, None, Some(t)),
        ];
        assert_eq!(cooldown(&dk, &l, t + 1000 * DAY_MS), Some(Cooldown::Never));
        assert_eq!(cooldown(&[], &l, t), None);
    }

    #[test]
    fn email_required_after_five_dont_knows_in_ninety_days() {
        let l = Limits::default();
        let t = at("2026-03-01T00:00:00Z");
        let four: Vec<i64> = (0..4).map(|i| t + i * DAY_MS).collect();
        assert_eq!(email_required_until(&four, &l, t + 5 * DAY_MS), None);
        let mut five = four.clone();
        five.push(t + 10 * DAY_MS);
        let until = t + 40 * DAY_MS;
        assert_eq!(
            email_required_until(&five, &l, t + 11 * DAY_MS),
            Some(until)
        );
        assert_eq!(email_required_until(&five, &l, until), None);
        // Five answers spread over more than 90 days never add up.
        let spread: Vec<i64> = (0..5).map(|i| t + i * 30 * DAY_MS).collect();
        assert_eq!(email_required_until(&spread, &l, t + 121 * DAY_MS), None);
    }
}
